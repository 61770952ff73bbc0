/// \file JUnit XML of `prove`, `query` and `diff`, for CI test-result viewers; the mapping is in
/// pc5check/checker/proof_report.h and docs/cli.md ("Output formats"). Valid against
/// tests/data/junit.xsd. A <failure> appears iff the command exits 1; its type says why ("violated",
/// "inconclusive", "unreachable", "regression"), so an inconclusive answer is told from a refuted one.

#include "pc5check/checker/proof_report.h"
#include "report/proof_text.h"
#include "report/xml_escape.h"

#include <array>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace pc5check::report {

namespace {

using nlohmann::json;

using proof::str;

/// One <testcase>: a failure when `failure_type` is not empty.
struct Case {
    std::string name;
    std::string classname;
    double seconds = -1.0; ///< < 0: no time attribute
    std::string failure_type;
    std::string failure_message;
    std::string failure_body;
    std::string system_out;
};

/// One <testsuite>.
struct Suite {
    std::string name;
    std::vector<std::pair<std::string, std::string>> properties;
    std::vector<Case> cases;
};

std::string seconds_text(double s)
{
    std::array<char, 32> buf{};
    (void)std::snprintf(buf.data(), buf.size(), "%.3f", s < 0.0 ? 0.0 : s);
    return buf.data();
}

std::string case_xml(const Case& c)
{
    std::string body;
    if (!c.failure_type.empty()) {
        body += "      <failure message=\"" + xml::attr(c.failure_message) + "\" type=\"" +
                xml::attr(c.failure_type) + "\">" + xml::text(c.failure_body) + "</failure>\n";
    }
    if (!c.system_out.empty()) {
        body += "      <system-out>" + xml::text(c.system_out) + "</system-out>\n";
    }
    std::string open = "    <testcase name=\"" + xml::attr(c.name) + "\" classname=\"" +
                       xml::attr(c.classname) + "\"" +
                       (c.seconds < 0.0 ? "" : " time=\"" + seconds_text(c.seconds) + "\"");
    return open + (body.empty() ? "/>\n" : ">\n" + body + "    </testcase>\n");
}

void write_suites(std::ostream& out, const std::string& name, const std::vector<Suite>& suites)
{
    std::size_t tests = 0;
    std::size_t failures = 0;
    std::string body;
    for (const auto& s : suites) {
        std::size_t f = 0;
        std::string cases;
        for (const auto& c : s.cases) {
            f += c.failure_type.empty() ? 0U : 1U;
            cases += case_xml(c);
        }
        tests += s.cases.size();
        failures += f;
        body += "  <testsuite name=\"" + xml::attr(s.name) + "\" tests=\"" + std::to_string(s.cases.size()) +
                "\" failures=\"" + std::to_string(f) + "\" errors=\"0\" skipped=\"0\">\n";
        if (!s.properties.empty()) {
            body += "    <properties>\n";
            for (const auto& [key, value] : s.properties) {
                body +=
                    "      <property name=\"" + xml::attr(key) + "\" value=\"" + xml::attr(value) + "\"/>\n";
            }
            body += "    </properties>\n";
        }
        body += cases + "  </testsuite>\n";
    }
    out << R"(<?xml version="1.0" encoding="UTF-8"?>)"
        << "\n"
        << "<testsuites name=\"" << xml::attr(name) << "\" tests=\"" << tests << "\" failures=\"" << failures
        << "\" errors=\"0\">\n"
        << body << "</testsuites>\n";
}

/// "ts33536-r17 (attacker: drop)": the suite of one spec × attacker, and its testcases' classname.
std::string spec_attacker(const json& prove)
{
    return str(prove, "spec") + " (attacker: " + str(prove, "attacker") + ")";
}

/// A property's text, clauses, how it was answered and what it rests on (failure body or output).
std::string property_details(const json& p)
{
    std::string out = (str(p, "kind") == "lemma" ? "(lemma) " : "") + str(p, "text") + "  [" +
                      str(p, "clauses") + "]\n" + proof::verdict_phrase(p) + "\n";
    if (const std::string warning = str(p, "warning"); !warning.empty()) {
        out += "WARNING: " + warning + "\n";
    }
    out += proof::rests_on_text(p.value("rests_on", json::object()));
    if (const auto cex = p.find("counterexample"); cex != p.end()) {
        out += proof::witness_phrase(*cex, "counterexample") + "\n" + proof::steps_text(*cex);
    }
    return out;
}

Case property_case(const json& p, const std::string& classname)
{
    Case c{str(p, "id"), classname, p.value("seconds", 0.0), "", "", "", ""};
    const std::string details = property_details(p);
    if (proof::holds(p)) {
        c.system_out = details;
        return c;
    }
    c.failure_type = str(p, "verdict") == "violated" ? "violated" : "inconclusive";
    c.failure_message = proof::verdict_phrase(p);
    if (const auto cex = p.find("counterexample"); cex != p.end()) {
        c.failure_message += "; " + proof::witness_phrase(*cex, "counterexample");
    }
    c.failure_body = details;
    return c;
}

Suite prove_suite(const json& doc)
{
    Suite suite{spec_attacker(doc),
                {{"spec", str(doc, "spec")},
                 {"file", str(doc, "file")},
                 {"depth", std::to_string(doc.value("depth", 0U))},
                 {"attacker", str(doc, "attacker")}},
                {}};
    for (const auto& p : doc.value("properties", json::array())) {
        suite.cases.push_back(property_case(p, suite.name));
    }
    return suite;
}

} // namespace

void write_prove_junit(std::ostream& out, const json& doc)
{
    write_suites(out, "pc5check prove", {prove_suite(doc)});
}

