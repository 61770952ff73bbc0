/// \file JUnit XML report of a `check` run, for CI test-result viewers (Jenkins, GitLab, GitHub actions).
///
/// Mapping (valid against tests/data/junit.xsd, which follows the Jenkins xUnit plugin's junit-10.xsd):
///   <testsuite>  one per trace file (a .jsonl file holds many traces), in input order; file-level
///                input errors get their own suite (or join their file's suite).
///   <testcase>   one per (trace, rule checked on it), in spec order: name = rule ID, classname = trace
///                label ("file" or "file:line").
///     violation            -> <failure type="RULE_ID" message="event N (MSG) by the ROLE: expected X,
///                             observed Y; CLAUSES"> (first violation; the body lists all of them)
///     warning-only rule    -> passing testcase; the warnings go to its <system-out> (warnings do not make
///                             the verdict a violation, docs/rules.md)
///     unverified, never violated -> <skipped message="unverified: REASON"> (docs/cli.md (verdicts): an
///                             unverified check is never reported as a plain pass)
///     bad input            -> testcase "bad-input" with <error type="bad-input">
///     verdict inconclusive -> testcase "inconclusive" with <skipped>
/// No time attributes: the report is deterministic (same run, same bytes).

#include "pc5check/checker/report.h"
#include "report/xml_escape.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

