/// \file `pc5check prove`, `query` and `diff`: options, reports (text and JSON here; JUnit and SARIF from
/// the JSON, pc5check/checker/proof_report.h) and exit codes.

#include "system_commands.h"

#include "common.h"
#include "diff_corpus.h"
#include "pc5check/checker/check.h"
#include "pc5check/checker/proof_report.h"
#include "pc5check/checker/symbolic.h"
#include "pc5check/spec/changes.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>

namespace pc5check::cli {

namespace {

/// The formats a report can be written in (--format, --write).
bool known_format(const std::string& f)
{
    return f == "text" || f == "json" || f == "junit" || f == "sarif" || f == "html";
}

/// `--write FORMAT=FILE` items: (format, file). Error: no '=', an unknown format or an empty file.
Expected<std::vector<std::pair<std::string, std::string>>> parse_writes(const std::vector<std::string>& items)
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& item : items) {
        const auto eq = item.find('=');
        if (eq == std::string::npos || !known_format(item.substr(0, eq)) || eq + 1 == item.size()) {
            return make_error(ErrorCode::usage, "--write " + item +
                                                    ": expected FORMAT=FILE with FORMAT one of text, json, "
                                                    "junit, sarif, html");
        }
        out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
    }
    return out;
}

/// One run's report in every format: the text, the JSON document, and junit, sarif and html made from
/// it (html also from `check`'s result on each run it charts).
struct Rendered {
    std::string text;
    nlohmann::json doc;
    std::function<void(std::ostream&)> junit;
    std::function<nlohmann::json()> sarif;
    std::function<void(std::ostream&)> html;

    void write(const std::string& format, std::ostream& out) const
    {
        if (format == "json") {
            out << doc.dump(2) << "\n";
        } else if (format == "junit") {
            junit(out);
        } else if (format == "sarif") {
            out << sarif().dump(2) << "\n";
        } else if (format == "html") {
            html(out);
        } else {
            out << text;
        }
    }
};

/// Writes each `--write FORMAT=FILE`, then `--format` to stdout; returns `code`, or the error's exit code
/// when a file cannot be written. The exit code never depends on the format.
int emit(const SystemCommandOptions& c, const Rendered& r, int code)
{
    auto writes = parse_writes(c.writes);
    PC5CHECK_ASSERT(writes.has_value()); // validated by system_options before the run
    for (const auto& [format, file] : *writes) {
        std::ofstream out(file, std::ios::binary);
        r.write(format, out);
        if (!out.flush()) {
            return fail(make_file_error(ErrorCode::io, file, "cannot write the report").value());
        }
    }
    r.write(c.format, std::cout);
    return code;
}

Expected<smt::SystemOptions> system_options(const SystemCommandOptions& c)
{
    if (auto w = parse_writes(c.writes); !w) {
        return tl::make_unexpected(w.error());
    }
    auto attacker = smt::parse_attacker(c.attacker);
    if (!attacker) {
        return tl::make_unexpected(attacker.error());
    }
    smt::set_solver_memory_limit(c.solver_memory_mb);
    smt::SystemOptions o;
    o.depth = c.depth;
    o.timeout_ms = c.timeout_ms;
    o.attacker = *attacker;
    o.induction = !c.no_induction;
    o.generated_invariants = c.generated_invariants;
    if (c.cross_check || !c.cross_check_dir.empty() || c.cross_check_solver != "cvc5") {
        std::string dir = c.cross_check_dir;
        if (dir.empty()) {
            // A new directory per run, kept: the report names its files, a reviewer may re-run them.
            const char* tmp = std::getenv("TMPDIR");
            std::string pattern =
                std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/pc5check-cross-check-XXXXXX";
            if (mkdtemp(pattern.data()) == nullptr) {
                return make_error(ErrorCode::io, "--cross-check: cannot create a directory " + pattern);
            }
            dir = pattern;
        }
        o.cross_check_dir = dir;
        o.cross_check_solver = c.cross_check_solver;
        if (auto problem = smt::cross_check_setup_problem(o)) {
            return tl::make_unexpected(std::move(*problem));
        }
    }
    return o;
}

Expected<spec::Spec> load(const std::string& file, const std::vector<std::string>& params)
{
    auto p = parse_params(params);
    if (!p) {
        return tl::make_unexpected(p.error());
    }
    return spec::load_spec(file, *p);
}

/// What prove and query start from: the solver options of their command line and the spec they name.
struct SystemInput {
    smt::SystemOptions options;
    spec::Spec spec;
};

Expected<SystemInput> system_input(const SystemCommandOptions& c, const std::string& spec_file)
{
    auto options = system_options(c);
    if (!options) {
        return tl::make_unexpected(options.error());
    }
    auto s = load(spec_file, c.params);
    if (!s) {
        return tl::make_unexpected(s.error());
    }
    return SystemInput{*options, std::move(*s)};
}

/// Clauses with their notes: where an assumption's text is silent, and how.
std::string silent_list(const std::vector<spec::ClauseRef>& clauses)
{
    std::string out;
    for (const auto& c : clauses) {
        out += (out.empty() ? "" : "; ") + c.to_string() + (c.note.empty() ? "" : ": " + c.note);
    }
    return out;
}

std::string clause_list(const std::vector<spec::ClauseRef>& clauses)
{
    std::string out;
    for (const auto& c : clauses) {
        out += (out.empty() ? "" : "; ") + c.to_string();
    }
    return out;
}

/// Who found a witness and what it shows: its trace's `source.tool` and `title`.
struct WitnessOrigin {
    std::string tool;  ///< "pc5check prove", "pc5check query", "pc5check diff"
    std::string title; ///< e.g. "counterexample to key_freshness found by pc5check prove"
};

/// Writes a witness as a pc5-trace/1 file whose `expect` is what `check` says about it (so the file
/// can join a corpus as a regression trace). Returns the path, or an error.
Expected<std::string> write_witness(const std::string& dir, const std::string& name, const smt::Witness& w,
                                    const WitnessOrigin& origin)
{
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        return make_error(ErrorCode::io, "cannot create directory " + dir + ": " + ec.message());
    }
    trace::Trace t = w.trace;
    t.title = origin.title;
    if (w.check_verdict == "conforms" || w.check_verdict == "violation") {
        t.expect = trace::Expect{w.check_verdict, w.check_rules, std::nullopt, std::nullopt, {}, {}, ""};
    }
    const std::string path = (std::filesystem::path(dir) / (name + ".json")).string();
    std::ofstream out(path, std::ios::binary);
    nlohmann::json doc = trace::to_json(t);
    // Top-level keys (docs/trace-format.md lets a trace carry more): the tool, and with each attacker
    // step its description; `check --attacker-steps` honours the steps, plain `check` ignores them.
    doc["source"] = {{"tool", origin.tool}};
    if (doc.contains("attacker_steps")) {
        for (auto& step : doc["attacker_steps"]) {
            step["action"] = w.steps.at(step["event"].get<std::size_t>()).action;
        }
    }
    out << doc.dump(2) << "\n";
    if (!out) {
        return make_error(ErrorCode::io, "cannot write " + path);
    }
    return path;
}

