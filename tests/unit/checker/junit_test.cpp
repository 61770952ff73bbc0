/// Tests of the JUnit report (checker/src/report/junit.cpp) on corpus traces: one suite per file, one
/// testcase per (trace, checked rule), counts, the warning / unverified / bad-input mapping, XML escaping
/// and determinism. Schema validity of the whole corpus report is the ctest "report: junit corpus schema".

#include "pc5check/checker/check.h"
#include "pc5check/checker/report.h"

#include <algorithm>
#include <cstddef>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace pc5check;

std::string source(const std::string& rel) { return std::string(PC5CHECK_SOURCE_DIR) + "/" + rel; }

checker::CheckRun run_on(const std::vector<std::string>& paths)
{
    checker::CheckOptions options;
    options.spec_dirs = {source("spec")};
    return checker::check_paths(paths, options);
}

std::string junit(const checker::CheckRun& run)
{
    std::ostringstream out;
    report::write_junit(out, run);
    return out.str();
}

/// An element's start tag with its attributes (the text from '<' to the first '>').
struct Tag {
    std::string text;
    std::size_t at = 0;
};

/// Value of attribute `name` of a start tag.
std::string attr(const Tag& tag, const std::string& name)
{
    const std::string key = " " + name + "=\"";
    const std::size_t begin = tag.text.find(key);
    REQUIRE_MESSAGE(begin != std::string::npos, name << " missing in " << tag.text);
    const std::size_t from = begin + key.size();
    return tag.text.substr(from, tag.text.find('"', from) - from);
}

/// A count attribute of a start tag.
std::size_t number(const Tag& tag, const std::string& name) { return std::stoul(attr(tag, name)); }

std::vector<Tag> tags(const std::string& xml, const std::string& element)
{
    std::vector<Tag> out;
    const std::string open = "<" + element + " ";
    for (std::size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
        out.push_back(Tag{xml.substr(at, xml.find('>', at) - at + 1), at});
    }
    return out;
}

/// Every <testcase ...>...</testcase> (or self-closed) element by (classname, name).
std::map<std::pair<std::string, std::string>, std::string> testcases(const std::string& xml)
{
    std::map<std::pair<std::string, std::string>, std::string> out;
    for (const Tag& t : tags(xml, "testcase")) {
        std::string element = t.text;
        if (t.text[t.text.size() - 2] != '/') {
            const std::size_t end = xml.find("</testcase>", t.at);
            REQUIRE(end != std::string::npos);
            element = xml.substr(t.at, end + 11 - t.at);
        }
        CHECK(out.emplace(std::make_pair(attr(t, "classname"), attr(t, "name")), element).second);
    }
    return out;
}

/// The testcase of rule `name` for trace `label`.
std::string testcase(const std::string& xml, const std::string& label, const std::string& name)
{
    const auto all = testcases(xml);
    const auto it = all.find({label, name});
    REQUIRE_MESSAGE(it != all.end(), "no testcase " << name << " for " << label);
    return it->second;
}

std::size_t occurrences(const std::string& s, const std::string& what)
{
    std::size_t n = 0;
    for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + what.size())) {
        ++n;
    }
    return n;
}

/// Rules that were checked on a trace (a pass or a finding), independent of the report code.
std::set<std::string> checked_rules(const checker::TraceResult& t)
{
    std::set<std::string> rules;
    for (const auto& [id, n] : t.replay.passes) {
        rules.emplace(id);
    }
    for (const auto& f : t.replay.findings) {
        rules.insert(f.rule);
    }
    return rules;
}

