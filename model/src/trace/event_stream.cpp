/// \file Reading an event stream's lines (pc5check/trace/event_stream.h) with the one trace reader.

#include "pc5check/trace/event_stream.h"

#include "trace/json_document.h"
#include "trace/stream_detail.h"

#include <string>
#include <utility>

namespace pc5check::trace {

Expected<Trace> parse_stream_header(std::string_view text, const std::string& file, std::size_t line,
                                    const Limits& limits)
{
    detail::TextOrigin origin;
    origin.at = Position{line, 1};
    bool empty_object = false;
    {
        const ExpectedT<detail::JsonDocument, Error> doc = detail::JsonDocument::parse(text, origin, limits);
        if (!doc || doc->kind(0) != detail::JsonDocument::Kind::object || doc->member(0, "events")) {
            // Not JSON, not an object, or a whole trace: parse_trace reports it or reads it as it is.
            return parse_trace(text, file, line, limits);
        }
        empty_object = doc->node(0).size == 0;
    }
    // An empty `events` goes just before the closing brace (only whitespace follows it): every byte
    // of the line keeps its line:column, so the reader's messages point into the line as written.
    const std::size_t close = text.find_last_not_of(" \t\r\n");
    std::string with_events(text.substr(0, close));
    with_events += empty_object ? R"("events":[])" : R"(,"events":[])";
    with_events += text.substr(close);
    return parse_trace(with_events, file, line, limits);
}

Expected<Event> parse_stream_event(std::string_view text, const std::string& file, std::size_t line,
                                   std::size_t index, double previous_at, const Limits& limits)
{
    return detail::read_event_text(text, file, Position{line, 1}, index, previous_at, limits);
}

} // namespace pc5check::trace
