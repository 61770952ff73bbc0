#pragma once
/// \file The input checks every 128-bit PDCP algorithm shares (NEA/NIA: KEY, BEARER, DIRECTION, LENGTH).

#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace pc5check::crypto::detail {

/// The octets that hold `length_bits` bits.
[[nodiscard]] constexpr std::size_t octets_for_bits(std::size_t length_bits)
{
    return length_bits / 8 + (length_bits % 8 != 0 ? 1 : 0);
}

/// Writes COUNT[0..31] || BEARER[0..4] || DIRECTION into the first five octets of `out` and leaves the
/// rest alone (zero in the callers: the 0^26 that follows, TS 33.401 B.1.3 / B.2.3).
inline void write_count_bearer_direction(const PdcpInput& in, std::span<std::uint8_t> out)
{
    out[0] = static_cast<std::uint8_t>(in.count >> 24U);
    out[1] = static_cast<std::uint8_t>(in.count >> 16U);
    out[2] = static_cast<std::uint8_t>(in.count >> 8U);
    out[3] = static_cast<std::uint8_t>(in.count);
    out[4] = static_cast<std::uint8_t>((static_cast<unsigned>(in.bearer) << 3U) |
                                       (static_cast<unsigned>(in.direction) << 2U));
}

/// An error for a BEARER or DIRECTION outside its width, or nullopt (every algorithm, NIA0 included).
/// Ref: TS 33.401 B.1.1 / B.2.1 (5-bit BEARER, 1-bit DIRECTION).
[[nodiscard]] inline std::optional<tl::unexpected<Error>> check_bearer_direction(const PdcpInput& in)
{
    if (in.bearer > kMaxBearer) {
        return make_error(ErrorCode::bad_input, "expected a BEARER of 0.." + std::to_string(kMaxBearer) +
                                                    ", found " + std::to_string(in.bearer));
    }
    if (in.direction > kMaxDirection) {
        return make_error(ErrorCode::bad_input, "expected a DIRECTION of 0 or " +
                                                    std::to_string(kMaxDirection) + ", found " +
                                                    std::to_string(in.direction));
    }
    return std::nullopt;
}

/// An error for inputs outside the domain of a 128-bit EEA/EIA algorithm, or nullopt.
/// `key_kind` names the key in the message ("integrity", "ciphering").
/// Ref: TS 33.401 B.1.1 / B.2.1 (128-bit KEY, 5-bit BEARER, 1-bit DIRECTION, LENGTH within the data).
[[nodiscard]] inline std::optional<tl::unexpected<Error>>
check_pdcp_inputs(std::span<const std::uint8_t> key, const PdcpInput& in, std::span<const std::uint8_t> data,
                  std::size_t length_bits, const char* key_kind)
{
    if (key.size() != kAlgKeyOctets) {
        // Appended piece by piece: GCC 12's -Warray-bounds misreads a chain of operator+ here.
        std::string message = "expected a ";
        message += std::to_string(kAlgKeyOctets);
        message += "-octet ";
        message += key_kind;
        message += " key, found ";
        message += std::to_string(key.size());
        message += " octets";
        return make_error(ErrorCode::bad_input, message);
    }
    if (auto err = check_bearer_direction(in)) {
        return err;
    }
    if (octets_for_bits(length_bits) > data.size()) {
        return make_error(ErrorCode::bad_input, "expected a LENGTH of at most " +
                                                    std::to_string(8 * data.size()) + " bits, found " +
                                                    std::to_string(length_bits));
    }
    return std::nullopt;
}

} // namespace pc5check::crypto::detail
