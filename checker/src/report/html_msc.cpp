#include "report/html_msc.h"

#include "pc5check/common/hex.h"
#include "report/html_escape.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <system_error>

namespace pc5check::report::html {

namespace {

// Layout in SVG user units (= CSS px at 100 %). Columns: event number and time | lifelines | checks.
constexpr std::size_t kWidth = 1140;
constexpr std::size_t kGutterX = 14;     // event number, time
constexpr std::size_t kMarkerX = 128;    // violation marker
constexpr std::size_t kAttackerX = 142;  // "attacker" badge, between the marker and the first lifeline
constexpr std::size_t kLanesLeft = 215;  // first lifeline
constexpr std::size_t kLanesRight = 715; // last lifeline
constexpr std::size_t kNotesX = 752;     // rule IDs / transitions
constexpr std::size_t kHeadHeight = 62;
constexpr std::size_t kBoxWidth = 168;
constexpr std::size_t kRowHeight = 50;
constexpr std::size_t kGapHeight = 30;
constexpr std::size_t kFootHeight = 34;
constexpr std::size_t kHead = 9;       // arrowhead length
constexpr std::size_t kNoteChars = 60; // notes column width in characters

/// Lane (lifeline index) of a sender. Ref: docs/trace-format.md (initiator sends REKEYING_REQUEST).
std::size_t lane_of(trace::Role role) { return role == trace::Role::initiator ? 0 : 1; }

/// Lane of the receiver: on a two-party link, the peer. An attacker lane would need the event's
/// addressee from the trace.
std::size_t receiver_lane(const checker::EventSummary& e)
{
    return e.from == trace::Role::initiator ? lane_of(trace::Role::target) : lane_of(trace::Role::initiator);
}

std::size_t lane_x(std::size_t lane, std::size_t lanes)
{
    if (lanes < 2) {
        return (kLanesLeft + kLanesRight) / 2;
    }
    return kLanesLeft + lane * (kLanesRight - kLanesLeft) / (lanes - 1);
}

/// At most `n` characters (ASCII ids and reasons; multi-byte sequences are never cut in the middle).
std::string clip(const std::string& s, std::size_t n)
{
    if (s.size() <= n) {
        return s;
    }
    std::size_t cut = n - 1;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0U) == 0x80U) {
        --cut;
    }
    return s.substr(0, cut) + "\xE2\x80\xA6"; // U+2026 HORIZONTAL ELLIPSIS
}

std::string hex_mac(const protocol::MacI& mac) { return to_hex_digits(mac); }

/// The protection as one short line: "ctx 42772 · COUNT 283".
std::string sec_line(const trace::Sec& sec)
{
    if (sec.kind == trace::Sec::Kind::none) {
        return "sec none";
    }
    if (sec.kind == trace::Sec::Kind::not_logged) {
        return "sec \xE2\x80\x94";
    }
    std::string out;
    const auto add = [&out](const std::string& part) { out += (out.empty() ? "" : " \xC2\xB7 ") + part; };
    add(sec.ctx ? "ctx " + std::to_string(*sec.ctx) : "ctx ?");
    add(sec.count ? "COUNT " + std::to_string(*sec.count) : "COUNT ?");
    return out;
}

/// " (reproduced by NIA1)" when that integrity algorithm reproduced event i's MAC-I, else "".
std::string reproduced_by(const machine::ReplayResult& r, std::size_t i)
{
    for (const auto& [alg, events] : r.mac_verified_by) {
        if (std::binary_search(events.begin(), events.end(), i)) {
            return " (reproduced by " + alg + ")";
        }
    }
    return "";
}

