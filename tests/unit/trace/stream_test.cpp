#include "pc5check/trace/trace.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using pc5check::trace::Event;
using pc5check::trace::parse_trace;
using pc5check::trace::Trace;
using pc5check::trace::TraceStream;

namespace {

/// A file in the temporary directory, removed at scope exit.
class TempFile {
  public:
    explicit TempFile(const std::string& name)
        : path_(fs::temp_directory_path() /
                ("pc5check-stream-test-" + std::to_string(std::random_device{}()) + "-" + name))
    {
    }
    ~TempFile()
    {
        std::error_code ec;
        fs::remove(path_, ec);
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    TempFile(TempFile&&) = delete;
    TempFile& operator=(TempFile&&) = delete;

    [[nodiscard]] const std::string& write(const std::string& content)
    {
        std::ofstream(path_, std::ios::binary) << content;
        text_ = path_.string();
        return text_;
    }

  private:
    fs::path path_;
    std::string text_;
};

[[nodiscard]] std::string read(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Everything parse_trace gives for an event, as one comparable string.
[[nodiscard]] std::string describe(const Event& e)
{
    std::string out = std::to_string(e.at) + " " + pc5check::trace::to_string(e.from) + " " + e.msg + " " +
                      e.ie.to_json().dump() + " " + e.pointer + " " + std::to_string(e.position.line) + ":" +
                      std::to_string(e.position.column);
    for (const auto& [name, p] : e.ie.positions()) {
        out += " " + name + "@" + std::to_string(p.line) + ":" + std::to_string(p.column);
    }
    return out;
}

/// The trace as written back, plus what the writer leaves out (file, line, event positions).
[[nodiscard]] std::string describe(const Trace& t)
{
    std::string out = t.file + ":" + std::to_string(t.line) + " " + pc5check::trace::to_json(t).dump();
    for (const Event& e : t.events) {
        out += "\n" + describe(e);
    }
    return out;
}

/// The trace the stream gives (header plus events), or nullopt when it does not stream.
[[nodiscard]] std::optional<Trace> stream_whole(const std::string& path)
{
    std::optional<TraceStream> stream = TraceStream::open(path);
    if (!stream) {
        return std::nullopt;
    }
    Trace t = stream->header();
    CHECK(t.events.empty());
    while (std::optional<Event> e = stream->next()) {
        t.events.push_back(std::move(*e));
    }
    CHECK(stream->events() == t.events.size());
    if (stream->failed()) {
        return std::nullopt;
    }
    return t;
}

/// The contract of TraceStream: a document streams to its end exactly when parse_trace reads it, and
/// then gives the same trace (values, pointers, positions).
void check_same_as_whole(const std::string& path)
{
    INFO(path);
    const auto whole = parse_trace(read(path), path, 1);
    const std::optional<Trace> streamed = stream_whole(path);
    CHECK_MESSAGE(whole.has_value() == streamed.has_value(), (whole ? "" : whole.error().to_string()));
    if (whole && streamed) {
        CHECK(describe(*streamed) == describe(*whole));
    }
}

[[nodiscard]] std::vector<std::string> files_under(const char* dir)
{
    std::vector<std::string> out;
    for (const auto& entry :
         fs::recursive_directory_iterator(std::string(PC5CHECK_SOURCE_DIR) + "/" + std::string(dir))) {
        if (entry.is_regular_file() && entry.path().extension() == ".json") {
            out.push_back(entry.path().string());
        }
    }
    return out;
}

constexpr const char* kSmall =
    R"({"format": "pc5-trace/1", "spec": "ts33536-r17", "title": "t\u00e9st ü", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2},
"events": [{"from": "initiator", "msg": "DATA", "ie": {"a": 1, "b": {"c": [1, 2]}}},
   {"at": 1.5, "from": "target", "msg": "RELEASE", "sec": "none", "pdu": "00ff"},
   {"from": "target", "msg": "DATA"}], "expect": {"verdict": "conforms"}})";

} // namespace

