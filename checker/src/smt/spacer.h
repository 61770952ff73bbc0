#pragma once
/// \file Spacer (CHC / PDR) as the second prover of `prove --engine spacer|both` (issue #17): the closed
/// system of system_model.h — its initial states, its one step (with the attacker's messages) and the
/// property — as constrained Horn clauses over one relation Inv(state), asked of Z3's fixedpoint engine
/// `spacer`. An answer "no bad state is derivable" comes with Inv's solution, an inductive invariant,
/// which counts only after three plain solver queries confirm it in fresh solvers (initiation: initial
/// states => Inv; consecution: Inv and a step => Inv after it; safety: Inv => property), and with
/// --cross-check also the second solver. Private to checker/src/smt.

#include "pc5check/checker/system.h"
#include "smt/induction.h"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>
#include <z3++.h>

namespace pc5check::smt::detail {

/// What Spacer found for one property.
struct SpacerOutcome {
    enum class Kind : std::uint8_t {
        proven,         ///< an inductive invariant implying the property, re-checked
        counterexample, ///< a bad state derivable in the Horn encoding (`note` says what that means)
        unknown,        ///< time limit, Spacer gave up, or a re-check without an answer (`note`)
    };
    Kind kind = Kind::unknown;
    /// proven: the invariant's conjuncts, in the spec's expression language where they can be written
    /// in it (origin "spacer"), else as SMT-LIB 2 over the state variables' names (origin "spacer-smtlib").
    std::vector<InvariantPart> invariant;
    std::string note;
    std::vector<std::string> confirmed; ///< --cross-check: the query files the second solver answered unsat
    double seconds = 0.0;
};

/// A re-check of Spacer's invariant found a state it does not cover: Spacer, the Horn encoding or the
/// re-check is wrong. An internal error (exit 3), never a proof.
class SpacerRecheckFailure : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Test hook: what the re-check gets instead of Spacer's invariant (a formula over the relation's
/// arguments as de Bruijn variables: variable i is argument i).
using SpacerTamper = std::function<z3::expr(const z3::expr& invariant)>;

/// Spacer on `property` (a property of `spec`) under options.attacker, within `deadline`. Throws
/// SpacerRecheckFailure when the invariant fails a re-check, CrossCheckDisagreement when the second
/// solver finds a re-check query satisfiable.
[[nodiscard]] SpacerOutcome spacer_prove(const spec::Spec& spec, const Candidate& property,
                                         const SystemOptions& options, Clock::time_point deadline,
                                         const SpacerTamper& tamper = {});

} // namespace pc5check::smt::detail
