#include "report/json_escape.h"

#include <cstddef>

namespace pc5check::report {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER

/// A UTF-8 sequence at some position of a string.
struct Utf8Sequence {
    std::size_t length = 0; ///< bytes: the whole character, or the maximal invalid subpart (>= 1)
    bool valid = false;
};

/// The sequence starting at the byte `text[at]` (>= 0x80), checked against the well-formed byte
/// sequences of Unicode Table 3-7, which exclude overlong forms, surrogates and code points above
/// U+10FFFF by the range allowed for the second byte.
Utf8Sequence utf8_sequence(std::string_view text, std::size_t at)
{
    const auto lead = static_cast<unsigned char>(text[at]);
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) {
            low = 0xA0; // below: overlong
        } else if (lead == 0xED) {
            high = 0x9F; // above: surrogates
        }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) {
            low = 0x90; // below: overlong
        } else if (lead == 0xF4) {
            high = 0x8F; // above: beyond U+10FFFF
        }
    } else {
        return {1, false}; // a continuation byte, or a lead byte no valid sequence has
    }
    std::size_t taken = 1;
    for (; taken < length && at + taken < text.size(); ++taken) {
        const auto byte = static_cast<unsigned char>(text[at + taken]);
        if (byte < low || byte > high) {
            return {taken, false};
        }
        low = 0x80;
        high = 0xBF;
    }
    return {taken, taken == length};
}

void append_escape(std::string& out, unsigned char byte)
{
    static constexpr std::string_view kHex = "0123456789abcdef";
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
        out += kHex[byte >> 4U];
        out += kHex[byte & 0xFU];
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
