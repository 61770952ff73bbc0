#include "pc5check/checker/gen.h"
#include "pc5check/checker/shrink.h"

#include <algorithm>
#include <cstdint>
#include <doctest/doctest.h>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using namespace pc5check;

trace::Trace load(const std::string& corpus_file)
{
    std::ifstream in(std::string(PC5CHECK_SOURCE_DIR) + "/traces/" + corpus_file);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto t = trace::parse_trace(text, corpus_file);
    REQUIRE(t);
    return std::move(*t);
}

checker::CheckOptions options()
{
    checker::CheckOptions o;
    o.spec_dirs = {std::string(PC5CHECK_SOURCE_DIR) + "/spec"};
    o.symbolic = checker::CheckOptions::Symbolic::never;
    return o;
}

/// The event of `original` a shrunk event came from (events keep their own `at`).
const trace::Event& origin(const trace::Trace& original, const trace::Event& ev)
{
    const auto it = std::find_if(original.events.begin(), original.events.end(),
                                 [&](const trace::Event& e) { return e.at == ev.at && e.msg == ev.msg; });
    REQUIRE(it != original.events.end());
    return *it;
}

/// Whether `check` of `t` reports a violation of `rule` by `offender`.
bool breaks(const trace::Trace& t, const std::string& rule, trace::Role offender)
{
    const checker::CheckOptions o = options(); // the cache keeps a pointer to it
    checker::SpecCache specs(o);
    const auto r = checker::check_trace(t, specs);
    REQUIRE_FALSE(r.error);
    return std::any_of(r.replay.findings.begin(), r.replay.findings.end(), [&](const machine::Finding& f) {
        return f.rule == rule && f.offender == offender && f.outcome == machine::Outcome::violation;
    });
}

/// A generated trace (ts33536-r17, one SMC_ECHO_CAPS mutation) whose request asks for re-authentication,
/// so that its SMC carries the optional K_NRP IEs; at most 12 events.
trace::Trace generated_with_reauth()
{
    for (std::uint64_t seed = 1; seed < 200; ++seed) {
        auto t = gen::make_random_trace("ts33536-r17", seed, "SMC_ECHO_CAPS");
        REQUIRE(t);
        const bool reauth = std::any_of(t->events.begin(), t->events.end(), [](const trace::Event& e) {
            return e.msg == "REKEYING_REQUEST" && e.ie.contains("reauth") &&
                   e.ie.to_json().at("reauth") == true;
        });
        if (reauth && t->events.size() <= 12) {
            return std::move(*t);
        }
    }
    FAIL("no generated trace with a re-authentication");
    return {};
}

/// The IEs of the original events that `shrunk`'s events came from.
std::size_t ies_of_kept_events(const trace::Trace& original, const trace::Trace& shrunk)
{
    std::size_t n = 0;
    for (const trace::Event& ev : shrunk.events) {
        const trace::Event& from = origin(original, ev);
        n += from.ie.size(); // none when not decoded
    }
    return n;
}

