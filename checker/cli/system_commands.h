#pragma once
/// \file `pc5check prove`, `query` and `diff` (docs/cli.md): options and runners.

#include "pc5check/checker/system.h"

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace pc5check::cli {

/// Options shared by prove, query and diff.
struct SystemCommandOptions {
    unsigned depth = 10;
    std::string attacker = "none";
    unsigned timeout_ms = 120'000;
    unsigned solver_memory_mb = 4096;
    bool no_induction = false;
    bool generated_invariants =
        false; ///< --generated-invariants: also try candidates generated from the spec
    std::string format = "text";
    std::string cex_dir;
    std::vector<std::string> params;
    bool cross_check = false;    ///< --cross-check: cvc5 confirms every k-induction proof
    std::string cross_check_dir; ///< where its SMT-LIB 2 queries go (default: a new directory in $TMPDIR)
    std::string cross_check_solver = "cvc5"; ///< --cross-check-solver
    std::vector<std::string> writes;         ///< --write FORMAT=FILE: further reports of the same run
};

/// Options of `pc5check prove`.
struct ProveCommand {
    std::string spec_file;
    std::vector<std::string> properties; ///< --property: only these (default: all); lemmas always used
    std::vector<std::string> explain;    ///< --explain ID: print the inductive invariant behind its proof
    std::string shard; ///< --shard I/N: report only this shard's properties (merge joins the shards)
    std::string engine = "induction"; ///< --engine: induction, spacer or both
    SystemCommandOptions common;
};

/// Options of `pc5check query`.
struct QueryCommand {
    std::string spec_file;
    std::string condition;
    bool explain = false; ///< --explain: print the inductive invariant behind "unreachable (proved)"
    /// --expect: the answer that exits 0, "reachable" (a witness) or "unreachable" (prove's sense)
    std::string expect = "reachable";
    SystemCommandOptions common;
};

/// Options of `pc5check diff`.
struct DiffCommand {
    std::string old_spec;
    std::string new_spec;
    std::string corpus;
    std::vector<std::string> properties; ///< --property: only these (default: all)
    bool format_changes_fail = false;    ///< --format-changes-fail: a format change fails the gate too
    std::string rule;                    ///< --rule: behaviour search for runs breaking this rule only
    unsigned min_depth = 1;              ///< --min-depth: behaviour search for runs this long or longer
    SystemCommandOptions common;
};

/// The three subcommands, registered on `app`.
struct SystemCommands {
    ProveCommand prove;
    QueryCommand query;
    DiffCommand diff;
    CLI::App* prove_cmd = nullptr;
    CLI::App* query_cmd = nullptr;
    CLI::App* diff_cmd = nullptr;
};
void add_system_commands(CLI::App& app, SystemCommands& cmds);

/// Runners; they return the exit code (docs/cli.md).
[[nodiscard]] int run_prove(const ProveCommand& cmd);
[[nodiscard]] int run_query(const QueryCommand& cmd);
[[nodiscard]] int run_diff(const DiffCommand& cmd);

} // namespace pc5check::cli
