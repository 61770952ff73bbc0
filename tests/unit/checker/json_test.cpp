/// Tests of the JSON report (checker/src/report/json.cpp): write_json streams exactly to_json(run).dump(2)
/// (one definition of a trace entry serves both), every key of an entry in the documented place, and
/// invalid UTF-8 in a result does not make the report unreadable.

#include "pc5check/checker/check.h"
#include "pc5check/checker/report.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace pc5check;
using nlohmann::json;

const std::string source_dir = PC5CHECK_SOURCE_DIR;

std::string render(const checker::CheckRun& run)
{
    std::ostringstream out;
    report::write_json(out, run);
    return out.str();
}

/// An inconclusive symbolic result with every optional key of a trace entry present.
checker::TraceResult rich_result()
{
    checker::TraceResult t;
    t.file = "traces/x.jsonl";
    t.line = 300;
    t.title = "title \xE2\x80\x94 with a \"quote\" and a\nnewline";
    t.spec_id = "ts33536-r17";
    t.event_count = 12;
    const spec::ClauseRef full{"TS 33.536", "5.3.3.1.4.3", "Rel-17", "UNCONFIRMED: derived"};
    const spec::ClauseRef bare{"TS 24.554", "7.2.10.2", "", ""};
    machine::Finding v;
    v.rule = "SMC_NEW_CONTEXT";
    v.outcome = machine::Outcome::violation;
    v.event = 0;
    v.position = {17, 3}; // not used: the event summary has the position
    v.msg = "SECURITY_MODE_COMMAND";
    v.offender = trace::Role::target;
    v.clauses = {full, bare};
    v.rule_text = "the SMC is protected under the new context";
    v.expected = "ctx 0x12ab";
    v.observed = "ctx 0x1234";
    v.reason = "not written for a violation";
    machine::Finding u;
    u.rule = "REPLAY";
    u.warning = true;
    u.outcome = machine::Outcome::unverified;
    u.event = 7; // no summary, no position: no "position"
    u.msg = "DATA";
    u.rule_text = "no replay";
    u.reason = "no key";
    auto& r = t.replay;
    r.verdict = machine::Verdict::inconclusive;
    r.findings = {u, v};
    r.passes = {{"ORDER", 7}, {"REPLAY", 123'456}};
    r.mac_verified_by = {{"NIA1", {0, 2}}, {"NIA3", {5}}};
    r.assumptions = {"MAC of event 4 assumed valid: no key", ""};
    // Not sorted, a name twice: the object has the names sorted, each with its last value.
    r.state_at_first_violation = {
        {"target.ctx", "0x1"}, {"initiator.state", "WAIT_SMC"}, {"target.ctx", "0x2"}};
    r.mode = machine::Mode::symbolic;
    r.note = "checked symbolically: one UE's log";
    r.explanation = {machine::Conflict{3, "", "event 3: observed", {}},
                     machine::Conflict{4, "SMC_ECHO_CAPS", "rule", {full, bare}}};
    r.first_failing_event = 3;
    r.inserted = 2;
    r.limit = "timeout 5000 ms";
    checker::EventSummary e;
    e.position = {40, 5};
    t.events = {e};
    return t;
}

/// An error with every optional field set.
Error full_error()
{
    Error e;
    e.code = ErrorCode::bad_input;
    e.message = "expected \"x\"\tbut found \x01";
    e.file = "bad.json";
    e.json_pointer = "/events/3/ie";
    e.line = 9;
    e.column = 2;
    e.event_index = 3;
    return e;
}

/// The document of a run of rich_result(), a bad-input result and a file-level full_error(), as
/// documented in spec/pc5check-result.schema.json.
constexpr const char* kRichDocument = R"json({
  "errors": [
    {"column": 2, "event": 3, "file": "bad.json", "line": 9,
     "message": "expected \"x\"\tbut found \u0001", "pointer": "/events/3/ie"}
  ],
  "format": "pc5check-result/1",
  "summary": {"bad_input": 2, "conforms": 0, "inconclusive": 1, "traces": 2, "violation": 0},
  "traces": [
    {
      "assumptions": ["MAC of event 4 assumed valid: no key", ""],
      "events": 12,
      "explanation": {
        "conflict": [
          {"event": 3, "what": "event 3: observed"},
          {"clauses": ["TS 33.536 5.3.3.1.4.3 (Rel-17)", "TS 24.554 7.2.10.2"], "event": 4,
           "rule": "SMC_ECHO_CAPS", "what": "rule"}
        ],
        "first_failing_event": 3
      },
      "file": "traces/x.jsonl",
      "inserted_messages": 2,
      "limit": "timeout 5000 ms",
      "line": 300,
      "mac_verified_by": {"NIA1": [0, 2], "NIA3": [5]},
      "mode": "symbolic",
      "note": "checked symbolically: one UE's log",
      "passes": {"ORDER": 7, "REPLAY": 123456},
      "rules": ["SMC_NEW_CONTEXT"],
      "spec": "ts33536-r17",
      "state_at_first_violation": {"initiator.state": "WAIT_SMC", "target.ctx": "0x2"},
      "title": "title \u2014 with a \"quote\" and a\nnewline",
      "unverified": [
        {"clauses": [], "event": 7, "expected": "", "msg": "DATA", "observed": "", "offender": "initiator",
         "reason": "no key", "rule": "REPLAY", "severity": "warning", "text": "no replay"}
      ],
      "verdict": "inconclusive",
      "violations": [
        {"clauses": [
           {"clause": "5.3.3.1.4.3", "doc": "TS 33.536", "note": "UNCONFIRMED: derived", "release": "Rel-17"},
           {"clause": "7.2.10.2", "doc": "TS 24.554"}
         ],
         "event": 0, "expected": "ctx 0x12ab", "msg": "SECURITY_MODE_COMMAND", "observed": "ctx 0x1234",
         "offender": "target", "position": {"column": 5, "line": 40}, "rule": "SMC_NEW_CONTEXT",
         "severity": "error", "text": "the SMC is protected under the new context"}
      ]
    },
    {
      "error": {"column": 2, "event": 3, "file": "bad.json", "line": 9,
                "message": "expected \"x\"\tbut found \u0001", "pointer": "/events/3/ie"},
      "file": "bad.json",
      "line": 1,
      "spec": "ts33536-r17",
      "title": "unreadable",
      "verdict": "bad-input"
    }
  ]
})json";

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("json: write_json streams to_json(run).dump(2) on the corpus and the bad inputs")
    {
        checker::CheckOptions options;
        options.spec_dirs = {source_dir + "/spec"};
        const checker::CheckRun run =
            checker::check_paths({source_dir + "/traces", source_dir + "/tests/data/bad"}, options);
        REQUIRE(run.trace_count() > 100);
        const std::string text = render(run);
        const json doc = report::to_json(run);
        CHECK(json::parse(text) == doc);
        CHECK(text == doc.dump(2) + "\n");
        // The corpus has every kind of entry the writer has a branch for.
        std::vector<std::string> missing = {"explanation",
                                            "state_at_first_violation",
                                            "inserted_messages",
                                            "position",
                                            "reason",
                                            "release",
                                            "note",
                                            "mac_verified_by",
                                            "error"};
        for (const auto& t : doc.at("traces")) {
            const std::string dumped = t.dump();
            std::erase_if(missing, [&dumped](const std::string& key) {
                return dumped.find("\"" + key + "\":") != std::string::npos;
            });
        }
        CHECK(missing.empty());
        CHECK(!doc.at("errors").empty());
    }

    TEST_CASE("json: every optional key of a trace entry and of an error, in dump(2) order")
    {
        checker::CheckRun run;
        run.traces.push_back(rich_result());
        checker::TraceResult bad;
        bad.file = "bad.json";
        bad.title = "unreadable";
        bad.spec_id = "ts33536-r17";
        bad.error = full_error();
        run.traces.push_back(bad);
        run.errors.push_back(full_error());
        const json expected = json::parse(kRichDocument);
        CHECK(render(run) == expected.dump(2) + "\n");
        CHECK(report::to_json(run) == expected);
    }

    TEST_CASE("json: a run without traces has traces []")
    {
        const checker::CheckRun run;
        CHECK(render(run) == report::to_json(run).dump(2) + "\n");
        CHECK(render(run).find("\"traces\": []") != std::string::npos);
    }

    TEST_CASE("json: invalid UTF-8 in a result is written as U+FFFD and the report stays valid JSON")
    {
        checker::CheckRun run;
        checker::TraceResult t = rich_result();
        t.title = "bad \xFF byte, cut \xE2\x86";
        t.replay.passes = {{"RULE\xC0", 1}};
        run.traces.push_back(t);
        const json doc = json::parse(render(run));
        CHECK(doc.at("traces").at(0).at("title") == "bad \xEF\xBF\xBD byte, cut \xEF\xBF\xBD");
        CHECK(doc.at("traces").at(0).at("passes") == json{{"RULE\xEF\xBF\xBD", 1}});
        CHECK(report::to_json(run) == doc);
    }
}
