/// Tests of the symbolic check (checker/src/smt/symbolic.cpp) through its public API, on traces the
/// generator builds with real keys and MAC-Is, made partial here the way real captures are.

#include "normative_spec.h"
#include "pc5check/checker/check.h"
#include "pc5check/checker/gen.h"
#include "pc5check/checker/symbolic.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <algorithm>
#include <doctest/doctest.h>
#include <string>

namespace {

using namespace pc5check;

const spec::Spec& normative() { return test::normative_spec(); }

trace::Trace build(const std::string& scenario)
{
    auto t = gen::make_trace(gen::kNormativeSpecId, scenario, 1);
    REQUIRE_MESSAGE(t.has_value(), scenario);
    return *t;
}

trace::Trace without_keys(trace::Trace t)
{
    t.keys.clear();
    t.link.k_nrp_sess.reset();
    return t;
}

machine::ReplayResult check(const trace::Trace& t, smt::SymbolicOptions options = {})
{
    auto r = smt::check_symbolic(normative(), t, options);
    REQUIRE_MESSAGE(r.has_value(), (r ? std::string() : r.error().to_string()));
    return *r;
}

bool has_finding(const machine::ReplayResult& r, const std::string& rule, machine::Outcome outcome)
{
    return std::any_of(r.findings.begin(), r.findings.end(),
                       [&](const machine::Finding& f) { return f.rule == rule && f.outcome == outcome; });
}

bool mentions(const std::vector<std::string>& texts, const std::string& part)
{
    return std::any_of(texts.begin(), texts.end(),
                       [&](const std::string& s) { return s.find(part) != std::string::npos; });
}

std::size_t index_of(const trace::Trace& t, const std::string& msg)
{
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        if (t.events[i].msg == msg) {
            return i;
        }
    }
    FAIL("no " << msg);
    return 0;
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("symbolic: a fully observed trace gives the concrete verdicts and rule IDs in both modes")
    {
        for (const std::string scenario :
             {"conform-plain", "conform-reauth", "viol-smc-echo-caps", "fool-mac-copied"}) {
            const trace::Trace t = build(scenario);
            auto concrete = machine::replay(normative(), t);
            REQUIRE(concrete.has_value());
            smt::SymbolicOptions pure;
            pure.partial_evaluation = false;
            for (const auto& r : {check(t), check(t, pure)}) {
                CHECK_MESSAGE(r.verdict == concrete->verdict, scenario);
                CHECK_MESSAGE(r.violated_rules() == concrete->violated_rules(), scenario);
                CHECK(r.mode == machine::Mode::symbolic);
            }
        }
    }

    TEST_CASE("symbolic: without keys a conforming trace conforms with the MAC checks unverified and assumed")
    {
        const auto r = check(without_keys(build("conform-plain")));
        CHECK(r.verdict == machine::Verdict::conforms);
        CHECK(has_finding(r, "SMC_NEW_CONTEXT", machine::Outcome::unverified));
        CHECK(has_finding(r, "REQ_OLD_CONTEXT", machine::Outcome::unverified));
        CHECK_FALSE(has_finding(r, "SMC_NEW_CONTEXT", machine::Outcome::violation));
        CHECK(mentions(r.assumptions, "k_nrp_sess not logged"));
        // The capability echo does not depend on keys: it still passes outright.
        CHECK(r.passes.count("SMC_ECHO_CAPS") == 1);
    }

    TEST_CASE("symbolic: a reject the keys cannot explain is a conflict between the rules of the two UEs")
    {
        const trace::Trace t = without_keys(build("fool-smc-old-key-new-ctx"));
        const auto r = check(t);
        REQUIRE(r.verdict == machine::Verdict::violation);
        CHECK(r.violated_rules() == std::vector<std::string>{"REJECT_CAUSE", "SMC_NEW_CONTEXT"});
        const std::size_t reject = index_of(t, "SECURITY_MODE_REJECT");
        CHECK(r.first_failing_event == reject);
        const auto in_conflict = [&](const std::string& rule) {
            return std::any_of(r.explanation.begin(), r.explanation.end(), [&](const machine::Conflict& c) {
                return c.rule == rule && !c.clauses.empty();
            });
        };
        CHECK(in_conflict("SMC_NEW_CONTEXT"));
        CHECK(in_conflict("REJECT_CAUSE"));
        CHECK_FALSE(r.state_at_first_violation.empty());
    }

