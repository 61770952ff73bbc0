/// \file Fuzz target: one `.json` trace document through trace::parse_trace. A trace that reads must
/// also survive the writer: to_json, dumped and read back, gives the same document. Differential: the
/// reader's own JSON parser (trace/json_document.h) must refuse as invalid JSON exactly what nlohmann
/// refuses, with the default limits and with tight ones taken from the input's size.

#include "fuzz_support.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

/// The reader refuses as invalid JSON what nlohmann refuses (unless a limit stops it first), and only that.
void check_against_nlohmann(std::string_view text, const pc5check::trace::Limits& limits)
{
    using namespace pc5check;
    const auto ours = trace::parse_trace(text, "fuzz.json", 3, limits);
    bool valid = true;
    try {
        (void)nlohmann::json::parse(text.begin(), text.end());
    } catch (const nlohmann::json::exception&) {
        valid = false;
    }
    // nlohmann's lexer takes a NUL byte for the end of the input ("1990<NUL>x" parses as 1990); RFC 8259
    // allows no NUL anywhere in a JSON text, and the reader refuses it.
    valid = valid && text.find('\0') == std::string_view::npos;
    if (ours && !valid) {
        fuzz::fail("the reader accepted what nlohmann refuses");
    }
    // A blank text is refused before parsing, with its own message (nlohmann calls it invalid JSON).
    const bool refused_as_json = !ours && (ours.error().message.starts_with("invalid JSON") ||
                                           ours.error().message.ends_with("found an empty document"));
    if (!ours && ours.error().code != ErrorCode::limit && refused_as_json == valid) {
        fuzz::fail("the reader and nlohmann disagree on whether this is JSON: " + ours.error().to_string());
    }
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace pc5check;
    check_against_nlohmann(fuzz::as_text(data, size), trace::Limits{});
    trace::Limits tight;
    tight.max_nesting = 1 + size % 8;
    tight.max_number_chars = 1 + size / 8 % 24;
    check_against_nlohmann(fuzz::as_text(data, size), tight);
    const auto parsed = trace::parse_trace(fuzz::as_text(data, size), "fuzz.json");
    if (!parsed) {
        if (parsed.error().message.empty()) {
            fuzz::fail("an error without a message");
        }
        return 0;
    }
    const nlohmann::json written = trace::to_json(*parsed);
    const std::string text = written.dump();
    const auto reread = trace::parse_trace(text, "fuzz.json");
    if (!reread) {
        fuzz::fail("the writer's output does not read back: " + reread.error().to_string());
    }
    if (trace::to_json(*reread) != written) {
        fuzz::fail("writing and reading back changed the trace");
    }
    return 0;
}