nlohmann::json step_json(const smt::SystemStep& s)
{
    return {{"index", s.index},   {"sender", s.sender},           {"msg", s.msg},
            {"action", s.action}, {"by_attacker", s.by_attacker}, {"detail", s.detail}};
}

nlohmann::json steps_json(const smt::Witness& w)
{
    nlohmann::json steps = nlohmann::json::array();
    for (const auto& s : w.steps) {
        steps.push_back(step_json(s));
    }
    return steps;
}

/// The command that replays a written witness as prove did: the spec file, the parameters that differ
/// from their defaults, and --attacker-steps when the attacker acted.
std::string check_command(const spec::Spec& s, const std::string& file, const smt::Witness& w)
{
    std::string cmd = "pc5check check " + (file.empty() ? std::string("TRACE") : file) + " --spec " + s.file;
    for (const auto& p : s.parameters) {
        if (!(p.value == p.default_value)) {
            cmd += " --param " + p.id + "=" + p.value_text();
        }
    }
    if (std::any_of(w.steps.begin(), w.steps.end(),
                    [](const smt::SystemStep& st) { return st.by_attacker; })) {
        cmd += " --attacker-steps";
    }
    return cmd;
}

/// `check`'s whole verdict on a witness: rules, and every check it could not decide.
std::string full_verdict(const smt::Witness& w)
{
    std::string out = w.check_verdict;
    for (const auto& r : w.check_rules) {
        out += " " + r;
    }
    if (!w.check_unverified.empty()) {
        out += " (" + std::to_string(w.check_unverified.size()) + " unverified)";
    }
    if (w.check_mode == "symbolic") {
        out += " [checked symbolically]";
    }
    return out;
}

nlohmann::json check_json(const spec::Spec& s, const std::string& file, const smt::Witness& w)
{
    return {{"verdict", w.check_verdict},
            {"rules", w.check_rules},
            {"unverified", w.check_unverified},
            {"mode", w.check_mode},
            {"command", check_command(s, file, w)}};
}

void print_steps(std::ostream& out, const smt::Witness& w, const std::string& command)
{
    for (const auto& s : w.steps) {
        out << "      " << std::right << std::setw(2) << s.index << ". " << std::left
            << (s.by_attacker ? "[attacker] " : "") << s.action << " " << s.msg
            << (s.detail.empty() ? "" : "  (" + s.detail + ")") << "\n";
    }
    out << "      " << command << ": " << full_verdict(w) << "\n";
    if (!smt::replay_contradiction(w).empty()) {
        out << "      NOTE: check rejects this run although the solver's UEs followed every rule: the solver "
               "and replay disagree, an internal error (exit 3; please report it)\n";
    } else if (w.check_verdict != "conforms") {
        out << "      NOTE: check could not decide this run within its limits (" << w.check_verdict
            << "): replay does not confirm it\n";
    }
    // Reasons once each (the same open derivation leaves several checks undecided).
    std::vector<std::string> seen;
    for (const auto& u : w.check_unverified) {
        const std::string reason = u.substr(u.find(": ") == std::string::npos ? 0 : u.find(": ") + 2);
        if (std::find(seen.begin(), seen.end(), reason) == seen.end()) {
            seen.push_back(reason);
            out << "        unverified: " << u << "\n";
        }
    }
}

/// The assumptions an answer rests on: those in force that affect `property`, or (nullptr, a query)
/// all those in force.
std::vector<const spec::Assumption*> rested_on(const spec::Spec& s, const spec::Property* property)
{
    if (property != nullptr) {
        return property->assumptions(s);
    }
    std::vector<const spec::Assumption*> out;
    for (const auto& a : s.assumptions) {
        if (a.in_force) {
            out.push_back(&a);
        }
    }
    return out;
}

/// "A_X, A_Y" (empty when none).
std::string id_list(const std::vector<const spec::Assumption*>& assumptions)
{
    std::string ids;
    for (const auto* a : assumptions) {
        ids += (ids.empty() ? "" : ", ") + a->id;
    }
    return ids;
}

/// What an answer rests on: the assumptions, and every parameter (value, default or not, confirmed).
nlohmann::json rests_on_json(const spec::Spec& s, const std::vector<const spec::Assumption*>& rests_on)
{
    nlohmann::json assumptions = nlohmann::json::array();
    for (const auto* a : rests_on) {
        assumptions.push_back({{"id", a->id}, {"text", a->text}, {"silent", silent_list(a->silent)}});
    }
    nlohmann::json parameters = nlohmann::json::array();
    for (const auto& q : s.parameters) {
        parameters.push_back({{"id", q.id},
                              {"value", q.value_text()},
                              {"default", q.value == q.default_value},
                              {"confirmed", q.confirmed}});
    }
    return {{"assumptions", assumptions}, {"parameters", parameters}};
}

void print_rests_on(std::ostream& out, const spec::Spec& s, const spec::Property& p, bool positive)
{
    const std::string ids = id_list(p.assumptions(s));
    if (!ids.empty()) {
        out << "      rests on assumptions: " << ids << "\n";
    }
    std::string unconfirmed;
    for (const auto& q : s.parameters) {
        if (!q.confirmed) {
            unconfirmed += (unconfirmed.empty() ? "" : ", ") + q.id + "=" + q.value_text();
        }
    }
    if (!unconfirmed.empty()) {
        out << "      "
            << (positive ? "holds only with the unconfirmed parameters " : "unconfirmed parameters: ")
            << unconfirmed << "\n";
    }
}

std::string verdict_text(const smt::PropertyResult& r)
{
    switch (r.verdict) {
    case smt::PropertyVerdict::proven:
        return "proven";
    case smt::PropertyVerdict::holds_to_depth:
        return "holds up to depth " + std::to_string(r.depth);
    case smt::PropertyVerdict::violated:
        return "violated at depth " + std::to_string(r.depth);
    case smt::PropertyVerdict::inconclusive:
        return "inconclusive";
    }
    return "inconclusive";
}

bool property_ok(smt::PropertyVerdict v)
{
    return v == smt::PropertyVerdict::proven || v == smt::PropertyVerdict::holds_to_depth;
}

/// The inductive invariant behind a proof, as JSON (prove, query).
nlohmann::json invariant_json(const std::vector<smt::InvariantPart>& parts)
{
    auto out = nlohmann::json::array();
    for (const auto& p : parts) {
        out.push_back({{"id", p.id}, {"formula", p.formula}, {"origin", p.origin}});
    }
    return out;
}

/// A run of a report that `check` contradicts the solver on: what it is ("the counterexample to P"),
/// the trace file written for it (empty when none), and smt::replay_contradiction's reason.
struct Contradiction {
    std::string run;
    std::string file;
    std::string why;
};

/// The counterexamples of `results` that `check` contradicts the solver on; `doc` is their prove
/// document (the trace files written, under properties/<i>/counterexample/file).
std::vector<Contradiction> contradicted_counterexamples(const std::vector<smt::PropertyResult>& results,
                                                        const nlohmann::json& doc)
{
    std::vector<Contradiction> out;
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (!results[i].counterexample) {
            continue;
        }
        if (std::string why = smt::replay_contradiction(*results[i].counterexample); !why.empty()) {
            const nlohmann::json::json_pointer at("/properties/" + std::to_string(i) +
                                                  "/counterexample/file");
            const std::string file =
                doc.contains(at) && doc[at].is_string() ? doc[at].get<std::string>() : "";
            out.push_back({"the counterexample to " + results[i].id, file, std::move(why)});
        }
    }
    return out;
}

