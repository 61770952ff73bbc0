/// \file SNOW 3G (UEA2 & UIA2 Document 2 v1.1) and the UIA2 MAC core (Document 1 v2.1, section 4).
/// The S-boxes and the alpha tables are computed at compile time from their definitions in Document 2
/// rather than written out.

#include "snow3g.h"

#include "bits.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace pc5check::crypto::detail {

namespace {

using Byte = std::uint8_t;

/// MULx (Document 2 3.1.1): multiplication by x of a byte seen as a polynomial, reduced with `c`.
constexpr Byte mul_x(Byte v, Byte c)
{
    const unsigned shifted = static_cast<unsigned>(v) << 1U;
    return static_cast<Byte>((v & 0x80U) != 0 ? (shifted ^ c) : shifted);
}

/// MULxPOW (Document 2 3.1.2): `i` successive MULx.
constexpr Byte mul_x_pow(Byte v, unsigned i, Byte c)
{
    for (unsigned n = 0; n < i; ++n) {
        v = mul_x(v, c);
    }
    return v;
}

/// Product in GF(2^8) modulo the polynomial with low byte `c` (x^8 implied).
constexpr Byte gf_mul(Byte a, Byte b, Byte c)
{
    Byte product = 0;
    for (unsigned bit = 0; bit < 8; ++bit) {
        if (((static_cast<unsigned>(b) >> bit) & 1U) != 0) {
            product ^= a;
        }
        a = mul_x(a, c);
    }
    return product;
}

/// a^e in GF(2^8) by square-and-multiply.
constexpr Byte gf_pow(Byte a, unsigned e, Byte c)
{
    Byte result = 1;
    for (; e != 0; e >>= 1U) {
        if ((e & 1U) != 0) {
            result = gf_mul(result, a, c);
        }
        a = gf_mul(a, a, c);
    }
    return result;
}

constexpr Byte rotl8(Byte v, unsigned n)
{
    return static_cast<Byte>((static_cast<unsigned>(v) << n) | (static_cast<unsigned>(v) >> (8U - n)));
}

/// S_R (Document 2 3.3.1): the Rijndael S-box, an inversion in GF(2^8) modulo x^8+x^4+x^3+x+1 (x^254;
/// 0 maps to 0) followed by Rijndael's affine map.
constexpr Byte rijndael_sbox(Byte x)
{
    const Byte inv = gf_pow(x, 254, 0x1B);
    return static_cast<Byte>(inv ^ rotl8(inv, 1) ^ rotl8(inv, 2) ^ rotl8(inv, 3) ^ rotl8(inv, 4) ^ 0x63U);
}

/// S_Q (Document 2 3.3.2): the Dickson polynomial g_49 over GF(2^8) modulo x^8+x^6+x^5+x^3+1, plus 0x25.
constexpr Byte dickson_sbox(Byte x)
{
    const auto mul = [](Byte a, Byte b) { return gf_mul(a, b, 0x69); };
    const Byte x2 = mul(x, x);
    const Byte x4 = mul(x2, x2);
    const Byte x8 = mul(x4, x4);
    const Byte x16 = mul(x8, x8);
    const Byte x32 = mul(x16, x16);
    const Byte x9 = mul(x8, x);
    const Byte x13 = mul(x9, x4);
    const Byte x15 = mul(x13, x2);
    const Byte x33 = mul(x32, x);
    const Byte x41 = mul(x33, x8);
    const Byte x45 = mul(x41, x4);
    const Byte x47 = mul(x45, x2);
    const Byte x49 = mul(x47, x2);
    return static_cast<Byte>(x ^ x9 ^ x13 ^ x15 ^ x33 ^ x41 ^ x45 ^ x47 ^ x49 ^ 0x25U);
}

using Table = std::array<std::uint32_t, 256>;

/// The 32-bit S-box S1 (c = 0x1B over S_R) or S2 (c = 0x69 over S_Q) of Document 2 3.3.1 / 3.3.2 as
/// four tables, one per input octet w0 (most significant) .. w3: each holds that octet's share of the
/// MixColumn output r0 || r1 || r2 || r3, so S(w) is the XOR of four look-ups.
template <Byte (*Sbox)(Byte)> constexpr std::array<Table, 4> column_tables(Byte c)
{
    // Coefficient of input octet j in output octet i: 1 = the S-box value, 2 = MULx of it, 3 = both.
    constexpr std::array<std::array<unsigned, 4>, 4> kMix{
        {{2, 1, 1, 3}, {3, 2, 1, 1}, {1, 3, 2, 1}, {1, 1, 3, 2}}};
    std::array<Table, 4> tables{};
    for (unsigned x = 0; x < 256; ++x) {
        const Byte s = Sbox(static_cast<Byte>(x));
        const std::array<Byte, 4> times{0, s, mul_x(s, c), static_cast<Byte>(mul_x(s, c) ^ s)};
        for (std::size_t j = 0; j < 4; ++j) {
            std::uint32_t word = 0;
            for (std::size_t i = 0; i < 4; ++i) {
                word |= static_cast<std::uint32_t>(times.at(kMix.at(i).at(j))) << (24U - 8U * i);
            }
            tables.at(j).at(x) = word;
        }
    }
    return tables;
}

constexpr std::array<Table, 4> kS1 = column_tables<rijndael_sbox>(0x1B);
constexpr std::array<Table, 4> kS2 = column_tables<dickson_sbox>(0x69);

/// MUL_alpha / DIV_alpha (Document 2 3.4.2 / 3.4.3): four MULxPOW of a byte with c = 0xA9, one octet each.
/// MULxPOW is linear over GF(2), so the images of the eight single-bit bytes give every entry.
constexpr Table alpha_table(std::array<unsigned, 4> powers)
{
    std::array<std::uint32_t, 8> basis{};
    for (unsigned bit = 0; bit < 8; ++bit) {
        for (std::size_t i = 0; i < 4; ++i) {
            basis.at(bit) |=
                static_cast<std::uint32_t>(mul_x_pow(static_cast<Byte>(1U << bit), powers.at(i), 0xA9))
                << (24U - 8U * i);
        }
    }
    Table table{};
    for (unsigned x = 0; x < 256; ++x) {
        for (unsigned bit = 0; bit < 8; ++bit) {
            if (((x >> bit) & 1U) != 0) {
                table.at(x) ^= basis.at(bit);
            }
        }
    }
    return table;
}

constexpr Table kMulAlpha = alpha_table({23, 245, 48, 239});
constexpr Table kDivAlpha = alpha_table({16, 39, 6, 64});

constexpr std::uint32_t sbox(const std::array<Table, 4>& t, std::uint32_t w)
{
    return t[0][w >> 24U] ^ t[1][(w >> 16U) & 0xFFU] ^ t[2][(w >> 8U) & 0xFFU] ^ t[3][w & 0xFFU];
}

constexpr std::uint32_t kOnes = 0xFFFFFFFFU; // the all-ones word "1" of Document 2 4.1

/// Product in GF(2^64) modulo x^64+x^4+x^3+x+1 (UEA2 & UIA2 Document 1 4.3: MUL64 with c = 0x1B).
std::uint64_t mul64(std::uint64_t v, std::uint64_t p)
{
    std::uint64_t product = 0;
    for (unsigned i = 0; i < 64; ++i) {
        product ^= v & (0U - ((p >> i) & 1U)); // v when bit i of P is set
        v = (v << 1U) ^ (0x1BU & (0U - (v >> 63U)));
    }
    return product;
}

} // namespace

