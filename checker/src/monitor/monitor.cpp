/// \file `pc5check monitor` (pc5check/checker/monitor.h): the stream read line by line, each event
/// replayed by the reference machine as it comes, the findings handed on at once.

#include "pc5check/checker/monitor.h"

#include "monitor/line_reader.h"
#include "pc5check/trace/event_stream.h"

#include <algorithm>
#include <memory>
#include <set>
#include <utility>

namespace pc5check::checker {

namespace {

using detail::LineReader;

/// An error about the stream `name` at line `line` (no column).
Error line_error(ErrorCode code, const std::string& name, std::size_t line, std::string message)
{
    Error e;
    e.code = code;
    e.file = name;
    e.line = line;
    e.message = std::move(message);
    return e;
}

/// "; 1 violation(s) found so far (SMC_ECHO_CAPS)" (empty when none was found).
std::string found_so_far(const MonitorVerdict& v)
{
    if (v.violations == 0) {
        return "";
    }
    std::string rules;
    for (const std::string& r : v.rules) {
        rules += (rules.empty() ? "" : ", ") + r;
    }
    return "; " + std::to_string(v.violations) + " violation(s) found so far (" + rules + ")";
}

/// One trace checked as its events come: the spec and the replay of `check`, findings reported as
/// they are found and then dropped.
class StreamCheck {
  public:
    StreamCheck(const MonitorOptions& options, const std::string& name, MonitorSink& sink)
        : options_(options), specs_(options.check), sink_(sink)
    {
        verdict_.file = name;
    }

    /// Starts the replay of `header` (its events are fed next). An error makes the stream bad input.
    [[nodiscard]] bool start(trace::Trace header)
    {
        header_ = std::make_unique<trace::Trace>(std::move(header));
        std::vector<trace::Event> first = std::move(header_->events);
        header_->events.clear();
        auto spec = specs_.lookup(header_->spec);
        if (!spec) {
            Error e = spec.error();
            if (e.file.empty()) {
                e.file = header_->file;
                e.line = header_->line;
                e.json_pointer = "/spec";
            }
            fail(std::move(e));
            return false;
        }
        auto replayer = machine::Replayer::start(specs_.program(header_->spec), *header_, false,
                                                 options_.check.attacker_steps);
        if (!replayer) {
            fail(replayer.error());
            return false;
        }
        replayer_.emplace(std::move(*replayer));
        rest_messages_ = rest_messages(**spec);
        for (const trace::Event& ev : first) {
            feed(ev);
        }
        return true;
    }

    /// Checks the next event of the stream (event `verdict().events`).
    void feed(const trace::Event& ev)
    {
        const std::size_t index = verdict_.events++;
        previous_at_ = ev.at;
        if (auto within = trace::check_event_limits(*header_, ev, index, options_.check.limits); !within) {
            bad_line(within.error());
            return;
        }
        if (auto fed = replayer_->feed(ev); !fed) {
            bad_line(fed.error()); // the machine is as before the event: the stream goes on
            return;
        }
        if (std::none_of(rest_messages_.begin(), rest_messages_.end(),
                         [&](const auto& rest) { return rest.first == ev.from && rest.second == ev.msg; })) {
            // Ref: TS 24.554 7.2.10-7.2.12; each message of the procedure answers the peer's, so the
            // peer of its sender speaks next (DATA, which either UE may send at rest, does not count).
            turn_ = ev.from == trace::Role::initiator ? trace::Role::target : trace::Role::initiator;
        }
        replayer_->take_findings(findings_, assumptions_);
        for (machine::Finding& f : findings_) {
            f.event = index; // the replay does not count the bad lines
            count(f);
            if (f.outcome != machine::Outcome::unverified || options_.unverified) {
                sink_.finding(f);
            }
        }
    }

    /// Reports a line that was not checked (an event index is used up all the same when `event`).
    void bad_line(const Error& e, bool event = false)
    {
        verdict_.events += event ? 1 : 0;
        ++verdict_.bad_lines;
        sink_.bad_line(e);
    }

    /// The stream cannot be checked at all: nothing is, and `e` is the verdict's error.
    void fail(Error e) { verdict_.error = std::move(e); }

    [[nodiscard]] std::size_t next_index() const { return verdict_.events; }
    [[nodiscard]] double previous_at() const { return previous_at_; }
    [[nodiscard]] const trace::Trace& header() const { return *header_; }
    [[nodiscard]] bool has_bad_lines() const { return verdict_.bad_lines != 0; }