bool has_rule(const trace::Trace& t, const std::string& rule)
{
    return std::find(t.expect->rules.begin(), t.expect->rules.end(), rule) != t.expect->rules.end();
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("shrink: optional IEs go after the events, the pdu re-encoded, the MAC-I recomputed under the "
              "logged keys")
    {
        // Ref: TS 24.554 7.2.10.2, 7.2.10.3, 7.2.11.2 (the optional IEs); KNRP_ID_UPDATE.
        const trace::Trace original = load("ts33536-r17/viol-knrp-id-update.json");
        auto shrunk = checker::shrink(original, "KNRP_ID_UPDATE", options());
        REQUIRE(shrunk);
        REQUIRE(*shrunk);
        const checker::ShrinkResult& r = **shrunk;
        CHECK(r.offender == trace::Role::target);
        CHECK(r.original_events == original.events.size());
        CHECK(r.trace.events.size() < original.events.size());
        CHECK(r.ies == checker::count_ies(r.trace));
        CHECK(r.ies < ies_of_kept_events(original, r.trace));
        std::vector<std::string> changed;
        for (const trace::Event& ev : r.trace.events) {
            const trace::Event& from = origin(original, ev);
            if (ev.pdu != from.pdu) {
                changed.push_back(ev.msg);
                CHECK(ev.ie.size() < from.ie.size());
                CHECK(ev.sec.mac != from.sec.mac); // a new pdu, a new MAC-I
            } else {
                CHECK(ev.ie == from.ie);
                CHECK(ev.sec.mac == from.sec.mac);
            }
        }
        CHECK(std::find(changed.begin(), changed.end(), "REKEYING_REQUEST") != changed.end());
        CHECK(std::find(changed.begin(), changed.end(), "SECURITY_MODE_COMMAND") != changed.end());
        CHECK(breaks(r.trace, "KNRP_ID_UPDATE", trace::Role::target));
        // The recomputed MAC-Is verify: the request under the context in force, the SMC under its new one.
        CHECK_FALSE(has_rule(r.trace, "REQ_OLD_CONTEXT"));
        CHECK_FALSE(has_rule(r.trace, "SMC_NEW_CONTEXT"));
        CHECK(r.trace.title.find("viol-knrp-id-update.json") != std::string::npos);
        CHECK(r.trace.title.find("KNRP_ID_UPDATE") != std::string::npos);
    }

    TEST_CASE("shrink: a mandatory IE stays even when the rule would still break without it")
    {
        // Ref: TS 24.554 7.2.10.3; SMC_ECHO_CAPS: without the echo the violation would be another one.
        const trace::Trace original = load("ts33536-r17/viol-smc-echo-caps.json");
        auto shrunk = checker::shrink(original, "SMC_ECHO_CAPS", options());
        REQUIRE(shrunk);
        REQUIRE(*shrunk);
        CHECK((*shrunk)->trace.events.size() == 2);
        CHECK((*shrunk)->ies == ies_of_kept_events(original, (*shrunk)->trace));
        for (const trace::Event& ev : (*shrunk)->trace.events) {
            CHECK(ev.ie == origin(original, ev).ie);
        }
    }

    TEST_CASE("shrink: an IE stays when the MAC-I over its pdu cannot be recomputed")
    {
        // The SMC's MAC-I verifies under a key derived from the OLD K_NRP, which the replay never holds:
        // its optional IEs stay; the request's `reauth` goes, its MAC-I recomputed under the old context.
        const trace::Trace original = load("ts33536-r17/fool-smc-valid-old-mac.json");
        auto shrunk = checker::shrink(original, "REAUTH_FORCES_AUTH", options());
        REQUIRE(shrunk);
        REQUIRE(*shrunk);
        const checker::ShrinkResult& r = **shrunk;
        CHECK(r.ies_kept_for_mac >= 1);
        for (const trace::Event& ev : r.trace.events) {
            const trace::Event& from = origin(original, ev);
            CAPTURE(ev.msg);
            if (ev.msg == "SECURITY_MODE_COMMAND") {
                CHECK(ev.ie == from.ie);
                CHECK(ev.pdu == from.pdu);
                CHECK(ev.sec.mac == from.sec.mac);
            } else if (ev.msg == "REKEYING_REQUEST") {
                CHECK_FALSE(ev.ie.contains("reauth"));
                CHECK(ev.sec.mac != from.sec.mac);
            }
        }
        CHECK_FALSE(has_rule(r.trace, "REQ_OLD_CONTEXT"));
        CHECK(breaks(r.trace, "REAUTH_FORCES_AUTH", trace::Role::target));
    }

    TEST_CASE("shrink: without the keys no IE the MAC-I covers goes, without pdu they go freely")
    {
        const trace::Trace generated = generated_with_reauth();
        auto with_keys = checker::shrink(generated, "SMC_ECHO_CAPS", options());
        REQUIRE(with_keys);
        REQUIRE(*with_keys);
        CHECK((*with_keys)->ies < ies_of_kept_events(generated, (*with_keys)->trace));

        trace::Trace no_keys = generated;
        no_keys.keys.clear();
        no_keys.link.k_nrp_sess.reset();
        auto kept = checker::shrink(no_keys, "SMC_ECHO_CAPS", options());
        REQUIRE(kept);
        REQUIRE(*kept);
        CHECK((*kept)->ies_kept_for_mac > 0);
        for (const trace::Event& ev : (*kept)->trace.events) {
            const trace::Event& from = origin(no_keys, ev);
            CAPTURE(ev.msg);
            CHECK(ev.ie == from.ie);
            CHECK(ev.pdu == from.pdu);
            CHECK(ev.sec.mac == from.sec.mac);
        }

        trace::Trace no_pdu = no_keys;
        for (trace::Event& ev : no_pdu.events) {
            ev.pdu.reset();
        }
        auto free = checker::shrink(no_pdu, "SMC_ECHO_CAPS", options());
        REQUIRE(free);
        REQUIRE(*free);
        CHECK((*free)->ies_kept_for_mac == 0);
        CHECK((*free)->ies < ies_of_kept_events(no_pdu, (*free)->trace));

        auto none = checker::shrink(load("ts33536-r17/conform-plain.json"), "SMC_ECHO_CAPS", options());
        REQUIRE(none);
        CHECK_FALSE(*none);
    }
}
