/// \file Structural lint of a loaded spec (`pc5check spec lint`).

#include "pc5check/spec/spec.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <set>

namespace pc5check::spec {

namespace {

void collect_variables(const expr::Node& node, std::set<std::string>& out)
{
    if (node.kind == expr::NodeKind::variable) {
        out.insert(node.name);
    }
    for (const auto& a : node.args) {
        if (a) {
            collect_variables(*a, out);
        }
    }
}

/// Whether `node` calls the function `name` anywhere.
bool calls(const expr::Node& node, const std::string& name)
{
    if (node.kind == expr::NodeKind::call && node.name == name) {
        return true;
    }
    return std::any_of(node.args.begin(), node.args.end(),
                       [&name](const expr::NodePtr& a) { return a && calls(*a, name); });
}

bool handles(const Transition& t, const std::string& msg)
{
    return std::find(t.on.begin(), t.on.end(), msg) != t.on.end() ||
           std::find(t.on.begin(), t.on.end(), "*") != t.on.end();
}

/// Reachable control states per role, from the initial (first) state; unreachable ones are findings.
std::map<std::string, std::set<std::string>> reachable_states(const Spec& spec,
                                                              std::vector<LintFinding>& findings)
{
    std::map<std::string, std::set<std::string>> reachable;
    for (const auto& [role, states] : spec.control_states) {
        std::set<std::string>& seen = reachable[role];
        std::deque<std::string> todo{states.front()};
        seen.insert(states.front());
        while (!todo.empty()) {
            const std::string s = todo.front();
            todo.pop_front();
            for (const auto& t : spec.transitions) {
                if (t.role != role || t.to.empty()) {
                    continue;
                }
                const bool from_s =
                    t.from.empty() || std::find(t.from.begin(), t.from.end(), s) != t.from.end();
                if (from_s && seen.insert(t.to).second) {
                    todo.push_back(t.to);
                }
            }
        }
        for (std::size_t i = 0; i < states.size(); ++i) {
            if (seen.count(states[i]) == 0) {
                findings.push_back({"/states/" + role + "/" + std::to_string(i),
                                    "control state " + states[i] + " of the " + role + " is unreachable"});
            }
        }
    }
    return reachable;
}

/// Transitions that can never fire: no reachable from-state, or a guard that is constant false.
void lint_dead_transitions(const Spec& spec, std::map<std::string, std::set<std::string>>& reachable,
                           std::vector<LintFinding>& findings)
{
    for (const auto& t : spec.transitions) {
        if (t.role != "link" && !t.from.empty()) {
            const auto& seen = reachable[t.role];
            const bool any = std::any_of(t.from.begin(), t.from.end(),
                                         [&](const std::string& s) { return seen.count(s) != 0; });
            if (!any) {
                findings.push_back({t.pointer, "transition " + t.id +
                                                   " can never fire: none of its from-states is reachable"});
            }
        }
        if (t.guard->kind == expr::NodeKind::literal && t.guard->literal == expr::Value::boolean(false)) {
            findings.push_back(
                {t.pointer + "/guard", "transition " + t.id + " can never fire: its guard is false"});
        }
    }
}

/// Messages nobody sends, and rules whose checks only trigger on such messages.
void lint_unsent(const Spec& spec, std::vector<LintFinding>& findings)
{
    std::set<std::string> sendable;
    for (const auto& m : spec.messages) {
        const bool sent =
            std::any_of(spec.transitions.begin(), spec.transitions.end(),
                        [&](const Transition& t) { return t.dir == Direction::send && handles(t, m.id); });
        if (sent) {
            sendable.insert(m.id);
        } else {
            findings.push_back({"/messages", "message " + m.id + " has no send transition in any role"});
        }
    }
    for (std::size_t i = 0; i < spec.rules.size(); ++i) {
        const Rule& r = spec.rules[i];
        bool triggerable = false;
        for (const auto& c : r.checks) {
            for (const auto& m : c.on) {
                triggerable = triggerable || m == "*" || sendable.count(m) != 0;
            }
            if (c.when->kind == expr::NodeKind::literal && c.when->literal == expr::Value::boolean(false)) {
                findings.push_back(
                    {c.pointer + "/when", "a check of rule " + r.id + " can never apply: 'when' is false"});
            }
        }
        if (!triggerable) {
            findings.push_back({"/rules/" + std::to_string(i),
                                "rule " + r.id + " can never be triggered: no sendable message"});
        }
    }
}

/// The variables (state, parameters, ...) some expression of the spec reads.
std::set<std::string> read_variables(const Spec& spec)
{
    std::set<std::string> used;
    const auto use = [&](const expr::NodePtr& n) {
        if (n) {
            collect_variables(*n, used);
        }
    };
    for (const auto& t : spec.transitions) {
        use(t.guard);
        for (const auto& e : t.effects) {
            use(e.value);
        }
    }
    for (const auto& r : spec.rules) {
        for (const auto& c : r.checks) {
            use(c.when);
            use(c.assertion);
            for (const auto* tpl : {&c.expected, &c.observed}) {
                for (const auto& part : tpl->parts) {
                    if (const auto* n = std::get_if<expr::NodePtr>(&part)) {
                        use(*n);
                    }
                }
            }
        }
    }
    for (const auto& p : spec.properties) {
        use(p.formula);
    }
    for (const auto& v : spec.variables) {
        use(v.init);
    }
    return used;
}

/// Freshness by construction: unspecified_key(n) is a new key for every new n, so a property about
/// key freshness holds because of how the model builds the key, not because the procedure gives it.
/// An FFS derivation is modelled least committed with ffs_kdf, and the choice recorded as an
/// assumption (docs/spec-language.md, review checklist).
void lint_unspecified_keys(const Spec& spec, std::vector<LintFinding>& findings)
{
    for (const auto& t : spec.transitions) {
        for (std::size_t i = 0; i < t.effects.size(); ++i) {
            if (calls(*t.effects[i].value, "unspecified_key")) {
                findings.push_back(
                    {t.pointer + "/effects",
                     "transition " + t.id + " sets " + t.effects[i].variable +
                         " with unspecified_key(): a fresh key per call commits the model to a "
                         "freshness the text may not give; use ffs_kdf (least committed) and "
                         "record the decision under 'assumptions'"});
            }
        }
        if (calls(*t.guard, "unspecified_key")) {
            findings.push_back(
                {t.pointer + "/guard", "transition " + t.id +
                                           " reads unspecified_key(): freshness by construction; "
                                           "use ffs_kdf and record an assumption"});
        }
    }
    for (const auto& r : spec.rules) {
        for (const auto& c : r.checks) {
            if (calls(*c.assertion, "unspecified_key") || calls(*c.when, "unspecified_key")) {
                findings.push_back({c.pointer, "a check of rule " + r.id +
                                                   " reads unspecified_key(): freshness by construction; use "
                                                   "ffs_kdf and record an assumption"});
            }
        }
    }
}

/// Declarations that do not say enough: properties without min_depth, assumptions affecting unknown ids.
void lint_declarations(const Spec& spec, std::vector<LintFinding>& findings)
{
    // A property without a minimum depth lets `prove` report "holds up to depth K" for a K at which no
    // run could falsify it.
    for (std::size_t i = 0; i < spec.properties.size(); ++i) {
        if (spec.properties[i].min_depth == 0) {
            findings.push_back({"/properties/" + std::to_string(i),
                                "property " + spec.properties[i].id +
                                    " declares no min_depth (the fewest messages of a run that can falsify "
                                    "it); prove cannot warn when a depth is too small"});
        }
    }
    // Assumptions must name what they affect correctly.
    for (std::size_t i = 0; i < spec.assumptions.size(); ++i) {
        for (const auto& id : spec.assumptions[i].affects) {
            const bool known =
                spec.find_rule(id) != nullptr || std::any_of(spec.properties.begin(), spec.properties.end(),
                                                             [&id](const Property& p) { return p.id == id; });
            if (!known) {
                findings.push_back({"/assumptions/" + std::to_string(i) + "/affects",
                                    "assumption " + spec.assumptions[i].id + " affects '" + id +
                                        "', which is neither a rule nor a property of the spec"});
            }
        }
    }
}

/// State variables and parameters no expression reads.
void lint_unread(const Spec& spec, const std::set<std::string>& used, std::vector<LintFinding>& findings)
{
    for (std::size_t i = 0; i < spec.variables.size(); ++i) {
        const auto& v = spec.variables[i];
        if (used.count(v.role + "." + v.name) == 0) {
            findings.push_back({"/variables/" + std::to_string(i),
                                "state variable " + v.role + "." + v.name + " is never read"});
        }
    }
    for (const auto& p : spec.parameters) {
        if (used.count("param." + p.id) == 0) {
            findings.push_back({"/parameters", "parameter " + p.id + " is never read"});
        }
    }
}

} // namespace

std::vector<LintFinding> lint_structure(const Spec& spec)
{
    std::vector<LintFinding> findings;
    auto reachable = reachable_states(spec, findings);
    lint_dead_transitions(spec, reachable, findings);
    lint_unsent(spec, findings);
    const std::set<std::string> used = read_variables(spec);
    lint_unspecified_keys(spec, findings);
    lint_declarations(spec, findings);
    lint_unread(spec, used, findings);
    return findings;
}

} // namespace pc5check::spec