/// Everything about the event, for the tooltip (<title>).
std::string tooltip(const checker::TraceResult& t, std::size_t i, const EventMarks& marks, CheckStatus status,
                    const std::string* attacker)
{
    const checker::EventSummary& e = t.events[i];
    std::string out = "event " + std::to_string(i) + ": " + e.msg + ", " + trace::to_string(e.from) +
                      " \xE2\x86\x92 " + (e.from == trace::Role::initiator ? "target" : "initiator") +
                      ", at " + format_seconds(e.at) + " s";
    if (attacker != nullptr) {
        out += "\nattacker: " + *attacker;
    }
    if (e.position.line != 0) {
        out += ", line " + std::to_string(e.position.line) + ":" + std::to_string(e.position.column);
    }
    out += "\nprotection: ";
    switch (e.sec.kind) {
    case trace::Sec::Kind::not_logged:
        out += "not logged";
        break;
    case trace::Sec::Kind::none:
        out += "none (unprotected)";
        break;
    case trace::Sec::Kind::protected_:
        out += sec_line(e.sec);
        if (e.sec.bearer) {
            out += ", bearer " + std::to_string(*e.sec.bearer);
        }
        if (e.sec.direction) {
            out += ", direction " + std::to_string(*e.sec.direction);
        }
        out +=
            e.sec.mac ? ", MAC-I " + hex_mac(*e.sec.mac) + reproduced_by(t.replay, i) : ", MAC-I not logged";
        if (e.sec.ciphered) {
            out += *e.sec.ciphered ? ", ciphered" : ", not ciphered";
        }
        out += e.pdu_logged ? ", PDU logged" : ", PDU not logged";
        break;
    }
    out += "\nchecks: " + std::string(to_string(status));
    out += "\nsender: " +
           (e.sender_transition.empty() ? std::string("no transition enabled") : e.sender_transition);
    out += "\nreceiver: " + (e.receiver_transition.empty() ? std::string("ignored") : e.receiver_transition);
    const auto& findings = t.replay.findings;
    for (const auto* list : {&marks.violations, &marks.warnings, &marks.unverified}) {
        for (const std::size_t k : *list) {
            const machine::Finding& f = findings[k];
            out += "\n" + f.rule +
                   (list == &marks.unverified ? " unverified: " + f.reason
                                              : ": expected " + f.expected + ", observed " + f.observed);
        }
    }
    return out;
}

/// Rule IDs of a list of findings, unique, in order: "SMC_NEW_CONTEXT, REPLAY".
std::string rule_list(const std::vector<machine::Finding>& findings, const std::vector<std::size_t>& list)
{
    std::vector<std::string> ids;
    for (const std::size_t k : list) {
        if (std::find(ids.begin(), ids.end(), findings[k].rule) == ids.end()) {
            ids.push_back(findings[k].rule);
        }
    }
    std::string out;
    for (const auto& id : ids) {
        out += (out.empty() ? "" : ", ") + id;
    }
    return out;
}

void write_head(std::ostream& out, const std::vector<Lifeline>& lanes, std::size_t y, std::size_t height,
                const char* cls)
{
    for (std::size_t l = 0; l < lanes.size(); ++l) {
        const std::size_t x = lane_x(l, lanes.size());
        out << "<g class=\"" << cls << " lane-" << escape(lanes[l].key) << "\"><rect x=\""
            << x - kBoxWidth / 2 << "\" y=\"" << y << "\" width=\"" << kBoxWidth << "\" height=\"" << height
            << R"(" rx="4"/>)";
        if (height > 30) {
            out << R"(<text class="lane-title" x=")" << x << "\" y=\"" << y + 19 << "\">"
                << escape(lanes[l].title) << R"(</text><text class="lane-sub" x=")" << x << "\" y=\""
                << y + 35 << "\">" << escape(lanes[l].subtitle) << "</text>";
        } else {
            out << R"(<text class="lane-sub" x=")" << x << "\" y=\"" << y + 16 << "\">"
                << escape(lanes[l].title) << "</text>";
        }
        out << "</g>";
    }
}

void write_gap(std::ostream& out, std::size_t y, std::size_t first, std::size_t last)
{
    const std::size_t n = last - first + 1;
    out << R"(<g class="gap"><rect x="0" y=")" << y << "\" width=\"" << kWidth << "\" height=\"" << kGapHeight
        << "\"/><text x=\"" << (kLanesLeft + kLanesRight) / 2 << "\" y=\"" << y + 19 << "\">\xE2\x8B\xAF "
        << n << (n == 1 ? " event" : " events") << " not drawn (#" << first;
    if (n > 1) {
        out << "\xE2\x80\x93#" << last;
    }
    out << ") \xE2\x8B\xAF</text></g>\n";
}

