#include "pc5check/checker/report.h"

#include <functional>
#include <string>
#include <string_view>

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
    const trace::Position& pos = f.event < t.events.size() ? t.events[f.event].position : f.position;
    if (pos.line != 0) {
        j["position"] = {{"line", pos.line}, {"column", pos.column}};
    }
    return j;
}

} // namespace

namespace {

json trace_json(const checker::TraceResult& t)
{
    json j = {{"file", t.file}, {"line", t.line}};
    if (!t.title.empty()) {
        j["title"] = t.title;
    }
    if (!t.spec_id.empty()) {
        j["spec"] = t.spec_id;
    }
    if (t.error) {
        j["verdict"] = "bad-input";
        j["error"] = error_json(*t.error);
        return j;
    }
    const auto& r = t.replay;
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
    j["mode"] = r.mode == machine::Mode::symbolic ? "symbolic" : "concrete";
    if (!r.note.empty()) {
        j["note"] = r.note;
    }
    if (r.mode == machine::Mode::symbolic) {
        j["inserted_messages"] = r.inserted;
    }
    if (r.verdict == machine::Verdict::inconclusive) {
        j["limit"] = r.limit;
    }
    if (!r.explanation.empty()) {
        json ex = json::array();
        for (const auto& c : r.explanation) {
            json item = {{"event", c.event}, {"what", c.what}};
            if (!c.rule.empty()) {
                item["rule"] = c.rule;
                json clauses = json::array();
                for (const auto& cl : c.clauses) {
                    clauses.push_back(cl.to_string());
                }
                item["clauses"] = clauses;
            }
            ex.push_back(item);
        }
        j["explanation"] = {{"first_failing_event", r.first_failing_event}, {"conflict", ex}};
    }
    if (!r.state_at_first_violation.empty()) {
        json state = json::object();
        for (const auto& [name, value] : r.state_at_first_violation) {
            state[name] = value;
        }
        j["state_at_first_violation"] = state;
    }
    return j;
}

/// The document without its traces: `traces` holds `traces_value`.
json frame_json(const checker::CheckRun& run, json traces_value)
{
    const checker::ResultTally tally = run.tally();
    json errors = json::array();
    for (const auto& e : run.errors) {
        errors.push_back(error_json(e));
    }
    return {{"format", "pc5check-result/1"},
            {"traces", std::move(traces_value)},
            {"errors", errors},
            {"summary",
             {{"traces", run.trace_count()},
              {"conforms", tally.conforms},
              {"violation", tally.violations},
              {"inconclusive", tally.inconclusive},
              {"bad_input", tally.bad + run.errors.size()}}}};
}

} // namespace

json to_json(const checker::CheckRun& run)
{
    json traces = json::array();
    run.for_each_trace([&](const checker::TraceResult& t) { traces.push_back(trace_json(t)); });
    return frame_json(run, std::move(traces));
}

void write_indented_json(std::ostream& out, const json& frame, const std::string& placeholder,
                         std::size_t indent,
                         const std::function<void(const std::function<void(const json&)>&)>& items)
{
    const std::string text = frame.dump(2);
    const std::string quoted = "\"" + placeholder + "\"";
    const std::size_t at = text.find(quoted);
    PC5CHECK_ASSERT(at != std::string::npos);
    out << text.substr(0, at);
    const std::string pad(indent, ' ');
    bool first = true;
    std::string indented;
    items([&](const json& item) {
        indented = first ? "[\n" : ",\n";
        indented += pad;
        first = false;
        const std::string dumped = item.dump(2);
        std::string_view rest = dumped;
        // dump() escapes newlines inside strings: every '\n' here is layout.
        for (std::size_t nl = rest.find('\n'); nl != std::string_view::npos; nl = rest.find('\n')) {
            indented.append(rest.substr(0, nl + 1));
            indented += pad;
            rest.remove_prefix(nl + 1);
        }
        indented.append(rest);
        out << indented;
    });
    out << (first ? "[]" : "\n" + std::string(indent - 2, ' ') + "]") << text.substr(at + quoted.size());
}

void write_json(std::ostream& out, const checker::CheckRun& run)
{
    constexpr const char* kPlaceholder = "@@pc5check-traces@@";
    write_indented_json(out, frame_json(run, kPlaceholder), kPlaceholder, 4,
                        [&](const std::function<void(const json&)>& emit) {
                            run.for_each_trace([&](const checker::TraceResult& t) { emit(trace_json(t)); });
                        });
    out << "\n";
}

} // namespace pc5check::report
