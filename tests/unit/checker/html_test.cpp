/// Tests of the HTML report (checker/src/report/html*.cpp): escaping of vendor text, byte-identical
/// output, the classes and ids the browser test and users' scripts query, and the event cap of charts.
/// The rendered page in a real browser is tests/integration/html_report_test.py.

#include "pc5check/checker/check.h"
#include "pc5check/checker/report.h"
#include "report/html_escape.h"
#include "report/html_msc.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <doctest/doctest.h>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace pc5check;

const std::string source_dir = PC5CHECK_SOURCE_DIR;
const std::string smc_path = source_dir + "/traces/ts33536-r17/viol-smc-new-context.json";
const std::string plain_path = source_dir + "/traces/ts33536-r17/conform-plain.json";
const std::string seed_path = source_dir + "/traces/tr33847-sol/seed-conform-two-rekeys.json";
const std::string malformed_path = source_dir + "/tests/data/bad/malformed.json";

checker::CheckRun run_of(const std::vector<std::string>& paths)
{
    checker::CheckOptions options;
    options.spec_dirs = {source_dir + "/spec"};
    return checker::check_paths(paths, options);
}

std::string render(const checker::CheckRun& run)
{
    std::ostringstream out;
    report::write_html(out, run);
    return out.str();
}

std::size_t occurrences(const std::string& haystack, const std::string& needle)
{
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + 1)) {
        ++n;
    }
    return n;
}