namespace pc5check::report {

namespace {

using xml::attr;

using xml::text;

/// "event N (MSG) by the ROLE: expected X, observed Y; CLAUSES".
std::string explain(const machine::Finding& f)
{
    std::string out = "event " + std::to_string(f.event) + " (" + f.msg + ") by the " +
                      trace::to_string(f.offender) + ": expected " + f.expected + ", observed " + f.observed;
    const std::string clauses = spec::to_string(f.clauses);
    return clauses.empty() ? out : out + "; " + clauses;
}

/// One <testcase>, rendered, with what it adds to its suite's counters.
struct Case {
    std::string xml;
    bool failure = false;
    bool error = false;
    bool skipped = false;
};

/// A <testsuite> being built.
struct Suite {
    std::string name;
    std::vector<Case> cases;
    std::string system_out;
};

std::string case_open(const std::string& name, const std::string& classname)
{
    return "    <testcase name=\"" + attr(name) + "\" classname=\"" + attr(classname) + "\"";
}

Case error_case(const std::string& classname, const Error& e)
{
    Case c;
    c.error = true;
    c.xml = case_open("bad-input", classname) + ">\n      <error message=\"" + attr(e.to_string()) +
            R"(" type="bad-input">)" + text(e.to_string()) + "</error>\n    </testcase>\n";
    return c;
}

/// The findings of one rule on one trace, split by kind.
struct RuleFindings {
    std::vector<const machine::Finding*> violations; ///< rule violations proper
    std::vector<const machine::Finding*> warnings;   ///< violations of a warning-only rule
    std::vector<const machine::Finding*> unverified;
};

Case rule_case(const std::string& rule, const std::string& label, const std::string& title,
               const RuleFindings& found)
{
    Case c;
    std::string body;
    std::string out;
    if (!found.violations.empty()) {
        c.failure = true;
        std::string message = explain(*found.violations.front());
        if (found.violations.size() > 1) {
            message += " (and " + std::to_string(found.violations.size() - 1) + " more)";
        }
        std::string details = title.empty() ? "" : "trace: " + title + "\n";
        details += rule + ": " + found.violations.front()->rule_text + "\n";
        for (const auto* f : found.violations) {
            details += explain(*f) + "\n";
        }
        body += "      <failure message=\"" + attr(message) + "\" type=\"" + attr(rule) + "\">" +
                text(details) + "</failure>\n";
    } else if (found.warnings.empty() && !found.unverified.empty()) {
        c.skipped = true;
        std::vector<std::string> reasons;
        for (const auto* f : found.unverified) {
            if (std::find(reasons.begin(), reasons.end(), f->reason) == reasons.end()) {
                reasons.push_back(f->reason);
            }
        }
        std::string message = "unverified:";
        for (std::size_t k = 0; k < reasons.size(); ++k) {
            message += (k == 0 ? " " : "; ") + reasons[k];
        }
        std::string details;
        for (const auto* f : found.unverified) {
            details += explain(*f) + " (unverified: " + f->reason + ")\n";
        }
        body += "      <skipped message=\"" + attr(message) + "\">" + text(details) + "</skipped>\n";
    }
    for (const auto* f : found.warnings) {
        out += "warning " + rule + ": " + explain(*f) + "\n";
    }
    // Unverified checks of a rule that is also failing or warned about stay visible here.
    if (c.failure || !found.warnings.empty()) {
        for (const auto* f : found.unverified) {
            out += "unverified " + rule + ": " + explain(*f) + " (" + f->reason + ")\n";
        }
    }
    if (!out.empty()) {
        body += "      <system-out>" + text(out) + "</system-out>\n";
    }
    c.xml = case_open(rule, label) + (body.empty() ? "/>\n" : ">\n" + body + "    </testcase>\n");
    return c;
}

/// The testcases of one checked trace: one per rule of its spec that was checked, in spec order.
void add_trace_cases(const checker::CheckRun& run, const checker::TraceResult& t, Suite& suite)
{
    const std::string label = trace_label(t);
    const auto& r = t.replay;
    std::map<std::string, RuleFindings> by_rule;
    for (const auto& f : r.findings) {
        auto& found = by_rule[f.rule];
        if (f.outcome == machine::Outcome::unverified) {
            found.unverified.push_back(&f);
        } else if (f.outcome == machine::Outcome::violation) {
            (f.warning ? found.warnings : found.violations).push_back(&f);
        }
    }
    std::vector<std::string> rules;
    if (const auto it = run.specs.find(t.spec_id); it != run.specs.end() && it->second) {
        for (const auto& rule : it->second->rules) {
            if (r.passes.contains(rule.id) || by_rule.contains(rule.id)) {
                rules.push_back(rule.id);
            }
        }
    }
    // Rules the spec does not list (not expected; kept so no finding is ever dropped), in ID order.
    for (const auto& [id, found] : by_rule) {
        if (std::find(rules.begin(), rules.end(), id) == rules.end()) {
            rules.push_back(id);
        }
    }
    for (const auto& [id, count] : r.passes) {
        if (count != 0 && std::find(rules.begin(), rules.end(), id) == rules.end()) {
            rules.emplace_back(id);
        }
    }
    const RuleFindings none;
    for (const auto& id : rules) {
        const auto it = by_rule.find(id);
        suite.cases.push_back(rule_case(id, label, t.title, it == by_rule.end() ? none : it->second));
    }
    if (r.verdict == machine::Verdict::inconclusive) {
        Case c;
        c.skipped = true;
        c.xml = case_open("inconclusive", label) +
                ">\n      <skipped message=\"inconclusive: the solver hit a limit\"/>\n    </testcase>\n";
        suite.cases.push_back(c);
    }
}

/// Per trace of the suite: label, title, spec, verdict and what had to be assumed.
std::string trace_summary(const checker::TraceResult& t)
{
    std::string out = trace_label(t);
    if (!t.title.empty()) {
        out += " (" + t.title + ")";
    }
    if (t.error) {
        return out + ": bad input\n";
    }
    out += ": " + std::string(machine::to_string(t.replay.verdict));
    if (!t.spec_id.empty()) {
        out += " against " + t.spec_id;
    }
    out += "\n";
    for (const auto& a : t.replay.assumptions) {
        out += "  assumed: " + a + "\n";
    }
    return out;
}

Suite& suite_for(std::vector<Suite>& suites, std::map<std::string, std::size_t>& index,
                 const std::string& name)
{
    const auto [it, inserted] = index.try_emplace(name, suites.size());
    if (inserted) {
        suites.push_back(Suite{name, {}, {}});
    }
    return suites[it->second];
}

/// What a <testsuite> start tag says.
struct SuiteCounts {
    std::string name;
    std::size_t tests = 0;
    std::size_t failures = 0;
    std::size_t errors = 0;
    std::size_t skipped = 0;

