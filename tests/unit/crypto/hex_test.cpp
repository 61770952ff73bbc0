#include "pc5check/crypto/crypto.h"

#include <array>
#include <cstdint>
#include <doctest/doctest.h>
#include <string>
#include <string_view>

using namespace pc5check::crypto;

TEST_SUITE("crypto")
{
    TEST_CASE("from_hex parses either case and to_hex writes lower case")
    {
        const auto bytes = from_hex("00ff7Fa0Bc");
        REQUIRE(bytes.has_value());
        CHECK(*bytes == Bytes{0x00, 0xff, 0x7f, 0xa0, 0xbc});
        CHECK(to_hex(*bytes) == "00ff7fa0bc");

        const auto empty = from_hex("");
        REQUIRE(empty.has_value());
        CHECK(empty->empty());
        CHECK(to_hex(Bytes{}).empty());
    }

    TEST_CASE("from_hex rejects malformed text")
    {
        struct Row {
            std::string_view input;
            std::string_view message;
        };
        const std::array<Row, 5> rows{{
            {"abcg", "expected hex digits, found 'g' at position 3"},
            {"0011223", "expected an even number of hex digits, found 7"},
            {"0x0011", "expected hex digits without a \"0x\" prefix"},
            {"00 11", "expected hex digits, found ' ' at position 2"},
            {std::string_view("00\n1", 4), "expected hex digits, found byte 0x0a at position 2"},
        }};
        for (const Row& row : rows) {
            CAPTURE(row.input);
            const auto bytes = from_hex(row.input);
            REQUIRE_FALSE(bytes.has_value());
            CHECK(bytes.error().code == pc5check::ErrorCode::bad_input);
            CHECK(bytes.error().message == row.message);
        }
    }
}
