#include "report/proof_html_parts.h"

#include "pc5check/checker/system.h"
#include "report/html_escape.h"
#include "report/html_figure.h"

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

namespace pc5check::report::proof_html {

using html::escape;

std::string text_of(const nlohmann::json& j, const char* key)
{
    if (!j.is_object() || !j.contains(key) || j.at(key).is_null()) {
        return {};
    }
    const nlohmann::json& v = j.at(key);
    return v.is_string() ? v.get<std::string>() : v.dump();
}

const nlohmann::json& array_of(const nlohmann::json& j, const char* key)
{
    static const nlohmann::json empty = nlohmann::json::array();
    return j.is_object() && j.contains(key) && j.at(key).is_array() ? j.at(key) : empty;
}

std::string verdict_class(const std::string& verdict)
{
    if (verdict == "proven" || verdict == "holds up to depth") {
        return "conforms";
    }
    return verdict == "violated" ? "violation" : "inconclusive";
}

std::string verdict_label(const nlohmann::json& property)
{
    const std::string verdict = text_of(property, "verdict");
    if (verdict == "holds up to depth") {
        return verdict + " " + text_of(property, "depth");
    }
    return verdict == "violated" ? "violated at depth " + text_of(property, "depth") : verdict;
}

std::string badge(const std::string& css_class, const std::string& label)
{
    return "<span class=\"badge " + escape(css_class) + "\">" + escape(label) + "</span>";
}

const checker::TraceResult* checked_at(const CheckedRuns& checked, const std::string& pointer)
{
    const auto it = checked.find(pointer);
    return it == checked.end() ? nullptr : it->second;
}

namespace {

/// "A_X, A_Y" of the assumptions, and the parameters not confirmed ("id=value").
std::pair<std::string, std::string> rests_on_summary(const nlohmann::json& rests_on)
{
    std::string ids;
    for (const auto& a : array_of(rests_on, "assumptions")) {
        ids += (ids.empty() ? "" : ", ") + text_of(a, "id");
    }
    std::string unconfirmed;
    for (const auto& p : array_of(rests_on, "parameters")) {
        if (!p.value("confirmed", true)) {
            unconfirmed += (unconfirmed.empty() ? "" : ", ") + text_of(p, "id") + "=" + text_of(p, "value");
        }
    }
    return {ids, unconfirmed};
}

/// How the answer was reached: `how` (the proof, or the limit hit), else what the depth means.
std::string how_text(const nlohmann::json& p)
{
    std::string how = text_of(p, "how");
    if (!how.empty()) {
        return how;
    }
    return text_of(p, "verdict") == "violated"
               ? "bounded model checking: a counterexample of " + text_of(p, "depth") + " message(s)"
               : "bounded model checking: no violation within " + text_of(p, "depth") + " message(s)";
}

std::string yes_no(const nlohmann::json& j, const char* key)
{
    return j.is_object() && j.contains(key) && j.at(key).is_boolean() ? (j.at(key).get<bool>() ? "yes" : "no")
                                                                      : "";
}

} // namespace

void write_property_table(std::ostream& out, const nlohmann::json& properties,
                          const std::string& anchor_prefix)
{
    out << R"(<table class="summary props"><thead><tr><th>property</th><th>kind</th><th>verdict</th>)"
        << R"(<th>how / depth</th><th class="num">time</th><th>rests on</th></tr></thead>)"
        << "\n<tbody>\n";
    std::size_t i = 0;
    for (const auto& p : properties) {
        const std::string verdict = text_of(p, "verdict");
        const std::string warning = text_of(p, "warning");
        const auto [ids, unconfirmed] = rests_on_summary(p.value("rests_on", nlohmann::json::object()));
        out << "<tr data-property=\"" << escape(text_of(p, "id")) << "\" data-verdict=\"" << escape(verdict)
            << "\" data-kind=\"" << escape(text_of(p, "kind")) << R"("><td class="id"><a href="#)"
            << anchor_prefix << i << "\">" << escape(text_of(p, "id")) << "</a></td><td>"
            << escape(text_of(p, "kind")) << "</td><td>" << badge(verdict_class(verdict), verdict_label(p))
            << "</td><td class=\"how\">";
        out << escape(how_text(p));
        if (!warning.empty()) {
            out << R"(<div class="cap-note warning">)" << escape(warning) << "</div>";
        }
        out << "</td><td class=\"num\">" << escape(text_of(p, "seconds")) << " s</td><td class=\"rests\">"
            << "<span class=\"mono\">" << escape(ids) << "</span>";
        if (!unconfirmed.empty()) {
            out << "<div>unconfirmed: <span class=\"mono\">" << escape(unconfirmed) << "</span></div>";
        }
        out << "</td></tr>\n";
        ++i;
    }
    out << "</tbody></table>\n";
}

void write_rests_on(std::ostream& out, const nlohmann::json& rests_on)
{
    const auto& assumptions = array_of(rests_on, "assumptions");
    const auto& parameters = array_of(rests_on, "parameters");
    const auto [ids, unconfirmed] = rests_on_summary(rests_on);
    out << "<details class=\"sub rests-on\"><summary>Rests on: " << assumptions.size() << " assumption(s), "
        << parameters.size() << " parameter(s)" << (unconfirmed.empty() ? "" : ", some unconfirmed")
        << "</summary><div class=\"inner\">\n";
    if (!assumptions.empty()) {
        out << R"(<table class="assumptions"><thead><tr><th>assumption</th><th>text</th>)"
            << "<th>where the 3GPP text is silent</th></tr></thead><tbody>\n";
        for (const auto& a : assumptions) {
            out << "<tr data-assumption=\"" << escape(text_of(a, "id")) << R"("><td class="id mono">)"
                << escape(text_of(a, "id")) << "</td><td>" << escape(text_of(a, "text")) << "</td><td>"
                << escape(text_of(a, "silent")) << "</td></tr>\n";
        }
        out << "</tbody></table>\n";
    }
    if (!parameters.empty()) {
        out << R"(<table class="parameters"><thead><tr><th>parameter</th><th>value</th><th>default</th>)"
            << "<th>confirmed</th></tr></thead><tbody>\n";
        for (const auto& p : parameters) {
            out << "<tr data-parameter=\"" << escape(text_of(p, "id")) << "\" data-confirmed=\""
                << yes_no(p, "confirmed") << R"("><td class="id mono">)" << escape(text_of(p, "id"))
                << "</td><td class=\"mono\">" << escape(text_of(p, "value")) << "</td><td>"
                << yes_no(p, "default") << "</td><td>" << yes_no(p, "confirmed") << "</td></tr>\n";
        }
        out << "</tbody></table>\n";
    }
    out << "</div></details>\n";
}

