#include "pc5check/checker/report.h"
#include "report/json_writer.h"

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pc5check::report {

namespace {

using nlohmann::json;

// The entries below are written with keys in increasing byte order: the order of nlohmann's
// std::map, which the `pc5check-result/1` layout (to_json(run).dump(2)) has always had.

void write_error(JsonWriter& w, const Error& e)
{
    w.begin_object();
    if (e.line != 0) {
        w.member("column", e.column);
    }
    if (e.event_index) {
        w.member("event", *e.event_index);
    }
    if (!e.file.empty()) {
        w.member("file", e.file);
    }
    if (e.line != 0) {
        w.member("line", e.line);
    }
    w.member("message", e.message);
    if (!e.json_pointer.empty()) {
        w.member("pointer", e.json_pointer);
    }
    w.end_object();
}

void write_strings(JsonWriter& w, const std::vector<std::string>& strings)
{
    w.begin_array();
    for (const auto& s : strings) {
        w.value(s);
    }
    w.end_array();
}

void write_clauses(JsonWriter& w, const std::vector<spec::ClauseRef>& clauses)
{
    w.begin_array();
    for (const auto& c : clauses) {
        w.begin_object();
        w.member("clause", c.clause);
        w.member("doc", c.doc);
        if (!c.note.empty()) {
            w.member("note", c.note);
        }
        if (!c.release.empty()) {
            w.member("release", c.release);
        }
        w.end_object();
    }
    w.end_array();
}

void write_finding(JsonWriter& w, const checker::TraceResult& t, const machine::Finding& f)
{
    w.begin_object();
    w.key("clauses");
    write_clauses(w, f.clauses);
    w.member("event", f.event);
    w.member("expected", f.expected);
    w.member("msg", f.msg);
    w.member("observed", f.observed);
    w.member("offender", f.offender == trace::Role::initiator ? "initiator" : "target");
    // Where the event starts in its file (omitted when unknown, e.g. a trace built in memory).
    const trace::Position& pos = f.event < t.events.size() ? t.events[f.event].position : f.position;
    if (pos.line != 0) {
        w.key("position");
        w.begin_object();
        w.member("column", pos.column);
        w.member("line", pos.line);
        w.end_object();
    }
    if (f.outcome == machine::Outcome::unverified) {
        w.member("reason", f.reason);
    }
    w.member("rule", f.rule);
    w.member("severity", f.warning ? "warning" : "error");
    w.member("text", f.rule_text);
    w.end_object();
}

/// The findings that are violations (`violations`), or the others: the unverified checks.
void write_findings(JsonWriter& w, const checker::TraceResult& t, bool violations)
{
    w.begin_array();
    for (const auto& f : t.replay.findings) {
        if ((f.outcome == machine::Outcome::violation) == violations) {
            write_finding(w, t, f);
        }
    }
    w.end_array();
}

void write_explanation(JsonWriter& w, const machine::ReplayResult& r)
{
    w.begin_object();
    w.key("conflict");
    w.begin_array();
    for (const auto& c : r.explanation) {
        w.begin_object();
        if (!c.rule.empty()) {
            w.key("clauses");
            w.begin_array();
            for (const auto& cl : c.clauses) {
                w.value(cl.to_string());
            }
            w.end_array();
        }
        w.member("event", c.event);
        if (!c.rule.empty()) {
            w.member("rule", c.rule);
        }
        w.member("what", c.what);
        w.end_object();
    }
    w.end_array();
    w.member("first_failing_event", r.first_failing_event);
    w.end_object();
}

/// The state as an object: names sorted, a repeated name with its last value (as assigning each
/// pair to a json object did).
void write_state(JsonWriter& w, const std::vector<std::pair<std::string, std::string>>& state)
{
    std::vector<const std::pair<std::string, std::string>*> sorted;
    sorted.reserve(state.size());
    for (const auto& entry : state) {
        sorted.push_back(&entry);
    }
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto* a, const auto* b) { return a->first < b->first; });
    w.begin_object();
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (i + 1 < sorted.size() && sorted[i + 1]->first == sorted[i]->first) {
            continue; // a later value replaces this one
        }
        w.member(sorted[i]->first, sorted[i]->second);
    }
    w.end_object();
}

