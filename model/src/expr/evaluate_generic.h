#pragma once
/// \file Private to the expr module and its tests: the evaluator without its typed fast path.

#include "pc5check/expr/expr.h"

namespace pc5check::expr::detail {

/// evaluate() with every node on the three-valued path (no typed fast path): the reference the
/// fast path is tested against (tests/unit/expr/evaluate_test.cpp).
[[nodiscard]] Value evaluate_generic(const Node& tree, const Env& env, const Scope& scope);

} // namespace pc5check::expr::detail
