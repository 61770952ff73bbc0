#include "crypto_test_util.h"
#include "pc5check/crypto/crypto.h"
#include "shared_inputs.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <string_view>

using namespace pc5check::crypto;
using pc5check::crypto::test::hex;
using pc5check::crypto::test::input_of;
using pc5check::crypto::test::kUea2Inputs;
using pc5check::crypto::test::PdcpVector;
using pc5check::crypto::test::with_output;

namespace {

/// TS 33.401 Annex C.1, 128-EEA2 test sets 1..6 (= 128-NEA2 per TS 33.501 D.4.4). None is octet-aligned
/// (253, 798, 310, 1022, 1245, 3861 bits); the ciphertexts have the bits past LENGTH zeroed. Input: the
/// plaintext; output: the ciphertext.
constexpr std::array<PdcpVector, 6> kEea2Vectors{{
    with_output(kUea2Inputs[0], 1, "e9fed8a63d155304d71df20bf3e82214b20ed7dad2f233dc3c22d7bdeeed8e78"),
    with_output(
        kUea2Inputs[1], 2,
        "5961605353c64bdca15b195e288553a910632506d6200aa790c4c806c99904cf2445cc50bb1cf168a49673734e081b57"
        "e324ce5259c0e78d4cd97b870976503c0943f2cb5ae8f052c7b7d392239587b8956086bcab18836042e2e6ce42432a17"
        "105c53d0"),
    with_output(kUea2Inputs[2], 3,
                "75750d37b4bba2a4dedb34235bd68c6645acdaaca48138a3b0c471e2a7041a576423d2927287f0"),
    with_output(
        kUea2Inputs[3], 4,
        "dfb440acb3773549efc04628aeb8d8156275230bdc690d94b00d8d95f28c4b56307f60f4ca55eba661ebba72ac808fa8"
        "c49e26788ed04a5d606cb418de74878b9a22f8ef29590bc4eb57c9faf7c41524a885b8979c423f2f8f8e0592a9879201"
        "be7ff9777a162ab810feb324ba74c4c156e04d39097209653ac33e5a5f2d8864"),
    with_output(
        kUea2Inputs[4], 5,
        "919c8c33d66789703d05a0d7ce82a2aeac4ee76c0f4da050335e8a84e7897ba5df2f36bd513e3d0c8578c7a0fcf043e0"
        "3aa3a39fbaad7d15be074faa5d9029f71fb457b647834714b0e18f117fca10677945096c8c5f326ba8d6095eb29c3e36"
        "cf245d1622aafe921f7566c4f5d644f2f1fc0ec684ddb21349747622e209295d27ff3f95623371d49b147c0af486171f"
        "22cd04b1cbeb2658223e6938"),
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
     "00b090",
     "5cb72c6edc878f1566e10253afc364c9fa540d914db94cbee275d0917ca6af0d77acb4ef3bbe1a722b2ef5bd1d4b8e2a"
     "a5024ec1388a201e7bce7920aec615895f763a5564dcc4c482a2ee1d8bfecc4498eca83fbb75f9ab530e0dafbede2fa5"
     "895b82991b6277c529e0f2529d7f79606be96706296dedfa9d7412b616958cb563c678c02825c30d0aee77c4c146d276"
     "5412421a808d13cec819694c75ad572e9b973d948b81a9337c3b2a17192e22c2069f7ed1162af44cdea817603665e807"
     "ce40c8e0dd9d6394dc6e31153fe1955c47afb51f2617ee0c5e3b8ef1ad7574ed343edc2743cc94c990e1f1fd264253c1"
     "78dea739c0befeebcd9f9b76d49c1015c9fecf50e53b8b5204dbcd3eed863855dabcdcc94b31e318021568855c8b9e52"
     "a981957a112827f978ba960f1447911b317b5511fbcc7fb13ac153db74251117e4861eb9e83bffffc4eb7755579038e5"
     "7924b1f78b3e1ad90bab2a07871b72db5eef96c334044966db0c37cafd1a89e5646a3580eb6465f121dce9cb88d85b96"
     "cf23ccccd4280767bee8eeb23d8652461db6493103003baf89f5e18261ea43c84a92ebffffe4909dc46c5192f825f770"
     "600b9602c557b5f8b431a79d45977dd9c41b863da9e142e90020cfd074d6927b7ab3b6725d1a6f3f98b9c9daa8982aff"
     "067828"},
}};

} // namespace

TEST_SUITE("crypto")
{
    TEST_CASE("nea2 matches TS 33.401 C.1 128-EEA2 test sets 1..6")
    {
        pc5check::crypto::test::check_official_vectors(kEea2Vectors, nea2);
    }

    TEST_CASE("nea2 deciphers with the same keystream")
    {
        for (const PdcpVector& v : kEea2Vectors) {
            CAPTURE(v.set);
            const auto plaintext = nea2(hex(v.key), input_of(v), hex(v.output), v.length_bits);
            REQUIRE(plaintext.has_value());
            // The official plaintexts already have zero bits past LENGTH.
            CHECK(to_hex(*plaintext) == v.input);
        }
    }

    TEST_CASE("nea2 output has whole octets up to length_bits with the bits past it zeroed")
    {
        const PdcpVector& v = kEea2Vectors[0]; // 253 bits
        Bytes data = hex(v.input);
        data.back() |= 0x07; // the 3 bits past LENGTH
        data.push_back(0xFF);
        data.push_back(0xFF);
        const auto out = nea2(hex(v.key), input_of(v), data, v.length_bits);
        REQUIRE(out.has_value());
        CHECK(to_hex(*out) == v.output);

        const auto empty = nea2(hex(v.key), input_of(v), data, 0);
        REQUIRE(empty.has_value());
        CHECK(empty->empty());
    }

    TEST_CASE("nea2 rejects inputs outside its domain")
    {
        pc5check::crypto::test::check_rejects_inputs_outside_domain(kEea2Vectors[0], nea2, "ciphering");
    }
}
