/// \file The HTML report of a `check` run (report.h `write_html`): one self-contained page.
///
/// Layout: header, summary (counts, rules broken, one row per trace), file-level input errors, then one
/// <section class="trace"> per trace: its violations (each row linked to its arrow), the message
/// sequence chart (report/html_msc.h), the reference model's state at the first violation, the
/// unverified checks grouped by rule and reason, the assumptions and the checks that passed.
/// Everything from a trace or spec goes through `escape`; nothing depends on time or on the locale, so
/// the same run always gives the same bytes.

#include "pc5check/checker/report.h"
#include "report/html_assets.h"
#include "report/html_escape.h"
#include "report/html_figure.h"
#include "report/html_msc.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace pc5check::report {

namespace {

using html::escape;

constexpr std::size_t kShownFindingRows = 8; // violation rows in view per trace
constexpr std::size_t kMaxFindingRows = 200; // violation rows per trace
constexpr std::size_t kMaxAssumptions = 200; // assumptions listed per trace
constexpr std::size_t kMaxEventLinks = 24;   // event links per unverified group

/// Verdict of a trace as the JSON report spells it ("bad-input" for unreadable input).
std::string verdict_of(const checker::TraceResult& t)
{
    return t.error ? "bad-input" : machine::to_string(t.replay.verdict);
}

std::string verdict_label(const std::string& verdict)
{
    return verdict == "bad-input" ? "bad input" : verdict;
}

/// The counts of the JSON report's `summary` (report/json.cpp): inconclusive counts as violation.
struct Counts {
    std::size_t traces = 0;
    std::size_t conforms = 0;
    std::size_t violation = 0;
    std::size_t bad_input = 0;
};

Counts count(const checker::CheckRun& run)
{
    const checker::ResultTally tally = run.tally();
    Counts c;
    c.traces = run.trace_count();
    c.conforms = tally.conforms;
    c.violation = tally.violations + tally.inconclusive; // the page counts inconclusive as not conforming
    c.bad_input = run.errors.size() + tally.bad;
    return c;
}

/// The directory all trace files share (e.g. "corpus/traces/"), so the tables can show shorter names.
std::string common_dir(const checker::CheckRun& run)
{
    std::optional<std::string> common;
    run.for_each_trace([&common](const checker::TraceResult& t) {
        if (!common) {
            common = t.file;
        }
        std::string& prefix = *common;
        std::size_t n = 0;
        while (n < prefix.size() && n < t.file.size() && prefix[n] == t.file[n]) {
            ++n;
        }
        prefix.resize(n);
    });
    if (!common) {
        return {};
    }
    const std::string& prefix = *common;
    const auto slash = prefix.rfind('/');
    return slash == std::string::npos ? std::string() : prefix.substr(0, slash + 1);
}

/// trace_label without the common directory.
std::string short_label(const checker::TraceResult& t, const std::string& dir)
{
    const std::string label = trace_label(t);
    return label.compare(0, dir.size(), dir) == 0 ? label.substr(dir.size()) : label;
}

std::string anchor_of(std::size_t index) { return "t" + std::to_string(index); }

void write_clauses(std::ostream& out, const std::vector<spec::ClauseRef>& clauses)
{
    for (const auto& c : clauses) {
        out << "<div class=\"clause\">" << escape(c.to_string());
        if (!c.note.empty()) {
            out << " <span class=\"note\">(" << escape(c.note) << ")</span>";
        }
        out << "</div>";
    }
}

/// The parts of an input error: file, line:column, JSON pointer, event, message.
void write_error_box(std::ostream& out, const Error& e)
{
    out << R"(<div class="error-box" data-file=")" << escape(e.file) << R"("><dl class="meta">)";
    if (!e.file.empty()) {
        out << "<dt>file</dt><dd class=\"mono\">" << escape(e.file) << "</dd>";
    }
    if (e.line != 0) {
        out << "<dt>line:column</dt><dd class=\"mono err-pos\">" << e.line << ":" << e.column << "</dd>";
    }
    if (!e.json_pointer.empty()) {
        out << "<dt>pointer</dt><dd class=\"mono err-pointer\">" << escape(e.json_pointer) << "</dd>";
    }
    if (e.event_index) {
        out << "<dt>event</dt><dd class=\"mono\">#" << *e.event_index << "</dd>";
    }
    out << "<dt>message</dt><dd class=\"msgtext err-message\">" << escape(e.message) << "</dd></dl></div>\n";
}

void write_head(std::ostream& out, const checker::CheckRun& run, const Counts& c)
{
    std::ostringstream sub;
    sub << "PC5 unicast link re-keying";
    if (!run.specs.empty()) {
        sub << " \xC2\xB7 spec ";
        bool first = true;
        for (const auto& [id, spec] : run.specs) {
            sub << (first ? "" : ", ") << "<code title=\"" << escape(spec ? spec->title : std::string())
                << "\">" << escape(id) << "</code>";
            first = false;
        }
    }
    html::write_page_start(out,
                           "pc5check report: " + std::to_string(c.traces) + " trace(s), " +
                               std::to_string(c.violation) + " violation, " + std::to_string(c.bad_input) +
                               " bad input",
                           "conformance report", sub.str());
}

/// Rules broken across the run: rule -> number of traces (warnings marked).
void write_rule_tally(std::ostream& out, const checker::CheckRun& run)
{
    std::map<std::string, std::pair<std::size_t, bool>> tally;
    run.for_each_trace([&tally](const checker::TraceResult& t) {
        if (t.error) {
            return;
        }
        std::set<std::string> seen;
        for (const auto& f : t.replay.findings) {
            if (f.outcome == machine::Outcome::violation && seen.insert(f.rule).second) {
                auto& [n, warning] = tally[f.rule];
                ++n;
                warning = f.warning;
            }
        }
    });
    if (!tally.empty()) {
        out << R"(<ul class="tally" aria-label="rules broken">)";
        for (const auto& [rule, entry] : tally) {
            out << "<li data-rule=\"" << escape(rule) << "\"><b" << (entry.second ? " class=\"warn\"" : "")
                << ">" << escape(rule) << "</b> " << (entry.second ? "warning in " : "") << entry.first
                << " trace" << (entry.first == 1 ? "" : "s") << "</li>";
        }
        out << "</ul>\n";
    }
}

/// Row `i` of the summary table: trace `t`.
void write_summary_row(std::ostream& out, const checker::TraceResult& t, std::size_t i,
                       const std::string& dir)
{
    const std::string verdict = verdict_of(t);
    out << "<tr data-verdict=\"" << verdict << "\" data-trace=\"" << anchor_of(i) << R"("><td class="num">)"
        << i << R"(</td><td class="trace"><a href="#)" << anchor_of(i) << "\" title=\""
        << escape(trace_label(t)) << "\">" << escape(short_label(t, dir))
        << R"(</a></td><td class="title" title=")" << escape(t.title) << "\">" << escape(t.title)
        << "</td><td class=\"mono spec\">" << escape(t.spec_id) << "</td><td class=\"num\">"
        << (t.error ? std::string() : std::to_string(t.event_count)) << "</td><td><span class=\"badge "
        << verdict << "\">" << verdict_label(verdict) << "</span></td><td class=\"rules\">";
    if (t.error) {
        out << "<span class=\"mono\">" << escape(t.error->json_pointer) << "</span>";
    } else {
        std::size_t unverified = 0;
        std::set<std::string> warnings;
        for (const auto& f : t.replay.findings) {
            unverified += f.outcome == machine::Outcome::unverified ? 1 : 0;
            if (f.outcome == machine::Outcome::violation && f.warning) {
                warnings.insert(f.rule);
            }
        }
        bool first = true;
        for (const auto& rule : t.replay.violated_rules()) {
            out << (first ? "" : " ") << "<span class=\"rid" << (warnings.contains(rule) ? " warn" : "")
                << "\">" << escape(rule) << "</span>";
            first = false;
        }
        out << "</td><td class=\"num\">" << (unverified == 0 ? std::string() : std::to_string(unverified));
    }
    if (t.error) {
        out << "</td><td class=\"num\">";
    }
    out << "</td></tr>\n";
}

