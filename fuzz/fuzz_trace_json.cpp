/// \file Fuzz target: one `.json` trace document through trace::parse_trace. A trace that reads must
/// also survive the writer: to_json, dumped and read back, gives the same document. Differential: the
/// single-pass reader (detail::read_fast) must decline or give exactly the full reader's trace, with
/// the default limits and with tight ones taken from the input's size.

#include "fuzz_support.h"
#include "pc5check/trace/trace.h"
#include "trace/compare.h"
#include "trace/fast_reader.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

/// read_fast is "identical or decline" (trace/fast_reader.h), held against the full reader alone.
void check_fast_reader(std::string_view text, const pc5check::trace::Limits& limits)
{
    using namespace pc5check;
    const auto fast = trace::detail::read_fast(text, "fuzz.json", 3, limits);
    const auto slow = trace::detail::parse_trace_slow(text, "fuzz.json", 3, limits);
    if (!fast) {
        return;
    }
    if (!slow) {
        fuzz::fail("read_fast accepted what the full reader refuses: " + slow.error().to_string());
    }
    if (const auto diff = trace::detail::first_difference(*fast, *slow)) {
        fuzz::fail("read_fast and the full reader differ at " + *diff);
    }
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace pc5check;
    check_fast_reader(fuzz::as_text(data, size), trace::Limits{});
    trace::Limits tight;
    tight.max_nesting = 1 + size % 8;
    tight.max_number_chars = 1 + size / 8 % 24;
    check_fast_reader(fuzz::as_text(data, size), tight);
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
