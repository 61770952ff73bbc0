/// \file 128-NIA3 (= 128-EIA3) on the ZUC generator of zuc.h.

#include "bits.h"
#include "pc5check/crypto/crypto.h"
#include "pdcp_inputs.h"
#include "zuc.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pc5check::crypto {

namespace {

/// The 32 keystream bits from bit `i` on (z_i of 128-EEA3 & 128-EIA3 Document 1 4.5).
std::uint32_t keystream_window(const std::vector<std::uint32_t>& z, std::size_t i)
{
    const std::size_t word = i / 32;
    const auto offset = static_cast<unsigned>(i % 32);
    if (offset == 0) {
        return z[word];
    }
    return (z[word] << offset) | (z[word + 1] >> (32U - offset));
}

} // namespace

/// Ref: TS 33.401 B.2.4 (128-EIA3; TS 33.501 D.3.1.4: 128-NIA3 is identical); 128-EEA3 & 128-EIA3
/// Document 1 (TS 35.221) section 4, the version with the 2011 change that takes the last keystream word
/// from z_{32(L-1)} and L = ceil(LENGTH/32) + 2.
Expected<protocol::MacI> nia3(std::span<const std::uint8_t> key, const PdcpInput& in,
                              std::span<const std::uint8_t> message, std::size_t length_bits)
{
    if (auto err = detail::check_pdcp_inputs(key, in, message, length_bits, "integrity")) {
        return *err;
    }
    // 4.3: IV0..IV7 = COUNT || BEARER || 0^27; IV8..IV15 the same with DIRECTION XORed into the top
    // bit of IV8 and IV14.
    std::array<std::uint8_t, 16> iv{};
    detail::write_count_bearer_direction(PdcpInput{in.count, in.bearer, 0}, iv);
    std::copy_n(iv.begin(), 8, iv.begin() + 8);
    const auto direction_bit = static_cast<std::uint8_t>(static_cast<unsigned>(in.direction) << 7U);
    iv[8] ^= direction_bit;
    iv[14] ^= direction_bit;

    detail::Zuc zuc(key.first<16>(), iv);
    std::vector<std::uint32_t> z((length_bits + 31) / 32 + 2);
    for (std::uint32_t& word : z) {
        word = zuc.next_word();
    }
    // 4.5: T = XOR of z_i over the set message bits i, then z_LENGTH; MAC = T XOR z_{32(L-1)}. Message
    // word k (bits 32k..32k+31) meets the keystream bits of z[k] || z[k+1], shifted one bit per message bit.
    std::uint32_t t = 0;
    for (std::size_t k = 0; 32 * k < length_bits; ++k) {
        auto bits = static_cast<std::uint32_t>(detail::load_bits64(message, 32 * k, length_bits) >> 32U);
        std::uint64_t window = (std::uint64_t{z[k]} << 32U) | z[k + 1];
        for (int b = 0; b < 32; ++b) {
            t ^= static_cast<std::uint32_t>(window >> 32U) & (0U - (bits >> 31U)); // z_i when bit i is set
            bits <<= 1U;
            window <<= 1U;
        }
    }
    t ^= keystream_window(z, length_bits);
    return detail::store_be32(t ^ z.back());
}

} // namespace pc5check::crypto
