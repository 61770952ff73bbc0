/// \file `diff --corpus`: both specs' verdicts per corpus trace, and format changes told from behaviour
/// changes by what the specs declare (their message definitions and what each rule's checks read).

#include "diff_corpus.h"

#include "pc5check/checker/check.h"
#include "pc5check/trace/trace.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace pc5check::cli {

const char* to_string(CorpusRegression c)
{
    switch (c) {
    case CorpusRegression::none:
        return "none";
    case CorpusRegression::format:
        return "format";
    case CorpusRegression::behaviour:
        return "behaviour";
    }
    return "behaviour";
}

namespace {

/// A trace's verdict and violated rules as one string ("bad input" for an error).
std::string verdict_line(const checker::TraceResult& r)
{
    if (r.error) {
        return "bad input";
    }
    std::string v = machine::to_string(r.replay.verdict);
    for (const auto& id : r.replay.violated_rules()) {
        v += " " + id;
    }
    return v;
}

/// The IEs an expression reads (`ie.X`, `ie.X.nea` -> X); defs are shared subtrees, each walked once.
void read_ies(const expr::Node& n, std::set<const expr::Node*>& seen, std::set<std::string>& out)
{
    if (!seen.insert(&n).second) {
        return;
    }
    if (n.kind == expr::NodeKind::variable && n.name.starts_with("ie.")) {
        const std::string rest = n.name.substr(3);
        out.insert(rest.substr(0, rest.find('.')));
    }
    for (const auto& a : n.args) {
        if (a) {
            read_ies(*a, seen, out);
        }
    }
}

/// The IEs NEW's definition of `msg` declares and OLD's does not (all of them when OLD lacks `msg`).
std::vector<std::string> added_ies(const spec::Spec& old_spec, const spec::Spec& new_spec,
                                   const std::string& msg)
{
    std::vector<std::string> out;
    const spec::MessageDef* n = new_spec.find_message(msg);
    const spec::MessageDef* o = old_spec.find_message(msg);
    if (n == nullptr) {
        return out;
    }
    for (const auto& ie : n->ies) {
        if (o == nullptr || std::none_of(o->ies.begin(), o->ies.end(),
                                         [&ie](const spec::IeDef& x) { return x.name == ie.name; })) {
            out.push_back(ie.name);
        }
    }
    return out;
}

/// Why violation `f` is about the message format: the IEs NEW's message adds that the event lacks and
/// that a check of the rule on that message reads. Empty: not about the format.
std::string format_reason(const machine::Finding& f, const trace::Event& event, const spec::Spec& old_spec,
                          const spec::Spec& new_spec)
{
    if (!event.ie.decoded()) {
        return ""; // IEs not decoded: nothing says one is missing
    }
    std::set<std::string> read;
    std::set<const expr::Node*> seen;
    for (const auto& rule : new_spec.rules) {
        for (const auto& c : rule.checks) {
            const bool on = std::any_of(c.on.begin(), c.on.end(),
                                        [&f](const std::string& m) { return m == "*" || m == f.msg; });
            if (rule.id == f.rule && on && c.assertion) {
                read_ies(*c.assertion, seen, read);
            }
        }
    }
    std::string missing;
    for (const auto& ie : added_ies(old_spec, new_spec, f.msg)) {
        if (read.contains(ie) && !event.ie.contains(ie)) {
            missing += (missing.empty() ? "" : ", ") + ie;
        }
    }
    if (missing.empty()) {
        return "";
    }
    return f.rule + " at event " + std::to_string(f.event) + " reads " + missing + ", which NEW's " + f.msg +
           " has and OLD's has not; the trace lacks it";
}

/// The trace of `file` starting at `line` (nullopt when it cannot be read again).
std::optional<trace::Trace> reread(const std::string& file, std::size_t line)
{
    std::optional<trace::Trace> found;
    auto ok = trace::for_each_trace_in_file(file, [&](Expected<trace::Trace>&& t) {
        if (t && !found && t->line == line) {
            found = std::move(*t);
        }
    });
    return ok ? found : std::nullopt;
}

/// Classifies a trace that conformed with OLD and does not with NEW (`why` filled for a format change).
CorpusRegression classify(const checker::TraceResult& r, const spec::Spec& old_spec,
                          const spec::Spec& new_spec, std::string& why)
{
    if (r.error) {
        why = r.error->message; // NEW cannot read it: unknown or malformed IE, unknown message
        return CorpusRegression::format;
    }
    if (r.replay.verdict != machine::Verdict::violation) {
        return CorpusRegression::behaviour; // inconclusive: nothing says it is the format
    }
    const auto t = reread(r.file, r.line);
    if (!t) {
        return CorpusRegression::behaviour;
    }
    std::string reasons;
    for (const auto& f : r.replay.findings) {
        if (f.outcome != machine::Outcome::violation || f.warning) {
            continue;
        }
        const std::string reason =
            f.event < t->events.size() ? format_reason(f, t->events[f.event], old_spec, new_spec) : "";
        if (reason.empty()) {
            return CorpusRegression::behaviour; // one violation not about the format is enough
        }
        reasons += (reasons.empty() ? "" : "; ") + reason;
    }
    why = reasons;
    return reasons.empty() ? CorpusRegression::behaviour : CorpusRegression::format;
}

} // namespace

Expected<CorpusComparison> compare_corpus(const std::string& corpus, const spec::Spec& old_spec,
                                          const spec::Spec& new_spec, const spec::ParameterOverrides& params)
{
    checker::CheckOptions co;
    co.spec_file = old_spec.file;
    co.parameters = params;
    const checker::CheckRun before = checker::check_paths({corpus}, co);
    for (const auto& e : before.errors) {
        return tl::make_unexpected(e);
    }
    co.spec_file = new_spec.file;
    const checker::CheckRun after = checker::check_paths({corpus}, co);
    using Label = std::pair<std::string, std::size_t>;
    const auto conforms = [](const checker::TraceResult& r) {
        return !r.error && r.replay.verdict == machine::Verdict::conforms; // warnings allowed
    };
    std::map<Label, std::pair<std::string, bool>> old_verdicts;
    before.for_each_trace([&](const checker::TraceResult& r) {
        old_verdicts[{r.file, r.line}] = {verdict_line(r), conforms(r)};
    });
    CorpusComparison out;
    out.traces = old_verdicts.size();
    after.for_each_trace([&](const checker::TraceResult& r) {
        const auto& [old_verdict, old_conforms] = old_verdicts[{r.file, r.line}];
        CorpusChange c{r.file, r.line, old_verdict, verdict_line(r), {}, {}, ""};
        if (c.old_verdict == c.new_verdict) {
            return;
        }
        if (!r.error) {
            c.new_rules = r.replay.violated_rules();
        }
        if (old_conforms && !conforms(r)) {
            c.regression = classify(r, old_spec, new_spec, c.why);
        }
        out.changes.push_back(std::move(c));
    });
    std::sort(out.changes.begin(), out.changes.end(), [](const CorpusChange& a, const CorpusChange& b) {
        return std::pair{a.file, a.line} < std::pair{b.file, b.line};
    });
    return out;
}

} // namespace pc5check::cli