/// One element of the document's `traces`: the single definition of a trace entry, which write_json
/// streams and to_json reads back.
void write_trace(JsonWriter& w, const checker::TraceResult& t)
{
    w.begin_object();
    if (t.error) {
        w.key("error");
        write_error(w, *t.error);
        w.member("file", t.file);
        w.member("line", t.line);
        if (!t.spec_id.empty()) {
            w.member("spec", t.spec_id);
        }
        if (!t.title.empty()) {
            w.member("title", t.title);
        }
        w.member("verdict", "bad-input");
        w.end_object();
        return;
    }
    const auto& r = t.replay;
    w.key("assumptions");
    write_strings(w, r.assumptions);
    w.member("events", t.event_count);
    if (!r.explanation.empty()) {
        w.key("explanation");
        write_explanation(w, r);
    }
    w.member("file", t.file);
    if (r.mode == machine::Mode::symbolic) {
        w.member("inserted_messages", r.inserted);
    }
    if (r.verdict == machine::Verdict::inconclusive) {
        w.member("limit", r.limit);
    }
    w.member("line", t.line);
    if (!r.mac_verified_by.empty()) {
        w.key("mac_verified_by");
        w.begin_object();
        for (const auto& [alg, events] : r.mac_verified_by) {
            w.key(alg);
            w.begin_array();
            for (const std::size_t e : events) {
                w.value(e);
            }
            w.end_array();
        }
        w.end_object();
    }
    w.member("mode", r.mode == machine::Mode::symbolic ? "symbolic" : "concrete");
    if (!r.note.empty()) {
        w.member("note", r.note);
    }
    w.key("passes");
    w.begin_object();
    for (const auto& [rule, count] : r.passes) {
        w.member(rule, count);
    }
    w.end_object();
    w.key("rules");
    write_strings(w, r.violated_rules());
    if (!t.spec_id.empty()) {
        w.member("spec", t.spec_id);
    }
    if (!r.state_at_first_violation.empty()) {
        w.key("state_at_first_violation");
        write_state(w, r.state_at_first_violation);
    }
    if (!t.title.empty()) {
        w.member("title", t.title);
    }
    w.key("unverified");
    write_findings(w, t, false);
    w.member("verdict", machine::to_string(r.verdict));
    w.key("violations");
    write_findings(w, t, true);
    w.end_object();
}

/// The value `write` writes, as a DOM (for to_json; JsonWriter's output is always valid JSON).
json written_json(const std::function<void(JsonWriter&)>& write)
{
    std::string text;
    JsonWriter w(text);
    write(w);
    json j = json::parse(text, nullptr, false);
    PC5CHECK_ASSERT(!j.is_discarded());
    return j;
}

/// The document without its traces: `traces` holds `traces_value`.
json frame_json(const checker::CheckRun& run, json traces_value)
{
    const checker::ResultTally tally = run.tally();
    json errors = json::array();
    for (const auto& e : run.errors) {
        errors.push_back(written_json([&e](JsonWriter& w) { write_error(w, e); }));
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

/// `frame.dump(2)` written with the string value `placeholder` replaced by an array written one
/// element at a time, each element's lines indented by `indent` spaces.
class SplicedArray {
  public:
    /// Writes the frame up to the placeholder.
    SplicedArray(std::ostream& out, const json& frame, const std::string& placeholder, std::size_t indent)
        : out_(&out), indent_(indent)
    {
        const std::string text = frame.dump(2);
        const std::string quoted = "\"" + placeholder + "\"";
        const std::size_t at = text.find(quoted);
        PC5CHECK_ASSERT(at != std::string::npos && indent >= 2);
        out.write(text.data(), static_cast<std::streamsize>(at));
        tail_ = text.substr(at + quoted.size());
    }

    /// The text of the next element, to append it to: holds the separator and indentation before it.
    [[nodiscard]] std::string& next_element()
    {
        element_.assign(first_ ? "[\n" : ",\n");
        element_.append(indent_, ' ');
        first_ = false;
        return element_;
    }

    /// Writes the element next_element() returned.
    void write_element() { out_->write(element_.data(), static_cast<std::streamsize>(element_.size())); }

    /// Closes the array and writes the rest of the frame.
    void finish()
    {
        if (first_) {
            *out_ << "[]";
        } else {
            *out_ << '\n' << std::string(indent_ - 2, ' ') << ']';
        }
        *out_ << tail_;
    }

  private:
    std::ostream* out_;
    std::size_t indent_;
    std::string tail_;    ///< the frame after the placeholder
    std::string element_; ///< kept: its capacity is reused
    bool first_ = true;
};

} // namespace

json to_json(const checker::CheckRun& run)
{
    json traces = json::array();
    run.for_each_trace([&](const checker::TraceResult& t) {
        traces.push_back(written_json([&t](JsonWriter& w) { write_trace(w, t); }));
    });
    return frame_json(run, std::move(traces));
}

void write_indented_json(std::ostream& out, const json& frame, const std::string& placeholder,
                         std::size_t indent,
                         const std::function<void(const std::function<void(const json&)>&)>& items)
{
    SplicedArray array(out, frame, placeholder, indent);
    const std::string pad(indent, ' ');
    items([&](const json& item) {
        std::string& text = array.next_element();
        const std::string dumped = item.dump(2);
        std::string_view rest = dumped;
        // dump() escapes newlines inside strings: every '\n' here is layout.
        for (std::size_t nl = rest.find('\n'); nl != std::string_view::npos; nl = rest.find('\n')) {
            text.append(rest.substr(0, nl + 1));
            text += pad;
            rest.remove_prefix(nl + 1);
        }
        text.append(rest);
        array.write_element();
    });
    array.finish();
}

void write_json(std::ostream& out, const checker::CheckRun& run)
{
    constexpr const char* kPlaceholder = "@@pc5check-traces@@";
    constexpr std::size_t kTraceIndent = 4; // elements of the top-level object's "traces"
    SplicedArray array(out, frame_json(run, kPlaceholder), kPlaceholder, kTraceIndent);
    run.for_each_trace([&](const checker::TraceResult& t) {
        JsonWriter w(array.next_element(), kTraceIndent);
        write_trace(w, t);
        array.write_element();
    });
    array.finish();
    out << "\n";
}

} // namespace pc5check::report
