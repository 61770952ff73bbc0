#pragma once
/// \file The `pc5-trace/1` trace format (docs/trace-format.md, a CONTRACT): data types, reader, writer.
///
/// The reader checks the structure the contract fixes (keys, types, hex, ranges, message names) and
/// keeps each event's `ie` object as JSON (ies.h): which IEs a message may carry and their types come from
/// the spec, so they are checked when the trace is bound to a spec (machine/bind.h).

#include "pc5check/common/error.h"
#include "pc5check/protocol/protocol.h"
#include "pc5check/trace/ies.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pc5check::trace {

using Bytes = std::vector<std::uint8_t>;

/// Who captured the trace.
enum class Observer : std::uint8_t { air, initiator, target };
/// The two UEs of the re-keying: the initiator sends REKEYING_REQUEST, the target is the peer.
enum class Role : std::uint8_t { initiator, target };

/// JSON spellings ("air", "initiator", "target").
[[nodiscard]] const char* to_string(Observer o);
[[nodiscard]] const char* to_string(Role r);

/// The message names the contract allows in `msg` (both spec variants together).
[[nodiscard]] const std::vector<std::string>& contract_message_names();

/// The identifier widths of the contract (docs/trace-format.md section 5), from spec/pc5-protocol.json:
/// a K_NRP ID of 32 bits (16 MSBs in the SMC, 16 LSBs in the COMPLETE), a K_NRP-sess ID of 16 bits
/// (8 from each UE). kKNrpIdHalfBits is the width of the LSBs, by which the MSBs are shifted.
/// Ref: TS 33.536 5.3.3.1.4.2 / TS 24.554 7.2.10.
using KNrpId = protocol::KNrpId;
using KNrpSessId = protocol::KNrpSessId;
inline constexpr unsigned kKNrpIdHalfBits = protocol::kKNrpIdLsbsBits;

/// PDCP protection of one message as observed.
struct Sec {
    enum class Kind : std::uint8_t {
        not_logged, ///< no `sec` key: protection unknown
        none,       ///< "sec": "none": sent unprotected
        // NOLINTNEXTLINE(readability-identifier-naming): `protected` is a keyword
        protected_, ///< "sec": {...}
    };
    Kind kind = Kind::not_logged;
    std::optional<KNrpSessId> ctx;                ///< K_NRP-sess ID in the PDCP header
    std::optional<protocol::Count> count;         ///< 32-bit COUNT
    std::optional<protocol::Bearer> bearer;       ///< 5 bits
    std::optional<protocol::Direction> direction; ///< 1 bit
    std::optional<protocol::MacI> mac;            ///< MAC-I
    std::optional<bool> ciphered;
    /// Field by field.
    friend bool operator==(const Sec&, const Sec&) = default;
};

/// One observed message.
struct Event {
    double at = 0.0;
    Role from = Role::initiator;
    std::string msg; ///< one of contract_message_names()
    Ies ie;          ///< raw IEs (JSON), checked on binding; or not decoded
    Sec sec;
    std::optional<Bytes> pdu; ///< plain PC5 signalling message bytes, when logged
    std::string pointer;      ///< "/events/<i>"
    Position position;        ///< where the event object starts
};

/// UE security capabilities as lists of algorithm names ("NEA0".."NEA3", "NIA0".."NIA3"), as written.
struct SecCaps {
    std::vector<std::string> nea;
    std::vector<std::string> nia;
};

/// Signalling security policy: each "REQUIRED", "PREFERRED" or "NOT_NEEDED".
struct SignallingPolicy {
    std::string integrity;
    std::string ciphering;
};

/// The link as it stood before the first event.
struct Link {
    KNrpId k_nrp_id = 0;
    KNrpSessId k_nrp_sess_id = 0;
    std::optional<std::string> selected_nea; ///< "NEA0".."NEA3"
    std::optional<std::string> selected_nia; ///< "NIA0".."NIA3"
    std::optional<Bytes> k_nrp_sess;         ///< 32 octets
    std::optional<SecCaps> initiator_sec_cap;
    std::optional<SignallingPolicy> signalling_policy;
};

/// A K_NRP the capture harness logged.
struct KeyEntry {
    KNrpId k_nrp_id = 0;
    Bytes k_nrp; ///< 32 octets
};

