#include "pc5check/machine/builtins.h"

#include <cstddef>
#include <cstdint>
#include <doctest/doctest.h>
#include <memory>
#include <string>
#include <vector>

namespace {

using pc5check::expr::Value;
using Bytes = std::vector<std::uint8_t>;

/// A scope with the model's functions (declare_builtins), as the spec loader makes it.
pc5check::expr::Scope builtin_scope()
{
    pc5check::expr::Scope scope;
    scope.enums = {
        std::make_shared<const pc5check::expr::EnumDef>(
            pc5check::expr::EnumDef{"Nea", {"NEA0", "NEA1", "NEA2", "NEA3"}}),
        std::make_shared<const pc5check::expr::EnumDef>(
            pc5check::expr::EnumDef{"Nia", {"NIA0", "NIA1", "NIA2", "NIA3"}}),
    };
    pc5check::machine::declare_builtins(scope);
    return scope;
}

Bytes octets(std::size_t n, std::size_t seed)
{
    Bytes b(n);
    for (std::size_t k = 0; k < n; ++k) {
        b[k] = static_cast<std::uint8_t>(seed * 31 + k * 7);
    }
    return b;
}

/// One call: a function of the scope and its arguments.
struct Call {
    std::string function;
    std::vector<Value> args;
};

/// Derivations and MAC-Is as a replay asks for them: some again and again, more distinct ones than a
/// memo keeps (each event's MAC-I is new), messages of several lengths, an absent and a badly sized
/// argument.
std::vector<Call> calls()
{
    std::vector<Call> out;
    for (std::size_t round = 0; round < 3; ++round) {
        for (std::size_t k = 0; k < 50; ++k) {
            const Value key = Value::bytes(octets(32, k % 3));
            out.push_back(
                {"k_nrp_sess", {key, Value::bytes(octets(16, k % 2)), Value::bytes(octets(16, 5))}});
            out.push_back({"nrpik", {key, Value::enumeration(static_cast<std::uint32_t>(k % 4))}});
            out.push_back({"nrpek", {key, Value::enumeration(static_cast<std::uint32_t>((k + 1) % 4))}});
            out.push_back(
                {"nia",
                 {Value::enumeration(static_cast<std::uint32_t>(k % 4)), Value::bytes(octets(16, k % 2)),
                  Value::integer(static_cast<std::int64_t>(k + round)), Value::integer(1),
                  Value::integer(static_cast<std::int64_t>(k % 2)),
                  Value::bytes(octets(1 + (k * 13) % 90, k))}});
        }
    }
    out.push_back({"nrpik", {Value::absent(), Value::enumeration(2)}});
    out.push_back({"nrpik", {Value::bytes(octets(5, 1)), Value::enumeration(2)}});
    out.push_back({"nia",
                   {Value::enumeration(2), Value::bytes(octets(16, 0)), Value::integer(1), Value::integer(99),
                    Value::integer(0), Value::bytes(octets(4, 0))}});
    return out;
}

} // namespace

TEST_SUITE("machine")
{
    TEST_CASE("memoized functions give what computing again gives, into a value reused from call to call")
    {
        const pc5check::expr::Scope plain = builtin_scope();
        pc5check::expr::Scope memoized = builtin_scope();
        pc5check::machine::Memos memos = pc5check::machine::memoize_computed(memoized);
        for (int trace = 0; trace < 2; ++trace) {
            // A value of another kind or length before each call: the memo's copy must replace it.
            Value out = Value::unknown("before the first call");
            std::size_t macs = 0;
            memos.begin_event();
            for (const Call& c : calls()) {
                CAPTURE(c.function);
                Value expected;
                plain.functions.at(c.function).impl(c.args, expected);
                memoized.functions.at(c.function).impl(c.args, out);
                CHECK(out == expected);
                if (c.function == "nia" && expected.is_known() && !expected.is_absent()) {
                    ++macs;
                }
            }
            // Every MAC-I is logged, memo hits included.
            CHECK(memos.macs().size() == macs);
            memos.forget(); // as for the next trace: nothing remembered, the answers the same
            CHECK(memos.macs().empty());
        }
    }
}
