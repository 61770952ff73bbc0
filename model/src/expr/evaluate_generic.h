#pragma once
/// \file Private to the expr module and its tests: the evaluator without its typed fast path, and the
/// three-valued step the compiled form (compiled.h) leaves to the tree evaluator.

#include "pc5check/expr/expr.h"

namespace pc5check::expr::detail {

/// evaluate() with every node on the three-valued path (no typed fast path): the reference the
/// fast path is tested against (tests/unit/expr/evaluate_test.cpp).
[[nodiscard]] Value evaluate_generic(const Node& tree, const Env& env, const Scope& scope);

/// The three-valued evaluation of `tree`'s root itself, not through the def cache and without the typed
/// fast path at the root (its operands are evaluated as evaluate() evaluates them): what evaluate()
/// does at a node where the fast path gave no plain result.
[[nodiscard]] Value evaluate_node(const Node& tree, const Env& env, const Scope& scope);

/// The rest of evaluate_node() at an `if` node `ite` whose condition has the value `condition`, which
/// is not a plain bool (unknown or absent): the value when both branches agree, else the condition's.
[[nodiscard]] Value evaluate_ite_rest(const Node& ite, Value condition, const Env& env, const Scope& scope);

/// What evaluate_node() gives for an operator whose operand `source` has the value `v`, unknown or
/// absent (the operators are strict): `v` if unknown, else an unknown naming `source` as absent.
[[nodiscard]] Value unusable_operand(Value v, const Node& source);

} // namespace pc5check::expr::detail
