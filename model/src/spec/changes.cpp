#include "pc5check/spec/changes.h"

#include <algorithm>

namespace pc5check::spec {

namespace {

template <class Element>
void compare(const std::string& kind, const std::vector<Element>& before, const std::vector<Element>& after,
             std::vector<ElementChange>& out)
{
    const auto find = [](const std::vector<Element>& in, const std::string& id) -> const Element* {
        const auto it = std::find_if(in.begin(), in.end(), [&id](const Element& e) { return e.id == id; });
        return it == in.end() ? nullptr : &*it;
    };
    for (const auto& e : after) {
        const Element* old = find(before, e.id);
        if (old == nullptr) {
            out.push_back({kind, e.id, "added", {}, e.origin});
        } else if (old->origin.json != e.origin.json) {
            out.push_back({kind, e.id, "changed", old->origin, e.origin});
        }
    }
    for (const auto& e : before) {
        if (find(after, e.id) == nullptr) {
            out.push_back({kind, e.id, "removed", e.origin, {}});
        }
    }
}

} // namespace

std::vector<ElementChange> changed_elements(const Spec& old_spec, const Spec& new_spec)
{
    std::vector<ElementChange> out;
    compare("transition", old_spec.transitions, new_spec.transitions, out);
    compare("rule", old_spec.rules, new_spec.rules, out);
    compare("property", old_spec.properties, new_spec.properties, out);
    return out;
}

} // namespace pc5check::spec
