#pragma once
/// \file `pc5check monitor` (docs/cli.md): its options, and the run with its output and signals.

#include "pc5check/trace/trace.h"

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace pc5check::cli {

/// Options of `pc5check monitor`.
struct MonitorCommand {
    std::string input = "-";
    std::string spec_file;
    std::vector<std::string> spec_dirs;
    std::vector<std::string> params;
    std::string format;       ///< text or json; empty: text on a terminal, else json
    std::string input_format; ///< json or jsonl; empty: by the file name (json for *.json), else jsonl
    bool stop_on_error = false;
    bool verbose = false;
    bool no_color = false;
    bool attacker_steps = false;
    trace::Limits limits;
};

/// The `monitor` subcommand, its options read into `cmd`.
CLI::App* add_monitor_command(CLI::App& app, MonitorCommand& cmd);

/// Runs it; returns the exit code (docs/cli.md).
[[nodiscard]] int run_monitor(const MonitorCommand& cmd);

} // namespace pc5check::cli
