#pragma once
/// \file PC5 unicast link cryptography: TS 33.220 KDF, K_NRP-sess and NRPEK/NRPIK derivation
/// (TS 33.536 Annex A), the 128-bit algorithms 128-NEA1/NIA1 (SNOW 3G), 128-NEA2/NIA2 (AES) and
/// 128-NEA3/NIA3 (ZUC) (TS 33.401 Annex B, TS 33.501 Annex D), NIA0 / NEA0 (TS 33.501 Annex D).
/// The KDF and AES are OpenSSL libcrypto's (EVP_MAC / EVP_CIPHER; no other module includes OpenSSL);
/// SNOW 3G and ZUC are implemented in model/src/crypto (snow3g.h says why no library is used).

#include "pc5check/common/error.h"
#include "pc5check/protocol/protocol.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pc5check::crypto {

/// An octet string.
using Bytes = std::vector<std::uint8_t>;

/// Algorithm identities (TS 33.501 5.11.1.1 / 5.11.1.2): the 4-bit value used in key derivation.
enum class CipherAlg : std::uint8_t { nea0 = 0, nea1 = 1, nea2 = 2, nea3 = 3 };
enum class IntegrityAlg : std::uint8_t { nia0 = 0, nia1 = 1, nia2 = 2, nia3 = 3 };

static_assert(protocol::kNeaNames.size() == 4 && protocol::kNiaNames.size() == 4,
              "CipherAlg and IntegrityAlg have one enumerator per name of spec/pc5-protocol.json");

/// Whether mac_i() computes the algorithm's MAC-I ("implemented" in spec/pc5-protocol.json: all four
/// since issue #18) rather than leaving it unverifiable: the solver builds its counterexamples from
/// these, so that each replays with verified MAC-Is.
[[nodiscard]] constexpr bool computes(IntegrityAlg alg)
{
    return protocol::kNiaImplemented.at(static_cast<std::size_t>(alg));
}
/// Whether ciphering under the algorithm is implemented (as spec/pc5-protocol.json says: all four).
[[nodiscard]] constexpr bool computes(CipherAlg alg)
{
    return protocol::kNeaImplemented.at(static_cast<std::size_t>(alg));
}

/// Parses hex digits (no "0x", even length, case-insensitive). Error message says what was expected.
[[nodiscard]] Expected<Bytes> from_hex(std::string_view hex);
/// Lower-case hex digits.
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);

/// TS 33.220 Annex B.2 generic KDF: HMAC-SHA-256(key, FC || P0 || L0 || P1 || L1 ...), Li = 2-octet
/// big-endian length of Pi. Returns the 32-octet output. Error if a parameter exceeds 65535 octets.
[[nodiscard]] Expected<Bytes> kdf(std::span<const std::uint8_t> key, std::uint8_t fc,
                                  const std::vector<Bytes>& params);

/// K_NRP-sess = KDF(K_NRP, FC 0x7F, P0 = Nonce_1, P1 = Nonce_2) (TS 33.536 Annex A), 32 octets.
/// Ref: TS 33.536 Annex A.
[[nodiscard]] Expected<Bytes> derive_k_nrp_sess(std::span<const std::uint8_t> k_nrp,
                                                std::span<const std::uint8_t> nonce_1,
                                                std::span<const std::uint8_t> nonce_2);

/// NRPEK = 128 LSBs of KDF(K_NRP-sess, FC 0x7E, P0 = 0x00, P1 = algorithm identity).
[[nodiscard]] Expected<Bytes> derive_nrpek(std::span<const std::uint8_t> k_nrp_sess, CipherAlg alg);
/// NRPIK = 128 LSBs of KDF(K_NRP-sess, FC 0x7E, P0 = 0x01, P1 = algorithm identity).
[[nodiscard]] Expected<Bytes> derive_nrpik(std::span<const std::uint8_t> k_nrp_sess, IntegrityAlg alg);

/// Inputs common to NIA/NEA (TS 33.401 B.1/B.2): 32-bit COUNT, 5-bit BEARER, 1-bit DIRECTION.
struct PdcpInput {
    std::uint32_t count = 0;
    std::uint8_t bearer = 0;    ///< 0..31
    std::uint8_t direction = 0; ///< 0..1
};

/// 128-NIA2 (AES-128-CMAC over COUNT||BEARER||DIRECTION||0^26||MESSAGE, first 32 bits).
/// `length_bits` may be any value <= 8*message.size(); bits beyond it are ignored (bit-exact CMAC).
/// Error when the key is not 16 octets, BEARER > 31, DIRECTION > 1 or length_bits too large.
[[nodiscard]] Expected<protocol::MacI> nia2(std::span<const std::uint8_t> key, const PdcpInput& in,
                                            std::span<const std::uint8_t> message, std::size_t length_bits);

/// 128-NEA2 (AES-128-CTR, initial counter block COUNT||BEARER||DIRECTION||0^26||0^64).
/// Output has ceil(length_bits/8) octets, bits past length_bits zeroed.
[[nodiscard]] Expected<Bytes> nea2(std::span<const std::uint8_t> key, const PdcpInput& in,
                                   std::span<const std::uint8_t> data, std::size_t length_bits);

/// 128-NIA1 (UIA2 over SNOW 3G with FRESH = BEARER || 0^27; TS 33.401 B.2.2), inputs and errors as
/// nia2(): any `length_bits` <= 8*message.size(), bits beyond it ignored.
[[nodiscard]] Expected<protocol::MacI> nia1(std::span<const std::uint8_t> key, const PdcpInput& in,
                                            std::span<const std::uint8_t> message, std::size_t length_bits);

/// 128-NEA1 (UEA2: SNOW 3G keystream; TS 33.401 B.1.2), output as nea2().
[[nodiscard]] Expected<Bytes> nea1(std::span<const std::uint8_t> key, const PdcpInput& in,
                                   std::span<const std::uint8_t> data, std::size_t length_bits);

/// 128-NIA3 (128-EIA3 over ZUC, the 2011 revision; TS 33.401 B.2.4), inputs and errors as nia2().
[[nodiscard]] Expected<protocol::MacI> nia3(std::span<const std::uint8_t> key, const PdcpInput& in,
                                            std::span<const std::uint8_t> message, std::size_t length_bits);

/// 128-NEA3 (128-EEA3: ZUC keystream; TS 33.401 B.1.4), output as nea2().
[[nodiscard]] Expected<Bytes> nea3(std::span<const std::uint8_t> key, const PdcpInput& in,
                                   std::span<const std::uint8_t> data, std::size_t length_bits);

/// MAC-I of a whole-octet PC5 message under `alg`. NIA0 gives 32 zero bits (TS 33.501 Annex D.1;
/// protocol::kNullNiaMac); NIA1, NIA2, NIA3 are nia1(), nia2(), nia3() over 8*message.size() bits.
/// `std::nullopt` stands for an algorithm this program does not compute (none since issue #18; the
/// caller reports such a MAC as unverifiable, never as valid). Errors as for nia2().
[[nodiscard]] Expected<std::optional<protocol::MacI>> mac_i(IntegrityAlg alg,
                                                            std::span<const std::uint8_t> key,
                                                            const PdcpInput& in,
                                                            std::span<const std::uint8_t> message);

/// The OpenSSL library this binary runs with, e.g. "OpenSSL 3.0.15 3 Sep 2024" (`--version`).
[[nodiscard]] std::string library_version();

} // namespace pc5check::crypto
