#pragma once
/// \file `pc5check shrink` (docs/cli.md): its options and its run.

#include "pc5check/trace/trace.h"

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace pc5check::cli {

/// Options of `pc5check shrink`.
struct ShrinkCommand {
    std::string input;
    std::string rule;
    std::string output;
    std::string format = "json"; ///< json: the shrunk trace; html: check's HTML report of it (the chart)
    std::string spec_file;
    std::vector<std::string> spec_dirs;
    std::vector<std::string> params;
    std::string input_format = "json"; ///< how `-` is read
    std::size_t line = 0;              ///< which trace of a .jsonl input (its line); 0: the only one
    bool concrete = false;
    trace::Limits limits;
};

/// The `shrink` subcommand, its options read into `cmd`.
CLI::App* add_shrink_command(CLI::App& app, ShrinkCommand& cmd);

/// Runs it; returns the exit code (docs/cli.md): 0 written, 1 the trace does not break the rule, 2 bad
/// input or usage.
[[nodiscard]] int run_shrink(const ShrinkCommand& cmd);

} // namespace pc5check::cli
