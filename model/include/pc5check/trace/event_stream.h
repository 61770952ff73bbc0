#pragma once
/// \file An event stream (what `pc5check monitor` reads, docs/cli.md): a trace written as JSON Lines,
/// its header first and then one event per line, so that a capture can be checked while it runs.
///
/// Line 1 is a `pc5-trace/1` document whose `events` may be left out (the header: format, spec, link,
/// keys, ...); when it has `events` (a whole trace on one line, as in a `.jsonl` file), those are the
/// stream's first events. Every further non-blank line is one event, read exactly as an element of
/// `events` is (same keys, types, hex and names; positions are the stream's line and column, pointers
/// `/events/<index>`).

#include "pc5check/common/error.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace pc5check::trace {

/// Reads the header line of an event stream, which starts at line `line` of `file`. The trace's
/// `events` are those the line carries (usually none). Applies the nesting and number limits.
[[nodiscard]] Expected<Trace> parse_stream_header(std::string_view text, const std::string& file,
                                                  std::size_t line, const Limits& limits = {});

/// Reads one event line of a stream: event `index` of the trace, at line `line` of `file`. `previous_at`
/// is the time of the event before (an event without `at` takes it). Applies the nesting and number
/// limits; the per-event limits are check_event_limits'.
[[nodiscard]] Expected<Event> parse_stream_event(std::string_view text, const std::string& file,
                                                 std::size_t line, std::size_t index, double previous_at,
                                                 const Limits& limits = {});

} // namespace pc5check::trace