    TEST_CASE("symbolic: a missing message is inserted only with --max-missing and named")
    {
        trace::Trace t = build("conform-plain");
        t.events.erase(t.events.begin() + static_cast<std::ptrdiff_t>(index_of(t, "SECURITY_MODE_COMPLETE")));
        CHECK(check(t).verdict == machine::Verdict::violation);
        smt::SymbolicOptions one;
        one.max_missing = 1;
        one.timeout_ms =
            120'000; // about 3 s here; sanitizer builds on a loaded machine take several times that
        const auto r = check(t, one);
        CHECK(r.verdict == machine::Verdict::conforms);
        CHECK(r.inserted == 1);
        CHECK(mentions(r.assumptions, "one unlogged SECURITY_MODE_COMPLETE from the initiator"));
    }

    TEST_CASE("symbolic: a time limit gives inconclusive with the limit named and never conforms")
    {
        trace::Trace t = build("conform-plain");
        t.events.erase(t.events.begin() + static_cast<std::ptrdiff_t>(index_of(t, "SECURITY_MODE_COMPLETE")));
        smt::SymbolicOptions tight;
        tight.max_missing = 2;
        tight.timeout_ms = 1;
        const auto r = check(t, tight);
        CHECK(r.verdict == machine::Verdict::inconclusive);
        CHECK(r.limit.find("--timeout-ms 1") != std::string::npos);
    }

    TEST_CASE("symbolic: an IE not decoded is open and the reaction of the initiator still decides")
    {
        trace::Trace t = build("viol-smc-echo-caps");
        const std::size_t smc = index_of(t, "SECURITY_MODE_COMMAND");
        t.events[smc].ie.set("ue_sec_cap", nullptr);
        const auto r = check(t);
        CHECK(r.verdict == machine::Verdict::violation);
        CHECK(r.violated_rules() == std::vector<std::string>{"REJECT_CAUSE", "SMC_ECHO_CAPS"});
        // With the whole IE set of the SMC not decoded, a conforming capture stays conforming.
        trace::Trace ok = build("conform-plain");
        ok.events[index_of(ok, "SECURITY_MODE_COMMAND")].ie.set_not_decoded();
        const auto r2 = check(ok);
        CHECK(r2.verdict == machine::Verdict::conforms);
        CHECK(has_finding(r2, "SMC_ECHO_CAPS", machine::Outcome::unverified));
    }

    TEST_CASE("symbolic: a log of one UE leaves delivery open and the answers of the peer settle it")
    {
        trace::Trace t = build("conform-plain");
        t.observer = trace::Observer::initiator;
        CHECK(checker::leaves_values_open(t));
        const auto r = check(t);
        CHECK(r.verdict == machine::Verdict::conforms);
        CHECK(mentions(r.assumptions, "received by the target (one-UE log) assumed true"));
    }

