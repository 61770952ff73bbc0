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

int check_file(const std::string& file, const std::string& spec_dir)
{
    checker::CheckOptions options;
    options.spec_dirs = {spec_dir};
    const checker::CheckRun run = checker::check_paths({file}, options);
    int failures = 0;
    for (const auto& e : run.errors) {
        std::cerr << "FAIL " << e.to_string() << "\n";
        ++failures;
    }
    std::size_t checked = 0;
    for (const auto& t : run.traces) {
        const std::string label = report::trace_label(t);
        if (t.error) {
            std::cerr << "FAIL " << label << ": bad input: " << t.error->to_string() << "\n";
            ++failures;
            continue;
        }
        if (!t.expect) {
            std::cerr << "FAIL " << label << ": corpus trace without `expect`\n";
            ++failures;
            continue;
        }
        ++checked;
        const std::string verdict = machine::to_string(t.replay.verdict);
        std::vector<std::string> expected = t.expect->rules;
        std::sort(expected.begin(), expected.end());
        expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
        const std::vector<std::string> got = t.replay.violated_rules();
        if (verdict != t.expect->verdict || got != expected) {
            std::string g;
            for (const auto& r : got) {
                g += " " + r;
            }
            std::string x;
            for (const auto& r : expected) {
                x += " " + r;
            }
            std::cerr << "FAIL " << label << " (" << t.title << "): expected " << t.expect->verdict << " [" << x
                      << " ], got " << verdict << " [" << g << " ]\n";
            for (const auto& f : t.replay.findings) {
                if (f.outcome == machine::Outcome::violation) {
                    std::cerr << "    " << f.rule << " at event " << f.event << ": expected " << f.expected
                              << ", observed " << f.observed << "\n";
                }
            }
            ++failures;
        }
    }
    std::cout << checked << " trace(s) checked in " << file << "\n";
    std::cout << (checked - std::min<std::size_t>(checked, static_cast<std::size_t>(failures))) << " passed, "
              << failures << " failed\n";
    return failures == 0 ? 0 : 1;
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
        if (t.error || !t.expect || t.spec_id != spec->id) {
            continue;
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
                    clean.insert(rule);
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
