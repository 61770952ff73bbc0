#include "pc5check/checker/monitor.h"

#include <array>
#include <chrono>
#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace pc5check;

/// What a monitor run handed on.
class Collect final : public checker::MonitorSink {
  public:
    void finding(const machine::Finding& f) override { findings.push_back(f); }
    void bad_line(const Error& e) override { bad.push_back(e); }
    std::vector<machine::Finding> findings;
    std::vector<Error> bad;
};

/// The event-stream lines of a corpus trace: its header, then one line per event.
std::vector<std::string> stream_of(const std::string& corpus_file)
{
    std::ifstream in(std::string(PC5CHECK_SOURCE_DIR) + "/traces/" + corpus_file);
    nlohmann::json trace = nlohmann::json::parse(in);
    std::vector<std::string> lines;
    nlohmann::json header = trace;
    header.erase("events");
    lines.push_back(header.dump());
    for (const auto& ev : trace.at("events")) {
        lines.push_back(ev.dump());
    }
    return lines;
}

checker::MonitorOptions options()
{
    checker::MonitorOptions o;
    o.check.spec_dirs = {std::string(PC5CHECK_SOURCE_DIR) + "/spec"};
    return o;
}

/// A pipe whose write end a test writes to; closed when it goes.
struct Pipe {
    Pipe() { REQUIRE(::pipe(fds.data()) == 0); }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    Pipe(Pipe&&) = delete;
    Pipe& operator=(Pipe&&) = delete;
    ~Pipe()
    {
        close_write();
        ::close(fds[0]);
    }
    void write(const std::string& text) const
    {
        REQUIRE(::write(fds[1], text.data(), text.size()) == static_cast<ssize_t>(text.size()));
    }
    void close_write()
    {
        if (fds[1] >= 0) {
            ::close(fds[1]);
            fds[1] = -1;
        }
    }
    std::array<int, 2> fds{-1, -1};
};

