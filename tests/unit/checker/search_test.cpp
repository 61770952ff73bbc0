/// Tests of the solver context of one system query (checker/src/smt/search.h): the arbitrary state the
/// k-induction step case (and Spacer) starts from has a past when the attacker injects messages. Without
/// it (before 972644d) the step case considered fewer runs than the system has, so a "proof" could miss
/// a replay of a message sent before that state.

#include "normative_spec.h"
#include "pc5check/expr/expr.h"
#include "smt/absent_capable.h"
#include "smt/search.h"

#include <doctest/doctest.h>

namespace {

using namespace pc5check;

smt::SystemOptions replay_only()
{
    smt::SystemOptions o;
    o.attacker.replay = true;
    o.timeout_ms = 60'000;
    return o;
}

/// Whether the first message after `e`'s start can be one the attacker injected.
z3::check_result first_injected(smt::detail::SystemModel& e)
{
    e.system_step();
    e.solver().add(e.system_injected(1));
    return e.solve();
}

/// Whether, in a search from the initial state (`arbitrary` false) or from an arbitrary state, the
/// first message can be one the attacker injected.
z3::check_result first_message_injected(const spec::Spec& spec, const smt::SystemOptions& o, bool arbitrary)
{
    smt::detail::Search s(spec, o, smt::detail::Clock::now() + std::chrono::minutes(1), arbitrary);
    REQUIRE(s.ok());
    return first_injected(s.engine());
}

/// Whether the state a search starts from can lack `variable`.
z3::check_result starts_without(const spec::Spec& spec, const smt::SystemOptions& o, bool arbitrary,
                                const std::string& variable)
{
    smt::detail::Search s(spec, o, smt::detail::Clock::now() + std::chrono::minutes(1), arbitrary);
    REQUIRE(s.ok());
    smt::detail::SystemModel& e = s.engine();
    const auto state = e.system_state(0);
    const auto it = state.find(variable);
    REQUIRE(it != state.end());
    e.solver().add(!it->second.present);
    return e.solve();
}

/// first_message_injected from an arbitrary state made without Search, so without the open past: what
/// the step case was before 972644d.
z3::check_result first_message_injected_closed_past(const spec::Spec& spec, const smt::SystemOptions& o)
{
    smt::detail::SolverContext ctx;
    REQUIRE(ctx.ok());
    trace::Trace header;
    header.spec = spec.id;
    header.observer = trace::Observer::air;
    smt::SymbolicOptions so;
    so.timeout_ms = o.timeout_ms;
    smt::detail::SystemModel e(spec, header, so, ctx.get());
    e.system_begin(o.attacker, true);
    return first_injected(e);
}

/// Whether, from an arbitrary state under `attacker`, the initiator can take an injected SMC that
/// passes its MAC-I, echo and activation checks on a link with integrity and still hold a pending
/// integrity algorithm outside the capabilities it sent. `honest_past`: the past as the 1-induction step
/// case has it (every MAC-I seen before is an honest UE's); else the open set of MAC-Is seen (Spacer's
/// relation argument, the longer step cases), in which any MAC-I may have been seen.
z3::check_result injected_smc_selects_unoffered(const spec::Spec& spec, const std::string& attacker,
                                                bool honest_past)
{
    smt::SystemOptions o;
    o.timeout_ms = 60'000;
    auto a = smt::parse_attacker(attacker);
    REQUIRE(a.has_value());
    o.attacker = *a;
    // As the induction has it: only the variables a run can leave absent may be absent (proven first).
    o.absent_capable =
        smt::detail::absent_capable(spec, o, smt::detail::Clock::now() + std::chrono::minutes(1));
    REQUIRE(o.absent_capable.has_value());
    smt::detail::Search s(spec, o, smt::detail::Clock::now() + std::chrono::minutes(1), true,
                          honest_past ? smt::detail::SystemModel::Past::honest
                                      : smt::detail::SystemModel::Past::open_air);
    REQUIRE(s.ok());
    smt::detail::SystemModel& e = s.engine();
    e.system_step();
    const auto formula = [&](const std::string& text, std::size_t k) {
        auto n = expr::compile(text, spec.scope, nullptr);
        REQUIRE_MESSAGE(n.has_value(), text);
        return e.system_formula(**n, k);
    };
    e.solver().add(e.system_injected(1));
    e.solver().add(formula("initiator.state == InitiatorState.WAIT_SMC && initiator.cur_nia != NIA0", 0));
    e.solver().add(formula("initiator.state == InitiatorState.SMC_RECEIVED && !initiator.smc_mac_bad && "
                           "!initiator.smc_echo_bad && !initiator.smc_policy_bad && "
                           "!(initiator.new_nia in initiator.req_caps_nia)",
                           1));
    return e.solve();
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("search: a replaying attacker replays nothing before the first message of a run")
    {
        // A replay needs an earlier message: from the initial state the first message cannot be one.
        CHECK(first_message_injected(test::seed_spec(), replay_only(), false) == z3::unsat);
        CHECK(first_message_injected(test::normative_spec(), replay_only(), false) == z3::unsat);
    }

    TEST_CASE("search: the step case's arbitrary state has a past the attacker may replay from")
    {
        // From an arbitrary state the attacker may have seen messages before it: the first message of
        // the step case may be a replay (the open set of MAC-Is seen on the air).
        CHECK(first_message_injected(test::seed_spec(), replay_only(), true) == z3::sat);
        CHECK(first_message_injected(test::normative_spec(), replay_only(), true) == z3::sat);
        // The same arbitrary state without the open past, as the step case had it before: no replay.
        CHECK(first_message_injected_closed_past(test::seed_spec(), replay_only()) == z3::unsat);
        // Without an attacker nothing is injected, arbitrary state or not.
        smt::SystemOptions honest = replay_only();
        honest.attacker.replay = false;
        CHECK(first_message_injected(test::seed_spec(), honest, true) == z3::unsat);
    }

    TEST_CASE("search: the step case's arbitrary state may lack a variable when the attacker injects")
    {
        // An injected message without an IE can leave a variable absent; honest runs leave none so.
        CHECK(starts_without(test::seed_spec(), replay_only(), true, "initiator.cur_ksess") == z3::sat);
        smt::SystemOptions honest = replay_only();
        honest.attacker.replay = false;
        CHECK(starts_without(test::seed_spec(), honest, true, "initiator.cur_ksess") == z3::unsat);
    }

    TEST_CASE("search: given the variables a run can leave absent, the arbitrary state lacks only those")
    {
        // SystemOptions::absent_capable (smt/absent_capable.h) narrows the absences the injecting
        // attacker's arbitrary state may have; the initial state has none either way.
        smt::SystemOptions o = replay_only();
        o.absent_capable = std::vector<std::string>{"initiator.new_nea"};
        CHECK(starts_without(test::normative_spec(), o, true, "initiator.new_nea") == z3::sat);
        CHECK(starts_without(test::normative_spec(), o, true, "initiator.auth_run") == z3::unsat);
        CHECK(starts_without(test::normative_spec(), replay_only(), true, "initiator.auth_run") == z3::sat);
        CHECK(starts_without(test::normative_spec(), o, false, "initiator.new_nea") == z3::unsat);
    }

    TEST_CASE("search: what the attacker replays from before the arbitrary state is what an honest UE sent")
    {
        // The initiator does not check the selected algorithms itself: it rests on the SMC's MAC-I under
        // the new context, which only the target computes, and the target's rules (ALGS_ALLOWED,
        // SMC_ECHO_CAPS) keep them among the capabilities it echoes. With the step case's past, every
        // MAC-I seen before the arbitrary state is one an honest UE computed over a message the rules let
        // it send: no such SMC.
        CHECK(injected_smc_selects_unoffered(test::normative_spec(), "dy", true) == z3::unsat);
        // Over an open set of MAC-Is seen (Spacer's relation argument; the step cases of two messages or
        // more, and every step case before) the attacker could replay an SMC no UE sent.
        CHECK(injected_smc_selects_unoffered(test::normative_spec(), "dy", false) == z3::sat);
        // An attacker who knows the K_NRP-sess in force at the start computes MAC-Is itself, but not
        // under the new context: still none. One who knows the K_NRP derives the new context too.
        CHECK(injected_smc_selects_unoffered(test::normative_spec(), "dy,compromise-sess", true) ==
              z3::unsat);
        CHECK(injected_smc_selects_unoffered(test::normative_spec(), "dy,compromise-knrp", true) == z3::sat);
    }
}
