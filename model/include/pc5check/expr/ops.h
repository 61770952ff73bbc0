#pragma once
/// \file Operator and built-in function tables: the one list of the language's operators and builtins.
/// The type checker resolves each node's spelling to these enums (Node::op); the concrete evaluator
/// (evaluate.cpp) and the Z3 encoding (checker/src/smt/expr_encoding.h) both switch over them without a
/// `default`, so an operator or builtin added here without a meaning in either fails to compile
/// (-Wswitch with -Werror).

#include "pc5check/expr/ast.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

namespace pc5check::expr {

/// Binary operators, spelled in Node::name as in the surface syntax.
enum class BinaryOp : std::uint8_t {
    implies,       ///< =>
    logical_or,    ///< ||
    logical_and,   ///< &&
    equal,         ///< ==
    not_equal,     ///< !=
    less,          ///< <
    less_equal,    ///< <=
    greater,       ///< >
    greater_equal, ///< >=
    plus,          ///< +
    minus,         ///< -
    times,         ///< *
    divide,        ///< /
    modulo,        ///< %
    bit_and,       ///< &
    bit_or,        ///< |
    shift_left,    ///< <<
    shift_right,   ///< >>
    member,        ///< in
};

/// Maps an operator spelling to its BinaryOp; a switch on the characters, as it runs per evaluation.
[[nodiscard]] inline std::optional<BinaryOp> binary_op(std::string_view s)
{
    if (s.size() == 1) {
        switch (s[0]) {
        case '<':
            return BinaryOp::less;
        case '>':
            return BinaryOp::greater;
        case '+':
            return BinaryOp::plus;
        case '-':
            return BinaryOp::minus;
        case '*':
            return BinaryOp::times;
        case '/':
            return BinaryOp::divide;
        case '%':
            return BinaryOp::modulo;
        case '&':
            return BinaryOp::bit_and;
        case '|':
            return BinaryOp::bit_or;
        default:
            return std::nullopt;
        }
    }
    if (s.size() != 2) {
        return std::nullopt;
    }
    const char a = s[0];
    const char b = s[1];
    if (a == '&' && b == '&') {
        return BinaryOp::logical_and;
    }
    if (a == '|' && b == '|') {
        return BinaryOp::logical_or;
    }
    if (a == '=' && b == '>') {
        return BinaryOp::implies;
    }
    if (a == '=' && b == '=') {
        return BinaryOp::equal;
    }
    if (a == '!' && b == '=') {
        return BinaryOp::not_equal;
    }
    if (a == '<' && b == '=') {
        return BinaryOp::less_equal;
    }
    if (a == '>' && b == '=') {
        return BinaryOp::greater_equal;
    }
    if (a == '<' && b == '<') {
        return BinaryOp::shift_left;
    }
    if (a == '>' && b == '>') {
        return BinaryOp::shift_right;
    }
    if (a == 'i' && b == 'n') {
        return BinaryOp::member;
    }
    return std::nullopt;
}

/// The built-in functions of expr.h; they take precedence over Scope::functions of the same name.
enum class Builtin : std::uint8_t { present, known, len, size, subset, set_union, insert, get, put };

/// Spellings of the builtins.
inline constexpr auto kBuiltins = std::to_array<std::pair<std::string_view, Builtin>>({
    {"present", Builtin::present},
    {"known", Builtin::known},
    {"len", Builtin::len},
    {"size", Builtin::size},
    {"subset", Builtin::subset},
    {"union", Builtin::set_union},
    {"insert", Builtin::insert},
    {"get", Builtin::get},
    {"put", Builtin::put},
});

/// Maps a function name to its Builtin, if it is one.
[[nodiscard]] inline std::optional<Builtin> builtin(std::string_view name)
{
    for (const auto& [spelling, b] : kBuiltins) {
        if (name == spelling) {
            return b;
        }
    }
    return std::nullopt;
}

/// Node::op of a unary node: `!` or `-`.
inline constexpr std::uint8_t kOpNot = 0;
inline constexpr std::uint8_t kOpNegate = 1;
/// Node::op of a call of an external function (Scope::functions); a builtin call holds its Builtin.
inline constexpr std::uint8_t kOpExternal = 100;

/// The Node::op of a node of `kind` named `name` (a binary node holds its BinaryOp), or kNoOp.
[[nodiscard]] inline std::uint8_t resolve_op(NodeKind kind, std::string_view name)
{
    switch (kind) {
    case NodeKind::unary:
        return name == "!" ? kOpNot : kOpNegate;
    case NodeKind::binary:
        if (const auto op = binary_op(name)) {
            return static_cast<std::uint8_t>(*op);
        }
        return kNoOp;
    case NodeKind::call:
        if (const auto b = builtin(name)) {
            return static_cast<std::uint8_t>(*b);
        }
        return kOpExternal;
    default:
        return kNoOp;
    }
}

/// The operator of a binary node (resolved by type_check, or from the spelling of a hand-built node).
[[nodiscard]] inline std::optional<BinaryOp> binary_op_of(const Node& n)
{
    return n.op == kNoOp ? binary_op(n.name) : std::optional<BinaryOp>(static_cast<BinaryOp>(n.op));
}

/// Whether a unary node is logical negation (else arithmetic negation).
[[nodiscard]] inline bool is_logical_not(const Node& n)
{
    return n.op == kNoOp ? n.name == "!" : n.op == kOpNot;
}

/// The builtin a call node names, or nullopt for an external function (Scope::functions).
[[nodiscard]] inline std::optional<Builtin> builtin_of(const Node& n)
{
    if (n.op == kOpExternal) {
        return std::nullopt;
    }
    return n.op == kNoOp ? builtin(n.name) : std::optional<Builtin>(static_cast<Builtin>(n.op));
}

/// Number of arguments of a builtin.
[[nodiscard]] inline std::size_t builtin_arity(Builtin b)
{
    switch (b) {
    case Builtin::present:
    case Builtin::known:
    case Builtin::len:
    case Builtin::size:
        return 1;
    case Builtin::subset:
    case Builtin::set_union:
    case Builtin::insert:
        return 2;
    case Builtin::get:
    case Builtin::put:
        return 3;
    }
    return 0;
}

} // namespace pc5check::expr
