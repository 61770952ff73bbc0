/// \file SARIF 2.1.0 of `prove`, `query` and `diff`, for code-scanning viewers: results located in the
/// spec file at the property (diff: also the changed rule or transition), line and column of the
/// element's "id" key (spec::Origin); the counterexample trace as a related location and an attachment.
/// The mapping is in pc5check/checker/proof_report.h and docs/cli.md ("Output formats"). A result of
/// level "error" appears iff the command exits 1. Checked against tests/data/sarif-2.1.0-subset.schema.json.

#include "pc5check/checker/proof_report.h"
#include "pc5check/spec/spec.h"
#include "report/proof_text.h"
#include "report/sarif_parts.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace pc5check::report {

namespace {

using nlohmann::json;

using proof::str;

json clause_array(const std::vector<spec::ClauseRef>& clauses)
{
    json out = json::array();
    for (const auto& c : clauses) {
        out.push_back(c.to_string());
    }
    return out;
}

/// tool.driver.rules being built: one descriptor per id, in order of first use.
class Descriptors {
  public:
    /// The index of `id`, its descriptor made by `make` on first use.
    template <class Make> std::size_t add(const std::string& id, Make&& make)
    {
        const auto [it, inserted] = index_.try_emplace(id, list_.size());
        if (inserted) {
            list_.push_back(make());
        }
        return it->second;
    }
    [[nodiscard]] const json& list() const { return list_; }

  private:
    json list_ = json::array();
    std::map<std::string, std::size_t> index_;
};

json descriptor(const std::string& id, const std::string& text, const std::string& full,
                const std::string& help, json properties, const char* level)
{
    return {{"id", id},
            {"name", sarif::rule_name(id)},
            {"shortDescription", {{"text", text.empty() ? id : text}}},
            {"fullDescription", {{"text", full.empty() ? id : full}}},
            {"help", {{"text", help.empty() ? id : help}}},
            {"defaultConfiguration", {{"level", level}}},
            {"properties", std::move(properties)}};
}

/// A property of `s` as a reportingDescriptor: its text, kind, clauses and the assumptions it rests on.
json property_descriptor(const spec::Spec& s, const spec::Property& p)
{
    std::string help = p.text + "\nClauses: " + spec::to_string(p.clauses);
    std::string assumptions;
    for (const auto* a : p.assumptions(s)) {
        help += "\nRests on " + a->id + ": " + a->text;
        assumptions += (assumptions.empty() ? "" : ", ") + a->id;
    }
    if (p.min_depth != 0) {
        help += "\nFalsifiable only by runs of at least " + std::to_string(p.min_depth) + " messages.";
    }
    return descriptor(p.id, p.text, p.text + " (" + p.kind + " of " + s.id + ")", help,
                      {{"kind", p.kind},
                       {"clauses", clause_array(p.clauses)},
                       {"spec", s.id},
                       {"min_depth", p.min_depth},
                       {"tags", json::array({"pc5check-property", p.kind})}},
                      "error");
}

json rule_descriptor(const spec::Spec& s, const spec::Rule& r)
{
    return descriptor(
        r.id, r.text, r.text + " (rule of " + s.id + ")", r.text + "\nClauses: " + spec::to_string(r.clauses),
        {{"clauses", clause_array(r.clauses)}, {"spec", s.id}, {"tags", json::array({"pc5check-rule"})}},
        r.warning ? "warning" : "error");
}

const spec::Property* find_property(const spec::Spec& s, const std::string& id)
{
    for (const auto& p : s.properties) {
        if (p.id == id) {
            return &p;
        }
    }
    return nullptr;
}

/// The written witness as a related location (id `id`) and an attachment; nothing when not written.
void attach_witness(json& result, sarif::Artifacts& artifacts, const json& witness, const std::string& what,
                    int id)
{
    const std::string file = str(witness, "file");
    if (file.empty()) {
        return;
    }
    std::string text = what + " (pc5-trace/1)";
    if (const std::string cmd = str(witness.value("check", json::object()), "command"); !cmd.empty()) {
        text += "; replay: " + cmd;
    }
    json loc = sarif::physical_location(artifacts, file, 0, 0);
    result["relatedLocations"].push_back(
        {{"id", id}, {"physicalLocation", loc}, {"message", {{"text", text}}}});
    result["attachments"].push_back(
        {{"artifactLocation", loc["artifactLocation"]}, {"description", {{"text", text}}}});
}

json located(sarif::Artifacts& artifacts, const std::string& file, const spec::Origin& at)
{
    return json::array(
        {{{"physicalLocation", sarif::physical_location(artifacts, file, at.line, at.column)}}});
}

json log_frame(const std::string& automation_id, const Descriptors& rules, const sarif::Artifacts& artifacts,
               json results, int exit_code)
{
    json driver = {{"name", "pc5check"},
                   {"version", sarif::kToolVersion},
                   {"semanticVersion", sarif::kToolVersion},
                   {"rules", rules.list()}};
    return {{"$schema", sarif::kSchema},
            {"version", "2.1.0"},
            {"runs", json::array({{{"tool", {{"driver", driver}}},
                                   {"automationDetails", {{"id", automation_id}}},
                                   {"invocations", json::array({{{"executionSuccessful", exit_code < 2},
                                                                 {"exitCode", exit_code}}})},
                                   {"artifacts", sarif::artifact_list(artifacts)},
                                   {"results", std::move(results)}}})}};
}

/// A failing property (violated or inconclusive) of a prove document `p`, located at the property.
json property_result(const spec::Spec& s, const json& prove, const json& p, std::size_t rule_index,
                     sarif::Artifacts& artifacts, const std::string& message_prefix)
{
    const std::string id = str(p, "id");
    const spec::Property* prop = find_property(s, id);
    std::string message = message_prefix + id + " " + proof::verdict_phrase(p) +
                          " (attacker: " + str(prove, "attacker") + "): " + str(p, "text");
    json assumptions = json::array();
    for (const auto& a : p.value("rests_on", json::object()).value("assumptions", json::array())) {
        assumptions.push_back(str(a, "id"));
    }
    json r = {
        {"ruleId", id},
        {"ruleIndex", rule_index},
        {"kind", "fail"},
        {"level", "error"},
        {"locations", located(artifacts, s.file, prop == nullptr ? spec::Origin{} : prop->origin)},
        {"partialFingerprints",
         {{"pc5checkProperty/v1", str(p, "verdict") + ":" + s.id + ":" + id + ":" + str(prove, "attacker")}}},
        {"properties",
         {{"spec", s.id},
          {"verdict", str(p, "verdict")},
          {"depth", p.value("depth", 0U)},
          {"how", str(p, "how")},
          {"attacker", str(prove, "attacker")},
          {"rests_on", assumptions}}}};
    if (const auto cex = p.find("counterexample"); cex != p.end()) {
        message += ". " + proof::witness_phrase(*cex, "Counterexample");
        r["relatedLocations"] = json::array();
        r["attachments"] = json::array();
        attach_witness(r, artifacts, *cex, "counterexample", 1);
        r["properties"]["steps"] = cex->value("steps", json::array()).size();
    }
    r["message"] = {{"text", message}};
    return r;
}

/// "regression: corpus trace FILE:LINE conformed with OLD, VERDICT with NEW" and the changed elements.
std::string corpus_message(const std::string& prefix, const std::string& trace, const std::string& verdict,
                           const std::string& changed)
{
    std::string message = prefix + "corpus trace " + trace;
    message += " conformed with OLD, " + verdict + " with NEW";
    return message + changed;
}

} // namespace

