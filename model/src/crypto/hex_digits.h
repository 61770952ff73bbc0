#pragma once
/// \file Private to the model library: the value of a hex digit, shared by the crypto and trace
/// readers of hex text (every MAC, nonce, key and PDU of a trace passes through one of them).

#include <array>
#include <cstddef>
#include <cstdint>

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

} // namespace pc5check::crypto::detail
