#pragma once
/// \file Private to the model library: hex digits and their decoding, shared by the crypto and trace
/// readers of hex text (every MAC, nonce, key and PDU of a trace passes through one of them).

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pc5check::crypto::detail {

/// Value of each character as a hex digit, -1 for a non-digit.
inline constexpr std::array<std::int8_t, 256> kHexDigitValues = [] {
    std::array<std::int8_t, 256> t{};
    t.fill(-1);
    for (int c = 0; c < 10; ++c) {
        t[static_cast<std::size_t>('0' + c)] = static_cast<std::int8_t>(c);
    }
    for (int c = 0; c < 6; ++c) {
        t[static_cast<std::size_t>('a' + c)] = static_cast<std::int8_t>(10 + c);
        t[static_cast<std::size_t>('A' + c)] = static_cast<std::int8_t>(10 + c);
    }
    return t;
}();

/// Value of one hex digit, or -1 when `c` is not one: one load per digit.
[[nodiscard]] inline int hex_digit_value(char c) { return kHexDigitValues[static_cast<unsigned char>(c)]; }

/// Decodes hex digits (either case) into `out`, which holds digits.size() / 2 octets; false on an odd
/// length or a non-digit (callers that word an error check the digits first).
[[nodiscard]] inline bool decode_hex_digits(std::string_view digits, std::uint8_t* out)
{
    if (digits.size() % 2 != 0) {
        return false;
    }
    for (std::size_t i = 0; i < digits.size(); i += 2) {
        const int high = hex_digit_value(digits[i]);
        const int low = hex_digit_value(digits[i + 1]);
        if ((high | low) < 0) {
            return false;
        }
        out[i / 2] = static_cast<std::uint8_t>(high * 16 + low);
    }
    return true;
}

} // namespace pc5check::crypto::detail
