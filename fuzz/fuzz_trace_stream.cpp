/// \file Fuzz target, differential: one `.json` document read by the streaming reader (TraceStream,
/// one event at a time) and by parse_trace (the whole document). When the stream reads to its end, the
/// whole read must succeed with the same header and the same events, positions included; when the
/// whole read fails, the stream must fail (or refuse to open) too, so the error is reported whole.

#include "fuzz_support.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

using namespace pc5check;

/// One file per process, rewritten for each input (the stream reads a path, twice).
const std::string& scratch_path()
{
    static const std::string path = "/tmp/pc5check-fuzz-stream-" + std::to_string(::getpid()) + ".json";
    return path;
}

nlohmann::json positions(const trace::Event& e)
{
    nlohmann::json j = {{"line", e.position.line}, {"column", e.position.column}, {"pointer", e.pointer}};
    for (const auto& [name, p] : e.ie.positions()) {
        j["ie"][name] = {p.line, p.column};
    }
    return j;
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(fuzz::as_text(data, size));
    {
        std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
        out << text;
    }
    const auto whole = trace::parse_trace(text, scratch_path());
    std::optional<trace::TraceStream> stream = trace::TraceStream::open(scratch_path());
    if (!stream) {
        return 0; // not streamable: read whole, which is what the checker does
    }
    std::vector<trace::Event> events;
    while (auto ev = stream->next()) {
        events.push_back(std::move(*ev));
    }
    if (stream->failed()) {
        return 0; // the document is read whole after all
    }
    if (!whole) {
        fuzz::fail("the stream read to its end a document the whole read rejects: " +
                   whole.error().to_string());
    }
    trace::Trace streamed = stream->header();
    streamed.events = events;
    if (trace::to_json(streamed) != trace::to_json(*whole)) {
        fuzz::fail("streamed and whole reads give different traces");
    }
    if (events.size() != whole->events.size()) {
        fuzz::fail("streamed and whole reads give different event counts");
    }
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (positions(events[i]) != positions(whole->events[i])) {
            fuzz::fail("event " + std::to_string(i) + " has different positions when streamed");
        }
    }
    return 0;
}
