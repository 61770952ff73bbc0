#include "report/json_escape.h"

#include "pc5check/common/hex.h"
#include "pc5check/common/utf8.h"

#include <cstddef>

namespace pc5check::report {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER

void append_escape(std::string& out, unsigned char byte)
{
    switch (byte) {
    case '"':
        out += "\\\"";
        break;
    case '\\':
        out += "\\\\";
        break;
    case '\b':
        out += "\\b";
        break;
    case '\f':
        out += "\\f";
        break;
    case '\n':
        out += "\\n";
        break;
    case '\r':
        out += "\\r";
        break;
    case '\t':
        out += "\\t";
        break;
    default:
        out += "\\u00";
        append_hex(out, byte);
    }
}

} // namespace

void append_json_string(std::string& out, std::string_view text)
{
    out += '"';
    std::size_t copied = 0; // text[copied, i) needs no escape and is not appended yet
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\') {
            ++i;
            continue;
        }
        if (byte >= 0x80) {
            const Utf8Sequence sequence = utf8_sequence(text, i);
            if (sequence.valid) {
                i += sequence.length;
                continue;
            }
            out.append(text.substr(copied, i - copied));
            out.append(kReplacement);
            i += sequence.length;
        } else {
            out.append(text.substr(copied, i - copied));
            append_escape(out, byte);
            ++i;
        }
        copied = i;
    }
    out.append(text.substr(copied));
    out += '"';
}

} // namespace pc5check::report
