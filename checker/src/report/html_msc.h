#pragma once
/// \file The message sequence chart of one trace as inline SVG (part of the HTML report): one lifeline
/// per party, one arrow per event in trace order, labelled with the message, the protection observed
/// (K_NRP-sess ID, COUNT) and the outcome of the checks at that event.

#include "pc5check/checker/check.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace pc5check::report::html {

/// What the chart says about the checks of one event, worst first.
enum class CheckStatus : std::uint8_t {
    failed,      ///< a rule was violated at this event
    warning,     ///< only warning rules fired
    unverified,  ///< a check could not be decided (no key, no PDU, FFS derivation), or no MAC/PDU logged
    verified,    ///< protected, MAC-I and PDU logged, every check decided and passed
    unprotected, ///< `"sec": "none"`
    not_logged,  ///< no `sec` key: protection unknown
};

/// Label shown on the arrow ("failed", "not logged", ...).
[[nodiscard]] const char* to_string(CheckStatus s);
/// CSS class / `data-status` value ("failed", "not-logged", ...).
[[nodiscard]] const char* css_name(CheckStatus s);

/// The findings at one event, as indices into `ReplayResult::findings`.
struct EventMarks {
    std::vector<std::size_t> violations; ///< errors (outcome violation, not a warning)
    std::vector<std::size_t> warnings;   ///< outcome violation of a warning rule
    std::vector<std::size_t> unverified;
};

/// Findings grouped by event (index = event index). Findings naming an event past the end are ignored.
[[nodiscard]] std::vector<EventMarks> marks_by_event(const machine::ReplayResult& replay,
                                                     std::size_t event_count);

/// The status of one event from its findings and the protection logged.
[[nodiscard]] CheckStatus check_status(const checker::EventSummary& event, const EventMarks& marks);

/// A party of the link, drawn as a vertical line. Today the initiator and the target; an attacker
/// (injecting or replaying messages) becomes a third lifeline: add it here and in `lane_of`.
struct Lifeline {
    std::string key;      ///< CSS class suffix ("initiator")
    std::string title;    ///< header box, first line
    std::string subtitle; ///< header box, second line
};

/// The lifelines of a two-party trace, left to right.
[[nodiscard]] std::vector<Lifeline> lifelines();

/// Size limits of one chart (a 100k-event trace must not make a 100 MB page).
struct ChartOptions {
    std::size_t max_events = 400;           ///< events drawn from the start of the trace
    std::size_t violation_context = 2;      ///< events drawn either side of a violation past the cap
    std::size_t max_violation_windows = 16; ///< violations past the cap that get such a window
    /// Findings with an index below this have a row in the violations table to link to.
    std::size_t linked_findings = std::numeric_limits<std::size_t>::max();
    /// Events of a prove/query/diff run that the attacker dropped or injected: event index -> what it
    /// did ("initiator sends; the attacker drops it"). Their arrows are marked "attacker".
    std::map<std::size_t, std::string> attacker;
};

/// Indices of the events to draw, ascending: all when they fit, else the first `max_events`, plus a
/// window around each of the first `max_violation_windows` violating (or warning) events after them.
[[nodiscard]] std::vector<std::size_t>
chart_selection(std::size_t event_count, const std::vector<EventMarks>& marks, const ChartOptions& options);

/// Writes the `<svg class="msc">` of one trace. `anchor` is the trace's id ("t3"): the arrow of event
/// i is `<g class="event ..." id="t3-e<i>">`, and the rule label of a violating arrow links to the
/// violation row `t3-f<k>` (k = index of the finding).
void write_chart(std::ostream& out, const std::string& anchor, const checker::TraceResult& trace,
                 const std::vector<EventMarks>& marks, const std::vector<std::size_t>& selection,
                 const ChartOptions& options);

/// Seconds with millisecond precision, independent of the locale ("0.120").
[[nodiscard]] std::string format_seconds(double seconds);

} // namespace pc5check::report::html
