#include "fetched.h"

#include <memory>
#include <string>

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

tl::unexpected<Error> openssl_failure(const char* algorithm, const char* what)
{
    return make_error(ErrorCode::internal, std::string("OpenSSL ") + algorithm + " failed in " + what);
}

Expected<CipherCtx> start_encryption(const EVP_CIPHER* cipher, const char* algorithm,
                                     const unsigned char* key, const unsigned char* iv)
{
    if (cipher == nullptr) {
        return openssl_failure(algorithm, "EVP_CIPHER_fetch");
    }
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx) {
        return openssl_failure(algorithm, "EVP_CIPHER_CTX_new");
    }
    if (EVP_EncryptInit_ex2(ctx.get(), cipher, key, iv, nullptr) != 1) {
        return openssl_failure(algorithm, "EVP_EncryptInit_ex2");
    }
    return ctx;
}

} // namespace pc5check::crypto::detail