void write_summary(std::ostream& out, const checker::CheckRun& run, const Counts& c, const std::string& dir)
{
    out << "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">"
        << R"(<div class="card traces"><span class="n" id="count-traces">)" << c.traces
        << "</span><span class=\"l\">traces</span></div>"
        << R"(<div class="card conforms"><span class="n" id="count-conforms">)" << c.conforms
        << "</span><span class=\"l\">conform</span></div>"
        << R"(<div class="card violation"><span class="n" id="count-violation">)" << c.violation
        << "</span><span class=\"l\">violation</span></div>"
        << R"(<div class="card bad-input"><span class="n" id="count-bad-input">)" << c.bad_input
        << "</span><span class=\"l\">bad input</span></div></div>\n";

    write_rule_tally(out, run);

    if (run.trace_count() == 0) {
        out << "<p class=\"empty\">No traces were read.</p>\n";
    } else {
        if (!dir.empty()) {
            out << "<p class=\"dir\">Trace files under <code>" << escape(dir) << "</code></p>\n";
        }
        out << R"(<table class="summary"><thead><tr><th class="num">#</th><th>trace</th><th>title</th>)"
            << "<th>spec</th><th class=\"num\">events</th><th>verdict</th><th>rules</th>"
            << "<th class=\"num\">unverified</th></tr></thead>\n<tbody>\n";
        std::size_t i = 0;
        run.for_each_trace([&](const checker::TraceResult& t) { write_summary_row(out, t, i++, dir); });
        out << "</tbody></table>\n";
    }
    out << "</section>\n";

    if (!run.errors.empty()) {
        out << "<section id=\"input-errors\">\n<h2>Input errors</h2>\n";
        for (const auto& e : run.errors) {
            write_error_box(out, e);
        }
        out << "</section>\n";
    }
}

