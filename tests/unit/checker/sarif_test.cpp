/// Tests of the SARIF report (checker/src/report/sarif.cpp) on corpus traces: log shape, rules and
/// ruleIndex, one result per violation (warning level for warnings, kind "open" for unverified checks),
/// regions at the events' positions in the trace files, URIs, determinism. Schema validity of the whole
/// corpus report is the ctest "report: sarif corpus schema".

#include "pc5check/checker/check.h"
#include "pc5check/checker/report.h"

#include <array>
#include <cstddef>
#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace pc5check;
using nlohmann::json;

std::string source(const std::string& rel) { return std::string(PC5CHECK_SOURCE_DIR) + "/" + rel; }

checker::CheckRun run_on(const std::vector<std::string>& paths)
{
    checker::CheckOptions options;
    options.spec_dirs = {source("spec")};
    return checker::check_paths(paths, options);
}

std::vector<std::string> lines_of(const std::string& file)
{
    std::ifstream in(file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

/// Restores the working directory when a test changed it.
class CurrentDir {
  public:
    explicit CurrentDir(const std::filesystem::path& dir) : saved_(std::filesystem::current_path())
    {
        std::filesystem::current_path(dir);
    }
    ~CurrentDir() { std::filesystem::current_path(saved_); }
    CurrentDir(const CurrentDir&) = delete;
    CurrentDir& operator=(const CurrentDir&) = delete;
    CurrentDir(CurrentDir&&) = delete;
    CurrentDir& operator=(CurrentDir&&) = delete;

  private:
    std::filesystem::path saved_;
};

constexpr std::array<const char*, 4> kFiles = {
    "traces/ts33536-r17/viol-smc-new-context.json", "traces/ts33536-r17/warn-null-integrity-rekey.json",
    "traces/tr33847-sol/seed-viol-order.json", "traces/ts33536-r17/ts33536-r17-random-100.jsonl"};

std::vector<std::string> corpus_files()
{
    std::vector<std::string> out;
    out.reserve(kFiles.size());
    for (const char* f : kFiles) {
        out.push_back(source(f));
    }
    return out;
}

TEST_SUITE("checker")
{
    TEST_CASE("sarif: log shape and the rules of the specs used")
    {
        const auto run = run_on(corpus_files());
        const json log = report::to_sarif(run);
        CHECK(log.at("$schema") == "https://json.schemastore.org/sarif-2.1.0.json");
        CHECK(log.at("version") == "2.1.0");
        REQUIRE(log.at("runs").size() == 1);
        const json& driver = log["runs"][0]["tool"]["driver"];
        CHECK(driver.at("name") == "pc5check");
        CHECK(driver.at("version").is_string());

        std::set<std::string> spec_rules;
        REQUIRE(run.specs.size() == 2);
        for (const auto& [id, spec] : run.specs) {
            for (const auto& r : spec->rules) {
                spec_rules.insert(r.id);
            }
        }
        std::set<std::string> ids;
        for (const json& r : driver.at("rules")) {
            CHECK_MESSAGE(ids.insert(r.at("id").get<std::string>()).second, "duplicate rule " << r["id"]);
            CHECK_FALSE(r.at("shortDescription").at("text").get<std::string>().empty());
            const std::string help = r.at("help").at("text");
            CHECK((help.find("TS ") != std::string::npos || help.find("TR ") != std::string::npos));
            CHECK_FALSE(r.at("properties").at("clauses").empty());
            const std::string level = r.at("defaultConfiguration").at("level");
            CHECK(level == (r["id"] == "NULL_INTEGRITY_REKEY" ? "warning" : "error"));
        }
        CHECK(ids == spec_rules);
    }

    TEST_CASE("sarif: one result per violation and unverified check with matching ruleIndex")
    {
        const auto run = run_on(corpus_files());
        const json sarif_run = report::to_sarif(run)["runs"][0];
        const json& rules = sarif_run["tool"]["driver"]["rules"];
        const json& results = sarif_run.at("results");
        std::size_t violations = 0;
        std::size_t warnings = 0;
        std::size_t unverified = 0;
        for (const auto& t : run.traces) {
            REQUIRE_FALSE(t.error);
            for (const auto& f : t.replay.findings) {
                if (f.outcome == machine::Outcome::unverified) {
                    ++unverified;
                } else if (f.outcome == machine::Outcome::violation) {
                    ++(f.warning ? warnings : violations);
                }
            }
        }
        REQUIRE(violations > 0);
        REQUIRE(warnings > 0);
        REQUIRE(unverified > 0);
        std::size_t errors_seen = 0;
        std::size_t warnings_seen = 0;
        std::size_t open_seen = 0;
        for (const json& r : results) {
            const std::size_t index = r.at("ruleIndex");
            REQUIRE(index < rules.size());
            CHECK(rules[index].at("id") == r.at("ruleId"));
            const std::string kind = r.at("kind");
            const std::string level = r.at("level");
            if (kind == "fail") {
                (level == "error" ? errors_seen : warnings_seen) += 1;
                CHECK((level == "error" || level == "warning"));
                CHECK(r["message"]["text"].get<std::string>().rfind("expected ", 0) == 0);
            } else {
                CHECK(kind == "open");
                CHECK(level == "none");
                CHECK(r["message"]["text"].get<std::string>().rfind("unverified (", 0) == 0);
                ++open_seen;
            }
        }
        CHECK(errors_seen == violations);
        CHECK(warnings_seen == warnings);
        CHECK(open_seen == unverified);
    }

    TEST_CASE("sarif: each region is where the offending event starts in its file")
    {
        const auto run = run_on(corpus_files());
        const json results = report::to_sarif(run)["runs"][0]["results"];
        std::size_t k = 0;
        for (const auto& t : run.traces) {
            const auto lines = lines_of(t.file);
            for (const auto& f : t.replay.findings) {
                if (f.outcome == machine::Outcome::pass) {
                    continue;
                }
                REQUIRE(k < results.size());
                const json& r = results[k++];
                CHECK(r["ruleId"] == f.rule);
                const json& loc = r["locations"][0]["physicalLocation"];
                const std::string uri = loc["artifactLocation"]["uri"];
                CHECK(uri.size() >= t.file.size() - std::string(PC5CHECK_SOURCE_DIR).size());
                CHECK(uri.substr(uri.size() - (t.file.size() - std::string(PC5CHECK_SOURCE_DIR).size())) ==
                      t.file.substr(std::string(PC5CHECK_SOURCE_DIR).size()));
                const std::size_t line = loc["region"]["startLine"];
                const std::size_t column = loc["region"]["startColumn"];
                REQUIRE(f.event < t.events.size());
                CHECK(line == t.events[f.event].position.line);
                CHECK(column == t.events[f.event].position.column);
                // Independently of the reader: an event object opens there, and it is this event's message.
                REQUIRE(line >= 1);
                REQUIRE(line <= lines.size());
                REQUIRE(column >= 1);
                REQUIRE(column <= lines[line - 1].size());
                CHECK(lines[line - 1][column - 1] == '{');
                std::string rest = lines[line - 1].substr(column - 1);
                for (std::size_t l = line; l < lines.size() && l < line + 40; ++l) {
                    rest += lines[l];
                }
                const std::size_t msg = rest.find("\"msg\"");
                REQUIRE(msg != std::string::npos);
                CHECK(rest.find("\"" + f.msg + "\"", msg) < rest.find('}', msg));
            }
        }
        CHECK(k == results.size());
    }

    TEST_CASE("sarif: URIs are relative to the current directory and percent-encoded")
    {
        const CurrentDir in_source(PC5CHECK_SOURCE_DIR);
        const auto run = run_on(
            {"traces/ts33536-r17/viol-smc-new-context.json", source("traces/ts33536-r17/viol-replay.json")});
        const json sarif_run = report::to_sarif(run)["runs"][0];
        const json& results = sarif_run.at("results");
        REQUIRE(results.size() >= 2);
        CHECK(results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
              "traces/ts33536-r17/viol-smc-new-context.json");
        // An absolute path below the current directory becomes relative too.
        CHECK(results.back()["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] ==
              "traces/ts33536-r17/viol-replay.json");
        const json& artifacts = sarif_run.at("artifacts");
        REQUIRE(artifacts.size() == 2);
        CHECK(artifacts[1]["location"]["uri"] == "traces/ts33536-r17/viol-replay.json");

        checker::CheckRun renamed = run;
        renamed.traces[0].file = "some dir/x#1%.json";
        const json uri = report::to_sarif(
            renamed)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        CHECK(uri == "some%20dir/x%231%25.json");
    }

    TEST_CASE("sarif: warnings are level warning and unverified checks kind open")
    {
        const auto run = run_on({source("traces/ts33536-r17/warn-null-integrity-rekey.json"),
                                 source("traces/tr33847-sol/seed-conform-plain.json")});
        const json results = report::to_sarif(run)["runs"][0]["results"];
        bool warning = false;
        bool open = false;
        for (const json& r : results) {
            if (r["ruleId"] == "NULL_INTEGRITY_REKEY") {
                warning = true;
                CHECK(r["level"] == "warning");
                CHECK(r["kind"] == "fail");
            }
            if (r["kind"] == "open") {
                open = true;
                CHECK(r["level"] == "none");
                CHECK(r["properties"]["reason"].get<std::string>().find("FFS") != std::string::npos);
            }
        }
        CHECK(warning);
        CHECK(open);
    }

    TEST_CASE("sarif: bad inputs are tool execution notifications")
    {
        const auto run =
            run_on({source("tests/data/bad/unknown-ie.json"), source("tests/data/bad/empty.json")});
        const json invocation = report::to_sarif(run)["runs"][0]["invocations"][0];
        CHECK(invocation["executionSuccessful"] == false);
        CHECK(invocation["exitCode"] == 2);
        const json& notes = invocation.at("toolExecutionNotifications");
        REQUIRE(notes.size() == 2);
        CHECK(notes[0]["level"] == "error");
        CHECK(notes[0]["message"]["text"].get<std::string>().find("nonce_3") != std::string::npos);
        CHECK(notes[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 1);
    }

    TEST_CASE("sarif: the log is deterministic")
    {
        const auto files = corpus_files();
        CHECK(report::to_sarif(run_on(files)).dump() == report::to_sarif(run_on(files)).dump());
    }
}

} // namespace
