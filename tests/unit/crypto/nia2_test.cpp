#include "crypto_test_util.h"
#include "pc5check/crypto/crypto.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <string_view>

using namespace pc5check::crypto;
using pc5check::crypto::test::hex;
using pc5check::crypto::test::input_of;
using pc5check::crypto::test::PdcpVector;

namespace {

/// TS 33.401 Annex C.2, 128-EIA2 test sets 1..8 (= 128-NIA2 per TS 33.501 D.4.5). Sets 1, 3, 4, 6, 7 are
/// not octet-aligned; set 8 (16448 + 64 bits = 129 blocks) and set 2 end on a complete CMAC block. Input:
/// the message; output: the MAC.
constexpr std::array<PdcpVector, 8> kEia2Vectors{{
    {1, "2bd6459f82c5b300952c49104881ff48", 0x38a6f056, 0x18, 0, 58, "3332346263393840", "118c6eb8"},
    {2, "d3c5d592327fb11c4035c6680af8c6d1", 0x398a59b4, 0x1a, 1, 64, "484583d5afe082ae", "b93787e6"},
    {3, "7e5e94431e11d73828d739cc6ced4573", 0x36af6144, 0x18, 1, 254,
     "b3d3c9170a4e1632f60f861013d22d84b726b6a278d802d1eeaf1321ba5929dc", "1f60b01d"},
    {4, "d3419be821087acd02123a9248033359", 0xc7590ea9, 0x17, 0, 511,
     "bbb057038809496bcff86d6fbc8ce5b135a06b166054f2d565be8ace75dc851e0bcdd8f07141c495872fb5d8c0c66a8b"
     "6da556663e4e461205d84580bee5bc7e",
     "6846a2f0"},
    {5, "83fd23a244a74cf358da3019f1722635", 0x36af6144, 0x0f, 1, 768,
     "35c68716633c66fb750c266865d53c11ea05b1e9fa49c8398d48e1efa5909d3947902837f5ae96d5a05bc8d61ca8dbef"
     "1b13a4b4abfe4fb1006045b674bb54729304c382be53a5af05556176f6eaa2ef1d05e4b083181ee674cda5a485f74d7a",
     "e657e182"},
    {6, "6832a65cff4473621ebdd4ba26a921fe", 0x36af6144, 0x18, 0, 383,
     "d3c53839626820717765667620323837636240981ba6824c1bfb1ab485472029"
     "b71d808ce33e2cc3c0b5fc1f3de8a6dc",
     "f0668c1e"},
    {7, "5d0a80d8134ae19677824b671e838af4", 0x7827fab2, 0x05, 1, 2558,
     "70dedf2dc42c5cbd3a96f8a0b11418b3608d5733604a2cd36aabc70ce3193bb5153be2d3c06dfdb2d16e9c357158be6a"
     "41d6b861e491db3fbfeb518efcf048d7d58953730ff30c9ec470ffcd663dc34201c36addc0111c35b38afee7cfdb582e"
     "3731f8b4baa8d1a89c06e81199a9716227be344efcb436ddd0f096c064c3b5e2c399993fc77394f9e09720a811850ef2"
     "3b2ee05d9e6173609d86e1c0c18ea51a012a00bb413b9cb8188a703cd6bae31cc67b34b1b00019e6a2b2a690f02671fe"
     "7c9ef8dec0094e533763478d58d2c5f5b827a0148c5948a96931acf84f465a64e62ce74007e991e37ea823fa0fb21923"
     "b79905b733b631e6c7d6860a3831ac351a9c730c52ff72d9d308eedbab21fde143a0ea17e23edc1f74cbb3638a2033aa"
     "a15464eaa733385dbbeb6fd73509b857e6a419dca1d8907af977fbac4dfa35ec",
     "f4cc8fa3"},
    {8, "b3120ffdb2cf6af4e73eaf2ef4ebec69", 0x296f393c, 0x0b, 1, 16448,
     "00000000000000000101010101010101e0958045f3a0bba4e3968346f0a3b8a7c02a018ae640765226b987c913e6cbf0"
     "83570016cf83efbc61c082513e21561a427c009d28c298eface78ed6d56c2d4505ad032e9c04dc60e73a81696da665c6"
     "c48603a57b45ab33221585e68ee3169187fb0239528632dd656c807ea3248b7b46d002b2b5c7458eb85b9ce95879e034"
     "0859055e3b0abbc3eace8719caa80265c97205d5dc4bcc902fe1839629ed71328a0f0449f588557e6898860e042aecd8"
     "4b2404c212c9222da5bf8a89ef6797870cf50771a60f66a2ee62853657addf04cdde07fa414e11f12b4d81b9b4e8ac53"
     "8ea30666688d881f6c348421992f31b94f8806ed8fccff4c9123b89642527ad613b109bf75167485f1268bf884b4cd23"
     "d29a0934925703d634098f7767f1be7491e708a8bb949a3873708aef4a36239e50cc08235cd5ed6bbe578668a17b58c1"
     "171d0b90e813a9e4f58a89d719b11042d6360b1b0f52deb730a58d58faf46315954b0a872691475977dc88c0d733feff"
     "54600a0cc1d0300aaaeb94572c6e95b01ae90de04f1dce47f87e8fa7bebf77e1dbc20d6ba85cb9143d518b285dfa04b6"
     "98bf0cf7819f20fa7a288eb0703d995c59940c7c66de57a9b70f82379b70e2031e450fcfd2181326fcd28d8823baaa80"
     "df6e0f443559647539fd8907c0ffd9d79c130ed81c9afd9b7e848c9fed38443d5d380e53fbdb8ac8c3d3f06876054f12"
     "2461107de92fea09c6f6923a188d53afe54a10f60e6e9d5a03d996b5fbc820f8a637116a27ad04b444a0932dd60fbd12"
     "671c11e1c0ec73e789879faa3d42c64d20cd1252742a3768c25a901585888ecee1e612d9936b403b0775949a66cdfd99"
     "a29b1345baa8d9d5400c91024b0a607363b013ce5de9ae869d3b8d95b0570b3c2d391422d32450cbcfae96652286e96d"
     "ec1214a9346527980a8192eac1c39a3aaf6f15351da6be764df89772ec0407d06e4415befae7c92580df9bf507497c8f"
     "2995160d4e218daacb02944abf83340ce8be1686a960faf90e2d90c55cc6475babc3171a80a363174954955d7101dab1"
     "6ae8179167e21444b443a9eaaa7c91de36d118c39d389f8dd4469a846c9a262bf7fa18487a79e8de11699e0b8fdf557c"
     "b48719d453ba713056109b93a218c89675ac195fb4fb06639b3797144955b3c9327d1aec003d42ecd0ea98abf19ffb4a"
     "f3561a67e77c35bf15c59c2412da881db02b1bfbcebfac5152bc99bc3f1d15f771001b7029fedb028f8b852bc4407eb8"
     "3f891c9ca733254fdd1e9edb56919ce9fea21c174072521c18319a54b5d4efbebddf1d8b69b1cbf25f489fcc98137254"
     "7cf41d008ef0bca1926f934b735e090b3b251eb33a36f82ed9b29cf4cb944188fa0e1e38dd778f7d1c9d987b28d132df"
     "b9731fa4f4b416935be49de30516af3578581f2f13f561c0663361941eab249a4bc123f8d15cd711a956a1bf20fe6eb7"
     "8aea2373361da0426c79a530c3bb1de0c99722ef1fde39ac2b00a0a8ee7c800a08bc2264f89f4effe627ac2f0531fb55"
     "4f6d21d74c590a70adfaa390bdfbb3d68e46215cab187d2368d5a71f5ebec081cd3b20c082dbe4cd2faca28773795d6b"
     "0c10204b659a939ef29bbe1088243624429927a7eb576dd3a00ea5e01af5d47583b2272c0c161a806521a16ff9b0a722"
     "c0cf26b025d5836e2258a4f7d4773ac801e4263bc294f43def7fa8703f3a4197463525887652b0b2a4a2a7cf87f00914"
     "871e25039113c7e1618da34064b57a43c463249fb8d05e0f26f4a6d84972e7a9054824145f91295cdbe39a6f920facc6"
     "59712b46a54ba295bbe6a90154e91b33985a2bcd420ad5c67ec9ad8eb7ac6864db272a516bc94c2839b0a8169a6bf58e"
     "1a0c2ada8c883b7bf497a49171268ed15ddd2969384e7ff4bf4aab2ec9ecc6529cf629e2df0f08a77a65afa12aa9b505"
     "df8b287ef6cc91493d1caa39076e28ef1ea028f5118de61ae02bb6aefc3343a050292f199f401857b2bead5e6ee2a1f1"
     "91022f9278016f047791a9d18da7d2a6d27f2e0e51c2f6ea30e8ac49a0604f4c13542e85b68381b9fdcfa0ce4b2d3413"
     "54852d360245c536b612af71f3e77c9095ae2dbde504b265733dabfe10a20fc7d6d32c21ccc72b8b3444ae663d65922d"
     "17f82caa2b865cd88913d291a65899026ea1328439723c198c36b0c3c8d085bfaf8a320fde334b4a4919b44c2b95f6e8"
     "ecf73393f7f0d2a40e60b1d406526b022ddc331810b1a5f7c347bd53ed1f105d6a0d30aba477e178889ab2ec55d558de"
     "ab2630204336962b4db5b663b6902b89e85b31bc6af50fc50accb3fb9b57b663297031378db47896d7fbaf6c600add2c"
     "67f936db037986db856eb49cf2db3f7da6d23650e438f1884041b013119e4c2ae5af37cccdfb68660738b58b3c59d1c0"
     "248437472aba1f35ca1fb90cd714aa9f635534f49e7c5bba81c2b6b36fdee21ca27e347f793d2ce944edb23c8c9b914b"
     "e10335e350feb5070394b7a4a15c0ca120283568b7bfc254fe838b137a2147ce7c113a3a4d65499d9e86b87dbcc7f03b"
     "bd3a3ab1aa243ece5ba9bcf25f82836cfe473b2d83e7a7201cd0b96a72451e863f6c3ba664a6d073d1f7b5ed990865d9"
     "78bd3815d06094fc9a2aba5221c22d5ab996389e3721e3af5f05beddc2875e0dfaeb39021ee27a41187cbb45ef40c3e7"
     "3bc03989f9a30d12c54ba7d2141da8a875493e65776ef35f97debc2286cc4af9b4623eee902f840c52f1b8ad658939ae"
     "f71f3f72b9ec1de21588bd35484ea44436343ff95ead6ab1d8afb1b2a303df1b71e53c4aea6b2e3e9372be0d1bc99798"
     "b0ce3cc10d2a596d565dba82f88ce4cff3b33d5d24e9c0831124bf1ad54b792532983dd6c3a8b7d0",
     "ebd5ccb0"},
}};

} // namespace

