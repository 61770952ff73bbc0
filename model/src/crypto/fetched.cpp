#include "fetched.h"

#include <memory>

namespace pc5check::crypto::detail {

namespace {

struct CipherFree {
    void operator()(EVP_CIPHER* p) const { EVP_CIPHER_free(p); }
};
struct MacFree {
    void operator()(EVP_MAC* p) const { EVP_MAC_free(p); }
};

} // namespace

// Function-local statics: initialised once, thread-safely, after OpenSSL has initialised itself (the
// fetch does that), so they are destroyed before OpenSSL's own clean-up at exit.

const EVP_CIPHER* aes_128_ecb()
{
    static const std::unique_ptr<EVP_CIPHER, CipherFree> cipher(
        EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr));
    return cipher.get();
}

const EVP_CIPHER* aes_128_ctr()
{
    static const std::unique_ptr<EVP_CIPHER, CipherFree> cipher(
        EVP_CIPHER_fetch(nullptr, "AES-128-CTR", nullptr));
    return cipher.get();
}

EVP_MAC* hmac()
{
    static const std::unique_ptr<EVP_MAC, MacFree> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    return mac.get();
}

} // namespace pc5check::crypto::detail
