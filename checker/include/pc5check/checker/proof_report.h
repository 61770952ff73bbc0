#pragma once
/// \file The report formats of `prove`, `query` and `diff` besides text and JSON (docs/cli.md, "Output
/// formats"): JUnit XML, SARIF 2.1.0 and HTML, rendered from the command's JSON document (the same
/// facts as `--format json`) and the specs it ran on (rule metadata, and where each property, rule and
/// transition is written) or, for HTML, the checked traces of its runs.
///
/// Both formats fail exactly when the command exits 1: a JUnit <failure> and a SARIF result of level
/// "error" appear iff the command's exit code is 1 (the exit codes do not depend on the format).

#include "pc5check/checker/check.h"
#include "pc5check/spec/spec.h"

#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace pc5check::report {

/// JUnit XML of `prove`: one <testsuite> per spec × attacker, one <testcase> per property (name = the
/// property id) with <failure type="violated"> or <failure type="inconclusive"> naming the written
/// counterexample (or how the solver gave up); valid against tests/data/junit.xsd. `doc` is the
/// `prove --format json` document (spec/pc5check-prove.schema.json).
void write_prove_junit(std::ostream& out, const nlohmann::json& doc);

/// JUnit XML of `query`: one testcase "query" that fails (type "unreachable" or "inconclusive") when
/// the condition was not shown reachable, as the exit code does. `doc`: `query --format json`.
void write_query_junit(std::ostream& out, const nlohmann::json& doc);

/// JUnit XML of `diff`: a suite of properties (a testcase per property of either spec, both sides'
/// verdicts in its output, <failure type="regression"> when NEW broke what held with OLD, naming NEW's
/// counterexample), a suite of the corpus traces whose verdict changed (failure: a regression), and a
/// suite with the behaviour comparison (a run one version accepts and the other rejects: never a
/// failure). `doc`: `diff --format json`.
void write_diff_junit(std::ostream& out, const nlohmann::json& doc);

/// SARIF 2.1.0 of `prove`: tool.driver.rules = the properties (text, kind, clauses, what they rest on);
/// a result (kind fail, level error) per property violated or inconclusive, located in the spec file
/// at the property's "id" (line and column), the counterexample trace as a related location and an
/// attachment. `exit_code`: the command's, for the invocation.
[[nodiscard]] nlohmann::json prove_sarif(const nlohmann::json& doc, const spec::Spec& spec, int exit_code);

/// SARIF 2.1.0 of `query`: one result (ruleId "query") located in the spec file: level "error" when the
/// condition was not shown reachable (exit 1), else kind "pass" with the witness attached.
[[nodiscard]] nlohmann::json query_sarif(const nlohmann::json& doc, const spec::Spec& spec, int exit_code);

/// SARIF 2.1.0 of `diff`, located in NEW's file: a result (level error) per regression — a property at
/// its "id" in NEW (in OLD's file when NEW dropped it), a corpus trace at the rule of NEW that now
/// rejects it — with NEW's counterexample or the trace and the changed elements as related locations;
/// and an informational result (level none) per transition, rule or property written differently, at
/// the element (OLD's file for a removed one). `doc`: `diff --format json` (with its `spec_changes`).
[[nodiscard]] nlohmann::json diff_sarif(const nlohmann::json& doc, const spec::Spec& old_spec,
                                        const spec::Spec& new_spec, int exit_code);

/// What `check` made of each counterexample or witness of a prove/query/diff document, keyed by the
/// JSON pointer of the object holding its `steps` ("/properties/2/counterexample", "/witness",
/// "/new/properties/0/counterexample", "/disagreement"); the HTML draws each as `check`'s message
/// sequence chart. A run missing here is shown as its list of steps only.
using CheckedRuns = std::map<std::string, const checker::TraceResult*>;

/// One self-contained HTML page of `prove` (the check report's style, nothing loaded from elsewhere):
/// a table of the properties (kind, verdict, how or to what depth, time, the min_depth warning, what
/// they rest on), then per property its text, clauses, inductive set (`invariant` when the document
/// has it, else `how`), assumptions and parameters, and its counterexample charted with the attacker's
/// steps marked, `check`'s verdict on the trace and the command that replays it. `doc`: `prove --format
/// json`.
void write_prove_html(std::ostream& out, const nlohmann::json& doc, const CheckedRuns& checked);

/// HTML page of `query`: the condition, the answer (reachable / unreachable, proved or within the
/// depth / inconclusive), the witness charted, what the answer rests on. `doc`: `query --format json`.
void write_query_html(std::ostream& out, const nlohmann::json& doc, const CheckedRuns& checked);

/// HTML page of `diff`: the gate's verdict, OLD and NEW verdicts side by side per property and per
/// changed corpus trace (regressions highlighted), the elements written differently, NEW's
/// counterexample of each property it broke and the run the versions disagree on, charted.
/// `doc`: `diff --format json`.
void write_diff_html(std::ostream& out, const nlohmann::json& doc, const CheckedRuns& checked);

} // namespace pc5check::report