void write_event(std::ostream& out, const std::string& anchor, const checker::TraceResult& t, std::size_t i,
                 const EventMarks& marks, std::size_t y, std::size_t lanes, bool odd,
                 const ChartOptions& options)
{
    const checker::EventSummary& e = t.events[i];
    const CheckStatus status = check_status(e, marks);
    const auto& findings = t.replay.findings;
    const auto by_attacker = options.attacker.find(i);
    const std::string* attacker = by_attacker == options.attacker.end() ? nullptr : &by_attacker->second;
    out << "<g class=\"event " << (status == CheckStatus::failed ? "violation" : css_name(status))
        << (odd ? " odd" : "") << (attacker != nullptr ? " attacker" : "") << "\" id=\"" << escape(anchor)
        << "-e" << i << "\" data-event=\"" << i << "\" data-msg=\"" << escape(e.msg) << "\" data-from=\""
        << trace::to_string(e.from) << "\" data-status=\"" << css_name(status) << "\"";
    if (!marks.violations.empty() || !marks.warnings.empty()) {
        std::vector<std::size_t> fired = marks.violations;
        fired.insert(fired.end(), marks.warnings.begin(), marks.warnings.end());
        out << " data-rules=\"" << escape(rule_list(findings, fired)) << "\"";
    }
    if (attacker != nullptr) {
        out << " data-attacker=\"" << escape(*attacker) << "\"";
    }
    out << "><title>" << escape(tooltip(t, i, marks, status, attacker)) << "</title>";
    out << R"(<rect class="bg" x="0" y=")" << y << "\" width=\"" << kWidth << "\" height=\"" << kRowHeight
        << "\"/>";

    // Gutter: event number and time.
    out << R"(<text class="idx" x=")" << kGutterX << "\" y=\"" << y + 21 << "\">#" << i << "</text>"
        << R"(<text class="time" x=")" << kGutterX << "\" y=\"" << y + 38 << "\">" << format_seconds(e.at)
        << " s</text>";
    if (attacker != nullptr) {
        out << R"(<g class="attacker-mark"><rect x=")" << kAttackerX << "\" y=\"" << y + 16
            << R"(" width="62" height="18" rx="9"/><text x=")" << kAttackerX + 31 << "\" y=\"" << y + 29
            << "\">attacker</text></g>";
    }
    if (status == CheckStatus::failed || status == CheckStatus::warning) {
        out << R"(<g class="marker"><circle cx=")" << kMarkerX << "\" cy=\"" << y + 26
            << R"(" r="9"/><text x=")" << kMarkerX << "\" y=\"" << y + 30 << "\">!</text></g>";
    }

    // The arrow, sender to receiver, with the message above and the protection below.
    const std::size_t x1 = lane_x(lane_of(e.from), lanes);
    const std::size_t x2 = lane_x(receiver_lane(e), lanes);
    const std::size_t ya = y + 27;
    const bool right = x2 > x1;
    const std::size_t tip_base = right ? x2 - kHead : x2 + kHead;
    out << R"(<line class="arrow" x1=")" << x1 << "\" y1=\"" << ya << "\" x2=\"" << tip_base << "\" y2=\""
        << ya << R"("/><path class="head" d="M)" << x2 << " " << ya << "L" << tip_base << " " << ya - 5 << "L"
        << tip_base << " " << ya + 5 << "Z\"/>";
    const std::size_t mid = (x1 + x2) / 2;
    out << R"(<text class="msg" x=")" << mid << "\" y=\"" << y + 21 << "\">" << escape(e.msg) << "</text>";
    out << R"(<text class="sec" x=")" << mid << "\" y=\"" << y + 43 << "\">" << escape(sec_line(e.sec))
        << " \xC2\xB7 <tspan class=\"status " << css_name(status) << "\">" << to_string(status)
        << "</tspan></text>";

    // Notes column: the rules that fired (linked to their rows), else the transitions taken.
    std::string line1;
    std::string line2;
    const char* line1_class = "note";
    bool link = false;
    if (!marks.violations.empty() || !marks.warnings.empty()) {
        const auto& list = marks.violations.empty() ? marks.warnings : marks.violations;
        line1 = (marks.violations.empty() ? "\xE2\x9A\xA0 " : "\xE2\x9C\x96 ") + rule_list(findings, list);
        line1_class = marks.violations.empty() ? "note rule warn" : "note rule";
        line2 = std::string("by the ") + trace::to_string(findings[list.front()].offender);
        link = list.front() < options.linked_findings;
        if (link) {
            out << "<a href=\"#" << escape(anchor) << "-f" << list.front() << "\">";
        }
    } else if (!marks.unverified.empty()) {
        line1 = "? " + rule_list(findings, marks.unverified);
        line1_class = "note rule unv";
        line2 = findings[marks.unverified.front()].reason;
    } else {
        line1 = "send: " + (e.sender_transition.empty() ? std::string("\xE2\x80\x94") : e.sender_transition);
        line2 = "recv: " + (e.receiver_transition.empty() ? std::string("(ignored)") : e.receiver_transition);
    }
    out << "<text class=\"" << line1_class << "\" x=\"" << kNotesX << "\" y=\"" << y + 21 << "\">"
        << escape(clip(line1, kNoteChars)) << "</text>";
    if (link) {
        out << "</a>";
    }
    out << R"(<text class="note sub" x=")" << kNotesX << "\" y=\"" << y + 38 << "\">"
        << escape(clip(line2, kNoteChars + 4)) << "</text></g>\n";
}

} // namespace