    /// The verdict of the stream so far; `interrupted`: it did not end, `stopped`: --stop-on-error.
    [[nodiscard]] MonitorVerdict finish(bool interrupted, bool stopped) &&
    {
        MonitorVerdict& v = verdict_;
        v.interrupted = interrupted;
        v.stopped = stopped;
        v.rules.assign(rules_.begin(), rules_.end());
        if (v.error) {
            v.verdict = "bad-input";
            v.note = "nothing was checked: " + v.error->to_string();
            return std::move(v);
        }
        if (!replayer_ && interrupted) {
            v.verdict = "inconclusive";
            v.note = "interrupted before the header line";
            return std::move(v);
        }
        if (!replayer_) {
            v.verdict = "bad-input";
            v.error =
                line_error(ErrorCode::bad_input, v.file, 0,
                           "expected a pc5-trace/1 header line (the trace without its events), found " +
                               std::string(v.bad_lines != 0 ? "an unreadable stream" : "an empty stream"));
            v.note = "nothing was checked: " + v.error->to_string();
            return std::move(v);
        }
        if (const auto standing = replayer_->standing(); !standing[0].at_rest || !standing[1].at_rest) {
            v.open = standing;
            if (turn_ && !standing[static_cast<std::size_t>(*turn_)].next.empty()) {
                v.owes = turn_;
            }
        }
        const std::string open = v.open ? "; " + describe_open(*v.open, v.owes) : "";
        const std::string events = std::to_string(v.events) + " event(s)";
        if (v.bad_lines != 0) {
            v.verdict = "bad-input";
            v.note = std::to_string(v.bad_lines) + " bad line(s) in " + events +
                     (stopped ? "; stopped at the first (--stop-on-error)" : "") + open;
        } else if (interrupted) {
            // The stream was cut, so the verdict on the whole is open; what was found stays found.
            v.verdict = "inconclusive";
            v.note = "interrupted after " + events + ", before the stream ended" + found_so_far(v) + open;
        } else if (v.violations != 0) {
            v.verdict = "violation";
            v.note = std::to_string(v.violations) + " violation(s) in " + events + open;
        } else if (v.open) {
            v.verdict = "inconclusive";
            v.note = "the stream ended in the middle of a procedure after " + events + open;
        } else {
            v.verdict = "conforms";
            v.note = events + (v.unverified != 0 ? ", " + std::to_string(v.unverified) +
                                                       " check(s) unverified (values the stream leaves open)"
                                                 : "");
        }
        return std::move(v);
    }

  private:
    /// The messages a role may send at rest without leaving its starting state (DATA): they do not
    /// answer the peer, so they do not pass the turn.
    static std::vector<std::pair<trace::Role, std::string>> rest_messages(const spec::Spec& spec)
    {
        std::vector<std::pair<trace::Role, std::string>> out;
        for (const trace::Role role : {trace::Role::initiator, trace::Role::target}) {
            const std::string name = trace::to_string(role);
            const std::string& rest = spec.control_states.at(name).front();
            for (const spec::Transition& t : spec.transitions) {
                const bool at_rest =
                    t.from.empty() || std::find(t.from.begin(), t.from.end(), rest) != t.from.end();
                if (t.role != name || t.dir != spec::Direction::send || !at_rest ||
                    (!t.to.empty() && t.to != rest)) {
                    continue;
                }
                for (const std::string& msg : t.on) {
                    out.emplace_back(role, msg);
                }
            }
        }
        return out;
    }

    void count(const machine::Finding& f)
    {
        if (f.outcome == machine::Outcome::unverified) {
            ++verdict_.unverified;
            return;
        }
        rules_.insert(f.rule);
        ++(f.warning ? verdict_.warnings : verdict_.violations);
    }