void write_check_verdict(std::ostream& out, const std::string& label, const std::string& verdict,
                         const nlohmann::json& rules, std::size_t unverified, const std::string& mode,
                         bool must_conform)
{
    out << "<dt>" << escape(label) << R"(</dt><dd class="check-verdict" data-verdict=")" << escape(verdict)
        << "\">" << badge(verdict == "conforms" ? "conforms" : "violation", verdict);
    for (const auto& r : rules) {
        out << " <span class=\"rid\">" << escape(r.is_string() ? r.get<std::string>() : r.dump())
            << "</span>";
    }
    if (unverified != 0) {
        out << " (" << unverified << " unverified)";
    }
    if (mode == "symbolic") {
        out << " <span class=\"mode\">[checked symbolically]</span>";
    }
    // A rejection contradicts the solver (the CLI exits 3); check's own limit (inconclusive) leaves the
    // run unconfirmed.
    if (must_conform && smt::check_rejects(verdict)) {
        out << "<div class=\"cap-note disagree\">check rejects this run although the solver's UEs "
               "followed every rule: the solver and replay disagree, an internal error (exit 3; please "
               "report it)</div>";
    } else if (must_conform && verdict != "conforms") {
        out << "<div class=\"cap-note\">check could not decide this run within its limits: replay does "
               "not confirm it</div>";
    }
    out << "</dd>";
}