const char* to_string(CheckStatus s)
{
    // One table per enum, in its order.
    static constexpr std::array<const char*, 6> kNames{"failed",   "warning",     "unverified",
                                                       "verified", "unprotected", "not logged"};
    static_assert(kNames.size() == static_cast<std::size_t>(CheckStatus::not_logged) + 1);
    return kNames.at(static_cast<std::size_t>(s));
}

const char* css_name(CheckStatus s) { return s == CheckStatus::not_logged ? "not-logged" : to_string(s); }

std::vector<EventMarks> marks_by_event(const machine::ReplayResult& replay, std::size_t event_count)
{
    std::vector<EventMarks> marks(event_count);
    for (std::size_t k = 0; k < replay.findings.size(); ++k) {
        const machine::Finding& f = replay.findings[k];
        if (f.event >= event_count) {
            continue;
        }
        EventMarks& m = marks[f.event];
        if (f.outcome == machine::Outcome::unverified) {
            m.unverified.push_back(k);
        } else if (f.outcome == machine::Outcome::violation) {
            (f.warning ? m.warnings : m.violations).push_back(k);
        }
    }
    return marks;
}

CheckStatus check_status(const checker::EventSummary& event, const EventMarks& marks)
{
    if (!marks.violations.empty()) {
        return CheckStatus::failed;
    }
    if (!marks.warnings.empty()) {
        return CheckStatus::warning;
    }
    if (!marks.unverified.empty()) {
        return CheckStatus::unverified;
    }
    switch (event.sec.kind) {
    case trace::Sec::Kind::none:
        return CheckStatus::unprotected;
    case trace::Sec::Kind::not_logged:
        return CheckStatus::not_logged;
    case trace::Sec::Kind::protected_:
        break;
    }
    // Ref: docs/trace-format.md: without the PDU (or the MAC-I) the MAC is unverifiable, never "pass".
    return event.sec.mac && event.pdu_logged ? CheckStatus::verified : CheckStatus::unverified;
}

std::vector<Lifeline> lifelines()
{
    return {{"initiator", "Initiator UE", "sends REKEYING_REQUEST"}, {"target", "Target UE", "peer UE"}};
}

