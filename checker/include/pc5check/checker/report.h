#pragma once
/// \file Reports of a `check` run: a human text table and a stable JSON document.

#include "pc5check/checker/check.h"
#include "pc5check/common/error.h"

#include <functional>
#include <nlohmann/json.hpp>
#include <ostream>

namespace pc5check::report {

/// Text report options.
struct TextOptions {
    bool color = false; ///< ANSI colours (only on a TTY, never with NO_COLOR)
    int verbosity = 0;  ///< -1 quiet (summary only), 0 normal, 1 also passes and assumptions
};

/// Verdict table, then per trace its violations ("expected X, observed Y" with clause) and the
/// checks that stayed unverified, then a summary line.
void write_text(std::ostream& out, const checker::CheckRun& run, const TextOptions& options);

/// The `pc5check-result/1` JSON document (schema: spec/pc5check-result.schema.json).
[[nodiscard]] nlohmann::json to_json(const checker::CheckRun& run);

/// Writes to_json(run).dump(2) and a newline, byte for byte, one trace at a time (two passes over
/// the results: the summary comes before the traces).
void write_json(std::ostream& out, const checker::CheckRun& run);

/// Writes `frame.dump(2)` with the string value `placeholder` (as dumped, without quotes) replaced by
/// an array of the items `items` emits, each indented by `indent` spaces: a large array without
/// holding it.
void write_indented_json(std::ostream& out, const nlohmann::json& frame, const std::string& placeholder,
                         std::size_t indent,
                         const std::function<void(const std::function<void(const nlohmann::json&)>&)>& items);

/// One self-contained HTML page (no network, no external scripts or fonts): summary table, and per
/// trace an SVG message sequence chart with the violating events highlighted, the rules broken (clause,
/// expected vs observed), the reference model's state at the first violation, and unverified checks.
void write_html(std::ostream& out, const checker::CheckRun& run);

/// JUnit XML: one <testsuite> per trace file, one <testcase> per (trace, rule) with <failure> for a
/// violation; valid against the common JUnit XML schema (tests/data/junit.xsd).
void write_junit(std::ostream& out, const checker::CheckRun& run);

/// Writes to_sarif(run).dump(2) and a newline, byte for byte, one result at a time.
void write_sarif(std::ostream& out, const checker::CheckRun& run);

/// SARIF 2.1.0: one result per violation (level error/warning) and per unverified check (kind open,
/// level none), ruleId = rule ID, rule metadata (clause, text) from the
/// spec, the location = the trace file and the region of the offending event.
[[nodiscard]] nlohmann::json to_sarif(const checker::CheckRun& run);

/// One report from the reports of disjoint shards (`check --shard I/N`) of one corpus: JSON results
/// (traces in unsharded order, summary recomputed; equal to the unsharded report) or SARIF (one run
/// per shard); or from the JSON reports of all shards of one `prove --shard I/N` run (the unsharded
/// report but for timing). JUnit needs no merge: CI systems take several JUnit files. `names[i]` names
/// `docs[i]` in messages ("report N" when absent); reports of different kinds are an error.
[[nodiscard]] Expected<nlohmann::json> merge_reports(const std::vector<nlohmann::json>& docs,
                                                     const std::vector<std::string>& names = {});

/// "file:line" label of a trace result (":line" only for documents not starting at line 1).
[[nodiscard]] std::string trace_label(const checker::TraceResult& t);

} // namespace pc5check::report