void write_run(std::ostream& out, const std::string& anchor, const std::string& heading,
               const nlohmann::json& run, const std::string& meta_html, const nlohmann::json& unverified,
               const checker::TraceResult* checked)
{
    const auto& steps = array_of(run, "steps");
    const std::string file = text_of(run, "file");
    out << R"(<section class="witness" id=")" << escape(anchor) << "\" data-steps=\"" << steps.size()
        << "\">\n<h3>" << escape(heading) << " (" << steps.size() << " message"
        << (steps.size() == 1 ? "" : "s") << ")</h3>\n<dl class=\"meta\">" << meta_html
        << "<dt>trace file</dt><dd class=\"mono\">"
        << (file.empty() ? "not written (use <code>--cex-dir</code>)" : escape(file)) << "</dd></dl>\n";
    // The same open derivation leaves several checks undecided: each reason once.
    std::vector<std::string> reasons;
    for (const auto& u : unverified) {
        const std::string s = u.is_string() ? u.get<std::string>() : u.dump();
        const auto colon = s.find(": ");
        const std::string reason = colon == std::string::npos ? s : s.substr(colon + 2);
        if (std::find(reasons.begin(), reasons.end(), reason) == reasons.end()) {
            reasons.push_back(reason);
        }
    }
    if (!reasons.empty()) {
        out << "<ul class=\"plain unverified\">";
        for (const auto& r : reasons) {
            out << "<li>unverified: " << escape(r) << "</li>";
        }
        out << "</ul>\n";
    }
    html::ChartOptions options;
    options.linked_findings = 0; // no violations table on these pages to link to
    for (const auto& s : steps) {
        // Steps are numbered like the trace's events (from 0), so a step's index is its event's.
        if (s.value("by_attacker", false)) {
            options.attacker[s.value("index", std::size_t{0})] = text_of(s, "action");
        }
    }
    if (checked != nullptr && !checked->error) {
        const auto marks = html::marks_by_event(checked->replay, checked->events.size());
        const auto selection = html::chart_selection(checked->events.size(), marks, options);
        html::write_chart_figure(out, anchor, *checked, marks, selection, options);
    } else {
        out << "<p class=\"empty no-chart\">No chart: check's replay of this run is not available.</p>\n";
    }
    out << "<details class=\"sub steps\"" << (checked == nullptr ? " open" : "") << "><summary>Steps ("
        << steps.size() << R"()</summary><div class="inner"><table class="steps"><thead><tr>)"
        << R"(<th class="num">#</th><th>action</th><th>message</th><th>IEs and protection</th></tr></thead>)"
        << "<tbody>\n";
    for (const auto& s : steps) {
        const bool attacker = s.value("by_attacker", false);
        out << "<tr" << (attacker ? " class=\"attacker\"" : "") << " data-by-attacker=\""
            << (attacker ? "true" : "false") << R"("><td class="num">)" << escape(text_of(s, "index"))
            << "</td><td>" << escape(text_of(s, "action")) << "</td><td class=\"mono\">"
            << escape(text_of(s, "msg")) << "</td><td class=\"mono\">" << escape(text_of(s, "detail"))
            << "</td></tr>\n";
    }
    out << "</tbody></table></div></details>\n</section>\n";
}

