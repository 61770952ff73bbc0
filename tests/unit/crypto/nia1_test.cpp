#include "crypto_test_util.h"
#include "pc5check/crypto/crypto.h"
#include "shared_inputs.h"

#include <array>
#include <doctest/doctest.h>

using namespace pc5check::crypto;
using pc5check::crypto::test::kEia2Inputs;
using pc5check::crypto::test::PdcpVector;
using pc5check::crypto::test::with_output;

namespace {

/// TS 33.401 C.4, 128-EIA1 test sets 1..7 (= 128-NIA1 per TS 33.501 D.4.3). Sets 2, 3, 5 and 6 are not
/// octet-aligned (254, 511, 383, 2558 bits); set 7 is the long one (16448 bits). Input: the message;
/// output: the MAC.
/// Cross-checked: srsRAN_Project tests/unittests/security/security_test.cpp (the table is generated from
/// it by script) and OpenAirInterface's 128-EIA1 test ("3GPP TS 33.401 V12.10.0 #C.4", test sets
/// C.4.1..C.4.7: every MAC, COUNT, BEARER, DIRECTION and LENGTH compared by eye).
constexpr std::array<PdcpVector, 7> kEia1Vectors{{
    {1, "2bd6459f82c5b300952c49104881ff48", 0x38a6f056, 0x1f, 0, 88, "3332346263393861373479", "731f1165"},
    with_output(kEia2Inputs[0], 2, "e3259f6f"),
    with_output(kEia2Inputs[1], 3, "9a16c77d"),
    with_output(kEia2Inputs[2], 4, "bba74492"),
    with_output(kEia2Inputs[3], 5, "4145e4b0"),
    with_output(kEia2Inputs[4], 6, "0fa2b1ee"),
    with_output(kEia2Inputs[5], 7, "abf3e651"),
}};

} // namespace

TEST_SUITE("crypto")
{
    TEST_CASE("nia1 matches TS 33.401 C.4 128-EIA1 test sets 1..7")
    {
        pc5check::crypto::test::check_official_vectors(kEia1Vectors, nia1);
    }

    TEST_CASE("nia1 ignores message bits past length_bits")
    {
        pc5check::crypto::test::check_ignores_bits_past_length(kEia1Vectors[1], nia1); // 254 bits
        pc5check::crypto::test::check_ignores_bits_past_length(kEia1Vectors[4], nia1); // 383 bits
    }

    TEST_CASE("nia1 accepts an empty message")
    {
        const PdcpVector& v = kEia1Vectors[0];
        const auto empty =
            nia1(pc5check::crypto::test::hex(v.key), pc5check::crypto::test::input_of(v), {}, 0);
        REQUIRE(empty.has_value());
        CHECK(to_hex(*empty) != v.output);
    }

    TEST_CASE("nia1: a one-bit change in KEY, COUNT, BEARER, DIRECTION or MESSAGE changes the MAC-I")
    {
        pc5check::crypto::test::check_every_input_bit_changes_the_mac(kEia1Vectors[0],
                                                                      nia1); // TS 33.401 C.4 set 1, 88 bits
    }

    TEST_CASE("nia1 rejects inputs outside its domain")
    {
        pc5check::crypto::test::check_rejects_inputs_outside_domain(kEia1Vectors[0], nia1, "integrity");
    }
}