void write_finding_row(std::ostream& out, const std::string& anchor, const machine::Finding& f, std::size_t k,
                       const std::vector<bool>& drawn)
{
    const char* cls = f.warning ? "warning" : "violation";
    out << "<tr class=\"" << cls << "\" id=\"" << anchor << "-f" << k << "\" data-rule=\"" << escape(f.rule)
        << "\" data-event=\"" << f.event << "\" data-offender=\"" << trace::to_string(f.offender)
        << R"("><td class="ev">)";
    if (f.event < drawn.size() && drawn[f.event]) {
        out << "<a href=\"#" << anchor << "-e" << f.event << "\">#" << f.event << "</a>";
    } else {
        out << "#" << f.event;
    }
    out << "<div class=\"mono\">" << escape(f.msg) << "</div></td><td><span class=\"rid"
        << (f.warning ? " warn" : "") << "\">" << escape(f.rule) << "</span>"
        << (f.warning ? " <span class=\"badge inconclusive\">warning</span>" : "") << "<div class=\"rtext\">"
        << escape(f.rule_text) << "</div></td><td class=\"offender\">" << trace::to_string(f.offender)
        << "</td><td>";
    write_clauses(out, f.clauses);
    out << R"(</td><td><div class="exp"><span class="k">expected</span> )" << escape(f.expected)
        << R"(</div><div class="obs"><span class="k">observed</span> )" << escape(f.observed)
        << "</div></td></tr>\n";
}

/// Violations and warnings, one row each: the first few in view, more behind a <details> (the chart
/// must stay near the top), the rest only in the JSON report.
void write_findings(std::ostream& out, const std::string& anchor, const checker::TraceResult& t,
                    const std::vector<bool>& drawn)
{
    const auto& findings = t.replay.findings;
    std::vector<std::size_t> rows;
    for (std::size_t k = 0; k < findings.size(); ++k) {
        if (findings[k].outcome == machine::Outcome::violation) {
            rows.push_back(k);
        }
    }
    if (rows.empty()) {
        return;
    }
    static constexpr const char* kHeader =
        R"(<table class="findings"><thead><tr><th>event</th><th>rule</th><th>offending UE</th><th>clauses</th>)"
        "<th>expected / observed</th></tr></thead>\n<tbody>\n";
    const std::size_t listed = std::min(rows.size(), kMaxFindingRows);
    out << "<h3>Violations</h3>\n" << kHeader;
    for (std::size_t r = 0; r < listed; ++r) {
        if (r == kShownFindingRows) {
            out << "</tbody></table>\n<details class=\"sub more-findings\"><summary>" << listed - r
                << " more</summary><div class=\"inner\">" << kHeader;
        }
        write_finding_row(out, anchor, findings[rows[r]], rows[r], drawn);
    }
    out << "</tbody></table>\n" << (listed > kShownFindingRows ? "</div></details>\n" : "");
    if (listed < rows.size()) {
        out << "<p class=\"cap-note\">" << listed << " of " << rows.size()
            << " violations listed; the JSON report (<code>--format json</code>) has all of them.</p>\n";
    }
}

