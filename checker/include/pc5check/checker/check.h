#pragma once
/// \file `pc5check check`: read trace files, pick each trace's spec, replay, collect results.

#include "pc5check/common/error.h"
#include "pc5check/machine/machine.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pc5check::checker {

/// Result for one trace (or one unreadable document).
struct TraceResult {
    std::string file;
    std::size_t line = 1;          ///< document start line (matters for .jsonl)
    std::string title;
    std::string spec_id;
    std::size_t event_count = 0;
    std::optional<Error> error;    ///< bad input: no verdict
    machine::ReplayResult replay;  ///< valid when !error
    std::optional<trace::Expect> expect;
};

/// What `check` reads.
struct CheckOptions {
    std::string spec_file;                 ///< --spec: overrides every trace's `spec`
    spec::ParameterOverrides parameters;   ///< --param id=value
    std::vector<std::string> spec_dirs;    ///< where `<spec id>.json` is looked up
};

/// All results of one run, in input order.
struct CheckRun {
    std::vector<TraceResult> traces;
    std::vector<Error> errors; ///< file-level errors (unreadable, empty, no traces in a directory)
};

/// Loads specs on demand and keeps them for the run.
class SpecCache {
public:
    explicit SpecCache(const CheckOptions& options) : options_(&options) {}
    /// The spec for a trace's `spec` id (or the --spec file).
    [[nodiscard]] Expected<const spec::Spec*> get(const std::string& spec_id);

private:
    const CheckOptions* options_;
    std::map<std::string, std::unique_ptr<spec::Spec>> specs_;
};

/// Checks one parsed trace.
[[nodiscard]] TraceResult check_trace(const trace::Trace& trace, SpecCache& specs);

/// Checks files and directories. Never fails as a whole: bad inputs become errors in the run.
[[nodiscard]] CheckRun check_paths(const std::vector<std::string>& paths, const CheckOptions& options);

/// DESIGN.md section 6: 2 if any input was bad, else 1 if any trace violates, else 0.
[[nodiscard]] int exit_code(const CheckRun& run);

} // namespace pc5check::checker
