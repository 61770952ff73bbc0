#pragma once
/// \file Escaping of report text for XML 1.0 (the JUnit reports of check, prove, query and diff).

#include <string>
#include <string_view>

namespace pc5check::report::xml {

/// `s` as an attribute value (double-quoted): the five special characters escaped, tab and line breaks
/// as character references so they survive attribute-value normalisation, and control characters XML
/// cannot carry at all replaced by '?'.
[[nodiscard]] std::string attr(std::string_view s);

/// `s` as character data: `& < >` escaped, CR as a character reference, tab and LF kept, other control
/// characters replaced by '?'.
[[nodiscard]] std::string text(std::string_view s);

} // namespace pc5check::report::xml
