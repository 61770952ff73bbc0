/// \file Input limits on a parsed trace: an untrusted exporter must not make the checker spend
/// unbounded time or memory, and a limit hit is reported as such (exit 2), never as a verdict.

#include "pc5check/trace/trace.h"

#include <string>

namespace pc5check::trace {

namespace {

tl::unexpected<Error> limit_error(const Trace& t, const std::string& pointer, const Position& where,
                                  std::optional<std::size_t> event, const std::string& message)
{
    Error e;
    e.code = ErrorCode::limit;
    e.file = t.file;
    e.json_pointer = pointer;
    e.line = where.line;
    e.column = where.column;
    e.event_index = event;
    e.message = message;
    return tl::make_unexpected(std::move(e));
}

/// Longest hex string inside an IE value (IE values are strings, numbers, booleans or small objects).
std::size_t longest_string(const Ies::Value& v)
{
    if (v.kind() == Ies::Kind::string) {
        return v.string().size();
    }
    std::size_t longest = 0;
    if (v.kind() == Ies::Kind::object) {
        v.for_each_member([&](std::string_view, const Ies::Value& item) {
            longest = std::max(longest, longest_string(item));
        });
    } else if (v.kind() == Ies::Kind::array) {
        v.for_each_element(
            [&](const Ies::Value& item) { longest = std::max(longest, longest_string(item)); });
    }
    return longest;
}

} // namespace

Expected<void> check_event_count(const Trace& trace, std::size_t events, const Limits& limits)
{
    if (events > limits.max_events) {
        return limit_error(trace, "/events", Position{trace.line, 0}, std::nullopt,
                           "expected at most " + std::to_string(limits.max_events) +
                               " events per trace (limit --max-events), found " + std::to_string(events));
    }
    return {};
}

Expected<void> check_event_limits(const Trace& trace, const Event& ev, std::size_t i, const Limits& limits)
{
    if (ev.ie.size() > limits.max_ies) {
        return limit_error(trace, ev.pointer + "/ie", ev.position, i,
                           "expected at most " + std::to_string(limits.max_ies) +
                               " IEs per event (limit --max-ies), found " + std::to_string(ev.ie.size()));
    }
    if (ev.pdu && 2 * ev.pdu->size() > limits.max_hex_digits) {
        return limit_error(trace, ev.pointer + "/pdu", ev.position, i,
                           "expected a pdu of at most " + std::to_string(limits.max_hex_digits) +
                               " hex digits (limit --max-hex-digits), found " +
                               std::to_string(2 * ev.pdu->size()));
    }
    for (std::size_t k = 0; k < ev.ie.size(); ++k) {
        const Ies::Member ie = ev.ie.at(k);
        const std::size_t length = longest_string(ie.value);
        if (length > limits.max_hex_digits) {
            return limit_error(trace, ev.pointer + "/ie/" + std::string(ie.name), ev.position, i,
                               "expected IE values of at most " + std::to_string(limits.max_hex_digits) +
                                   " characters (limit --max-hex-digits), found " + std::to_string(length));
        }
    }
    return {};
}

Expected<void> check_limits(const Trace& trace, const Limits& limits)
{
    if (auto count = check_event_count(trace, trace.events.size(), limits); !count) {
        return count;
    }
    for (std::size_t i = 0; i < trace.events.size(); ++i) {
        if (auto within = check_event_limits(trace, trace.events[i], i, limits); !within) {
            return within;
        }
    }
    return {};
}

} // namespace pc5check::trace
