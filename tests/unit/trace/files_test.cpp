#include "pc5check/trace/trace.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;
using pc5check::ErrorCode;
using pc5check::trace::collect_trace_files;
using pc5check::trace::Limits;
using pc5check::trace::read_trace_file;

namespace {

/// A fresh temporary directory, removed with its contents at scope exit.
class TempDir {
  public:
    TempDir()
        : path_(fs::temp_directory_path() / ("pc5check-trace-test-" + std::to_string(std::random_device{}())))
    {
        fs::create_directories(path_);
    }
    ~TempDir()
    {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    TempDir(TempDir&&) = delete;
    TempDir& operator=(TempDir&&) = delete;

    /// Writes `content` to `name` (creating directories) and returns its path.
    [[nodiscard]] std::string write(const std::string& name, const std::string& content) const
    {
        const fs::path p = path_ / name;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << content;
        return p.string();
    }
    [[nodiscard]] std::string path(const std::string& name = "") const { return (path_ / name).string(); }

  private:
    fs::path path_;
};

std::string trace_line(const std::string& msg)
{
    return R"({"format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "events": [{"from": "initiator", "msg": ")" +
           msg + R"("}]})";
}

} // namespace

TEST_SUITE("trace")
{
    TEST_CASE("files: .jsonl holds one trace per non-blank line and a bad line spoils only itself")
    {
        const TempDir dir;
        const std::string path =
            dir.write("many.jsonl", trace_line("DATA") + "\n\n  \r\n" + trace_line("NOPE") + "\r\n" +
                                        trace_line("RELEASE") + "\n");
        const auto file = read_trace_file(path);
        REQUIRE_MESSAGE(file.has_value(), (file ? std::string() : file.error().to_string()));
        REQUIRE(file->size() == 3);
        REQUIRE((*file)[0].has_value());
        CHECK((*file)[0]->line == 1);
        CHECK((*file)[0]->file == path);
        CHECK((*file)[0]->events[0].msg == "DATA");
        REQUIRE_FALSE((*file)[1].has_value());
        const auto& e = (*file)[1].error();
        CHECK(e.code == ErrorCode::bad_input);
        CHECK(e.file == path);
        CHECK(e.line == 4);
        CHECK(e.column == trace_line("NOPE").find("\"NOPE\"") + 1);
        CHECK(e.json_pointer == "/events/0/msg");
        CHECK(e.event_index == 0);
        CHECK(e.message.find("found \"NOPE\"") != std::string::npos);
        REQUIRE((*file)[2].has_value());
        CHECK((*file)[2]->line == 5);
        CHECK((*file)[2]->events[0].msg == "RELEASE");
        CHECK((*file)[2]->events[0].position.line == 5);
    }

    TEST_CASE("files: a syntax error in a .jsonl line is reported on that file line")
    {
        const TempDir dir;
        const std::string path = dir.write("syntax.jsonl", trace_line("DATA") + "\n{\"format\": }\n");
        const auto file = read_trace_file(path);
        REQUIRE(file.has_value());
        REQUIRE(file->size() == 2);
        CHECK((*file)[0].has_value());
        REQUIRE_FALSE((*file)[1].has_value());
        CHECK((*file)[1].error().line == 2);
        CHECK((*file)[1].error().column == 12);
        CHECK((*file)[1].error().message.find("invalid JSON") == 0);
    }

    TEST_CASE("files: a .json file is one document even across lines")
    {
        const TempDir dir;
        const std::string path = dir.write("one.json", "\n\n" + trace_line("DATA") + "\n");
        const auto file = read_trace_file(path);
        REQUIRE(file.has_value());
        REQUIRE(file->size() == 1);
        REQUIRE((*file)[0].has_value());
        CHECK((*file)[0]->line == 3);
        // Two documents on two lines of a .json file are a syntax error.
        const auto two =
            read_trace_file(dir.write("two.json", trace_line("DATA") + "\n" + trace_line("DATA")));
        REQUIRE(two.has_value());
        REQUIRE_FALSE((*two)[0].has_value());
        CHECK((*two)[0].error().line == 2);
        CHECK((*two)[0].error().column == 1);
    }

    TEST_CASE("files: read errors")
    {
        const TempDir dir;
        auto r = read_trace_file(dir.path("missing.json"));
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::io);
        CHECK(r.error().file == dir.path("missing.json"));
        CHECK(r.error().message.find("cannot read file: ") == 0);

        r = read_trace_file(dir.path());
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::io);
        CHECK(r.error().message.find("cannot read file: ") == 0);

        for (const std::string name : {"empty.json", "empty.jsonl"}) {
            r = read_trace_file(dir.write(name, ""));
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error().code == ErrorCode::bad_input);
            CHECK(r.error().file == dir.path(name));
            CHECK(r.error().message == "expected a pc5-trace/1 JSON document, found an empty file");
        }
        r = read_trace_file(dir.write("blank.jsonl", " \n\t\r\n\n"));
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().message == "expected a pc5-trace/1 JSON document, found an empty file");

        // A (sparse) file over 1 GiB is refused before it is read.
        const std::string big = dir.write("big.json", "");
        std::error_code ec;
        fs::resize_file(big, (std::uintmax_t{1} << 30U) + 1, ec);
        if (!ec) {
            r = read_trace_file(big);
            REQUIRE_FALSE(r.has_value());
            CHECK(r.error().code == ErrorCode::limit);
            CHECK(r.error().file == big);
            CHECK(r.error().message.find(
                      "at most 1073741824 bytes (limit --max-file-bytes), found 1073741825 bytes") !=
                  std::string::npos);
        }
    }

    TEST_CASE("files: --max-file-bytes bounds a .json file and each .jsonl line")
    {
        const TempDir dir;
        const std::string line = trace_line("DATA");
        Limits limits;
        limits.max_file_bytes = line.size();
        const std::string exact = dir.write("exact.json", line);
        auto r = read_trace_file(exact, limits);
        REQUIRE(r.has_value());
        CHECK(r->at(0).has_value());

        const std::string over = dir.write("over.json", line + "\n");
        r = read_trace_file(over, limits);
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::limit);
        CHECK(r.error().file == over);
        CHECK(r.error().message == "expected a trace file of at most " + std::to_string(line.size()) +
                                       " bytes (limit --max-file-bytes), found " +
                                       std::to_string(line.size() + 1) + " bytes");

        // A .jsonl file may be larger than the limit; a line may not, and spoils only itself.
        const std::string jsonl =
            dir.write("lines.jsonl", line + "\n" + trace_line("DATA") + "  \n" + line + "\n");
        r = read_trace_file(jsonl, limits);
        REQUIRE(r.has_value());
        REQUIRE(r->size() == 3);
        CHECK(r->at(0).has_value());
        REQUIRE_FALSE(r->at(1).has_value());
        CHECK(r->at(1).error().code == ErrorCode::limit);
        CHECK(r->at(1).error().line == 2);
        CHECK(r->at(1).error().message == "expected a .jsonl line of at most " + std::to_string(line.size()) +
                                              " bytes (limit --max-file-bytes), found more");
        CHECK(r->at(2).has_value());
        CHECK(r->at(2)->line == 3);

        // The other limits reach the reader through the file functions too.
        limits = Limits{};
        limits.max_nesting = 2;
        r = read_trace_file(exact, limits);
        REQUIRE(r.has_value());
        REQUIRE_FALSE(r->at(0).has_value());
        CHECK(r->at(0).error().message.find("(limit --max-nesting)") != std::string::npos);
    }

    TEST_CASE("files: collect_trace_files walks directories in sorted order")
    {
        const TempDir dir;
        const std::string b = dir.write("corpus/b.json", "{}");
        const std::string a = dir.write("corpus/a.jsonl", "{}");
        const std::string c = dir.write("corpus/sub/c.json", "{}");
        const std::string d = dir.write("corpus/sub/deeper/d.jsonl", "{}");
        (void)dir.write("corpus/notes.txt", "x");
        (void)dir.write("corpus/sub/e.json.bak", "x");
        fs::create_directories(dir.path("corpus/empty"));
        const std::string given = dir.write("given.txt", "x");

        const auto files = collect_trace_files({given, dir.path("corpus")});
        REQUIRE_MESSAGE(files.has_value(), (files ? std::string() : files.error().to_string()));
        CHECK(*files == std::vector<std::string>{given, a, b, c, d});
        // Deterministic: the same again.
        CHECK(*collect_trace_files({dir.path("corpus")}) == std::vector<std::string>{a, b, c, d});

        auto r = collect_trace_files({dir.path("corpus/empty")});
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::bad_input);
        CHECK(r.error().file == dir.path("corpus/empty"));
        CHECK(r.error().message == "no .json or .jsonl trace files in directory " + dir.path("corpus/empty"));

        r = collect_trace_files({a, dir.path("nope")});
        REQUIRE_FALSE(r.has_value());
        CHECK(r.error().code == ErrorCode::io);
        CHECK(r.error().file == dir.path("nope"));
        CHECK(r.error().message.find("No such file or directory") != std::string::npos);

        CHECK(collect_trace_files({})->empty());
    }
}

