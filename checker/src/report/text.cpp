#include "pc5check/checker/report.h"

#include <algorithm>
#include <map>

namespace pc5check::report {

namespace {

/// An input error without the file name (the table's first column already shows it).
std::string located_message(const Error& e)
{
    std::string out;
    if (e.line != 0) {
        out +=
            "line " + std::to_string(e.line) + (e.column != 0 ? ":" + std::to_string(e.column) : "") + ": ";
    }
    if (!e.json_pointer.empty()) {
        out += "at " + e.json_pointer + ": ";
    }
    return out + e.message;
}

struct Palette {
    bool on = false;
    [[nodiscard]] std::string paint(const std::string& text, const char* code) const
    {
        return on ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
    }
};

} // namespace

std::string trace_label(const checker::TraceResult& t)
{
    return t.line > 1 ? t.file + ":" + std::to_string(t.line) : t.file;
}

namespace {

/// The verdict table: a line per trace, its label padded to the longest (at most 70 characters).
void write_table(std::ostream& out, const checker::CheckRun& run, const Palette& p)
{
    std::size_t label_width = 5;
    run.for_each_trace(
        [&](const checker::TraceResult& t) { label_width = std::max(label_width, trace_label(t).size()); });
    label_width = std::min<std::size_t>(label_width, 70);
    if (run.trace_count() != 0) {
        std::string header = "trace";
        header.resize(label_width, ' ');
        out << header << "  "
            << "verdict     rules\n";
    }
    run.for_each_trace([&](const checker::TraceResult& t) {
        std::string label = trace_label(t);
        if (label.size() < label_width) {
            label.resize(label_width, ' ');
        }
        if (t.error) {
            out << label << "  " << p.paint("bad-input", "1;31") << "   " << located_message(*t.error)
                << "\n";
            return;
        }
        const auto& r = t.replay;
        const bool ok = r.verdict == machine::Verdict::conforms;
        std::string rules;
        for (const auto& id : r.violated_rules()) {
            rules += (rules.empty() ? "" : ", ") + id;
        }
        std::size_t unverified = 0;
        for (const auto& f : r.findings) {
            unverified += f.outcome == machine::Outcome::unverified ? 1 : 0;
        }
        std::string verdict = machine::to_string(r.verdict);
        verdict.resize(10, ' ');
        out << label << "  "
            << p.paint(verdict, ok ? "32" : (r.verdict == machine::Verdict::inconclusive ? "1;33" : "1;31"))
            << "  " << rules;
        if (r.mode == machine::Mode::symbolic) {
            out << (rules.empty() ? "" : "  ") << "[symbolic]";
        }
        if (unverified != 0) {
            out << (rules.empty() ? "" : "  ") << "(" << unverified << " unverified)";
        }
        out << "\n";
    });
}

} // namespace

void write_text(std::ostream& out, const checker::CheckRun& run, const TextOptions& options)
{
    const Palette p{options.color};
    for (const auto& e : run.errors) {
        out << p.paint("error", "1;31") << ": " << e.to_string() << "\n";
    }
    // Quiet (verbosity < 0): the summary line alone, counted from the run's tally without a pass.
    if (options.verbosity >= 0) {
        write_table(out, run, p);
    }

    // Details: violations and warnings, then unverified checks grouped by rule and reason.
    if (options.verbosity >= 0) {
        run.for_each_trace([&](const checker::TraceResult& t) {
            if (t.error) {
                return;
            }
            const auto& r = t.replay;
            bool header_done = false;
            const auto header = [&]() {
                if (!header_done) {
                    out << "\n"
                        << p.paint(trace_label(t), "1") << (t.title.empty() ? "" : "  (" + t.title + ")")
                        << "\n";
                    header_done = true;
                }
            };
            for (const auto& f : r.findings) {
                if (f.outcome != machine::Outcome::violation) {
                    continue;
                }
                header();
                out << "  " << p.paint(f.warning ? "warning " : "violation ", f.warning ? "33" : "31")
                    << p.paint(f.rule, "1") << " at event " << f.event << " (" << f.msg << ") by the "
                    << trace::to_string(f.offender) << "\n"
                    << "    " << spec::to_string(f.clauses) << ": " << f.rule_text << "\n"
                    << "    expected " << f.expected << ", observed " << f.observed << "\n";
            }
            std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> unverified;
            for (const auto& f : r.findings) {
                if (f.outcome == machine::Outcome::unverified) {
                    unverified[{f.rule, f.reason}].push_back(f.event);
                }
            }
            if (!unverified.empty() && (options.verbosity > 0 || r.verdict == machine::Verdict::violation ||
                                        unverified.size() <= 3)) {
                header();
                for (const auto& [key, events] : unverified) {
                    std::string list;
                    for (std::size_t k = 0; k < events.size() && k < 8; ++k) {
                        list += (list.empty() ? "" : ", ") + std::to_string(events[k]);
                    }
                    if (events.size() > 8) {
                        list += ", ...";
                    }
                    out << "  " << p.paint("unverified ", "33") << key.first << " at event"
                        << (events.size() > 1 ? "s " : " ") << list << ": " << key.second << "\n";
                }
            }
            if (!r.note.empty()) {
                header();
                out << "  note: " << r.note << "\n";
            }
            if (r.verdict == machine::Verdict::inconclusive) {
                header();
                out << "  " << p.paint("inconclusive", "1;33") << ": " << r.limit << "\n";
            }
            if (!r.explanation.empty()) {
                header();
                out << "  explanation: no conforming behaviour remains after event " << r.first_failing_event
                    << (r.inserted != 0
                            ? " (even with " + std::to_string(r.inserted) + " unlogged message(s) inserted)"
                            : "")
                    << "; these conflict:\n";
                for (const auto& c : r.explanation) {
                    out << "    - " << c.what;
                    if (!c.clauses.empty()) {
                        out << " [" << spec::to_string(c.clauses) << "]";
                    }
                    out << "\n";
                }
            }
            // Symbolic conforms: what had to be assumed is part of the verdict.
            const bool show_all = options.verbosity > 0;
            const bool show_some =
                r.mode == machine::Mode::symbolic && r.verdict == machine::Verdict::conforms;
            if (show_all || show_some) {
                constexpr std::size_t kShown = 10;
                for (std::size_t k = 0; k < r.assumptions.size(); ++k) {
                    if (!show_all && k == kShown) {
                        out << "  assumed: ... and " << r.assumptions.size() - kShown
                            << " more (-v lists all)\n";
                        break;
                    }
                    header();
                    out << "  assumed: " << r.assumptions[k] << "\n";
                }
            }
        });
    }
    const checker::ResultTally tally = run.tally();
    out << "\n"
        << run.trace_count() << " trace(s): " << tally.conforms << " conform, " << tally.violations
        << " violation, " << tally.bad + run.errors.size() << " bad input"
        << (tally.inconclusive != 0 ? ", " + std::to_string(tally.inconclusive) + " inconclusive" : "")
        << "\n";
}

} // namespace pc5check::report
