#pragma once
/// \file `pc5check check`: read trace files, pick each trace's spec, replay, collect results.

#include "pc5check/checker/symbolic.h"
#include "pc5check/common/error.h"
#include "pc5check/machine/machine.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pc5check::checker {

/// What a report needs of one event, kept after the trace itself is gone.
struct EventSummary {
    double at = 0.0;
    trace::Role from = trace::Role::initiator;
    std::string msg;
    trace::Sec sec; ///< protection as observed (ctx, count, bearer, direction, mac)
    bool pdu_logged = false;
    trace::Position position;        ///< where the event starts in its file
    std::string sender_transition;   ///< transition the sender took (empty: none enabled)
    std::string receiver_transition; ///< transition the receiver took (empty: ignored)
    /// Field by field.
    friend bool operator==(const EventSummary&, const EventSummary&) = default;
};

/// Result for one trace (or one unreadable document).
struct TraceResult {
    std::string file;
    std::size_t line = 1; ///< document start line (matters for .jsonl)
    std::string title;
    std::string spec_id;
    std::size_t event_count = 0;
    std::optional<Error> error;   ///< bad input: no verdict
    machine::ReplayResult replay; ///< valid when !error
    std::optional<trace::Expect> expect;
    /// One per event (empty on error), at most CheckOptions::max_event_summaries of them (the first):
    /// only the HTML chart needs them; findings carry their event's position themselves.
    std::vector<EventSummary> events;
    /// Field by field.
    friend bool operator==(const TraceResult&, const TraceResult&) = default;
};

/// What `check` reads.
struct CheckOptions {
    std::string spec_file;               ///< --spec: overrides every trace's `spec`
    spec::ParameterOverrides parameters; ///< --param id=value
    std::vector<std::string> spec_dirs;  ///< where `<spec id>.json` is looked up
    trace::Limits limits;                ///< trace input limits (--max-file-bytes, --max-events, ...)
    spec::Limits spec_limits;            ///< spec input limits (--max-spec-bytes, --max-expr-depth, ...)
    /// -j: threads checking traces, the calling one among them (output order is input order).
    unsigned jobs = 1;
    unsigned shard_index = 0; ///< --shard I/N: keep the traces with stable_shard(label) == I
    unsigned shard_count = 1;
    /// Called after each trace with (traces done, traces known so far); from the calling thread only.
    std::function<void(std::size_t, std::size_t)> progress;
    /// When to check symbolically (docs/cli.md (verdicts)): `automatic` does it for a trace whose concrete
    /// replay met values the trace leaves open (unverified checks, guards taken on assumption, a one-UE
    /// log), and says so in the result's note; `always` is --symbolic; `never` is --concrete.
    enum class Symbolic : std::uint8_t { automatic, always, never };
    Symbolic symbolic = Symbolic::automatic;
    smt::SymbolicOptions symbolic_options; ///< --timeout-ms, --max-missing
    /// --attacker-steps: honour a trace's top-level `attacker_steps` (written by prove: messages the
    /// attacker injected or dropped). Off by default: an annotation must not excuse a vendor's trace.
    bool attacker_steps = false;
    /// How standard input (path `-`) is read: one document, or one per line (--input-format).
    trace::InputFormat stdin_format = trace::InputFormat::json;
    /// EventSummary kept per trace (TraceResult::events): the first this many events.
    std::size_t max_event_summaries = static_cast<std::size_t>(-1);
};

/// The shard (0..count-1) a trace belongs to: a hash of its file path and start line, so shards stay
/// stable when other files are added or removed.
[[nodiscard]] unsigned stable_shard(const std::string& file, std::size_t line, unsigned count);

/// Parses "I/N" (0 <= I < N) for --shard.
[[nodiscard]] Expected<std::pair<unsigned, unsigned>> parse_shard(const std::string& text);

/// How many results a run has of each kind, counted as they come: exit codes and report headers
/// need no pass over a spooled run for them.
struct ResultTally {
    std::size_t conforms = 0;
    std::size_t violations = 0;
    std::size_t inconclusive = 0;
    std::size_t bad = 0; ///< unreadable documents and traces (TraceResult::error)
    /// Counts one more result.
    void add(const TraceResult& result);
};

/// Trace results kept in an unnamed temporary file (deleted when closed) and read back in order,
/// any number of times: a run's memory stays bounded by one trace, however many traces it has.
/// Falls back to memory when no temporary file can be created.
class TraceSpool {
  public:
    /// Where the records go: a temporary file, or memory (the fallback, also selectable for tests).
    enum class Storage : std::uint8_t { temporary_file, memory };
    explicit TraceSpool(Storage storage = Storage::temporary_file);
    /// Writes the records to `file` (an open, readable and writable stream the spool takes over;
    /// nullptr: memory).
    explicit TraceSpool(std::FILE* file);
    /// Appends one result. After a failed write (a full disk) the rest are only counted: finish()
    /// reports the failure.
    void append(const TraceResult& result);
    /// Writes out what append() buffered. An `io` error when the temporary file could not be written
    /// (no space left, ...): the results are then incomplete and must not be read back.
    [[nodiscard]] Expected<void> finish();
    /// Results appended so far.
    [[nodiscard]] std::size_t size() const { return count_; }
    /// The results appended so far, by kind.
    [[nodiscard]] const ResultTally& tally() const { return tally_; }
    /// Reads every result back, in order (after a successful finish()).
    void for_each(const std::function<void(const TraceResult&)>& visit) const;

