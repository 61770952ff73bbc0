/// \file 128-NEA2 (= 128-EEA2): AES-128 in CTR mode (OpenSSL EVP_CIPHER "AES-128-CTR", whose counter is
/// the whole 16-octet block incremented as a big-endian integer, as NIST SP 800-38A B.1 with m = 128).

#include "fetched.h"
#include "pc5check/crypto/crypto.h"
#include "pdcp_inputs.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cstddef>
#include <memory>
#include <openssl/evp.h>
#include <optional>
#include <string>

namespace pc5check::crypto {

namespace {

constexpr std::size_t kMaxChunk = static_cast<std::size_t>(INT_MAX) & ~std::size_t{0xF};
constexpr const char* kAlgorithm = "AES-128-CTR";

} // namespace

/// Ref: TS 33.401 B.1.3 (128-EEA2; TS 33.501 D.2.2.3: 128-NEA2 is identical).
Expected<Bytes> nea2(std::span<const std::uint8_t> key, const PdcpInput& in,
                     std::span<const std::uint8_t> data, std::size_t length_bits)
{
    if (auto err = detail::check_pdcp_inputs(key, in, data, length_bits, "ciphering")) {
        return *err;
    }
    const std::size_t out_octets = detail::octets_for_bits(length_bits);
    Bytes out(out_octets, 0);
    if (out_octets == 0) {
        return out;
    }

    // T1 = COUNT[0..31] || BEARER[0..4] || DIRECTION || 0^26 || 0^64 (TS 33.401 B.1.3).
    std::array<std::uint8_t, 16> t1{};
    detail::write_count_bearer_direction(in, t1);

    const auto ctx = detail::start_encryption(detail::aes_128_ctr(), kAlgorithm, key.data(), t1.data());
    if (!ctx) {
        return tl::make_unexpected(ctx.error());
    }
    // EVP lengths are int: feed whole blocks in chunks so the keystream stays continuous.
    for (std::size_t done = 0; done < out_octets;) {
        const std::size_t chunk = std::min(kMaxChunk, out_octets - done);
        int written = 0;
        if (EVP_EncryptUpdate(ctx->get(), out.data() + done, &written, data.data() + done,
                              static_cast<int>(chunk)) != 1 ||
            written != static_cast<int>(chunk)) {
            return detail::openssl_failure(kAlgorithm, "EVP_EncryptUpdate");
        }
        done += chunk;
    }
    if (const std::size_t tail = length_bits % 8; tail != 0) {
        out.back() &= static_cast<std::uint8_t>(0xFF00U >> tail); // bits past LENGTH are zero
    }
    return out;
}

} // namespace pc5check::crypto
