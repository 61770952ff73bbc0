/// Tests of the HTML pages of prove, query and diff (checker/src/report/proof_html*.cpp) on hand-built
/// JSON documents: the inductive set (`invariant`) rendered when present and `how` otherwise, escaping
/// of spec text, attacker steps marked on the chart, regressions highlighted, and a run without a
/// checked trace shown as its steps. The pages of real runs in a browser:
/// tests/integration/proof_html_test.py.

#include "pc5check/checker/check.h"
#include "pc5check/checker/proof_report.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

using namespace pc5check;
using nlohmann::json;

const std::string source_dir = PC5CHECK_SOURCE_DIR;
constexpr const char* kHostile = "<script>alert(1)</script> & \"q\"";

json property(const std::string& id, const std::string& verdict)
{
    return {{"id", id},
            {"kind", "invariant"},
            {"text", kHostile},
            {"clauses", "TS 33.536 5.3.3.1.4.2"},
            {"verdict", verdict},
            {"depth", 3},
            {"how", "k-induction at k=1 (jointly with the other properties and lemmas of the inductive set)"},
            {"seconds", 0.25},
            {"min_depth", 0},
            {"warning", ""},
            {"rests_on",
             {{"assumptions",
               json::array({{{"id", "A_PERFECT_CRYPTO"}, {"text", "crypto <b>ideal</b>"}, {"silent", ""}}})},
              {"parameters",
               json::array({{{"id", "p1"}, {"value", "x"}, {"default", false}, {"confirmed", false}}})}}}};
}

json steps()
{
    return json::array({{{"index", 0},
                         {"sender", "initiator"},
                         {"msg", "REKEYING_REQUEST"},
                         {"action", "initiator sends; the attacker drops it"},
                         {"by_attacker", true},
                         {"detail", ""}},
                        {{"index", 1},
                         {"sender", "initiator"},
                         {"msg", "REKEYING_REQUEST"},
                         {"action", "initiator sends"},
                         {"by_attacker", false},
                         {"detail", "nonce_1=\"<x>\""}}});
}

json prove_doc()
{
    json proven = property("smc_checks_enforced", "proven");
    json violated = property("no_downgrade", "violated");
    violated["counterexample"] = {{"file", ""},
                                  {"steps", steps()},
                                  {"check",
                                   {{"verdict", "conforms"},
                                    {"rules", json::array()},
                                    {"unverified", json::array()},
                                    {"mode", "concrete"},
                                    {"command", "pc5check check TRACE --spec s.json --attacker-steps"}}}};
    return {{"spec", "s"},
            {"file", "s.json"},
            {"depth", 3},
            {"attacker", "drop"},
            {"properties", json::array({proven, violated})}};
}

std::string count(const std::string& page, const std::string& what)
{
    std::size_t n = 0;
    for (auto at = page.find(what); at != std::string::npos; at = page.find(what, at + 1)) {
        ++n;
    }
    return std::to_string(n);
}

} // namespace

TEST_CASE("prove html: the inductive set when the document lists it, `how` otherwise")
{
    json doc = prove_doc();
    std::ostringstream plain;
    report::write_prove_html(plain, doc, {});
    CHECK(plain.str().find("k-induction at k=1 (jointly") != std::string::npos);
    CHECK(plain.str().find("class=\"invariant\"") == std::string::npos);

    doc["properties"][0]["invariant"] =
        json::array({{{"id", "smc_checks_enforced"}, {"formula", "a && b < c"}, {"origin", "property"}},
                     {{"id", "reauth_flag_consistent"}, {"formula", "x"}, {"origin", "lemma"}},
                     {{"id", "g0"}, {"formula", "initiator.state != 3"}, {"origin", "generated"}}});
    std::ostringstream with_set;
    report::write_prove_html(with_set, doc, {});
    const std::string page = with_set.str();
    CHECK(page.find("<h3>Inductive set</h3>") != std::string::npos);
    CHECK(page.find(R"(data-member="g0" data-origin="generated")") != std::string::npos);
    CHECK(page.find(R"(<code class="formula">a &amp;&amp; b &lt; c</code>)") != std::string::npos);
    CHECK(count(page, "data-member=") == "3");
}

