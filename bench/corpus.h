#pragma once
/// \file Inputs of the benchmarks, built in memory by the trace generator: a mixed corpus of random
/// re-keying traces as `.jsonl` lines, and long conforming traces of DATA events for the scaling runs.

#include "pc5check/common/error.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace pc5check::bench {

/// Spec the benchmarks check against (the normative variant, as in the corpus).
[[nodiscard]] std::string spec_path();

/// A generated corpus: one compact JSON document per line, as in a `.jsonl` file.
struct Corpus {
    std::vector<std::string> lines;   ///< without the trailing newline
    std::size_t bytes = 0;            ///< text size, one newline per line included
    std::size_t events = 0;           ///< events over all traces
    std::size_t protected_events = 0; ///< events with a `sec` object, a COUNT/BEARER/DIRECTION and a pdu
    std::size_t conforming = 0;       ///< traces whose oracle says "conforms"
};

/// `traces` random traces of make_random_trace() with seeds 1..traces, half conforming and half with
/// one random mutation (the generator's own mix). Errors: a generator failure.
[[nodiscard]] Expected<Corpus> make_corpus(std::size_t traces);

/// A conforming trace of `events` DATA events under the link's initial context only: alternating
/// initiator / target, COUNT rising by one per direction, random payloads and real MAC-Is (NRPIK
/// derived from the logged `link.k_nrp_sess`). Link and keys come from make_random_trace(seed, "none").
/// Valid protocol-wise at any length, unlike concatenated re-keyings. Errors: a generator or crypto
/// failure, or a link whose integrity algorithm has no implementation here.
[[nodiscard]] Expected<trace::Trace> make_data_trace(std::size_t events, std::uint64_t seed = 1);

/// Writes make_data_trace(events, seed) as to_line() does, plus a newline, one event at a time (a
/// trace of a million events would take gigabytes to build first).
[[nodiscard]] Expected<void> write_data_trace(std::ostream& out, std::size_t events, std::uint64_t seed = 1);

/// The same trace as an event stream (`pc5check monitor`): the header line, then one event per line,
/// written as they are made, so a stream of any length takes no memory to write.
[[nodiscard]] Expected<void> write_data_stream(std::ostream& out, std::size_t events, std::uint64_t seed = 1);

/// One-line JSON text of a trace (a `.jsonl` line).
[[nodiscard]] std::string to_line(const trace::Trace& trace);

} // namespace pc5check::bench
