#pragma once
/// \file Private to the crypto module: OpenSSL algorithms fetched once per process.

#include "pc5check/crypto/crypto.h"

#include <memory>
#include <openssl/evp.h>

namespace pc5check::crypto::detail {

/// The algorithms of the default provider the crypto functions use, fetched on first use and kept
/// for the life of the process, or nullptr when OpenSSL cannot provide one. A fetch takes a lock and
/// a name lookup that cost more than one AES block or the HMAC of a short message, and a replay
/// derives keys and MAC-Is for most signalling messages. Fetched algorithms are read-only and may be
/// shared between threads (OpenSSL 3); keeping them changes no result, so replay stays deterministic.
[[nodiscard]] const EVP_CIPHER* aes_128_ecb();
[[nodiscard]] const EVP_CIPHER* aes_128_ctr();
/// Non-const because EVP_MAC_CTX_new takes it so; never changed.
[[nodiscard]] EVP_MAC* hmac();

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

/// The internal error "OpenSSL <algorithm> failed in <what>", for an OpenSSL call `what` that failed.
[[nodiscard]] tl::unexpected<Error> openssl_failure(const char* algorithm, const char* what);

/// A new context that encrypts with `cipher` (the fetched algorithm named `algorithm`, nullptr when the
/// fetch failed), `key` and `iv` (nullptr for none), or the openssl_failure of the step that failed.
[[nodiscard]] Expected<CipherCtx> start_encryption(const EVP_CIPHER* cipher, const char* algorithm,
                                                   const unsigned char* key, const unsigned char* iv);

} // namespace pc5check::crypto::detail
