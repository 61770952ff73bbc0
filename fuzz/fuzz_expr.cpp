/// \file Fuzz target: an expression compiled in the event scope of the normative spec (its variables,
/// enums, defs and crypto functions), then evaluated with variables that are all unknown, all absent,
/// all a known value of their type, and a mix. Neither step may crash or trip an assertion.

#include "fuzz_support.h"
#include "pc5check/expr/expr.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

namespace {

using namespace pc5check;
using expr::Value;

enum class Fill : std::uint8_t { unknown, absent, known, mixed };

/// A known value of type `t` (false, 0, empty bytes, first literal, empty set or map).
[[nodiscard]] Value known_value(const expr::Type& t)
{
    switch (t.kind) {
    case expr::TypeKind::boolean:
        return Value::boolean(false);
    case expr::TypeKind::integer:
        return Value::integer(0);
    case expr::TypeKind::bytes:
        return Value::bytes({});
    case expr::TypeKind::enumeration:
        return Value::enumeration(0);
    case expr::TypeKind::set:
        return Value::set({});
    case expr::TypeKind::map:
        return Value::map({});
    }
    fuzz::fail("a type of no kind");
}

/// Whether `v` may stand for a value of type `t`: unknown, absent, or the alternative of its kind.
[[nodiscard]] bool fits(const Value& v, const expr::Type& t)
{
    if (v.is_unknown() || v.is_absent()) {
        return true;
    }
    switch (t.kind) {
    case expr::TypeKind::boolean:
        return std::holds_alternative<bool>(v.data);
    case expr::TypeKind::integer:
        return std::holds_alternative<std::int64_t>(v.data);
    case expr::TypeKind::bytes:
        return std::holds_alternative<std::vector<std::uint8_t>>(v.data);
    case expr::TypeKind::enumeration:
        return std::holds_alternative<expr::EnumValue>(v.data);
    case expr::TypeKind::set:
        return std::holds_alternative<expr::SetValue>(v.data);
    case expr::TypeKind::map:
        return std::holds_alternative<expr::MapValue>(v.data);
    }
    return false;
}

/// Every variable of the scope, filled as `fill` says.
class FuzzEnv final : public expr::Env {
  public:
    FuzzEnv(const expr::Scope& scope, Fill fill) : scope_(scope), fill_(fill) {}

    [[nodiscard]] Value lookup(const std::string& name) const override
    {
        const auto it = scope_.variables.find(name);
        if (it == scope_.variables.end()) {
            fuzz::fail("the evaluator asked for '" + name + "', which the type checker does not know");
        }
        Fill fill = fill_;
        if (fill == Fill::mixed) {
            fill = static_cast<Fill>(std::hash<std::string>{}(name) % 3);
        }
        switch (fill) {
        case Fill::unknown:
            return Value::unknown(name + " not logged");
        case Fill::absent:
            return Value::absent();
        default:
            return known_value(it->second);
        }
    }

  private:
    const expr::Scope& scope_;
    Fill fill_;
};

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const expr::Scope& scope = fuzz::normative_spec().scope;
    const auto tree = expr::compile(std::string(fuzz::as_text(data, size)), scope);
    if (!tree) {
        return 0;
    }
    if (*tree == nullptr) {
        fuzz::fail("compile succeeded without a tree");
    }
    for (const Fill fill : {Fill::unknown, Fill::absent, Fill::known, Fill::mixed}) {
        const Value v = expr::evaluate(**tree, FuzzEnv(scope, fill), scope);
        if (!fits(v, (*tree)->type)) {
            fuzz::fail("a " + (*tree)->type.to_string() + " expression evaluated to " +
                       expr::render(v, (*tree)->type));
        }
        (void)expr::render(v, (*tree)->type);
    }
    return 0;
}
