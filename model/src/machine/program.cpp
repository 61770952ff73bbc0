/// \file Program: the spec's slots, parameters, compiled trees and per-message plans, built once.

#include "pc5check/machine/program.h"

#include "bind_fields.h"
#include "init_env.h"
#include "trace/names.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>
#include <string>
#include <unordered_map>

namespace pc5check::machine {

namespace {

using expr::Value;

/// The scope's variable names by slot (the order of the std::map Scope::variables).
std::vector<std::string_view> slot_names(const expr::Scope& scope)
{
    std::vector<std::string_view> names;
    names.reserve(scope.variables.size());
    for (const auto& [name, type] : scope.variables) {
        names.emplace_back(name);
    }
    return names;
}

/// Whether a transition or check listening on `on` fires on message `msg` ("*": every message).
bool matches(const std::vector<std::string>& on, const std::string& msg)
{
    return std::any_of(on.begin(), on.end(), [&](const std::string& m) { return m == "*" || m == msg; });
}

} // namespace

void Program::find_defs_reading_enabled()
{
    // Defs are expanded in place, so a def reads `enabled` when its subtree does. Trees share the
    // subtrees of their defs: each node's answer is kept, so the walk is linear in distinct nodes.
    std::map<const expr::Node*, bool> reads;
    std::set<std::uint32_t> found;
    const auto walk = [&reads, &found](const auto& self, const expr::Node& n) -> bool {
        if (const auto it = reads.find(&n); it != reads.end()) {
            return it->second;
        }
        bool r = n.kind == expr::NodeKind::variable && n.name == "enabled";
        for (const auto& a : n.args) {
            r = self(self, *a) || r;
        }
        if (r && n.def != expr::kNoDef) {
            found.insert(n.def);
        }
        reads.emplace(&n, r);
        return r;
    };
    spec_->for_each_event_tree([&walk](const expr::Node& root) { walk(walk, root); });
    defs_reading_enabled_.assign(found.begin(), found.end());
}

Program::Program(const spec::Spec& spec) : spec_(&spec), code_(slot_names(spec.scope))
{
    find_defs_reading_enabled();
    // Every tree an event evaluates, compiled once, with every subtree (the operands update_in_place
    // evaluates among them).
    spec.for_each_event_tree([this](const expr::Node& root) { static_cast<void>(code_.add(root)); });
    // State layout: the spec's variables in spec order, then the control states. A name given twice
    // keeps one index: the later initialiser wins, as when the state was a map by name.
    const auto add_state = [this](std::string name) {
        const auto [it, inserted] =
            state_indices_.try_emplace(name, static_cast<std::uint32_t>(state_names_.size()));
        if (inserted) {
            state_names_.push_back(std::move(name));
        }
        return it->second;
    };
    for (const auto& v : spec.variables) {
        variable_states_.push_back(add_state(v.role + "." + v.name));
    }
    control_states_ = {add_state("initiator.state"), add_state("target.state")};

    std::map<std::string, Value> params; // the last of a repeated id wins
    for (const auto& p : spec.parameters) {
        params["param." + p.id] = p.value;
    }
    params_.assign(std::make_move_iterator(params.begin()), std::make_move_iterator(params.end()));
    add_initialisers();

    // Slot table of EventEnv::lookup's order (fields, state, parameters, enabled, absent IEs). params_
    // gains no entry after this: the pointers into it stay valid for the program's life.
    const auto& variables = spec.scope.variables;
    names_.reserve(variables.size());
    for (const auto& [name, type] : variables) {
        names_.emplace_back(name);
    }
    param_slots_.assign(names_.size(), nullptr);
    for (const auto& [name, value] : params_) {
        if (const auto s = slot_of(name); s != expr::kNoSlot) {
            param_slots_[s] = &value;
        }
    }
    std::vector<bool> has_state(names_.size(), false);
    for (std::uint32_t i = 0; i < state_names_.size(); ++i) {
        if (const auto s = slot_of(state_names_[i]); s != expr::kNoSlot) {
            state_slots_.emplace_back(s, i); // after the parameters: lookup() prefers the state
            has_state[s] = true;
        }
    }
    for (std::uint32_t s = 0; s < names_.size(); ++s) {
        if (param_slots_[s] != nullptr || has_state[s]) {
            continue;
        }
        if (names_[s] == "enabled") {
            enabled_slot_ = s;
        } else if (names_[s].starts_with("ie.")) {
            absent_slots_.push_back(s);
        }
    }
    for (std::size_t f = 0; f < field_slots_.size(); ++f) {
        field_slots_[f] = slot_of(detail::kEventFieldNames[f]);
    }
    rules_by_id_.resize(spec.rules.size());
    std::iota(rules_by_id_.begin(), rules_by_id_.end(), 0U);
    std::stable_sort(rules_by_id_.begin(), rules_by_id_.end(), [&spec](std::uint32_t a, std::uint32_t b) {
        return spec.rules[a].id < spec.rules[b].id;
    });
    for (const auto& m : spec.messages) {
        if (!plans_.contains(m.id)) {
            plans_.emplace(m.id, make_plan(m.id));
        }
    }
    // A machine keeps values only for the slots fields are bound to: a value per slot of the scope
    // was a large allocation (and as many destructors) per trace.
    field_values_index_.assign(names_.size(), expr::kNoSlot);
    const auto add_field = [this](std::uint32_t slot) {
        if (slot != expr::kNoSlot && field_values_index_[slot] == expr::kNoSlot) {
            field_values_index_[slot] = field_values_count_++;
        }
    };
    for (const std::uint32_t slot : field_slots_) {
        add_field(slot);
    }
    for (const auto& [msg, plan] : plans_) {
        for (const auto& slots : plan.ie_slots) {
            for (const std::uint32_t slot : slots) {
                add_field(slot);
            }
        }
    }
}

expr::Code::Entry Program::entry(const expr::Node& tree) const
{
    const auto e = code_.find(tree);
    PC5CHECK_ASSERT(e.has_value() && "every event-time tree is compiled with the program");
    return *e;
}

Program::Candidate Program::candidate(const spec::Transition& t) const
{
    Candidate c;
    c.transition = &t;
    c.guard = entry(*t.guard);
    const auto state_index_of = [](const std::vector<std::string>& states, const std::string& name) {
        const auto it = std::find(states.begin(), states.end(), name);
        PC5CHECK_ASSERT(it != states.end() && "control state checked by the spec loader");
        return static_cast<std::uint32_t>(it - states.begin());
    };
    if (const auto cs = spec_->control_states.find(t.role); cs != spec_->control_states.end()) {
        c.control = state_index(t.role + ".state");
        PC5CHECK_ASSERT(c.control != expr::kNoSlot);
        for (const auto& from : t.from) {
            c.from.push_back(state_index_of(cs->second, from));
        }
        if (!t.to.empty()) {
            c.to = state_index_of(cs->second, t.to);
        }
    }
    for (const auto& e : t.effects) {
        Effect effect;
        effect.target = state_index(e.variable);
        PC5CHECK_ASSERT(effect.target != expr::kNoSlot && "effects assign state variables (spec loader)");
        effect.value = e.value.get();
        effect.value_code = entry(*e.value);
        // `put(V, k, x)` / `insert(V, y)` of the assigned variable V itself: the update can change V's
        // value where it is instead of copying the whole map or set into the new value (builtins
        // take precedence over external functions of the same name, so the name decides). Likewise
        // under `if c then put/insert(V, ...) else V`, where a false c leaves V as it is.
        const auto is_v = [&e](const expr::Node& n) {
            return n.kind == expr::NodeKind::variable && n.name == e.variable;
        };
        const expr::Node* condition = nullptr;
        const expr::Node* update = e.value.get();
        if (update->kind == expr::NodeKind::ite && is_v(*update->args[2])) {
            condition = update->args[0].get();
            update = update->args[1].get();
        }
        const expr::Node& v = *update;
        const bool put = v.name == "put" && v.args.size() == 3;
        const bool insert = v.name == "insert" && v.args.size() == 2;
        if (v.kind == expr::NodeKind::call && (put || insert) && is_v(*v.args[0])) {
            effect.condition = condition;
            effect.condition_code = condition != nullptr ? entry(*condition) : 0;
            effect.kind = put ? EffectKind::put : EffectKind::insert;
            effect.variable = v.args[0].get();
            effect.key = put ? v.args[1].get() : nullptr;
            effect.element = v.args.back().get();
            effect.key_code = put ? entry(*effect.key) : 0;
            effect.element_code = entry(*effect.element);
        }
        c.effects.push_back(effect);
    }
    return c;
}

Program::MessagePlan Program::make_plan(const std::string& msg) const
{
    MessagePlan plan;
    for (const auto& t : spec_->transitions) {
        if (!matches(t.on, msg)) {
            continue;
        }
        if (t.dir == spec::Direction::observe) {
            plan.observe.push_back(candidate(t));
            continue;
        }
        auto& by_role = t.dir == spec::Direction::send ? plan.send : plan.recv;
        if (t.role == trace::to_string(trace::Role::initiator)) {
            by_role[0].push_back(candidate(t));
        } else if (t.role == trace::to_string(trace::Role::target)) {
            by_role[1].push_back(candidate(t));
        }
    }
    for (std::size_t r = 0; r < spec_->rules.size(); ++r) {
        for (const auto& check : spec_->rules[r].checks) {
            if (matches(check.on, msg)) {
                plan.checks.push_back(PlannedCheck{static_cast<std::uint32_t>(r), &check, entry(*check.when),
                                                   entry(*check.assertion)});
            }
        }
    }
    plan.def = spec_->find_message(msg);
    if (plan.def != nullptr) {
        plan.msg_index = detail::message_index(*spec_, msg);
        for (const trace::Role r : {trace::Role::initiator, trace::Role::target}) {
            plan.may_send[r == trace::Role::initiator ? 0 : 1] =
                std::find(plan.def->senders.begin(), plan.def->senders.end(), trace::to_string(r)) !=
                plan.def->senders.end();
        }
        for (const auto& ie : plan.def->ies) {
            const auto names = ie_field_names(ie);
            std::array<std::uint32_t, 3> slots{expr::kNoSlot, expr::kNoSlot, expr::kNoSlot};
            if (names.size() == 1) {
                slots[static_cast<std::size_t>(detail::IePart::whole)] = slot_of(names[0]);
            } else {
                slots[static_cast<std::size_t>(detail::IePart::nea)] = slot_of(names[0]);
                slots[static_cast<std::size_t>(detail::IePart::nia)] = slot_of(names[1]);
            }
            plan.ie_slots.push_back(slots);
        }
    }
    return plan;
}

const Program::MessagePlan* Program::find_plan(const std::string& msg) const
{
    const auto it = plans_.find(msg);
    return it == plans_.end() ? nullptr : &it->second;
}

std::uint32_t Program::slot_of(std::string_view name) const
{
    // names_ is sorted: it is the order of the std::map Scope::variables.
    const auto it = std::lower_bound(names_.begin(), names_.end(), name);
    if (it == names_.end() || *it != name) {
        return expr::kNoSlot;
    }
    return static_cast<std::uint32_t>(it - names_.begin());
}

namespace {

/// Whether `n` reads nothing but literals, parameters and builtins: its value is the same for every trace.
bool trace_independent(const expr::Node& n)
{
    if (n.kind == expr::NodeKind::variable && n.name.rfind("param.", 0) != 0) {
        return false;
    }
    if (n.kind == expr::NodeKind::call && !expr::builtin_of(n)) {
        return false; // an external function (a key look-up is bound to the trace's keys)
    }
    return std::all_of(n.args.begin(), n.args.end(),
                       [](const expr::NodePtr& a) { return trace_independent(*a); });
}

} // namespace

void Program::add_initialisers()
{
    const std::unordered_map<std::string, Value> no_trace;
    const detail::InitEnv params(no_trace, *this); // reads only parameters here (trace_independent)
    for (const auto& v : spec_->variables) {
        Initialiser& init = initialisers_.emplace_back();
        if (trace_independent(*v.init)) {
            init.constant = expr::evaluate(*v.init, params, spec_->scope);
        } else {
            init.code = code_.add(*v.init); // the init scope's names are read through the Env
        }
    }
}

std::uint32_t Program::state_index(const std::string& name) const
{
    const auto it = state_indices_.find(name);
    return it == state_indices_.end() ? expr::kNoSlot : it->second;
}

const Value* Program::param(const std::string& name) const
{
    const auto it = std::lower_bound(params_.begin(), params_.end(), name,
                                     [](const auto& entry, const std::string& n) { return entry.first < n; });
    return it == params_.end() || it->first != name ? nullptr : &it->second;
}

} // namespace pc5check::machine