    TEST_CASE("symbolic: a long partial capture solved in slices answers as one problem")
    {
        // 400 DATA events on a bearer of their own before the re-keying, no keys, every 10th PDCP protection
        // not logged: 40 open COUNT checks that share no open value (checker/src/smt/slices.h).
        trace::Trace t = without_keys(build("conform-plain"));
        std::vector<trace::Event> data;
        for (std::uint32_t i = 0; i < 400; ++i) {
            trace::Event ev;
            ev.from = i % 2 == 0 ? trace::Role::initiator : trace::Role::target;
            ev.msg = "DATA";
            ev.pdu = trace::Bytes{gen::message_code("DATA"), static_cast<std::uint8_t>(i)};
            if (i % 10 != 5) {
                ev.sec.kind = trace::Sec::Kind::protected_;
                ev.sec.ctx = t.link.k_nrp_sess_id;
                ev.sec.count = i / 2;
                ev.sec.bearer = 30; // a bearer the re-keying does not use
                ev.sec.direction = i % 2 == 0 ? gen::kDirectionInitiator : gen::kDirectionTarget;
                ev.sec.mac = std::array<std::uint8_t, 4>{1, 2, 3, static_cast<std::uint8_t>(i)};
            }
            data.push_back(std::move(ev));
        }
        t.events.insert(t.events.begin(), data.begin(), data.end());
        // The question is whether the two answers agree, not how fast: limits far above the default, so
        // that a loaded machine running the sanitizer build does not end both in `inconclusive`.
        smt::SymbolicOptions sliced;
        sliced.timeout_ms = 300'000;
        smt::SymbolicOptions whole = sliced;
        whole.slices = false;
        const auto a = check(t, sliced);
        const auto b = check(t, whole);
        CHECK(a.verdict == machine::Verdict::conforms);
        CHECK(b.verdict == a.verdict);
        // The same open values assumed (the values picked may differ: any model will do).
        const auto subjects = [](const machine::ReplayResult& r) {
            std::vector<std::string> out;
            for (const auto& s : r.assumptions) {
                out.push_back(s.substr(0, s.find(" assumed ")));
            }
            return out;
        };
        CHECK(subjects(a) == subjects(b));
        CHECK(mentions(a.assumptions, "event 395 (DATA): sec.count (protection not logged) assumed"));
        // Every open COUNT check of the DATA events is unverified, never passed (the checks of the
        // re-keying after them are proofs within a time limit, which one problem may not finish).
        const auto unverified_data = [](const machine::ReplayResult& r) {
            return std::count_if(r.findings.begin(), r.findings.end(), [&](const machine::Finding& f) {
                return f.rule == "REPLAY" && f.event < 400 && f.outcome == machine::Outcome::unverified;
            });
        };
        CHECK(unverified_data(a) == 40);
        CHECK(unverified_data(b) == 40);

        // A COUNT replayed on a logged event after the open ones: the same violation both ways.
        trace::Trace replayed = t;
        replayed.events[398].sec.count = 3;
        const auto c = check(replayed);
        const auto d = check(replayed, whole);
        CHECK(c.verdict == machine::Verdict::violation);
        CHECK(c.violated_rules() == std::vector<std::string>{"REPLAY"});
        CHECK(d.violated_rules() == c.violated_rules());
    }

    TEST_CASE("check: automatic symbolic mode only for traces that leave values open")
    {
        checker::CheckOptions options;
        options.spec_dirs = {std::string(PC5CHECK_SOURCE_DIR) + "/spec"};
        checker::SpecCache specs(options);
        const trace::Trace full = build("viol-smc-new-context");
        CHECK_FALSE(checker::leaves_values_open(full));
        const auto concrete = checker::check_trace(full, specs.get(full.spec), options);
        CHECK(concrete.replay.mode == machine::Mode::concrete);
        const trace::Trace partial = without_keys(full);
        const auto symbolic = checker::check_trace(partial, specs.get(partial.spec), options);
        CHECK(symbolic.replay.mode == machine::Mode::symbolic);
        CHECK(symbolic.replay.note.find("leaves values open") != std::string::npos);
        options.symbolic = checker::CheckOptions::Symbolic::never;
        CHECK(checker::check_trace(partial, specs.get(partial.spec), options).replay.mode ==
              machine::Mode::concrete);
    }

