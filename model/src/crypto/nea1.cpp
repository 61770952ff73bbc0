/// \file 128-NEA1 (= 128-EEA1 = UEA2 with COUNT, BEARER, DIRECTION as COUNT-C, BEARER, DIRECTION) on
/// the SNOW 3G generator of snow3g.h.

#include "pc5check/crypto/crypto.h"
#include "snow3g.h"
#include "stream_cipher.h"

namespace pc5check::crypto {

/// Ref: TS 33.401 B.1.2 (128-EEA1; TS 33.501 D.2.1.2: 128-NEA1 is identical); UEA2 & UIA2 Document 1
/// 3.4 (IV3 = IV1 = COUNT, IV2 = IV0 = BEARER || DIRECTION || 0^26; k3..k0 = the key, first octets
/// in k3) and 3.5 (ceil(LENGTH/32) keystream words).
Expected<Bytes> nea1(std::span<const std::uint8_t> key, const PdcpInput& in,
                     std::span<const std::uint8_t> data, std::size_t length_bits)
{
    return detail::xor_keystream(key, in, data, length_bits, [&] {
        const std::uint32_t bearer_direction = (static_cast<std::uint32_t>(in.bearer) << 27U) |
                                               (static_cast<std::uint32_t>(in.direction) << 26U);
        return detail::Snow3g(detail::snow3g_key_words(key),
                              {bearer_direction, in.count, bearer_direction, in.count});
    });
}

} // namespace pc5check::crypto
