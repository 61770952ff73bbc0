/// \file The step in the solver's value domain (Encoding::SymbolicStep, for pc5check/machine/step.h, which
/// decides which transitions fire and which checks bind) and the state it leaves: what the spec
/// says at one message, over the terms of encoding.h.

#include "pc5check/machine/step.h"

#include "smt/encoding.h"
#include "smt/z3_assign.h"

#include <array>
#include <functional>

namespace pc5check::smt::detail {

void Encoding::initial_state(const std::unordered_map<std::string, Sym>& init)
{
    expr::Scope init_scope = spec_.init_scope;
    machine::bind_trace_keys(init_scope, trace_.keys);
    std::swap(scope_, init_scope);
    fields_ = &init;
    for (const auto& v : spec_.variables) {
        state_.emplace(v.role + "." + v.name, normal(encode(*v.init), v.type));
    }
    fields_ = nullptr;
    std::swap(scope_, init_scope);
    state_.emplace("initiator.state", normal(Sym{Value::enumeration(0)}, type_of("initiator.state")));
    state_.emplace("target.state", normal(Sym{Value::enumeration(0)}, type_of("target.state")));
}

/// The solver's value domain of the step (pc5check/machine/step.h): truth values are Syms (a literal
/// when the trace decides them, a Z3 term otherwise), the candidates are every transition of a role
/// and direction and every check, each matched against the (possibly open) message.
class Encoding::SymbolicStep {
  public:
    using Cond = Sym;
    using Transition = spec::Transition;
    using Transitions = std::vector<std::reference_wrapper<const spec::Transition>>;
    struct CheckRef {
        const spec::Rule* rule;
        const spec::Check* check;
    };

    SymbolicStep(Encoding& engine, const StepInput& in, std::vector<Update>& updates)
        : e_(engine), in_(in), updates_(updates),
          from_initiator_(engine.equals(in.from, Value::enumeration(0))),
          from_target_(engine.neg(from_initiator_)), injected_(constant_or_term(engine, in.injected, false)),
          delivered_(constant_or_term(engine, in.delivered, true))
    {
        for (const auto& t : e_.spec_.transitions) {
            by_kind_[index(t.role, t.dir)].emplace_back(t);
        }
        for (const auto& rule : e_.spec_.rules) {
            for (const auto& c : rule.checks) {
                checks_.push_back({&rule, &c});
            }
        }
    }

    [[nodiscard]] static std::optional<bool> truth(const Sym& c) { return Encoding::truth(c); }
    [[nodiscard]] static Sym constant(bool b) { return Value::boolean(b); }
    [[nodiscard]] Sym all(const Sym& a, const Sym& b) { return e_.conj(a, b); }
    [[nodiscard]] Sym any(const Sym& a, const Sym& b) { return e_.disj(a, b); }
    [[nodiscard]] Sym negate(const Sym& a) { return e_.neg(a); }

    [[nodiscard]] Sym sent_by(trace::Role r)
    {
        return r == trace::Role::initiator ? from_initiator_ : from_target_;
    }
    [[nodiscard]] const Sym& injected() const { return injected_; }
    [[nodiscard]] const Sym& delivered() const { return delivered_; }
    [[nodiscard]] Sym per_sender(const Sym& if_initiator, const Sym& if_target)
    {
        return e_.choose(from_initiator_, if_initiator, if_target, Type::boolean());
    }

    [[nodiscard]] const Transitions& transitions(trace::Role r, spec::Direction dir) const
    {
        return by_kind_[index(trace::to_string(r), dir)];
    }
    [[nodiscard]] const Transitions& observers() const { return by_kind_[kObserve]; }
    [[nodiscard]] const std::vector<CheckRef>& checks() const { return checks_; }
    [[nodiscard]] Sym on(const spec::Transition& t) { return e_.msg_matches(t.on, in_.msg); }
    [[nodiscard]] Sym on(const CheckRef& c) { return e_.msg_matches(c.check->on, in_.msg); }
    [[nodiscard]] static const spec::Check& check_of(const CheckRef& c) { return *c.check; }
    [[nodiscard]] static const spec::Transition& spec_of(const spec::Transition& t) { return t; }
    [[nodiscard]] Sym from(const spec::Transition& t) { return e_.state_in(t.role, t.from); }
    [[nodiscard]] Sym guard(const spec::Transition& t) { return e_.encode(*t.guard); }
    [[nodiscard]] Sym observed(const spec::Transition& t) { return e_.encode(*t.guard); }

