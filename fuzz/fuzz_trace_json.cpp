/// \file Fuzz target: one `.json` trace document through trace::parse_trace. A trace that reads must
/// also survive the writer: to_json, dumped and read back, gives the same document.

#include "fuzz_support.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <cstdint>
#include <string>

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace pc5check;
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