TEST_SUITE("trace")
{
    TEST_CASE("stream: every shipped .json trace streams to the trace parse_trace reads")
    {
        std::size_t files = 0;
        for (const char* dir : {"traces", "tests/data/trace", "tests/data/external"}) {
            for (const std::string& path : files_under(dir)) {
                check_same_as_whole(path);
                ++files;
            }
        }
        CHECK(files > 40);
    }

    TEST_CASE("stream: bad inputs do not stream, and everything else streams as read whole")
    {
        for (const char* dir : {"tests/bad-input/files", "tests/data/bad"}) {
            for (const std::string& path : files_under(dir)) {
                check_same_as_whole(path);
            }
        }
    }

    TEST_CASE("stream: key order, byte order mark, CRLF, columns of non-ASCII text")
    {
        TempFile f("layout.json");
        const std::string small = kSmall;
        const std::vector<std::string> layouts = {
            small,
            // `events` first and last (nlohmann writers sort keys: `events` before `link`)
            R"({"events": [{"from": "initiator", "msg": "DATA"}, {"from": "target", "msg": "DATA", "ie": {"x": "é"}}],
 "format": "pc5-trace/1", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "spec": "ts33536-r17"})",
            R"({"format": "pc5-trace/1", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "spec": "ts33536-r17", "vendor": {"events": [1]},
                "events" : [ ] })",
            "\xEF\xBB\xBF" + small,
            "\r\n  " + small + "\r\n",
            R"({"\u0065vents": [{"from": "initiator", "msg": "DATA"}], "format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}})",
        };
        for (const std::string& text : layouts) {
            check_same_as_whole(f.write(text));
        }
    }

    TEST_CASE("stream: brackets, quotes and backslashes in strings, across the reader's 64 KiB buffers")
    {
        // IE strings full of what the cutter must not take for structure, in enough events that the
        // buffer boundaries fall inside strings, escapes and numbers.
        TempFile f("tricky.json");
        std::string text =
            R"({"format": "pc5-trace/1", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "spec": "ts33536-r17", "events": [)";
        const std::vector<std::string> values = {R"("]}[{")",
                                                 R"("\"]")",
                                                 R"("\\")",
                                                 R"("\\\"}")",
                                                 R"("é]ü}")",
                                                 R"("a\nb\u005d")",
                                                 "[1, [2, {\"x\": \"]\"}]]"};
        for (int i = 0; i < 6000; ++i) {
            text += i == 0 ? "" : (i % 7 == 0 ? ",\n" : ", ");
            text += R"({"from": "initiator", "msg": "DATA", "ie": {"v": )" +
                    values[static_cast<std::size_t>(i) % values.size()] + R"(, "w": )" + std::to_string(i) +
                    "}}";
        }
        text += "]}";
        REQUIRE(text.size() > 4 * 65536);
        const std::string path = f.write(text);
        REQUIRE(parse_trace(text, path, 1).has_value());
        REQUIRE(TraceStream::open(path).has_value());
        check_same_as_whole(path);
    }

    TEST_CASE("stream: what only a whole read may report does not stream")
    {
        TempFile f("bad.json");
        const std::string small = kSmall;
        const std::vector<std::string> bad = {
            small + " x",                      // garbage after the document
            small.substr(0, small.size() - 1), // truncated
            R"({"events": [], "events": [], "format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}})",
            R"({"events": [{"from": "initiator", "msg": "DATA", "msg": "DATA"}], "format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}})",
            R"({"events": [{"from": "initiator", "msg": "DATA"},], "format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}})",
            R"({"events": [{"from": "initiator", "msg": "DATA"} {"from": "initiator", "msg": "DATA"}], "format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}})",
            R"({"events": {"0": 1}, "format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}})",
            R"({"events": [{"from": "initiator", "msg": "DATA", "ie": )" + std::string(99, '[') +
                std::string(99, ']') +
                R"(}], "format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}})",
            R"({"events": [{"from": "initiator", "msg": "DATA", "at": 1e999}], "format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}})",
            // fuzz_trace_stream finding: a number beyond --max-number-chars inside an event streamed
            R"({"events": [{"from": "initiator", "msg": "DATA", "at": 0.222222222222222222222222222222222222222222956}], "format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}})",
        };
        for (const std::string& text : bad) {
            const std::string& path = f.write(text);
            INFO(text);
            CHECK_FALSE(stream_whole(path).has_value());
            check_same_as_whole(path);
        }
    }

    TEST_CASE("stream: random damage to a trace streams exactly when a whole read accepts it")
    {
        // Differential: single-byte edits of a valid document (deletions, insertions of JSON
        // punctuation, replacements), so the lenient cutting is checked against nlohmann's verdict.
        TempFile f("mutant.json");
        const std::string small = kSmall;
        std::mt19937 rng(20240601);
        constexpr std::string_view kBytes = "{}[],:\"\\ 0a-e.\n\xC3";
        std::size_t streamed = 0;
        const std::string events_first =
            R"({"events": [{"from": "initiator", "msg": "DATA", "ie": {"k": "\u00e9"}} ,{"from": "target", "msg": "DATA"}],)"
            R"( "format": "pc5-trace/1", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "spec": "s"})";
        for (int i = 0; i < 1000; ++i) {
            std::string text = i % 2 == 0 ? small : events_first;
            const std::size_t at = rng() % text.size();
            const char b = kBytes[rng() % kBytes.size()];
            switch (rng() % 3) {
            case 0:
                text.erase(at, 1);
                break;
            case 1:
                text.insert(at, 1, b);
                break;
            default:
                text[at] = b;
                break;
            }
            const std::string& path = f.write(text);
            check_same_as_whole(path);
            if (stream_whole(path)) {
                ++streamed;
            }
        }
        CHECK(streamed > 0); // some edits (whitespace, digits) leave a valid document
    }

    TEST_CASE("stream: a pipe or a missing file does not stream")
    {
        CHECK_FALSE(TraceStream::open("/nonexistent/trace.json").has_value());
        CHECK_FALSE(TraceStream::open(std::string(PC5CHECK_SOURCE_DIR) + "/traces").has_value());
    }
}