Snow3g::Snow3g(const Words4& k, const Words4& iv)
{
    // Document 2 4.1: s0..s3 and s8..s11 are k0..k3 XOR 1, s4..s7 and s12..s15 are k0..k3, and the IV
    // words are XORed into s15 (IV0), s12 (IV1), s10 (IV2) and s9 (IV3).
    for (std::size_t i = 0; i < 4; ++i) {
        s_[i] = k[i] ^ kOnes;
        s_[i + 4] = k[i];
        s_[i + 8] = k[i] ^ kOnes;
        s_[i + 12] = k[i];
    }
    s_[15] ^= iv[0];
    s_[12] ^= iv[1];
    s_[10] ^= iv[2];
    s_[9] ^= iv[3];
    for (int t = 0; t < 32; ++t) {
        clock_lfsr(clock_fsm());
    }
    (void)clock_fsm();
    clock_lfsr(0);
}

std::uint32_t Snow3g::clock_fsm()
{
    const std::uint32_t f = (s_[15] + r1_) ^ r2_;
    const std::uint32_t r = r2_ + (r3_ ^ s_[5]);
    r3_ = sbox(kS2, r2_);
    r2_ = sbox(kS1, r1_);
    r1_ = r;
    return f;
}

void Snow3g::clock_lfsr(std::uint32_t f)
{
    const std::uint32_t v =
        (s_[0] << 8U) ^ kMulAlpha[s_[0] >> 24U] ^ s_[2] ^ (s_[11] >> 8U) ^ kDivAlpha[s_[11] & 0xFFU] ^ f;
    for (std::size_t i = 0; i + 1 < s_.size(); ++i) {
        s_[i] = s_[i + 1];
    }
    s_[15] = v;
}

std::uint32_t Snow3g::next_word()
{
    const std::uint32_t z = clock_fsm() ^ s_[0];
    clock_lfsr(0);
    return z;
}

Words4 snow3g_key_words(std::span<const std::uint8_t> key)
{
    return {load_be32(key.subspan(12)), load_be32(key.subspan(8)), load_be32(key.subspan(4)),
            load_be32(key.subspan(0))};
}

std::array<std::uint8_t, 4> uia2_mac(std::span<const std::uint8_t> key, std::uint32_t count,
                                     std::uint32_t fresh, std::uint32_t direction,
                                     std::span<const std::uint8_t> message, std::size_t length_bits)
{
    // Document 1 4.4: IV3 = COUNT-I, IV2 = FRESH, IV1 = DIRECTION at bit 31 of COUNT-I, IV0 = DIRECTION
    // at bit 15 of FRESH; five keystream words, P = z1 || z2, Q = z3 || z4.
    Snow3g snow(snow3g_key_words(key),
                {fresh ^ (direction << 15U), count ^ (direction << 31U), fresh, count});
    std::array<std::uint32_t, 5> z{};
    for (std::uint32_t& word : z) {
        word = snow.next_word();
    }
    const std::uint64_t p = (static_cast<std::uint64_t>(z[0]) << 32U) | z[1];
    const std::uint64_t q = (static_cast<std::uint64_t>(z[2]) << 32U) | z[3];

    // Document 1 4.5: D - 1 = ceil(LENGTH / 64) message blocks, zero-padded, then the length block.
    std::uint64_t eval = 0;
    const std::size_t blocks = (length_bits + 63) / 64;
    for (std::size_t i = 0; i < blocks; ++i) {
        eval = mul64(eval ^ load_bits64(message, 64 * i, length_bits), p);
    }
    eval = mul64(eval ^ std::uint64_t{length_bits}, q);
    return store_be32(static_cast<std::uint32_t>(eval >> 32U) ^ z[4]);
}

} // namespace pc5check::crypto::detail
