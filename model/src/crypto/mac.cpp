/// \file MAC-I of a whole-octet PC5 message under the negotiated integrity algorithm.

#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"
#include "pdcp_inputs.h"

#include <cstddef>
#include <limits>
#include <string>

namespace pc5check::crypto {

/// NIA0 ignores the key (none exists without integrity protection) but BEARER and DIRECTION are
/// still checked; NIA1 / NIA3 check every input as nia2() does and then return std::nullopt. Which
/// algorithms are computed is declared in spec/pc5-protocol.json (crypto::computes), and a test checks
/// that this switch agrees.
/// Ref: TS 33.501 D.1 (NIA0: 32-bit MAC-I of all zeroes); TS 33.501 D.3.1.3 / TS 33.401 B.2.3 (NIA2).
Expected<std::optional<protocol::MacI>> mac_i(IntegrityAlg alg, std::span<const std::uint8_t> key,
                                              const PdcpInput& in, std::span<const std::uint8_t> message)
{
    if (auto err = detail::check_bearer_direction(in)) {
        return *err;
    }
    if (message.size() > std::numeric_limits<std::size_t>::max() / 8) {
        return make_error(ErrorCode::limit, "expected a message shorter than 2^61 octets");
    }
    switch (alg) {
    case IntegrityAlg::nia0:
        static_assert(protocol::kNullNia == static_cast<std::size_t>(IntegrityAlg::nia0));
        return protocol::kNullNiaMac;
    case IntegrityAlg::nia2: {
        auto mac = nia2(key, in, message, 8 * message.size());
        if (!mac) {
            return tl::make_unexpected(mac.error());
        }
        return *mac;
    }
    case IntegrityAlg::nia1:
    case IntegrityAlg::nia3:
        break;
    }
    if (key.size() != kAlgKeyOctets) {
        return make_error(ErrorCode::bad_input, "expected a " + std::to_string(kAlgKeyOctets) +
                                                    "-octet integrity key, found " +
                                                    std::to_string(key.size()) + " octets");
    }
    return std::nullopt;
}

} // namespace pc5check::crypto