    void set_enabled(const Sym& enabled)
    {
        e_.enabled_ = e_.pe_ ? enabled : e_.normal(enabled, Type::boolean());
    }
    /// `when` false skips the check; otherwise it must hold where `when` does.
    void check(const CheckRef& c, const Sym& on, const Sym& exempt)
    {
        const Sym when = e_.conj(on, e_.encode(*c.check->when));
        if (truth(when) == std::optional<bool>(false)) {
            return;
        }
        const Sym holds = truth(when) ? e_.encode(*c.check->assertion)
                                      : e_.disj(e_.neg(when), e_.encode(*c.check->assertion));
        e_.record_check(*c.rule, *c.check, in_, e_.normal(holds, Type::boolean()), exempt);
    }
    static void checked() {}
    void fire(const Sym& when, const spec::Transition& t)
    {
        for (const auto& effect : t.effects) {
            updates_.push_back({when, effect.variable, e_.encode(*effect.value)});
        }
        if (!t.to.empty()) {
            const auto& states = e_.spec_.control_states.at(t.role);
            const auto idx =
                static_cast<std::uint32_t>(std::find(states.begin(), states.end(), t.to) - states.begin());
            const std::string control = t.role + ".state";
            updates_.push_back({when, control, e_.normal(Sym{Value::enumeration(idx)}, e_.type_of(control))});
        }
    }

  private:
    static constexpr std::size_t kObserve = 4;
    /// Slot of by_kind_: send/recv by role, then observe (whose role is the link).
    [[nodiscard]] static std::size_t index(const std::string& role, spec::Direction dir)
    {
        if (dir == spec::Direction::observe) {
            return kObserve;
        }
        const std::size_t r = role == trace::to_string(trace::Role::initiator) ? 0 : 1;
        return 2 * r + (dir == spec::Direction::send ? 0 : 1);
    }
    /// A condition of the input as a literal when Z3 can tell it at once, else as a term.
    [[nodiscard]] static Sym constant_or_term(Encoding& e, const std::optional<z3::expr>& c, bool otherwise)
    {
        if (!c) {
            return Value::boolean(otherwise);
        }
        if (c->is_true() || c->is_false()) {
            return Value::boolean(c->is_true());
        }
        return Term{e.ctx_.bool_val(true), *c};
    }

    Encoding& e_;
    const StepInput& in_;
    std::vector<Update>& updates_;
    Sym from_initiator_;
    Sym from_target_;
    Sym injected_;
    Sym delivered_;
    std::array<Transitions, 5> by_kind_;
    std::vector<CheckRef> checks_;
};

void Encoding::step(const StepInput& in, const z3::expr& label)
{
    fields_ = &in.fields;
    enabled_.reset();
    std::vector<Update> updates;
    SymbolicStep domain(*this, in, updates);
    machine::step(domain);
    commit_updates(in, updates, label);
    fields_ = nullptr;
    enabled_.reset();
}

void Encoding::commit_updates(const StepInput& in, const std::vector<Update>& updates, const z3::expr& label)
{
    // The next state: later updates win, as in the concrete machine; an inserted message that was not
    // sent changes nothing.
    std::unordered_map<std::string, Sym> next = state_;
    for (const auto& u : updates) {
        Sym cond = u.cond;
        if (in.active) {
            cond = conj(cond, Sym{Term{ctx_.bool_val(true), *in.active}});
        }
        const Type& type = type_of(u.variable);
        next.at(u.variable) = choose(cond, u.value, next.at(u.variable), type);
    }
    for (auto& [name, value] : next) {
        const Type& type = type_of(name);
        value = normal(value, type);
        auto* t = std::get_if<Term>(&value);
        if (t == nullptr) {
            continue;
        }
        if (auto closed = decode(*t, type)) {
            value = lift(*closed, type); // pure mode: a closed value stays a literal for the rewriter
            continue;
        }
        // Unchanged open state stays the same constant; anything else gets its own constant.
        const auto& before = state_.at(name);
        if (const auto* b = std::get_if<Term>(&before);
            b != nullptr && z3::eq(b->value, t->value) && z3::eq(b->present, t->present)) {
            continue;
        }
        const std::string base = prefix_ + "s!" + std::to_string(fresh_++) + "!" + name;
        const z3::expr pv = t->present.simplify();
        z3::expr p = pv;
        if (!pv.is_true()) {
            assign(p, ctx_.bool_const((base + "!present").c_str()));
            solver_.add(z3::implies(label, p == t->present));
        }
        const z3::expr v = ctx_.constant(base.c_str(), sort_of(type));
        solver_.add(z3::implies(label, v == t->value));
        const Deps d = deps_of(value);
        deps_[Z3_get_ast_id(ctx_, v)] = d;
        if (!pv.is_true()) {
            deps_[Z3_get_ast_id(ctx_, p)] = d;
        }
        value = Term{p, v};
    }
    state_ = std::move(next);
}

} // namespace pc5check::smt::detail
