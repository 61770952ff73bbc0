#pragma once
/// \file Reports of a `check` run: a human text table and a stable JSON document.

#include "pc5check/checker/check.h"

#include <nlohmann/json.hpp>
#include <ostream>

namespace pc5check::report {

/// Text report options.
struct TextOptions {
    bool color = false;  ///< ANSI colours (only on a TTY, never with NO_COLOR)
    int verbosity = 0;   ///< -1 quiet (summary only), 0 normal, 1 also passes and assumptions
};

/// Verdict table, then per trace its violations ("expected X, observed Y" with clause) and the
/// checks that stayed unverified, then a summary line.
void write_text(std::ostream& out, const checker::CheckRun& run, const TextOptions& options);

/// The `pc5check-result/1` JSON document (schema: spec/pc5check-result.schema.json).
[[nodiscard]] nlohmann::json to_json(const checker::CheckRun& run);

/// "file:line" label of a trace result (":line" only for documents not starting at line 1).
[[nodiscard]] std::string trace_label(const checker::TraceResult& t);

} // namespace pc5check::report
