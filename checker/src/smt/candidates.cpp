/// \file generate_invariants: candidate invariants from the spec's variables and control states.

#include "smt/candidates.h"

#include "pc5check/expr/expr.h"

#include <initializer_list>
#include <set>
#include <string_view>

namespace pc5check::smt::detail {

namespace {

/// The parts, concatenated.
std::string cat(std::initializer_list<std::string_view> parts)
{
    std::string out;
    for (const auto p : parts) {
        out += p;
    }
    return out;
}

/// Whether `n` is the literal -1 (written `-1`: a negated 1, or folded).
bool is_minus_one(const expr::Node& n)
{
    if (n.kind == expr::NodeKind::literal) {
        const auto* i = std::get_if<std::int64_t>(&n.literal.data);
        return i != nullptr && *i == -1;
    }
    if (n.kind == expr::NodeKind::unary && n.name == "-" && n.args.size() == 1 &&
        n.args[0]->kind == expr::NodeKind::literal) {
        const auto* i = std::get_if<std::int64_t>(&n.args[0]->literal.data);
        return i != nullptr && *i == 1;
    }
    return false;
}

class Generator {
  public:
    explicit Generator(const spec::Spec& spec) : spec_(spec)
    {
        for (const auto& [role, states] : spec.control_states) {
            const auto it = spec.scope.variables.find(role + ".state");
            if (it == spec.scope.variables.end() || !it->second.enum_def) {
                continue;
            }
            for (const auto& s : states) {
                guards_[role].push_back(cat({role, ".state == ", it->second.enum_def->name, ".", s}));
            }
        }
    }

    std::vector<GeneratedInvariant> run()
    {
        state_pairs();
        flag_implications();
        for (const auto& v : spec_.variables) {
            agreement(v);
            flags_and_none(v);
            memberships(v);
            same_role_pairs(v);
        }
        return std::move(out_);
    }

  private:
    /// Adds `source` when it is new and type-checks as a bool formula.
    void add(const std::string& source)
    {
        if (!seen_.insert(source).second) {
            return;
        }
        const expr::Type boolean = expr::Type::boolean();
        auto compiled = expr::compile(source, spec_.scope, &boolean);
        if (compiled) {
            out_.push_back(GeneratedInvariant{source, *compiled});
        }
    }
    /// `body` under each control state of `role`.
    void per_state(const std::string& role, const std::string& body)
    {
        const auto it = guards_.find(role);
        if (it == guards_.end()) {
            return;
        }
        for (const auto& g : it->second) {
            add(cat({g, " => ", body}));
        }
    }

    void state_pairs()
    {
        if (guards_.size() != 2) {
            return;
        }
        const auto& a = guards_.begin()->second;
        const auto& b = std::next(guards_.begin())->second;
        for (const auto& gb : b) {
            for (const auto& ga : a) {
                // "S' => !(S)": `!=` on the guard's own spelling.
                add(cat({gb, " => !(", ga, ")"}));
            }
        }
    }

    void agreement(const spec::StateVar& v)
    {
        if (v.type.kind == expr::TypeKind::map) {
            return;
        }
        for (const auto& other : spec_.variables) {
            if (other.role <= v.role || other.name != v.name || !(other.type == v.type)) {
                continue;
            }
            const std::string eq = v.role + "." + v.name + " == " + other.role + "." + other.name;
            per_state(v.role, eq);
            per_state(other.role, eq);
        }
    }

    void flags_and_none(const spec::StateVar& v)
    {
        const std::string name = v.role + "." + v.name;
        if (v.type.kind == expr::TypeKind::boolean) {
            per_state(v.role, name);
            per_state(v.role, "!" + name);
        } else if (v.type.kind == expr::TypeKind::integer && v.init && is_minus_one(*v.init)) {
            per_state(v.role, name + " == -1");
            per_state(v.role, name + " != -1");
        }
    }

