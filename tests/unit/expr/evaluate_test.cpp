#include "expr/evaluate_generic.h"
#include "expr_test_util.h"
#include "pc5check/expr/compiled.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <limits>
#include <memory>
#include <random>
#include <string>

using namespace pc5check::expr;
using pc5check::expr::test::eval;
using pc5check::expr::test::eval_str;
using pc5check::expr::test::make_scope;
using pc5check::expr::test::MapEnv;

namespace {

/// T, F, or an unknown with reason `name`.
Value tri(char v, const std::string& name)
{
    if (v == 'T') {
        return Value::boolean(true);
    }
    if (v == 'F') {
        return Value::boolean(false);
    }
    return Value::unknown(name);
}

/// "T", "F" or the reason of an unknown result.
std::string tri_str(const Value& v)
{
    if (v.is_unknown()) {
        return v.unknown_reason();
    }
    return std::get<bool>(v.data) ? "T" : "F";
}

MapEnv sample_env()
{
    MapEnv env;
    env.set("a", Value::boolean(true));
    env.set("b", Value::boolean(false));
    env.set("x", Value::integer(7));
    env.set("y", Value::integer(-3));
    env.set("z", Value::integer(0));
    env.set("opt", Value::absent());
    env.set("msg.nonce_1", Value::bytes({0x01, 0x02, 0xab}));
    env.set("state.nia", Value::enumeration(2));
    env.set("caps", Value::set({Value::enumeration(2), Value::enumeration(1)}));
    env.set("ids", Value::set({Value::integer(5), Value::integer(1)}));
    env.set("m", Value::map(MapValue{{{1, 10}, {2, 20}}}));
    return env;
}

/// Random source text of a bool or int expression over make_scope()'s names, with every operator the
/// typed fast path handles and some it leaves to the generic path (external calls, division).
class RandomExpr {
  public:
    explicit RandomExpr(std::uint32_t seed) : rng_(seed) {}

    std::string boolean(int depth)
    {
        if (depth <= 0) {
            return pick({"a", "b", "c", "true", "false", "db"});
        }
        const int d = depth - 1;
        switch (below(18)) {
        case 0:
            return "!" + paren(boolean(d));
        case 1:
            return paren(boolean(d)) + pick({" && ", " || ", " => "}) + paren(boolean(d));
        case 2:
            return paren(integer(d)) + pick({" < ", " <= ", " > ", " >= ", " == ", " != "}) +
                   paren(integer(d));
        case 3:
            return paren(boolean(d)) + pick({" == ", " != "}) + paren(boolean(d));
        case 4:
            return "if " + boolean(d) + " then " + boolean(d) + " else " + boolean(d);
        case 5:
            return pick({"present(", "known("}) + integer(d) + ")";
        case 6:
            return pick({"present(", "known("}) + boolean(d) + ")";
        case 7:
            return paren(integer(d)) + " in ids";
        case 8:
            return pick({"state.nia == NIA2", "state.nia != NIA1", "state.nia in caps",
                         "subset(caps, {NIA1, NIA2})", "subset({NIA2}, caps)", "ids == {1, 5}"});
        case 9:
            return "lazy(" + boolean(d) + ")";
        case 10:
            // "+ 0": an absent operand becomes unknown, which the strict kdf() never receives
            return "kdf(msg.nonce_1, (" + integer(d) + ") + 0) == msg.nonce_1";
        case 11:
            return "(" + integer(d) + ") == absent";
        case 12:
            return paren(integer(d)) + " in " + paren(int_set(d));
        case 13:
            return paren(int_set(d)) + pick({" == ", " != "}) + paren(int_set(d));
        case 14:
            return "len(" + bytes(d) + ") == 16";
        default:
            return boolean(0);
        }
    }

    /// A set<int> tree: set literals, union, insert and `if` build it.
    std::string int_set(int depth)
    {
        if (depth <= 0) {
            return pick({"ids", "union(ids, {})", "{1, 5}"});
        }
        const int d = depth - 1;
        switch (below(6)) {
        case 0:
            return "{" + integer(d) + ", " + integer(d) + "}";
        case 1:
            return "union(" + int_set(d) + ", " + int_set(d) + ")";
        case 2:
            return "insert(" + int_set(d) + ", " + integer(d) + ")";
        case 3:
            return "if " + boolean(d) + " then " + int_set(d) + " else " + int_set(d);
        default:
            return int_set(0);
        }
    }

