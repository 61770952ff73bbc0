/// \file pc5check_parse_baseline: the baselines of the end-to-end benchmark on a real file (issue #6,
/// issue #19): every line of a `.jsonl` file parsed by one parser, nothing else (no check). bench/run.sh
/// times `pc5check check` on the same bytes and prints the ratios of the throughputs.
///   nlohmann   nlohmann::json::parse, a DOM (the default)
///   simdjson   simdjson's DOM parser (`simdjson::dom::parser::parse`, validating, UTF-8 included);
///              built when libsimdjson-dev is installed
///   pc5check   our trace reader alone (`trace::parse_trace`: JSON, positions and the pc5-trace/1
///              contract, building each Trace), without the replay
/// Every parser sees the same bytes, read as the checker reads a `.jsonl` file (64 KiB chunks, one line
/// at a time into one reused buffer); each parsed document's `events` are counted.
///
/// Usage: pc5check_parse_baseline [--parser nlohmann|simdjson|pc5check] FILE.jsonl
/// Prints one line: `parser=P bytes=B lines=L events=E seconds=S` (S: wall time of reading and parsing).

#include "pc5check/trace/trace.h"

#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#ifdef PC5CHECK_HAVE_SIMDJSON
#include <simdjson.h>
#endif

namespace {

struct FileCloser {
    void operator()(std::FILE* f) const { (void)std::fclose(f); }
};

/// Number of events of one line's document; throws or exits on a document that does not parse.
using LineParser = std::function<std::size_t(const std::string& line, std::size_t number)>;

[[noreturn]] void fail(std::size_t number, const std::string& what)
{
    std::cerr << "pc5check_parse_baseline: line " << number << ": " << what << "\n";
    std::exit(2);
}

std::size_t parse_nlohmann(const std::string& line, std::size_t number)
{
    try {
        const nlohmann::json doc = nlohmann::json::parse(line);
        const auto it = doc.find("events");
        return it != doc.end() ? it->size() : 0;
    } catch (const nlohmann::json::exception& e) {
        fail(number, e.what());
    }
}

std::size_t parse_pc5check(const std::string& line, std::size_t number)
{
    auto trace = pc5check::trace::parse_trace(line, "baseline.jsonl", number);
    if (!trace) {
        fail(number, trace.error().to_string());
    }
    const std::size_t events = trace->events.size();
    pc5check::trace::recycle_trace(std::move(*trace));
    return events;
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string parser_name = "nlohmann";
    if (args.size() == 3 && args[0] == "--parser") {
        parser_name = args[1];
        args.erase(args.begin(), args.begin() + 2);
    }
    if (args.size() != 1) {
        std::cerr << "usage: pc5check_parse_baseline [--parser nlohmann|simdjson|pc5check] FILE.jsonl\n";
        return 2;
    }
    std::string line;
    LineParser parse_line;
#ifdef PC5CHECK_HAVE_SIMDJSON
    simdjson::dom::parser simd;
    // simdjson reads up to SIMDJSON_PADDING bytes past a document: the line buffer keeps that much spare
    // capacity, so parse(std::string) never copies the line.
    line.reserve(std::size_t{1} << 20U);
#endif
    if (parser_name == "nlohmann") {
        parse_line = parse_nlohmann;
    } else if (parser_name == "pc5check") {
        parse_line = parse_pc5check;
#ifdef PC5CHECK_HAVE_SIMDJSON
    } else if (parser_name == "simdjson") {
        parse_line = [&simd](const std::string& text, std::size_t number) -> std::size_t {
            simdjson::dom::element doc;
            if (const auto e = simd.parse(text).get(doc); e != simdjson::SUCCESS) {
                fail(number, simdjson::error_message(e));
            }
            simdjson::dom::array events;
            return doc["events"].get_array().get(events) == simdjson::SUCCESS ? events.size() : 0;
        };
#endif
    } else {
        std::cerr << "pc5check_parse_baseline: unknown or not built parser '" << parser_name << "'\n";
        return 2;
    }
    const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(args[0].c_str(), "rb"));
    if (!file) {
        std::cerr << "pc5check_parse_baseline: cannot read " << args[0] << "\n";
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    // Read as the checker reads a .jsonl file (64 KiB chunks, one line at a time), then parse the line.
    std::size_t bytes = 0;
    std::size_t lines = 0;
    std::size_t events = 0;
    std::vector<char> chunk(std::size_t{1} << 16U);
    const auto parse = [&]() {
        if (line.empty()) {
            return;
        }
        ++lines;
        events += parse_line(line, lines);
        line.clear();
    };
    while (true) {
        const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), file.get());
        bytes += n;
        std::string_view data(chunk.data(), n);
        for (std::size_t end = data.find('\n'); end != std::string_view::npos; end = data.find('\n')) {
            line.append(data.substr(0, end));
            parse();
            data.remove_prefix(end + 1);
        }
        line.append(data);
        if (n < chunk.size()) {
            break;
        }
    }
    parse();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "parser=" << parser_name << " bytes=" << bytes << " lines=" << lines << " events=" << events
              << " seconds=" << seconds << "\n";
    return 0;
}
