/// \file Symbolic check latency per trace length (issue "Z3 trace validation": 10, 100, 1,000 and
/// 10,000 events; growth should be close to linear).
///
/// Input: the conforming DATA trace of bench::make_data_trace() with its keys removed (no K_NRP, no
/// link.k_nrp_sess) and the PDCP protection of every 10th event not logged, so the COUNT checks around
/// those events are open and go to the solver (`conforms` with assumptions). Counter `events_per_s`: linear
/// growth keeps it constant across lengths.

#include "corpus.h"
#include "pc5check/checker/check.h"
#include "pc5check/checker/symbolic.h"
#include "pc5check/spec/spec.h"

#include <benchmark/benchmark.h>
#include <cstdlib>
#include <iostream>
#include <map>

namespace {

using namespace pc5check;

[[noreturn]] void die(const std::string& why)
{
    std::cerr << "symbolic_bench: " << why << "\n";
    std::exit(2);
}

const spec::Spec& the_spec()
{
    static const spec::Spec s = [] {
        auto loaded = spec::load_spec(bench::spec_path());
        if (!loaded) {
            die(loaded.error().to_string());
        }
        return std::move(*loaded);
    }();
    return s;
}

/// The keyless DATA trace of `events` events, built once per length.
const trace::Trace& keyless(std::int64_t events)
{
    static std::map<std::int64_t, trace::Trace> traces;
    auto it = traces.find(events);
    if (it == traces.end()) {
        auto t = bench::make_data_trace(static_cast<std::size_t>(events));
        if (!t) {
            die(t.error().to_string());
        }
        t->keys.clear();
        t->link.k_nrp_sess.reset();
        // Every 10th event without its PDCP protection logged: the COUNT checks around it (REPLAY) are
        // open and go to the solver.
        for (std::size_t i = 5; i < t->events.size(); i += 10) {
            t->events[i].sec = trace::Sec{};
        }
        it = traces.emplace(events, std::move(*t)).first;
    }
    return it->second;
}

/// range(0) events; range(1) = 1: with the proofs that open checks hold (at most a quarter of the time
/// limit, 2 s), 0: verdict only (encoding and the satisfiability check).
void bm_symbolic_length(benchmark::State& state)
{
    const trace::Trace& t = keyless(state.range(0));
    smt::SymbolicOptions options;
    options.timeout_ms = 600'000; // measure the work, not the limit
    options.proof_budget = state.range(1) != 0 ? options.proof_budget : 0;
    for (auto _ : state) {
        auto r = smt::check_symbolic(the_spec(), t, options);
        if (r && r->verdict == machine::Verdict::inconclusive) {
            // Reported as this length's result (the solver's limit), not hidden: the other lengths go on.
            state.SkipWithError(("inconclusive: " + r->limit).c_str());
            break;
        }
        if (!r || r->verdict != machine::Verdict::conforms) {
            die("the keyless DATA trace of " + std::to_string(state.range(0)) + " events is not 'conforms'" +
                (r ? std::string(" (") + machine::to_string(r->verdict) + ": " + r->limit + ")"
                   : ": " + r.error().to_string()));
        }
        benchmark::DoNotOptimize(r);
    }
    // Events per second of CPU time: their ratio between lengths is the growth figure.
    state.counters["events_per_s"] = benchmark::Counter(static_cast<double>(state.range(0)),
                                                        benchmark::Counter::kIsIterationInvariantRate);
}

} // namespace

BENCHMARK(bm_symbolic_length)
    ->ArgsProduct({{10, 100, 1000, 10000}, {0, 1}})
    ->ArgNames({"events", "proofs"})
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();

BENCHMARK_MAIN();
