/// Tests of absent_capable (checker/src/smt/absent_capable.cpp): which state variables a run can leave
/// absent, the presence invariant the induction's step case starts from.

#include "normative_spec.h"
#include "smt/absent_capable.h"
#include "smt/cross_check.h"
#include "smt/z3_assign.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace {

using namespace pc5check;
using smt::detail::Clock;

smt::SystemOptions with_attacker(bool dy)
{
    smt::SystemOptions o;
    o.attacker.drop = o.attacker.replay = o.attacker.forge = dy;
    o.timeout_ms = 60'000;
    return o;
}

std::vector<std::string> absent_capable(const spec::Spec& spec, const smt::SystemOptions& o)
{
    const auto s = smt::detail::absent_capable(spec, o, Clock::now() + std::chrono::minutes(2));
    REQUIRE(s.has_value());
    return *s;
}

bool has(const std::vector<std::string>& names, const std::string& name)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

/// Whether some run of up to `depth` messages from the initial state reaches a state in which a
/// variable outside `kept_absent` is absent: the bounded model checking counterpart of the invariant.
z3::check_result some_other_absent(const spec::Spec& spec, const smt::SystemOptions& o,
                                   const std::vector<std::string>& kept_absent, unsigned depth)
{
    smt::detail::Search s(spec, o, Clock::now() + std::chrono::minutes(2), false);
    REQUIRE(s.ok());
    smt::detail::SystemModel& e = s.engine();
    z3::expr some = e.context().bool_val(false);
    for (unsigned k = 0; k <= depth; ++k) {
        if (k > 0) {
            e.system_step();
        }
        for (const auto& [name, t] : e.system_state(k)) {
            if (!has(kept_absent, name)) {
                smt::detail::assign(some, some || !t.present);
            }
        }
    }
    e.solver().add(some);
    return e.solve();
}

/// The normative spec with the SMC's msbs_k_nrp_id copied into initiator.new_k_nrp_msbs without its
/// `present` guard: an honest SMC without re-authentication then leaves the variable absent.
spec::Spec unguarded_msbs()
{
    std::ifstream in(std::string(PC5CHECK_SOURCE_DIR) + "/spec/ts33536-r17.json");
    nlohmann::json doc = nlohmann::json::parse(in);
    bool changed = false;
    for (auto& t : doc["transitions"]) {
        if (t["id"] == "i_recv_smc") {
            t["effects"]["initiator.new_k_nrp_msbs"] = "ie.msbs_k_nrp_id";
            changed = true;
        }
    }
    REQUIRE(changed);
    auto s = spec::parse_spec(doc.dump(), "unguarded-msbs.json");
    REQUIRE_MESSAGE(s.has_value(), (s ? "" : s.error().to_string()));
    return std::move(*s);
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("absent_capable: honest runs of the shipped specs leave no variable absent")
    {
        CHECK(absent_capable(test::normative_spec(), with_attacker(false)).empty());
        CHECK(absent_capable(test::seed_spec(), with_attacker(false)).empty());
    }

    TEST_CASE("absent_capable: an injecting attacker leaves absent only what an SMC without its IEs sets")
    {
        const auto s = absent_capable(test::normative_spec(), with_attacker(true));
        // An SMC forged on a NIA0 link without selected_algs: the initiator's pending algorithms.
        CHECK(has(s, "initiator.new_nea"));
        CHECK(has(s, "initiator.new_nia"));
        // Never absent: numbers the model assigns itself, and what a guard or a rule requires.
        CHECK_FALSE(has(s, "initiator.auth_run"));
        CHECK_FALSE(has(s, "initiator.k_nrp_run"));
        CHECK_FALSE(has(s, "target.req_nonce_1"));
        CHECK_FALSE(has(s, "link.auth_runs"));
    }

    TEST_CASE("absent_capable: no run of three messages makes a variable outside the set absent")
    {
        for (const bool dy : {false, true}) {
            CAPTURE(dy);
            const smt::SystemOptions o = with_attacker(dy);
            CHECK(some_other_absent(test::normative_spec(), o, absent_capable(test::normative_spec(), o),
                                    3) == z3::unsat);
            CHECK(some_other_absent(test::seed_spec(), o, absent_capable(test::seed_spec(), o), 3) ==
                  z3::unsat);
        }
    }

    TEST_CASE("absent_capable: a variable an honest message can leave absent is found, and is reachable so")
    {
        const spec::Spec spec = unguarded_msbs();
        const auto s = absent_capable(spec, with_attacker(false));
        CHECK(has(s, "initiator.new_k_nrp_msbs"));
        // Not an over-approximation here: two honest messages (request, SMC without re-authentication).
        CHECK(some_other_absent(spec, with_attacker(false), {}, 2) == z3::sat);
    }

    TEST_CASE("absent_capable: with --cross-check cvc5 confirms the two queries the invariant rests on")
    {
        const auto dir = std::filesystem::temp_directory_path() / "pc5check-absent-capable-xc";
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);
        smt::SystemOptions o = with_attacker(true);
        o.cross_check_dir = dir.string();
        const auto s =
            smt::detail::absent_capable(test::normative_spec(), o, Clock::now() + std::chrono::minutes(2));
        REQUIRE(s.has_value());
        CHECK(*s == absent_capable(test::normative_spec(), with_attacker(true)));
        CHECK(std::filesystem::exists(dir / "ts33536-r17-presence-initial.smt2"));
        CHECK(std::filesystem::exists(dir / "ts33536-r17-presence-step.smt2"));
        // A second solver that cannot decide: the invariant is not used. One that finds a model: the
        // disagreement is an internal error, as for a proof's own queries.
        const auto solver_saying = [&](const std::string& answer) {
            const auto path = dir / (answer + ".sh");
            std::ofstream(path) << "#!/bin/sh\necho " << answer << "\n";
            std::filesystem::permissions(path, std::filesystem::perms::owner_all);
            return path.string();
        };
        o.cross_check_solver = solver_saying("unknown");
        CHECK_FALSE(
            smt::detail::absent_capable(test::normative_spec(), o, Clock::now() + std::chrono::minutes(2))
                .has_value());
        o.cross_check_solver = solver_saying("sat");
        CHECK_THROWS_AS((void)smt::detail::absent_capable(test::normative_spec(), o,
                                                          Clock::now() + std::chrono::minutes(2)),
                        smt::detail::CrossCheckDisagreement);
        std::filesystem::remove_all(dir);
    }
}
