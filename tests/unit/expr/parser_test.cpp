#include "expr_test_util.h"

#include <doctest/doctest.h>
#include <limits>
#include <string>

using namespace pc5check::expr;
using pc5check::expr::test::shape;

TEST_SUITE("expr")
{
    TEST_CASE("parse: precedence and associativity follow expr.h")
    {
        const auto cases = std::to_array<std::pair<const char*, const char*>>({
            {"a || b && c", "(|| a (&& b c))"},
            {"a && b || c", "(|| (&& a b) c)"},
            {"a => b => c", "(=> a (=> b c))"},
            {"a => b || c", "(=> a (|| b c))"},
            {"a || b => c", "(=> (|| a b) c)"},
            {"a && b && c", "(&& (&& a b) c)"},
            {"!a && b", "(&& (! a) b)"},
            {"!a == b", "(! (== a b))"},
            {"!!a", "(! (! a))"},
            {"1 + 2 * 3 == 7", "(== (+ 1 (* 2 3)) 7)"},
            {"1 - 2 - 3", "(- (- 1 2) 3)"},
            {"8 / 4 % 3 * 2", "(* (% (/ 8 4) 3) 2)"},
            {"(1 + 2) * 3", "(* (+ 1 2) 3)"},
            {"- -x * 2", "(* (- (- x)) 2)"},
            {"x | y & z", "(| x (& y z))"},
            {"x & y << 2", "(& x (<< y 2))"},
            {"x << 1 + 2", "(<< x (+ 1 2))"},
            {"x >> y - 1", "(>> x (- y 1))"},
            {"x | 1 == y & 2", "(== (| x 1) (& y 2))"},
            {"x < y", "(< x y)"},
            {"x <= y", "(<= x y)"},
            {"x > y", "(> x y)"},
            {"x >= y", "(>= x y)"},
            {"x != y", "(!= x y)"},
            {"x + 1 in s", "(in (+ x 1) s)"},
            {"x in {1, 2} && a", "(&& (in x {1 2}) a)"},
            {"if a then b else c || d", "(if a b (|| c d))"},
            {"if a then if b then 1 else 2 else 3", "(if a (if b 1 2) 3)"},
            {"(if a then 1 else 2) + 1", "(+ (if a 1 2) 1)"},
            {"f(x, y + 1)", "f(x, (+ y 1))"},
            {"f()", "f()"},
            {"msg.nonce_1 == state.k.v", "(== msg.nonce_1 state.k.v)"},
            {"{}", "{}"},
            {"absent", "absent"},
            {"  true\n&&\tfalse ", "(&& true false)"},
        });
        for (const auto& [source, expected] : cases) {
            const std::string where = source; // structured bindings cannot be captured (clang 14)
            INFO(where);
            CHECK(shape(source) == expected);
        }
    }

    TEST_CASE("parse: literals")
    {
        CHECK(shape("0x1F") == "31");
        CHECK(shape("0X10") == "16");
        CHECK(shape("007") == "7");
        CHECK(shape("9223372036854775807") == "9223372036854775807");
        CHECK(shape("0x7fffffffffffffff") == "9223372036854775807");
        CHECK(shape("-1") == "(- 1)");
        const auto bytes = parse("x\"00fF\"");
        REQUIRE(bytes);
        CHECK((*bytes)->literal == Value::bytes({0x00, 0xff}));
        const auto empty = parse("x\"\"");
        REQUIRE(empty);
        CHECK((*empty)->literal == Value::bytes({}));
        const auto name = parse("x");
        REQUIRE(name);
        CHECK((*name)->kind == NodeKind::variable);
        CHECK((*name)->name == "x");
        // Keywords only as whole tokens.
        CHECK(shape("iffy || inx || x.in") == "(|| (|| iffy inx) x.in)");
    }

    TEST_CASE("parse: node offsets")
    {
        const auto tree = parse("a &&  f(b, {1})");
        REQUIRE(tree);
        const Node& root = **tree;
        CHECK(root.offset == 2);
        CHECK(root.args[0]->offset == 0);
        const Node& call = *root.args[1];
        CHECK(call.offset == 6);
        CHECK(call.args[0]->offset == 8);
        CHECK(call.args[1]->offset == 11);
        CHECK(call.args[1]->args[0]->offset == 12);
    }

    TEST_CASE("parse: errors give the offset and what was expected and found")
    {
        const auto cases = std::to_array<std::pair<const char*, const char*>>({
            {"", "at offset 0: expected an operand, found end of input"},
            {"   ", "at offset 3: expected an operand, found end of input"},
            {"(a", "at offset 2: expected ')', found end of input"},
            {"a b", "at offset 2: expected an operator or end of input, found name 'b'"},
            {"a &&", "at offset 4: expected an operand, found end of input"},
            {"a && )", "at offset 5: expected an operand, found ')'"},
            {"if a b", "at offset 5: expected 'then', found name 'b'"},
            {"if a then b", "at offset 11: expected 'else', found end of input"},
            {"{1 2}", "at offset 3: expected ',' or '}', found integer 2"},
            {"f(1,)", "at offset 4: expected an operand, found ')'"},
            {"a = b", "at offset 2: expected an expression token, found '='"},
            {"a # b", "at offset 2: expected an expression token, found '#'"},
            {"a.", "at offset 2: expected name after '.', found end of input"},
            {"a.1", "at offset 2: expected name after '.', found '1'"},
            {"12abc", "at offset 0: expected integer literal, found '12abc'"},
            {"0x", "at offset 0: expected integer literal, found '0x'"},
            {"9223372036854775808",
             "at offset 0: integer literal 9223372036854775808 does not fit in 64-bit int"},
            {"1 + 0x8000000000000000",
             "at offset 4: integer literal 0x8000000000000000 does not fit in 64-bit int"},
            {"99999999999999999999999",
             "at offset 0: integer literal 99999999999999999999999 does not fit in "
             "64-bit int"},
            {"x\"0\"", "at offset 0: expected an even number of hex digits in bytes literal, found 1"},
            {"x\"0g\"", "at offset 3: expected hex digit or '\"' in bytes literal, found 'g'"},
            {"x\"00", "at offset 0: expected '\"' closing the bytes literal, found end of input"},
            {"a\x01", "at offset 1: expected an expression token, found byte 0x01"},
            {"then", "at offset 0: expected an operand, found 'then'"},
        });
        for (const auto& [source, expected] : cases) {
            const std::string where = source; // structured bindings cannot be captured (clang 14)
            INFO(where);
            CHECK(shape(source) == std::string("error: ") + expected);
        }
    }

    TEST_CASE("parse: '!' and 'if' inside tighter operators ask for parentheses")
    {
        CHECK(shape("a == !b") ==
              "error: at offset 5: expected an operand ('!' binds looser than comparisons: parenthesize the "
              "negation), found '!'");
        CHECK(shape("a == (!b)") == "(== a (! b))");
        CHECK(shape("a && if b then c else d") ==
              "error: at offset 5: expected an operand (parenthesize the if-expression), found 'if'");
        CHECK(shape("a && (if b then c else d)") == "(&& a (if b c d))");
    }

    TEST_CASE("parse: nesting is bounded so hostile input gives an error and not a crash")
    {
        const std::string too_deep = "expression nested deeper than 200";
        const auto fails_deep = [&too_deep](const std::string& source) {
            const auto tree = parse(source);
            return !tree && tree.error().message.find(too_deep) != std::string::npos;
        };
        CHECK(fails_deep(std::string(10000, '(') + "a" + std::string(10000, ')')));
        CHECK(fails_deep(std::string(10000, '(')));
        CHECK(fails_deep(std::string(10000, '!') + "a"));
        CHECK(fails_deep(std::string(10000, '-') + "1"));
        std::string implications;
        std::string sums;
        std::string sets;
        std::string calls;
        std::string ifs;
        std::string climbs; // every binding strength on each level: the most recursion per '('
        for (int i = 0; i < 10000; ++i) {
            implications += "a => ";
            sums += "1 + ";
            sets += "{";
            calls += "f(";
            ifs += "if a then ";
            climbs += "a => a || a && !a == a | a & a << a + a * -(";
        }
        CHECK(fails_deep(implications + "a"));
        CHECK(fails_deep(sums + "1"));
        CHECK(fails_deep(sets));
        CHECK(fails_deep(calls));
        CHECK(fails_deep(ifs));
        CHECK(fails_deep(climbs));
        // The bound is exactly 200.
        CHECK(parse(std::string(200, '(') + "a" + std::string(200, ')')).has_value());
        CHECK(fails_deep(std::string(201, '(') + "a" + std::string(201, ')')));
        CHECK(parse(std::string(199, '!') + "a").has_value());
        CHECK(fails_deep(std::string(200, '!') + "a"));
    }

    TEST_CASE("parse: the nesting bound is configurable, and hitting it is a limit naming --max-expr-depth")
    {
        const auto nested = [](std::size_t levels) {
            return std::string(levels, '(') + "a" + std::string(levels, ')');
        };
        CHECK(parse(nested(5), 5).has_value());
        const auto r = parse(nested(6), 5);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == pc5check::ErrorCode::limit);
        CHECK(r.error().message == "at offset 6: expression nested deeper than 5 (limit --max-expr-depth)");
        CHECK(parse(nested(400), 500).has_value());
        // The largest bound the command line allows keeps the stack safe on the deepest recursion.
        std::string climbs;
        for (int i = 0; i < 1000; ++i) {
            climbs += "a => a || a && !a == a | a & a << a + a * -(";
        }
        const auto deepest = parse(climbs, 500);
        REQUIRE_FALSE(deepest.has_value());
        CHECK(deepest.error().code == pc5check::ErrorCode::limit);
        // compile() passes the bound on to the parser.
        CHECK(compile(nested(6), Scope{}, nullptr, 5).error().code == pc5check::ErrorCode::limit);
    }
}