    /// A map tree: put and `if` build it.
    std::string map(int depth)
    {
        if (depth <= 0) {
            return "m";
        }
        const int d = depth - 1;
        switch (below(3)) {
        case 0:
            return "put(" + map(d) + ", " + integer(d) + ", " + integer(d) + ")";
        case 1:
            return "if " + boolean(d) + " then " + map(d) + " else " + map(d);
        default:
            return map(0);
        }
    }

    /// A bytes tree: `if` over a variable and kdf().
    std::string bytes(int depth)
    {
        if (depth <= 0) {
            return "msg.nonce_1";
        }
        const int d = depth - 1;
        switch (below(3)) {
        case 0:
            return "if " + boolean(d) + " then " + bytes(d) + " else " + bytes(d);
        case 1:
            return "kdf(" + bytes(d) + ", (" + integer(d) + ") + 0)";
        default:
            return bytes(0);
        }
    }

    std::string integer(int depth)
    {
        if (depth <= 0) {
            return pick({"x", "y", "z", "opt", "0", "1", "-1", "3", "63", "64", "dk", "dm"});
        }
        const int d = depth - 1;
        switch (below(13)) {
        case 0:
            return "-" + paren(integer(d));
        case 1:
        case 2:
            return paren(integer(d)) +
                   pick({" + ", " - ", " * ", " / ", " % ", " & ", " | ", " << ", " >> "}) +
                   paren(integer(d));
        case 3:
            return "if " + boolean(d) + " then " + integer(d) + " else " + integer(d);
        case 4:
            return "get(" + (below(2) == 0 ? std::string("m") : map(d)) + ", " + integer(d) + ", " +
                   integer(d) + ")";
        case 5:
            return pick({"len(msg.nonce_1)", "size(ids)", "size(caps)"});
        case 7:
            return "size(" + int_set(d) + ")";
        case 6:
            return "noimpl(" + integer(d) + ")";
        default:
            return integer(0);
        }
    }

    /// An Env giving each name a known value, absent, unknown, or nothing (not logged).
    MapEnv env()
    {
        MapEnv e = sample_env();
        for (const char* name : {"a", "b", "c"}) {
            e.set(name, Value::boolean(below(2) == 0));
            vary(e, name);
        }
        for (const char* name : {"x", "y", "z", "opt"}) {
            e.set(name, Value::integer(static_cast<std::int64_t>(below(7)) - 3));
            vary(e, name);
        }
        for (const char* name : {"m", "ids", "caps", "state.nia"}) {
            vary(e, name);
        }
        vary(e, "msg.nonce_1", false); // the fixture's kdf() reads its argument as bytes
        return e;
    }

  private:
    void vary(MapEnv& e, const char* name, bool may_be_absent = true)
    {
        switch (below(8)) {
        case 0:
            if (may_be_absent) {
                e.set(name, Value::absent());
            }
            break;
        case 1:
            e.set(name, Value::unknown(std::string(name) + " withheld"));
            break;
        case 2:
            e.erase(name);
            break;
        default:
            break;
        }
    }

