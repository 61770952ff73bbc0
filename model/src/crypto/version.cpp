#include "pc5check/crypto/crypto.h"

#include <openssl/crypto.h>

namespace pc5check::crypto {

std::string library_version() { return OpenSSL_version(OPENSSL_VERSION); }

} // namespace pc5check::crypto
