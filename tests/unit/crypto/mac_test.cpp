#include "crypto_test_util.h"
#include "pc5check/crypto/crypto.h"

#include <array>
#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <string_view>

using namespace pc5check::crypto;
using pc5check::crypto::test::hex;

TEST_SUITE("crypto")
{
    TEST_CASE("mac_i with 128-NIA2 is nia2 over the whole message")
    {
        // TS 33.401 C.2 128-EIA2 test set 2 (64 bits, a whole-octet message).
        const auto mac = mac_i(IntegrityAlg::nia2, hex("d3c5d592327fb11c4035c6680af8c6d1"),
                               PdcpInput{0x398a59b4, 0x1a, 1}, hex("484583d5afe082ae"));
        REQUIRE(mac.has_value());
        REQUIRE(mac->has_value());
        CHECK(to_hex(**mac) == "b93787e6");
    }

    TEST_CASE("mac_i with NIA0 is 32 zero bits whatever the key per TS 33.501 D.1")
    {
        for (const Bytes& key : {Bytes{}, Bytes(16, 0x5a), Bytes(3, 1)}) {
            const auto mac = mac_i(IntegrityAlg::nia0, key, PdcpInput{7, 2, 0}, hex("0102"));
            REQUIRE(mac.has_value());
            REQUIRE(mac->has_value());
            CHECK(**mac == std::array<std::uint8_t, 4>{0, 0, 0, 0});
        }
    }

    TEST_CASE("mac_i with 128-NIA1 is nia1 over the whole message")
    {
        // TS 33.401 C.4 128-EIA1 test set 1 (88 bits, a whole-octet message).
        const auto mac = mac_i(IntegrityAlg::nia1, hex("2bd6459f82c5b300952c49104881ff48"),
                               PdcpInput{0x38a6f056, 0x1f, 0}, hex("3332346263393861373479"));
        REQUIRE(mac.has_value());
        REQUIRE(mac->has_value());
        CHECK(to_hex(**mac) == "731f1165");
    }

    TEST_CASE("mac_i with 128-NIA3 takes every bit of the message")
    {
        // No 128-EIA3 test set is octet-aligned: set 2 (90 zero bits) padded with zeros to 96 bits is a
        // different input, so mac_i's MAC must differ from the official one and equal nia3's over 96 bits.
        const Bytes key = hex("47054125561eb2dda94059da05097850");
        const PdcpInput in{0x561eb2dd, 0x14, 0};
        const Bytes message(12, 0);
        const auto mac = mac_i(IntegrityAlg::nia3, key, in, message);
        REQUIRE(mac.has_value());
        REQUIRE(mac->has_value());
        const auto official = nia3(key, in, message, 90);
        REQUIRE(official.has_value());
        CHECK(to_hex(*official) == "6719a088");
        CHECK(to_hex(**mac) != "6719a088");
        const auto whole = nia3(key, in, message, 96);
        REQUIRE(whole.has_value());
        CHECK(**mac == *whole);
    }

    TEST_CASE("mac_i rejects inputs outside the algorithm domain")
    {
        const Bytes key(16, 0x11);
        const Bytes message = hex("0102");

        const auto bad_bearer = mac_i(IntegrityAlg::nia0, key, PdcpInput{0, 32, 0}, message);
        REQUIRE_FALSE(bad_bearer.has_value());
        CHECK(bad_bearer.error().message == "expected a BEARER of 0..31, found 32");

        const auto bad_direction = mac_i(IntegrityAlg::nia2, key, PdcpInput{0, 1, 2}, message);
        REQUIRE_FALSE(bad_direction.has_value());
        CHECK(bad_direction.error().message == "expected a DIRECTION of 0 or 1, found 2");

        for (const IntegrityAlg alg : {IntegrityAlg::nia1, IntegrityAlg::nia2, IntegrityAlg::nia3}) {
            const auto bad_key = mac_i(alg, Bytes(32, 0), PdcpInput{0, 1, 0}, message);
            REQUIRE_FALSE(bad_key.has_value());
            CHECK(bad_key.error().message == "expected a 16-octet integrity key, found 32 octets");
        }
    }
}
