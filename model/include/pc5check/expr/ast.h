#pragma once
/// \file The expression AST shared by the concrete evaluator and the Z3 encoder.

#include "pc5check/expr/type.h"
#include "pc5check/expr/value.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pc5check::expr {

/// Node kinds. Operators are spelled as in the surface syntax (see parser.h).
enum class NodeKind : std::uint8_t {
    literal,     ///< bool, int, bytes (x"00ff"), enum literal, or `absent`
    set_literal, ///< {a, b, c}; element type from context or from the elements
    variable,    ///< a dotted name resolved in the Scope (state variable, event field, parameter)
    unary,       ///< op: "!" "-"
    binary, ///< op: "&&" "||" "=>" "==" "!=" "<" "<=" ">" ">=" "+" "-" "*" "/" "%" "&" "|" "<<" ">>" "in"
    ite,    ///< if c then a else b
    call,   ///< builtin or external function call: name(args...)
};

/// Node::slot of a node that has none (not a variable, or a hand-built tree).
inline constexpr std::uint32_t kNoSlot = UINT32_MAX;
/// Node::op of a node whose operator the evaluator resolves from its name (a hand-built tree).
inline constexpr std::uint8_t kNoOp = UINT8_MAX;
/// Node::def of a node that is not the root of an expanded definition.
inline constexpr std::uint32_t kNoDef = UINT32_MAX;

struct Node;
using NodePtr = std::shared_ptr<const Node>;

/// One AST node. `type` is filled by the type checker; `offset` is the 0-based character offset of
/// the node in the expression source, for error messages.
struct Node {
    // The members an evaluation reads at every node (kind, op, slot, def, args, type.kind) come first,
    // so that they share a cache line: a replay walks thousands of nodes per trace.
    NodeKind kind = NodeKind::literal;
    /// For a unary, binary or call node, set by type_check: the operator or function `name` spells,
    /// coded for the evaluator (pc5check/expr/ops.h), so that evaluating it compares no names.
    std::uint8_t op = kNoOp;
    /// For a variable, set by type_check: the index of `name` in the checking Scope's `variables` (in
    /// map order), so that an Env built from that scope reads it from an array instead of hashing the
    /// name on every evaluation (Env::find). kNoSlot otherwise.
    std::uint32_t slot = kNoSlot;
    /// For the root of an expanded definition, set by type_check: the index of the def in the checking
    /// Scope's `defs` (in map order). A def has one value per environment wherever it is used, so an
    /// Env may keep it (Env::def_cache) instead of evaluating the same subtree for every rule. kNoDef
    /// otherwise.
    std::uint32_t def = kNoDef;
    std::vector<NodePtr> args; ///< operands / elements / arguments / (c, a, b) for ite
    Type type{};               ///< set by type_check
    Value literal{};           ///< for literal
    std::string name;          ///< operator, variable name or function name
    std::size_t offset = 0;
};

} // namespace pc5check::expr
