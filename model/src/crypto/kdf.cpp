/// \file TS 33.220 generic KDF on HMAC-SHA-256 (OpenSSL EVP_MAC) and the PC5 unicast key derivations
/// of TS 33.536 Annex A built on it.

#include "fetched.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string>

namespace pc5check::crypto {

namespace {

constexpr std::size_t kKdfOutputSize = 32;    // SHA-256 output
constexpr std::size_t kMaxParamSize = 0xFFFF; // Li is two octets
constexpr std::uint8_t kFcKNrpSess = 0x7F;
constexpr std::uint8_t kFcAlgKey = 0x7E;
constexpr std::uint8_t kNrpekDistinguisher = 0x00;
constexpr std::uint8_t kNrpikDistinguisher = 0x01;

using KdfOutput = std::array<std::uint8_t, kKdfOutputSize>;

[[nodiscard]] tl::unexpected<Error> openssl_failure(const char* what)
{
    return make_error(ErrorCode::internal, std::string("OpenSSL HMAC-SHA-256 failed in ") + what);
}

struct MacCtxFree {
    void operator()(EVP_MAC_CTX* p) const { EVP_MAC_CTX_free(p); }
};
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

/// This thread's HMAC-SHA-256 context, its digest set once, or nullptr when OpenSSL cannot make one. A
/// new context per derivation cost about twenty allocations (the context, its digest contexts, the
/// digest's fetch by name); re-keying this one costs OpenSSL's copy of the key and a digest state.
/// Each derivation initialises it with its own key, so no result depends on an earlier one (and a
/// thread's context is never shared).
[[nodiscard]] EVP_MAC_CTX* hmac_context()
{
    thread_local const MacCtx ctx = []() -> MacCtx {
        EVP_MAC* mac = detail::hmac();
        if (mac == nullptr) {
            return nullptr;
        }
        MacCtx made(EVP_MAC_CTX_new(mac));
        std::array<char, 7> digest{"SHA256"}; // OSSL_PARAM wants a mutable pointer
        const std::array<OSSL_PARAM, 2> params{
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
            OSSL_PARAM_construct_end()};
        if (!made || EVP_MAC_CTX_set_params(made.get(), params.data()) != 1) {
            return nullptr;
        }
        return made;
    }();
    return ctx.get();
}

/// HMAC-SHA-256(key, data) through EVP_MAC, into `out`.
[[nodiscard]] Expected<void> hmac_sha256(std::span<const std::uint8_t> key,
                                         std::span<const std::uint8_t> data, KdfOutput& out)
{
    EVP_MAC_CTX* ctx = hmac_context();
    if (ctx == nullptr) {
        return openssl_failure(detail::hmac() == nullptr ? "EVP_MAC_fetch" : "EVP_MAC_CTX_new");
    }
    // A null key pointer means "keep the previous key" to EVP_MAC_init, so an empty key needs a
    // non-null pointer of length 0.
    static constexpr std::uint8_t kNoKey = 0;
    const std::uint8_t* key_ptr = key.empty() ? &kNoKey : key.data();
    if (EVP_MAC_init(ctx, key_ptr, key.size(), nullptr) != 1) {
        return openssl_failure("EVP_MAC_init");
    }
    if (!data.empty() && EVP_MAC_update(ctx, data.data(), data.size()) != 1) {
        return openssl_failure("EVP_MAC_update");
    }
    std::size_t out_len = 0;
    if (EVP_MAC_final(ctx, out.data(), &out_len, out.size()) != 1 || out_len != kKdfOutputSize) {
        return openssl_failure("EVP_MAC_final");
    }
    return {};
}

/// S = FC || P0 || L0 || P1 || L1 ... of parameters whose total is known to fit `S` (the derivations
/// of TS 33.536 Annex A, whose S is a few dozen octets: built on the stack, not in a new vector).
template <std::size_t N>
[[nodiscard]] std::span<const std::uint8_t>
build_s(std::array<std::uint8_t, N>& s, std::uint8_t fc,
        std::initializer_list<std::span<const std::uint8_t>> params)
{
    std::size_t n = 0;
    s.at(n++) = fc;
    for (const auto p : params) {
        PC5CHECK_ASSERT(p.size() <= kMaxParamSize && n + p.size() + 2 <= N);
        std::copy(p.begin(), p.end(), s.begin() + static_cast<std::ptrdiff_t>(n));
        n += p.size();
        s.at(n++) = static_cast<std::uint8_t>(p.size() >> 8U);
        s.at(n++) = static_cast<std::uint8_t>(p.size() & 0xFFU);
    }
    return {s.data(), n};
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
    std::array<std::uint8_t, 7> s{}; // FC || P0 || L0 || P1 || L1
    const std::array<std::uint8_t, 1> p0{distinguisher};
    const std::array<std::uint8_t, 1> p1{alg_id};
    KdfOutput out{};
    if (auto done = hmac_sha256(k_nrp_sess, build_s(s, kFcAlgKey, {p0, p1}), out); !done) {
        return tl::make_unexpected(std::move(done).error());
    }
    return Bytes(out.end() - static_cast<std::ptrdiff_t>(kAlgKeyOctets), out.end());
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
    KdfOutput out{};
    if (auto done = hmac_sha256(key, s, out); !done) {
        return tl::make_unexpected(std::move(done).error());
    }
    return Bytes(out.begin(), out.end());
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
    std::array<std::uint8_t, 1 + 2 * (kNonceOctets + 2)> s{};
    KdfOutput out{};
    if (auto done = hmac_sha256(k_nrp, build_s(s, kFcKNrpSess, {nonce_1, nonce_2}), out); !done) {
        return tl::make_unexpected(std::move(done).error());
    }
    return Bytes(out.begin(), out.end());
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
