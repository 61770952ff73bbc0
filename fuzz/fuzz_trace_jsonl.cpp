/// \file Fuzz target: a `.jsonl` trace file, split into documents as trace::read_trace_file does (one
/// per non-blank line, a trailing '\r' dropped) and each read with its file line, without file I/O.

#include "fuzz_support.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

/// Whether `s` holds only JSON whitespace, perhaps after a UTF-8 byte order mark (as the reader).
[[nodiscard]] bool blank(std::string_view s)
{
    if (s.starts_with("\xEF\xBB\xBF")) {
        s.remove_prefix(3);
    }
    return s.find_first_not_of(" \t\n\r") == std::string_view::npos;
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace pc5check;
    const std::string_view all = fuzz::as_text(data, size);
    std::size_t line = 1;
    for (std::size_t start = 0; start <= all.size(); ++line) {
        const std::size_t newline = all.find('\n', start);
        const std::size_t end = newline == std::string_view::npos ? all.size() : newline;
        std::string_view document = all.substr(start, end - start);
        if (document.ends_with('\r')) {
            document.remove_suffix(1);
        }
        if (!blank(document)) {
            const auto parsed = trace::parse_trace(document, "fuzz.jsonl", line);
            if (parsed && parsed->line != line) {
                fuzz::fail("a .jsonl document read at line " + std::to_string(line) + " reports line " +
                           std::to_string(parsed->line));
            }
            // A document is one line: an error inside it is on that line (or has no position).
            if (!parsed && parsed.error().line != 0 && parsed.error().line != line) {
                fuzz::fail("an error in the document of line " + std::to_string(line) + " points at line " +
                           std::to_string(parsed.error().line));
            }
        }
        start = end + 1;
    }
    return 0;
}
