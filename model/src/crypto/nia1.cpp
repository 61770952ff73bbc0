/// \file 128-NIA1 (= 128-EIA1 = UIA2 with FRESH = BEARER || 0^27) on the UIA2 core of snow3g.h.

#include "pc5check/crypto/crypto.h"
#include "pdcp_inputs.h"
#include "snow3g.h"

namespace pc5check::crypto {

/// Ref: TS 33.401 B.2.2 (128-EIA1: UIA2 with COUNT-I = COUNT, FRESH[0..31] = BEARER[0..4] || 0^27 and
/// DIRECTION; TS 33.501 D.3.1.2: 128-NIA1 is identical); UEA2 & UIA2 Document 1 section 4.
Expected<protocol::MacI> nia1(std::span<const std::uint8_t> key, const PdcpInput& in,
                              std::span<const std::uint8_t> message, std::size_t length_bits)
{
    if (auto err = detail::check_pdcp_inputs(key, in, message, length_bits, "integrity")) {
        return *err;
    }
    const std::uint32_t fresh = static_cast<std::uint32_t>(in.bearer) << 27U;
    return detail::uia2_mac(key, in.count, fresh, in.direction, message, length_bits);
}

} // namespace pc5check::crypto
