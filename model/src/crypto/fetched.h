#pragma once
/// \file Private to the crypto module: OpenSSL algorithms fetched once per process.

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

} // namespace pc5check::crypto::detail
