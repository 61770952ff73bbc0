/// Tests of the candidate invariants generated from a spec (checker/src/smt/candidates.cpp) and of the
/// inductive invariants prove reports with them (checker/src/smt/induction.cpp).

#include "normative_spec.h"
#include "pc5check/checker/system.h"
#include "smt/candidates.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <map>
#include <set>
#include <string>

namespace {

using namespace pc5check;

/// The seed as it was before stop 33 gave it the lemmas that make its properties inductive by
/// themselves (tests/data/spec/tr33847-sol-no-lemmas.json, written by make_seed_no_lemmas.py): these
/// tests need properties that k-induction alone leaves bounded and the generated invariants prove.
const spec::Spec& seed()
{
    static const spec::Spec bare = [] {
        auto loaded =
            spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/tests/data/spec/tr33847-sol-no-lemmas.json");
        REQUIRE(loaded.has_value());
        return std::move(*loaded);
    }();
    return bare;
}

smt::SystemOptions honest(unsigned depth, bool generated)
{
    smt::SystemOptions o;
    o.depth = depth;
    o.timeout_ms = 300'000;
    o.generated_invariants = generated;
    return o;
}

/// A state as the counterexample to induction renders it: variable -> value text.
using Valuation = std::map<std::string, std::string>;

Valuation valuation(const std::vector<std::pair<std::string, std::string>>& values)
{
    return {values.begin(), values.end()};
}

/// An enum literal without its type's prefix ("Nea.NEA0" or "NEA0" -> "NEA0").
std::string literal(const std::string& text) { return text.substr(text.find('.') + 1); }

/// Whether the rendered set `set` ("{NEA0, NEA2}") has the element `element`.
bool set_has(const std::string& set, const std::string& element)
{
    std::string inner = set.substr(1, set.size() - 2);
    std::size_t at = 0;
    while (at <= inner.size()) {
        const std::size_t comma = std::min(inner.find(", ", at), inner.size());
        if (literal(inner.substr(at, comma - at)) == literal(element)) {
            return true;
        }
        at = comma + 2;
    }
    return false;
}

/// The seed's no_downgrade evaluated on a rendered state, independently of the solver: rekeyed implies
/// the algorithms in force were offered and their null-ness is that of the start.
bool no_downgrade_holds(const Valuation& v)
{
    if (v.at("initiator.rekeyed") != "true") {
        return true;
    }
    const bool nia_null = literal(v.at("initiator.cur_nia")) == "NIA0";
    const bool nea_null = literal(v.at("initiator.cur_nea")) == "NEA0";
    return set_has(v.at("initiator.done_caps_nea"), v.at("initiator.cur_nea")) &&
           set_has(v.at("initiator.done_caps_nia"), v.at("initiator.cur_nia")) &&
           nia_null == (v.at("initiator.integrity_null_at_start") == "true") &&
           nea_null == (v.at("initiator.ciphering_null_at_start") == "true");
}

bool has(const std::vector<smt::detail::GeneratedInvariant>& all, const std::string& source)
{
    return std::any_of(all.begin(), all.end(), [&](const auto& g) { return g.source == source; });
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("candidates: one of each template, typed, without duplicates")
    {
        const auto all = smt::detail::generate_invariants(test::normative_spec());
        std::set<std::string> sources;
        for (const auto& g : all) {
            CHECK(g.formula != nullptr);
            CHECK(g.formula->type.kind == expr::TypeKind::boolean);
            CHECK(sources.insert(g.source).second);
        }
        CHECK(has(all,
                  "target.state == TargetState.REQ_RECEIVED => !(initiator.state == InitiatorState.LINKED)"));
        CHECK(
            has(all, "target.state == TargetState.WAIT_COMPLETE => initiator.new_ksess == target.new_ksess"));
        CHECK(has(all, "initiator.state == InitiatorState.WAIT_RESPONSE => !initiator.smc_echo_bad"));
        CHECK(has(all, "initiator.state == InitiatorState.LINKED => initiator.new_id == -1"));
        CHECK(has(all, "initiator.cur_nea in initiator.req_caps_nea"));
        CHECK(has(all, "initiator.req_nonce_1 in link.nonces"));
        CHECK(has(all, "(initiator.cur_nia == Nia.NIA0) == initiator.integrity_null_at_start"));
        // Flags some expression reads together imply each other, overall and per control state; flags
        // no expression relates do not (the candidates would grow with the square of the flags).
        const auto seed_all = smt::detail::generate_invariants(seed());
        CHECK(has(seed_all, "initiator.state == InitiatorState.WAIT_ACCEPT => (initiator.req_reauth => "
                            "initiator.auth_done)"));
        CHECK(has(seed_all, "initiator.done_reauth => initiator.done_auth"));
        CHECK_FALSE(has(seed_all, "initiator.ciphering_null_at_start => initiator.auth_requested"));
        // Maps are left out; a map variable appears in no candidate.
        CHECK_FALSE(std::any_of(all.begin(), all.end(), [](const auto& g) {
            return g.source.find("link.counts") != std::string::npos;
        }));
    }

    TEST_CASE(
        "induction: generated invariants prove the seed's no_downgrade and reauth_honoured_initiator_view, "
        "and the invariant reported is inductive on its own")
    {
        // Without them the property only holds up to the depth: it is not inductive alone.
        auto bare = smt::prove(seed(), honest(3, false), {"no_downgrade"});
        REQUIRE(bare.has_value());
        CHECK(bare->front().verdict == smt::PropertyVerdict::holds_to_depth);
        CHECK(bare->front().invariant.empty());

        auto r = smt::prove(seed(), honest(3, true), {"no_downgrade", "reauth_honoured_initiator_view"});
        REQUIRE(r.has_value());
        // The second needs a flag implication under one control state (re-auth asked => auth done once
        // the SMC is accepted).
        CHECK(r->back().verdict == smt::PropertyVerdict::proven);
        const auto& p = r->front();
        REQUIRE(p.verdict == smt::PropertyVerdict::proven);
        REQUIRE(p.invariant.size() > 1);
        CHECK(p.invariant.front().id == "no_downgrade");
        CHECK(p.invariant.front().origin == "property");
        CHECK(std::any_of(p.invariant.begin(), p.invariant.end(),
                          [](const auto& part) { return part.origin == "generated"; }));
        // Re-check the reported invariant independently: its negation must be unreachable by 1-induction
        // over that one formula, with no other candidate (generated or from the spec) to lean on.
        std::string conjunction;
        for (const auto& part : p.invariant) {
            conjunction += (conjunction.empty() ? "(" : " && (") + part.formula + ")";
        }
        auto q = smt::query(seed(), "!(" + conjunction + ")", honest(1, false));
        REQUIRE(q.has_value());
        CHECK_FALSE(q->reachable);
        CHECK(q->proved_unreachable);
    }

    TEST_CASE(
        "induction: a property left bounded comes with its counterexample to induction, which breaks it")
    {
        // Without generated invariants the seed's no_downgrade is not inductive: the step case fails.
        auto r = smt::prove(seed(), honest(3, false), {"no_downgrade"});
        REQUIRE(r.has_value());
        const auto& p = r->front();
        REQUIRE(p.verdict == smt::PropertyVerdict::holds_to_depth);
        REQUIRE(p.induction_failure.has_value());
        const smt::InductionFailure& f = *p.induction_failure;
        CHECK(f.k == 3); // the largest k tried at depth 3
        CHECK(std::find(f.assumed.begin(), f.assumed.end(), "no_downgrade") == f.assumed.end());
        // Every variable of both roles is shown before the step; the property holds there and is false
        // once the step's changes are applied (evaluated here on the rendered values, not by the solver).
        const Valuation before = valuation(f.before);
        CHECK(before.size() == seed().variables.size() + 2);
        CHECK(before.contains("initiator.state"));
        REQUIRE_FALSE(f.after.empty());
        Valuation after = before;
        for (const auto& [name, value] : f.after) {
            REQUIRE(before.contains(name));
            CHECK(before.at(name) != value);
            after[name] = value;
        }
        CHECK(no_downgrade_holds(before));
        CHECK_FALSE(no_downgrade_holds(after));
        CHECK_FALSE(f.step.msg.empty());
        CHECK_FALSE(f.step.action.empty());

        // Proven with the generated invariants: no failure is reported.
        auto proven = smt::prove(seed(), honest(3, true), {"no_downgrade"});
        REQUIRE(proven.has_value());
        CHECK(proven->front().verdict == smt::PropertyVerdict::proven);
        CHECK_FALSE(proven->front().induction_failure.has_value());
    }
}
