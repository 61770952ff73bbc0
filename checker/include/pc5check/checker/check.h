#pragma once
/// \file `pc5check check`: read trace files, pick each trace's spec, replay, collect results.

#include "pc5check/common/error.h"
#include "pc5check/machine/machine.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pc5check::checker {

/// What a report needs of one event, kept after the trace itself is gone.
struct EventSummary {
    double at = 0.0;
    trace::Role from = trace::Role::initiator;
    std::string msg;
    trace::Sec sec;            ///< protection as observed (ctx, count, bearer, direction, mac)
    bool pdu_logged = false;
    trace::Position position;  ///< where the event starts in its file
    std::string sender_transition;   ///< transition the sender took (empty: none enabled)
    std::string receiver_transition; ///< transition the receiver took (empty: ignored)
};

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
    std::vector<EventSummary> events; ///< one per event (empty on error)
};

/// What `check` reads.
struct CheckOptions {
    std::string spec_file;                 ///< --spec: overrides every trace's `spec`
    spec::ParameterOverrides parameters;   ///< --param id=value
    std::vector<std::string> spec_dirs;    ///< where `<spec id>.json` is looked up
    trace::Limits limits;                  ///< input limits (--max-events, --max-ies, --max-hex-digits)
    unsigned jobs = 1;                     ///< -j: worker threads over traces (output order is input order)
    unsigned shard_index = 0;              ///< --shard I/N: keep the traces with stable_shard(label) == I
    unsigned shard_count = 1;
    /// Called after each trace with (traces done, traces known so far); from the calling thread only.
    std::function<void(std::size_t, std::size_t)> progress;
};

/// The shard (0..count-1) a trace belongs to: a hash of its file path and start line, so shards stay
/// stable when other files are added or removed.
[[nodiscard]] unsigned stable_shard(const std::string& file, std::size_t line, unsigned count);

/// Parses "I/N" (0 <= I < N) for --shard.
[[nodiscard]] Expected<std::pair<unsigned, unsigned>> parse_shard(const std::string& text);

/// All results of one run, in input order.
struct CheckRun {
    std::vector<TraceResult> traces;
    std::vector<Error> errors; ///< file-level errors (unreadable, empty, no traces in a directory)
    /// The specs the run used, by spec id (rule metadata for reports).
    std::map<std::string, std::shared_ptr<const spec::Spec>> specs;
};

/// Loads specs on demand and keeps them for the run.
class SpecCache {
public:
    explicit SpecCache(const CheckOptions& options) : options_(&options) {}
    /// The spec for a trace's `spec` id (or the --spec file).
    [[nodiscard]] Expected<const spec::Spec*> get(const std::string& spec_id);
    /// Every spec loaded so far, by spec id.
    [[nodiscard]] std::map<std::string, std::shared_ptr<const spec::Spec>> loaded() const;

private:
    const CheckOptions* options_;
    std::map<std::string, std::shared_ptr<const spec::Spec>> specs_;
};

/// Checks one parsed trace.
[[nodiscard]] TraceResult check_trace(const trace::Trace& trace, SpecCache& specs);
/// Checks one parsed trace against an already looked-up spec (or the error of looking it up).
[[nodiscard]] TraceResult check_trace(const trace::Trace& trace, const Expected<const spec::Spec*>& spec);

/// Checks files and directories. Never fails as a whole: bad inputs become errors in the run.
[[nodiscard]] CheckRun check_paths(const std::vector<std::string>& paths, const CheckOptions& options);

/// DESIGN.md section 6: 2 if any input was bad, else 1 if any trace violates, else 0.
[[nodiscard]] int exit_code(const CheckRun& run);

} // namespace pc5check::checker
