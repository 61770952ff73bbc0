#include "expr_test_util.h"

#include <doctest/doctest.h>
#include <string>

using namespace pc5check::expr;
using pc5check::expr::test::compile_error;
using pc5check::expr::test::make_scope;
using pc5check::expr::test::nia;
using pc5check::expr::test::sexpr;

namespace {

/// Type of the compiled expression, or "error: <message>".
std::string type_of(const std::string& source, const Scope& scope = make_scope())
{
    const auto tree = compile(source, scope);
    return tree ? (*tree)->type.to_string() : "error: " + tree.error().message;
}

} // namespace

TEST_SUITE("expr")
{
    TEST_CASE("type_check: result types of operators and builtins")
    {
        const auto cases = std::to_array<std::pair<const char*, const char*>>({
            {"a && b || !c => a", "bool"},
            {"x + y * z - x / y % z", "int"},
            {"x & y | x << 2 >> 1", "int"},
            {"-x", "int"},
            {"x < y && x <= y && x > y && x >= y", "bool"},
            {"msg.nonce_1 == x\"01\"", "bool"},
            {"caps != caps", "bool"},
            {"m == m", "bool"},
            {"state.nia in caps", "bool"},
            {"if a then x else y", "int"},
            {"{NIA1, NIA2}", "set<Nia>"},
            {"{1, x}", "set<int>"},
            {"{x\"00\"}", "set<bytes>"},
            {"present(opt)", "bool"},
            {"known(msg.nonce_1)", "bool"},
            {"len(msg.nonce_1)", "int"},
            {"size(caps)", "int"},
            {"subset(caps, {NIA1})", "bool"},
            {"union(caps, caps)", "set<Nia>"},
            {"insert(ids, 3)", "set<int>"},
            {"get(m, 1, 0)", "int"},
            {"put(m, 1, 2)", "map"},
            {"kdf(msg.nonce_1, 1)", "bytes"},
            {"state.nia", "Nia"},
        });
        for (const auto& [source, expected] : cases) {
            const std::string where = source; // structured bindings cannot be captured (clang 14)
            INFO(where);
            CHECK(type_of(source) == expected);
        }
    }

    TEST_CASE("type_check: returns a new typed tree and leaves the parsed one untouched")
    {
        const auto parsed = parse("x + 1 == y");
        REQUIRE(parsed);
        const auto typed = type_check(*parsed, make_scope());
        REQUIRE(typed);
        CHECK(typed->get() != parsed->get());
        CHECK((*typed)->type == Type::boolean());
        CHECK((*typed)->args[0]->type == Type::integer());
        CHECK((*typed)->args[0]->args[0]->type == Type::integer());
        CHECK((*parsed)->args[0]->args[0]->type.kind == TypeKind::boolean); // default, unset
        CHECK(sexpr(**typed) == sexpr(**parsed));
    }

    TEST_CASE("type_check: enum literals bare / qualified / ambiguous / by context")
    {
        const auto tree = compile("state.nia == NIA2", make_scope());
        REQUIRE(tree);
        const Node& literal = *(*tree)->args[1];
        CHECK(literal.kind == NodeKind::literal);
        CHECK(literal.literal == Value::enumeration(2));
        CHECK(literal.type == Type::enumeration(nia()));
        CHECK(type_of("Nia.NIA3") == "Nia");
        CHECK(type_of("NEA1") == "Nea");
        CHECK(compile_error("Nia.NIA9") ==
              "at offset 0: enum 'Nia' has no literal 'NIA9'; did you mean 'NIA0'?");
        CHECK(compile_error("a || NONE == NONE") ==
              "at offset 5: ambiguous enum literal 'NONE': write Ciph.NONE or Integ.NONE");
        CHECK(type_of("Ciph.NONE") == "Ciph");
        CHECK(type_of("Integ.NONE") == "Integ");
        // The other operand of == disambiguates.
        CHECK(type_of("ciph == NONE") == "bool");
        CHECK(compile_error("state.nia == NEA1") ==
              "at offset 10: '==' expects operands of one type, found Nia "
              "and Nea");
        // A variable wins over an enum literal of the same name.
        Scope scope = make_scope();
        scope.variables["NIA1"] = Type::integer();
        CHECK(type_of("NIA1", scope) == "int");
    }

    TEST_CASE("type_check: defs are expanded and cycles or errors inside defs are reported")
    {
        Scope scope = make_scope();
        scope.defs["both"] = "a && b";
        scope.defs["sum"] = "x + y";
        scope.defs["twice"] = "both && both";
        const auto tree = compile("twice || sum > 3", scope);
        REQUIRE(tree);
        CHECK(sexpr(**tree) == "(|| (&& (&& a b) (&& a b)) (> (+ x y) 3))");
        // Error in an operand that is a def points at the use.
        CHECK(compile_error("a && sum", scope) == "at offset 5: '&&' expects bool operands, found int");

        scope.defs["p"] = "q && a";
        scope.defs["q"] = "b || p";
        scope.defs["r"] = "r";
        CHECK(compile_error("c || p", scope) ==
              "in definition 'q': at offset 5: cyclic definition: p -> q -> p");
        CHECK(compile_error("r", scope) == "in definition 'r': at offset 0: cyclic definition: r -> r");
        scope.defs["bad"] = "a &&";
        scope.defs["uses_bad"] = "c || bad";
        CHECK(compile_error("uses_bad", scope) ==
              "in definition 'bad': at offset 4: expected an operand, found end of input");
        scope.defs["typo"] = "msg.nonce == x\"00\"";
        CHECK(compile_error("typo", scope) ==
              "in definition 'typo': at offset 0: unknown name 'msg.nonce'; did you mean 'msg.nonce_1'?");
    }

    TEST_CASE("type_check: exponential def sharing is bounded")
    {
        Scope scope = make_scope();
        scope.defs["d0"] = "a";
        for (int i = 1; i <= 40; ++i) {
            scope.defs["d" + std::to_string(i)] =
                "d" + std::to_string(i - 1) + " && d" + std::to_string(i - 1);
        }
        CHECK(compile_error("d15", scope).empty()); // 2^16 nodes unfolded: fine
        CHECK(compile_error("d40", scope).find("nodes after expanding definitions") != std::string::npos);
        // A long chain of defs exceeds the height bound instead of the stack; the deepest accepted
        // trees still evaluate.
        Scope chain = make_scope();
        chain.defs["e0"] = "a";
        chain.defs["s0"] = "x";
        for (int i = 1; i <= 5000; ++i) {
            chain.defs["e" + std::to_string(i)] = "!e" + std::to_string(i - 1);
            chain.defs["s" + std::to_string(i)] = "1 + s" + std::to_string(i - 1);
        }
        CHECK(compile_error("e5000", chain).find("nested deeper than 500 after expanding definitions") !=
              std::string::npos);
        CHECK(compile_error("s300", chain).find("nested deeper than 500") != std::string::npos);
        pc5check::expr::test::MapEnv env;
        env.set("a", Value::boolean(true));
        env.set("x", Value::integer(5));
        CHECK(compile_error("e250", chain).find("nested deeper than 500") != std::string::npos);
        CHECK(pc5check::expr::test::eval_str("e249", env, chain) == "false");
        CHECK(pc5check::expr::test::eval_str("s248 + s248", env, chain) == "506");
    }

    TEST_CASE("type_check: unknown names and functions with suggestions")
    {
        CHECK(compile_error("msg.nonce1 == x\"00\"") ==
              "at offset 0: unknown name 'msg.nonce1'; did you mean 'msg.nonce_1'?");
        CHECK(compile_error("a && statenia == NIA1") ==
              "at offset 5: unknown name 'statenia'; did you mean 'state.nia'?");
        CHECK(compile_error("a && quux") == "at offset 5: unknown name 'quux'");
        CHECK(compile_error("q") == "at offset 0: unknown name 'q'");
        CHECK(compile_error("lenn(msg.nonce_1) == 1") ==
              "at offset 0: unknown function 'lenn'; did you mean 'len'?");
        CHECK(compile_error("kfd(msg.nonce_1, 1) == x\"\"") ==
              "at offset 0: unknown function 'kfd'; did you mean 'kdf'?");
        CHECK(compile_error("a(1)") == "at offset 0: 'a' is not a function");
    }

    TEST_CASE("type_check: type errors name the offset and what was expected")
    {
        const auto cases = std::to_array<std::pair<const char*, const char*>>({
            {"a && 5", "at offset 5: '&&' expects bool operands, found int"},
            {"x || a", "at offset 0: '||' expects bool operands, found int"},
            {"a => x", "at offset 5: '=>' expects bool operands, found int"},
            {"!x", "at offset 1: '!' expects bool operand, found int"},
            {"-a", "at offset 1: '-' expects int operand, found bool"},
            {"x + a", "at offset 4: '+' expects int operands, found bool"},
            {"a < 1", "at offset 0: '<' expects int operands, found bool"},
            {"x << msg.nonce_1", "at offset 5: '<<' expects int operands, found bytes"},
            {"x == a", "at offset 2: '==' expects operands of one type, found int and bool"},
            {"caps != ids", "at offset 5: '!=' expects operands of one type, found set<Nia> and set<int>"},
            {"a in caps", "at offset 0: 'in' expects Nia on the left, found bool"},
            {"x in 5", "at offset 5: 'in' expects a set on the right, found int"},
            {"if x then 1 else 2", "at offset 3: 'if' expects a bool condition, found int"},
            {"if a then 1 else b", "at offset 17: 'if' expects branches of one type (int), found bool"},
            {"{1, NIA1}", "at offset 4: a set literal expects elements of one type (int), found Nia"},
            {"{a, b}", "at offset 1: a set literal expects enum, int or bytes elements, found bool"},
            {"{caps}", "at offset 1: a set literal expects enum, int or bytes elements, found set<Nia>"},
            {"len(x)", "at offset 4: 'len' expects bytes, found int"},
            {"len(x, y)", "at offset 0: 'len' expects 1 argument, found 2"},
            {"get(m, 1)", "at offset 0: 'get' expects 3 arguments, found 2"},
            {"size(x)", "at offset 5: 'size' expects a set, found int"},
            {"subset(x, caps)", "at offset 7: 'subset' argument 1 expects a set, found int"},
            {"union(caps, ids)", "at offset 12: 'union' argument 2 expects set<Nia>, found set<int>"},
            {"insert(caps, 1)", "at offset 13: 'insert' argument 2 expects Nia, found int"},
            {"get(m, a, 0)", "at offset 7: 'get' argument 2 expects int, found bool"},
            {"put(x, 1, 0)", "at offset 4: 'put' argument 1 expects map, found int"},
            {"kdf(x, x)", "at offset 4: 'kdf' argument 1 expects bytes, found int"},
            {"kdf(msg.nonce_1)", "at offset 0: 'kdf' expects 2 arguments, found 1"},
        });
        for (const auto& [source, expected] : cases) {
            const std::string where = source; // structured bindings cannot be captured (clang 14)
            INFO(where);
            CHECK(compile_error(source) == expected);
        }
    }

    TEST_CASE("type_check: the expected result type")
    {
        const Type boolean = Type::boolean();
        const Type caps = Type::set_of_enum(nia());
        CHECK(compile_error("x + 1", make_scope(), &boolean) ==
              "at offset 2: expected bool expression, found int");
        CHECK(compile_error("x < 1", make_scope(), &boolean).empty());
        // The expected type types `{}` and `absent`.
        CHECK(compile_error("{}", make_scope(), &caps).empty());
        CHECK(compile_error("if a then {} else {}", make_scope(), &caps).empty());
        CHECK(compile_error("{}", make_scope(), &boolean) == "at offset 0: expected bool, found a set");
    }

    TEST_CASE("type_check: empty sets and absent take their type from context")
    {
        CHECK(type_of("caps == {}") == "bool");
        CHECK(type_of("{} != caps") == "bool");
        CHECK(type_of("x in {}") == "bool");
        CHECK(type_of("union({}, caps)") == "set<Nia>");
        CHECK(type_of("subset(caps, {})") == "bool");
        CHECK(type_of("insert({}, NIA1)") == "set<Nia>");
        CHECK(type_of("if a then {} else ids") == "set<int>");
        CHECK(type_of("NONE in {Ciph.AES}") == "bool"); // the set disambiguates NONE
        CHECK(compile_error("{} == {}") == "at offset 0: cannot infer type of empty set");
        CHECK(compile_error("size({})") == "at offset 5: cannot infer type of empty set");
        CHECK(compile_error("a in {}") ==
              "at offset 0: 'in' expects an enum, int or bytes element, found bool");

        CHECK(type_of("opt == absent") == "bool");
        CHECK(type_of("absent != msg.nonce_1") == "bool");
        CHECK(type_of("(if a then absent else x) == 1") == "bool");
        CHECK(type_of("kdf(absent, 1)") == "bytes");
        CHECK(compile_error("absent") ==
              "at offset 0: cannot infer type of 'absent': compare it with == or != to a typed operand");
        CHECK(compile_error("absent == absent") ==
              "at offset 0: cannot infer type of 'absent': compare it with == or != to a typed operand");
        CHECK(compile_error("present(absent)") ==
              "at offset 8: cannot infer type of 'absent': compare it with == or != to a typed operand");
        const std::string not_here = "expected a value, found 'absent'";
        CHECK(compile_error("absent + 1").find("at offset 0: " + not_here) == 0);
        CHECK(compile_error("x < absent").find("at offset 4: " + not_here) == 0);
        CHECK(compile_error("absent in ids").find("at offset 0: " + not_here) == 0);
        CHECK(compile_error("{1, absent}").find("at offset 4: " + not_here) == 0);
        CHECK(compile_error("!absent").find("at offset 1: " + not_here) == 0);
    }
}