json prove_sarif(const json& doc, const spec::Spec& spec, int exit_code)
{
    Descriptors rules;
    sarif::Artifacts artifacts;
    (void)sarif::add_artifact(artifacts, spec.file);
    json results = json::array();
    for (const auto& p : doc.value("properties", json::array())) {
        const spec::Property* prop = find_property(spec, str(p, "id"));
        if (prop == nullptr) {
            continue;
        }
        const std::size_t index = rules.add(prop->id, [&] { return property_descriptor(spec, *prop); });
        if (!proof::holds(p)) {
            results.push_back(property_result(spec, doc, p, index, artifacts, ""));
        }
    }
    return log_frame("pc5check/prove/" + spec.id + "/" + str(doc, "attacker") + "/", rules, artifacts,
                     std::move(results), exit_code);
}

json query_sarif(const json& doc, const spec::Spec& spec, int exit_code)
{
    Descriptors rules;
    sarif::Artifacts artifacts;
    const std::size_t index = rules.add("query", [&] {
        return descriptor("query", "a condition asked of the spec's reachable states (pc5check query)",
                          "pc5check query: is a state (or state/event condition) reachable?",
                          "Exit 0 when the answer is the one --expect names (default reachable: a witness is "
                          "shown; unreachable: proved or within the depth), 1 otherwise; inconclusive is 1.",
                          {{"tags", json::array({"pc5check-query"})}}, "error");
    });
    const std::string answer = str(doc, "answer");
    const bool met = doc.value("met", answer == "reachable");
    std::string message = str(doc, "condition") + ": " + answer;
    if (answer == "unreachable") {
        message += doc.value("proved", false)
                       ? " (proved: " + str(doc, "how") + ")"
                       : " within " + std::to_string(doc.value("depth", 0U)) + " message(s) (bounded)";
    } else if (answer == "inconclusive") {
        message += ": " + str(doc, "how");
    } else {
        message += " in " + std::to_string(doc.value("depth", 0U)) + " message(s)";
    }
    message += "; expected " + doc.value("expect", std::string("reachable")) + (met ? "" : ": not met");
    json r = {{"ruleId", "query"},
              {"ruleIndex", index},
              {"kind", met ? "pass" : "fail"},
              {"level", met ? "none" : "error"},
              {"message", {{"text", message}}},
              {"locations", located(artifacts, spec.file, {})},
              {"properties",
               {{"spec", spec.id},
                {"condition", str(doc, "condition")},
                {"answer", answer},
                {"expect", doc.value("expect", std::string("reachable"))},
                {"proved", doc.value("proved", false)},
                {"depth", doc.value("depth", 0U)},
                {"attacker", str(doc, "attacker")}}}};
    if (const auto w = doc.find("witness"); w != doc.end()) {
        r["relatedLocations"] = json::array();
        r["attachments"] = json::array();
        attach_witness(r, artifacts, *w, "witness", 1);
    }
    return log_frame("pc5check/query/" + spec.id + "/", rules, artifacts, json::array({r}), exit_code);
}

