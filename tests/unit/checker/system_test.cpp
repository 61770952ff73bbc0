/// Tests of `prove` and `query` (checker/src/smt/system.cpp) through the public API, on the shipped
/// normative spec and on copies of it with a property added or a check removed.

#include "normative_spec.h"
#include "pc5check/checker/check.h"
#include "pc5check/checker/system.h"
#include "pc5check/expr/expr.h"
#include "pc5check/spec/spec.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>

namespace {

using namespace pc5check;

const spec::Spec& normative() { return test::normative_spec(); }

/// The normative spec with one more property.
spec::Spec with_property(const std::string& id, const std::string& formula)
{
    spec::Spec s = normative();
    auto compiled = expr::compile(formula, s.scope, nullptr);
    REQUIRE_MESSAGE(compiled.has_value(), formula);
    s.properties.push_back(spec::Property{id, "invariant", *compiled, "test property", {}});
    return s;
}

smt::SystemOptions options(unsigned depth, const std::string& attacker = "none")
{
    smt::SystemOptions o;
    o.depth = depth;
    o.timeout_ms = 120'000;
    auto a = smt::parse_attacker(attacker);
    REQUIRE(a.has_value());
    o.attacker = *a;
    return o;
}

const smt::PropertyResult& find(const std::vector<smt::PropertyResult>& results, const std::string& id)
{
    const auto it = std::find_if(results.begin(), results.end(), [&](const auto& r) { return r.id == id; });
    REQUIRE(it != results.end());
    return *it;
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("system: --attacker spellings")
    {
        const auto none = smt::parse_attacker("none");
        REQUIRE(none.has_value());
        CHECK_FALSE(none->any());
        const auto dy = smt::parse_attacker("dy");
        REQUIRE(dy.has_value());
        CHECK(dy->drop);
        CHECK(dy->replay);
        CHECK(dy->forge);
        CHECK_FALSE(dy->compromise_sess);
        CHECK(smt::to_string(*dy) == "drop,replay,forge");
        const auto keys = smt::parse_attacker("forge,compromise-sess,compromise-knrp");
        REQUIRE(keys.has_value());
        CHECK(smt::to_string(*keys) == "forge,compromise-sess,compromise-knrp");
        const auto bad = smt::parse_attacker("drop,teleport");
        REQUIRE_FALSE(bad.has_value());
        CHECK(bad.error().message.find("unknown capability 'teleport'") != std::string::npos);
        CHECK_FALSE(smt::parse_attacker("none,drop").has_value());
        CHECK_FALSE(smt::parse_attacker("compromise-sess").has_value()); // a key is of no use without forge
    }

    TEST_CASE("system: query finds the shortest run to a state, as a trace check accepts")
    {
        auto q = smt::query(normative(), "initiator.state == InitiatorState.WAIT_RESPONSE", options(5));
        REQUIRE(q.has_value());
        REQUIRE(q->reachable);
        CHECK(q->depth == 3);
        REQUIRE(q->witness.has_value());
        const auto& w = *q->witness;
        REQUIRE(w.steps.size() == 3);
        CHECK(w.steps[0].msg == "REKEYING_REQUEST");
        CHECK(w.steps[1].msg == "SECURITY_MODE_COMMAND");
        CHECK(w.steps[2].msg == "SECURITY_MODE_COMPLETE");
        CHECK(std::none_of(w.steps.begin(), w.steps.end(), [](const auto& s) { return s.by_attacker; }));
        // Real crypto: the trace carries keys, pdus and MAC-Is, and the replay verifies them.
        REQUIRE(w.trace.events.size() == 3);
        CHECK(w.trace.link.k_nrp_sess.has_value());
        CHECK(w.trace.events[1].sec.mac.has_value());
        CHECK(w.trace.events[1].pdu.has_value());
        CHECK(w.check_verdict == "conforms");
    }

    TEST_CASE("system: query proves unreachability by induction, or says it is only bounded")
    {
        auto proved = smt::query(normative(),
                                 "initiator.state == InitiatorState.WAIT_RESPONSE && initiator.smc_echo_bad",
                                 options(4));
        REQUIRE(proved.has_value());
        CHECK_FALSE(proved->reachable);
        CHECK(proved->proved_unreachable);
        CHECK(proved->how.find("re-checked") != std::string::npos);

        // Reachable in three messages, so not within two, and not an invariant either.
        auto bounded = smt::query(normative(), "initiator.state == InitiatorState.WAIT_RESPONSE", options(2));
        REQUIRE(bounded.has_value());
        CHECK_FALSE(bounded->reachable);
        CHECK_FALSE(bounded->proved_unreachable);
        CHECK(bounded->depth == 2);
    }

    TEST_CASE("system: query rejects a condition that is not a bool expression of the spec")
    {
        auto not_bool = smt::query(normative(), "initiator.cur_id + 1", options(2));
        REQUIRE_FALSE(not_bool.has_value());
        CHECK(not_bool.error().code == ErrorCode::bad_input);
        auto unknown = smt::query(normative(), "initiator.no_such_variable == 1", options(2));
        REQUIRE_FALSE(unknown.has_value());
        CHECK(unknown.error().message.find("no_such_variable") != std::string::npos);
    }

    TEST_CASE("system: prove proves the lifted SMC checks with the lemma, re-checked")
    {
        // The lemma takes part even when only the property is asked for.
        auto r = smt::prove(normative(), options(3), {"smc_checks_enforced"});
        REQUIRE(r.has_value());
        REQUIRE(r->size() == 1);
        const auto& enforced = find(*r, "smc_checks_enforced");
        CHECK(enforced.verdict == smt::PropertyVerdict::proven);
        CHECK(enforced.how.find("k-induction at k=") != std::string::npos);
        CHECK(enforced.how.find("re-checked by separate base-case and step-case queries") !=
              std::string::npos);
        auto lemma = smt::prove(normative(), options(3), {"reauth_flag_consistent"});
        REQUIRE(lemma.has_value());
        CHECK(lemma->front().kind == "lemma");
        CHECK(lemma->front().verdict == smt::PropertyVerdict::proven);
        // Agreement is not inductive alone; with the spec's lemmas relating both UEs' states it is.
        auto agreement = smt::prove(normative(), options(2), {"agreement_on_completion"});
        REQUIRE(agreement.has_value());
        CHECK(agreement->front().verdict == smt::PropertyVerdict::proven);
        smt::SystemOptions bmc_only = options(2);
        bmc_only.induction = false;
        auto bounded = smt::prove(normative(), bmc_only, {"agreement_on_completion"});
        REQUIRE(bounded.has_value());
        CHECK(bounded->front().verdict == smt::PropertyVerdict::holds_to_depth);
        CHECK(bounded->front().depth == 2);
        spec::Spec without_lemmas = normative();
        std::erase_if(without_lemmas.properties, [](const spec::Property& p) { return p.kind == "lemma"; });
        auto alone = smt::prove(without_lemmas, options(2), {"agreement_on_completion"});
        REQUIRE(alone.has_value());
        CHECK(alone->front().verdict == smt::PropertyVerdict::holds_to_depth);
    }

    TEST_CASE("system: a property honest UEs break has a counterexample that check accepts as conforming")
    {
        const spec::Spec s =
            with_property("never_completes", "initiator.state != InitiatorState.WAIT_RESPONSE");
        auto r = smt::prove(s, options(5), {"never_completes"});
        REQUIRE(r.has_value());
        REQUIRE(r->size() == 1);
        const auto& p = r->front();
        CHECK(p.verdict == smt::PropertyVerdict::violated);
        CHECK(p.depth == 3);
        REQUIRE(p.counterexample.has_value());
        CHECK(p.counterexample->check_verdict == "conforms");
    }

    TEST_CASE("system: a counterexample check rejects contradicts the solver, one it cannot decide does not")
    {
        const spec::Spec s =
            with_property("never_completes", "initiator.state != InitiatorState.WAIT_RESPONSE");
        auto r = smt::prove(s, options(5), {"never_completes"});
        REQUIRE(r.has_value());
        REQUIRE(r->front().counterexample.has_value());
        smt::Witness w = *r->front().counterexample;
        REQUIRE(w.check_verdict == "conforms");
        CHECK(smt::replay_contradiction(w).empty());

        // A solver that got the MAC-I of the run's first protected message wrong: replay rejects the run.
        const auto first = std::find_if(w.trace.events.begin(), w.trace.events.end(), [](const auto& e) {
            return e.sec.kind == trace::Sec::Kind::protected_ && e.sec.mac.has_value();
        });
        REQUIRE(first != w.trace.events.end());
        first->sec.mac->front() ^= 0x01U;
        const checker::TraceResult replayed =
            checker::check_trace(w.trace, Expected<const spec::Spec*>(&s), checker::CheckOptions{});
        REQUIRE_FALSE(replayed.error.has_value());
        REQUIRE(replayed.replay.verdict == machine::Verdict::violation);
        w.check_verdict = machine::to_string(replayed.replay.verdict);
        w.check_rules = replayed.replay.violated_rules();
        const std::string why = smt::replay_contradiction(w);
        CHECK(why.find("violation") != std::string::npos);
        CHECK(why.find(w.check_rules.front()) != std::string::npos);

        w.check_verdict = "bad input: expected a hex MAC-I";
        CHECK(smt::replay_contradiction(w).find("cannot read") != std::string::npos);
        w.check_verdict = "inconclusive"; // check's limit: the run is not confirmed, not contradicted
        CHECK(smt::replay_contradiction(w).empty());
    }

    TEST_CASE(
        "system: without the echo check, a lost request lets the initiator end up with algorithms it did "
        "not offer")
    {
        auto mutant =
            spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/tests/data/spec/ts33536-r17-no-echo.json");
        REQUIRE(mutant.has_value());
        const std::string id = "no_downgrade_under_integrity";
        auto before = smt::prove(normative(), options(5, "drop"), {id});
        REQUIRE(before.has_value());
        CHECK(before->front().verdict != smt::PropertyVerdict::violated);
        auto after = smt::prove(*mutant, options(5, "drop"), {id});
        REQUIRE(after.has_value());
        const auto& p = after->front();
        REQUIRE(p.verdict == smt::PropertyVerdict::violated);
        REQUIRE(p.counterexample.has_value());
        CHECK(std::any_of(p.counterexample->steps.begin(), p.counterexample->steps.end(), [](const auto& s) {
            return s.by_attacker && s.action.find("drops") != std::string::npos;
        }));
        CHECK(p.counterexample->check_verdict == "conforms");
    }

    TEST_CASE("system: under null integrity the attacker breaks agreement, its steps marked")
    {
        // Without induction: the violation lies beyond the first search, so prove would first try a
        // k-induction that fails, nearly all of the time (about 10 s in Release, 120 s under the
        // sanitizers) and no part of what this case checks.
        smt::SystemOptions o = options(4, "dy");
        o.induction = false;
        auto r = smt::prove(normative(), o, {"agreement_on_completion"});
        REQUIRE(r.has_value());
        const auto& p = r->front();
        REQUIRE(p.verdict == smt::PropertyVerdict::violated);
        REQUIRE(p.counterexample.has_value());
        CHECK(std::any_of(p.counterexample->steps.begin(), p.counterexample->steps.end(),
                          [](const auto& s) { return s.by_attacker; }));
        CHECK(p.counterexample->trace.link.selected_nia == std::optional<std::string>("NIA0"));
        CHECK_FALSE(p.counterexample->trace.attacker_steps.empty());
        // Every UE followed the rules: replayed with the attacker's steps, the trace conforms.
        CHECK(p.counterexample->check_verdict == "conforms");
    }

    TEST_CASE(
        "system: under the attacker, a property resting on the SMC's MAC-I is proven, a forgeable one not")
    {
        // The initiator takes the selected algorithms from an SMC whose MAC-I only the target can
        // compute; the step case's past holds only MAC-Is honest UEs computed (smt/search.h), so the
        // lemma pending_algs_echoed, and with it no_downgrade_under_integrity, is proven under dy.
        auto r = smt::prove(normative(), options(10, "dy"),
                            {"no_downgrade_under_integrity", "pending_algs_echoed"});
        REQUIRE(r.has_value());
        CHECK(find(*r, "no_downgrade_under_integrity").verdict == smt::PropertyVerdict::proven);
        CHECK(find(*r, "pending_algs_echoed").verdict == smt::PropertyVerdict::proven);
        // The same statement on links without integrity: the attacker forges the SMC under NIA0 (its
        // all-zero MAC-I). Two messages break it, so with one message of search the answer must stay
        // bounded: a proof here would be an unsound step case.
        const spec::Spec s = with_property(
            "algs_echoed_without_integrity",
            "((initiator.state == InitiatorState.SMC_RECEIVED || initiator.state == "
            "InitiatorState.WAIT_RESPONSE) "
            "&& !initiator.smc_mac_bad && !initiator.smc_echo_bad && !initiator.smc_policy_bad) => "
            "(initiator.new_nea in initiator.req_caps_nea && initiator.new_nia in initiator.req_caps_nia)");
        auto shallow = smt::prove(s, options(1, "dy"), {"algs_echoed_without_integrity"});
        REQUIRE(shallow.has_value());
        CHECK(shallow->front().verdict == smt::PropertyVerdict::holds_to_depth);
        auto deep = smt::prove(s, options(3, "dy"), {"algs_echoed_without_integrity"});
        REQUIRE(deep.has_value());
        REQUIRE(deep->front().verdict == smt::PropertyVerdict::violated);
        CHECK(deep->front().counterexample->check_verdict == "conforms");
    }

    TEST_CASE("system: an exhausted time budget is inconclusive, never a pass")
    {
        smt::SystemOptions o = options(12, "dy");
        o.timeout_ms = 1;
        auto r = smt::prove(normative(), o, {"agreement_under_integrity"});
        REQUIRE(r.has_value());
        CHECK(r->front().verdict == smt::PropertyVerdict::inconclusive);
        CHECK(r->front().how.find("time limit") != std::string::npos);
    }

    TEST_CASE("system: --property names a property of the spec")
    {
        auto r = smt::prove(normative(), options(2), {"no_such_property"});
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::usage);
        CHECK(r.error().message.find("agreement_on_completion") != std::string::npos);
    }