    std::size_t below(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
    std::string pick(std::initializer_list<const char*> options)
    {
        return *(options.begin() + static_cast<std::ptrdiff_t>(below(options.size())));
    }
    static std::string paren(const std::string& s) { return "(" + s + ")"; }

    std::mt19937 rng_;
};

/// A MapEnv with a def cache (as the machine's event environment has).
struct CachingEnv final : Env {
    CachingEnv(MapEnv v, std::size_t defs) : values(std::move(v)), cache(defs) {}
    [[nodiscard]] Value lookup(const std::string& name) const override { return values.lookup(name); }
    [[nodiscard]] DefCache* def_cache() const override { return &cache; }
    MapEnv values;
    mutable DefCache cache;
};

/// Same alternative and value; for unknown, the same reason.
bool same(const Value& l, const Value& r)
{
    if (l.data.index() != r.data.index()) {
        return false;
    }
    return l.is_unknown() ? l.unknown_reason() == r.unknown_reason() : l == r;
}

/// The scope's variable names by slot (Node::slot indexes the std::map's order).
std::vector<std::string_view> slot_names(const Scope& scope)
{
    std::vector<std::string_view> names;
    for (const auto& [name, type] : scope.variables) {
        names.emplace_back(name);
    }
    return names;
}

/// Makes every function of `scope` append its name and arguments to `log` when called, so that two
/// evaluations can be compared call for call (replay's memos and MAC-I log see the calls).
void log_calls(Scope& scope, const std::shared_ptr<std::vector<std::string>>& log)
{
    for (auto& [name, f] : scope.functions) {
        if (!f.impl) {
            continue;
        }
        f.impl = [log, name = name, inner = f.impl, params = f.params](const std::vector<Value>& args,
                                                                       Value& out) {
            std::string call = name + "(";
            for (std::size_t k = 0; k < args.size(); ++k) {
                call += (k == 0 ? "" : ", ") + render(args[k], params.at(k));
            }
            log->push_back(call + ")");
            inner(args, out);
        };
    }
}

} // namespace

TEST_SUITE("expr")
{
    TEST_CASE("evaluate: the typed fast path and the def cache give what the three-valued path gives, "
              "reasons included")
    {
        Scope scope = make_scope();
        scope.defs["db"] = "a && (x < y || !present(opt))";
        scope.defs["dk"] = "if c then x + y else opt";
        scope.defs["dm"] = "get(m, dk, z) << 1";
        RandomExpr gen(20261128);
        std::size_t compared = 0;
        std::size_t unknown = 0;
        std::size_t decided = 0;
        for (int i = 0; i < 4000; ++i) {
            const std::string source = i % 2 == 0 ? gen.boolean(1 + i % 5) : gen.integer(1 + i % 5);
            const auto tree = compile(source, scope);
            INFO(source);
            REQUIRE_MESSAGE(tree.has_value(), (tree ? std::string() : tree.error().message));
            for (int k = 0; k < 3; ++k) {
                const CachingEnv env(gen.env(), scope.defs.size());
                const Value fast = evaluate(**tree, env.values, scope);
                const Value generic = detail::evaluate_generic(**tree, env.values, scope);
                const Value cached = evaluate(**tree, env, scope);
                CHECK_MESSAGE(same(fast, generic), source << ": fast " << render(fast, (*tree)->type)
                                                          << ", generic " << render(generic, (*tree)->type));
                CHECK_MESSAGE(same(cached, generic), source << ": with def cache "
                                                            << render(cached, (*tree)->type) << ", generic "
                                                            << render(generic, (*tree)->type));
                ++compared;
                (fast.is_unknown() ? unknown : decided) += 1;
            }
        }
        // Both outcomes occur often enough for the comparison to mean something.
        CHECK(unknown > compared / 10);
        CHECK(decided > compared / 3);
    }

    TEST_CASE("evaluate: compiled code gives what the tree evaluator gives, reasons and calls included")
    {
        Scope scope = make_scope();
        scope.defs["db"] = "a && (x < y || !present(opt))";
        scope.defs["dk"] = "if c then x + y else opt";
        scope.defs["dm"] = "get(m, dk, z) << 1";
        scope.defs["dt"] = "kdf(msg.nonce_1, dk + 0)"; // "+ 0": kdf() never receives absent
        const auto log = std::make_shared<std::vector<std::string>>();
        log_calls(scope, log);
        const auto names = slot_names(scope);
        Code code(names); // one code for every tree, as a machine::Program has
        CodeScratch scratch;
        RandomExpr gen(20261206);
        std::vector<std::pair<std::string, NodePtr>> trees;
        for (int i = 0; i < 4000; ++i) {
            std::string source = i % 2 == 0 ? gen.boolean(1 + i % 5) : gen.integer(1 + i % 5);
            if (i % 7 == 3) {
                source = "dt == kdf(msg.nonce_1, " +
                         (i % 2 == 0 ? "if " + source + " then 1 else 2" : "(" + source + ") + 0") + ")";
            }
            auto tree = compile(source, scope);
            INFO(source);
            REQUIRE_MESSAGE(tree.has_value(), (tree ? std::string() : tree.error().message));
            trees.emplace_back(source, *tree);
        }
        std::vector<Code::Entry> entries;
        for (const auto& [source, tree] : trees) {
            entries.push_back(code.add(*tree));
        }
        scratch.bind(code, scope);
        std::size_t unknown = 0;
        std::size_t decided = 0;
        std::size_t calls = 0;
        for (std::size_t i = 0; i < trees.size(); ++i) {
            // Not structured bindings: INFO's and CHECK_MESSAGE's lambdas capture them (Clang 14 cannot).
            const auto& source = trees[i].first;
            const auto& tree = trees[i].second;
            INFO(source);
            for (int k = 0; k < 3; ++k) {
                const CachingEnv env(gen.env(), scope.defs.size());
                // A slot table of the same values, some left to lookup() (nullptr).
                std::vector<Value> values;
                values.reserve(names.size());
                std::vector<const Value*> slots;
                for (const auto name : names) {
                    values.push_back(env.values.lookup(std::string(name)));
                    slots.push_back(values.back().is_unknown() && k == 1 ? nullptr : &values.back());
                }
                log->clear();
                const Value tree_value = evaluate(*tree, env.values, scope);
                const std::vector<std::string> tree_calls = *log;
                log->clear();
                const Value compiled = code.evaluate(entries[i], Frame{env.values, scope, {}, scratch});
                CHECK_MESSAGE(same(compiled, tree_value), source << ": compiled "
                                                                 << render(compiled, tree->type) << ", tree "
                                                                 << render(tree_value, tree->type));
                CHECK(*log == tree_calls);
                log->clear();
                const Value with_slots = code.evaluate(entries[i], Frame{env.values, scope, slots, scratch});
                CHECK(same(with_slots, tree_value));
                CHECK(*log == tree_calls);
                // With a def cache: the tree and the code each with a cache of their own.
                const CachingEnv tree_env(env.values, scope.defs.size());
                log->clear();
                const Value tree_cached = evaluate(*tree, tree_env, scope);
                const std::vector<std::string> tree_cached_calls = *log;
                log->clear();
                const Value compiled_cached = code.evaluate(entries[i], Frame{env, scope, slots, scratch});
                CHECK(same(compiled_cached, tree_cached));
                CHECK(*log == tree_cached_calls);
                calls += tree_calls.size();
                (tree_value.is_unknown() ? unknown : decided) += 1;
            }
        }
        // Both outcomes, and calls, occur often enough for the comparison to mean something.
        const std::size_t compared = trees.size() * 3;
        CHECK(unknown > compared / 10);
        CHECK(decided > compared / 3);
        CHECK(calls > compared / 10);
    }

    TEST_CASE("evaluate: Kleene truth tables of && || => with unknown operands")
    {
        // Rows: a, b, a && b, a || b, a => b. "ua"/"ub": unknown with the reason of a/b.
        const auto table = std::to_array<std::array<const char*, 5>>({
            {"T", "T", "T", "T", "T"},
            {"T", "F", "F", "T", "F"},
            {"T", "U", "ub", "T", "ub"},
            {"F", "T", "F", "T", "T"},
            {"F", "F", "F", "F", "T"},
            {"F", "U", "F", "ub", "T"},
            {"U", "T", "ua", "T", "T"},
            {"U", "F", "F", "ua", "ua"},
            {"U", "U", "ua", "ua", "ua"},
        });
        const Scope scope = make_scope();
        for (const auto& row : table) {
            MapEnv env;
            env.set("a", tri(row[0][0], "ua"));
            env.set("b", tri(row[1][0], "ub"));
            CAPTURE(row[0]);
            CAPTURE(row[1]);
            CHECK(tri_str(eval("a && b", env, scope)) == row[2]);
            CHECK(tri_str(eval("a || b", env, scope)) == row[3]);
            CHECK(tri_str(eval("a => b", env, scope)) == row[4]);
            const std::string negated = row[0][0] == 'T' ? "F" : row[0][0] == 'F' ? "T" : "ua";
            CHECK(tri_str(eval("!a", env, scope)) == negated);
        }
    }

    TEST_CASE("evaluate: unknown is strict and keeps the first reason")
    {
        MapEnv env; // nothing logged: every variable is unknown "<name> not logged"
        env.set("x", Value::integer(1));
        CHECK(eval_str("y + z", env) == "unknown (y not logged)");
        CHECK(eval_str("z * y", env) == "unknown (z not logged)");
        CHECK(eval_str("x + 1 == z", env) == "unknown (z not logged)");
        CHECK(eval_str("-(y - x)", env) == "unknown (y not logged)");
        CHECK(eval_str("state.nia in caps", env) == "unknown (state.nia not logged)");
        CHECK(eval_str("{x, y, z}", env) == "unknown (y not logged)");
        CHECK(eval_str("len(msg.nonce_1) > 2 || x == 2", env) == "unknown (msg.nonce_1 not logged)");
        CHECK(eval_str("x == 1 || len(msg.nonce_1) > 2", env) == "true");
        CHECK(eval_str("size(insert(caps, NIA1))", env) == "unknown (caps not logged)");
        CHECK(eval_str("get(m, y, x)", env) == "unknown (m not logged)");
        CHECK(eval_str("known(y)", env) == "false");
        CHECK(eval_str("known(x)", env) == "true");
        CHECK(eval_str("present(y)", env) == "unknown (y not logged)");
    }

    TEST_CASE("evaluate: if with an unknown condition")
    {
        MapEnv env;
        env.set("x", Value::integer(4));
        env.set("y", Value::integer(4));
        env.set("z", Value::integer(5));
        CHECK(eval_str("if a then x else y", env) == "4");
        CHECK(eval_str("if a then x else z", env) == "unknown (a not logged)");
        CHECK(eval_str("if a then x else opt", env) == "unknown (a not logged)");
        env.set("a", Value::boolean(true));
        CHECK(eval_str("if a then x else z", env) == "4");
        CHECK(eval_str("if !a then x else z", env) == "5");
        CHECK(eval_str("if a then x else opt", env) == "4"); // the other branch is not evaluated
    }

    TEST_CASE("evaluate: absent compares with ==/!= and is unknown anywhere else")
    {
        const MapEnv env = sample_env();
        CHECK(eval_str("opt == absent", env) == "true");
        CHECK(eval_str("opt != absent", env) == "false");
        CHECK(eval_str("x == absent", env) == "false");
        CHECK(eval_str("absent != x", env) == "true");
        CHECK(eval_str("opt == 3", env) == "false");
        CHECK(eval_str("opt != x", env) == "true");
        CHECK(eval_str("present(opt)", env) == "false");
        CHECK(eval_str("present(x)", env) == "true");
        CHECK(eval_str("known(opt)", env) == "true");
        CHECK(eval_str("opt + 1", env) == "unknown (opt is absent)");
        CHECK(eval_str("x * (opt + 1)", env) == "unknown (opt is absent)");
        CHECK(eval_str("opt in ids", env) == "unknown (opt is absent)");
        CHECK(eval_str("{x, opt}", env) == "unknown (opt is absent)");
        CHECK(eval_str("get(m, opt, 0)", env) == "unknown (opt is absent)");
        CHECK(eval_str("(if b then x else opt) < 3", env) == "unknown (if b then x else opt is absent)");
        // Kleene still decides around an absent operand.
        CHECK(eval_str("opt > 1 && false", env) == "false");
        CHECK(eval_str("opt > 1 || true", env) == "true");
        CHECK(eval_str("opt > 1 && a", env) == "unknown (opt is absent)");
        MapEnv flags = sample_env();
        flags.set("a", Value::absent());
        CHECK(eval_str("a || b", flags) == "unknown (a is absent)");
        CHECK(eval_str("if a then 1 else 1", flags) == "1");
    }

    TEST_CASE("evaluate: integer operators")
    {
        const MapEnv env = sample_env(); // x = 7, y = -3, z = 0
        const auto cases = std::to_array<std::pair<const char*, const char*>>({
            {"x + y", "4"},
            {"x - y", "10"},
            {"x * y", "-21"},
            {"x / 2", "3"},
            {"-x / 2", "-3"}, // truncation toward zero
            {"x % 3", "1"},
            {"-x % 3", "-1"},
            {"x % -3", "1"},
            {"x / y", "-2"},
            {"0x0f & 0x3c", "12"},
            {"0x0f | 0x30", "63"},
            {"1 << 62", "4611686018427387904"},
            {"1 << 63", "-9223372036854775808"},
            {"x << 0", "7"},
            {"-8 >> 1", "-4"}, // arithmetic shift
            {"256 >> 4", "16"},
            {"-y", "3"},
            {"1 + 2 * 3", "7"},
            {"(1 + 2) * 3", "9"},
            {"0x12 << 8 | 0x34", "4660"},
            {"x < 8", "true"},
            {"x < 7", "false"},
            {"x <= 7", "true"},
            {"x > 7", "false"},
            {"x >= 7", "true"},
            {"y < z", "true"},
            {"x == 7", "true"},
            {"x != 7", "false"},
            // Two's complement wrap-around, no UB.
            {"9223372036854775807 + 1", "-9223372036854775808"},
            {"-9223372036854775807 - 2", "9223372036854775807"},
            {"4611686018427387904 * 4", "0"},
            {"-(-9223372036854775807 - 1)", "-9223372036854775808"},
            {"(-9223372036854775807 - 1) / -1", "-9223372036854775808"},
            {"(-9223372036854775807 - 1) % -1", "0"},
            // Undefined results are unknown, never UB.
            {"x / z", "unknown (division by zero)"},
            {"x % z", "unknown (division by zero)"},
            {"x / (y + 3)", "unknown (division by zero)"},
            {"1 << 64", "unknown (shift count 64 out of range 0..63)"},
            {"1 >> y", "unknown (shift count -3 out of range 0..63)"},
        });
        for (const auto& [source, expected] : cases) {
            CHECK(eval_str(source, env) == expected);
        }
    }

    TEST_CASE("evaluate: bool bytes enum and map equality")
    {
        const MapEnv env = sample_env();
        CHECK(eval_str("a == true", env) == "true");
        CHECK(eval_str("a != b", env) == "true");
        CHECK(eval_str("msg.nonce_1 == x\"0102AB\"", env) == "true");
        CHECK(eval_str("msg.nonce_1 == x\"0102\"", env) == "false");
        CHECK(eval_str("len(msg.nonce_1)", env) == "3");
        CHECK(eval_str("len(x\"\")", env) == "0");
        CHECK(eval_str("state.nia == NIA2", env) == "true");
        CHECK(eval_str("state.nia == Nia.NIA1", env) == "false");
        CHECK(eval_str("state.nia", env) == "NIA2");
        CHECK(eval_str("m == put(put(m, 1, 10), 2, 20)", env) == "true");
        CHECK(eval_str("m == put(m, 1, 11)", env) == "false");
    }

    TEST_CASE("evaluate: sets")
    {
        const MapEnv env = sample_env(); // caps = {NIA1, NIA2}, ids = {1, 5}
        const auto cases = std::to_array<std::pair<const char*, const char*>>({
            {"caps", "{NIA1, NIA2}"},
            {"{NIA2, NIA1} == {NIA1, NIA2}", "true"},
            {"{NIA2, NIA1, NIA2} == caps", "true"},
            {"{NIA1} == caps", "false"},
            {"caps != {}", "true"},
            {"NIA1 in caps", "true"},
            {"NIA0 in caps", "false"},
            {"state.nia in caps", "true"},
            {"5 in ids", "true"},
            {"x in ids", "false"},
            {"x in {}", "false"},
            {"x in {3, x, 9}", "true"},
            {R"(x"ab" in {x"01", x"ab"})", "true"},
            {R"(x"ac" in {x"01", x"ab"})", "false"},
            {"size(caps)", "2"},
            {"size({NIA1, NIA1, NIA1})", "1"},
            {"size(union(caps, {NIA0, NIA1}))", "3"},
            {"union(caps, {NIA3, NIA0})", "{NIA0, NIA1, NIA2, NIA3}"},
            {"union({}, caps) == caps", "true"},
            {"subset({NIA1}, caps)", "true"},
            {"subset({NIA1, NIA3}, caps)", "false"},
            {"subset({}, caps)", "true"},
            {"subset(caps, caps)", "true"},
            {"insert(caps, NIA0)", "{NIA0, NIA1, NIA2}"},
            {"insert(caps, NIA2) == caps", "true"},
            {"insert(ids, 3)", "{1, 3, 5}"},
            {"insert({}, 9)", "{9}"},
            {"{x - 7, x, 1, -1}", "{-1, 0, 1, 7}"},
            {R"({x"ff", x"00"})", "{00, ff}"},
        });
        for (const auto& [source, expected] : cases) {
            CHECK(eval_str(source, env) == expected);
        }
    }

    TEST_CASE("evaluate: maps get/put")
    {
        const MapEnv env = sample_env(); // m = {1: 10, 2: 20}
        CHECK(eval_str("get(m, 1, 0)", env) == "10");
        CHECK(eval_str("get(m, 3, -1)", env) == "-1");
        CHECK(eval_str("put(m, 3, 30)", env) == "{1: 10, 2: 20, 3: 30}");
        CHECK(eval_str("put(m, 1, 11)", env) == "{1: 11, 2: 20}");
        CHECK(eval_str("get(put(m, x, x * 2), 7, 0)", env) == "14");
        CHECK(eval_str("get(m, 1, 0)", env) == "10"); // put did not change the variable
    }

    TEST_CASE("evaluate: external functions are strict unless lazy_unknown")
    {
        Scope scope = make_scope();
        int calls = 0;
        scope.functions.insert_or_assign(
            "count", ExternalFunction{{Type::integer(), Type::integer()},
                                      Type::integer(),
                                      [&calls](const std::vector<Value>& args, Value& out) {
                                          ++calls;
                                          out = Value::integer(args[0].is_absent() ? -1 : 1);
                                      },
                                      SolverMeaning{}});
        MapEnv env = sample_env();
        CHECK(eval_str("kdf(msg.nonce_1, 255)", env, scope) == "0102abff");
        CHECK(eval_str("count(x, y)", env, scope) == "1");
        CHECK(calls == 1);
        // Strict: an unknown argument gives that unknown, impl is not called.
        env.erase("y");
        CHECK(eval_str("count(x, y)", env, scope) == "unknown (y not logged)");
        env.erase("z");
        CHECK(eval_str("count(z, y)", env, scope) == "unknown (z not logged)");
        CHECK(calls == 1);
        // Absent arguments reach impl.
        CHECK(eval_str("count(opt, x)", env, scope) == "-1");
        CHECK(calls == 2);
        // lazy_unknown: impl sees the unknown.
        CHECK(eval_str("lazy(b)", env, scope) == "false");
        env.erase("b");
        CHECK(eval_str("lazy(b)", env, scope) == "true");
        // Declared without an implementation (symbolic use only): unknown, not a crash.
        CHECK(eval_str("noimpl(x)", env, scope) == "unknown (function 'noimpl' has no implementation)");
    }

    TEST_CASE("evaluate: defs evaluate as their expansion")
    {
        Scope scope = make_scope();
        scope.defs["big"] = "x > 5";
        scope.defs["ok"] = "big && a";
        MapEnv env = sample_env();
        CHECK(eval_str("ok", env, scope) == "true");
        env.set("x", Value::integer(5));
        CHECK(eval_str("ok", env, scope) == "false");
        CHECK(eval_str("!ok || b", env, scope) == "true");
    }

    TEST_CASE("evaluate: an Env's def cache evaluates each def once until cleared")
    {
        Scope scope = make_scope();
        auto calls = std::make_shared<int>(0);
        scope.functions.insert_or_assign(
            "counted", ExternalFunction{{Type::integer()},
                                        Type::integer(),
                                        [calls](const std::vector<Value>& args, Value& out) {
                                            ++*calls;
                                            out = args[0];
                                        },
                                        SolverMeaning{}});
        scope.defs["k"] = "counted(x) * 2";
        scope.defs["tag"] = "kdf(msg.nonce_1, k)";
        scope.defs["maybe"] = "counted(opt) > 0";
        CachingEnv env(sample_env(), scope.defs.size());
        int cached_calls = 0;
        // Evaluates with the cache (counting the calls of counted()) and without (the reference).
        const auto run = [&](const std::string& source) {
            const auto tree = compile(source, scope);
            REQUIRE(tree.has_value());
            const int before = *calls;
            const Value cached = evaluate(**tree, env, scope);
            cached_calls += *calls - before;
            const Value plain = evaluate(**tree, env.values, scope);
            CHECK_MESSAGE(same(cached, plain), source);
            return render(cached, (*tree)->type);
        };
        // k is called for once, whether the int fast path reads it, the generic path does (kdf's
        // argument inside tag; the division sends the whole tree back to the generic path) or another
        // tree of the same environment.
        CHECK(run("k + k == 28") == "true");
        CHECK(run("len(tag) == 3 + (k - k) / 14") == "false");
        CHECK(run("tag == kdf(msg.nonce_1, 14)") == "true");
        CHECK(cached_calls == 1);
        // Unknown values are kept too, with their reasons. counted(opt) gives absent, so the fast path
        // of maybe fails and the generic path evaluates it again: two calls, then none.
        CHECK(run("maybe || a") == "true");
        CHECK(cached_calls == 3);
        CHECK(run("maybe && a").starts_with("unknown ("));
        CHECK(cached_calls == 3);
        // After clear() the environment may have changed: evaluated again.
        env.values.set("x", Value::integer(8));
        env.cache.clear();
        CHECK(run("k == 16") == "true");
        CHECK(cached_calls == 4);
    }

    TEST_CASE("evaluate: deepest accepted trees evaluate without trouble")
    {
        const MapEnv env = sample_env();
        CHECK(eval_str(std::string(199, '!') + "a", env) == "false");
        std::string sum = "0";
        for (int i = 0; i < 199; ++i) {
            sum += " + 1";
        }
        CHECK(eval_str(sum, env) == "199");
    }
}

namespace {

/// A deep copy of `n` with every Node::op cleared, as a hand-built tree has it.
NodePtr without_ops(const Node& n)
{
    Node copy = n;
    copy.op = kNoOp;
    for (NodePtr& a : copy.args) {
        a = without_ops(*a);
    }
    return std::make_shared<const Node>(std::move(copy));
}

/// Whether every unary, binary and call node of `n` has its operator resolved.
bool ops_resolved(const Node& n)
{
    if ((n.kind == NodeKind::unary || n.kind == NodeKind::binary || n.kind == NodeKind::call) &&
        n.op == kNoOp) {
        return false;
    }
    return std::all_of(n.args.begin(), n.args.end(), [](const NodePtr& a) { return ops_resolved(*a); });
}

} // namespace

TEST_SUITE("expr")
{
    // type_check resolves each operator and function name once (Node::op); a tree without that, as a
    // caller builds by hand, is resolved by name. Both must mean the same.
    TEST_CASE("evaluate: operators resolved by type_check and by name give the same values")
    {
        const MapEnv env = sample_env();
        const Scope scope = make_scope();
        for (const char* source : {"a && b || !a => b",
                                   "!(a && opt == absent)",
                                   "x + y * z - x / y % 3",
                                   "x & y | x << 2 >> 1",
                                   "-x",
                                   "x < y && x <= y || x > y && x >= y",
                                   "msg.nonce_1 == x\"0102ab\"",
                                   "caps != caps",
                                   "state.nia in caps",
                                   "if a then x else y",
                                   "present(opt)",
                                   "known(c)",
                                   "len(msg.nonce_1)",
                                   "size(caps)",
                                   "subset(caps, {NIA1, NIA2})",
                                   "union(caps, {NIA0})",
                                   "insert(ids, 3)",
                                   "get(m, 1, 0)",
                                   "put(m, 1, 2)",
                                   "kdf(msg.nonce_1, 1)",
                                   "x / z",
                                   "x << 64",
                                   "c && b",
                                   "b => c",
                                   "c || a",
                                   "a && c",
                                   "lazy(c)",
                                   "noimpl(x)",
                                   "opt + 1 == 2"}) {
            INFO(source);
            const auto tree = compile(source, scope);
            REQUIRE_MESSAGE(tree.has_value(), (tree ? std::string() : tree.error().message));
            CHECK(ops_resolved(**tree));
            const NodePtr by_name = without_ops(**tree);
            CHECK(render(evaluate(**tree, env, scope), (*tree)->type) ==
                  render(evaluate(*by_name, env, scope), (*tree)->type));
        }
    }
}