TEST_SUITE("checker")
{
    TEST_CASE("junit: one testsuite per trace file and one testcase per checked rule with correct counts")
    {
        const std::vector<std::string> files = {source("traces/ts33536-r17/viol-smc-new-context.json"),
                                                source("traces/ts33536-r17/ts33536-r17-random-100.jsonl"),
                                                source("traces/ts33536-r17/viol-replay.json")};
        const auto run = run_on(files);
        const std::string xml = junit(run);
        const auto suites = tags(xml, "testsuite");
        const auto cases = testcases(xml);
        REQUIRE(suites.size() == files.size());

        std::size_t all_tests = 0;
        std::size_t all_failures = 0;
        for (std::size_t i = 0; i < files.size(); ++i) {
            CHECK(attr(suites[i], "name") == files[i]);
            std::size_t tests = 0;
            std::size_t failures = 0;
            std::size_t traces = 0;
            for (const auto& t : run.traces) {
                if (t.file != files[i]) {
                    continue;
                }
                REQUIRE_FALSE(t.error);
                REQUIRE(t.expect);
                ++traces;
                tests += checked_rules(t).size();
                for (const auto& rule : checked_rules(t)) {
                    const auto it = cases.find({report::trace_label(t), rule});
                    REQUIRE_MESSAGE(it != cases.end(),
                                    "no testcase " << rule << " for " << report::trace_label(t));
                    const std::string& tc = it->second;
                    const bool violated =
                        t.expect->verdict == "violation" &&
                        std::count(t.expect->rules.begin(), t.expect->rules.end(), rule) != 0 &&
                        !run.specs.at(t.spec_id)->find_rule(rule)->warning;
                    CHECK_MESSAGE((tc.find("<failure") != std::string::npos) == violated, tc);
                    if (violated) {
                        CHECK(tc.find("type=\"" + rule + "\"") != std::string::npos);
                        ++failures;
                    }
                }
            }
            CHECK(traces >= 1);
            CHECK(number(suites[i], "tests") == tests);
            CHECK(number(suites[i], "failures") == failures);
            CHECK(number(suites[i], "errors") == 0);
            all_tests += tests;
            all_failures += failures;
        }
        const auto root = tags(xml, "testsuites");
        REQUIRE(root.size() == 1);
        CHECK(number(root[0], "tests") == all_tests);
        CHECK(number(root[0], "failures") == all_failures);
        CHECK(occurrences(xml, "<testcase ") == all_tests);
        // A .jsonl file's traces are told apart by their start line.
        CHECK(xml.find("classname=\"" + files[1] + ":2\"") != std::string::npos);
    }

    TEST_CASE("junit: the failure message explains event and offender with expected and observed and clauses")
    {
        const auto run = run_on({source("traces/ts33536-r17/viol-smc-new-context.json")});
        REQUIRE(run.traces.size() == 1);
        const auto& t = run.traces[0];
        const std::string tc = testcase(junit(run), report::trace_label(t), "SMC_NEW_CONTEXT");
        const auto failure = tags(tc, "failure");
        REQUIRE(failure.size() == 1);
        const std::string message = attr(failure[0], "message");
        CHECK(message.rfind("event ", 0) == 0);
        CHECK(message.find("(SECURITY_MODE_COMMAND) by the target: expected ") != std::string::npos);
        CHECK(message.find(", observed ") != std::string::npos);
        CHECK(message.find("TS 33.536") != std::string::npos);
    }

    TEST_CASE("junit: a warning keeps the testcase passing and goes to system-out")
    {
        const auto run = run_on({source("traces/ts33536-r17/warn-null-integrity-rekey.json")});
        REQUIRE(run.traces.size() == 1);
        const std::string xml = junit(run);
        CHECK(number(tags(xml, "testsuite")[0], "failures") == 0);
        const std::string tc = testcase(xml, report::trace_label(run.traces[0]), "NULL_INTEGRITY_REKEY");
        CHECK(tc.find("<failure") == std::string::npos);
        CHECK(tc.find("<skipped") == std::string::npos);
        CHECK(tc.find("<system-out>warning NULL_INTEGRITY_REKEY: event ") != std::string::npos);
    }

    TEST_CASE("junit: a rule only unverified and never violated is skipped with its reason")
    {
        const auto run = run_on({source("traces/tr33847-sol/seed-conform-plain.json")});
        REQUIRE(run.traces.size() == 1);
        const auto& t = run.traces[0];
        std::set<std::string> unverified;
        std::set<std::string> violated;
        for (const auto& f : t.replay.findings) {
            (f.outcome == machine::Outcome::unverified ? unverified : violated).insert(f.rule);
        }
        REQUIRE_FALSE(unverified.empty());
        const std::string xml = junit(run);
        std::size_t skipped = 0;
        for (const auto& rule : unverified) {
            if (violated.contains(rule)) {
                continue;
            }
            const std::string tc = testcase(xml, report::trace_label(t), rule);
            const auto s = tags(tc, "skipped");
            REQUIRE_MESSAGE(s.size() == 1, tc);
            CHECK(attr(s[0], "message").rfind("unverified: ", 0) == 0);
            CHECK(attr(s[0], "message").find("FFS") != std::string::npos);
            ++skipped;
        }
        CHECK(skipped >= 1);
        CHECK(number(tags(xml, "testsuite")[0], "skipped") == skipped);
    }

    TEST_CASE("junit: bad inputs are testcases with an error")
    {
        const auto run =
            run_on({source("tests/data/bad/unknown-ie.json"), source("tests/data/bad/empty.json"),
                    source("tests/data/bad/bad-second-line.jsonl")});
        std::size_t bad = run.errors.size();
        for (const auto& t : run.traces) {
            bad += t.error ? 1U : 0U;
        }
        REQUIRE(bad >= 3);
        const std::string xml = junit(run);
        CHECK(number(tags(xml, "testsuites")[0], "errors") == bad);
        CHECK(occurrences(xml, "<error message=") == bad);
        CHECK(occurrences(xml, "type=\"bad-input\"") == bad);
        CHECK(xml.find("unknown IE &apos;nonce_3&apos;") != std::string::npos);
        CHECK(xml.find("classname=\"" + source("tests/data/bad/bad-second-line.jsonl") + ":2\"") !=
              std::string::npos);
    }

    TEST_CASE("junit: titles and file names are XML-escaped")
    {
        // A corpus trace copied under a name and title full of XML specials.
        const std::filesystem::path dir = std::filesystem::temp_directory_path() / "pc5check-junit-test";
        std::filesystem::create_directories(dir);
        const std::string file = (dir / "a&b<c>.json").string();
        {
            std::ifstream in(source("traces/ts33536-r17/viol-smc-new-context.json"));
            nlohmann::json doc = nlohmann::json::parse(in);
            doc["title"] = "tricky <title> & \"quotes\" 'apostrophes' ]]> \x01 end";
            std::ofstream out(file);
            out << doc.dump(2);
        }
        const auto run = run_on({file});
        std::filesystem::remove_all(dir);
        REQUIRE(run.traces.size() == 1);
        REQUIRE_FALSE(run.traces[0].error);
        const std::string xml = junit(run);
        CHECK(xml.find("<title>") == std::string::npos);
        CHECK(xml.find("a&b") == std::string::npos);
        CHECK(xml.find('\x01') == std::string::npos);
        CHECK(xml.find("tricky &lt;title&gt; &amp; \"quotes\" 'apostrophes' ]]&gt; ? end") !=
              std::string::npos);
        CHECK(xml.find("name=\"" + (dir / "a&amp;b&lt;c&gt;.json").string() + "\"") != std::string::npos);
        // Every '&' starts an entity or character reference.
        const std::regex bad_amp("&(?!(amp|lt|gt|quot|apos|#[0-9]+);)");
        CHECK_FALSE(std::regex_search(xml, bad_amp));
    }

    TEST_CASE("junit: the report is deterministic and carries no times")
    {
        const std::vector<std::string> files = {source("traces/tr33847-sol"),
                                                source("traces/ts33536-r17/conform-plain.json")};
        const std::string first = junit(run_on(files));
        CHECK(first == junit(run_on(files)));
        CHECK(first.find(" time=") == std::string::npos);
        CHECK(first.find(" timestamp=") == std::string::npos);
        CHECK(first.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites ", 0) == 0);
    }
}

} // namespace
