#include "report/xml_escape.h"

#include "pc5check/common/escape.h"

#include <array>
#include <span>

namespace pc5check::report::xml {

std::string attr(std::string_view s)
{
    static constexpr std::array<CharEscape, 8> kAttribute{{{'&', "&amp;"},
                                                           {'<', "&lt;"},
                                                           {'>', "&gt;"},
                                                           {'"', "&quot;"},
                                                           {'\'', "&apos;"},
                                                           {'\n', "&#10;"},
                                                           {'\r', "&#13;"},
                                                           {'\t', "&#9;"}}};
    return escape_chars(s, std::span<const CharEscape>(kAttribute), "?");
}

std::string text(std::string_view s)
{
    // Quotes need no escaping in character data; tab and LF are listed so that they stay as they are.
    static constexpr std::array<CharEscape, 6> kText{
        {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'\n', "\n"}, {'\r', "&#13;"}, {'\t', "\t"}}};
    return escape_chars(s, std::span<const CharEscape>(kText), "?");
}

} // namespace pc5check::report::xml