  private:
    struct Closer {
        void operator()(std::FILE* f) const;
    };
    std::unique_ptr<std::FILE, Closer> file_;
    std::vector<std::string> memory_; ///< records, when there is no temporary file
    std::string record_;              ///< the record being written (kept: its capacity is reused)
    std::size_t count_ = 0;
    ResultTally tally_;
    std::string write_error_;        ///< why writing the temporary file failed (empty: it did not)
    mutable bool read_back_ = false; ///< for_each() read the file since the last append()
};

/// All results of one run, in input order.
struct CheckRun {
    std::vector<TraceResult> traces;
    /// When set, more results in input order (after `traces`): what a streamed run produced.
    std::shared_ptr<const TraceSpool> spool;
    std::vector<Error> errors; ///< file-level errors (unreadable, empty, no traces in a directory)
    /// The specs the run used, by spec id (rule metadata for reports).
    std::map<std::string, std::shared_ptr<const spec::Spec>> specs;

    /// Every result (`traces`, then the spool's), in input order.
    void for_each_trace(const std::function<void(const TraceResult&)>& visit) const;
    /// How many results for_each_trace visits.
    [[nodiscard]] std::size_t trace_count() const { return traces.size() + (spool ? spool->size() : 0); }
    /// The results for_each_trace visits, by kind (no pass over the spool).
    [[nodiscard]] ResultTally tally() const;
};

/// Loads specs on demand and keeps them for the run.
class SpecCache {
  public:
    explicit SpecCache(const CheckOptions& options) : options_(&options) {}
    /// The spec for a trace's `spec` id (or the --spec file), counted as used by the run.
    [[nodiscard]] Expected<const spec::Spec*> get(const std::string& spec_id);
    /// The same, not counted as used (yet): for a streamed trace, which may still turn out to be bad
    /// input, and a run's reports list only the specs of traces checked against one.
    [[nodiscard]] Expected<const spec::Spec*> lookup(const std::string& spec_id);
    /// Counts the spec of `spec_id` (looked up before) as used.
    void mark_used(const std::string& spec_id);
    /// Every spec used so far, by spec id.
    [[nodiscard]] std::map<std::string, std::shared_ptr<const spec::Spec>> loaded() const;
    /// The replay program of the spec of `spec_id` (looked up before), built once when the spec
    /// loaded and shared by every trace checked against it; nullptr when the spec did not load.
    [[nodiscard]] std::shared_ptr<const machine::Program> program(const std::string& spec_id) const;

  private:
    [[nodiscard]] std::string key(const std::string& spec_id) const;

    const CheckOptions* options_;
    std::map<std::string, std::shared_ptr<const spec::Spec>> specs_;
    std::map<std::string, std::shared_ptr<const machine::Program>> programs_; ///< by the key of specs_
    std::set<std::string> used_; ///< keys of specs_ counted as used
};

/// Checks one parsed trace.
[[nodiscard]] TraceResult check_trace(const trace::Trace& trace, SpecCache& specs);
/// Checks one parsed trace against an already looked-up spec (or the error of looking it up); keeps
/// the EventSummary of the first `max_event_summaries` events. `program`: the spec's replay program
/// when the caller shares one between traces (SpecCache::program); nullptr: one is built for this trace.
[[nodiscard]] TraceResult check_trace(const trace::Trace& trace, const Expected<const spec::Spec*>& spec,
                                      std::size_t max_event_summaries = static_cast<std::size_t>(-1),
                                      bool attacker_steps = false,
                                      std::shared_ptr<const machine::Program> program = nullptr);
/// Whether a trace leaves values open that the symbolic check can reason about: one UE's own log, link
/// or K_NRP not logged, a `sec` or its fields not logged, a protected message without `pdu`, IEs not
/// decoded. (A spec that leaves a derivation open, like the seed's FFS key, does not count: the trace
/// is complete; those checks stay `unverified` either way.)
[[nodiscard]] bool leaves_values_open(const trace::Trace& trace);
/// The same with the symbolic options of `options` (max_event_summaries from it too).
[[nodiscard]] TraceResult check_trace(const trace::Trace& trace, const Expected<const spec::Spec*>& spec,
                                      const CheckOptions& options,
                                      std::shared_ptr<const machine::Program> program = nullptr);

/// Checks files and directories. Never fails as a whole: bad inputs become errors in the run.
[[nodiscard]] CheckRun check_paths(const std::vector<std::string>& paths, const CheckOptions& options);

/// Streaming form: files are read one document at a time (a `.jsonl` file line by line) and each
/// result goes to `on_result` in input order as soon as it is known; with -j N, at most 4 N traces are
/// held at once (a reorder window). The returned run has the file-level errors and specs, no traces.
[[nodiscard]] CheckRun check_paths(const std::vector<std::string>& paths, const CheckOptions& options,
                                   const std::function<void(TraceResult&&)>& on_result);

/// docs/cli.md: 2 if any input was bad, else 1 if any trace violates or is inconclusive (a
/// solver limit is never a pass), else 0.
[[nodiscard]] int exit_code(const CheckRun& run);

} // namespace pc5check::checker
