/// \file SARIF 2.1.0 report of a `check` run, for code-scanning viewers (GitHub, GitLab, VS Code).
///
/// One run. tool.driver.rules: one reportingDescriptor per rule ID of the specs the run used (specs in
/// id order, rules in spec order; a rule ID several specs define gets one descriptor listing each
/// spec's text and clauses). results, in input order of traces and findings:
///   violation          -> kind "fail", level "error" (level "warning" for a warning-only rule)
///   unverified check   -> kind "open", level "none" (SARIF 3.27.9: the rule was evaluated but there was
///                         not enough information to decide; docs/cli.md (verdicts): never a plain pass)
/// Each result's location is the trace file (URI relative to the current directory when below it) and
/// the region where the event starts. Bad inputs are tool execution notifications of the invocation.
/// Checked against tests/data/sarif-2.1.0-subset.schema.json.

#include "pc5check/checker/report.h"
#include "report/sarif_parts.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pc5check::report {

namespace {

using nlohmann::json;

using sarif::artifact_uri;
using sarif::kToolVersion;
using sarif::rule_name;

/// One rule ID as the specs of the run define it.
struct RuleDef {
    std::string id;
    std::vector<std::pair<std::string, const spec::Rule*>> by_spec; ///< spec id, its definition
    std::optional<machine::Finding> fallback; ///< for a rule ID no spec of the run defines
};

json clause_list(const std::vector<std::string>& clauses)
{
    json out = json::array();
    for (const auto& c : clauses) {
        out.push_back(c);
    }
    return out;
}

json descriptor(const RuleDef& def)
{
    std::string short_text;
    std::string full_text;
    std::string help_text;
    std::vector<std::string> clauses;
    json specs = json::array();
    bool warning = !def.by_spec.empty();
    const auto add_clauses = [&clauses](const std::vector<spec::ClauseRef>& refs) {
        for (const auto& c : refs) {
            if (std::find(clauses.begin(), clauses.end(), c.to_string()) == clauses.end()) {
                clauses.push_back(c.to_string());
            }
        }
    };
    if (def.by_spec.empty()) {
        short_text = def.fallback->rule_text;
        full_text = def.fallback->rule_text;
        help_text = spec::to_string(def.fallback->clauses);
        add_clauses(def.fallback->clauses);
        warning = def.fallback->warning;
    } else {
        const spec::Rule& first = *def.by_spec.front().second;
        bool same = true;
        for (const auto& [spec_id, rule] : def.by_spec) {
            same = same && rule->text == first.text &&
                   spec::to_string(rule->clauses) == spec::to_string(first.clauses);
        }
        short_text = first.text;
        for (const auto& [spec_id, rule] : def.by_spec) {
            specs.push_back(spec_id);
            warning = warning && rule->warning;
            add_clauses(rule->clauses);
            if (!same) {
                full_text += (full_text.empty() ? "" : "\n") + spec_id + ": " + rule->text;
                help_text +=
                    (help_text.empty() ? "" : "\n") + spec_id + ": " + spec::to_string(rule->clauses);
            }
        }
        if (same) {
            full_text = first.text;
            help_text = spec::to_string(first.clauses);
        }
    }
    if (short_text.empty()) {
        short_text = def.id;
    }
    json d = {{"id", def.id},
              {"name", rule_name(def.id)},
              {"shortDescription", {{"text", short_text}}},
              {"fullDescription", {{"text", full_text.empty() ? short_text : full_text}}},
              {"help", {{"text", help_text.empty() ? short_text : help_text}}},
              {"defaultConfiguration", {{"level", warning ? "warning" : "error"}}},
              {"properties", {{"clauses", clause_list(clauses)}}}};
    if (!specs.empty()) {
        d["properties"]["specs"] = specs;
    }
    return d;
}

/// Rule IDs of the run: each spec's rules (specs in id order), then IDs only findings name.
std::vector<RuleDef> collect_rules(const checker::CheckRun& run)
{
    std::vector<RuleDef> rules;
    std::map<std::string, std::size_t> index;
    const auto slot = [&rules, &index](const std::string& id) -> RuleDef& {
        const auto [it, inserted] = index.try_emplace(id, rules.size());
        if (inserted) {
            rules.push_back(RuleDef{id, {}, std::nullopt});
        }
        return rules[it->second];
    };
    for (const auto& [spec_id, spec] : run.specs) {
        if (!spec) {
            continue;
        }
        for (const auto& rule : spec->rules) {
            slot(rule.id).by_spec.emplace_back(spec_id, &rule);
        }
    }
    run.for_each_trace([&](const checker::TraceResult& t) {
        if (t.error) {
            return;
        }
        for (const auto& f : t.replay.findings) {
            RuleDef& def = slot(f.rule);
            if (def.by_spec.empty() && !def.fallback) {
                def.fallback = f;
            }
        }
    });
    return rules;
}

using sarif::add_artifact;
using sarif::Artifacts;
using sarif::physical_location;

json result(const checker::TraceResult& t, const machine::Finding& f, std::size_t rule_index,
            Artifacts& artifacts)
{
    const bool unverified = f.outcome == machine::Outcome::unverified;
    const trace::Position pos = f.event < t.events.size() ? t.events[f.event].position : f.position;
    std::string message = "expected " + f.expected + ", observed " + f.observed;
    if (unverified) {
        message = "unverified (" + f.reason + "): " + message;
    }
    json clauses = json::array();
    for (const auto& c : f.clauses) {
        clauses.push_back(c.to_string());
    }
    json properties = {{"trace", trace_label(t)},
                       {"spec", t.spec_id},
                       {"event", f.event},
                       {"msg", f.msg},
                       {"offender", trace::to_string(f.offender)},
                       {"clauses", clauses}};
    if (!t.title.empty()) {
        properties["title"] = t.title;
    }
    if (unverified) {
        properties["reason"] = f.reason;
    }
    const std::string kind = unverified ? "open" : "fail";
    return {
        {"ruleId", f.rule},
        {"ruleIndex", rule_index},
        {"kind", kind},
        {"level", unverified ? "none" : (f.warning ? "warning" : "error")},
        {"message", {{"text", message}}},
        {"locations",
         json::array({{{"physicalLocation", physical_location(artifacts, t.file, pos.line, pos.column)}}})},
        {"partialFingerprints",
         {{"pc5checkFinding/v1",
           kind + ":" + f.rule + ":" + trace_label(t) + ":" + std::to_string(f.event)}}},
        {"properties", properties}};
}

json notification(const Error& e, Artifacts& artifacts)
{
    json n = {
        {"level", "error"}, {"message", {{"text", e.to_string()}}}, {"descriptor", {{"id", "bad-input"}}}};
    if (!e.file.empty()) {
        n["locations"] =
            json::array({{{"physicalLocation", physical_location(artifacts, e.file, e.line, e.column)}}});
    }
    return n;
}

/// The SARIF log with `results` holding `results_value`; `results` are visited to fill the artifacts.
json sarif_frame(const checker::CheckRun& run, const std::vector<RuleDef>& rules, Artifacts& artifacts,
                 json results_value)
{
    json descriptors = json::array();
    for (const auto& def : rules) {
        descriptors.push_back(descriptor(def));
    }
    json notifications = json::array();
    run.for_each_trace([&](const checker::TraceResult& t) {
        if (t.error) {
            notifications.push_back(notification(*t.error, artifacts));
            return;
        }
        (void)add_artifact(artifacts, t.file); // results name only their trace's file: no other artifact
    });
    for (const auto& e : run.errors) {
        notifications.push_back(notification(e, artifacts));
    }

    json artifact_list = sarif::artifact_list(artifacts);
    const int exit = checker::exit_code(run);
    json invocation = {{"executionSuccessful", exit < 2}, {"exitCode", exit}};
    if (!notifications.empty()) {
        invocation["toolExecutionNotifications"] = notifications;
    }
    json driver = {{"name", "pc5check"},
                   {"version", kToolVersion},
                   {"semanticVersion", kToolVersion},
                   {"rules", descriptors}};
    return {{"$schema", sarif::kSchema},
            {"version", "2.1.0"},
            {"runs", json::array({{{"tool", {{"driver", driver}}},
                                   {"invocations", json::array({invocation})},
                                   {"artifacts", artifact_list},
                                   {"results", std::move(results_value)}}})}};
}

/// Visits the results of the run, in input order of traces and findings.
void for_each_result(const checker::CheckRun& run, const std::map<std::string, std::size_t>& rule_index,
                     Artifacts& artifacts, const std::function<void(const json&)>& emit)
{
    run.for_each_trace([&](const checker::TraceResult& t) {
        if (t.error) {
            return;
        }
        for (const auto& f : t.replay.findings) {
            if (f.outcome != machine::Outcome::pass) {
                emit(result(t, f, rule_index.at(f.rule), artifacts));
            }
        }
    });
}

std::map<std::string, std::size_t> index_rules(const std::vector<RuleDef>& rules)
{
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        index.emplace(rules[i].id, i);
    }
    return index;
}

} // namespace

json to_sarif(const checker::CheckRun& run)
{
    const std::vector<RuleDef> rules = collect_rules(run);
    const auto rule_index = index_rules(rules);
    Artifacts artifacts;
    json doc = sarif_frame(run, rules, artifacts, nullptr);
    json results = json::array();
    for_each_result(run, rule_index, artifacts, [&results](const json& r) { results.push_back(r); });
    doc["runs"][0]["results"] = std::move(results);
    return doc;
}

void write_sarif(std::ostream& out, const checker::CheckRun& run)
{
    const std::vector<RuleDef> rules = collect_rules(run);
    const auto rule_index = index_rules(rules);
    Artifacts artifacts;
    constexpr const char* kPlaceholder = "@@pc5check-results@@";
    const json frame = sarif_frame(run, rules, artifacts, kPlaceholder);
    write_indented_json(out, frame, kPlaceholder, 8, [&](const std::function<void(const json&)>& emit) {
        for_each_result(run, rule_index, artifacts, emit);
    });
    out << "\n";
}

} // namespace pc5check::report