    void add(const Case& c)
    {
        ++tests;
        failures += c.failure ? 1 : 0;
        errors += c.error ? 1 : 0;
        skipped += c.skipped ? 1 : 0;
    }
    [[nodiscard]] std::string open_tag() const
    {
        return "  <testsuite name=\"" + attr(name) + "\" tests=\"" + std::to_string(tests) +
               "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
               "\" skipped=\"" + std::to_string(skipped) + "\">\n";
    }
};

/// The testcases of one trace result.
std::vector<Case> trace_cases(const checker::CheckRun& run, const checker::TraceResult& t)
{
    Suite suite;
    if (t.error) {
        suite.cases.push_back(error_case(trace_label(t), *t.error));
    } else {
        add_trace_cases(run, t, suite);
    }
    return std::move(suite.cases);
}

/// The original, buffered writer: for runs whose trace files are not contiguous (a file named twice).
void write_junit_buffered(std::ostream& out, const checker::CheckRun& run)
{
    std::vector<Suite> suites;
    std::map<std::string, std::size_t> index;
    run.for_each_trace([&](const checker::TraceResult& t) {
        Suite& suite = suite_for(suites, index, t.file);
        suite.system_out += trace_summary(t);
        for (auto& c : trace_cases(run, t)) {
            suite.cases.push_back(std::move(c));
        }
    });
    for (const auto& e : run.errors) {
        const std::string name = e.file.empty() ? "pc5check" : e.file;
        suite_for(suites, index, name).cases.push_back(error_case(name, e));
    }

    std::size_t tests = 0;
    std::size_t failures = 0;
    std::size_t errors = 0;
    std::string body;
    for (const auto& s : suites) {
        SuiteCounts counts{s.name};
        for (const auto& c : s.cases) {
            counts.add(c);
        }
        tests += counts.tests;
        failures += counts.failures;
        errors += counts.errors;
        body += counts.open_tag();
        for (const auto& c : s.cases) {
            body += c.xml;
        }
        if (!s.system_out.empty()) {
            body += "    <system-out>" + text(s.system_out) + "</system-out>\n";
        }
        body += "  </testsuite>\n";
    }
    out << R"(<?xml version="1.0" encoding="UTF-8"?>)"
        << "\n"
        << R"(<testsuites name="pc5check" tests=")" << tests << R"(" failures=")" << failures
        << R"(" errors=")" << errors << "\">\n"
        << body << "</testsuites>\n";
}

struct FileCloser {
    void operator()(std::FILE* f) const { (void)std::fclose(f); }
};

} // namespace

namespace {

/// write_junit's pass 2: the suites of trace files written as their traces come (trace files come one
/// after the other), each trace's summary kept in a temporary file meanwhile: a suite's <system-out>
/// follows its test cases.
class SuiteWriter {
  public:
    /// All arguments outlive the writer.
    SuiteWriter(std::ostream& out, std::FILE* spool, const std::vector<SuiteCounts>& suites,
                const std::vector<std::vector<Case>>& error_cases)
        : out_(out), system_out_(spool), suites_(suites), error_cases_(error_cases)
    {
    }

    /// Trace `t`, of suite `k`.
    void trace(std::size_t k, const checker::CheckRun& run, const checker::TraceResult& t)
    {
        if (open_ != k) {
            if (open_) {
                close_suite(*open_);
            }
            out_ << suites_[k].open_tag();
            open_ = k;
        }
        for (const auto& c : trace_cases(run, t)) {
            out_ << c.xml;
        }
        const std::string summary = text(trace_summary(t));
        (void)std::fwrite(summary.data(), 1, summary.size(), system_out_);
        has_system_out_ = true;
    }

