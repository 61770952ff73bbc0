#pragma once
/// \file Hex digits of octets: the one encoder every module uses (trace files, reports, solver names,
/// error messages).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pc5check {

/// Appends the two hex digits of `octet` (lower case unless `upper`).
inline void append_hex(std::string& out, std::uint8_t octet, bool upper = false)
{
    const std::string_view digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    out += digits[octet >> 4U];
    out += digits[octet & 0x0FU];
}

/// The octets as lower-case hex digits, two per octet, without a prefix.
[[nodiscard]] inline std::string to_hex_digits(std::span<const std::uint8_t> octets)
{
    std::string out;
    out.reserve(octets.size() * 2);
    for (const std::uint8_t b : octets) {
        append_hex(out, b);
    }
    return out;
}

} // namespace pc5check
