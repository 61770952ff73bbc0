#pragma once
/// \file Lengths and ranges 3GPP fixes for the crypto inputs and outputs: the one copy that the crypto
/// functions check, the evaluator's builtins declare (machine/builtins.cpp) and, through those
/// declarations, the Z3 encoding assumes.

#include <cstddef>
#include <cstdint>

namespace pc5check::crypto {

/// Ref: TS 33.536 5.3.3.1.2 / Annex A (K_NRP and K_NRP-sess are 256 bits).
inline constexpr std::size_t kKNrpOctets = 32;
inline constexpr std::size_t kKNrpSessOctets = 32;
/// Ref: TS 33.536 5.3.3.1.4.2 (Nonce_1 and Nonce_2 are 128 bits).
inline constexpr std::size_t kNonceOctets = 16;
/// Ref: TS 33.536 Annex A (NRPIK and NRPEK: the 128 least significant bits of the KDF output).
inline constexpr std::size_t kAlgKeyOctets = 16;
/// Ref: TS 33.401 B.2.1 (MAC-I: 32 bits).
inline constexpr std::size_t kMacOctets = 4;
/// Ref: TS 33.401 B.1.1 / B.2.1 (COUNT 32 bits, BEARER 5 bits, DIRECTION 1 bit).
inline constexpr std::int64_t kMaxCount = 0xFFFFFFFFLL;
inline constexpr std::uint8_t kMaxBearer = 31;
inline constexpr std::uint8_t kMaxDirection = 1;

} // namespace pc5check::crypto
