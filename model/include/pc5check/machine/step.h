#pragma once
/// \file The step semantics of the spec language (docs/spec-language.md section 4.1), written once.
///
/// One event is one message on the air. Which transition each role takes, when `enabled` holds, which
/// rule checks bind, which `observe` transitions fire and in which order effects are collected are
/// decided here, and only here, for every value domain: concrete values in replay
/// (model/src/machine/machine.cpp) and solver terms in `check --symbolic`, `prove`, `query`, `diff`
/// and `spec lint` (checker/src/smt/symbolic.cpp). A domain supplies the truth values and what
/// evaluating a guard, a check or an effect means in it; it does not decide the order or the gating.
///
/// A domain `D` provides:
/// - `D::Cond`, a truth value, with `static std::optional<bool> D::truth(const Cond&)` (nullopt: not
///   decided in this domain) and `constant(bool)`, `all(a, b)`, `any(a, b)`, `negate(a)`;
/// - about the event: `sent_by(Role)` (the message names that role as its sender), `injected()` (the
///   attacker, not the named sender, put it on the air), `delivered()` (the receiver got it) and
///   `per_sender(if_initiator, if_target)` (the first when the sender is the initiator);
/// - the candidates, in spec order: `transitions(Role, spec::Direction)` (send and recv),
///   `observers()`, `checks()`; `on(x)` (the event's message is one of x's), `from(t)` (the role's
///   control state is one of t's), `guard(t)` (selects a send/recv transition), `observed(t)` (fires an
///   observe transition), `check_of(c)` (the spec check behind a check candidate), `spec_of(t)` (the
///   spec transition behind a transition candidate);
/// - the actions: `fire(when, t)` (collect t's effects and its `to` under `when`; the domain applies
///   them after step() returns, later ones winning), `set_enabled(Cond)`, `check(c, on, exempt)` and
///   `checked()` (all checks are done; the state is still the one before the event).
///
/// Ref: TS 33.536 6.3.3.2.2 / TS 24.554 7.2.10, 7.2.12 (the procedures whose transitions the spec files
/// write); docs/spec-language.md 4.1 (the order), 4.2 (`enabled`), 4.5 (the attacker).

#include "pc5check/machine/result.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <array>
#include <optional>

namespace pc5check::machine {

namespace step_detail {

template <class D> [[nodiscard]] bool is_false(const typename D::Cond& c)
{
    const std::optional<bool> t = D::truth(c);
    return t.has_value() && !*t;
}

/// Steps 2 and 3: among `candidates` (one role, one direction, spec order), the first whose message,
/// from-state and guard hold is taken when `gate` holds, and fired. Returns whether one matched,
/// ignoring the gate (`enabled` is gated by the caller).
template <class D, class Range>
[[nodiscard]] typename D::Cond select(D& d, const Range& candidates, const typename D::Cond& gate)
{
    typename D::Cond earlier = d.constant(false);
    if (is_false<D>(gate)) {
        return earlier; // the role takes no transition on this event: its guards are not evaluated
    }
    for (const typename D::Transition& t : candidates) {
        const typename D::Cond on = d.on(t);
        if (is_false<D>(on)) {
            continue;
        }
        const typename D::Cond from = d.from(t);
        if (is_false<D>(from)) {
            continue;
        }
        const typename D::Cond matched = d.all(d.all(on, from), d.guard(t));
        const typename D::Cond selected = d.all(gate, d.all(matched, d.negate(earlier)));
        earlier = d.any(earlier, matched);
        if (!is_false<D>(selected)) {
            d.fire(selected, t);
        }
        if (D::truth(earlier).value_or(false)) {
            break; // no later candidate can be selected
        }
    }
    return earlier;
}

/// Whether a check blames the UE the message names as its sender, as a truth value of the domain.
template <class D> [[nodiscard]] typename D::Cond blames_sender(D& d, const spec::Check& check)
{
    const bool initiator = offender_role(check.offender, trace::Role::initiator) == trace::Role::initiator;
    const bool target = offender_role(check.offender, trace::Role::target) == trace::Role::target;
    if (initiator == target) {
        return d.constant(initiator);
    }
    return d.per_sender(d.constant(initiator), d.constant(target));
}

} // namespace step_detail

/// One event in domain `d` (docs/spec-language.md 4.1 steps 2-6; the binding of step 1 and the update
/// of step 7 are the domain's). Every guard, check and right-hand side reads the state before the
/// event, so the effects are collected as the transitions are selected; the domain applies them once
/// step() returns, a later update of a variable winning over an earlier one.
template <class D> void step(D& d)
{
    using Cond = typename D::Cond;
    constexpr std::array kRoles{trace::Role::initiator, trace::Role::target};

    // Steps 2, 3 and 6: the sender's send transition (unless the attacker injected the message), then
    // the receiver's recv transition (if the message reached it), then every observe transition whose
    // guard holds (the link's bookkeeping is of what the UEs sent, so not of injected messages, unless
    // the transition sees the whole air: "sees": "air").
    const Cond by_sender = d.negate(d.injected());
    std::array<Cond, 2> matched{d.constant(false), d.constant(false)};
    for (std::size_t r = 0; r < kRoles.size(); ++r) {
        const Cond gate = d.all(d.sent_by(kRoles[r]), by_sender);
        matched[r] = step_detail::select(d, d.transitions(kRoles[r], spec::Direction::send), gate);
    }
    for (const trace::Role role : kRoles) {
        const Cond gate = d.all(d.negate(d.sent_by(role)), d.delivered());
        static_cast<void>(step_detail::select(d, d.transitions(role, spec::Direction::recv), gate));
    }
    for (const typename D::Transition& t : d.observers()) {
        const Cond on = d.on(t);
        if (step_detail::is_false<D>(on)) {
            continue;
        }
        const Cond gate = D::spec_of(t).sees_injected ? on : d.all(on, by_sender);
        if (step_detail::is_false<D>(gate)) {
            continue;
        }
        const Cond fires = d.all(gate, d.observed(t));
        if (!step_detail::is_false<D>(fires)) {
            d.fire(fires, t);
        }
    }

    // Step 4: `enabled` is whether the sender's state machine allowed the message it sent.
    d.set_enabled(d.all(by_sender, d.per_sender(matched[0], matched[1])));

    // Step 5: the rule checks. A message the attacker injected binds no check that blames the UE it
    // names as its sender (Ref: docs/spec-language.md 4.5).
    for (const auto& c : d.checks()) {
        const Cond on = d.on(c);
        if (step_detail::is_false<D>(on)) {
            continue;
        }
        const Cond exempt = d.all(d.injected(), step_detail::blames_sender(d, d.check_of(c)));
        if (D::truth(exempt).value_or(false)) {
            continue;
        }
        d.check(c, on, exempt);
    }
    d.checked();
}

} // namespace pc5check::machine
