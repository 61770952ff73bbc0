#include "crypto_test_util.h"
#include "pc5check/crypto/crypto.h"
#include "shared_inputs.h"

#include <array>
#include <doctest/doctest.h>

using namespace pc5check::crypto;
using pc5check::crypto::test::kUea2Inputs;
using pc5check::crypto::test::PdcpVector;
using pc5check::crypto::test::with_output;

namespace {

/// 128-NEA1 test sets 1..6: the UEA2 test sets 1..6 of the UEA2 & UIA2 test data, which TS 33.501 D.4.2
/// names as the 128-NEA1 test data (TS 35.217; UEA2's COUNT-C, BEARER, DIRECTION are 128-NEA1's; srsRAN
/// and OxiRush cite the same six sets from Document 4, Design Conformance Test Data, TS 35.218 3.3). None
/// is octet-aligned: 253, 798, 310, 1022, 1245 and 3861 bits. Input: the plaintext; output: the
/// ciphertext, bits past LENGTH zero as printed.
/// Cross-checked: srsRAN_Project tests/unittests/security/security_test.cpp (the table is generated from
/// it by script) and linouxis9/oxirush-security tests/spec_vectors.rs "eea1_conformance_1..6" (compared
/// by eye); set 1 also against intel-ipsec-mb test/kat-app/vectors/snow3g_f8_linear_test.json.
constexpr std::array<PdcpVector, 6> kEea1Vectors{{
    with_output(kUea2Inputs[0], 1, "5d5bfe75eb04f68ce0a12377ea00b37d47c6a0ba06309155086a859c4341b378"),
    with_output(
        kUea2Inputs[1], 2,
        "3f67850714b8da69efb727ed7a6c0c50714ad736c4f5600006e3525be807c467c677ff864af45fba09c27cde38f87a1f"
        "84d59ab255408f2c7b82f9ead41a1fe65eabebfbc1f3a4c56c9a26fcf7b3d66d0220ee4775bc58170a2b12f3431d11b3"
        "44d6e36c"),
    with_output(kUea2Inputs[2], 3,
                "48148e5452a210c05f46bc80dc6f73495b02048c1b958b026102ca97280279a4c18d2ee308921c"),
    with_output(
        kUea2Inputs[3], 4,
        "ffcfc2fead6c094e96c589d0f6779b6784246c3c4d1cea203db3901f40ad4fd7138bc6d77e8320cb102f497fdd44a269"
        "a96ecb28617700e332eb2f736b34f4f2693094e22ff94f9be4723da40c40dfd3931cc1ac9723f6b4a9913e96b6db7abc"
        "ace415177c1d0115c5f09b5fdea0b3adb8f9da6e9f9a04c543397b9d43f87330"),
    with_output(
        kUea2Inputs[4], 5,
        "6cdb18a7ca8218e86e4b4b716a4d04371fbec262fc5ad0b3819b187b97e55b1a4d7c19ee24c8b4d7723cfedf045b8aca"
        "e4869517d80e50615d9035d5d9c5a40af602280b542597b0cb18619eeb35925759d195e100e8e4aa0c38a3c2abe0f3d8"
        "ff04f3c33c295069c23694b5bbeacdd542e28e8a94edb9119f412d054be1fa7272b5ffb2b2570f4f7ceaf383a8a9d935"
        "72f04d6e3a6e293726ec62c8"),
    {6, "54f4e2e04c83786eec8fb5abe8e36566", 0xaca4f50f, 0x0b, 0, 3861,
     "40981ba6824c1bfb4286b299783daf442c099f7ab0f58d5c8e46b104f08f01b41ab485472029b71d36bd1a3d90dc3a41"
     "b46d51672ac4c9663a2be063da4bc8d2808ce33e2cccbfc634e1b259060876a0fbb5a437ebcc8d31c19e4454318745e3"
     "fa16bb11adae248879fe52db2543e53cf445d3d828ce0bf5c560593d97278a59762dd0c2c9cd68d4496a792508614014"
     "b13b6aa51128c18cd6a90b87978c2ff1cabe7d9f898a411bfdb84f68f6727b1499cdd30df0443ab4a66653330bcba110"
     "5e4cec034c73e605b4310eaaadcfd5b0ca27ffd89d144df4792759427c9cc1f8cd8c87202364b8a687954cb05a8d4e2d"
     "99e73db160deb180ad0841e96741a5d59fe4189f15420026fe4cd12104932fb38f735340438aaf7eca6fd5cfd3a195ce"
     "5abe65272af607ada1be65a6b4c9c0693234092c4d018f1756c6db9dc8a6d80b888138616b681262f954d0e771174878"
     "0d92291d86299972db741cfa4f37b8b56cdb18a7ca8218e86e4b4b716a4d04371fbec262fc5ad0b3819b187b97e55b1a"
     "4d7c19ee24c8b4d7723cfedf045b8acae4869517d80e50615d9035d5d9c5a40af602280b542597b0cb18619eeb359257"
     "59d195e100e8e4aa0c38a3c2abe0f3d8ff04f3c33c295069c23694b5bbeacdd542e28e8a94edb9119f412d054be1fa72"
     "b09550",
     "351e30d4d910c5dd5ad7834c426e6c0cab6486da7b0fda4cd83af1b9647137f1ac43b434223b19be07bd89d1cc306944"
     "d3361ea1a2f8cdbd321655976350d00b80dd838120a7755c6dea2ab2b0c99a913f47dae2b8deb9a829e5469ff2e18777"
     "6f6fd081e3871d119a76e24c917ea62648e02e90367564de72ae7e4f0a4249a9a5b0e465a2d6d9dc87843b1b875cc9a3"
     "be93d8da8f56ecaf5981fe93c284318b0dec7a3ba108e2cb1a61e966fa7afa7ac7f67f65bc4a2df070d4e434845f109a"
     "b2b68ade3dc316ca6332a62893e0a7ec0b4fc25191bf2ff1b9f9815e4ba8a99c643b521804f7d5850dde3952206ec6cc"
     "f340f9b3220b3023bdd063956ea8333920fde99e0675410e49ef3b4d3fb3df5192f99ca83d3b0032de08c220776a5865"
     "b0e4b3b0c75defe7762dff018ea7f5be2b2f972b2a8ba5970e43bd6fdd63dae629784ec48d610054ee4e4b5dbbf1fc2f"
     "a0b830e94dcbb7014e8ab429ab100fc48f83171d99fc258b7c2ba7c176eaeaad37f860d597a31ce79b594733c7141df7"
     "9151fca90c08478a5c6c2cc481d51ffece3cd7d2581348827a71f091428ebe38c95a3f5c63e056dfb7cc45a9b7c07d83"
     "4e7b20b99ed202429c14bb85ffa43b7cb68495cd75ab66d964d4cafe64dd9404dae2dc5110617f194fc3c184f583cd0d"
     "ef6d00"},
}};

} // namespace

