#pragma once
/// \file Symbolic questions about a spec, answered by Z3 (only checker/src/smt/ includes z3++.h).
///
/// This first slice translates the spec's expression AST into Z3 terms in two-valued logic, with
/// crypto and key look-ups as uninterpreted functions and the operators whose C++ semantics differ
/// from Z3's integers (/, %, shifts, bitwise) as uninterpreted functions too. Every abstraction only
/// adds behaviours, so "unsatisfiable" is a sound answer for the concrete semantics with known values.

#include "pc5check/common/error.h"
#include "pc5check/spec/spec.h"

#include <vector>

namespace pc5check::smt {

/// Outcome of a solver query, solver-neutral.
enum class Outcome : std::uint8_t { holds, violated, unknown };

/// Guards, `when` conditions and checks that can never be true (or never be violated), as lint
/// findings. Each query has `timeout_ms`; a timeout is reported as such, never as "fine".
[[nodiscard]] Expected<std::vector<spec::LintFinding>> lint_expressions(const spec::Spec& spec,
                                                                        unsigned timeout_ms = 2000);

} // namespace pc5check::smt