/// After the report: each contradiction on stderr, and exit 3 (docs/cli.md) instead of the report's
/// `emitted` code when there is one (unless writing the report failed).
int with_contradictions(int emitted, const std::vector<Contradiction>& found)
{
    for (const auto& c : found) {
        std::cerr << "pc5check: internal error: the solver and replay disagree on " << c.run
                  << (c.file.empty() ? "" : " (" + c.file + ")") << ": " << c.why << "; please report it\n";
    }
    return found.empty() || emitted == kExitBadInput ? emitted : kExitInternal;
}

/// `check`'s result on each counterexample, at its place in the prove document under `pointer` (the
/// JSON lists the properties in the order of `results`).
report::CheckedRuns checked_counterexamples(const std::vector<smt::PropertyResult>& results,
                                            const std::string& pointer)
{
    report::CheckedRuns out;
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (results[i].counterexample && results[i].counterexample->checked) {
            out[pointer + "/properties/" + std::to_string(i) + "/counterexample"] =
                results[i].counterexample->checked.get();
        }
    }
    return out;
}

/// (variable, value) pairs as JSON objects.
nlohmann::json valuation_json(const std::vector<std::pair<std::string, std::string>>& values)
{
    auto out = nlohmann::json::array();
    for (const auto& [name, value] : values) {
        out.push_back({{"variable", name}, {"value", value}});
    }
    return out;
}

/// Why induction did not prove a property (its counterexample to induction), as JSON (prove, query).
nlohmann::json induction_failure_json(const smt::InductionFailure& f)
{
    return {{"k", f.k},
            {"assumed", f.assumed},
            {"before", valuation_json(f.before)},
            {"step", step_json(f.step)},
            {"after", valuation_json(f.after)}};
}

/// The line `how` gets for a bounded answer whose induction failed (the --explain hint).
std::string induction_failure_line(const smt::InductionFailure& f, const std::string& explain_hint)
{
    return "not proven: the k-induction step at k=" + std::to_string(f.k) +
           " fails (a counterexample to induction exists; " + explain_hint + " shows it)";
}

/// --explain of a formula induction did not prove: the counterexample to induction.
void print_induction_failure(std::ostream& out, const smt::InductionFailure& f, const std::string& name,
                             const std::string& indent)
{
    out << indent << "why not proven: the k-induction step at k=" << f.k << " fails. From a state chosen "
        << "freely, " << name
        << (f.assumed.empty() ? ""
                              : " and the " + std::to_string(f.assumed.size()) + " other candidate" +
                                    (f.assumed.size() == 1 ? "" : "s") + " assumed with it")
        << " hold" << (f.assumed.empty() ? "s" : "") << " in " << f.k << " state" << (f.k == 1 ? "" : "s")
        << " in a row; the last of them is\n";
    for (const auto& [variable, value] : f.before) {
        out << indent << "    " << variable << " = " << value << "\n";
    }
    out << indent << "  then one message breaks it: " << f.step.action << " " << f.step.msg
        << (f.step.detail.empty() ? "" : " (" + f.step.detail + ")") << "\n";
    out << indent << "  changing";
    if (f.after.empty()) {
        out << " no state variable (the property reads the message)";
    }
    out << "\n";
    for (const auto& [variable, value] : f.after) {
        out << indent << "    " << variable << " = " << value << "\n";
    }
    if (!f.assumed.empty()) {
        std::string ids;
        for (const auto& a : f.assumed) {
            ids += (ids.empty() ? "" : ", ") + a;
        }
        out << indent << "  assumed with it: " << ids << "\n";
    }
    out << indent << "  Either no run reaches that state (a lemma excluding it would let the proof through) "
        << "or a run longer than the depth searched does (a deeper --depth finds it).\n";
}

/// --explain: the parts of the inductive invariant behind a proof, one per line, or why there is none.
void print_invariant(std::ostream& out, const std::vector<smt::InvariantPart>& parts,
                     const std::optional<smt::InductionFailure>& failure, const std::string& name,
                     const std::string& indent)
{
    if (parts.empty() && failure) {
        print_induction_failure(out, *failure, name, indent);
        return;
    }
    if (parts.empty()) {
        out << indent << "explain: no inductive invariant (not proven)\n";
        return;
    }
    const bool spacer = parts.front().origin.starts_with("spacer");
    out << indent << "inductive invariant (" << parts.size() << (parts.size() == 1 ? " part" : " parts")
        << (spacer ? ", found by Spacer): their conjunction holds in the initial states, is kept by every "
                     "step and implies the property\n"
                   : "): their conjunction holds in the initial states, and if it holds for k steps in a row "
                     "it holds after one more\n");
    for (const auto& p : parts) {
        out << indent << "  [" << p.id
            << (p.origin == "generated" || p.origin == "spacer" ? "" : ", " + p.origin) << "] " << p.formula
            << "\n";
    }
    if (std::any_of(parts.begin(), parts.end(), [](const auto& p) { return p.origin == "spacer-smtlib"; })) {
        out << indent
            << "  (spacer-smtlib: a part the spec's expression language cannot write, in SMT-LIB 2 "
               "over the state variables' names)\n";
    }
}

