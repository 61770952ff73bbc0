#include "expr_test_util.h"

#include <array>
#include <cstdint>
#include <doctest/doctest.h>
#include <utility>
#include <vector>
using namespace pc5check::expr;
using pc5check::expr::test::nia;

TEST_SUITE("expr")
{
    TEST_CASE("Type::to_string")
    {
        CHECK(Type::boolean().to_string() == "bool");
        CHECK(Type::integer().to_string() == "int");
        CHECK(Type::bytes().to_string() == "bytes");
        CHECK(Type::map().to_string() == "map");
        CHECK(Type::enumeration(nia()).to_string() == "Nia");
        CHECK(Type::set_of_enum(nia()).to_string() == "set<Nia>");
        CHECK(Type::set_of(TypeKind::integer).to_string() == "set<int>");
        CHECK(Type::set_of(TypeKind::bytes).to_string() == "set<bytes>");
    }

    TEST_CASE("Value::set sorts and de-duplicates while == and < are structural")
    {
        const Value s =
            Value::set({Value::integer(3), Value::integer(-1), Value::integer(3), Value::integer(2)});
        const auto& elements = std::get<SetValue>(s.data).elements;
        REQUIRE(elements.size() == 3);
        CHECK(elements[0] == Value::integer(-1));
        CHECK(elements[1] == Value::integer(2));
        CHECK(elements[2] == Value::integer(3));
        CHECK(Value::set({Value::enumeration(2), Value::enumeration(1)}) ==
              Value::set({Value::enumeration(1), Value::enumeration(2)}));
        CHECK_FALSE(Value::set({Value::enumeration(1)}) ==
                    Value::set({Value::enumeration(1), Value::enumeration(2)}));

        CHECK(Value::absent() == Value::absent());
        CHECK_FALSE(Value::absent() == Value::integer(0));
        CHECK_FALSE(Value::integer(0) == Value::boolean(false));
        CHECK(Value::unknown("r") == Value::unknown("r"));
        CHECK_FALSE(Value::unknown("r") == Value::unknown("s"));
        CHECK(Value::bytes({1, 2}) == Value::bytes({1, 2}));
        CHECK_FALSE(Value::bytes({1, 2}) == Value::bytes({1, 2, 3}));
        CHECK(Value::map(MapValue{{{1, 2}}}) == Value::map(MapValue{{{1, 2}}}));
        CHECK_FALSE(Value::map(MapValue{{{1, 2}}}) == Value::map(MapValue{{{1, 3}}}));

        CHECK(Value::integer(-5) < Value::integer(2));
        CHECK_FALSE(Value::integer(2) < Value::integer(2));
        CHECK(Value::bytes({0x01}) < Value::bytes({0x01, 0x00}));
        CHECK(Value::bytes({0x00, 0xff}) < Value::bytes({0x01}));
        CHECK(Value::enumeration(0) < Value::enumeration(3));
        CHECK(Value::set({Value::integer(1)}) < Value::set({Value::integer(2)}));
        CHECK_FALSE(Value::absent() < Value::absent());
    }

    TEST_CASE("Value::assign_bytes gives Value::bytes of the bytes, whatever the value held before")
    {
        using Bytes = std::vector<std::uint8_t>;
        Value v = Value::absent();
        // Longer, shorter, empty and longer again in the same value (its storage reused), then over a
        // value of another kind.
        for (const Bytes& b : {Bytes{1, 2, 3, 4}, Bytes{9}, Bytes{}, Bytes(40, 0xab), Bytes{5, 6}}) {
            v.assign_bytes(b);
            CHECK(v == Value::bytes(b));
        }
        Value set = Value::set({Value::integer(1), Value::integer(2)});
        set.assign_bytes(Bytes{7, 8});
        CHECK(set == Value::bytes({7, 8}));
        Value unknown = Value::unknown("not logged");
        unknown.assign_bytes(Bytes{});
        CHECK(unknown == Value::bytes({}));
    }

    TEST_CASE("MapValue keeps its entries sorted by key, one per key, whatever the order of the puts")
    {
        using Entries = std::vector<std::pair<std::int64_t, std::int64_t>>;
        MapValue m;
        CHECK(m.find(1) == nullptr);
        for (const auto& [k, v] : Entries{{5, 50}, {-2, 20}, {9, 90}, {0, 1}, {5, 55}, {-2, 21}}) {
            m.put(k, v);
        }
        CHECK(m.entries == Entries{{-2, 21}, {0, 1}, {5, 55}, {9, 90}});
        REQUIRE(m.find(5) != nullptr);
        CHECK(*m.find(5) == 55);
        CHECK(m.find(4) == nullptr);
        CHECK(m.find(10) == nullptr);
        CHECK(m.find(-3) == nullptr);
        // A literal in any order is the same map; a key written twice keeps its last value.
        CHECK(MapValue{{9, 90}, {-2, 21}, {5, 50}, {0, 1}, {5, 55}} == m);
        // Ordered as the old node-based map: by the first differing (key, value), then by size.
        CHECK(Value::map(MapValue{{1, 2}}) < Value::map(MapValue{{1, 3}}));
        CHECK(Value::map(MapValue{{1, 9}}) < Value::map(MapValue{{2, 0}}));
        CHECK(Value::map(MapValue{{1, 2}}) < Value::map(MapValue{{1, 2}, {3, 4}}));
        CHECK_FALSE(Value::map(MapValue{{1, 2}, {3, 4}}) < Value::map(MapValue{{1, 2}}));
    }

    TEST_CASE("render")
    {
        CHECK(render(Value::boolean(true), Type::boolean()) == "true");
        CHECK(render(Value::boolean(false), Type::boolean()) == "false");
        CHECK(render(Value::integer(-42), Type::integer()) == "-42");
        CHECK(render(Value::bytes({0x00, 0xab, 0x0f}), Type::bytes()) == "00ab0f");
        CHECK(render(Value::bytes({}), Type::bytes()) == "");
        CHECK(render(Value::enumeration(2), Type::enumeration(nia())) == "NIA2");
        CHECK(render(Value::enumeration(9), Type::enumeration(nia())) == "enum#9");
        CHECK(render(Value::set({Value::enumeration(2), Value::enumeration(0)}), Type::set_of_enum(nia())) ==
              "{NIA0, NIA2}");
        CHECK(render(Value::set({}), Type::set_of(TypeKind::integer)) == "{}");
        CHECK(render(Value::set({Value::integer(4), Value::integer(-1)}), Type::set_of(TypeKind::integer)) ==
              "{-1, 4}");
        CHECK(render(Value::map(MapValue{{{3, 4}, {1, 2}}}), Type::map()) == "{1: 2, 3: 4}");
        CHECK(render(Value::absent(), Type::integer()) == "absent");
        CHECK(render(Value::unknown("sec not logged"), Type::integer()) == "unknown (sec not logged)");
    }
}
