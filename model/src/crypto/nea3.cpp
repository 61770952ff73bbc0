/// \file 128-NEA3 (= 128-EEA3) on the ZUC generator of zuc.h.

#include "pc5check/crypto/crypto.h"
#include "stream_cipher.h"
#include "zuc.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace pc5check::crypto {

/// Ref: TS 33.401 B.1.4 (128-EEA3; TS 33.501 D.2.1.4: 128-NEA3 is identical); 128-EEA3 & 128-EIA3
/// Document 1 (TS 35.221) 3.3 (IV = COUNT || BEARER || DIRECTION || 0^26, twice) and 3.4-3.5
/// (ceil(LENGTH/32) keystream words).
Expected<Bytes> nea3(std::span<const std::uint8_t> key, const PdcpInput& in,
                     std::span<const std::uint8_t> data, std::size_t length_bits)
{
    return detail::xor_keystream(key, in, data, length_bits, [&] {
        std::array<std::uint8_t, 16> iv{};
        detail::write_count_bearer_direction(in, iv);
        std::copy_n(iv.begin(), 8, iv.begin() + 8);
        return detail::Zuc(key.first<16>(), iv);
    });
}

} // namespace pc5check::crypto