void write_state(std::ostream& out, const checker::TraceResult& t)
{
    const auto& state = t.replay.state_at_first_violation;
    if (state.empty()) {
        return;
    }
    std::size_t first_event = 0;
    bool found = false;
    for (const auto& f : t.replay.findings) {
        if (f.outcome == machine::Outcome::violation && (!found || f.event < first_event)) {
            first_event = f.event;
            found = true;
        }
    }
    // variable (without role prefix) -> value per role, in spec order; link and others apart.
    std::vector<std::string> order;
    std::map<std::string, std::map<std::string, std::string>> roles;
    std::vector<std::pair<std::string, std::string>> link;
    for (const auto& [name, value] : state) {
        const auto dot = name.find('.');
        const std::string role = dot == std::string::npos ? std::string() : name.substr(0, dot);
        if (role == "initiator" || role == "target") {
            const std::string var = name.substr(dot + 1);
            if (roles.find(var) == roles.end()) {
                order.push_back(var);
            }
            roles[var][role] = value;
        } else {
            link.emplace_back(name, value);
        }
    }
    out << "<details class=\"sub state\" open><summary>Reference model state before event #" << first_event
        << " (first violation)</summary><div class=\"inner\"><table "
           "class=\"state\"><thead><tr><th>variable</th>"
        << "<th>initiator</th><th>target</th></tr></thead>\n<tbody>\n";
    for (const auto& var : order) {
        const auto& values = roles[var];
        const auto ini = values.find("initiator");
        const auto tgt = values.find("target");
        const bool diff = ini != values.end() && tgt != values.end() && ini->second != tgt->second;
        out << "<tr" << (diff ? " class=\"diff\"" : "") << " data-var=\"" << escape(var)
            << R"("><td class="var">)" << escape(var) << "</td><td class=\"val\">"
            << (ini == values.end() ? std::string("\xE2\x80\x94") : escape(ini->second))
            << "</td><td class=\"val\">"
            << (tgt == values.end() ? std::string("\xE2\x80\x94") : escape(tgt->second)) << "</td></tr>\n";
    }
    if (!link.empty()) {
        out << "<tr class=\"group\"><td colspan=\"3\">link (as observed)</td></tr>\n";
        for (const auto& [name, value] : link) {
            out << "<tr data-var=\"" << escape(name) << R"("><td class="var">)" << escape(name)
                << R"(</td><td class="val" colspan="2">)" << escape(value) << "</td></tr>\n";
        }
    }
    out << "</tbody></table></div></details>\n";
}

void write_unverified(std::ostream& out, const std::string& anchor, const checker::TraceResult& t,
                      const std::vector<bool>& drawn)
{
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> groups;
    std::size_t total = 0;
    for (const auto& f : t.replay.findings) {
        if (f.outcome == machine::Outcome::unverified) {
            groups[{f.rule, f.reason}].push_back(f.event);
            ++total;
        }
    }
    if (groups.empty()) {
        return;
    }
    out << "<details class=\"sub unverified\""
        << (t.replay.verdict == machine::Verdict::conforms ? " open" : "") << "><summary>Unverified checks ("
        << total << ")</summary><div class=\"inner\">"
        << R"(<table class="unverified"><thead><tr><th>rule</th><th>reason</th><th class="num">checks</th>)"
        << "<th>events</th></tr></thead>\n<tbody>\n";
    for (const auto& [key, events] : groups) {
        out << R"(<tr class="unverified" data-rule=")" << escape(key.first) << R"("><td><span class="rid">)"
            << escape(key.first) << "</span></td><td class=\"reason\">" << escape(key.second)
            << "</td><td class=\"num\">" << events.size() << "</td><td class=\"mono\">";
        for (std::size_t k = 0; k < events.size() && k < kMaxEventLinks; ++k) {
            const std::size_t e = events[k];
            out << (k == 0 ? "" : ", ");
            if (e < drawn.size() && drawn[e]) {
                out << "<a href=\"#" << anchor << "-e" << e << "\">#" << e << "</a>";
            } else {
                out << "#" << e;
            }
        }
        if (events.size() > kMaxEventLinks) {
            out << ", \xE2\x80\xA6 (" << events.size() - kMaxEventLinks << " more)";
        }
        out << "</td></tr>\n";
    }
    out << "</tbody></table></div></details>\n";
}

void write_assumptions_and_passes(std::ostream& out, const checker::TraceResult& t)
{
    const auto& r = t.replay;
    if (!r.assumptions.empty()) {
        out << "<details class=\"sub assumptions\"><summary>Assumptions (" << r.assumptions.size()
            << R"()</summary><div class="inner"><ul class="plain assumptions">)";
        for (std::size_t k = 0; k < r.assumptions.size() && k < kMaxAssumptions; ++k) {
            out << "<li>" << escape(r.assumptions[k]) << "</li>";
        }
        if (r.assumptions.size() > kMaxAssumptions) {
            out << "<li class=\"empty\">" << r.assumptions.size() - kMaxAssumptions
                << " more in the JSON report</li>";
        }
        out << "</ul></div></details>\n";
    }
    if (!r.passes.empty()) {
        std::size_t total = 0;
        for (const auto& [rule, n] : r.passes) {
            total += n;
        }
        out << "<details class=\"sub passes\"><summary>Checks passed (" << total
            << R"()</summary><div class="inner"><ul class="passes">)";
        for (const auto& [rule, n] : r.passes) {
            out << "<li data-rule=\"" << escape(rule) << R"("><span class="rid">)" << escape(rule)
                << "</span> \xC3\x97" << n << "</li>";
        }
        out << "</ul></div></details>\n";
    }
}

