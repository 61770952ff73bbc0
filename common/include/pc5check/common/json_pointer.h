#pragma once
/// \file JSON pointers (RFC 6901) as the error messages of the trace and spec readers write them.

#include <string>
#include <string_view>

namespace pc5check {

/// One reference token escaped for a JSON pointer: '~' becomes "~0" and '/' becomes "~1".
[[nodiscard]] inline std::string escape_pointer_token(std::string_view token)
{
    std::string out;
    out.reserve(token.size());
    for (const char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace pc5check
