#pragma once
/// \file Which state variables a run can leave absent (absent_capable.cpp): the step case of an induction
/// starts from an arbitrary state, and letting every variable of it be absent admits states no run
/// reaches (an authentication run number that is absent, so a key derived from it is any key). The
/// variables that can never be absent are found once per run of prove or query and kept present there.
/// Private to checker/src/smt.

#include "pc5check/checker/system.h"
#include "smt/search.h"

#include <optional>
#include <string>
#include <vector>

namespace pc5check::smt::detail {

/// The least set S of state variables such that the initial state has only variables of S absent and
/// one message (any the system allows under `options.attacker`, the attacker's too) from any state in
/// which only variables of S are absent leaves only variables of S absent. Every variable outside S is
/// then present in every reachable state (an inductive invariant, proven by the solver, one query per
/// round). Sorted by name; nullopt when the solver gives up or runs out of time (then nothing is
/// known, and the step case keeps what it assumed without it). With --cross-check the two unsat
/// queries the invariant rests on (initial state, last round's step) go to the second solver too
/// (SPEC-presence-initial.smt2, SPEC-presence-step.smt2); unconfirmed, the invariant is not used.
[[nodiscard]] std::optional<std::vector<std::string>>
absent_capable(const spec::Spec& spec, const SystemOptions& options, Clock::time_point deadline);

/// `options` with `absent_capable` filled in by absent_capable() when an attacker injects messages and
/// the set is not given yet (Spacer's relation gets a presence argument for those variables only).
[[nodiscard]] SystemOptions with_absent_capable(const spec::Spec& spec, const SystemOptions& options,
                                                Clock::time_point deadline);

} // namespace pc5check::smt::detail
