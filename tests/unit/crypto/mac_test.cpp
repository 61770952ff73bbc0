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

    TEST_CASE("mac_i with NIA1 or NIA3 is not implemented and gives nullopt rather than a MAC")
    {
        const Bytes key(16, 0x11);
        for (const IntegrityAlg alg : {IntegrityAlg::nia1, IntegrityAlg::nia3}) {
            const auto mac = mac_i(alg, key, PdcpInput{7, 2, 0}, hex("0102"));
            REQUIRE(mac.has_value());
            CHECK_FALSE(mac->has_value());
        }
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
