/// \file Corpus oracle for ctest: every trace of a file must get the verdict and exactly the rule IDs
/// its `expect` names; `--coverage` checks that every rule of a spec is violated by at least one
/// corpus trace and passes cleanly in at least one conforming trace.

#include "pc5check/checker/check.h"
#include "pc5check/checker/report.h"

#include <algorithm>
#include <iostream>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace pc5check;

/// Rendered list " A B" for messages.
std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& i : items) {
        out += " " + i;
    }
    return out;
}

/// What is wrong with one result against its `expect` (empty: nothing).
std::vector<std::string> mismatches(const checker::TraceResult& t)
{
    std::vector<std::string> out;
    const trace::Expect& x = *t.expect;
    const std::string verdict = machine::to_string(t.replay.verdict);
    std::vector<std::string> expected = x.rules;
    std::sort(expected.begin(), expected.end());
    expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
    const std::vector<std::string> got = t.replay.violated_rules();
    if (verdict != x.verdict || got != expected) {
        out.push_back("expected " + x.verdict + " [" + joined(expected) + " ], got " + verdict + " [" +
                      joined(got) + " ]");
    }
    for (const auto& a : x.assumed) {
        const auto& as = t.replay.assumptions;
        if (std::none_of(as.begin(), as.end(),
                         [&](const std::string& s) { return s.find(a) != std::string::npos; })) {
            out.push_back("no reported assumption mentions '" + a + "'");
        }
    }
    for (const auto& rule : x.unverified) {
        const auto& fs = t.replay.findings;
        if (std::none_of(fs.begin(), fs.end(), [&](const machine::Finding& f) {
                return f.rule == rule && f.outcome == machine::Outcome::unverified;
            })) {
            out.push_back("rule " + rule + " is not reported unverified");
        }
    }
    if (!x.limit.empty() && t.replay.limit.find(x.limit) == std::string::npos) {
        out.push_back("the limit named ('" + t.replay.limit + "') does not mention '" + x.limit + "'");
    }
    return out;
}

int check_file(const std::string& file, const std::string& spec_dir)
{
    checker::CheckOptions defaults;
    defaults.spec_dirs = {spec_dir};
    checker::SpecCache specs(defaults);
    int failures = 0;
    std::size_t checked = 0;
    auto read = trace::for_each_trace_in_file(file, [&](Expected<trace::Trace>&& doc) {
        if (!doc) {
            std::cerr << "FAIL bad input: " << doc.error().to_string() << "\n";
            ++failures;
            return;
        }
        // A partial trace's expectation may ask for --max-missing / --timeout-ms.
        checker::CheckOptions options = defaults;
        // The oracle judges semantics, not speed (sanitizer builds are several times slower): a generous
        // solver budget unless the expectation is about the limit itself.
        options.symbolic_options.timeout_ms = 300'000;
        if (doc->expect && doc->expect->max_missing) {
            options.symbolic_options.max_missing = *doc->expect->max_missing;
        }
        if (doc->expect && doc->expect->timeout_ms) {
            options.symbolic_options.timeout_ms = *doc->expect->timeout_ms;
        }
        const checker::TraceResult t = checker::check_trace(*doc, specs.get(doc->spec), options);
        const std::string label = report::trace_label(t);
        if (t.error) {
            std::cerr << "FAIL " << label << ": bad input: " << t.error->to_string() << "\n";
            ++failures;
            return;
        }
        if (!t.expect) {
            std::cerr << "FAIL " << label << ": corpus trace without `expect`\n";
            ++failures;
            return;
        }
        ++checked;
        const auto wrong = mismatches(t);
        if (wrong.empty()) {
            return;
        }
        ++failures;
        for (const auto& w : wrong) {
            std::cerr << "FAIL " << label << " (" << t.title << "): " << w << "\n";
        }
        for (const auto& f : t.replay.findings) {
            std::cerr << "    " << f.rule << (f.outcome == machine::Outcome::violation ? "" : " (unverified)")
                      << " at event " << f.event << ": expected " << f.expected << ", observed " << f.observed
                      << (f.reason.empty() ? "" : " [" + f.reason + "]") << "\n";
        }
        for (const auto& a : t.replay.assumptions) {
            std::cerr << "    assumed: " << a << "\n";
        }
        for (const auto& c : t.replay.explanation) {
            std::cerr << "    conflict: " << c.what << "\n";
        }
        if (!t.replay.limit.empty()) {
            std::cerr << "    limit: " << t.replay.limit << "\n";
        }
    });
    if (!read) {
        std::cerr << "FAIL " << read.error().to_string() << "\n";
        ++failures;
    }
    std::cout << checked << " trace(s) checked in " << file << "\n";
    std::cout << (checked - std::min<std::size_t>(checked, static_cast<std::size_t>(failures))) << " passed, "
              << failures << " failed\n";
    return failures == 0 && checked > 0 ? 0 : 1;
}

int check_coverage(const std::string& dir, const std::string& spec_file)
{
    auto spec = spec::load_spec(spec_file);
    if (!spec) {
        std::cerr << "FAIL " << spec.error().to_string() << "\n";
        return 1;
    }
    checker::CheckOptions options;
    options.spec_file = spec_file;
    const checker::CheckRun run = checker::check_paths({dir}, options);
    std::set<std::string> violated;
    std::set<std::string> clean;
    for (const auto& t : run.traces) {
        // A trace may name a resolution of the spec's open points after its id ("id+param=value").
        const std::string base_id = t.spec_id.substr(0, t.spec_id.find('+'));
        if (t.error || !t.expect || base_id != spec->id || t.expect->max_missing || t.expect->timeout_ms) {
            continue; // traces needing other options are judged by their own corpus test
        }
        const auto got = t.replay.violated_rules();
        for (const auto& r : got) {
            if (std::find(t.expect->rules.begin(), t.expect->rules.end(), r) != t.expect->rules.end()) {
                violated.insert(r);
            }
        }
        if (t.expect->verdict == "conforms") {
            for (const auto& [rule, count] : t.replay.passes) {
                if (count > 0 && std::find(got.begin(), got.end(), rule) == got.end()) {
                    clean.emplace(rule);
                }
            }
        }
    }
    int failures = 0;
    for (const auto& r : spec->rules) {
        if (violated.count(r.id) == 0) {
            std::cerr << "FAIL rule " << r.id << ": no corpus trace violates it\n";
            ++failures;
        }
        if (clean.count(r.id) == 0) {
            std::cerr << "FAIL rule " << r.id << ": no conforming corpus trace exercises it cleanly\n";
            ++failures;
        }
    }
    const auto total = 2 * spec->rules.size();
    std::cout << (total - static_cast<std::size_t>(failures)) << " passed, " << failures << " failed\n";
    return failures == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 3 && args[0] == "--coverage") {
        return check_coverage(args[1], args[2]);
    }
    if (args.size() == 2) {
        return check_file(args[0], args[1]);
    }
    std::cerr << "usage: corpus_check TRACE_FILE SPEC_DIR | --coverage TRACE_DIR SPEC_FILE\n";
    return 2;
}