TEST_SUITE("crypto")
{
    TEST_CASE("nea1 matches the UEA2 Document 3 test sets 1..6 (128-NEA1 per TS 33.501 D.4.2)")
    {
        pc5check::crypto::test::check_official_vectors(kEea1Vectors, nea1);
    }

    TEST_CASE("nea1 deciphers with the same keystream")
    {
        pc5check::crypto::test::check_deciphers(kEea1Vectors, nea1);
    }

    TEST_CASE("nea1 output has whole octets up to length_bits with the bits past it zeroed")
    {
        const PdcpVector& v = kEea1Vectors[0]; // 253 bits
        Bytes data = pc5check::crypto::test::hex(v.input);
        data.back() |= 0x07; // the 3 bits past LENGTH
        data.push_back(0xFF);
        const auto out = nea1(pc5check::crypto::test::hex(v.key), pc5check::crypto::test::input_of(v), data,
                              v.length_bits);
        REQUIRE(out.has_value());
        CHECK(to_hex(*out) == v.output);
        const auto empty =
            nea1(pc5check::crypto::test::hex(v.key), pc5check::crypto::test::input_of(v), data, 0);
        REQUIRE(empty.has_value());
        CHECK(empty->empty());
    }

    TEST_CASE("nea1 rejects inputs outside its domain")
    {
        pc5check::crypto::test::check_rejects_inputs_outside_domain(kEea1Vectors[2], nea1, "ciphering");
    }
}
