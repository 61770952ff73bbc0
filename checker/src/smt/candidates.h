#pragma once
/// \file Candidate invariants generated from a spec's declarations, for the Houdini-style induction of
/// `prove` and `query` (induction.cpp). A candidate is only a guess: the induction keeps those that
/// hold initially and are preserved by every step together, so a wrong guess costs time, never a
/// wrong answer. Private to checker/src/smt.

#include "pc5check/spec/spec.h"

#include <string>
#include <vector>

namespace pc5check::smt::detail {

/// One generated candidate: its source in the spec's expression language and the typed tree.
struct GeneratedInvariant {
    std::string source;
    expr::NodePtr formula;
};

/// The candidates of `spec`, from these templates (R, R' the two roles with control states, S a
/// control state of the role it guards):
/// - control states that never go together: `R'.state == S' => R.state != S`;
/// - agreement of a variable both roles declare with the same type: `R.state == S => R.x == R'.x`;
/// - a flag per control state: `R.state == S => R.b` and `=> !R.b`;
/// - "none" (-1) per control state for an int initialised to -1: `R.state == S => R.i == -1` / `!= -1`;
/// - membership of a variable in a set of its type, of the same role or the link: `R.e in X.s`, also
///   per control state (and negated there).
/// Every candidate type-checks against `spec.scope`; duplicates are dropped; the order is stable.
[[nodiscard]] std::vector<GeneratedInvariant> generate_invariants(const spec::Spec& spec);

} // namespace pc5check::smt::detail
