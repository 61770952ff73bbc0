/// Tests of the candidate invariants generated from a spec (checker/src/smt/candidates.cpp) and of the
/// inductive invariants prove reports with them (checker/src/smt/induction.cpp).

#include "normative_spec.h"
#include "pc5check/checker/system.h"
#include "smt/candidates.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <set>
#include <string>

namespace {

using namespace pc5check;

const spec::Spec& seed()
{
    static const spec::Spec s = [] {
        auto loaded = spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/spec/tr33847-sol.json");
        REQUIRE(loaded.has_value());
        return std::move(*loaded);
    }();
    return s;
}

smt::SystemOptions honest(unsigned depth, bool generated)
{
    smt::SystemOptions o;
    o.depth = depth;
    o.timeout_ms = 300'000;
    o.generated_invariants = generated;
    return o;
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
        // Maps are left out; a map variable appears in no candidate.
        CHECK_FALSE(std::any_of(all.begin(), all.end(), [](const auto& g) {
            return g.source.find("link.counts") != std::string::npos;
        }));
    }

    TEST_CASE("induction: generated invariants prove the seed's no_downgrade, and the invariant reported is "
              "inductive on its own")
    {
        // Without them the property only holds up to the depth: it is not inductive alone.
        auto bare = smt::prove(seed(), honest(3, false), {"no_downgrade"});
        REQUIRE(bare.has_value());
        CHECK(bare->front().verdict == smt::PropertyVerdict::holds_to_depth);
        CHECK(bare->front().invariant.empty());

        auto r = smt::prove(seed(), honest(3, true), {"no_downgrade"});
        REQUIRE(r.has_value());
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
}
