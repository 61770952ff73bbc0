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

/// The details of one trace: violations and warnings, then unverified checks grouped by rule and
/// reason, notes, the explanation and assumptions; the trace's header line before the first of them.
class TraceDetails {
  public:
    TraceDetails(std::ostream& out, const Palette& p, const TextOptions& options,
                 const checker::TraceResult& t)
        : out_(out), p_(p), options_(options), t_(t), r_(t.replay)
    {
    }

    void write()
    {
        write_violations();
        write_unverified();
        if (!r_.note.empty()) {
            header();
            out_ << "  note: " << r_.note << "\n";
        }
        if (r_.verdict == machine::Verdict::inconclusive) {
            header();
            out_ << "  " << p_.paint("inconclusive", "1;33") << ": " << r_.limit << "\n";
        }
        write_explanation();
        write_assumptions();
        write_macs();
    }

  private:
    void header()
    {
        if (!header_done_) {
            out_ << "\n"
                 << p_.paint(trace_label(t_), "1") << (t_.title.empty() ? "" : "  (" + t_.title + ")")
                 << "\n";
            header_done_ = true;
        }
    }

    void write_violations()
    {
        for (const auto& f : r_.findings) {
            if (f.outcome != machine::Outcome::violation) {
                continue;
            }
            header();
            out_ << "  " << p_.paint(f.warning ? "warning " : "violation ", f.warning ? "33" : "31")
                 << p_.paint(f.rule, "1") << " at event " << f.event << " (" << f.msg << ") by the "
                 << trace::to_string(f.offender) << "\n"
                 << "    " << spec::to_string(f.clauses) << ": " << f.rule_text << "\n"
                 << "    expected " << f.expected << ", observed " << f.observed << "\n";
        }
    }

    void write_unverified()
    {
        std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> unverified;
        for (const auto& f : r_.findings) {
            if (f.outcome == machine::Outcome::unverified) {
                unverified[{f.rule, f.reason}].push_back(f.event);
            }
        }
        if (unverified.empty() || !(options_.verbosity > 0 || r_.verdict == machine::Verdict::violation ||
                                    unverified.size() <= 3)) {
            return;
        }
        header();
        for (const auto& [key, events] : unverified) {
            out_ << "  " << p_.paint("unverified ", "33") << key.first << " at event"
                 << (events.size() > 1 ? "s " : " ") << event_list(events) << ": " << key.second << "\n";
        }
    }

    /// -v: which integrity algorithm reproduced each logged MAC-I.
    void write_macs()
    {
        if (options_.verbosity == 0 || r_.mac_verified_by.empty()) {
            return;
        }
        header();
        for (const auto& [alg, events] : r_.mac_verified_by) {
            out_ << "  MAC-I reproduced by " << alg << " at event" << (events.size() > 1 ? "s " : " ")
                 << event_list(events) << "\n";
        }
    }

    /// The first events of a list, "0, 2, 5, ..." past eight.
    [[nodiscard]] static std::string event_list(const std::vector<std::size_t>& events)
    {
        std::string list;
        for (std::size_t k = 0; k < events.size() && k < 8; ++k) {
            list += (list.empty() ? "" : ", ") + std::to_string(events[k]);
        }
        if (events.size() > 8) {
            list += ", ...";
        }
        return list;
    }

    void write_explanation()
    {
        if (r_.explanation.empty()) {
            return;
        }
        header();
        out_ << "  explanation: no conforming behaviour remains after event " << r_.first_failing_event
             << (r_.inserted != 0
                     ? " (even with " + std::to_string(r_.inserted) + " unlogged message(s) inserted)"
                     : "")
             << "; these conflict:\n";
        for (const auto& c : r_.explanation) {
            out_ << "    - " << c.what;
            if (!c.clauses.empty()) {
                out_ << " [" << spec::to_string(c.clauses) << "]";
            }
            out_ << "\n";
        }
    }

    /// Symbolic conforms: what had to be assumed is part of the verdict.
    void write_assumptions()
    {
        const bool show_all = options_.verbosity > 0;
        const bool show_some = r_.mode == machine::Mode::symbolic && r_.verdict == machine::Verdict::conforms;
        if (!show_all && !show_some) {
            return;
        }
        constexpr std::size_t kShown = 10;
        for (std::size_t k = 0; k < r_.assumptions.size(); ++k) {
            if (!show_all && k == kShown) {
                out_ << "  assumed: ... and " << r_.assumptions.size() - kShown << " more (-v lists all)\n";
                break;
            }
            header();
            out_ << "  assumed: " << r_.assumptions[k] << "\n";
        }
    }

    std::ostream& out_;
    const Palette& p_;
    const TextOptions& options_;
    const checker::TraceResult& t_;
    const machine::ReplayResult& r_;
    bool header_done_ = false;
};

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

    if (options.verbosity >= 0) {
        run.for_each_trace([&](const checker::TraceResult& t) {
            if (!t.error) {
                TraceDetails(out, p, options, t).write();
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