/// The optional oracle used by corpus tests (never read by the checker to decide).
struct Expect {
    std::string verdict;            ///< "conforms", "violation" or "inconclusive"
    std::vector<std::string> rules; ///< rule IDs that must be reported (exactly this set)
    // For partial traces (checked symbolically):
    std::optional<unsigned> max_missing; ///< check with --max-missing N
    std::optional<unsigned> timeout_ms;  ///< check with --timeout-ms N
    std::vector<std::string> assumed;    ///< each must occur in some reported assumption
    std::vector<std::string> unverified; ///< rule IDs that must be reported unverified
    std::string limit;                   ///< inconclusive: must occur in the limit named
    /// Field by field.
    friend bool operator==(const Expect&, const Expect&) = default;
};

/// An event `pc5check prove` attributes to the attacker (top-level `attacker_steps` of a counterexample
/// it wrote): the message was injected (the UE it names as sender did not send it) or dropped (its
/// receiver never got it). `check` honours these only with --attacker-steps: an annotation must never
/// let a vendor trace excuse its own violations.
struct AttackerStep {
    std::size_t event = 0;
    bool injected = false; ///< else dropped
};

/// One trace.
struct Trace {
    std::string file;     ///< path it was read from
    std::size_t line = 1; ///< 1-based line of the document start (matters in .jsonl)
    std::string spec;     ///< e.g. "ts33536-r17"
    std::string title;
    Observer observer = Observer::air;
    Link link;
    std::vector<KeyEntry> keys;
    std::vector<Event> events;
    std::optional<Expect> expect;
    std::vector<AttackerStep> attacker_steps; ///< see AttackerStep
};

/// Input limits: an untrusted exporter must not make the checker spend unbounded time or memory.
/// Hitting one is an error with code `limit` whose message names the limit and its `check` option;
/// never a crash, a hang or a verdict. The file, nesting and number limits hold while reading; the
/// others on the parsed trace (check_limits).
struct Limits {
    /// Bytes of a `.json` file, and of each line (document) of a `.jsonl` file, which is streamed and
    /// may itself be larger (--max-file-bytes).
    std::uint64_t max_file_bytes = std::uint64_t{1} << 30U;
    /// JSON nesting depth: objects and arrays inside each other, the root counting 1; the trace
    /// format needs about 6 levels. Recursive walkers follow IE values, so keep it small (--max-nesting).
    std::size_t max_nesting = 100;
    /// Characters of one JSON number token: integers of the format need at most 20, times about 24
    /// (--max-number-chars).
    std::size_t max_number_chars = 40;
    std::size_t max_events = 10'000'000;    ///< events per trace (--max-events)
    std::size_t max_ies = 64;               ///< IEs per event (--max-ies)
    std::size_t max_hex_digits = 1U << 20U; ///< hex digits of one pdu or IE value (--max-hex-digits)
};

/// Reads one JSON document holding one trace. `file` and `first_line` only label errors/positions.
/// Applies the nesting and number limits (the others: check_limits).
[[nodiscard]] Expected<Trace> parse_trace(std::string_view text, const std::string& file,
                                          std::size_t first_line = 1, const Limits& limits = {});

/// Gives a trace's events back once it is checked (it is left without events): the next trace that
/// parse_trace reads on this thread keeps its events in the same memory instead of allocating.
void recycle_trace(Trace&& done);

/// All traces of a `.json` file (one document) or `.jsonl` file (one document per non-blank line).
/// The outer error is for the file as a whole (cannot read, empty, no trace); each inner one is for
/// one document, so one bad line does not hide the good ones. Applies the file size, nesting and number
/// limits.
[[nodiscard]] Expected<std::vector<Expected<Trace>>> read_trace_file(const std::string& path,
                                                                     const Limits& limits = {});

/// Streams the traces of a file to `on_document`, one document at a time and in file order: a `.jsonl`
/// file is read line by line, so memory follows the largest document, not the file. Returns the error
/// for the file as a whole (cannot read, empty, no trace), which may come after some documents. A
/// `.jsonl` line longer than `limits.max_file_bytes` is an error for that line only.
[[nodiscard]] Expected<void> for_each_trace_in_file(const std::string& path,
                                                    const std::function<void(Expected<Trace>&&)>& on_document,
                                                    const Limits& limits = {});

/// One document of a trace file as read, not parsed yet: a `.jsonl` line, or a whole `.json` file.
struct RawDocument {
    std::string text;
    std::size_t line = 1; ///< 1-based line of the document start
};

