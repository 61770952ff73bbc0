#pragma once
/// \file Private to the trace reader: what the streaming reader of `.json` documents (stream.cpp) uses
/// of the reader (reader.cpp), so an event reads the same either way.

#include "pc5check/trace/trace.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pc5check::trace::detail {

/// Largest trace file read (docs/cli.md, input limits): larger ones are refused before reading.
inline constexpr std::uintmax_t kMaxFileSize = std::uintmax_t{1} << 30U;

/// Reads event `index` from `text`, the exact text of that element of the document's `events` array,
/// which starts at file position `at`. Positions, pointers, the nesting limit and duplicate keys come
/// out as in parse_trace. nullopt when the element is not a valid event: the caller then reads the
/// document whole, so the error reported is parse_trace's, with its precedence over the whole file.
[[nodiscard]] std::optional<Event> parse_event(std::string_view text, const std::string& file,
                                               const Position& at, std::size_t index, double previous_at);

/// parse_event with its error: what an event stream (`monitor`, one event per line) reports for a bad
/// line, under the caller's nesting and number limits.
[[nodiscard]] Expected<Event> read_event_text(std::string_view text, const std::string& file,
                                              const Position& at, std::size_t index, double previous_at,
                                              const Limits& limits);

} // namespace pc5check::trace::detail