json diff_sarif(const json& doc, const spec::Spec& old_spec, const spec::Spec& new_spec, int exit_code)
{
    Descriptors rules;
    sarif::Artifacts artifacts;
    (void)sarif::add_artifact(artifacts, new_spec.file);
    const json new_doc = doc.value("new", json::object());
    const json old_doc = doc.value("old", json::object());
    json results = json::array();

    // The changed elements: where each is written (NEW's file; OLD's for a removed one).
    const auto change_location = [&](const json& c) {
        const bool removed = str(c, "change") == "removed";
        const json& at = c.at(removed ? "old" : "new");
        return sarif::physical_location(artifacts, removed ? old_spec.file : new_spec.file,
                                        at.value("line", 0U), at.value("column", 0U));
    };
    const auto change_text = [](const json& c) {
        return str(c, "kind") + " " + str(c, "id") + " " + str(c, "change");
    };
    const json changes = doc.value("spec_changes", json::array());
    const auto add_changes = [&](json& r) {
        int id = 2;
        for (const auto& c : changes) {
            r["relatedLocations"].push_back({{"id", id++},
                                             {"physicalLocation", change_location(c)},
                                             {"message", {{"text", "changed in NEW: " + change_text(c)}}}});
        }
    };
    std::string changed_list;
    for (const auto& c : changes) {
        changed_list += (changed_list.empty() ? "" : ", ") + change_text(c);
    }
    const std::string changed_note =
        changed_list.empty() ? "" : ". Written differently in NEW: " + changed_list;

    for (const auto& row : doc.value("changes", json::array())) {
        // A corpus trace that no longer fits NEW's message format is reported even when it does not fail
        // the gate (a warning then): a reviewer sees what NEW's format change costs the corpus.
        const bool format = str(row, "class") == "format";
        const bool regression = row.value("regression", false);
        if (!regression && !format) {
            continue;
        }
        const std::string id = str(row, "id");
        json r;
        if (str(row, "kind") == "property") {
            const spec::Property* in_new = find_property(new_spec, id);
            const spec::Spec& side = in_new != nullptr ? new_spec : old_spec;
            const spec::Property* prop = in_new != nullptr ? in_new : find_property(old_spec, id);
            if (prop == nullptr) {
                continue;
            }
            const std::size_t index = rules.add(id, [&] { return property_descriptor(side, *prop); });
            json p = {{"id", id}, {"verdict", "violated"}, {"text", prop->text}};
            for (const auto& q : (in_new != nullptr ? new_doc : old_doc).value("properties", json::array())) {
                p = str(q, "id") == id ? q : p;
            }
            r = property_result(side, new_doc, p, index, artifacts, "regression: ");
            std::string message = "regression: " + id;
            message += " " + str(row, "old") + " with OLD -> " + str(row, "new") + " with NEW (attacker: ";
            message += str(new_doc, "attacker") + ")";
            message += in_new == nullptr ? ", NEW dropped the property. " : ". ";
            message += str(p, "text");
            if (p.contains("counterexample")) {
                message += ". " + proof::witness_phrase(p["counterexample"], "Counterexample");
            }
            r["message"]["text"] = message + changed_note;
        } else {
            // A corpus trace: located at the first rule of NEW that now rejects it.
            const std::string rule_id = row.value("new_rules", json::array()).empty()
                                            ? std::string()
                                            : row["new_rules"][0].get<std::string>();
            const spec::Rule* rule = rule_id.empty() ? nullptr : new_spec.find_rule(rule_id);
            const std::string ruled = rule == nullptr ? std::string("corpus-regression") : rule_id;
            const std::size_t index = rules.add(ruled, [&] {
                return rule == nullptr
                           ? descriptor("corpus-regression",
                                        "a corpus trace that conformed with OLD does not with NEW", "", "",
                                        {{"tags", json::array({"pc5check-diff"})}}, "error")
                           : rule_descriptor(new_spec, *rule);
            });
            r = {{"ruleId", ruled},
                 {"ruleIndex", index},
                 {"kind", "fail"},
                 {"level", regression ? "error" : "warning"},
                 {"message",
                  {{"text", corpus_message(regression ? "regression: " : "format change: ", id,
                                           str(row, "new"), changed_note) +
                                (format ? " No longer fits NEW's message format: " + str(row, "why") : "")}}},
                 {"locations",
                  located(artifacts, new_spec.file, rule == nullptr ? spec::Origin{} : rule->origin)},
                 {"relatedLocations",
                  json::array({{{"id", 1},
                                {"physicalLocation", sarif::physical_location(artifacts, str(row, "file"),
                                                                              row.value("line", 0U), 0)},
                                {"message", {{"text", "the trace (" + str(row, "new") + " with NEW)"}}}}})},
                 {"partialFingerprints",
                  {{"pc5checkCorpus/v1", (format ? "format:" : "regression:") + new_spec.id + ":" + id}}},
                 {"properties",
                  {{"trace", id},
                   {"old", str(row, "old")},
                   {"new", str(row, "new")},
                   {"class", str(row, "class")}}}};
        }
        if (!r.contains("relatedLocations")) {
            r["relatedLocations"] = json::array();
        }
        add_changes(r);
        results.push_back(std::move(r));
    }

    // Each element written differently: informational, so the change itself is annotated.
    for (const auto& c : changes) {
        const std::size_t index = rules.add("spec-change", [&] {
            return descriptor("spec-change", "a transition, rule or property written differently in NEW",
                              "pc5check diff: an element of the spec that NEW adds, removes or rewrites", "",
                              {{"tags", json::array({"pc5check-diff"})}}, "note");
        });
        results.push_back(
            {{"ruleId", "spec-change"},
             {"ruleIndex", index},
             {"kind", "informational"},
             {"level", "none"},
             {"message", {{"text", change_text(c) + " (" + old_spec.file + " -> " + new_spec.file + ")"}}},
             {"locations", json::array({{{"physicalLocation", change_location(c)}}})},
             {"partialFingerprints",
              {{"pc5checkChange/v1", str(c, "change") + ":" + str(c, "kind") + ":" + str(c, "id")}}},
             {"properties",
              {{"element", str(c, "kind")}, {"id", str(c, "id")}, {"change", str(c, "change")}}}});
    }

    // The behaviour comparison: never a regression by itself (docs/cli.md), shown for review.
    if (const auto d = doc.find("disagreement"); d != doc.end() && d->is_object()) {
        const bool old_rejects = str(*d, "rejected_by") == old_spec.file;
        const spec::Spec& rejecting = old_rejects ? old_spec : new_spec;
        const auto check = d->value("check", json::object());
        const json rejecting_rules = check.value("rejecting_rules", json::array());
        const spec::Rule* rule =
            rejecting_rules.empty() ? nullptr : rejecting.find_rule(rejecting_rules[0].get<std::string>());
        const std::size_t index = rules.add("behaviour-change", [&] {
            return descriptor("behaviour-change", "a run one version accepts and the other rejects",
                              "pc5check diff: the shortest run (UEs only) on which the versions disagree", "",
                              {{"tags", json::array({"pc5check-diff"})}}, "note");
        });
        std::string rules_text;
        for (const auto& x : rejecting_rules) {
            rules_text += " " + x.get<std::string>();
        }
        json r = {{"ruleId", "behaviour-change"},
                  {"ruleIndex", index},
                  {"kind", "informational"},
                  {"level", "none"},
                  {"message",
                   {{"text", "a run of " + std::to_string(d->value("depth", 0U)) + " message(s) that " +
                                 str(*d, "accepted_by") + " accepts and " + str(*d, "rejected_by") +
                                 " rejects (" + str(check, "rejecting") + rules_text + ")"}}},
                  {"locations",
                   located(artifacts, rejecting.file, rule == nullptr ? spec::Origin{} : rule->origin)},
                  {"relatedLocations", json::array()},
                  {"attachments", json::array()},
                  {"properties",
                   {{"accepted_by", str(*d, "accepted_by")}, {"rejected_by", str(*d, "rejected_by")}}}};
        attach_witness(r, artifacts, *d, "the run", 1);
        results.push_back(std::move(r));
    }
    return log_frame("pc5check/diff/" + new_spec.id + "/", rules, artifacts, std::move(results), exit_code);
}

} // namespace pc5check::report