TEST_CASE("prove html: spec text is escaped, what a property rests on is listed")
{
    std::ostringstream out;
    report::write_prove_html(out, prove_doc(), {});
    const std::string page = out.str();
    CHECK(page.find("<script>alert") == std::string::npos);
    CHECK(page.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;") != std::string::npos);
    CHECK(page.find("crypto &lt;b&gt;ideal&lt;/b&gt;") != std::string::npos);
    CHECK(page.find(R"(data-parameter="p1" data-confirmed="no")") != std::string::npos);
    CHECK(count(page, "<script>") == "1");         // the page's own
    CHECK(page.find("http") == std::string::npos); // no chart here, so not even the SVG namespace
}

TEST_CASE("prove html: a counterexample without a checked trace is shown as its steps, attacker marked")
{
    std::ostringstream out;
    report::write_prove_html(out, prove_doc(), {});
    const std::string page = out.str();
    CHECK(page.find("class=\"empty no-chart\"") != std::string::npos);
    CHECK(page.find("<svg") == std::string::npos);
    CHECK(count(page, R"(<tr class="attacker" data-by-attacker="true")") == "1");
    CHECK(page.find("nonce_1=&quot;&lt;x&gt;&quot;") != std::string::npos);
}

TEST_CASE("prove html: a counterexample check rejects is a disagreement, one it cannot decide is unconfirmed")
{
    const auto page = [](const std::string& verdict) {
        json doc = prove_doc();
        doc["properties"][1]["counterexample"]["check"]["verdict"] = verdict;
        std::ostringstream out;
        report::write_prove_html(out, doc, {});
        return out.str();
    };
    const std::string rejected = page("violation");
    CHECK(count(rejected, "class=\"cap-note disagree\"") == "1");
    CHECK(rejected.find("internal error (exit 3") != std::string::npos);
    const std::string open = page("inconclusive");
    CHECK(count(open, "class=\"cap-note disagree\"") == "0");
    CHECK(open.find("replay does not confirm it") != std::string::npos);
    const std::string accepted = page("conforms");
    CHECK(accepted.find("disagree") == std::string::npos);
    CHECK(accepted.find("does not confirm") == std::string::npos);
}

TEST_CASE("prove html: a checked counterexample is charted, attacker steps marked on their arrows")
{
    // Two honest-looking events of a shipped trace stand in for the replay of the counterexample.
    checker::CheckOptions options;
    options.spec_dirs = {source_dir + "/spec"};
    const checker::CheckRun run =
        checker::check_paths({source_dir + "/traces/ts33536-r17/conform-plain.json"}, options);
    REQUIRE(run.trace_count() == 1);
    const checker::TraceResult* t = nullptr;
    run.for_each_trace([&t](const checker::TraceResult& r) { t = &r; });
    REQUIRE(t != nullptr);
    std::ostringstream out;
    report::write_prove_html(out, prove_doc(), {{"/properties/1/counterexample", t}});
    const std::string page = out.str();
    CHECK(count(page, "<svg class=\"msc\"") == "1");
    CHECK(page.find(R"(id="p1-cex-e0")") != std::string::npos);
    CHECK(count(page, " attacker\" id=\"p1-cex-e") == "1");
    CHECK(page.find(R"(attacker" id="p1-cex-e0")") != std::string::npos); // step 0 is event 0
    CHECK(page.find(R"(data-attacker="initiator sends; the attacker drops it")") != std::string::npos);
    CHECK(page.find("class=\"attacker-mark\"") != std::string::npos);
}

TEST_CASE("diff html: regressions highlighted, the gate's verdict shown")
{
    const json doc = {{"old", prove_doc()},
                      {"new", prove_doc()},
                      {"changes", json::array({{{"kind", "property"},
                                                {"id", "no_downgrade"},
                                                {"old", "holds up to depth 3"},
                                                {"new", "violated at depth 3"},
                                                {"regression", true}},
                                               {{"kind", "property"},
                                                {"id", "smc_checks_enforced"},
                                                {"old", "proven"},
                                                {"new", "proven"},
                                                {"regression", false}},
                                               {{"kind", "trace"},
                                                {"id", "t.json:1"},
                                                {"file", "t.json"},
                                                {"line", 1},
                                                {"old", "conforms"},
                                                {"new", "violation X"},
                                                {"new_rules", {"X"}},
                                                {"regression", true}}})},
                      {"spec_changes", json::array()},
                      {"disagreement", nullptr},
                      {"regression", true}};
    std::ostringstream out;
    report::write_diff_html(out, doc, {});
    const std::string page = out.str();
    CHECK(page.find(R"(<p class="gate fail" id="gate" data-regression="true">)") != std::string::npos);
    CHECK(count(page, "<tr class=\"property regression\"") == "1");
    CHECK(count(page, "<tr class=\"trace regression\"") == "1");
    CHECK(count(page, "<tr class=\"property\"") == "1");
    CHECK(page.find("id=\"no-disagreement\"") != std::string::npos);
    CHECK(page.find("<h2>Regression: no_downgrade</h2>") != std::string::npos);
}

TEST_CASE("query html: each answer as the text report words it")
{
    json doc = {{"spec", "s"},
                {"condition", "a < b"},
                {"attacker", "none"},
                {"answer", "unreachable"},
                {"proved", true},
                {"depth", 4},
                {"how", "k-induction at k=1"},
                {"seconds", 0.1},
                {"rests_on", {{"assumptions", json::array()}, {"parameters", json::array()}}}};
    const auto page = [&doc] {
        std::ostringstream out;
        report::write_query_html(out, doc, {});
        return out.str();
    };
    CHECK(page().find("unreachable (proved: k-induction at k=1)") != std::string::npos);
    CHECK(page().find("<code class=\"formula\" id=\"condition\">a &lt; b</code>") != std::string::npos);
    doc["proved"] = false;
    CHECK(page().find("unreachable within 4 message(s) (bounded; no induction proof)") != std::string::npos);
    doc["answer"] = "inconclusive";
    doc["how"] = "timeout";
    CHECK(page().find("inconclusive: timeout") != std::string::npos);
}