    void memberships(const spec::StateVar& e)
    {
        if (e.type.kind == expr::TypeKind::set || e.type.kind == expr::TypeKind::map) {
            return;
        }
        for (const auto& s : spec_.variables) {
            if (s.type.kind != expr::TypeKind::set || !(s.type.element_type() == e.type) ||
                (s.role != e.role && s.role != "link")) {
                continue;
            }
            const std::string in = e.role + "." + e.name + " in " + s.role + "." + s.name;
            add(in);
            per_state(e.role, in);
            per_state(e.role, "!(" + in + ")");
        }
    }

    /// Two variables of one role: equal (same type, not bool), or an enum's first literal (e.g. the null
    /// algorithm) going with a flag.
    void same_role_pairs(const spec::StateVar& a)
    {
        const std::string x = a.role + "." + a.name;
        for (const auto& b : spec_.variables) {
            if (b.role != a.role || &b == &a) {
                continue;
            }
            const std::string y = cat({b.role, ".", b.name});
            if (a.type.kind != expr::TypeKind::boolean && a.type.kind != expr::TypeKind::map &&
                a.type == b.type && a.name < b.name) {
                const std::string eq = cat({x, " == ", y});
                add(eq);
                per_state(a.role, eq);
            }
            if (a.type.kind == expr::TypeKind::enumeration && b.type.kind == expr::TypeKind::boolean &&
                !a.type.enum_def->names.empty()) {
                const std::string with_flag = cat(
                    {"(", x, " == ", a.type.enum_def->name, ".", a.type.enum_def->names.front(), ") == ", y});
                add(with_flag);
                per_state(a.role, with_flag);
            }
        }
    }

    /// The flags (bool state variables) `n` reads, into `out` (defs are shared subtrees: each once).
    void flags_read(const expr::Node& n, std::set<std::string>& out, std::set<const expr::Node*>& seen) const
    {
        if (!seen.insert(&n).second) {
            return;
        }
        if (n.kind == expr::NodeKind::variable && flags_.contains(n.name)) {
            out.insert(n.name);
        }
        for (const auto& a : n.args) {
            if (a) {
                flags_read(*a, out, seen);
            }
        }
    }

    /// One flag implying another, overall and per control state of the first one's role, for each pair
    /// of flags some expression of the spec reads together (an effect's variable counts as read by its
    /// value): e.g. the flag that a re-authentication was asked for and the flag that one ran, both read
    /// by the check that an SMC honours the request. Pairs no expression relates are left out: the
    /// candidates grow with the square of the flags otherwise.
    void flag_implications()
    {
        for (const auto& v : spec_.variables) {
            if (v.type.kind == expr::TypeKind::boolean) {
                flags_.insert(v.role + "." + v.name);
            }
        }
        std::set<std::pair<std::string, std::string>> related;
        const auto relate = [&](const expr::Node* n, const std::string& also) {
            std::set<std::string> read;
            std::set<const expr::Node*> seen;
            if (n != nullptr) {
                flags_read(*n, read, seen);
            }
            if (flags_.contains(also)) {
                read.insert(also);
            }
            for (const auto& a : read) {
                for (const auto& b : read) {
                    if (a != b) {
                        related.emplace(a, b);
                    }
                }
            }
        };
        for (const auto& t : spec_.transitions) {
            relate(t.guard.get(), "");
            for (const auto& e : t.effects) {
                relate(e.value.get(), e.variable);
            }
        }
        for (const auto& r : spec_.rules) {
            for (const auto& c : r.checks) {
                relate(c.assertion.get(), "");
            }
        }
        for (const auto& p : spec_.properties) {
            relate(p.formula.get(), "");
        }
        for (const auto& [a, b] : related) {
            const std::string implication = cat({a, " => ", b});
            add(implication);
            per_state(a.substr(0, a.find('.')), "(" + implication + ")");
        }
    }

    const spec::Spec& spec_;
    std::set<std::string> flags_;                            ///< "role.name" of every bool state variable
    std::map<std::string, std::vector<std::string>> guards_; ///< role -> "R.state == S" per state
    std::set<std::string> seen_;
    std::vector<GeneratedInvariant> out_;
};

} // namespace

std::vector<GeneratedInvariant> generate_invariants(const spec::Spec& spec) { return Generator(spec).run(); }

} // namespace pc5check::smt::detail
