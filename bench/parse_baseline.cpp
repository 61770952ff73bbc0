/// \file pc5check_parse_baseline: the issue #6 baseline on a real file — nlohmann::json::parse of every
/// line of a `.jsonl` file, nothing else (no trace built, no check). bench/run.sh times `pc5check check`
/// on the same bytes and prints the ratio of the two throughputs.
///
/// Usage: pc5check_parse_baseline FILE.jsonl
/// Prints one line: `bytes=B lines=L events=E seconds=S` (S: wall time of reading and parsing).

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct FileCloser {
    void operator()(std::FILE* f) const { (void)std::fclose(f); }
};

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: pc5check_parse_baseline FILE.jsonl\n";
        return 2;
    }
    const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(argv[1], "rb"));
    if (!file) {
        std::cerr << "pc5check_parse_baseline: cannot read " << argv[1] << "\n";
        return 2;
    }
    const auto start = std::chrono::steady_clock::now();
    // Read as the checker reads a .jsonl file (64 KiB chunks, one line at a time), then parse the line.
    std::size_t bytes = 0;
    std::size_t lines = 0;
    std::size_t events = 0;
    std::string line;
    std::vector<char> chunk(std::size_t{1} << 16U);
    const auto parse = [&]() {
        if (line.empty()) {
            return;
        }
        try {
            const nlohmann::json doc = nlohmann::json::parse(line);
            const auto it = doc.find("events");
            events += it != doc.end() ? it->size() : 0;
            ++lines;
        } catch (const nlohmann::json::exception& e) {
            std::cerr << "pc5check_parse_baseline: line " << lines + 1 << ": " << e.what() << "\n";
            std::exit(2);
        }
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
    std::cout << "bytes=" << bytes << " lines=" << lines << " events=" << events << " seconds=" << seconds
              << "\n";
    return 0;
}
