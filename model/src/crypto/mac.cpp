/// \file MAC-I of a whole-octet PC5 message under the negotiated integrity algorithm.

#include "pc5check/crypto/crypto.h"
#include "pdcp_inputs.h"

#include <cstddef>
#include <limits>

namespace pc5check::crypto {

/// NIA0 ignores the key (none exists without integrity protection) but BEARER and DIRECTION are
/// still checked; the 128-bit algorithms check every input as nia2() does. Which algorithms are
/// computed is declared in spec/pc5-protocol.json (crypto::computes), and a test checks that this
/// switch agrees.
/// Ref: TS 33.501 D.1 (NIA0: 32-bit MAC-I of all zeroes); D.3.1.2-D.3.1.4 / TS 33.401 B.2.2-B.2.4
/// (128-NIA1, 128-NIA2, 128-NIA3).
Expected<std::optional<protocol::MacI>> mac_i(IntegrityAlg alg, std::span<const std::uint8_t> key,
                                              const PdcpInput& in, std::span<const std::uint8_t> message)
{
    if (auto err = detail::check_bearer_direction(in)) {
        return *err;
    }
    if (message.size() > std::numeric_limits<std::size_t>::max() / 8) {
        return make_error(ErrorCode::limit, "expected a message shorter than 2^61 octets");
    }
    Expected<protocol::MacI> mac = protocol::kNullNiaMac;
    switch (alg) {
    case IntegrityAlg::nia0:
        static_assert(protocol::kNullNia == static_cast<std::size_t>(IntegrityAlg::nia0));
        break;
    case IntegrityAlg::nia1:
        mac = nia1(key, in, message, 8 * message.size());
        break;
    case IntegrityAlg::nia2:
        mac = nia2(key, in, message, 8 * message.size());
        break;
    case IntegrityAlg::nia3:
        mac = nia3(key, in, message, 8 * message.size());
        break;
    }
    if (!mac) {
        return tl::make_unexpected(mac.error());
    }
    return *mac;
}

} // namespace pc5check::crypto
