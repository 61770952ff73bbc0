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

/// Solver limits of `spec lint`. Hitting one makes the query inconclusive, reported as a finding that
/// names the limit and its option, never as "fine".
struct LintLimits {
    unsigned timeout_ms = 2000; ///< wall-clock time per query (spec lint --timeout-ms)
    /// Z3's memory in MiB (spec lint --solver-memory-mb); 0: none. Z3 keeps one allocation count per
    /// process, so the limit holds for every Z3 user in the process while lint runs (it is lifted
    /// afterwards) and counts Z3's context (about 20 MiB) too. After a memory-out the remaining
    /// queries are not run: each is reported inconclusive.
    unsigned memory_mb = 2048;
};

/// Guards, `when` conditions and checks that can never be true (or never be violated), as lint
/// findings. A query that hits a limit is reported as such, never as "fine".
[[nodiscard]] Expected<std::vector<spec::LintFinding>> lint_expressions(const spec::Spec& spec,
                                                                        const LintLimits& limits = {});

} // namespace pc5check::smt
