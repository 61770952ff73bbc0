#include "report/html_escape.h"

#include "pc5check/common/escape.h"

#include <array>

namespace pc5check::report::html {

std::string escape(std::string_view text)
{
    // Tab, LF and CR are listed as themselves so that only the other control characters are replaced.
    static constexpr std::array<CharEscape, 8> kTable{{{'&', "&amp;"},
                                                       {'<', "&lt;"},
                                                       {'>', "&gt;"},
                                                       {'"', "&quot;"},
                                                       {'\'', "&#39;"},
                                                       {'\t', "\t"},
                                                       {'\n', "\n"},
                                                       {'\r', "\r"}}};
    return escape_chars(text, kTable, "\xEF\xBF\xBD"); // U+FFFD REPLACEMENT CHARACTER
}

} // namespace pc5check::report::html
