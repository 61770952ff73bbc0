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

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};

constexpr std::size_t kMaxChunk = static_cast<std::size_t>(INT_MAX) & ~std::size_t{0xF};

[[nodiscard]] tl::unexpected<Error> openssl_failure(const char* what)
{
    return make_error(ErrorCode::internal, std::string("OpenSSL AES-128-CTR failed in ") + what);
}

} // namespace

/// Ref: TS 33.401 B.1.3 (128-EEA2; TS 33.501 D.2.2.3: 128-NEA2 is identical).
Expected<Bytes> nea2(std::span<const std::uint8_t> key, const PdcpInput& in,
                     std::span<const std::uint8_t> data, std::size_t length_bits)
{
    if (auto err = detail::check_pdcp_inputs(key, in, data, length_bits, "ciphering")) {
        return *err;
    }
    const std::size_t out_octets = length_bits / 8 + (length_bits % 8 != 0 ? 1 : 0);
    Bytes out(out_octets, 0);
    if (out_octets == 0) {
        return out;
    }

    // T1 = COUNT[0..31] || BEARER[0..4] || DIRECTION || 0^26 || 0^64 (TS 33.401 B.1.3).
    std::array<std::uint8_t, 16> t1{};
    t1[0] = static_cast<std::uint8_t>(in.count >> 24U);
    t1[1] = static_cast<std::uint8_t>(in.count >> 16U);
    t1[2] = static_cast<std::uint8_t>(in.count >> 8U);
    t1[3] = static_cast<std::uint8_t>(in.count);
    t1[4] = static_cast<std::uint8_t>((static_cast<unsigned>(in.bearer) << 3U) |
                                      (static_cast<unsigned>(in.direction) << 2U));

    const EVP_CIPHER* cipher = detail::aes_128_ctr();
    if (cipher == nullptr) {
        return openssl_failure("EVP_CIPHER_fetch");
    }
    const std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
    if (!ctx) {
        return openssl_failure("EVP_CIPHER_CTX_new");
    }
    if (EVP_EncryptInit_ex2(ctx.get(), cipher, key.data(), t1.data(), nullptr) != 1) {
        return openssl_failure("EVP_EncryptInit_ex2");
    }
    // EVP lengths are int: feed whole blocks in chunks so the keystream stays continuous.
    for (std::size_t done = 0; done < out_octets;) {
        const std::size_t chunk = std::min(kMaxChunk, out_octets - done);
        int written = 0;
        if (EVP_EncryptUpdate(ctx.get(), out.data() + done, &written, data.data() + done,
                              static_cast<int>(chunk)) != 1 ||
            written != static_cast<int>(chunk)) {
            return openssl_failure("EVP_EncryptUpdate");
        }
        done += chunk;
    }
    if (const std::size_t tail = length_bits % 8; tail != 0) {
        out.back() &= static_cast<std::uint8_t>(0xFF00U >> tail); // bits past LENGTH are zero
    }
    return out;
}

} // namespace pc5check::crypto