    const MonitorOptions& options_;
    SpecCache specs_;
    MonitorSink& sink_;
    std::unique_ptr<trace::Trace> header_; ///< on the heap: the replay keeps a pointer to it
    std::optional<machine::Replayer> replayer_;
    std::vector<machine::Finding> findings_; ///< the last event's (reused)
    std::vector<std::string> assumptions_;   ///< the last event's (reused; monitor does not list them)
    std::set<std::string> rules_;
    std::vector<std::pair<trace::Role, std::string>> rest_messages_; ///< rest_messages() of the spec
    std::optional<trace::Role> turn_; ///< the peer of the sender of the procedure's last message
    double previous_at_ = 0.0;
    MonitorVerdict verdict_;
};

std::string too_long_message(std::uint64_t limit, const char* what)
{
    return std::string("expected ") + what + " of at most " + std::to_string(limit) +
           " bytes (limit --max-file-bytes), found more";
}

/// Whether the read can go on after `status`; a failed read is the stream's error.
bool readable(LineReader::Status status, const LineReader& reader, const std::string& name,
              StreamCheck& check)
{
    if (status == LineReader::Status::failed) {
        check.bad_line(line_error(ErrorCode::io, name, reader.line_number() + 1,
                                  "cannot read the stream: " + reader.error()));
    }
    return status == LineReader::Status::line || status == LineReader::Status::too_long;
}

/// The whole document from `reader` (--input-format json), then its events.
MonitorVerdict monitor_document(LineReader& reader, const std::string& name, const MonitorOptions& options,
                                StreamCheck& check)
{
    std::string text;
    const LineReader::Status status = reader.read_rest(text);
    if (status == LineReader::Status::too_long) {
        check.fail(line_error(ErrorCode::limit, name, 0,
                              too_long_message(options.check.limits.max_file_bytes, "a trace document")));
    } else if (status == LineReader::Status::failed) {
        check.fail(line_error(ErrorCode::io, name, 0, "cannot read: " + reader.error()));
    } else if (status == LineReader::Status::line) {
        auto doc = trace::parse_trace(text, name, 1, options.check.limits);
        if (!doc) {
            check.fail(doc.error());
        } else {
            static_cast<void>(check.start(std::move(*doc)));
        }
    }
    return std::move(check).finish(status == LineReader::Status::stopped, false);
}

} // namespace

MonitorVerdict monitor(int fd, const std::string& name, const MonitorOptions& options, MonitorSink& sink,
                       int stop_fd)
{
    const trace::Limits& limits = options.check.limits;
    LineReader reader(fd, stop_fd, limits.max_file_bytes);
    StreamCheck check(options, name, sink);
    if (options.format == trace::InputFormat::json) {
        return monitor_document(reader, name, options, check);
    }
    std::string line;
    LineReader::Status status = LineReader::Status::line;
    bool started = false;
    bool stopped = false;
    while (!stopped && readable(status = reader.next(line), reader, name, check)) {
        const std::size_t number = reader.line_number();
        if (status == LineReader::Status::too_long) {
            const Error e =
                line_error(ErrorCode::limit, name, number, too_long_message(limits.max_file_bytes, "a line"));
            if (!started) {
                check.fail(e);
                break;
            }
            check.bad_line(e, true);
            stopped = options.stop_on_error;
            continue;
        }
        if (line.find_first_not_of(" \t\r") == std::string::npos) { // JSON whitespace only
            continue;
        }
        if (!started) {
            started = true;
            auto header = trace::parse_stream_header(line, name, number, limits);
            if (!header) {
                check.fail(header.error());
                break;
            }
            if (!check.start(std::move(*header))) {
                break;
            }
            continue;
        }
        auto ev =
            trace::parse_stream_event(line, name, number, check.next_index(), check.previous_at(), limits);
        if (!ev) {
            check.bad_line(ev.error(), true);
            stopped = options.stop_on_error;
            continue;
        }
        check.feed(*ev);
        stopped = options.stop_on_error && check.has_bad_lines();
    }
    return std::move(check).finish(status == LineReader::Status::stopped, stopped);
}

std::string describe_open(const std::array<machine::RoleStanding, 2>& standing,
                          std::optional<trace::Role> owes)
{
    std::string text;
    for (const machine::RoleStanding& role : standing) {
        if (role.next.empty() || (owes && role.role != *owes)) {
            continue;
        }
        std::string messages;
        for (std::size_t i = 0; i < role.next.size(); ++i) {
            messages += (i == 0 ? "" : i + 1 == role.next.size() ? " or " : ", ") + role.next[i];
        }
        text += std::string(text.empty() ? "" : "; ") + "the " + trace::to_string(role.role) + " owes " +
                messages;
    }
    return "procedure left open (initiator in " + standing[0].state + ", target in " + standing[1].state +
           "): " + (text.empty() ? "no message of either UE would take it on" : text);
}

int exit_code(const MonitorVerdict& verdict)
{
    if (verdict.verdict == "bad-input") {
        return 2;
    }
    return verdict.verdict == "conforms" ? 0 : 1;
}

} // namespace pc5check::checker
