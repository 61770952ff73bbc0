/// \file `pc5check monitor`: see monitor_command.h. Findings go to stdout as they are found, one JSON
/// line each (or text on a terminal), flushed at once; the verdict comes last.

#include "monitor_command.h"

#include "common.h"
#include "pc5check/checker/monitor.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace pc5check::cli {

namespace {

using Json = nlohmann::ordered_json;

int g_stop_write = -1;                   ///< write end of StopSignals' pipe
volatile std::sig_atomic_t g_signal = 0; ///< the signal that stopped the run

void on_stop_signal(int signal)
{
    g_signal = signal;
    const char byte = 1;
    const ssize_t written = ::write(g_stop_write, &byte, 1); // async-signal-safe; a full pipe is fine
    static_cast<void>(written);
}

/// SIGINT and SIGTERM end a run cleanly: their handler writes to a pipe the reader waits on beside the
/// stream, so a stalled writer does not keep the run from ending. A second signal takes the default
/// action (SA_RESETHAND): a run can still be killed outright.
class StopSignals {
  public:
    StopSignals()
    {
        std::array<int, 2> fds{-1, -1};
        if (::pipe2(fds.data(), O_CLOEXEC | O_NONBLOCK) != 0) {
            return; // no clean stop then: the signals keep their default action
        }
        read_fd_ = fds[0];
        g_stop_write = fds[1];
        struct sigaction action {};
        action.sa_handler = on_stop_signal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = static_cast<int>(SA_RESETHAND); // no SA_RESTART: a blocked open() returns EINTR
        ::sigaction(SIGINT, &action, &old_int_);
        ::sigaction(SIGTERM, &action, &old_term_);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;
    StopSignals(StopSignals&&) = delete;
    StopSignals& operator=(StopSignals&&) = delete;
    ~StopSignals()
    {
        if (read_fd_ < 0) {
            return;
        }
        ::sigaction(SIGINT, &old_int_, nullptr);
        ::sigaction(SIGTERM, &old_term_, nullptr);
        ::close(g_stop_write);
        ::close(read_fd_);
        g_stop_write = -1;
    }
    [[nodiscard]] int fd() const { return read_fd_; }
    [[nodiscard]] static std::string signal_name()
    {
        return g_signal == SIGINT ? "SIGINT" : g_signal == SIGTERM ? "SIGTERM" : "a signal";
    }

  private:
    int read_fd_ = -1;
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

Json clauses_json(const std::vector<spec::ClauseRef>& clauses)
{
    Json out = Json::array();
    for (const auto& c : clauses) {
        Json j{{"doc", c.doc}, {"clause", c.clause}};
        if (!c.release.empty()) {
            j["release"] = c.release;
        }
        if (!c.note.empty()) {
            j["note"] = c.note;
        }
        out.push_back(std::move(j));
    }
    return out;
}

const char* finding_kind(const machine::Finding& f)
{
    return f.outcome == machine::Outcome::unverified ? "unverified" : f.warning ? "warning" : "violation";
}

Json standing_json(const std::array<machine::RoleStanding, 2>& standing)
{
    Json out = Json::object();
    for (const auto& role : standing) {
        out[trace::to_string(role.role)] = Json{{"state", role.state}, {"next", role.next}};
    }
    return out;
}

/// One JSON line per finding, bad line and the verdict (docs/cli.md, `monitor`).
class JsonLines final : public checker::MonitorSink {
  public:
    void finding(const machine::Finding& f) override
    {
        Json j{{"type", finding_kind(f)},
               {"rule", f.rule},
               {"event", f.event},
               {"msg", f.msg},
               {"offender", trace::to_string(f.offender)}};
        if (f.position.line != 0) {
            j["position"] = Json{{"line", f.position.line}, {"column", f.position.column}};
        }
        j["clauses"] = clauses_json(f.clauses);
        j["text"] = f.rule_text;
        j["expected"] = f.expected;
        j["observed"] = f.observed;
        if (f.outcome == machine::Outcome::unverified) {
            j["reason"] = f.reason;
        }
        write(j);
    }
    void bad_line(const Error& e) override
    {
        write(Json{{"type", "bad-line"},
                   {"line", e.line},
                   {"column", e.column},
                   {"pointer", e.json_pointer},
                   {"message", e.message},
                   {"error", e.to_string()}});
        std::cerr << "pc5check: " << e.to_string() << "\n"; // for the person watching
    }
    static void verdict(const checker::MonitorVerdict& v)
    {
        Json j{{"type", "verdict"},        {"file", v.file},
               {"verdict", v.verdict},     {"events", v.events},
               {"rules", v.rules},         {"violations", v.violations},
               {"warnings", v.warnings},   {"unverified", v.unverified},
               {"bad_lines", v.bad_lines}, {"interrupted", v.interrupted}};
        j["open"] = v.open ? standing_json(*v.open) : Json(nullptr);
        j["owes"] = v.open && v.owes ? Json{{"role", trace::to_string(*v.owes)},
                                            {"messages", (*v.open)[static_cast<std::size_t>(*v.owes)].next}}
                                     : Json(nullptr);
        j["note"] = v.note;
        if (v.error) {
            j["error"] = v.error->to_string();
        }
        write(j);
    }

  private:
    static void write(const Json& j) { std::cout << j.dump() << std::endl; } // flushed: seen at once
};

/// The same for a person at a terminal.
class TextLines final : public checker::MonitorSink {
  public:
    explicit TextLines(bool color) : color_(color) {}
    void finding(const machine::Finding& f) override
    {
        const bool violation = f.outcome == machine::Outcome::violation && !f.warning;
        std::cout << paint(std::string(finding_kind(f)) + " ", violation ? "31" : "33") << paint(f.rule, "1")
                  << " at event " << f.event << " (" << f.msg << ") by the " << trace::to_string(f.offender)
                  << (f.position.line != 0 ? ", line " + std::to_string(f.position.line) : "") << "\n"
                  << "    " << spec::to_string(f.clauses) << ": " << f.rule_text << "\n";
        if (f.outcome == machine::Outcome::unverified) {
            std::cout << "    " << f.reason << std::endl;
            return;
        }
        std::cout << "    expected " << f.expected << ", observed " << f.observed << std::endl;
    }
    void bad_line(const Error& e) override
    {
        std::cout << paint("bad line ", "31") << e.to_string() << std::endl;
    }
    void verdict(const checker::MonitorVerdict& v) const
    {
        const char* colour = v.verdict == "conforms" ? "32" : v.verdict == "inconclusive" ? "33" : "1;31";
        std::cout << v.file << ": " << paint(v.verdict, colour) << "  " << v.note << std::endl;
    }

  private:
    [[nodiscard]] std::string paint(const std::string& text, const char* code) const
    {
        return color_ ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
    }
    bool color_;
};

/// The stream to read: standard input for `-`, else the file (a FIFO's open waits for its writer).
Expected<int> open_input(const std::string& input)
{
    if (input == trace::kStandardInputPath) {
        return 0;
    }
    const int fd = ::open(input.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return make_file_error(ErrorCode::io, input,
                               "cannot read file: " + std::generic_category().message(errno));
    }
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        ::close(fd);
        return make_file_error(ErrorCode::io, input,
                               "cannot read file: it is a directory; expected one stream");
    }
    return fd;
}

Expected<checker::MonitorOptions> monitor_options(const MonitorCommand& cmd)
{
    auto params = parse_params(cmd.params);
    if (!params) {
        return tl::make_unexpected(params.error());
    }
    checker::MonitorOptions options;
    options.check.spec_file = cmd.spec_file;
    options.check.parameters = *params;
    options.check.spec_dirs = default_spec_dirs(cmd.spec_dirs);
    options.check.limits = cmd.limits;
    options.check.spec_limits.max_nesting = cmd.limits.max_nesting;
    options.check.spec_limits.max_number_chars = cmd.limits.max_number_chars;
    options.check.attacker_steps = cmd.attacker_steps;
    const bool json_name = std::filesystem::path(cmd.input).extension() == ".json";
    options.format = cmd.input_format == "json" || (cmd.input_format.empty() && json_name)
                         ? trace::InputFormat::json
                         : trace::InputFormat::jsonl;
    options.stop_on_error = cmd.stop_on_error;
    options.unverified = cmd.verbose;
    return options;
}

} // namespace

int run_monitor(const MonitorCommand& cmd)
{
    auto options = monitor_options(cmd);
    if (!options) {
        return fail(options.error());
    }
    const StopSignals signals;
    const std::string name =
        cmd.input == trace::kStandardInputPath ? std::string(trace::kStandardInputName) : cmd.input;
    checker::MonitorVerdict verdict;
    const bool text = cmd.format == "text" || (cmd.format.empty() && ::isatty(1) != 0);
    JsonLines json;
    TextLines lines(text && !cmd.no_color && std::getenv("NO_COLOR") == nullptr && ::isatty(1) != 0);
    checker::MonitorSink& sink = text ? static_cast<checker::MonitorSink&>(lines) : json;
    Expected<int> fd = open_input(cmd.input);
    if (!fd && g_signal != 0) {
        verdict.file = name;
        verdict.verdict = "inconclusive";
        verdict.interrupted = true;
        verdict.note = "before the stream was opened";
    } else if (!fd) {
        return fail(fd.error());
    } else {
        verdict = checker::monitor(*fd, name, *options, sink, signals.fd());
        if (*fd != 0) {
            ::close(*fd);
        }
    }
    if (verdict.interrupted) {
        verdict.note = "stopped by " + StopSignals::signal_name() + ": " + verdict.note;
    }
    if (verdict.error) {
        std::cerr << "pc5check: " << verdict.error->to_string() << "\n";
    }
    if (text) {
        lines.verdict(verdict);
    } else {
        JsonLines::verdict(verdict);
    }
    return checker::exit_code(verdict);
}

CLI::App* add_monitor_command(CLI::App& app, MonitorCommand& cmd)
{
    auto* sub = app.add_subcommand(
        "monitor",
        "Check one trace while it is written: a header line, then one event per line, from a file, "
        "a FIFO or standard input; each finding is printed as soon as its event is read");
    sub->add_option("stream", cmd.input,
                    "the event stream: a file, a FIFO, or - for standard input (default)");
    sub->add_option("--spec", cmd.spec_file, "spec file to use instead of the trace's `spec`");
    sub->add_option("--spec-dir", cmd.spec_dirs, "directory holding <spec id>.json files (repeatable)");
    sub->add_option("--param", cmd.params, "override a spec parameter: ID=VALUE (repeatable)");
    sub->add_option("--format", cmd.format,
                    "output: json (one JSON line per finding) or text; default: text on a "
                    "terminal, json otherwise")
        ->check(CLI::IsMember({"text", "json"}));
    sub->add_option("--input-format", cmd.input_format,
                    "jsonl (an event stream; the default) or json (one whole trace document; the default for "
                    "*.json)")
        ->check(CLI::IsMember({"json", "jsonl"}));
    sub->add_flag("--stop-on-error", cmd.stop_on_error,
                  "end the run at the first bad line (default: report it, go on)");
    sub->add_flag("-v,--verbose", cmd.verbose, "also print every unverified check as it is found");
    sub->add_flag("--no-color", cmd.no_color, "no ANSI colours (also: NO_COLOR set, or not a TTY)");
    sub->add_flag(
        "--attacker-steps", cmd.attacker_steps,
        "honour the header's attacker_steps (counterexamples of prove); never use it on vendor traces");
    sub->add_option(
        "--max-file-bytes", cmd.limits.max_file_bytes,
        "limit: bytes of one line, or of the document with --input-format json (default 1073741824)");
    sub->add_option("--max-nesting", cmd.limits.max_nesting, "limit: JSON nesting depth (default 100)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
    sub->add_option("--max-number-chars", cmd.limits.max_number_chars,
                    "limit: characters of one JSON number (default 40)");
    sub->add_option("--max-ies", cmd.limits.max_ies, "limit: IEs per event (default 64)");
    sub->add_option("--max-hex-digits", cmd.limits.max_hex_digits,
                    "limit: hex digits of one pdu or IE value (default 1048576)");
    sub->footer(
        "Examples:\n  capture-tool --pc5-events | pc5check monitor -\n"
        "  mkfifo /tmp/pc5 && pc5check monitor /tmp/pc5 --format json > findings.jsonl\n"
        "  python3 docs/examples/lab_replay.py traces/ts33536-r17/viol-order.json | pc5check monitor");
    return sub;
}

} // namespace pc5check::cli