TEST_SUITE("trace")
{
    TEST_CASE("files: for_each_document_in_file hands on what for_each_trace_in_file parses")
    {
        const TempDir dir;
        Limits limits;
        limits.max_file_bytes = trace_line("RELEASE").size() + 10; // the traces fit, the line of x does not
        const std::string jsonl = dir.write(
            "many.jsonl", trace_line("DATA") + "\n\n  \r\n" + trace_line("NOPE") + "\r\n" +
                              std::string(limits.max_file_bytes + 1, 'x') + "\n" + trace_line("RELEASE"));
        const std::string json = dir.write("one.json", "\n" + trace_line("DATA") + "\n");
        for (const std::string& path : {jsonl, json}) {
            INFO(path);
            std::vector<std::string> parsed;
            const auto render = [](const pc5check::Expected<pc5check::trace::Trace>& t) {
                return t ? std::to_string(t->line) + " " + t->file + " " + t->events.at(0).msg
                         : t.error().to_string();
            };
            REQUIRE(pc5check::trace::for_each_trace_in_file(
                path, [&](pc5check::Expected<pc5check::trace::Trace>&& t) { parsed.push_back(render(t)); },
                limits));
            std::vector<std::string> raw;
            REQUIRE(pc5check::trace::for_each_document_in_file(
                path,
                [&](pc5check::Expected<pc5check::trace::RawDocument>&& doc) {
                    raw.push_back(
                        doc ? render(pc5check::trace::parse_trace(doc->text, path, doc->line, limits))
                            : doc.error().to_string());
                },
                limits));
            CHECK(raw == parsed);
            CHECK(parsed.size() == (path == jsonl ? 4U : 1U));
        }
    }

    TEST_CASE("files: texts and events given back are reused without leaking into the next document")
    {
        // Lines of falling and rising length, one with CR LF: each document read into the memory of a
        // previous one must be exactly its own line, and each trace parsed into a previous trace's event
        // storage must hold exactly its own events.
        const std::string three =
            R"({"format": "pc5-trace/1", "spec": "s", "link": {"k_nrp_id": 1, "k_nrp_sess_id": 2}, "events": [{"from": "initiator", "msg": "DATA"}, {"from": "target", "msg": "DATA"}, {"from": "initiator", "msg": "RELEASE"}]})";
        const std::vector<std::string> lines = {three, trace_line("RELEASE"), three, trace_line("DATA"),
                                                trace_line("DATA")};
        const TempDir dir;
        const std::string path = dir.write("many.jsonl", lines[0] + "\n" + lines[1] + "\r\n" + lines[2] +
                                                             "\n" + lines[3] + "\n" + lines[4] + "\n");
        std::vector<std::string> texts;
        std::vector<std::vector<std::string>> messages;
        REQUIRE(pc5check::trace::for_each_document_in_file(
            path, [&](pc5check::Expected<pc5check::trace::RawDocument>&& doc) {
                REQUIRE(doc.has_value());
                texts.push_back(doc->text);
                auto trace = pc5check::trace::parse_trace(doc->text, path, doc->line);
                pc5check::trace::recycle_document(std::move(*doc));
                CHECK(doc->text.empty());
                REQUIRE(trace.has_value());
                std::vector<std::string> msgs;
                for (const auto& e : trace->events) {
                    msgs.push_back(e.msg);
                }
                messages.push_back(msgs);
                pc5check::trace::recycle_trace(std::move(*trace));
                CHECK(trace->events.empty());
            }));
        CHECK(texts == lines);
        const std::vector<std::vector<std::string>> expected = {
            {"DATA", "DATA", "RELEASE"}, {"RELEASE"}, {"DATA", "DATA", "RELEASE"}, {"DATA"}, {"DATA"}};
        CHECK(messages == expected);
    }

    TEST_CASE("files: texts given back a batch at a time are each read into again (check -j N)")
    {
        // check -j N gives a batch's texts back on the reading thread when its results are handed on:
        // every one of them must be reused, not only one. Lines 0-2 are held and given back together,
        // each with room for 64 kB (a capacity no line read into new memory has), while line 2 is handed
        // on (line 3 is read into a text taken before that); lines 4 and 5 must have that room.
        std::vector<std::string> lines;
        for (const char* msg : {"DATA", "DATA", "DATA", "DATA", "DATA", "DATA"}) {
            lines.push_back(trace_line(msg));
        }
        const TempDir dir;
        std::string file;
        for (const auto& l : lines) {
            file += l + "\n";
        }
        const std::string path = dir.write("batch.jsonl", file);
        constexpr std::size_t kRoom = std::size_t{64} << 10U;
        std::vector<pc5check::trace::RawDocument> held;
        std::size_t index = 0;
        std::size_t reused = 0;
        REQUIRE(pc5check::trace::for_each_document_in_file(
            path, [&](pc5check::Expected<pc5check::trace::RawDocument>&& doc) {
                REQUIRE(doc.has_value());
                CHECK(doc->text == lines[index]);
                if (index < 3) {
                    held.push_back(std::move(*doc));
                    if (held.size() == 3) {
                        for (auto& d : held) {
                            d.text.reserve(kRoom);
                            pc5check::trace::recycle_document(std::move(d));
                        }
                    }
                } else if (index >= 4) {
                    reused += doc->text.capacity() >= kRoom ? 1U : 0U;
                }
                ++index;
            }));
        CHECK(index == lines.size());
        CHECK(reused == 2);
    }
}