    /// Closes the last trace suite and writes the suites of files without traces (from `trace_suites`).
    void finish(std::size_t trace_suites)
    {
        if (open_) {
            close_suite(*open_);
        }
        for (std::size_t k = trace_suites; k < suites_.size(); ++k) {
            out_ << suites_[k].open_tag();
            close_suite(k);
        }
    }

  private:
    void close_suite(std::size_t k)
    {
        for (const auto& c : error_cases_[k]) {
            out_ << c.xml;
        }
        if (has_system_out_) {
            out_ << "    <system-out>";
            (void)std::fflush(system_out_);
            std::rewind(system_out_);
            std::array<char, 1U << 16U> chunk{};
            std::size_t n = 0;
            while ((n = std::fread(chunk.data(), 1, chunk.size(), system_out_)) != 0) {
                out_.write(chunk.data(), static_cast<std::streamsize>(n));
            }
            std::rewind(system_out_);
            (void)ftruncate(fileno(system_out_), 0);
            out_ << "</system-out>\n";
        }
        has_system_out_ = false;
        out_ << "  </testsuite>\n";
    }

    std::ostream& out_;
    std::FILE* system_out_;
    const std::vector<SuiteCounts>& suites_;
    const std::vector<std::vector<Case>>& error_cases_;
    std::optional<std::size_t> open_;
    bool has_system_out_ = false;
};

/// The <testsuites> tag with the totals of `suites`.
void open_testsuites(std::ostream& out, const std::vector<SuiteCounts>& suites)
{
    std::size_t tests = 0;
    std::size_t failures = 0;
    std::size_t errors = 0;
    for (const auto& s : suites) {
        tests += s.tests;
        failures += s.failures;
        errors += s.errors;
    }
    out << R"(<?xml version="1.0" encoding="UTF-8"?>)"
        << "\n"
        << R"(<testsuites name="pc5check" tests=")" << tests << R"(" failures=")" << failures
        << R"(" errors=")" << errors << "\">\n";
}

} // namespace

void write_junit(std::ostream& out, const checker::CheckRun& run)
{
    // Pass 1: the suites and their counts. Trace files come one after the other, so pass 2 can write
    // each suite as its traces come and close it when the next file starts.
    std::vector<SuiteCounts> suites;
    std::map<std::string, std::size_t> index;
    bool contiguous = true;
    run.for_each_trace([&](const checker::TraceResult& t) {
        const auto [it, inserted] = index.try_emplace(t.file, suites.size());
        if (inserted) {
            suites.push_back(SuiteCounts{t.file});
        } else if (it->second + 1 != suites.size()) {
            contiguous = false;
        }
        for (const auto& c : trace_cases(run, t)) {
            suites[it->second].add(c);
        }
    });
    const std::unique_ptr<std::FILE, FileCloser> spool(std::tmpfile());
    if (!contiguous || !spool) {
        write_junit_buffered(out, run);
        return;
    }
    const std::size_t trace_suites = suites.size();
    std::vector<std::vector<Case>> error_cases(suites.size());
    for (const auto& e : run.errors) {
        const std::string name = e.file.empty() ? "pc5check" : e.file;
        const auto [it, inserted] = index.try_emplace(name, suites.size());
        if (inserted) {
            suites.push_back(SuiteCounts{name});
            error_cases.emplace_back();
        }
        error_cases[it->second].push_back(error_case(name, e));
        suites[it->second].add(error_cases[it->second].back());
    }
    open_testsuites(out, suites);

    // Pass 2.
    SuiteWriter writer(out, spool.get(), suites, error_cases);
    run.for_each_trace([&](const checker::TraceResult& t) { writer.trace(index.at(t.file), run, t); });
    writer.finish(trace_suites);
    out << "</testsuites>\n";
}

} // namespace pc5check::report
