#pragma once
/// \file UTF-8 well-formedness by the byte ranges of Unicode Table 3-7 (no overlong forms, no
/// surrogates, nothing past U+10FFFF), as nlohmann's lexer checks it: shared by the trace reader,
/// which must refuse what nlohmann refuses, and the JSON report, which replaces what it would refuse.

#include <cstddef>
#include <string_view>

namespace pc5check {

/// The UTF-8 sequence starting at some byte >= 0x80 of a string.
struct Utf8Sequence {
    /// Valid: the bytes of the character. Invalid: the maximal subpart (Unicode 3.9), the lead byte
    /// and the continuation bytes that could still follow it (>= 1).
    std::size_t length = 0;
    bool valid = false;
};

/// The sequence that starts at `text[at]`, a byte >= 0x80 (a truncated sequence is invalid).
[[nodiscard]] inline Utf8Sequence utf8_sequence(std::string_view text, std::size_t at)
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

} // namespace pc5check