/// prove on one spec; fills `json` and prints text to `out` when `text`.
Expected<std::vector<smt::PropertyResult>> prove_spec(const spec::Spec& s, const smt::SystemOptions& options,
                                                      const std::vector<std::string>& only,
                                                      const std::string& cex_dir, nlohmann::json& json,
                                                      std::ostream* text,
                                                      const std::vector<std::string>& explain = {})
{
    auto results = smt::prove(s, options, only);
    if (!results) {
        return results;
    }
    json = {{"spec", s.id},
            {"file", s.file},
            {"depth", options.depth},
            {"attacker", smt::to_string(options.attacker)},
            {"properties", nlohmann::json::array()}};
    if (text != nullptr) {
        *text << "pc5check prove " << s.file << "  (depth " << options.depth
              << ", attacker: " << smt::to_string(options.attacker) << ")\n";
    }
    for (auto& r : *results) {
        nlohmann::json p = {{"id", r.id},
                            {"kind", r.kind},
                            {"text", r.text},
                            {"clauses", clause_list(r.clauses)},
                            {"verdict", smt::to_string(r.verdict)},
                            {"depth", r.depth},
                            {"how", r.how},
                            {"seconds", std::round(r.seconds * 1000.0) / 1000.0}};
        std::string written;
        if (r.counterexample) {
            if (!cex_dir.empty()) {
                auto path = write_witness(
                    cex_dir, s.id + "." + r.id, *r.counterexample,
                    {"pc5check prove", "counterexample to " + r.id + " found by pc5check prove"});
                if (!path) {
                    return tl::make_unexpected(path.error());
                }
                written = *path;
            }
            p["counterexample"] = {{"file", written},
                                   {"steps", steps_json(*r.counterexample)},
                                   {"check", check_json(s, written, *r.counterexample)}};
        }
        const spec::Property* prop = nullptr;
        for (const auto& q : s.properties) {
            prop = q.id == r.id ? &q : prop;
        }
        PC5CHECK_ASSERT(prop != nullptr);
        p["rests_on"] = rests_on_json(s, rested_on(s, prop));
        p["min_depth"] = prop->min_depth;
        std::string warning;
        if (r.verdict == smt::PropertyVerdict::holds_to_depth && options.depth < prop->min_depth) {
            warning = "depth " + std::to_string(options.depth) + " is below this property's minimum depth " +
                      std::to_string(prop->min_depth) +
                      ": no run that short can falsify it, so 'holds' says nothing";
        }
        p["warning"] = warning;
        if (!r.invariant.empty()) {
            p["invariant"] = invariant_json(r.invariant);
        }
        std::string how = r.how;
        if (r.induction_failure && r.verdict == smt::PropertyVerdict::holds_to_depth) {
            p["induction_failure"] = induction_failure_json(*r.induction_failure);
            how += (how.empty() ? "no violation within " + std::to_string(r.depth) + " message(s)" : "") +
                   "; " + induction_failure_line(*r.induction_failure, "--explain " + r.id);
            p["how"] = how;
        }
        if (!r.proved_by.empty()) {
            p["proved_by"] = r.proved_by;
        }
        if (r.spacer) {
            p["spacer"] = {{"answer", r.spacer->answer},
                           {"note", r.spacer->note},
                           {"seconds", std::round(r.spacer->seconds * 1000.0) / 1000.0}};
        }
        json["properties"].push_back(p);
        if (text != nullptr) {
            std::ostringstream secs;
            secs << std::fixed << std::setprecision(2) << r.seconds << " s";
            *text << "  " << std::left << std::setw(28) << r.id << " " << std::setw(24) << verdict_text(r)
                  << " " << secs.str() << "\n";
            *text << "      " << (r.kind == "lemma" ? "(lemma) " : "") << r.text << "  ["
                  << clause_list(r.clauses) << "]\n";
            if (!how.empty()) {
                *text << "      " << how << "\n";
            }
            if (r.spacer && r.spacer->answer != "proven") {
                *text << "      Spacer: " << r.spacer->answer << (r.spacer->note.empty() ? "" : ": ")
                      << r.spacer->note << "\n";
            }
            if (!warning.empty()) {
                *text << "      WARNING: " << warning << "\n";
            }
            print_rests_on(*text, s, *prop, property_ok(r.verdict));
            if (std::find(explain.begin(), explain.end(), r.id) != explain.end()) {
                print_invariant(*text, r.invariant,
                                r.verdict == smt::PropertyVerdict::holds_to_depth ? r.induction_failure
                                                                                  : std::nullopt,
                                r.id, "      ");
            }
            if (r.counterexample) {
                *text << "      counterexample"
                      << (written.empty() ? " (use --cex-dir to write it as a trace)" : ": " + written)
                      << "\n";
                print_steps(*text, *r.counterexample, check_command(s, written, *r.counterexample));
            }
        }
    }
    return results;
}

/// What `query --expect` makes of an answer: whether it was met (exit 0), the answer in the sense asked
/// for (`--expect unreachable`: prove's verdict names) and a phrase for the text.
struct QueryExpectation {
    bool met = false;
    std::string verdict; ///< reachable, unreachable, inconclusive; or proven, holds up to depth, violated
    std::string phrase;  ///< empty, or e.g. "holds up to depth 4: bounded, no induction proof"
};

QueryExpectation query_expectation(const smt::QueryResult& q, const std::string& expect)
{
    if (expect == "reachable") {
        // Today's sense: only a witness passes.
        return {q.reachable, q.reachable ? "reachable" : (q.inconclusive ? "inconclusive" : "unreachable"),
                q.inconclusive ? "inconclusive is never a pass" : ""};
    }
    // The sense of prove: the negated condition is the property; inconclusive never passes.
    if (q.reachable) {
        return {false, "violated", "violated at depth " + std::to_string(q.depth) + ": witness below"};
    }
    if (q.inconclusive) {
        return {false, "inconclusive", "inconclusive is never a pass"};
    }
    if (q.proved_unreachable) {
        return {true, "proven", "proven"};
    }
    return {true, "holds up to depth",
            "holds up to depth " + std::to_string(q.depth) + ": no run of up to " + std::to_string(q.depth) +
                " message(s) reaches it; no induction proof"};
}

} // namespace

