/// \file 128-NIA2 (= 128-EIA2): AES-128-CMAC over COUNT || BEARER || DIRECTION || 0^26 || MESSAGE.
///
/// MESSAGE may have any bit length. OpenSSL's CMAC only takes whole octets and would pad a partial last
/// octet as data, so CMAC is implemented here bit-exactly per NIST SP 800-38B / RFC 4493 on top of
/// single-block AES-128 (EVP_CIPHER "AES-128-ECB", no padding).

#include "fetched.h"
#include "pc5check/crypto/crypto.h"
#include "pdcp_inputs.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <openssl/evp.h>
#include <optional>
#include <string>

namespace pc5check::crypto {

namespace {

constexpr std::size_t kBlockSize = 16;
constexpr std::size_t kBlockBits = 8 * kBlockSize;
constexpr std::size_t kHeaderSize = 8; // COUNT(32) || BEARER(5) || DIRECTION(1) || 0^26
constexpr std::uint8_t kRb = 0x87;     // R_128 of SP 800-38B 5.3

using Block = std::array<std::uint8_t, kBlockSize>;

constexpr const char* kAlgorithm = "AES-128-ECB";

[[nodiscard]] tl::unexpected<Error> openssl_failure(const char* what)
{
    return detail::openssl_failure(kAlgorithm, what);
}

/// Multiplication by x in GF(2^128): the subkey step of SP 800-38B 6.1 / RFC 4493 2.3.
[[nodiscard]] Block double_block(const Block& b)
{
    Block out{};
    for (std::size_t i = 0; i < kBlockSize; ++i) {
        const unsigned next = i + 1 < kBlockSize ? b[i + 1] : 0U;
        out[i] = static_cast<std::uint8_t>((static_cast<unsigned>(b[i]) << 1U) | (next >> 7U));
    }
    if ((b[0] & 0x80U) != 0) {
        out[kBlockSize - 1] ^= kRb;
    }
    return out;
}

void xor_into(Block& acc, const Block& b)
{
    for (std::size_t i = 0; i < kBlockSize; ++i) {
        acc[i] ^= b[i];
    }
}

/// One AES-128 encryption of a block with a context initialised for ECB without padding.
[[nodiscard]] bool encrypt_block(EVP_CIPHER_CTX* ctx, const Block& in, Block& out)
{
    int out_len = 0;
    return EVP_EncryptUpdate(ctx, out.data(), &out_len, in.data(), static_cast<int>(kBlockSize)) == 1 &&
           out_len == static_cast<int>(kBlockSize);
}

/// This thread's AES-128-ECB context, or nullptr when OpenSSL cannot make one. A new context per MAC-I
/// cost several allocations (the context and the cipher's own); each MAC-I sets its key again, so no
/// result depends on an earlier one (and a thread's context is never shared).
[[nodiscard]] EVP_CIPHER_CTX* cipher_context()
{
    thread_local const detail::CipherCtx ctx = []() -> detail::CipherCtx {
        const EVP_CIPHER* cipher = detail::aes_128_ecb();
        if (cipher == nullptr) {
            return nullptr;
        }
        detail::CipherCtx made(EVP_CIPHER_CTX_new());
        if (!made || EVP_EncryptInit_ex2(made.get(), cipher, nullptr, nullptr, nullptr) != 1) {
            return nullptr;
        }
        return made;
    }();
    return ctx.get();
}

/// AES-128-CMAC of the first `bit_length` bits of `m` (bits past it must be zero in `m`).
/// Ref: NIST SP 800-38B 6.2 / RFC 4493 2.4, with bit-granular padding of the last block.
[[nodiscard]] Expected<Block> cmac_bits(std::span<const std::uint8_t> key, std::span<const std::uint8_t> m,
                                        std::size_t bit_length)
{
    EVP_CIPHER_CTX* ctx = cipher_context();
    if (ctx == nullptr) {
        return openssl_failure(detail::aes_128_ecb() == nullptr ? "EVP_CIPHER_fetch" : "EVP_CIPHER_CTX_new");
    }
    if (EVP_EncryptInit_ex2(ctx, nullptr, key.data(), nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
        return openssl_failure("EVP_EncryptInit_ex2");
    }

    Block l{};
    if (!encrypt_block(ctx, Block{}, l)) {
        return openssl_failure("EVP_EncryptUpdate");
    }
    const Block k1 = double_block(l);
    const Block k2 = double_block(k1);

    // n >= 1 blocks; the last one is complete only if bit_length is a non-zero multiple of 128.
    const std::size_t n = bit_length == 0 ? 1 : (bit_length + kBlockBits - 1) / kBlockBits;
    const bool last_complete = bit_length != 0 && bit_length % kBlockBits == 0;

    Block x{};
    for (std::size_t i = 0; i + 1 < n; ++i) {
        Block y = x;
        Block mi{};
        std::copy_n(m.begin() + static_cast<std::ptrdiff_t>(i * kBlockSize), kBlockSize, mi.begin());
        xor_into(y, mi);
        if (!encrypt_block(ctx, y, x)) {
            return openssl_failure("EVP_EncryptUpdate");
        }
    }

    Block last{};
    const std::size_t offset = (n - 1) * kBlockSize;
    const std::size_t available = std::min(kBlockSize, m.size() - std::min(m.size(), offset));
    std::copy_n(m.begin() + static_cast<std::ptrdiff_t>(offset), available, last.begin());
    if (last_complete) {
        xor_into(last, k1);
    } else {
        // Padding 10^j starts right after the last message bit, which may be inside an octet.
        const std::size_t r = bit_length - (n - 1) * kBlockBits;
        last[r / 8] |= static_cast<std::uint8_t>(0x80U >> (r % 8));
        xor_into(last, k2);
    }
    xor_into(x, last);
    Block t{};
    if (!encrypt_block(ctx, x, t)) {
        return openssl_failure("EVP_EncryptUpdate");
    }
    return t;
}

} // namespace

/// Ref: TS 33.401 B.2.3 (128-EIA2; TS 33.501 D.3.1.3: 128-NIA2 is identical).
Expected<protocol::MacI> nia2(std::span<const std::uint8_t> key, const PdcpInput& in,
                              std::span<const std::uint8_t> message, std::size_t length_bits)
{
    if (auto err = detail::check_pdcp_inputs(key, in, message, length_bits, "integrity")) {
        return *err;
    }
    const std::size_t message_octets = detail::octets_for_bits(length_bits);

    // M = COUNT[0..31] || BEARER[0..4] || DIRECTION || 0^26 || MESSAGE (TS 33.401 B.2.3).
    // The thread's buffer, reused from MAC-I to MAC-I (its length is the message's each time).
    thread_local Bytes m;
    m.assign(kHeaderSize + message_octets, 0);
    detail::write_count_bearer_direction(in, m);
    std::copy_n(message.begin(), message_octets, m.begin() + static_cast<std::ptrdiff_t>(kHeaderSize));
    if (const std::size_t tail = length_bits % 8; tail != 0) {
        m.back() &= static_cast<std::uint8_t>(0xFF00U >> tail); // bits past LENGTH are not input
    }

    const auto t = cmac_bits(key, m, 8 * kHeaderSize + length_bits);
    if (!t) {
        return tl::make_unexpected(t.error());
    }
    // MAC-I = T[0..31] (TS 33.401 B.2.3: Tlen = 32, the MAC-I length of spec/pc5-protocol.json).
    protocol::MacI mac{};
    std::copy_n(t->begin(), mac.size(), mac.begin());
    return mac;
}

} // namespace pc5check::crypto
