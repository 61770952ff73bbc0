#pragma once
/// \file Private to the trace reader: the single-pass reader of valid documents and the full reader it
/// stands in front of.
///
/// parse_trace used to take three passes over every document (a position scan, nlohmann's DOM, the
/// conversion of the DOM), which made reading alone cost more than twice nlohmann's parse (issue #6).
/// Almost every document read is valid, so read_fast scans the text once and builds the Trace directly;
/// it knows nothing about error messages and declines (nullopt) on anything it is not sure the full
/// reader accepts. parse_trace then runs the full reader, which finds and words the error.

#include "pc5check/common/error.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pc5check::trace::detail {

/// Reads a valid `pc5-trace/1` document in one pass. Contract, "identical or decline": the result is
/// either nullopt or a Trace equal in every field (positions, pointers, the IEs' JSON number types)
/// to what parse_trace_slow gives for the same arguments; nullopt whenever parse_trace_slow fails.
/// Declines, besides every error: string escapes, a byte order mark, negative or too long numbers
/// (other than IE values), deeply nested or very large unknown values, very long IE names.
[[nodiscard]] std::optional<Trace> read_fast(std::string_view text, const std::string& file,
                                             std::size_t first_line, const Limits& limits);

/// Reads event `index` of a streamed `.json` document (stream.cpp) in one pass: `text` is exactly that
/// element of `events`, starting at file position `at`. Same contract as read_fast, against
/// parse_event (stream_detail.h) with the same arguments: nullopt or an equal Event, nullopt whenever
/// parse_event gives nullopt.
[[nodiscard]] std::optional<Event> read_fast_event(std::string_view text, const Position& at,
                                                   std::size_t index, double previous_at);

/// The full reader behind parse_trace (position scan, nlohmann DOM, conversion with precise errors),
/// without the fast path in front of it: what read_fast is tested against.
[[nodiscard]] Expected<Trace> parse_trace_slow(std::string_view text, const std::string& file,
                                               std::size_t first_line, const Limits& limits);

} // namespace pc5check::trace::detail