TEST_SUITE("crypto")
{
    TEST_CASE("nia2 matches TS 33.401 C.2 128-EIA2 test sets 1..8")
    {
        pc5check::crypto::test::check_official_vectors(kEia2Vectors, nia2);
    }

    TEST_CASE("nia2 ignores message bits past length_bits")
    {
        // Set 1: 58 bits in 8 octets; set 4: 511 bits in 64 octets. Setting every ignored bit, and
        // appending octets, must not change the official MAC.
        for (const PdcpVector& v : {kEia2Vectors[0], kEia2Vectors[3]}) {
            CAPTURE(v.set);
            Bytes message = hex(v.input);
            message.back() |= static_cast<std::uint8_t>(0xFFU >> (v.length_bits % 8));
            message.push_back(0xA5);
            const auto mac = nia2(hex(v.key), input_of(v), message, v.length_bits);
            REQUIRE(mac.has_value());
            CHECK(to_hex(*mac) == v.output);
        }
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
        const PdcpVector& v = kEia2Vectors[1];
        const Bytes key = hex(v.key);
        const Bytes message = hex(v.input);
        const PdcpInput in = input_of(v);

        SUBCASE("key not 16 octets")
        {
            const Bytes short_key(15, 0);
            const auto mac = nia2(short_key, in, message, v.length_bits);
            REQUIRE_FALSE(mac.has_value());
            CHECK(mac.error().code == pc5check::ErrorCode::bad_input);
            CHECK(mac.error().message == "expected a 16-octet integrity key, found 15 octets");
            CHECK_FALSE(nia2(Bytes(32, 0), in, message, v.length_bits).has_value());
        }
        SUBCASE("bearer 32 and direction 2")
        {
            pc5check::crypto::test::check_rejects_bearer_and_direction(v, nia2);
        }
        SUBCASE("length_bits beyond the message")
        {
            const auto mac = nia2(key, in, message, 65);
            REQUIRE_FALSE(mac.has_value());
            CHECK(mac.error().message == "expected a LENGTH of at most 64 bits, found 65");
            CHECK(nia2(key, in, message, 64).has_value());
        }
    }
}
