/// \file Fuzz target: a spec document (as from a pull request) through spec::parse_spec; a spec that
/// loads is linted and drives the replay of two shipped traces, so that what the loader accepts is
/// also what the machine can run.

#include "fuzz_support.h"
#include "pc5check/machine/machine.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using namespace pc5check;

/// A shipped conforming trace of each variant (traces/).
[[nodiscard]] std::vector<trace::Trace> load_traces()
{
    std::vector<trace::Trace> out;
    for (const char* file :
         {"ts33536-r17/conform-reauth-then-rekey.json", "tr33847-sol/seed-conform-plain.json"}) {
        const std::string path = std::string(PC5CHECK_SPEC_DIR) + "/../traces/" + file;
        auto docs = trace::read_trace_file(path);
        if (!docs || docs->size() != 1 || !docs->front()) {
            fuzz::fail("cannot read " + path);
        }
        out.push_back(std::move(*docs->front()));
    }
    return out;
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::vector<trace::Trace> traces = load_traces();
    const auto loaded = spec::parse_spec(fuzz::as_text(data, size), "fuzz-spec.json");
    if (!loaded) {
        return 0;
    }
    (void)spec::lint_structure(*loaded);
    for (const trace::Trace& t : traces) {
        (void)machine::replay(*loaded, t);
    }
    return 0;
}
