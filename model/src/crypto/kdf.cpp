/// \file TS 33.220 generic KDF on HMAC-SHA-256 (OpenSSL EVP_MAC) and the PC5 unicast key derivations
/// of TS 33.536 Annex A built on it.

#include "fetched.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"

#include <array>
#include <cstddef>
#include <memory>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string>

namespace pc5check::crypto {

namespace {

struct MacCtxFree {
    void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
};

constexpr std::size_t kKdfOutputSize = 32;    // SHA-256 output
constexpr std::size_t kMaxParamSize = 0xFFFF; // Li is two octets
constexpr std::uint8_t kFcKNrpSess = 0x7F;
constexpr std::uint8_t kFcAlgKey = 0x7E;
constexpr std::uint8_t kNrpekDistinguisher = 0x00;
constexpr std::uint8_t kNrpikDistinguisher = 0x01;

[[nodiscard]] tl::unexpected<Error> openssl_failure(const char* what)
{
    return make_error(ErrorCode::internal, std::string("OpenSSL HMAC-SHA-256 failed in ") + what);
}

/// HMAC-SHA-256(key, data) through EVP_MAC.
[[nodiscard]] Expected<Bytes> hmac_sha256(std::span<const std::uint8_t> key,
                                          std::span<const std::uint8_t> data)
{
    EVP_MAC* mac = detail::hmac();
    if (mac == nullptr) {
        return openssl_failure("EVP_MAC_fetch");
    }
    const std::unique_ptr<EVP_MAC_CTX, MacCtxFree> ctx(EVP_MAC_CTX_new(mac));
    if (!ctx) {
        return openssl_failure("EVP_MAC_CTX_new");
    }
    std::array<char, 7> digest{"SHA256"}; // OSSL_PARAM wants a mutable pointer
    const std::array<OSSL_PARAM, 2> params{
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
        OSSL_PARAM_construct_end()};
    // A null key pointer means "keep the previous key" to EVP_MAC_init, so an empty key needs a
    // non-null pointer of length 0.
    static constexpr std::uint8_t kNoKey = 0;
    const std::uint8_t* key_ptr = key.empty() ? &kNoKey : key.data();
    if (EVP_MAC_init(ctx.get(), key_ptr, key.size(), params.data()) != 1) {
        return openssl_failure("EVP_MAC_init");
    }
    if (!data.empty() && EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1) {
        return openssl_failure("EVP_MAC_update");
    }
    Bytes out(kKdfOutputSize);
    std::size_t out_len = 0;
    if (EVP_MAC_final(ctx.get(), out.data(), &out_len, out.size()) != 1 || out_len != kKdfOutputSize) {
        return openssl_failure("EVP_MAC_final");
    }
    return out;
}

[[nodiscard]] tl::unexpected<Error> wrong_size(const char* name, std::size_t expected, std::size_t found)
{
    return make_error(ErrorCode::bad_input, "expected a " + std::to_string(expected) + "-octet " + name +
                                                ", found " + std::to_string(found) + " octets");
}

/// NRPEK / NRPIK: 128 LSBs of KDF(K_NRP-sess, 0x7E, distinguisher, algorithm identity).
/// Ref: TS 33.536 Annex A (algorithm key derivation); algorithm identity octet per TS 33.501 A.8
/// (4-bit identifier in the 4 LSBs, 4 MSBs zero).
[[nodiscard]] Expected<Bytes> derive_alg_key(std::span<const std::uint8_t> k_nrp_sess,
                                             std::uint8_t distinguisher, std::uint8_t alg_id)
{
    if (k_nrp_sess.size() != kKNrpSessOctets) {
        return wrong_size("K_NRP-sess", kKNrpSessOctets, k_nrp_sess.size());
    }
    if (alg_id > 0x0F) {
        return make_error(ErrorCode::bad_input,
                          "expected a 4-bit algorithm identity, found " + std::to_string(alg_id));
    }
    auto out = kdf(k_nrp_sess, kFcAlgKey, {Bytes{distinguisher}, Bytes{alg_id}});
    if (!out) {
        return out;
    }
    return Bytes(out->end() - static_cast<std::ptrdiff_t>(kAlgKeyOctets), out->end());
}

} // namespace

/// Ref: TS 33.220 B.2 (S = FC || P0 || L0 || P1 || L1 ..., KDF = HMAC-SHA-256(Key, S)).
Expected<Bytes> kdf(std::span<const std::uint8_t> key, std::uint8_t fc, const std::vector<Bytes>& params)
{
    Bytes s{fc};
    for (const Bytes& p : params) {
        if (p.size() > kMaxParamSize) {
            return make_error(ErrorCode::bad_input,
                              "expected a KDF parameter of at most 65535 octets, found " +
                                  std::to_string(p.size()));
        }
        s.insert(s.end(), p.begin(), p.end());
        s.push_back(static_cast<std::uint8_t>(p.size() >> 8U));
        s.push_back(static_cast<std::uint8_t>(p.size() & 0xFFU));
    }
    return hmac_sha256(key, s);
}

/// Ref: TS 33.536 Annex A (K_NRP-sess: FC 0x7F, P0 = Nonce_1, P1 = Nonce_2, key K_NRP).
Expected<Bytes> derive_k_nrp_sess(std::span<const std::uint8_t> k_nrp, std::span<const std::uint8_t> nonce_1,
                                  std::span<const std::uint8_t> nonce_2)
{
    if (k_nrp.size() != kKNrpOctets) {
        return wrong_size("K_NRP", kKNrpOctets, k_nrp.size());
    }
    if (nonce_1.size() != kNonceOctets) {
        return wrong_size("Nonce_1", kNonceOctets, nonce_1.size());
    }
    if (nonce_2.size() != kNonceOctets) {
        return wrong_size("Nonce_2", kNonceOctets, nonce_2.size());
    }
    return kdf(k_nrp, kFcKNrpSess,
               {Bytes(nonce_1.begin(), nonce_1.end()), Bytes(nonce_2.begin(), nonce_2.end())});
}

/// Ref: TS 33.536 Annex A (P0 = 0x00 for NRPEK).
Expected<Bytes> derive_nrpek(std::span<const std::uint8_t> k_nrp_sess, CipherAlg alg)
{
    return derive_alg_key(k_nrp_sess, kNrpekDistinguisher, static_cast<std::uint8_t>(alg));
}

/// Ref: TS 33.536 Annex A (P0 = 0x01 for NRPIK).
Expected<Bytes> derive_nrpik(std::span<const std::uint8_t> k_nrp_sess, IntegrityAlg alg)
{
    return derive_alg_key(k_nrp_sess, kNrpikDistinguisher, static_cast<std::uint8_t>(alg));
}

} // namespace pc5check::crypto
