#pragma once
/// \file State diagrams of a loaded spec (`pc5check spec dot|mermaid`): each role's control states
/// (the first one marked initial) and its send/receive transitions, for reviewers and docs/procedure.md.
///
/// Edge labels: `!MSG` = the role sends MSG, `?MSG` = the role receives MSG, `!A | !B` = any of them,
/// then `[guard]` (shortened to about 40 characters, left out when "true"). A transition without a
/// target state is drawn as a self-loop; one with several (or no, meaning any) source states is drawn
/// once per source state. Link observations are not drawn. The output depends only on the spec.

#include "pc5check/spec/spec.h"

#include <string>

namespace pc5check::spec {

/// Graphviz DOT: one cluster per role, a legend node; render with `dot -Tsvg`.
[[nodiscard]] std::string to_dot(const Spec& spec);

/// Mermaid `stateDiagram-v2`: one composite state per role, state ids such as `I_LINKED` / `T_LINKED`.
[[nodiscard]] std::string to_mermaid(const Spec& spec);

} // namespace pc5check::spec
