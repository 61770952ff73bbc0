#include "trace/position_index.h"

#include <algorithm>
#include <cstdint>
#include <doctest/doctest.h>
#include <string>

using pc5check::trace::Limits;
using pc5check::trace::detail::escape_pointer_token;
using pc5check::trace::detail::position_of;
using pc5check::trace::detail::PositionIndex;

namespace {

/// Records every value whose pointer has at most `depth` reference tokens.
PositionIndex::Filter up_to_depth(std::size_t depth)
{
    return [depth](std::string_view p) {
        return static_cast<std::size_t>(std::count(p.begin(), p.end(), '/')) <= depth;
    };
}

} // namespace

TEST_SUITE("trace")
{
    TEST_CASE("position index: values and keys by pointer")
    {
        const std::string text =
            "{\"a\": [10, {\"b/c\": \"x\\\"y\", \"d~\": null}],\n \"e\": {\"f\": {\"g\": 1}}}";
        const PositionIndex index = PositionIndex::scan(text, 5, up_to_depth(3));
        const auto* root = index.find("");
        REQUIRE(root != nullptr);
        CHECK(root->offset == 0);
        CHECK(root->value.line == 5);
        CHECK(root->value.column == 1);
        const auto* a1 = index.find("/a/1");
        REQUIRE(a1 != nullptr);
        CHECK(a1->value.column == 12);
        CHECK(a1->key.line == 0); // array elements have no key
        const auto* bc = index.find("/a/1/b~1c");
        REQUIRE(bc != nullptr);
        CHECK(text.substr(bc->offset, 6) == "\"x\\\"y\"");
        CHECK(bc->key.column == 13);
        CHECK(bc->value.column == 20);
        REQUIRE(index.find("/a/1/d~0") != nullptr);
        const auto* e = index.find("/e");
        REQUIRE(e != nullptr);
        CHECK(e->key.line == 6);
        CHECK(e->key.column == 2);
        CHECK(e->value.column == 7);
        CHECK(index.find("/e/f") != nullptr);
        CHECK(index.find("/e/f/g") != nullptr);
        CHECK(index.find("/e/f/g/h") == nullptr);
        CHECK_FALSE(index.duplicate().has_value());
        CHECK_FALSE(index.too_deep().has_value());
    }

    TEST_CASE("position index: the filter decides what is kept")
    {
        const PositionIndex index = PositionIndex::scan(R"({"a": {"b": {"c": 1}}})", 1, up_to_depth(2));
        CHECK(index.find("/a/b") != nullptr);
        CHECK(index.find("/a/b/c") == nullptr);
        const PositionIndex none =
            PositionIndex::scan(R"({"a": 1})", 1, [](std::string_view) { return false; });
        CHECK(none.find("") == nullptr);
        CHECK(none.find("/a") == nullptr);
    }

    TEST_CASE("position index: scan_for finds one value and its ancestors")
    {
        const std::string text = R"({"ab": 0, "a": [{"x": 1}, {"x": 2, "y": {"z": [7, 8]}}]})";
        const PositionIndex index = PositionIndex::scan_for(text, 1, "/a/1/y/z/1");
        REQUIRE(index.find("/a/1/y/z/1") != nullptr);
        CHECK(text[index.find("/a/1/y/z/1")->offset] == '8');
        CHECK(index.find("/a/1/y/z") != nullptr);
        CHECK(index.find("/a/1/y") != nullptr);
        CHECK(index.find("/a/1") != nullptr);
        CHECK(index.find("/a") != nullptr);
        CHECK(index.find("") != nullptr);
        CHECK(index.find("/ab") == nullptr); // a prefix of the string, not an ancestor
        CHECK(index.find("/a/0") == nullptr);
        CHECK(index.find("/a/1/x") == nullptr);
    }

    TEST_CASE("position index: duplicates in objects too large for a linear search")
    {
        std::string text = "{";
        for (int i = 0; i < 40; ++i) {
            text += "\"k" + std::to_string(i) + "\": 0, ";
        }
        text += "\"k3\": 1}";
        const PositionIndex index = PositionIndex::scan(text, 1, up_to_depth(1));
        REQUIRE(index.duplicate().has_value());
        CHECK(index.duplicate()->pointer == "/k3");
        CHECK(index.duplicate()->first.column == text.find("\"k3\"") + 1);
        CHECK(index.duplicate()->second.column == text.rfind("\"k3\"") + 1);
        // 40 distinct keys: no duplicate.
        const std::string distinct = text.substr(0, text.rfind(", ")) + "}";
        CHECK_FALSE(PositionIndex::scan(distinct, 1, up_to_depth(1)).duplicate().has_value());
    }

    TEST_CASE("position index: duplicate keys also when escaped")
    {
        const PositionIndex index =
            PositionIndex::scan("{\"x\": {\"k\": 1,\n \"\\u006b\": 2}}", 1, up_to_depth(1));
        REQUIRE(index.duplicate().has_value());
        CHECK(index.duplicate()->pointer == "/x/k");
        CHECK(index.duplicate()->key == "k");
        CHECK(index.duplicate()->first.line == 1);
        CHECK(index.duplicate()->first.column == 8);
        CHECK(index.duplicate()->second.line == 2);
        CHECK(index.duplicate()->second.column == 2);
        // Surrogate pairs decode to one character.
        const PositionIndex pair =
            PositionIndex::scan("{\"\\ud83d\\ude00\": 1, \"\xF0\x9F\x98\x80\": 2}", 1, up_to_depth(1));
        REQUIRE(pair.duplicate().has_value());
        CHECK(pair.duplicate()->key == "\xF0\x9F\x98\x80");
        CHECK_FALSE(
            PositionIndex::scan(R"([{"k": 1}, {"k": 2}])", 1, up_to_depth(3)).duplicate().has_value());
    }

    TEST_CASE("position index: nesting limit and number overflow")
    {
        const std::size_t max = Limits{}.max_nesting;
        const std::string deep = std::string(max, '[') + std::string(max, ']');
        CHECK_FALSE(PositionIndex::scan(deep, 1, up_to_depth(4)).too_deep().has_value());
        const PositionIndex too_deep = PositionIndex::scan("[" + deep + "]", 1, up_to_depth(4));
        REQUIRE(too_deep.too_deep().has_value());
        CHECK(too_deep.too_deep()->column == max + 1);

        const PositionIndex numbers = PositionIndex::scan(
            "[1e308, 1e-999, 123456789012345678901234567890, -2E+400]", 3, up_to_depth(4));
        REQUIRE(numbers.number_overflow().has_value());
        CHECK(numbers.number_overflow()->line == 3);
        CHECK(numbers.number_overflow()->column == 49);
        CHECK_FALSE(numbers.long_number().has_value());
    }

    TEST_CASE("position index: configured nesting and number length limits")
    {
        Limits limits;
        limits.max_nesting = 3;
        CHECK_FALSE(PositionIndex::scan("[[[]]]", 1, up_to_depth(4), limits).too_deep().has_value());
        const PositionIndex deep = PositionIndex::scan("{\"a\": [[[1]]]}", 1, up_to_depth(4), limits);
        REQUIRE(deep.too_deep().has_value());
        CHECK(deep.too_deep()->column == 9);
        limits.max_nesting = 1000;
        CHECK_FALSE(
            PositionIndex::scan(std::string(500, '[') + std::string(500, ']'), 1, up_to_depth(4), limits)
                .too_deep()
                .has_value());

        limits.max_number_chars = 5;
        const PositionIndex numbers =
            PositionIndex::scan("[12345, -1.5,\n -123456, 1234567]", 1, up_to_depth(4), limits);
        REQUIRE(numbers.long_number().has_value());
        CHECK(numbers.long_number()->at.line == 2);
        CHECK(numbers.long_number()->at.column == 2);
        CHECK(numbers.long_number()->length == 7);
        // Strings and keys are not numbers.
        CHECK_FALSE(PositionIndex::scan(R"({"1234567": "1234567"})", 1, up_to_depth(4), limits)
                        .long_number()
                        .has_value());
    }

    TEST_CASE("position index: garbage does not crash or hang")
    {
        std::uint32_t state = 12345;
        const std::string alphabet = "{}[]\",:\\ \n\tu0123456789abcdefe-+.trufalsn\xC3\xA9\xFF";
        for (int round = 0; round < 300; ++round) {
            std::string text;
            for (int i = 0; i < 200; ++i) {
                state = state * 1664525U + 1013904223U;
                text += alphabet[(state >> 16U) % alphabet.size()];
            }
            const PositionIndex index = PositionIndex::scan(text, 1, up_to_depth(4));
            if (const auto* root = index.find("")) {
                CHECK(root->offset < text.size());
            }
        }
        for (const char* text : {"", R"(")", R"("\)", R"("\u12)", R"({"a)", R"({"a":)", "]]]}}}",
                                 "\xEF\xBB\xBF", R"({"\ud800\u)"}) {
            (void)PositionIndex::scan(text, 1, up_to_depth(4));
        }
    }

    TEST_CASE("position index: helpers")
    {
        CHECK(escape_pointer_token("a/b~c") == "a~1b~0c");
        CHECK(position_of("ab\ncd", 4, 10).line == 11);
        CHECK(position_of("ab\ncd", 4, 10).column == 2);
        CHECK(position_of("\xC3\xA9x", 2, 1).column == 2);
        CHECK(position_of("ab", 99, 1).column == 3); // clamped to the end
    }
}