void add_system_commands(CLI::App& app, SystemCommands& cmds)
{
    // Every command ends the same way: where its counterexamples (or witness) go, the options below,
    // and a footer with its exit codes and an example.
    const auto common = [](CLI::App* cmd, SystemCommandOptions& o, const char* cex_dir_help,
                           const char* footer) {
        cmd->add_option("--cex-dir", o.cex_dir, cex_dir_help);
        cmd->add_option("--depth", o.depth, "bounded model checking depth in messages (default 10)")
            ->check(CLI::Range(0U, 200U));
        cmd->add_option(
            "--attacker", o.attacker,
            "attacker capabilities: none (default), dy (= drop,replay,forge), or a comma list of drop, "
            "replay, forge, compromise-sess, compromise-knrp");
        cmd->add_option(
               "--timeout-ms", o.timeout_ms,
               "limit: solver time per property (query: per query) in ms (default 120000) -> inconclusive")
            ->check(CLI::Range(1U, 86'400'000U));
        cmd->add_option("--solver-memory-mb", o.solver_memory_mb,
                        "limit: solver memory in MiB, whole process (default 4096) -> inconclusive")
            ->check(CLI::Range(16U, 1'048'576U));
        cmd->add_flag("--no-induction", o.no_induction, "bounded model checking only (no k-induction)");
        cmd->add_flag("--generated-invariants", o.generated_invariants,
                      "for what the spec's own properties and lemmas do not prove, a second k-induction that "
                      "also tries candidate invariants generated from the spec's declarations (slower; "
                      "--explain shows what a proof used)");
        cmd->add_flag("--cross-check", o.cross_check,
                      "have cvc5 confirm each k-induction proof: its base and step queries are written as "
                      "SMT-LIB 2 files and must be unsat for cvc5 too (a proof it does not confirm is not "
                      "counted; a disagreement exits 3)");
        cmd->add_option("--cross-check-dir", o.cross_check_dir,
                        "directory for the --cross-check queries (implies --cross-check; default: a new "
                        "directory in $TMPDIR)");
        cmd->add_option("--cross-check-solver", o.cross_check_solver,
                        "the second solver of --cross-check, called as SOLVER --lang=smt2 --tlimit=MS FILE "
                        "(default cvc5)");
        cmd->add_option("--format", o.format,
                        "report format: text, json, junit, sarif (SARIF results located in the spec file) or "
                        "html (one self-contained page, runs drawn as message sequence charts)")
            ->check(CLI::IsMember({"text", "json", "junit", "sarif", "html"}));
        cmd->add_option(
            "--write", o.writes,
            "also write the report in FORMAT (text, json, junit, sarif, html) to FILE: FORMAT=FILE "
            "(repeatable; one solver run for several formats)");
        cmd->add_option("--param", o.params, "override a spec parameter: ID=VALUE (repeatable)");
        cmd->footer(footer);
    };
    cmds.prove_cmd = app.add_subcommand(
        "prove",
        "Prove the spec's properties: bounded model checking, then k-induction; counterexamples as traces");
    cmds.prove_cmd->add_option("spec", cmds.prove.spec_file, "spec file, e.g. spec/ts33536-r17.json")
        ->required();
    cmds.prove_cmd->add_option("--property", cmds.prove.properties,
                               "only this property (repeatable; lemmas are always used for induction)");
    cmds.prove_cmd->add_option("--explain", cmds.prove.explain,
                               "print the inductive invariant that proved property ID, in the spec's "
                               "expression language (repeatable)");
    cmds.prove_cmd
        ->add_option("--engine", cmds.prove.engine,
                     "the prover after bounded model checking: induction (default; k-induction with the "
                     "spec's lemmas), spacer (Z3's Spacer, CHC/PDR, alone) or both (Spacer for what "
                     "k-induction leaves bounded); a Spacer invariant counts only after its initiation, "
                     "consecution and safety re-checks")
        ->check(CLI::IsMember({"induction", "spacer", "both"}));
    cmds.prove_cmd->add_option("--shard", cmds.prove.shard,
                               "report only shard I of N (I/N, 0-based) of the properties, with the verdicts "
                               "of the unsharded run; join the JSON reports with merge");
    common(cmds.prove_cmd, cmds.prove.common,
           "write each counterexample as a pc5-trace/1 file <spec>.<property>.json here",
           "Exit: 0 every property proven or holding up to the depth, 1 a property violated or "
           "inconclusive, 2 bad input.\nExample:\n  pc5check prove spec/ts33536-r17.json --depth 8 "
           "--attacker dy --cex-dir cex/");

    cmds.query_cmd =
        app.add_subcommand("query", "Is a state (or state/event condition) reachable? Witness trace or "
                                    "'unreachable' (proved, or within the depth)");
    cmds.query_cmd->add_option("spec", cmds.query.spec_file, "spec file")->required();
    cmds.query_cmd
        ->add_option("condition", cmds.query.condition,
                     "bool expression over the state after a step (initiator.*, target.*, link.*) and "
                     "that step's message (msg, from, ie.*, sec.*)")
        ->required();
    cmds.query_cmd->add_flag("--explain", cmds.query.explain,
                             "print the inductive invariant behind an 'unreachable (proved)' answer");
    cmds.query_cmd
        ->add_option("--expect", cmds.query.expect,
                     "the answer that exits 0: reachable (default; a witness) or unreachable (as prove: "
                     "proven, or holding up to the depth); inconclusive always exits 1")
        ->check(CLI::IsMember({"reachable", "unreachable"}));
    common(
        cmds.query_cmd, cmds.query.common, "write the witness as a trace query.json here",
        "Exit (--expect reachable): 0 reachable (witness shown), 1 unreachable or inconclusive; "
        "(--expect unreachable): 0 unreachable (proved or within the depth), 1 reachable or inconclusive; "
        "2 bad input.\n"
        "Example:\n  pc5check query spec/ts33536-r17.json 'initiator.state == InitiatorState.WAIT_RESPONSE "
        "&& initiator.smc_echo_bad' --expect unreachable");

    cmds.diff_cmd =
        app.add_subcommand("diff", "Compare two spec versions: properties (prove) and corpus verdicts "
                                   "(check); exit 1 if a promise was broken");
    cmds.diff_cmd->add_option("old", cmds.diff.old_spec, "old spec file")->required();
    cmds.diff_cmd->add_option("new", cmds.diff.new_spec, "new spec file")->required();
    cmds.diff_cmd->add_option("--corpus", cmds.diff.corpus,
                              "trace directory (or file) checked with both specs");
    cmds.diff_cmd->add_option("--property", cmds.diff.properties,
                              "compare only this property (repeatable; lemmas are always used)");
    cmds.diff_cmd->add_flag("--format-changes-fail", cmds.diff.format_changes_fail,
                            "a corpus trace that no longer fits NEW's message format fails the gate too "
                            "(default: reported, only behaviour regressions fail)");
    cmds.diff_cmd->add_option("--rule", cmds.diff.rule,
                              "behaviour search: only runs on which the rejecting version breaks this rule");
    cmds.diff_cmd
        ->add_option("--min-depth", cmds.diff.min_depth,
                     "behaviour search: only runs of at least N messages (default 1; at most --depth)")
        ->check(CLI::Range(1U, 200U));
    common(cmds.diff_cmd, cmds.diff.common, "write counterexamples of properties NEW broke as traces here",
           "Exit: 0 nothing that held / conformed with OLD fails with NEW (a trace that no longer fits NEW's "
           "message format fails only with --format-changes-fail), 1 otherwise, 2 bad input.\n"
           "Example:\n  pc5check diff spec/ts33536-r17.json my-change.json --corpus traces/ts33536-r17");
}

namespace {

/// The IDs --property names, in the spec's order (the order of the report), each once; every property
/// of the spec without --property.
std::vector<std::string> asked_properties(const ProveCommand& cmd, const spec::Spec& s)
{
    std::vector<std::string> out;
    for (const auto& p : s.properties) {
        if (cmd.properties.empty() ||
            std::find(cmd.properties.begin(), cmd.properties.end(), p.id) != cmd.properties.end()) {
            out.push_back(p.id);
        }
    }
    return out;
}

/// What a shard's verdicts depend on besides spec, file, depth and attacker, as one line: `merge`
/// joins only shards whose lines are equal.
std::string shard_settings(const ProveCommand& cmd, const smt::SystemOptions& o, const spec::Spec& s)
{
    std::string asked;
    for (const auto& id : asked_properties(cmd, s)) {
        asked += (asked.empty() ? "" : ",") + id;
    }
    std::string out = "property=" + (cmd.properties.empty() ? std::string("*") : asked) +
                      " timeout_ms=" + std::to_string(o.timeout_ms) +
                      " solver_memory_mb=" + std::to_string(cmd.common.solver_memory_mb) +
                      " induction=" + (o.induction ? "on" : "off") + " engine=" + smt::to_string(o.engine) +
                      " cross_check=" + (o.cross_check_dir ? o.cross_check_solver : "off");
    for (const auto& p : s.parameters) {
        out += " " + p.id + "=" + p.value_text();
    }
    return out;
}

} // namespace

