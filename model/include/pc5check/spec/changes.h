#pragma once
/// \file What changed between two versions of a spec, element by element (`diff`): the transitions,
/// rules and properties written differently, with where each is written in either file.

#include "pc5check/spec/spec.h"

#include <string>
#include <vector>

namespace pc5check::spec {

/// One transition, rule or property that is not written alike in two versions of a spec.
struct ElementChange {
    std::string kind;   ///< "transition", "rule" or "property"
    std::string id;     ///< its id (the same in both versions: a renamed element is removed + added)
    std::string change; ///< "added", "removed" or "changed"
    Origin before;      ///< where the old version writes it (empty when added)
    Origin after;       ///< where the new version writes it (empty when removed)
};

/// The elements written differently (Origin::json: whitespace and key order do not count), in the new
/// version's order (transitions, rules, properties), each kind's removed elements after its others.
/// Defs, variables, parameters and messages are not compared: a change there shows in the elements
/// that read them only through their answers.
[[nodiscard]] std::vector<ElementChange> changed_elements(const Spec& old_spec, const Spec& new_spec);

} // namespace pc5check::spec
