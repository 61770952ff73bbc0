/// \file `prove` times (issue "prove, query and diff"; issue #17): every property of each shipped spec
/// variant, with and without the attacker, at depth 10 and 20 (bounded model checking, then k-induction);
/// bounded model checking alone at depth 5, 10 and 20; and the Spacer path alone (prove --engine spacer
/// after a 1-message bounded search, its seconds per property as counters spacer_s_<id>).
///   build/bench/pc5check_prove_bench --benchmark_filter=bm_spacer      (the Spacer path only)
///
/// One iteration per case (a proof is seconds, not microseconds); counters give the per-property
/// seconds and how many properties ended in each verdict. bench/prove.sh turns the JSON output into
/// the property table of docs/properties.md.

#include "pc5check/checker/system.h"
#include "pc5check/spec/spec.h"

#include <benchmark/benchmark.h>
#include <cstdlib>
#include <iostream>
#include <map>

namespace {

using namespace pc5check;

const char* const kSpecs[] = {"ts33536-r17", "tr33847-sol"};
const char* const kAttackers[] = {"none", "dy"};

const spec::Spec& the_spec(std::int64_t index)
{
    static std::map<std::int64_t, spec::Spec> specs;
    auto it = specs.find(index);
    if (it == specs.end()) {
        auto loaded = spec::load_spec(std::string(PC5CHECK_SPEC_DIR) + "/" + kSpecs[index] + ".json");
        if (!loaded) {
            std::cerr << "prove_bench: " << loaded.error().to_string() << "\n";
            std::exit(2);
        }
        it = specs.emplace(index, std::move(*loaded)).first;
    }
    return it->second;
}

void run(benchmark::State& state, unsigned depth, const char* attacker, bool induction,
         smt::ProofEngine engine = smt::ProofEngine::induction)
{
    const spec::Spec& s = the_spec(state.range(0));
    smt::SystemOptions o;
    o.depth = depth;
    o.induction = induction;
    o.engine = engine;
    o.attacker = *smt::parse_attacker(attacker);
    std::map<std::string, double> counts;
    for (auto _ : state) {
        auto r = smt::prove(s, o);
        if (!r) {
            state.SkipWithError(r.error().message.c_str());
            return;
        }
        for (const auto& p : *r) {
            counts[std::string("s_") + p.id] = p.seconds;
            counts[std::string("n_") + smt::to_string(p.verdict)] += 1;
            if (p.spacer) {
                counts[std::string("spacer_s_") + p.id] = p.spacer->seconds;
                counts[std::string("n_spacer_") + p.spacer->answer] += 1;
            }
        }
    }
    for (const auto& [k, v] : counts) {
        state.counters[k] = v;
    }
    state.SetLabel(std::string(kSpecs[state.range(0)]) + " attacker=" + attacker);
}

void bm_prove(benchmark::State& state)
{
    run(state, static_cast<unsigned>(state.range(2)), kAttackers[state.range(1)], true);
}

void bm_spacer(benchmark::State& state)
{
    run(state, 1, kAttackers[state.range(1)], true, smt::ProofEngine::spacer);
}

void bm_bmc(benchmark::State& state) { run(state, static_cast<unsigned>(state.range(1)), "none", false); }

} // namespace

BENCHMARK(bm_prove)
    ->ArgNames({"spec", "attacker", "depth"})
    ->ArgsProduct({{0, 1}, {0, 1}, {10, 20}})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK(bm_spacer)
    ->ArgNames({"spec", "attacker"})
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK(bm_bmc)
    ->ArgNames({"spec", "depth"})
    ->ArgsProduct({{0, 1}, {5, 10, 20}})
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

BENCHMARK_MAIN();