bool contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("html: escape makes markup, quotes and control characters text")
    {
        using report::html::escape;
        CHECK(escape("<script>alert(1)</script> & \"q\" 'a'") ==
              "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;");
        CHECK(escape("tab\there\nline") == "tab\there\nline");
        std::string controls = "nul";
        controls += '\0';
        controls += "bell\x07";
        controls += "del\x7f";
        CHECK(escape(controls) == "nul\xEF\xBF\xBD"
                                  "bell\xEF\xBF\xBD"
                                  "del\xEF\xBF\xBD");
        CHECK(escape("K\xC3\xA4se \xE2\x86\x92 ok") == "K\xC3\xA4se \xE2\x86\x92 ok"); // UTF-8 passes through
        CHECK(escape("&amp;") == "&amp;amp;");
    }

    TEST_CASE("html: a hostile title, file name and rule text appear as text only")
    {
        auto run = run_of({smc_path});
        REQUIRE(run.traces.size() == 1);
        const std::string hostile =
            "<script>alert(1)</script> & \"double\" 'single' <img src=x onerror=alert(2)>";
        run.traces[0].title = hostile;
        run.traces[0].file = "x\"><script>alert(3)</script>.json";
        REQUIRE(!run.traces[0].replay.findings.empty());
        run.traces[0].replay.findings[0].observed = "</text></svg><script>alert(4)</script>";
        run.traces[0].events[0].msg = "<b>DATA</b>";
        const std::string html = render(run);
        CHECK(occurrences(html, "<script") == 1); // the report's own script only
        CHECK_FALSE(contains(html, "<img"));
        CHECK_FALSE(contains(html, "alert(1)</script>"));
        CHECK(contains(html,
                       "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;double&quot; &#39;single&#39;"));
        CHECK(contains(html, "&lt;/text&gt;&lt;/svg&gt;&lt;script&gt;alert(4)"));
        CHECK(contains(html, "data-msg=\"&lt;b&gt;DATA&lt;/b&gt;\""));
        CHECK(contains(html, "data-file=\"x&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;.json\""));
    }

    TEST_CASE("html: the same input gives byte-identical pages")
    {
        const std::vector<std::string> paths = {smc_path, seed_path, malformed_path};
        const auto run = run_of(paths);
        const std::string first = render(run);
        CHECK(first == render(run));
        CHECK(first == render(run_of(paths)));
        CHECK(first.rfind("<!DOCTYPE html>", 0) == 0);
        CHECK_FALSE(contains(first, "<link"));
        CHECK_FALSE(contains(first, "src=\""));
    }

    TEST_CASE("html: classes and ids of summary, traces, arrows, violation rows and errors")
    {
        const auto run = run_of({smc_path, plain_path, malformed_path, seed_path});
        REQUIRE(run.traces.size() == 4);
        const std::string html = render(run);

        CHECK(contains(html, "<span class=\"n\" id=\"count-traces\">4</span>"));
        CHECK(contains(html, "<span class=\"n\" id=\"count-conforms\">2</span>"));
        CHECK(contains(html, "<span class=\"n\" id=\"count-violation\">1</span>"));
        CHECK(contains(html, "<span class=\"n\" id=\"count-bad-input\">1</span>"));

        CHECK(contains(html, "<section class=\"trace\" id=\"t0\" data-verdict=\"violation\""));
        CHECK(contains(html, "<section class=\"trace\" id=\"t1\" data-verdict=\"conforms\""));
        CHECK(contains(html, "<section class=\"trace\" id=\"t2\" data-verdict=\"bad-input\""));
        CHECK(contains(html, "<section class=\"trace\" id=\"t3\" data-verdict=\"conforms\""));
        CHECK(occurrences(html, "<svg class=\"msc\"") == 3); // none for the bad input

        // The SMC (event 4) is the violating arrow, its row names the rule and links to it.
        CHECK(contains(html, "<g class=\"event violation\" id=\"t0-e4\" data-event=\"4\" "
                             "data-msg=\"SECURITY_MODE_COMMAND\" data-from=\"target\" data-status=\"failed\" "
                             "data-rules=\"SMC_NEW_CONTEXT\""));
        CHECK(contains(html,
                       "<tr class=\"violation\" id=\"t0-f0\" data-rule=\"SMC_NEW_CONTEXT\" data-event=\"4\" "
                       "data-offender=\"target\"><td class=\"ev\"><a href=\"#t0-e4\">#4</a>"));
        CHECK(contains(html, "<a href=\"#t0-f0\">"));
        CHECK(occurrences(html, "class=\"event violation\"") == 1);
        CHECK(contains(html, "expected</span> nonce_2"));
        CHECK(contains(html, "Reference model state before event #4"));
        CHECK(contains(html, "<tr class=\"diff\" data-var=\"state\"><td class=\"var\">state</td>"
                             "<td class=\"val\">WAIT_SMC</td><td class=\"val\">REQ_RECEIVED</td>"));

        // Every event of the conforming trace is drawn and protected with MAC and PDU: verified.
        CHECK(occurrences(html, "id=\"t1-e") == run.traces[1].events.size());
        CHECK(contains(html, "<g class=\"event verified\" id=\"t1-e0\""));
        // The seed variant leaves the derivation FFS: unverified checks grouped by rule and reason.
        CHECK(contains(html, "<g class=\"event unverified\" id=\"t3-e4\""));
        CHECK(contains(html, "<tr class=\"unverified\" data-rule=\"SMC_NEW_CONTEXT\">"));
        CHECK(contains(html, "session-key derivation left FFS by the spec variant"));

        // Bad input: file, line:column and message.
        CHECK(contains(html, "<dd class=\"mono err-pos\">4:52</dd>"));
        CHECK(contains(html, "invalid JSON"));
    }

    TEST_CASE("html: an event's tooltip names the integrity algorithm that reproduced its MAC-I")
    {
        // Events 2, 4, 6 are reproduced by NIA1; the response (event 7) carries a copied MAC-I.
        const std::string html =
            render(run_of({source_dir + "/traces/ts33536-r17/nea3-nia1-fool-response-copied-mac.json"}));
        const auto tooltip_of = [&html](std::size_t event) {
            const std::string start = "<title>event " + std::to_string(event) + ": ";
            const auto from = html.find(start);
            REQUIRE(from != std::string::npos);
            return html.substr(from, html.find("</title>", from) - from);
        };
        CHECK(tooltip_of(4).find("(reproduced by NIA1)") != std::string::npos);
        CHECK(tooltip_of(6).find("(reproduced by NIA1)") != std::string::npos);
        CHECK(tooltip_of(7).find("MAC-I ") != std::string::npos);
        CHECK(tooltip_of(7).find("reproduced by") == std::string::npos);
    }

    TEST_CASE("html: check status of an event")
    {
        using report::html::check_status;
        using report::html::CheckStatus;
        using report::html::EventMarks;
        checker::EventSummary e;
        e.sec.kind = trace::Sec::Kind::protected_;
        e.sec.mac = std::array<std::uint8_t, 4>{1, 2, 3, 4};
        e.pdu_logged = true;
        CHECK(check_status(e, EventMarks{}) == CheckStatus::verified);
        CHECK(check_status(e, EventMarks{{}, {}, {0}}) == CheckStatus::unverified);
        CHECK(check_status(e, EventMarks{{}, {1}, {0}}) == CheckStatus::warning);
        CHECK(check_status(e, EventMarks{{2}, {1}, {0}}) == CheckStatus::failed);
        e.pdu_logged = false; // a MAC without the PDU cannot be recomputed: never "verified"
        CHECK(check_status(e, EventMarks{}) == CheckStatus::unverified);
        e.sec.kind = trace::Sec::Kind::none;
        CHECK(check_status(e, EventMarks{}) == CheckStatus::unprotected);
        e.sec.kind = trace::Sec::Kind::not_logged;
        CHECK(check_status(e, EventMarks{}) == CheckStatus::not_logged);
        CHECK(std::string(report::html::to_string(CheckStatus::not_logged)) == "not logged");
        CHECK(std::string(report::html::css_name(CheckStatus::not_logged)) == "not-logged");
    }

    TEST_CASE("html: chart selection keeps the first events and a window around later violations")
    {
        using report::html::chart_selection;
        using report::html::EventMarks;
        report::html::ChartOptions options;
        options.max_events = 10;
        options.violation_context = 2;
        options.max_violation_windows = 2;
        std::vector<EventMarks> marks(100);
        CHECK(chart_selection(8, std::vector<EventMarks>(8), options) ==
              std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7});
        marks[5].violations = {0};
        marks[11].violations = {1}; // window overlaps the head
        marks[50].warnings = {2};
        marks[99].violations = {3}; // third window: over the limit
        CHECK(chart_selection(100, marks, options) ==
              std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 48, 49, 50, 51, 52});
    }

    TEST_CASE("html: a long trace is capped per chart, later violations still drawn and linked")
    {
        auto run = run_of({smc_path});
        REQUIRE(run.traces.size() == 1);
        auto& t = run.traces[0];
        REQUIRE(t.replay.findings.size() == 1);
        const auto base = t.events;
        constexpr std::size_t kEvents = 100000;
        t.events.clear();
        for (std::size_t i = 0; i < kEvents; ++i) {
            t.events.push_back(base[i % base.size()]);
        }
        t.event_count = kEvents;
        t.replay.findings[0].event = 90000;
        const std::string html = render(run);
        const std::size_t drawn = occurrences(html, "<g class=\"event ");
        CHECK(drawn == 400 + 5);
        CHECK(contains(html, "id=\"t0-e399\""));
        CHECK_FALSE(contains(html, "id=\"t0-e400\""));
        CHECK(contains(html, "<g class=\"event violation\" id=\"t0-e90000\""));
        CHECK(contains(html, "<a href=\"#t0-e90000\">#90000</a>"));
        CHECK(contains(html, "data-events=\"100000\" data-drawn=\"405\""));
        CHECK(contains(html, "Chart limited to the first 400 of 100000 events"));
        CHECK(contains(html, "89598 events not drawn (#400\xE2\x80\x93#89997)"));
        CHECK(contains(html, "9997 events not drawn (#90003\xE2\x80\x93#99999)"));
        CHECK(html.size() < 2'000'000);
    }

    TEST_CASE("html: many violations: rows capped, arrows link only to listed rows")
    {
        auto run = run_of({smc_path});
        REQUIRE(run.traces.size() == 1);
        auto& t = run.traces[0];
        REQUIRE(t.replay.findings.size() == 1);
        const auto base = t.events;
        const machine::Finding finding = t.replay.findings[0];
        t.events.clear();
        t.replay.findings.clear();
        for (std::size_t i = 0; i < 300; ++i) {
            t.events.push_back(base[i % base.size()]);
            t.replay.findings.push_back(finding);
            t.replay.findings.back().event = i;
        }
        t.event_count = t.events.size();
        const std::string html = render(run);
        CHECK(occurrences(html, "<tr class=\"violation\"") == 200);
        CHECK(contains(html, "200 of 300 violations listed"));
        CHECK(contains(html, "<details class=\"sub more-findings\"><summary>192 more</summary>"));
        CHECK(contains(html, "<a href=\"#t0-f199\">"));
        CHECK_FALSE(contains(html, "<a href=\"#t0-f200\">"));
        CHECK(contains(html, "<g class=\"event violation\" id=\"t0-e298\""));
    }
}
