#pragma once
/// \file `pc5check monitor`: one trace checked while it is being written (docs/cli.md, docs/lab.md).
///
/// The stream is read line by line from a file, a FIFO or standard input (pc5check/trace/event_stream.h:
/// the header line, then one event per line); each event is replayed by the reference machine of `check`
/// (machine::Replayer) as soon as its line is complete, and its findings are handed on at once. Memory
/// follows the machine's state, not the stream: findings leave the replay as they are reported.

#include "pc5check/checker/check.h"
#include "pc5check/machine/result.h"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace pc5check::checker {

/// What `monitor` reads and how.
struct MonitorOptions {
    /// The spec (--spec, --spec-dir, --param), the input limits and --attacker-steps, as for `check`;
    /// the other check options do not apply (no symbolic check: it needs the whole trace).
    CheckOptions check;
    /// jsonl: an event stream; json: one whole trace document, read to its end, then checked.
    trace::InputFormat format = trace::InputFormat::jsonl;
    bool stop_on_error = false; ///< --stop-on-error: the first bad line ends the run
    bool unverified = false;    ///< -v: also hand on the unverified checks (else only counted)
};

/// What is known when a monitored stream ends (docs/cli.md, `monitor`).
struct MonitorVerdict {
    /// "conforms", "violation", "inconclusive" (interrupted, or a re-keying left open) or "bad-input"
    /// (a bad line, or nothing could be checked: unreadable stream, bad header, unknown spec).
    std::string verdict;
    std::string file;               ///< the stream's name
    std::size_t events = 0;         ///< events read, bad ones included
    std::vector<std::string> rules; ///< rule IDs with a violation or warning, sorted
    std::size_t violations = 0;     ///< violations, warnings excluded
    std::size_t warnings = 0;
    std::size_t unverified = 0;
    std::size_t bad_lines = 0;
    bool interrupted = false; ///< the run was stopped (a signal) before the stream ended
    bool stopped = false;     ///< --stop-on-error ended it
    /// Where both roles stand (initiator, target) when a procedure was left open at the end.
    std::optional<std::array<machine::RoleStanding, 2>> open;
    /// With `open`: the UE that owes the next message — the peer of the UE that sent the last message
    /// of the procedure, when its state has a message to send (`open`'s `next`); nullopt when the
    /// machines disagree (after a violation) and neither can be said to.
    std::optional<trace::Role> owes;
    std::string note;           ///< one line saying why the verdict is what it is
    std::optional<Error> error; ///< what made the whole stream unreadable (verdict bad-input)
};

/// Receives what the monitor finds, in stream order, as soon as it is known.
class MonitorSink {
  public:
    MonitorSink() = default;
    MonitorSink(const MonitorSink&) = delete;
    MonitorSink& operator=(const MonitorSink&) = delete;
    MonitorSink(MonitorSink&&) = delete;
    MonitorSink& operator=(MonitorSink&&) = delete;
    virtual ~MonitorSink() = default;
    /// A violation, a warning or (when asked for) an unverified check, with its event's index in the
    /// stream and position.
    virtual void finding(const machine::Finding& finding) = 0;
    /// A line that could not be read or checked; the run goes on unless --stop-on-error.
    virtual void bad_line(const Error& error) = 0;
};

/// Checks the trace read from `fd` (called `name` in messages) event by event. Returns at the end of
/// the stream, at the first bad line with --stop-on-error, or when `stop_fd` becomes readable (a
/// signal handler writes to it; -1: never) — a read blocks until the writer writes or that happens.
[[nodiscard]] MonitorVerdict monitor(int fd, const std::string& name, const MonitorOptions& options,
                                     MonitorSink& sink, int stop_fd = -1);

/// The verdict's one line in words: "procedure left open (initiator in WAIT_SMC, target in
/// REQ_RECEIVED): the initiator owes AUTH_RESPONSE, AUTH_REJECT or AUTH_FAILURE". `owes`: the UE
/// whose turn it is (MonitorVerdict::owes); nullopt: every UE with a message to send is named.
[[nodiscard]] std::string describe_open(const std::array<machine::RoleStanding, 2>& standing,
                                        std::optional<trace::Role> owes);

/// As for `check` (docs/cli.md): 2 for bad input (a bad line included), else 0 for `conforms`, else 1.
[[nodiscard]] int exit_code(const MonitorVerdict& verdict);

} // namespace pc5check::checker