int run_prove(const ProveCommand& cmd)
{
    std::optional<std::pair<unsigned, unsigned>> shard;
    if (!cmd.shard.empty()) {
        auto parsed = checker::parse_shard(cmd.shard);
        if (!parsed) {
            return fail(parsed.error());
        }
        shard = *parsed;
    }
    auto input = system_input(cmd.common, cmd.spec_file);
    if (!input) {
        return fail(input.error());
    }
    smt::SystemOptions& options = input->options;
    const spec::Spec& s = input->spec;
    const std::vector<std::string> asked = asked_properties(cmd, s);
    for (const auto& id : cmd.explain) {
        if (std::find(asked.begin(), asked.end(), id) == asked.end()) {
            const std::string scope = cmd.properties.empty() ? "" : " (--property)";
            return fail(
                make_error(ErrorCode::usage, "--explain: expected the ID of a property this run proves" +
                                                 scope + ", found '" + id + "'")
                    .value());
        }
    }
    if (shard) {
        std::tie(options.shard_index, options.shard_count) = *shard;
    }
    auto engine = smt::parse_engine(cmd.engine);
    if (!engine) {
        return fail(engine.error());
    }
    options.engine = *engine;
    nlohmann::json json;
    std::ostringstream text;
    auto results = prove_spec(s, options, cmd.properties, cmd.common.cex_dir, json, &text, cmd.explain);
    if (!results) {
        return fail(results.error());
    }
    if (shard) {
        // The properties the unsharded run reports: every one, or those --property names.
        const std::size_t total = asked.size();
        json["shard"] = {{"index", shard->first},
                         {"count", shard->second},
                         {"properties", total},
                         {"settings", shard_settings(cmd, options, s)}};
        text << "shard " << shard->first << "/" << shard->second << ": " << results->size() << " of " << total
             << " properties (pc5check merge joins the JSON reports of all " << shard->second << " shards)\n";
    }
    bool ok = true;
    for (const auto& r : *results) {
        ok = ok && property_ok(r.verdict);
    }
    const std::vector<Contradiction> contradictions = contradicted_counterexamples(*results, json);
    const int code = !contradictions.empty() ? kExitInternal : (ok ? kExitOk : kExitFailed);
    const report::CheckedRuns checked = checked_counterexamples(*results, "");
    const Rendered r{text.str(), json, [&json](std::ostream& out) { report::write_prove_junit(out, json); },
                     [&] { return report::prove_sarif(json, s, code); },
                     [&](std::ostream& out) { report::write_prove_html(out, json, checked); }};
    return with_contradictions(emit(cmd.common, r, code), contradictions);
}

int run_query(const QueryCommand& cmd)
{
    auto input = system_input(cmd.common, cmd.spec_file);
    if (!input) {
        return fail(input.error());
    }
    const smt::SystemOptions& options = input->options;
    const spec::Spec& s = input->spec;
    auto q = smt::query(s, cmd.condition, options);
    if (!q) {
        return fail(q.error());
    }
    std::string answer;
    if (q->reachable) {
        answer = "reachable in " + std::to_string(q->depth) + " message(s)";
    } else if (q->inconclusive) {
        answer = "inconclusive: " + q->how;
    } else if (q->proved_unreachable) {
        answer = "unreachable (proved: " + q->how + ")";
    } else {
        answer =
            "unreachable within " + std::to_string(q->depth) + " message(s) (bounded; no induction proof)";
    }
    std::string written;
    if (q->witness && !cmd.common.cex_dir.empty()) {
        auto path = write_witness(cmd.common.cex_dir, "query", *q->witness,
                                  {"pc5check query", "witness found by pc5check query: " + cmd.condition});
        if (!path) {
            return fail(path.error());
        }
        written = *path;
    }
    const QueryExpectation e = query_expectation(*q, cmd.expect);
    std::vector<Contradiction> contradictions;
    if (q->witness) {
        if (std::string why = smt::replay_contradiction(*q->witness); !why.empty()) {
            contradictions.push_back({"the witness", written, std::move(why)});
        }
    }
    const int code = !contradictions.empty() ? kExitInternal : (e.met ? kExitOk : kExitFailed);
    nlohmann::json j = {
        {"spec", s.id},
        {"condition", cmd.condition},
        {"attacker", smt::to_string(options.attacker)},
        {"answer", q->reachable ? "reachable" : (q->inconclusive ? "inconclusive" : "unreachable")},
        {"proved", q->proved_unreachable},
        {"depth", q->depth},
        {"how", q->how},
        {"seconds", std::round(q->seconds * 1000.0) / 1000.0},
        {"expect", cmd.expect},
        {"met", e.met},
        {"verdict", e.verdict}};
    if (q->witness) {
        j["witness"] = {{"file", written},
                        {"steps", steps_json(*q->witness)},
                        {"check", check_json(s, written, *q->witness)}};
    }
    j["rests_on"] = rests_on_json(s, rested_on(s, nullptr));
    if (!q->invariant.empty()) {
        j["invariant"] = invariant_json(q->invariant);
    }
    if (q->induction_failure) {
        j["induction_failure"] = induction_failure_json(*q->induction_failure);
        answer += "; " + induction_failure_line(*q->induction_failure, "--explain");
    }
    std::ostringstream text;
    text << "pc5check query " << s.file << " (attacker: " << smt::to_string(options.attacker) << ")\n  "
         << cmd.condition << "\n  " << answer << "\n  expect " << cmd.expect << ": "
         << (e.met ? "met" : "NOT met") << (e.phrase.empty() ? "" : " (" + e.phrase + ")") << "\n";
    if (q->witness) {
        text << "  witness" << (written.empty() ? "" : ": " + written) << "\n";
        print_steps(text, *q->witness, check_command(s, written, *q->witness));
    }
    if (cmd.explain && !q->reachable) {
        print_invariant(text, q->invariant, q->induction_failure, "!(condition)", "  ");
    }
    if (const std::string ids = id_list(rested_on(s, nullptr)); !ids.empty()) {
        text << "  rests on assumptions: " << ids << "\n";
    }
    report::CheckedRuns checked;
    if (q->witness) {
        checked["/witness"] = q->witness->checked.get();
    }
    const Rendered r{text.str(), j, [&j](std::ostream& out) { report::write_query_junit(out, j); },
                     [&] { return report::query_sarif(j, s, code); },
                     [&](std::ostream& out) { report::write_query_html(out, j, checked); }};
    return with_contradictions(emit(cmd.common, r, code), contradictions);
}