void write_trace(std::ostream& out, std::size_t index, const checker::TraceResult& t, const std::string& dir)
{
    const std::string anchor = anchor_of(index);
    const std::string verdict = verdict_of(t);
    // Open what needs attention: violations, bad input, and conforming traces with warnings.
    bool open = verdict != "conforms";
    for (const auto& f : t.replay.findings) {
        open = open || f.outcome == machine::Outcome::violation;
    }
    out << R"(<section class="trace" id=")" << anchor << "\" data-verdict=\"" << verdict << "\" data-file=\""
        << escape(t.file) << "\" data-line=\"" << t.line << "\"";
    if (!t.error) {
        out << " data-rules=\"";
        bool first = true;
        for (const auto& rule : t.replay.violated_rules()) {
            out << (first ? "" : " ") << escape(rule);
            first = false;
        }
        out << "\"";
    }
    out << ">\n<details" << (open ? " open" : "") << "><summary><span class=\"badge " << verdict << "\">"
        << verdict_label(verdict) << "</span><span class=\"tname\">" << escape(short_label(t, dir))
        << "</span>";
    if (!t.title.empty()) {
        out << "<span class=\"ttitle\">" << escape(t.title) << "</span>";
    }
    out << "</summary>\n<div class=\"tbody\">\n<dl class=\"meta\"><dt>file</dt><dd class=\"mono\">"
        << escape(trace_label(t)) << "</dd>";
    if (!t.title.empty()) {
        out << "<dt>title</dt><dd class=\"title\">" << escape(t.title) << "</dd>";
    }
    if (!t.spec_id.empty()) {
        out << "<dt>spec</dt><dd class=\"mono\">" << escape(t.spec_id) << "</dd>";
    }
    if (t.error) {
        out << "</dl>\n<h3>Bad input: no verdict</h3>\n";
        write_error_box(out, *t.error);
        out << "</div>\n</details>\n</section>\n";
        return;
    }
    out << "<dt>events</dt><dd>" << t.event_count << "</dd></dl>\n";

    const auto marks = html::marks_by_event(t.replay, t.events.size());
    html::ChartOptions options;
    // The violations table lists the first kMaxFindingRows violations: arrows link only to those.
    std::size_t listed = 0;
    for (std::size_t k = 0; k < t.replay.findings.size(); ++k) {
        if (t.replay.findings[k].outcome == machine::Outcome::violation && ++listed == kMaxFindingRows) {
            options.linked_findings = k + 1;
            break;
        }
    }
    const auto selection = html::chart_selection(t.events.size(), marks, options);
    std::vector<bool> drawn(t.events.size(), false);
    for (const std::size_t i : selection) {
        drawn[i] = true;
    }
    write_findings(out, anchor, t, drawn);
    html::write_chart_figure(out, anchor, t, marks, selection, options);
    write_state(out, t);
    write_unverified(out, anchor, t, drawn);
    write_assumptions_and_passes(out, t);
    out << "</div>\n</details>\n</section>\n";
}

} // namespace

void write_html(std::ostream& out, const checker::CheckRun& run)
{
    const Counts c = count(run);
    const std::string dir = common_dir(run);
    write_head(out, run, c);
    write_summary(out, run, c, dir);
    if (run.trace_count() != 0) {
        out << "<h2>Traces</h2>\n<div class=\"toolbar\" id=\"toolbar\" hidden><button type=\"button\" "
               "id=\"expand-all\">"
            << R"(Expand all</button><button type="button" id="collapse-all">Collapse all</button><label>)"
            << "<input type=\"checkbox\" id=\"only-failing\"> hide conforming traces</label></div>\n";
    }
    std::size_t i = 0;
    run.for_each_trace([&](const checker::TraceResult& t) { write_trace(out, i++, t, dir); });
    html::write_page_end(out,
                         "Generated by pc5check from " + std::to_string(c.traces) +
                             " trace(s). Verdicts per docs/cli.md (verdicts): a check is "
                             "<em>verified</em> only when the MAC-I and the PDU were logged and the keys "
                             "known; everything else is reported unverified, never passed.");
}

} // namespace pc5check::report
