#pragma once
/// \file Private to the crypto module: big-endian loads and stores and bit windows of octet strings,
/// as the SNOW 3G and ZUC algorithms number bits (bit 0 = the most significant bit of octet 0).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace pc5check::crypto::detail {

/// The first four octets of `bytes` as a big-endian word.
[[nodiscard]] inline std::uint32_t load_be32(std::span<const std::uint8_t> bytes)
{
    return (static_cast<std::uint32_t>(bytes[0]) << 24U) | (static_cast<std::uint32_t>(bytes[1]) << 16U) |
           (static_cast<std::uint32_t>(bytes[2]) << 8U) | static_cast<std::uint32_t>(bytes[3]);
}

/// The four octets of `word`, most significant first.
[[nodiscard]] inline std::array<std::uint8_t, 4> store_be32(std::uint32_t word)
{
    return {static_cast<std::uint8_t>(word >> 24U), static_cast<std::uint8_t>(word >> 16U),
            static_cast<std::uint8_t>(word >> 8U), static_cast<std::uint8_t>(word)};
}

/// The 64 message bits from bit `first_bit` (a multiple of 8) on, as a big-endian word in which the
/// bits at or past `length_bits`, and past the end of `message`, are zero.
[[nodiscard]] inline std::uint64_t load_bits64(std::span<const std::uint8_t> message, std::size_t first_bit,
                                               std::size_t length_bits)
{
    std::uint64_t block = 0;
    const std::size_t first_octet = first_bit / 8;
    for (std::size_t i = 0; i < 8; ++i) {
        const std::size_t at = first_octet + i;
        const std::uint64_t octet = at < message.size() ? message[at] : 0U;
        block |= octet << (56U - 8U * i);
    }
    if (length_bits < first_bit + 64) {
        const std::size_t kept = length_bits > first_bit ? length_bits - first_bit : 0;
        block &= kept == 0 ? 0U : ~std::uint64_t{0} << (64U - kept);
    }
    return block;
}

} // namespace pc5check::crypto::detail
