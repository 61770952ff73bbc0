#pragma once
/// \file `check --symbolic`: trace validation by Z3 for traces the concrete replay cannot decide alone
/// (docs/cli.md (verdicts); the second interpreter of section 2).
///
/// Every value the trace does not fix becomes a free solver variable: an unlogged `sec`, a MAC-I or
/// pdu not logged, an IE not decoded (`"ie": null`, or an IE whose value is null), K_NRP / K_NRP-sess
/// not logged, whether a message a one-UE log shows as sent reached the peer, and up to `max_missing`
/// unlogged messages anywhere in the trace. Crypto stays uninterpreted (perfect-crypto assumption)
/// except where its inputs are known: then the real result is used (known keys become facts).
///
/// The spec's expressions are evaluated by partial evaluation: what the trace fixes is computed by
/// the concrete evaluator, the rest is translated into Z3 terms from the same AST. With
/// `partial_evaluation = false` Z3 evaluates everything except crypto on known inputs; the agreement
/// tests use it to compare the encoding against the concrete machine.

#include "pc5check/common/error.h"
#include "pc5check/machine/machine.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <cstddef>

namespace pc5check::smt {

/// Knobs of one symbolic check.
struct SymbolicOptions {
    unsigned timeout_ms = 10'000;   ///< solver time per trace (--timeout-ms); hit -> inconclusive
    unsigned max_missing = 0;       ///< unlogged messages the solver may insert (--max-missing)
    bool partial_evaluation = true; ///< compute what the trace fixes concretely (see file comment)
    /// Solver queries spent proving that a check which depends on free values holds in every
    /// behaviour that fits the trace; checks beyond the budget stay `unverified` (never `pass`).
    std::size_t proof_budget = 256;
    /// Honour the trace's attacker_steps (check --attacker-steps); off: they are ignored.
    bool attacker_steps = false;
    /// Solve the parts of the problem that share no open value separately (linear in the trace where
    /// one problem grows with its square; see checker/src/smt/slices.h). Off: one problem, as a
    /// reference for tests.
    bool slices = true;
};

/// Checks one trace symbolically. `conforms` lists the assumptions (free values the solver fixed,
/// inserted messages) and marks checks that held only under them `unverified`; `violation` names the
/// first event after which no conforming behaviour remains and a minimal conflicting set of observed
/// events and rule checks (ReplayResult::explanation); `inconclusive` names the limit hit.
/// Errors: the trace does not bind to the spec (exit 2), or Z3 failed (solver_failure).
[[nodiscard]] Expected<machine::ReplayResult>
check_symbolic(const spec::Spec& spec, const trace::Trace& trace, const SymbolicOptions& options);

/// The Z3 library this binary runs with, e.g. "Z3 4.8.12.0" (`--version`).
[[nodiscard]] std::string solver_version();

/// Process-wide Z3 memory limit in MiB (0: none); hitting it makes the check inconclusive.
void set_solver_memory_limit(unsigned megabytes);

} // namespace pc5check::smt
