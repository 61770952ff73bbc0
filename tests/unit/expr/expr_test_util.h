#pragma once
/// \file Shared fixtures of the expr tests: a scope with enums, variables, defs and functions, a map
/// Env, and an S-expression printer to assert tree shapes.

#include "pc5check/expr/expr.h"

#include <doctest/doctest.h>
#include <map>
#include <memory>
#include <string>

namespace pc5check::expr::test {

/// Env backed by a map; names it lacks are unknown ("<name> not logged").
class MapEnv final : public Env {
  public:
    void set(const std::string& name, Value v) { values_[name] = std::move(v); }
    void erase(const std::string& name) { values_.erase(name); }

    [[nodiscard]] Value lookup(const std::string& name) const override
    {
        const auto it = values_.find(name);
        if (it == values_.end()) {
            return Value::unknown(name + " not logged");
        }
        return it->second;
    }

  private:
    std::map<std::string, Value> values_;
};

inline const std::shared_ptr<const EnumDef>& nia()
{
    static const auto def = std::make_shared<const EnumDef>(EnumDef{"Nia", {"NIA0", "NIA1", "NIA2", "NIA3"}});
    return def;
}
inline const std::shared_ptr<const EnumDef>& nea()
{
    static const auto def = std::make_shared<const EnumDef>(EnumDef{"Nea", {"NEA0", "NEA1", "NEA2", "NEA3"}});
    return def;
}
/// Two enums sharing the literal NONE, for ambiguity tests.
inline const std::shared_ptr<const EnumDef>& ciph()
{
    static const auto def = std::make_shared<const EnumDef>(EnumDef{"Ciph", {"NONE", "AES"}});
    return def;
}
inline const std::shared_ptr<const EnumDef>& integ()
{
    static const auto def = std::make_shared<const EnumDef>(EnumDef{"Integ", {"NONE", "CMAC"}});
    return def;
}

/// Variables: a b c (bool), x y z opt (int), msg.nonce_1 (bytes), state.nia (Nia), state.nea (Nea),
/// ciph (Ciph), caps (set<Nia>), ids (set<int>), m (map). Functions: kdf(bytes, int) -> bytes (strict),
/// lazy(bool) -> bool (lazy_unknown), noimpl(int) -> int (declared without implementation).
inline Scope make_scope()
{
    Scope s;
    for (const char* v : {"a", "b", "c"}) {
        s.variables[v] = Type::boolean();
    }
    for (const char* v : {"x", "y", "z", "opt"}) {
        s.variables[v] = Type::integer();
    }
    s.variables["msg.nonce_1"] = Type::bytes();
    s.variables["state.nia"] = Type::enumeration(nia());
    s.variables["state.nea"] = Type::enumeration(nea());
    s.variables["ciph"] = Type::enumeration(ciph());
    s.variables["caps"] = Type::set_of_enum(nia());
    s.variables["ids"] = Type::set_of(TypeKind::integer);
    s.variables["m"] = Type::map();
    s.enums = {nia(), nea(), ciph(), integ()};
    s.functions.insert_or_assign(
        "kdf",
        ExternalFunction{{Type::bytes(), Type::integer()},
                         Type::bytes(),
                         [](const std::vector<Value>& args, Value& out) {
                             auto key = std::get<std::vector<std::uint8_t>>(args[0].data);
                             key.push_back(static_cast<std::uint8_t>(std::get<std::int64_t>(args[1].data)));
                             out = Value::bytes(key);
                         },
                         SolverMeaning{}});
    s.functions.insert_or_assign("lazy", ExternalFunction{{Type::boolean()},
                                                          Type::boolean(),
                                                          [](const std::vector<Value>& args, Value& out) {
                                                              out = Value::boolean(args[0].is_unknown());
                                                          },
                                                          SolverMeaning{},
                                                          true});
    s.functions.insert_or_assign("noimpl",
                                 ExternalFunction{{Type::integer()}, Type::integer(), {}, SolverMeaning{}});
    return s;
}

/// Tree shape as an S-expression: "(|| a (&& b c))", literals rendered, calls "f(x, y)".
inline std::string sexpr(const Node& n)
{
    std::string out;
    switch (n.kind) {
    case NodeKind::literal:
        if (const auto* i = std::get_if<std::int64_t>(&n.literal.data)) {
            return std::to_string(*i);
        }
        if (const auto* b = std::get_if<bool>(&n.literal.data)) {
            return *b ? "true" : "false";
        }
        if (n.literal.is_absent()) {
            return "absent";
        }
        return n.name.empty() ? render(n.literal, n.type) : n.name;
    case NodeKind::variable:
        return n.name;
    case NodeKind::set_literal:
        out = "{";
        for (const NodePtr& a : n.args) {
            out += (out.size() > 1 ? " " : "") + sexpr(*a);
        }
        return out + "}";
    case NodeKind::call:
        out = n.name + "(";
        for (const NodePtr& a : n.args) {
            out += (out.back() == '(' ? "" : ", ") + sexpr(*a);
        }
        return out + ")";
    case NodeKind::ite:
        return "(if " + sexpr(*n.args[0]) + " " + sexpr(*n.args[1]) + " " + sexpr(*n.args[2]) + ")";
    case NodeKind::unary:
    case NodeKind::binary:
        out = "(" + n.name;
        for (const NodePtr& a : n.args) {
            out += " " + sexpr(*a);
        }
        return out + ")";
    }
    return "?";
}

/// Parses and returns the S-expression, or "error: <message>".
inline std::string shape(const std::string& source)
{
    const auto tree = parse(source);
    return tree ? sexpr(**tree) : "error: " + tree.error().message;
}

/// Compiles against make_scope() and returns the error message ("" when it compiled).
inline std::string compile_error(const std::string& source, const Scope& scope = make_scope(),
                                 const Type* expected = nullptr)
{
    const auto tree = compile(source, scope, expected);
    return tree ? std::string() : tree.error().message;
}

/// Compiles (must succeed) and evaluates.
inline Value eval(const std::string& source, const Env& env, const Scope& scope = make_scope())
{
    const auto tree = compile(source, scope);
    INFO(source);
    REQUIRE_MESSAGE(tree.has_value(), (tree ? std::string() : tree.error().message));
    return evaluate(**tree, env, scope);
}

/// Result of eval rendered with the compiled type: "true", "3", "{NIA1, NIA2}", "unknown (reason)".
inline std::string eval_str(const std::string& source, const Env& env, const Scope& scope = make_scope())
{
    const auto tree = compile(source, scope);
    INFO(source);
    REQUIRE_MESSAGE(tree.has_value(), (tree ? std::string() : tree.error().message));
    return render(evaluate(**tree, env, scope), (*tree)->type);
}

} // namespace pc5check::expr::test