void write_query_junit(std::ostream& out, const json& doc)
{
    const std::string answer = str(doc, "answer");
    std::string phrase = answer;
    if (answer == "reachable") {
        phrase = "reachable in " + std::to_string(doc.value("depth", 0U)) + " message(s)";
    } else if (answer == "unreachable") {
        phrase = doc.value("proved", false) ? "unreachable (proved: " + str(doc, "how") + ")"
                                            : "unreachable within " + std::to_string(doc.value("depth", 0U)) +
                                                  " message(s) (bounded)";
    } else {
        phrase = "inconclusive: " + str(doc, "how");
    }
    const std::string expect = doc.value("expect", "reachable");
    std::string details = str(doc, "condition") + "\n" + phrase + "\nexpect " + expect + ": " +
                          (doc.value("met", answer == "reachable") ? "met" : "NOT met") + "\n";
    Case c{"query", spec_attacker(doc), doc.value("seconds", 0.0), "", "", "", ""};
    if (const auto w = doc.find("witness"); w != doc.end()) {
        details += proof::witness_phrase(*w, "witness") + "\n" + proof::steps_text(*w);
    }
    details += proof::rests_on_text(doc.value("rests_on", json::object()));
    if (doc.value("met", answer == "reachable")) {
        c.system_out = details;
    } else {
        // The answer that made query exit 1: unreachable (--expect reachable), reachable (--expect
        // unreachable), or inconclusive (either).
        c.failure_type = answer;
        c.failure_message = phrase;
        c.failure_body = details;
    }
    Suite suite{spec_attacker(doc), {{"spec", str(doc, "spec")}, {"condition", str(doc, "condition")}}, {c}};
    write_suites(out, "pc5check query", {suite});
}

void write_diff_junit(std::ostream& out, const json& doc)
{
    const json old_doc = doc.value("old", json::object());
    const json new_doc = doc.value("new", json::object());
    const auto find = [](const json& prove, const std::string& id) -> const json* {
        for (const auto& p : prove.at("properties")) {
            if (p.value("id", "") == id) {
                return &p;
            }
        }
        return nullptr;
    };
    const std::string sides = str(old_doc, "file") + " -> " + str(new_doc, "file");
    Suite properties{"properties: " + sides + " (attacker: " + str(new_doc, "attacker") + ")",
                     {{"old", str(old_doc, "file")},
                      {"new", str(new_doc, "file")},
                      {"depth", std::to_string(new_doc.value("depth", 0U))},
                      {"attacker", str(new_doc, "attacker")}},
                     {}};
    Suite corpus{"corpus: traces whose verdict changed", {}, {}};
    for (const auto& row : doc.value("changes", json::array())) {
        const std::string id = str(row, "id");
        const bool regression = row.value("regression", false);
        std::string sides_text = "OLD " + str(old_doc, "file") + ": " + str(row, "old") + "\nNEW " +
                                 str(new_doc, "file") + ": " + str(row, "new") + "\n";
        Case c{id, "", -1.0, "", "", "", ""};
        if (str(row, "kind") == "property") {
            c.classname = properties.name;
            const json* o = find(old_doc, id);
            const json* n = find(new_doc, id);
            c.seconds = (o == nullptr ? 0.0 : o->value("seconds", 0.0)) +
                        (n == nullptr ? 0.0 : n->value("seconds", 0.0));
            sides_text += n == nullptr ? "" : "\nNEW: " + property_details(*n);
            c.failure_message = str(row, "old") + " with OLD -> " + str(row, "new") + " with NEW";
            if (n != nullptr && n->contains("counterexample")) {
                c.failure_message += "; " + proof::witness_phrase(n->at("counterexample"), "counterexample");
            }
        } else {
            c.classname = corpus.name;
            c.failure_message = "conformed with OLD, " + str(row, "new") + " with NEW";
            if (str(row, "class") == "format") {
                // Told apart from a behaviour regression; a failure only with --format-changes-fail.
                sides_text += "no longer fits NEW's message format: " + str(row, "why") + "\n";
                c.failure_message += " (no longer fits NEW's message format)";
            }
        }
        if (regression) {
            c.failure_type = "regression";
            c.failure_body = sides_text;
        } else {
            c.failure_message.clear();
            c.system_out = sides_text;
        }
        (str(row, "kind") == "property" ? properties : corpus).cases.push_back(std::move(c));
    }
    Suite behaviour{"behaviour: a run one version accepts and the other rejects", {}, {}};
    Case b{"disagreement", behaviour.name, -1.0, "", "", "", ""};
    if (const auto d = doc.find("disagreement"); d != doc.end() && d->is_object()) {
        const auto check = d->value("check", json::object());
        std::string rules;
        for (const auto& r : check.value("rejecting_rules", json::array())) {
            rules += " " + r.get<std::string>();
        }
        b.system_out = "a run of " + std::to_string(d->value("depth", 0U)) + " message(s) that " +
                       str(*d, "accepted_by") + " accepts and " + str(*d, "rejected_by") + " rejects (" +
                       str(check, "rejecting") + rules + ")\n" + proof::witness_phrase(*d, "run") + "\n" +
                       proof::steps_text(*d);
    } else {
        b.system_out = "no run up to the depth that one version accepts and the other rejects\n";
    }
    behaviour.cases.push_back(std::move(b));
    std::vector<Suite> suites{std::move(properties)};
    if (!corpus.cases.empty()) {
        suites.push_back(std::move(corpus));
    }
    suites.push_back(std::move(behaviour));
    write_suites(out, "pc5check diff", suites);
}

} // namespace pc5check::report