/// for_each_trace_in_file without the parsing: hands on each document's text (or, for a `.jsonl` line
/// over `limits.max_file_bytes`, its error), so that callers can parse documents on other threads.
/// `parse_trace(text, path, line, limits)` of each gives exactly what for_each_trace_in_file hands on.
[[nodiscard]] Expected<void>
for_each_document_in_file(const std::string& path,
                          const std::function<void(Expected<RawDocument>&&)>& on_document,
                          const Limits& limits = {});

/// Gives a document's text back once it is parsed (it is left empty): a later `.jsonl` line that
/// for_each_document_in_file reads on this thread reuses its memory instead of allocating its own. Give
/// it back on the thread that read it: on another, the memory is freed there after all (a worker's
/// spare texts are never read into).
void recycle_document(RawDocument&& done);

/// How a trace input without a file name to go by (standard input) is read: one document, or one
/// document per line as a `.jsonl` file.
enum class InputFormat : std::uint8_t { json, jsonl };

/// The path that names standard input on the command line, and the name standard input goes by in
/// messages and reports.
inline constexpr std::string_view kStandardInputPath = "-";
inline constexpr std::string_view kStandardInputName = "<stdin>";

/// for_each_document_in_file for an open stream (standard input, a pipe): `name` labels errors and
/// documents, `format` says how to read it (a `.json` file or a `.jsonl` file).
[[nodiscard]] Expected<void>
for_each_document_in_stream(std::FILE* stream, const std::string& name, InputFormat format,
                            const std::function<void(Expected<RawDocument>&&)>& on_document,
                            const Limits& limits = {});

/// A `.json` trace document read in bounded memory: its header (every top-level member but `events`)
/// when opened, then its events one at a time, so memory follows the header and the largest event,
/// not the file (the file is read twice: `events` may come before `link` and `keys`). Only a valid
/// document streams to its end. On anything else (invalid JSON, a duplicate key, too deep nesting,
/// a contract error) the stream stops and says so (failed()): the caller then reads the file whole
/// with for_each_trace_in_file, which reports the error exactly as for any `.json` file — an error
/// anywhere in the file can take precedence over one found earlier, so none is reported mid-stream.
class TraceStream {
  public:
    /// Opens `path` and reads its header. nullopt when the file cannot stream: not a regular file
    /// (a pipe cannot be read twice), unreadable or over the size limit, not an object with one
    /// `events` array, or a header that does not read. Read it whole then.
    [[nodiscard]] static std::optional<TraceStream> open(const std::string& path);

    ~TraceStream();
    TraceStream(TraceStream&& other) noexcept;
    TraceStream& operator=(TraceStream&& other) noexcept;
    TraceStream(const TraceStream&) = delete;
    TraceStream& operator=(const TraceStream&) = delete;

    /// The trace as parse_trace reads it, except that `events` is empty.
    [[nodiscard]] const Trace& header() const { return header_; }
    /// The next event, as parse_trace reads it (pointer, position, IE positions); nullopt at the end
    /// of `events`, or when the document turned out not to stream (then failed()).
    [[nodiscard]] std::optional<Event> next();
    /// Events returned so far.
    [[nodiscard]] std::size_t events() const;
    /// Whether the stream stopped on a document that must be read whole (see the class comment).
    [[nodiscard]] bool failed() const;

  private:
    struct State;
    TraceStream(std::unique_ptr<State> state, Trace header);

    std::unique_ptr<State> state_;
    Trace header_;
};

/// The trace files named by `paths`, in order: a file (and `-`, standard input) is taken as given; a
/// directory is walked recursively for `*.json` and `*.jsonl` files, in sorted (deterministic) order. Errors:
/// a path that does not exist or cannot be read (io), a directory without trace files (bad_input).
[[nodiscard]] Expected<std::vector<std::string>> collect_trace_files(const std::vector<std::string>& paths);

/// Checks a parsed trace against the event, IE and hex limits: check_event_count, then
/// check_event_limits per event.
[[nodiscard]] Expected<void> check_limits(const Trace& trace, const Limits& limits);
/// Checks that `events` events fit --max-events; `trace` (its file and line) labels the error.
[[nodiscard]] Expected<void> check_event_count(const Trace& trace, std::size_t events, const Limits& limits);
/// Checks event `index` against the per-event limits (--max-ies, --max-hex-digits); `trace` labels errors.
[[nodiscard]] Expected<void> check_event_limits(const Trace& trace, const Event& event, std::size_t index,
                                                const Limits& limits);

/// Writes a trace in `pc5-trace/1` (inverse of parse_trace up to formatting and positions).
[[nodiscard]] nlohmann::json to_json(const Trace& trace);

} // namespace pc5check::trace