/// Runs the monitor on `lines` (joined by newlines) written into a pipe by another thread.
checker::MonitorVerdict run(const std::vector<std::string>& lines, Collect& sink,
                            const checker::MonitorOptions& o = options())
{
    Pipe pipe;
    std::thread writer([&] {
        for (const auto& l : lines) {
            pipe.write(l + "\n");
        }
        pipe.close_write();
    });
    auto verdict = checker::monitor(pipe.fds[0], "s", o, sink);
    writer.join();
    return verdict;
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("monitor: a violating stream gives check's finding at its event, then the verdict")
    {
        Collect sink;
        const auto v = run(stream_of("ts33536-r17/viol-smc-echo-caps.json"), sink);
        REQUIRE(sink.findings.size() == 1);
        CHECK(sink.findings[0].rule == "SMC_ECHO_CAPS");
        CHECK(sink.findings[0].event == 4);
        CHECK(sink.findings[0].position.line == 6);
        CHECK(v.verdict == "violation");
        CHECK(v.rules == std::vector<std::string>{"SMC_ECHO_CAPS"});
        CHECK(checker::exit_code(v) == 1);
        CHECK_FALSE(v.open);
    }

    TEST_CASE("monitor: a stream cut in the middle of a re-keying names the UE that owes the next message")
    {
        // Cut after each message of the procedure (Ref: TS 24.554 7.2.10-7.2.12; TR 33.847 6.7): the
        // peer of its sender owes the messages its send transitions allow from where it stands.
        struct Cut {
            std::size_t event; ///< the last event of the cut stream
            std::string msg;
            trace::Role owes;
            std::string note;
        };
        const std::string auth_or_smc = "the target owes AUTH_REQUEST, AUTH_REJECT, AUTH_FAILURE or "
                                        "SECURITY_MODE_COMMAND";
        const std::string auth_answer = "the initiator owes AUTH_RESPONSE, AUTH_REJECT or AUTH_FAILURE";
        const std::vector<std::pair<std::string, std::vector<Cut>>> traces{
            {"ts33536-r17/conform-reauth.json",
             {{2, "REKEYING_REQUEST", trace::Role::target, auth_or_smc},
              {4, "AUTH_REQUEST", trace::Role::initiator, auth_answer},
              {5, "AUTH_RESPONSE", trace::Role::target, auth_or_smc},
              {6, "SECURITY_MODE_COMMAND", trace::Role::initiator,
               "the initiator owes SECURITY_MODE_COMPLETE or SECURITY_MODE_REJECT"},
              {8, "SECURITY_MODE_COMPLETE", trace::Role::target, "the target owes REKEYING_RESPONSE"}}},
            {"tr33847-sol/seed-conform-reauth.json",
             {{2, "REKEYING_REQUEST", trace::Role::target, auth_or_smc},
              {4, "AUTH_REQUEST", trace::Role::initiator, auth_answer},
              {5, "AUTH_RESPONSE", trace::Role::target, auth_or_smc},
              {6, "SECURITY_MODE_COMMAND", trace::Role::initiator,
               "the initiator owes SECURITY_MODE_COMPLETE"},
              {8, "SECURITY_MODE_COMPLETE", trace::Role::target, "the target owes REKEYING_ACCEPT"}}},
        };
        for (const auto& entry : traces) {
            const std::string& file = entry.first; // not a structured binding: CAPTURE's lambda reads it
            const std::vector<Cut>& cuts = entry.second;
            CAPTURE(file);
            const auto lines = stream_of(file);
            Collect sink;
            const auto whole = run(lines, sink);
            CHECK(whole.verdict == "conforms");
            CHECK_FALSE(whole.open);
            for (const Cut& cut : cuts) {
                CAPTURE(cut.msg);
                REQUIRE(nlohmann::json::parse(lines[cut.event + 1]).at("msg") == cut.msg);
                const auto v =
                    run({lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(cut.event + 2)}, sink);
                CHECK(v.verdict == "inconclusive");
                CHECK(checker::exit_code(v) == 1);
                REQUIRE(v.open);
                REQUIRE(v.owes);
                CHECK(*v.owes == cut.owes);
                CHECK(v.note.find(cut.note) != std::string::npos);
                // Only the UE whose turn it is is named.
                const std::string other =
                    cut.owes == trace::Role::initiator ? "the target owes" : "the initiator owes";
                CHECK(v.note.find(other) == std::string::npos);
            }
        }
    }

    TEST_CASE("monitor: describe_open names every UE with a message to send when the turn is not known")
    {
        std::array<machine::RoleStanding, 2> standing{};
        standing[0] = {trace::Role::initiator, "WAIT_SMC", false, {"AUTH_RESPONSE"}};
        standing[1] = {trace::Role::target, "REQ_RECEIVED", false, {"SECURITY_MODE_COMMAND"}};
        CHECK(checker::describe_open(standing, std::nullopt) ==
              "procedure left open (initiator in WAIT_SMC, target in REQ_RECEIVED): the initiator owes "
              "AUTH_RESPONSE; the target owes SECURITY_MODE_COMMAND");
        CHECK(checker::describe_open(standing, trace::Role::target) ==
              "procedure left open (initiator in WAIT_SMC, target in REQ_RECEIVED): the target owes "
              "SECURITY_MODE_COMMAND");
        standing[0].next.clear();
        standing[1].next.clear();
        CHECK(checker::describe_open(standing, std::nullopt).find("no message of either UE") !=
              std::string::npos);
    }

    TEST_CASE(
        "monitor: bad lines are reported with their line, use up an event index, and the stream goes on")
    {
        auto lines = stream_of("ts33536-r17/viol-smc-echo-caps.json");
        lines.insert(lines.begin() + 2, R"({"from": "initiator", "msg": "NOPE"})");
        lines.insert(lines.begin() + 2, "");
        Collect sink;
        auto v = run(lines, sink);
        REQUIRE(sink.bad.size() == 1);
        CHECK(sink.bad[0].line == 4);
        CHECK(sink.bad[0].json_pointer == "/events/1/msg");
        REQUIRE(sink.findings.size() == 1);
        CHECK(sink.findings[0].event == 5);
        CHECK(v.verdict == "bad-input");
        CHECK(checker::exit_code(v) == 2);

        Collect stopped;
        auto o = options();
        o.stop_on_error = true;
        v = run(lines, stopped, o);
        CHECK(v.stopped);
        CHECK(v.events == 2);
        CHECK(stopped.findings.empty());
    }

    TEST_CASE("monitor: a readable stop descriptor ends a wait for a stalled writer")
    {
        const auto lines = stream_of("ts33536-r17/conform-plain.json");
        Pipe input;
        Pipe stop;
        for (std::size_t i = 0; i < 4; ++i) {
            input.write(lines[i] + "\n");
        }
        std::thread signal([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            stop.write("x");
        });
        Collect sink;
        const auto v = checker::monitor(input.fds[0], "s", options(), sink, stop.fds[0]);
        signal.join();
        CHECK(v.interrupted);
        CHECK(v.events == 3);
        CHECK(v.verdict == "inconclusive");
        CHECK(checker::exit_code(v) == 1);
    }

    TEST_CASE("monitor: no header, a bad header, an unknown spec: nothing is checked, bad input")
    {
        Collect sink;
        auto v = run({}, sink);
        CHECK(v.verdict == "bad-input");
        REQUIRE(v.error);
        CHECK(v.error->message.find("found an empty stream") != std::string::npos);
        v = run({R"({"format": "pc5-trace/1", "spec": "nope", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}})"},
                sink);
        REQUIRE(v.error);
        CHECK(v.error->json_pointer == "/spec");
        CHECK(checker::exit_code(v) == 2);
    }
}
