#include "crypto_test_util.h"
#include "pc5check/crypto/crypto.h"

#include <array>
#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <string_view>
#include <thread>

using namespace pc5check::crypto;
using pc5check::crypto::test::hex;

namespace {

// No official test vector exists for FC 0x7E / 0x7F. The expected values below were computed outside this
// code, over hand-built S strings, with the OpenSSL CLI, e.g.
//   printf 7f00112233445566778899aabbccddeeff0010ffeeddccbbaa998877665544332211000010 | xxd -r -p |
//     openssl dgst -sha256 -mac HMAC -macopt hexkey:000102...1f
// and they match the self-computed example of the facts digest (pc5-rekeying-facts.md section 5).
constexpr std::string_view kKNrp = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr std::string_view kNonce1 = "00112233445566778899aabbccddeeff";
constexpr std::string_view kNonce2 = "ffeeddccbbaa99887766554433221100";
// HMAC-SHA-256(K_NRP, 7f || Nonce_1 || 0010 || Nonce_2 || 0010)
constexpr std::string_view kKNrpSess = "45400a62017ceb9ab45e33c755d7120f4f6e44af276d3522425c156ddcbaab46";

} // namespace

TEST_SUITE("crypto")
{
    TEST_CASE("kdf builds S from FC then each parameter and its 2-octet length per TS 33.220 B.2")
    {
        // openssl CLI over S = 10 | (empty P0) 0000 | 010203 0003, key 0b0b0b0b.
        const auto out = kdf(hex("0b0b0b0b"), 0x10, {Bytes{}, Bytes{0x01, 0x02, 0x03}});
        REQUIRE(out.has_value());
        CHECK(to_hex(*out) == "8a281420fd232eed6cdb3b4c7981452db8a1134b5e03f25abd9c147c5e212dc6");
    }

    TEST_CASE("kdf encodes a 65535-octet parameter length as ffff")
    {
        // openssl CLI over S = 22 || ab * 65535 || ffff, key 0b0b0b0b.
        const auto out = kdf(hex("0b0b0b0b"), 0x22, {Bytes(65535, 0xab)});
        REQUIRE(out.has_value());
        CHECK(to_hex(*out) == "822df69f6a23f5a91a1c31862481a6d022526a459b1361aecb43a028080cbcea");
    }

    TEST_CASE("kdf accepts an empty key")
    {
        // Python hmac.new(b"", bytes([0x33]), sha256) (the OpenSSL CLI cannot take an empty key).
        const auto out = kdf({}, 0x33, {});
        REQUIRE(out.has_value());
        CHECK(to_hex(*out) == "bf2fe4cd0d71506d47dd2bcd02c6e1b92943ef1c98aef38ee566ad70fffdfa30");
    }

    TEST_CASE("kdf rejects a parameter longer than 65535 octets")
    {
        const auto out = kdf(hex("0b0b0b0b"), 0x22, {Bytes{0x00}, Bytes(65536, 0)});
        REQUIRE_FALSE(out.has_value());
        CHECK(out.error().code == pc5check::ErrorCode::bad_input);
        CHECK(out.error().message == "expected a KDF parameter of at most 65535 octets, found 65536");
    }

    TEST_CASE("derive_k_nrp_sess is the FC 0x7F KDF of Nonce_1 and Nonce_2 per TS 33.536 Annex A")
    {
        const auto k = derive_k_nrp_sess(hex(kKNrp), hex(kNonce1), hex(kNonce2));
        REQUIRE(k.has_value());
        CHECK(to_hex(*k) == kKNrpSess);

        // The nonces are not interchangeable.
        const auto swapped = derive_k_nrp_sess(hex(kKNrp), hex(kNonce2), hex(kNonce1));
        REQUIRE(swapped.has_value());
        CHECK(to_hex(*swapped) != kKNrpSess);
    }

    TEST_CASE("derive_nrpik and derive_nrpek are the 128 LSBs of the FC 0x7E KDF per TS 33.536 Annex A")
    {
        struct Row {
            std::string_view name;
            pc5check::Expected<Bytes> key;
            std::string_view expected; // last 16 octets of the openssl CLI output
        };
        const Bytes k_nrp_sess = hex(kKNrpSess);
        const std::array<Row, 4> rows{{
            // S = 7e 01 0001 02 0001: full output 0e2eeb4c...fc1f879
            {"NRPIK 128-NIA2", derive_nrpik(k_nrp_sess, IntegrityAlg::nia2),
             "47470e9368b589e5cd5f1bf24fc1f879"},
            // S = 7e 00 0001 02 0001: full output 1c870083...4e60000
            {"NRPEK 128-NEA2", derive_nrpek(k_nrp_sess, CipherAlg::nea2), "4d36cc0138b452b7b3ec9740a4e60000"},
            // S = 7e 01 0001 00 0001
            {"NRPIK NIA0", derive_nrpik(k_nrp_sess, IntegrityAlg::nia0), "a7a8719f7269d885f7440362933cf9f0"},
            // S = 7e 00 0001 03 0001
            {"NRPEK 128-NEA3", derive_nrpek(k_nrp_sess, CipherAlg::nea3), "ab9f8f1a822d2ae156e785187edff134"},
        }};
        for (const Row& row : rows) {
            CAPTURE(row.name);
            REQUIRE(row.key.has_value());
            CHECK(to_hex(*row.key) == row.expected);
        }
    }

    TEST_CASE("derivations with different keys in turn, and on another thread, give their own results")
    {
        // Each thread keeps one HMAC context, keyed again by every derivation: no result may depend on
        // the key (or the empty key) of the derivation before it.
        const Bytes k_nrp_sess = hex(kKNrpSess);
        const auto in_turn = [&] {
            for (int round = 0; round < 2; ++round) {
                const auto sess = derive_k_nrp_sess(hex(kKNrp), hex(kNonce1), hex(kNonce2));
                REQUIRE(sess.has_value());
                CHECK(to_hex(*sess) == kKNrpSess);
                const auto empty = kdf({}, 0x33, {});
                REQUIRE(empty.has_value());
                const auto nrpik = derive_nrpik(k_nrp_sess, IntegrityAlg::nia2);
                REQUIRE(nrpik.has_value());
                CHECK(to_hex(*nrpik) == "47470e9368b589e5cd5f1bf24fc1f879");
            }
        };
        in_turn();
        std::thread other(in_turn);
        other.join();
    }

    TEST_CASE("key derivations reject wrong sizes")
    {
        const Bytes k_nrp = hex(kKNrp);
        const Bytes nonce = hex(kNonce1);

        const auto short_root = derive_k_nrp_sess(Bytes(31, 0), nonce, nonce);
        REQUIRE_FALSE(short_root.has_value());
        CHECK(short_root.error().code == pc5check::ErrorCode::bad_input);
        CHECK(short_root.error().message == "expected a 32-octet K_NRP, found 31 octets");

        const auto short_nonce_1 = derive_k_nrp_sess(k_nrp, Bytes(15, 0), nonce);
        REQUIRE_FALSE(short_nonce_1.has_value());
        CHECK(short_nonce_1.error().message == "expected a 16-octet Nonce_1, found 15 octets");

        const auto long_nonce_2 = derive_k_nrp_sess(k_nrp, nonce, Bytes(17, 0));
        REQUIRE_FALSE(long_nonce_2.has_value());
        CHECK(long_nonce_2.error().message == "expected a 16-octet Nonce_2, found 17 octets");

        const auto short_sess = derive_nrpik(Bytes(16, 0), IntegrityAlg::nia2);
        REQUIRE_FALSE(short_sess.has_value());
        CHECK(short_sess.error().message == "expected a 32-octet K_NRP-sess, found 16 octets");
        CHECK_FALSE(derive_nrpek(Bytes{}, CipherAlg::nea2).has_value());
    }
}
