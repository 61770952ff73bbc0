/// \file Peak resident memory of checking one trace, one process per measurement (bench/run.sh).
///   pc5check_rss_probe gen N FILE   writes a conforming trace of N DATA events (bench::write_data_trace)
///   pc5check_rss_probe check FILE   checks FILE as `pc5check check` does (checker::check_paths, -j 1)
///                                   and prints "events=.. verdict=.. vm_hwm_kib=.."
///   pc5check_rss_probe stream N     writes the same trace as an event stream to stdout, for
///                                   `pc5check monitor` (bench/monitor_soak.sh)
/// Generating and checking in separate processes keeps the generator out of the checker's peak.

#include "corpus.h"
#include "pc5check/checker/check.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

namespace {

/// VmHWM of this process (peak resident set size) in KiB; 0 if /proc is unavailable.
[[nodiscard]] std::size_t vm_hwm_kib()
{
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmHWM:") {
            std::size_t kib = 0;
            status >> kib;
            return kib;
        }
        std::getline(status, key);
    }
    return 0;
}

int usage()
{
    std::cerr << "usage: pc5check_rss_probe gen N FILE | check FILE | stream N\n";
    return 2;
}

int gen(const std::string& count, const std::string& file)
{
    std::ofstream out(file, std::ios::binary);
    if (auto written = pc5check::bench::write_data_trace(out, std::stoul(count)); !written) {
        std::cerr << "pc5check_rss_probe: " << written.error().to_string() << "\n";
        return 3;
    }
    return out ? 0 : 3;
}

int check(const std::string& file)
{
    pc5check::checker::CheckOptions options;
    options.spec_dirs = {PC5CHECK_SPEC_DIR};
    const auto run = pc5check::checker::check_paths({file}, options);
    if (!run.errors.empty() || run.traces.size() != 1 || run.traces.front().error) {
        std::cerr << "pc5check_rss_probe: " << file << " was not checked\n";
        return 3;
    }
    const auto& r = run.traces.front();
    std::cout << "events=" << r.event_count << " verdict=" << pc5check::machine::to_string(r.replay.verdict)
              << " vm_hwm_kib=" << vm_hwm_kib() << "\n";
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 3 && args[0] == "gen") {
        return gen(args[1], args[2]);
    }
    if (args.size() == 2 && args[0] == "check") {
        return check(args[1]);
    }
    if (args.size() == 2 && args[0] == "stream") {
        std::ios::sync_with_stdio(false);
        if (auto written = pc5check::bench::write_data_stream(std::cout, std::stoul(args[1])); !written) {
            std::cerr << "pc5check_rss_probe: " << written.error().to_string() << "\n";
            return 3;
        }
        return std::cout.flush() ? 0 : 3;
    }
    return usage();
}
