#include "crypto_test_util.h"
#include "pc5check/crypto/crypto.h"
#include "shared_inputs.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <string_view>
#include <thread>

using namespace pc5check::crypto;
using pc5check::crypto::test::hex;
using pc5check::crypto::test::input_of;
using pc5check::crypto::test::kEia2Inputs;
using pc5check::crypto::test::PdcpVector;
using pc5check::crypto::test::with_output;

namespace {

/// TS 33.401 Annex C.2, 128-EIA2 test sets 1..8 (= 128-NIA2 per TS 33.501 D.4.5). Sets 1, 3, 4, 6, 7 are
/// not octet-aligned; set 8 (16448 + 64 bits = 129 blocks) and set 2 end on a complete CMAC block. Input:
/// the message; output: the MAC.
constexpr std::array<PdcpVector, 8> kEia2Vectors{{
    {1, "2bd6459f82c5b300952c49104881ff48", 0x38a6f056, 0x18, 0, 58, "3332346263393840", "118c6eb8"},
    {2, "d3c5d592327fb11c4035c6680af8c6d1", 0x398a59b4, 0x1a, 1, 64, "484583d5afe082ae", "b93787e6"},
    with_output(kEia2Inputs[0], 3, "1f60b01d"),
    with_output(kEia2Inputs[1], 4, "6846a2f0"),
    with_output(kEia2Inputs[2], 5, "e657e182"),
    with_output(kEia2Inputs[3], 6, "f0668c1e"),
    with_output(kEia2Inputs[4], 7, "f4cc8fa3"),
    with_output(kEia2Inputs[5], 8, "ebd5ccb0"),
}};

} // namespace

TEST_SUITE("crypto")
{
    TEST_CASE("nia2 matches TS 33.401 C.2 128-EIA2 test sets 1..8")
    {
        pc5check::crypto::test::check_official_vectors(kEia2Vectors, nia2);
    }

    TEST_CASE("nia2 gives each test set's MAC in any order and on another thread (one context per thread)")
    {
        // Each thread keeps one AES context and one message buffer: a MAC must not depend on the key or
        // the length of the one before it. Sets 8 (long) and 1 (short) in turn, then all backwards.
        const auto check = [](const PdcpVector& v) {
            CAPTURE(v.set);
            const auto mac = nia2(hex(v.key), input_of(v), hex(v.input), v.length_bits);
            REQUIRE(mac.has_value());
            CHECK(to_hex(*mac) == v.output);
        };
        for (const std::size_t k : {7U, 0U, 7U, 1U, 0U}) {
            check(kEia2Vectors.at(k));
        }
        std::thread other([&] {
            for (std::size_t k = kEia2Vectors.size(); k-- > 0;) {
                check(kEia2Vectors.at(k));
            }
        });
        other.join();
    }

    TEST_CASE("nia2 ignores message bits past length_bits")
    {
        // Set 1: 58 bits in 8 octets; set 4: 511 bits in 64 octets.
        pc5check::crypto::test::check_ignores_bits_past_length(kEia2Vectors[0], nia2);
        pc5check::crypto::test::check_ignores_bits_past_length(kEia2Vectors[3], nia2);
    }

    TEST_CASE("nia2 input bits are all significant")
    {
        const PdcpVector& v = kEia2Vectors[0];
        const Bytes key = hex(v.key);
        const Bytes message = hex(v.input);
        const auto mac_of = [&](const PdcpInput& in, std::size_t length_bits) {
            const auto mac = nia2(key, in, message, length_bits);
            REQUIRE(mac.has_value());
            return to_hex(*mac);
        };
        const PdcpInput in = input_of(v);
        CHECK(mac_of(in, v.length_bits) == v.output);
        CHECK(mac_of(PdcpInput{in.count ^ 1U, in.bearer, in.direction}, v.length_bits) != v.output);
        CHECK(mac_of(PdcpInput{in.count, 0x19, in.direction}, v.length_bits) != v.output);
        CHECK(mac_of(PdcpInput{in.count, in.bearer, 1}, v.length_bits) != v.output);
        CHECK(mac_of(in, v.length_bits - 1) != v.output);
    }

    TEST_CASE("nia2 accepts an empty message")
    {
        const auto mac = nia2(hex(kEia2Vectors[1].key), input_of(kEia2Vectors[1]), {}, 0);
        CHECK(mac.has_value());
    }

    TEST_CASE("nia2 rejects inputs outside its domain")
    {
        pc5check::crypto::test::check_rejects_inputs_outside_domain(kEia2Vectors[1], nia2, "integrity");
    }
}