namespace {

/// What diff reports: a row per changed property or trace (JSON), the text, and whether any is a
/// regression (held or conformed with OLD, not with NEW).
struct DiffReport {
    nlohmann::json rows = nlohmann::json::array();
    std::ostringstream text;
    bool broken = false;
    std::set<char> marks; ///< the row markers printed ('!', '~', 'F'): the legend explains them
    /// `check`'s result on the run the versions disagree on (for the HTML chart); null when none.
    std::shared_ptr<const checker::TraceResult> disagreement_checked;
    /// How `check` under the spec that accepts that run contradicts the solver; none when it does not.
    std::optional<Contradiction> disagreement_contradiction;
};

/// The legend of the row markers that appear in the text (nothing when there are none).
std::string legend(const std::set<char>& marks)
{
    std::string out;
    const auto add = [&](char mark, const char* meaning) {
        if (marks.contains(mark)) {
            out += std::string(out.empty() ? "" : "; ") + mark + " " + meaning;
        }
    };
    add('!', "a regression: held or conformed with OLD, not with NEW (fails the gate)");
    add('~', "changed, not a regression (e.g. proven -> holds up to depth K, a lemma, or a trace OLD did "
             "not accept)");
    add('F', "no longer fits NEW's message format (not a failure without --format-changes-fail)");
    return out.empty() ? out : "\nlegend: " + out + "\n";
}

/// The properties of `s` diff reports when --property asks for `ids`: those of `ids` that `s` has, and
/// every lemma; all when `ids` is empty. The others are not reported, but prove's induction still
/// assumes them, as `prove --property` does.
std::vector<std::string> reported_ids(const spec::Spec& s, const std::vector<std::string>& ids)
{
    std::vector<std::string> out;
    if (!ids.empty()) {
        for (const auto& p : s.properties) {
            if (p.kind == "lemma" || std::find(ids.begin(), ids.end(), p.id) != ids.end()) {
                out.push_back(p.id);
            }
        }
    }
    return out;
}

/// prove of the properties diff reports (reported_ids) of `s`.
Expected<std::vector<smt::PropertyResult>> prove_reported(const spec::Spec& s,
                                                          const smt::SystemOptions& options,
                                                          const std::vector<std::string>& ids,
                                                          const std::string& cex_dir, nlohmann::json& json)
{
    const std::vector<std::string> only = reported_ids(s, ids);
    if (!ids.empty() && only.empty()) {
        spec::Spec none = s; // nothing of this spec is asked: an empty report, not every property
        none.properties.clear();
        return prove_spec(none, options, {}, cex_dir, json, nullptr);
    }
    return prove_spec(s, options, only, cex_dir, json, nullptr);
}

/// --property: each must exist in one of the specs (a property the other lacks shows as absent, and a
/// property NEW dropped counts as broken).
Expected<void> check_selected(const std::vector<std::string>& ids, const spec::Spec& a, const spec::Spec& b)
{
    for (const auto& id : ids) {
        const auto has = [&id](const spec::Spec& s) {
            return std::any_of(s.properties.begin(), s.properties.end(),
                               [&id](const spec::Property& p) { return p.id == id; });
        };
        if (!has(a) && !has(b)) {
            return make_error(ErrorCode::usage, "--property: neither spec has a property '" + id + "'");
        }
    }
    return {};
}

/// --rule must be a rule of one of the specs; --min-depth at most --depth.
Expected<void> check_search(const DiffCommand& cmd, const spec::Spec& a, const spec::Spec& b,
                            const smt::SystemOptions& options)
{
    const auto has = [&cmd](const spec::Spec& s) {
        return std::any_of(s.rules.begin(), s.rules.end(),
                           [&cmd](const spec::Rule& r) { return r.id == cmd.rule; });
    };
    if (!cmd.rule.empty() && !has(a) && !has(b)) {
        return make_error(ErrorCode::usage, "--rule: neither spec has a rule '" + cmd.rule + "'");
    }
    if (cmd.min_depth > options.depth) {
        return make_error(ErrorCode::usage, "--min-depth " + std::to_string(cmd.min_depth) +
                                                ": expected at most --depth (" +
                                                std::to_string(options.depth) + ")");
    }
    return {};
}

/// A row per property of either spec, NEW's order first.
void compare_properties(DiffReport& report, const std::vector<smt::PropertyResult>& old_results,
                        const std::vector<smt::PropertyResult>& new_results, const spec::Spec& new_spec)
{
    std::map<std::string, const smt::PropertyResult*> by_id;
    for (const auto& r : old_results) {
        by_id[r.id] = &r;
    }
    const auto row = [&](const std::string& id, const smt::PropertyResult* o, const smt::PropertyResult* n) {
        const std::string ov = o == nullptr ? "(absent)" : verdict_text(*o);
        const std::string nv = n == nullptr ? "(absent)" : verdict_text(*n);
        // A lemma is a proof aid, not a promise: shown, never a regression.
        const bool regress = o != nullptr && o->kind != "lemma" && property_ok(o->verdict) &&
                             (n == nullptr || !property_ok(n->verdict));
        report.broken = report.broken || regress;
        report.rows.push_back(
            {{"kind", "property"}, {"id", id}, {"old", ov}, {"new", nv}, {"regression", regress}});
        const char* mark = regress ? "! " : (ov == nv ? "  " : "~ ");
        report.marks.insert(mark[0]);
        report.text << "  " << mark << std::left << std::setw(28) << id << " " << std::setw(24) << ov
                    << " -> " << nv << "\n";
        if (regress && n != nullptr && n->counterexample) {
            print_steps(report.text, *n->counterexample, check_command(new_spec, "", *n->counterexample));
        }
    };
    std::set<std::string> seen;
    for (const auto& r : new_results) {
        const auto it = by_id.find(r.id);
        row(r.id, it == by_id.end() ? nullptr : it->second, &r);
        seen.insert(r.id);
    }
    for (const auto& r : old_results) {
        if (!seen.contains(r.id)) {
            row(r.id, &r, nullptr);
        }
    }
}

/// The transitions, rules and properties NEW writes differently (text: where; JSON: `spec_changes`).
nlohmann::json report_spec_changes(DiffReport& report, const spec::Spec& old_spec, const spec::Spec& new_spec)
{
    nlohmann::json out = nlohmann::json::array();
    const auto where = [](const spec::Origin& o) {
        return nlohmann::json{{"pointer", o.pointer}, {"line", o.line}, {"column", o.column}};
    };
    const auto changes = spec::changed_elements(old_spec, new_spec);
    report.text << "\nwritten differently in NEW:" << (changes.empty() ? " nothing\n" : "\n");
    for (const auto& c : changes) {
        out.push_back({{"kind", c.kind},
                       {"id", c.id},
                       {"change", c.change},
                       {"old", where(c.before)},
                       {"new", where(c.after)}});
        const bool removed = c.change == "removed";
        const spec::Origin& at = removed ? c.before : c.after;
        report.text << "  " << c.kind << " " << c.id << " " << c.change << "  ("
                    << (removed ? old_spec.file : new_spec.file) << ":" << at.line << ")\n";
    }
    return out;
}

/// --corpus: the traces whose verdict changed from OLD to NEW; a regression is a behaviour regression,
/// or with --format-changes-fail also a trace that no longer fits NEW's message format.
Expected<void> report_corpus(DiffReport& report, const DiffCommand& cmd, const spec::Spec& old_spec,
                             const spec::Spec& new_spec, const spec::ParameterOverrides& params)
{
    report.text << "\ncorpus " << cmd.corpus << ":\n";
    auto compared = compare_corpus(cmd.corpus, old_spec, new_spec, params);
    if (!compared) {
        return tl::make_unexpected(compared.error());
    }
    std::size_t behaviour = 0;
    std::size_t format = 0;
    for (const auto& c : compared->changes) {
        const std::string id = c.file + ":" + std::to_string(c.line);
        const bool is_format = c.regression == CorpusRegression::format;
        const bool regress =
            c.regression == CorpusRegression::behaviour || (is_format && cmd.format_changes_fail);
        behaviour += c.regression == CorpusRegression::behaviour ? 1 : 0;
        format += is_format ? 1 : 0;
        report.broken = report.broken || regress;
        report.rows.push_back({{"kind", "trace"},
                               {"id", id},
                               {"file", c.file},
                               {"line", c.line},
                               {"old", c.old_verdict},
                               {"new", c.new_verdict},
                               {"new_rules", c.new_rules},
                               {"class", to_string(c.regression)},
                               {"why", c.why},
                               {"regression", regress}});
        const char* mark = regress ? "! " : (is_format ? "F " : "~ ");
        report.marks.insert(mark[0]);
        report.text << "  " << mark << id << ": " << c.old_verdict << " -> " << c.new_verdict << "\n";
        if (is_format) {
            report.text << "      no longer fits NEW's message format: " << c.why << "\n";
        }
    }
    report.text << "  " << compared->traces << " trace(s), " << compared->changes.size()
                << " changed verdict(s): " << behaviour << " behaviour regression(s), " << format
                << " no longer fitting NEW's message format"
                << (format == 0
                        ? ""
                        : (cmd.format_changes_fail ? " (fail: --format-changes-fail)"
                                                   : " (not a failure without --format-changes-fail)"))
                << "\n";
    return {};
}

/// A short run one version accepts and the other rejects (a regression trace for the corpus): the
/// text, and the JSON (null when there is none).
Expected<nlohmann::json> report_disagreement(DiffReport& report, const DiffCommand& cmd,
                                             const spec::Spec& old_spec, const spec::Spec& new_spec,
                                             const smt::SystemOptions& options)
{
    auto found = smt::find_disagreement(old_spec, new_spec, options, {cmd.rule, cmd.min_depth});
    if (!found) {
        return tl::make_unexpected(found.error());
    }
    // What both sides' answers rest on (per property in the JSON, under old/new .rests_on).
    for (const auto* side : {&old_spec, &new_spec}) {
        const std::string ids = id_list(rested_on(*side, nullptr));
        report.text << "\n"
                    << (side == &old_spec ? "OLD" : "NEW")
                    << " rests on assumptions: " << (ids.empty() ? "(none declared)" : ids);
    }
    report.text << "\n\nbehaviour: ";
    if (!*found) {
        report.text << "no run of " << (cmd.min_depth > 1 ? std::to_string(cmd.min_depth) + " to " : "up to ")
                    << options.depth << " message(s) that one version accepts and the other rejects"
                    << (cmd.rule.empty() ? "" : " by breaking " + cmd.rule) << "\n";
        return nlohmann::json(nullptr);
    }
    const smt::Disagreement& d = **found;
    std::string written;
    if (!cmd.common.cex_dir.empty()) {
        auto path = write_witness(cmd.common.cex_dir, "diff-regression", d.witness,
                                  {"pc5check diff", "a run " + d.accepted_by + " accepts and " +
                                                        d.rejected_by + " rejects, found by pc5check diff"});
        if (!path) {
            return tl::make_unexpected(path.error());
        }
        written = *path;
    }
    std::string rules;
    for (const auto& r : d.rejecting_rules) {
        rules += " " + r;
    }
    report.text << "a run of " << d.depth << " message(s) that " << d.accepted_by << " accepts and "
                << d.rejected_by << " rejects (" << d.rejecting_verdict << rules << ")"
                << (written.empty() ? "" : ": " + written) << "\n";
    const std::string command =
        check_command(d.accepted_by == old_spec.file ? old_spec : new_spec, written, d.witness);
    print_steps(report.text, d.witness, command);
    report.disagreement_checked = d.witness.checked;
    if (std::string why = smt::replay_contradiction(d.witness); !why.empty()) {
        report.disagreement_contradiction =
            Contradiction{"the run the two versions disagree on, under the version that accepts it", written,
                          std::move(why)};
    }
    return nlohmann::json{{"accepted_by", d.accepted_by},
                          {"rejected_by", d.rejected_by},
                          {"depth", d.depth},
                          {"file", written},
                          {"steps", steps_json(d.witness)},
                          {"check",
                           {{"accepting", d.witness.check_verdict},
                            {"accepting_unverified", d.witness.check_unverified},
                            {"rejecting", d.rejecting_verdict},
                            {"rejecting_rules", d.rejecting_rules},
                            {"command", command}}}};
}

} // namespace

