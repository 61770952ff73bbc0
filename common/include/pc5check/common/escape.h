#pragma once
/// \file Character escaping by table: the one loop behind the HTML, XML and Mermaid escapers (each
/// keeps its own table, since the three languages quote different characters in different ways).

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pc5check {

/// A character and the text that stands for it in the escaped output.
struct CharEscape {
    char c;
    std::string_view escaped;
};

/// `text` with each character listed in `table` replaced by its escaped text. Every other C0 control
/// character and DEL becomes `control` when it is given (a language that cannot carry them) and is
/// kept otherwise; every other character is kept.
[[nodiscard]] inline std::string escape_chars(std::string_view text, std::span<const CharEscape> table,
                                              std::optional<std::string_view> control = std::nullopt)
{
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        const auto hit =
            std::find_if(table.begin(), table.end(), [c](const CharEscape& e) { return e.c == c; });
        if (hit != table.end()) {
            out += hit->escaped;
        } else if (const auto u = static_cast<unsigned char>(c); control && (u < 0x20 || u == 0x7f)) {
            out += *control;
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace pc5check