    // docs/spec-language.md 4.1 step 6 and 4.5: a link transition keeps the books of what the UEs sent,
    // unless it sees the whole air ("sees": "air"); the one step semantics (machine/step.h) for replay
    // and for the solver.
    TEST_CASE("check: a link transition that sees the air counts an injected message, one of what was sent "
              "does not")
    {
        const auto spec = spec::parse_spec(R"({
          "format": "pc5-spec/1", "id": "books", "title": "books",
          "messages": [
            {"id": "REKEYING_REQUEST", "senders": ["initiator"], "text": "t", "clauses": [{"doc": "X", "clause": "1"}]},
            {"id": "REKEYING_RESPONSE", "senders": ["target"], "text": "t", "clauses": [{"doc": "X", "clause": "1"}]}
          ],
          "states": {"initiator": ["IDLE"], "target": ["IDLE"]},
          "variables": [{"role": "link", "name": "sent", "type": "int", "init": "0", "text": "t"},
                        {"role": "link", "name": "air", "type": "int", "init": "0", "text": "t"}],
          "transitions": [
            {"id": "ask", "role": "initiator", "dir": "send", "on": ["REKEYING_REQUEST"], "text": "t", "clauses": [{"doc": "X", "clause": "1"}]},
            {"id": "answer", "role": "target", "dir": "send", "on": ["REKEYING_RESPONSE"], "text": "t", "clauses": [{"doc": "X", "clause": "1"}]},
            {"id": "count_sent", "role": "link", "dir": "observe", "on": ["REKEYING_REQUEST"], "sees": "sent",
             "effects": {"link.sent": "link.sent + 1"}, "text": "t", "clauses": [{"doc": "X", "clause": "1"}]},
            {"id": "count_air", "role": "link", "dir": "observe", "on": ["REKEYING_REQUEST"], "sees": "air",
             "effects": {"link.air": "link.air + 1"}, "text": "t", "clauses": [{"doc": "X", "clause": "1"}]}
          ],
          "rules": [{"id": "BOOKS", "text": "t", "clauses": [{"doc": "X", "clause": "1"}],
                     "checks": [{"on": ["REKEYING_RESPONSE"], "offender": "target", "assert": "link.sent == 1 && link.air == 2",
                                 "expected": "one request sent, two on the air", "observed": "{link.sent} sent, {link.air} on the air"}]}]
        })",
                                           "books.json");
        REQUIRE_MESSAGE(spec.has_value(), (spec ? "" : spec.error().to_string()));
        const auto t = trace::parse_trace(R"({
          "format": "pc5-trace/1", "spec": "books", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2},
          "attacker_steps": [{"event": 0, "attack": "injected"}],
          "events": [{"from": "initiator", "msg": "REKEYING_REQUEST", "sec": "none", "pdu": "01"},
                     {"from": "initiator", "msg": "REKEYING_REQUEST", "sec": "none", "pdu": "02"},
                     {"from": "target", "msg": "REKEYING_RESPONSE", "sec": "none", "pdu": "03"}]
        })",
                                          "books-trace.json");
        REQUIRE_MESSAGE(t.has_value(), (t ? "" : t.error().to_string()));
        for (const auto mode :
             {checker::CheckOptions::Symbolic::never, checker::CheckOptions::Symbolic::always}) {
            CAPTURE(static_cast<int>(mode));
            checker::CheckOptions options;
            options.symbolic = mode;
            options.attacker_steps = true;
            const auto honoured = checker::check_trace(*t, Expected<const spec::Spec*>(&*spec), options);
            CHECK(honoured.replay.verdict == machine::Verdict::conforms);
            CHECK(honoured.replay.mode == (mode == checker::CheckOptions::Symbolic::never
                                               ? machine::Mode::concrete
                                               : machine::Mode::symbolic));
            // Without --attacker-steps every message was sent: both books count both requests.
            options.attacker_steps = false;
            const auto plain = checker::check_trace(*t, Expected<const spec::Spec*>(&*spec), options);
            CHECK(plain.replay.verdict == machine::Verdict::violation);
            CHECK(has_finding(plain.replay, "BOOKS", machine::Outcome::violation));
        }
    }
}