int run_diff(const DiffCommand& cmd)
{
    auto options = system_options(cmd.common);
    if (!options) {
        return fail(options.error());
    }
    auto params = parse_params(cmd.common.params);
    if (!params) {
        return fail(params.error());
    }
    auto old_spec = spec::load_spec(cmd.old_spec, *params);
    if (!old_spec) {
        return fail(old_spec.error());
    }
    auto new_spec = spec::load_spec(cmd.new_spec, *params);
    if (!new_spec) {
        return fail(new_spec.error());
    }
    if (auto ok = check_selected(cmd.properties, *old_spec, *new_spec); !ok) {
        return fail(ok.error());
    }
    if (auto ok = check_search(cmd, *old_spec, *new_spec, *options); !ok) {
        return fail(ok.error());
    }
    nlohmann::json old_json;
    nlohmann::json new_json;
    auto old_results = prove_reported(*old_spec, *options, cmd.properties, "", old_json);
    if (!old_results) {
        return fail(old_results.error());
    }
    auto new_results = prove_reported(*new_spec, *options, cmd.properties, cmd.common.cex_dir, new_json);
    if (!new_results) {
        return fail(new_results.error());
    }
    DiffReport report;
    report.text << "pc5check diff " << old_spec->file << " -> " << new_spec->file << "  (depth "
                << options->depth << ", attacker: " << smt::to_string(options->attacker)
                << ")\n\nproperties:\n";
    compare_properties(report, *old_results, *new_results, *new_spec);
    const nlohmann::json spec_changes = report_spec_changes(report, *old_spec, *new_spec);
    if (!cmd.corpus.empty()) {
        if (auto ok = report_corpus(report, cmd, *old_spec, *new_spec, *params); !ok) {
            return fail(ok.error());
        }
    }
    auto disagreement = report_disagreement(report, cmd, *old_spec, *new_spec, *options);
    if (!disagreement) {
        return fail(disagreement.error());
    }
    report.text
        << legend(report.marks) << "\n"
        << (report.broken
                ? "FAIL: a property that held or a trace that conformed with OLD no longer does with NEW"
                : "OK: nothing that held or conformed with OLD fails with NEW")
        << "\n";
    std::vector<Contradiction> contradictions = contradicted_counterexamples(*old_results, old_json);
    for (auto& c : contradicted_counterexamples(*new_results, new_json)) {
        contradictions.push_back(std::move(c));
    }
    if (report.disagreement_contradiction) {
        contradictions.push_back(*report.disagreement_contradiction);
    }
    const int code = !contradictions.empty() ? kExitInternal : (report.broken ? kExitFailed : kExitOk);
    const nlohmann::json doc = {{"old", old_json},
                                {"new", new_json},
                                {"changes", report.rows},
                                {"spec_changes", spec_changes},
                                {"disagreement", *disagreement},
                                {"regression", report.broken}};
    report::CheckedRuns checked = checked_counterexamples(*new_results, "/new");
    if (report.disagreement_checked) {
        checked["/disagreement"] = report.disagreement_checked.get();
    }
    const Rendered r{report.text.str(), doc,
                     [&doc](std::ostream& out) { report::write_diff_junit(out, doc); },
                     [&] { return report::diff_sarif(doc, *old_spec, *new_spec, code); },
                     [&](std::ostream& out) { report::write_diff_html(out, doc, checked); }};
    return with_contradictions(emit(cmd.common, r, code), contradictions);
}

} // namespace pc5check::cli