    TEST_CASE("system: --property takes several properties and names an unknown one among them")
    {
        auto bmc_only = options(1);
        bmc_only.induction = false;
        auto two = smt::prove(normative(), bmc_only, {"smc_checks_enforced", "key_freshness"});
        REQUIRE(two.has_value());
        REQUIRE(two->size() == 2);
        // The spec's order, not the command line's; no lemma reported.
        CHECK(two->at(0).id == "key_freshness");
        CHECK(two->at(1).id == "smc_checks_enforced");
        auto one_bad = smt::prove(normative(), bmc_only, {"key_freshness", "nope"});
        REQUIRE_FALSE(one_bad.has_value());
        CHECK(one_bad.error().code == ErrorCode::usage);
        CHECK(one_bad.error().message.find("'nope'") != std::string::npos);
    }
}

TEST_SUITE("checker")
{
    TEST_CASE("system: diff finds the shortest run two spec versions disagree on")
    {
        auto mutant =
            spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/tests/data/spec/ts33536-r17-no-echo.json");
        REQUIRE(mutant.has_value());
        auto found = smt::find_disagreement(normative(), *mutant, options(3));
        REQUIRE(found.has_value());
        REQUIRE(found->has_value());
        const auto& d = **found;
        CHECK(d.depth == 2); // a request, then an SMC with another echo
        CHECK(d.accepted_by.find("no-echo") != std::string::npos);
        CHECK(d.witness.check_verdict == "conforms");
        CHECK(d.rejecting_verdict == "violation");
        CHECK(std::find(d.rejecting_rules.begin(), d.rejecting_rules.end(), "SMC_ECHO_CAPS") !=
              d.rejecting_rules.end());

        auto same = smt::find_disagreement(normative(), normative(), options(3));
        REQUIRE(same.has_value());
        CHECK_FALSE(same->has_value());
    }
}