std::vector<std::size_t> chart_selection(std::size_t event_count, const std::vector<EventMarks>& marks,
                                         const ChartOptions& options)
{
    std::vector<std::size_t> out;
    const std::size_t head = std::min(event_count, options.max_events);
    for (std::size_t i = 0; i < head; ++i) {
        out.push_back(i);
    }
    std::size_t windows = 0;
    for (std::size_t i = head; i < event_count && i < marks.size() && windows < options.max_violation_windows;
         ++i) {
        if (marks[i].violations.empty() && marks[i].warnings.empty()) {
            continue;
        }
        ++windows;
        const std::size_t from =
            std::max(i - std::min(i, options.violation_context), out.empty() ? 0 : out.back() + 1);
        const std::size_t to = std::min(event_count - 1, i + options.violation_context);
        for (std::size_t j = from; j <= to; ++j) {
            out.push_back(j);
        }
        i = std::max(i, to);
    }
    return out;
}

void write_chart(std::ostream& out, const std::string& anchor, const checker::TraceResult& trace,
                 const std::vector<EventMarks>& marks, const std::vector<std::size_t>& selection,
                 const ChartOptions& options)
{
    const std::vector<Lifeline> lanes = lifelines();
    const std::size_t n = trace.events.size();

    // Height: rows, plus a gap row wherever events are skipped (including after the last one drawn).
    std::size_t height = kHeadHeight + kFootHeight + 8;
    std::size_t prev = 0;
    bool first = true;
    for (const std::size_t i : selection) {
        height += (first ? i > 0 : i > prev + 1) ? kGapHeight : 0;
        height += kRowHeight;
        prev = i;
        first = false;
    }
    const bool tail_gap = selection.empty() ? n > 0 : selection.back() + 1 < n;
    height += tail_gap ? kGapHeight : 0;

    out << R"(<svg class="msc" xmlns="http://www.w3.org/2000/svg" width=")" << kWidth << "\" height=\""
        << height << "\" viewBox=\"0 0 " << kWidth << " " << height
        << R"(" role="img" aria-label="message sequence chart, )" << selection.size() << " of " << n
        << " events\" data-events=\"" << n << "\" data-drawn=\"" << selection.size() << "\">\n";

    // Lifelines behind everything, header boxes on top.
    const std::size_t foot_y = height - kFootHeight;
    for (std::size_t l = 0; l < lanes.size(); ++l) {
        const std::size_t x = lane_x(l, lanes.size());
        out << "<line class=\"lifeline lane-" << escape(lanes[l].key) << "\" x1=\"" << x << "\" y1=\""
            << kHeadHeight - 10 << "\" x2=\"" << x << "\" y2=\"" << foot_y + 4 << "\"/>";
    }
    out << "\n";

    std::size_t y = kHeadHeight;
    prev = 0;
    first = true;
    std::size_t row = 0;
    for (const std::size_t i : selection) {
        if (first ? i > 0 : i > prev + 1) {
            write_gap(out, y, first ? 0 : prev + 1, i - 1);
            y += kGapHeight;
        }
        write_event(out, anchor, trace, i, i < marks.size() ? marks[i] : EventMarks{}, y, lanes.size(),
                    row % 2 == 1, options);
        y += kRowHeight;
        prev = i;
        first = false;
        ++row;
    }
    if (tail_gap) {
        write_gap(out, y, selection.empty() ? 0 : selection.back() + 1, n - 1);
    }
    write_head(out, lanes, 6, kHeadHeight - 16, "head");
    write_head(out, lanes, foot_y + 4, kFootHeight - 10, "foot");
    out << "</svg>\n";
}

std::string format_seconds(double seconds)
{
    std::array<char, 64> buf{};
    const auto [end, ec] =
        std::to_chars(buf.data(), buf.data() + buf.size(), seconds, std::chars_format::fixed, 3);
    if (ec != std::errc{}) {
        return "?";
    }
    return {buf.data(), end};
}

} // namespace pc5check::report::html