namespace {

/// Why induction did not prove a property (prove's `induction_failure`): the counterexample to induction
/// as one table, each variable's value before the breaking message and, where it changed, after it.
void write_induction_failure(std::ostream& out, const nlohmann::json& failure)
{
    std::map<std::string, std::string> after;
    for (const auto& v : array_of(failure, "after")) {
        after[text_of(v, "variable")] = text_of(v, "value");
    }
    const nlohmann::json step = failure.value("step", nlohmann::json::object());
    out << "<h3>Why induction did not prove it</h3>\n<p class=\"cti\">The k-induction step at k="
        << escape(text_of(failure, "k")) << " fails: from a state chosen freely, the property";
    if (const auto& assumed = array_of(failure, "assumed"); !assumed.empty()) {
        out << " and " << assumed.size() << " other candidates assumed with it";
    }
    out << " hold in k states in a row; then <span class=\"mono\">" << escape(text_of(step, "action")) << " "
        << escape(text_of(step, "msg")) << "</span> breaks it. Either no run reaches such a state (a lemma "
        << "excluding it would let the proof through) or a run longer than the depth searched does.</p>\n"
        << "<table class=\"cti\"><thead><tr><th>variable</th><th>before</th><th>after</th></tr></thead>"
        << "<tbody>\n";
    for (const auto& v : array_of(failure, "before")) {
        const std::string name = text_of(v, "variable");
        const auto changed = after.find(name);
        out << "<tr data-variable=\"" << escape(name) << "\""
            << (changed != after.end() ? " class=\"changed\"" : "") << R"(><td class="mono">)" << escape(name)
            << "</td><td class=\"mono\">" << escape(text_of(v, "value")) << "</td><td class=\"mono\">"
            << (changed != after.end() ? escape(changed->second) : std::string()) << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
}

} // namespace

void write_property(std::ostream& out, const nlohmann::json& property, const std::string& anchor,
                    const std::string& pointer, const CheckedRuns& checked)
{
    const std::string verdict = text_of(property, "verdict");
    const std::string cls = verdict_class(verdict);
    const char* colour = cls == "conforms" ? "ok" : (cls == "violation" ? "bad" : "unsure");
    out << "<section class=\"trace prop " << colour << "\" id=\"" << escape(anchor) << "\" data-property=\""
        << escape(text_of(property, "id")) << "\" data-verdict=\"" << escape(verdict) << "\">\n<details"
        << (cls == "conforms" ? "" : " open") << "><summary>" << badge(cls, verdict_label(property))
        << "<span class=\"tname\">" << escape(text_of(property, "id")) << "</span><span class=\"ttitle\">"
        << escape(text_of(property, "text"))
        << "</span></summary>\n<div class=\"tbody\">\n<dl class=\"meta\">"
        << "<dt>kind</dt><dd>" << escape(text_of(property, "kind")) << "</dd><dt>clauses</dt><dd>"
        << escape(text_of(property, "clauses")) << "</dd><dt>time</dt><dd>"
        << escape(text_of(property, "seconds")) << " s</dd><dt>min_depth</dt><dd>"
        << (text_of(property, "min_depth") == "0" ? std::string("not declared")
                                                  : escape(text_of(property, "min_depth")))
        << "</dd>";
    const auto& invariant = array_of(property, "invariant");
    if (invariant.empty()) {
        out << "<dt>how</dt><dd class=\"how\">" << escape(how_text(property)) << "</dd>";
    }
    out << "</dl>\n";
    if (!text_of(property, "warning").empty()) {
        out << "<p class=\"cap-note warning\">" << escape(text_of(property, "warning")) << "</p>\n";
    }
    if (!invariant.empty()) {
        // The members of the inductive set that proved it (written by prove when it knows them).
        out << "<h3>Inductive set</h3>\n<table class=\"invariant\"><thead><tr><th>member</th><th>origin</th>"
            << "<th>formula</th></tr></thead><tbody>\n";
        for (const auto& m : invariant) {
            out << "<tr data-member=\"" << escape(text_of(m, "id")) << "\" data-origin=\""
                << escape(text_of(m, "origin")) << R"("><td class="id mono">)" << escape(text_of(m, "id"))
                << "</td><td>" << escape(text_of(m, "origin")) << "</td><td><code class=\"formula\">"
                << escape(text_of(m, "formula")) << "</code></td></tr>\n";
        }
        out << "</tbody></table>\n";
    }
    if (property.is_object() && property.contains("induction_failure")) {
        write_induction_failure(out, property.at("induction_failure"));
    }
    write_rests_on(out, property.value("rests_on", nlohmann::json::object()));
    if (property.is_object() && property.contains("counterexample")) {
        const nlohmann::json& cex = property.at("counterexample");
        const nlohmann::json check = cex.value("check", nlohmann::json::object());
        std::ostringstream meta;
        write_check_verdict(meta, "check on the trace", text_of(check, "verdict"), array_of(check, "rules"),
                            array_of(check, "unverified").size(), text_of(check, "mode"), true);
        meta << "<dt>reproduce</dt><dd><code class=\"command\">" << escape(text_of(check, "command"))
             << "</code></dd>";
        write_run(out, anchor + "-cex", "Counterexample to " + text_of(property, "id"), cex, meta.str(),
                  array_of(check, "unverified"), checked_at(checked, pointer + "/counterexample"));
    }
    out << "</div>\n</details>\n</section>\n";
}

} // namespace pc5check::report::proof_html
