#include "pc5check/checker/report.h"

namespace pc5check::report {

namespace {

using nlohmann::json;

json error_json(const Error& e)
{
    json j = {{"message", e.message}};
    if (!e.file.empty()) {
        j["file"] = e.file;
    }
    if (!e.json_pointer.empty()) {
        j["pointer"] = e.json_pointer;
    }
    if (e.line != 0) {
        j["line"] = e.line;
        j["column"] = e.column;
    }
    if (e.event_index) {
        j["event"] = *e.event_index;
    }
    return j;
}

json clauses_json(const std::vector<spec::ClauseRef>& clauses)
{
    json out = json::array();
    for (const auto& c : clauses) {
        json j = {{"doc", c.doc}, {"clause", c.clause}};
        if (!c.release.empty()) {
            j["release"] = c.release;
        }
        if (!c.note.empty()) {
            j["note"] = c.note;
        }
        out.push_back(j);
    }
    return out;
}

json finding_json(const checker::TraceResult& t, const machine::Finding& f)
{
    json j = {{"rule", f.rule},
              {"severity", f.warning ? "warning" : "error"},
              {"event", f.event},
              {"msg", f.msg},
              {"offender", f.offender == trace::Role::initiator ? "initiator" : "target"},
              {"clauses", clauses_json(f.clauses)},
              {"text", f.rule_text},
              {"expected", f.expected},
              {"observed", f.observed}};
    if (f.outcome == machine::Outcome::unverified) {
        j["reason"] = f.reason;
    }
    // Where the event starts in its file (omitted when unknown, e.g. a trace built in memory).
    if (f.event < t.events.size() && t.events[f.event].position.line != 0) {
        const trace::Position& pos = t.events[f.event].position;
        j["position"] = {{"line", pos.line}, {"column", pos.column}};
    }
    return j;
}

} // namespace

json to_json(const checker::CheckRun& run)
{
    json traces = json::array();
    std::size_t conforms = 0;
    std::size_t violations = 0;
    std::size_t inconclusive = 0;
    std::size_t bad = run.errors.size();
    for (const auto& t : run.traces) {
        json j = {{"file", t.file}, {"line", t.line}};
        if (!t.title.empty()) {
            j["title"] = t.title;
        }
        if (!t.spec_id.empty()) {
            j["spec"] = t.spec_id;
        }
        if (t.error) {
            ++bad;
            j["verdict"] = "bad-input";
            j["error"] = error_json(*t.error);
            traces.push_back(j);
            continue;
        }
        const auto& r = t.replay;
        switch (r.verdict) {
        case machine::Verdict::conforms:
            ++conforms;
            break;
        case machine::Verdict::violation:
            ++violations;
            break;
        case machine::Verdict::inconclusive:
            ++inconclusive;
            break;
        }
        j["verdict"] = machine::to_string(r.verdict);
        j["events"] = t.event_count;
        j["rules"] = r.violated_rules();
        json violations_json = json::array();
        json unverified_json = json::array();
        for (const auto& f : r.findings) {
            (f.outcome == machine::Outcome::violation ? violations_json : unverified_json)
                .push_back(finding_json(t, f));
        }
        j["violations"] = violations_json;
        j["unverified"] = unverified_json;
        j["assumptions"] = r.assumptions;
        j["passes"] = r.passes;
        if (!r.state_at_first_violation.empty()) {
            json state = json::object();
            for (const auto& [name, value] : r.state_at_first_violation) {
                state[name] = value;
            }
            j["state_at_first_violation"] = state;
        }
        traces.push_back(j);
    }
    json errors = json::array();
    for (const auto& e : run.errors) {
        errors.push_back(error_json(e));
    }
    return {{"format", "pc5check-result/1"},
            {"traces", traces},
            {"errors", errors},
            {"summary",
             {{"traces", run.traces.size()},
              {"conforms", conforms},
              {"violation", violations},
              {"inconclusive", inconclusive},
              {"bad_input", bad}}}};
}

} // namespace pc5check::report
