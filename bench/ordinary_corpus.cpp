/// \file pc5check_ordinary_corpus: writes a `.jsonl` corpus of ordinary re-keying traces for the
/// throughput benchmarks (bench/run.sh, docs/performance.md "Reading and parallel scaling"): COUNT
/// conforming traces of 8 events each (gen::make_ordinary_trace with seeds SEED..SEED+COUNT-1: one
/// honest re-keying with DATA before, during and after it, every key and MAC-I real), one compact JSON
/// document per line, as a capture tool would log a busy link's routine re-keyings. `pc5check gen
/// --count` writes random traces instead (1-5 re-keyings, re-authentication, rejects, half of them
/// mutated), which is the mix for correctness, not the everyday load.
///
/// Usage: pc5check_ordinary_corpus COUNT FILE [SEED]   (SEED defaults to 1)
/// Prints one line: `traces=N events=E bytes=B`.

#include "pc5check/checker/gen.h"

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace {

struct FileCloser {
    void operator()(std::FILE* f) const { (void)std::fclose(f); }
};

} // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() != 2 && args.size() != 3) {
        std::cerr << "usage: pc5check_ordinary_corpus COUNT FILE [SEED]\n";
        return 2;
    }
    const std::uint64_t count = std::stoull(args[0]);
    const std::uint64_t seed = args.size() == 3 ? std::stoull(args[2]) : 1;
    const std::unique_ptr<std::FILE, FileCloser> out(std::fopen(args[1].c_str(), "wb"));
    if (!out) {
        std::cerr << "pc5check_ordinary_corpus: cannot write " << args[1] << "\n";
        return 2;
    }
    std::size_t events = 0;
    std::size_t bytes = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
        auto t = pc5check::gen::make_ordinary_trace(pc5check::gen::kNormativeSpecId, seed + i);
        if (!t) {
            std::cerr << "pc5check_ordinary_corpus: " << t.error().to_string() << "\n";
            return 3;
        }
        events += t->events.size();
        const std::string line = pc5check::trace::to_json(*t).dump() + "\n";
        bytes += line.size();
        if (std::fwrite(line.data(), 1, line.size(), out.get()) != line.size()) {
            std::cerr << "pc5check_ordinary_corpus: cannot write " << args[1] << "\n";
            return 3;
        }
    }
    std::cout << "traces=" << count << " events=" << events << " bytes=" << bytes << "\n";
    return 0;
}
