#pragma once
/// \file Escaping of untrusted text (trace titles, file names, IE values) for HTML and inline SVG.

#include <string>
#include <string_view>

namespace pc5check::report::html {

/// `text` safe as HTML/SVG character data and as a double- or single-quoted attribute value:
/// `& < > " '` become character references, C0 control characters other than tab, LF and CR (which
/// HTML does not allow, even as references) and DEL become U+FFFD. Bytes >= 0x80 are passed through:
/// every string reaching a report comes from a JSON document, so it is valid UTF-8.
[[nodiscard]] std::string escape(std::string_view text);

} // namespace pc5check::report::html
