/// \file The `pc5check` command line (docs/cli.md). Exit codes: 0 conforms / holds,
/// 1 violation, 2 bad input or usage, 3 internal error.

#include "common.h"
#include "heap_tuning.h"
#include "manual.h"
#include "monitor_command.h"
#include "pc5check/checker/check.h"
#include "pc5check/checker/gen.h"
#include "pc5check/checker/report.h"
#include "pc5check/checker/smt.h"
#include "pc5check/checker/symbolic.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/spec/diagram.h"
#include "pc5check/spec/spec.h"
#include "shrink_command.h"
#include "system_commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace {

using namespace pc5check;

using cli::default_spec_dirs;
using cli::fail;
using cli::kExitBadInput;
using cli::kExitFailed;
using cli::kExitInternal;
using cli::kExitOk;
using cli::parse_params;

/// Options of `pc5check check`.
struct CheckCommand {
    std::vector<std::string> paths;
    std::string spec_file;
    std::vector<std::string> spec_dirs;
    std::vector<std::string> params;
    std::string format = "text";
    std::string input_format = "json";
    std::string output;
    bool quiet = false;
    bool verbose = false;
    bool no_color = false;
    unsigned jobs = 1;
    std::string shard;
    trace::Limits limits;
    bool symbolic = false;
    bool concrete = false;
    bool attacker_steps = false;
    unsigned max_missing = 0;
    unsigned timeout_ms = 10'000;
    unsigned solver_memory_mb = 4096;
    spec::Limits spec_limits; ///< nesting and number length come from `limits`
};

/// Options of `pc5check gen`.
struct GenCommand {
    std::string spec_file;
    std::string output_dir;
    std::size_t count = 0;
    std::string mutate;
    std::uint64_t seed = 1;
    std::vector<std::string> scenarios;
    gen::LinkAlgorithms algorithms; ///< --nea / --nia
    spec::Limits spec_limits;
};

/// Options of `pc5check merge`.
struct MergeCommand {
    std::vector<std::string> inputs;
    std::string output;
};

/// Options of `pc5check spec lint|show|dot|mermaid`.
struct SpecCommand {
    std::string action;
    std::string file;
    std::vector<std::string> params;
    spec::Limits limits;
    smt::LintLimits lint_limits;
};

/// The spec limit options; `json_options`: also --max-nesting and --max-number-chars (`check` has its
/// own, for traces and specs alike).
void add_spec_limit_options(CLI::App& cmd, spec::Limits& limits, bool json_options)
{
    cmd.add_option("--max-spec-bytes", limits.max_spec_bytes,
                   "limit: bytes of a spec file (default 16777216)");
    cmd.add_option("--max-spec-expressions", limits.max_expressions,
                   "limit: expressions in a spec (default 10000)");
    cmd.add_option("--max-expr-depth", limits.max_expr_depth,
                   "limit: nesting of one spec expression (default 200)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{500}));
    if (json_options) {
        cmd.add_option("--max-nesting", limits.max_nesting, "limit: JSON nesting depth (default 100)")
            ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
        cmd.add_option("--max-number-chars", limits.max_number_chars,
                       "limit: characters of one JSON number (default 40)");
    }
}

/// The check's options from the command line (usage errors for flags that exclude each other).
Expected<checker::CheckOptions> check_options(const CheckCommand& cmd)
{
    auto params = parse_params(cmd.params);
    if (!params) {
        return tl::make_unexpected(params.error());
    }
    checker::CheckOptions options;
    options.spec_file = cmd.spec_file;
    options.parameters = *params;
    options.attacker_steps = cmd.attacker_steps;
    options.spec_dirs = default_spec_dirs(cmd.spec_dirs);
    options.jobs = cmd.jobs;
    options.limits = cmd.limits;
    if (std::count(cmd.paths.begin(), cmd.paths.end(), trace::kStandardInputPath) > 1) {
        return make_error(ErrorCode::usage, "'-' (standard input) can be read only once; found it twice");
    }
    options.stdin_format = cmd.input_format == "jsonl" ? trace::InputFormat::jsonl : trace::InputFormat::json;
    if (cmd.symbolic && cmd.concrete) {
        return make_error(ErrorCode::usage, "--symbolic and --concrete exclude each other");
    }
    if (cmd.concrete && cmd.max_missing > 0) {
        return make_error(ErrorCode::usage, "--max-missing needs the symbolic check; drop --concrete");
    }
    options.symbolic = cmd.symbolic   ? checker::CheckOptions::Symbolic::always
                       : cmd.concrete ? checker::CheckOptions::Symbolic::never
                                      : checker::CheckOptions::Symbolic::automatic;
    options.symbolic_options.max_missing = cmd.max_missing;
    options.symbolic_options.timeout_ms = cmd.timeout_ms;
    options.spec_limits = cmd.spec_limits;
    options.spec_limits.max_nesting = cmd.limits.max_nesting;
    options.spec_limits.max_number_chars = cmd.limits.max_number_chars;
    if (!cmd.shard.empty()) {
        auto shard = checker::parse_shard(cmd.shard);
        if (!shard) {
            return tl::make_unexpected(shard.error());
        }
        options.shard_index = shard->first;
        options.shard_count = shard->second;
    }
    // A progress bar on stderr, only for people watching a terminal.
    const bool show_progress = !cmd.quiet && isatty(2) != 0 && std::getenv("CI") == nullptr;
    if (show_progress) {
        options.progress = [](std::size_t done, std::size_t total) {
            if (total < 20) {
                return;
            }
            constexpr std::size_t kWidth = 30;
            const std::size_t filled = done * kWidth / total;
            std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] "
                      << done << "/" << total << (done == total ? "\r\x1b[K" : "") << std::flush;
        };
    }
    return options;
}

/// The report of `run` in the --format asked for, to --output or stdout; bad inputs also to stderr,
/// so they are seen when the report goes to a file or is JSON.
Expected<void> write_report(const CheckCommand& cmd, const checker::CheckRun& run)
{
    std::ofstream file;
    std::ostream* out = &std::cout;
    if (!cmd.output.empty()) {
        file.open(cmd.output, std::ios::binary);
        if (!file) {
            return make_file_error(ErrorCode::io, cmd.output, "cannot write the report file");
        }
        out = &file;
    }
    if (cmd.format == "json") {
        report::write_json(*out, run);
    } else if (cmd.format == "sarif") {
        report::write_sarif(*out, run);
    } else if (cmd.format == "junit") {
        report::write_junit(*out, run);
    } else if (cmd.format == "html") {
        report::write_html(*out, run);
    } else {
        report::TextOptions text;
        text.color =
            cmd.output.empty() && !cmd.no_color && std::getenv("NO_COLOR") == nullptr && isatty(1) != 0;
        text.verbosity = cmd.quiet ? -1 : (cmd.verbose ? 1 : 0);
        report::write_text(*out, run, text);
    }
    if (cmd.format != "text" || !cmd.output.empty()) {
        for (const auto& e : run.errors) {
            std::cerr << "pc5check: " << e.to_string() << "\n";
        }
        if (run.tally().bad != 0) {
            run.for_each_trace([](const checker::TraceResult& t) {
                if (t.error) {
                    std::cerr << "pc5check: " << t.error->to_string() << "\n";
                }
            });
        }
    }
    out->flush();
    return {};
}

int run_check(const CheckCommand& cmd)
{
    auto options = check_options(cmd);
    if (!options) {
        return fail(options.error());
    }
    smt::set_solver_memory_limit(cmd.solver_memory_mb);
    if (!cmd.spec_file.empty()) {
        // Load once up front so a broken --spec is reported as such, not once per trace.
        auto loaded = spec::load_spec(cmd.spec_file, options->parameters, options->spec_limits);
        if (!loaded) {
            return fail(loaded.error());
        }
    }
    // Results go to a temporary file as they come (memory follows one trace, not the run); the
    // writers read them back. Only the HTML chart needs per-event summaries: it keeps those of the
    // first kHtmlEventSummaries events of a trace.
    constexpr std::size_t kHtmlEventSummaries = 50'000;
    options->max_event_summaries = cmd.format == "html" ? kHtmlEventSummaries : 0;
    auto spool = std::make_shared<checker::TraceSpool>();
    checker::CheckRun run =
        checker::check_paths(cmd.paths, *options, [&spool](checker::TraceResult&& r) { spool->append(r); });
    if (auto written = spool->finish(); !written) {
        return fail(written.error());
    }
    run.spool = spool;
    if (auto written = write_report(cmd, run); !written) {
        return fail(written.error());
    }
    return checker::exit_code(run);
}

Expected<void> write_json_file(const std::string& path, const std::string& text)
{
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) {
        return make_file_error(ErrorCode::io, path, "cannot write file");
    }
    return {};
}

int run_gen(const GenCommand& cmd)
{
    auto loaded = spec::load_spec(cmd.spec_file, {}, cmd.spec_limits);
    if (!loaded) {
        return fail(loaded.error());
    }
    std::error_code ec;
    std::filesystem::create_directories(cmd.output_dir, ec);
    if (ec) {
        return fail(
            make_file_error(ErrorCode::io, cmd.output_dir, "cannot create output directory: " + ec.message())
                .value());
    }
    if (cmd.count > 0) {
        // Random traces, one per line of one .jsonl file.
        std::string text;
        for (std::size_t i = 0; i < cmd.count; ++i) {
            auto t = gen::make_random_trace(loaded->id, cmd.seed + i, cmd.mutate, cmd.algorithms);
            if (!t) {
                return fail(t.error());
            }
            text += trace::to_json(*t).dump() + "\n";
        }
        const std::string path =
            cmd.output_dir + "/" + loaded->id + "-random-" + std::to_string(cmd.seed) + ".jsonl";
        if (auto w = write_json_file(path, text); !w) {
            return fail(w.error());
        }
        std::cout << "wrote " << cmd.count << " trace(s) to " << path << "\n";
        return kExitOk;
    }
    auto catalogue = gen::scenarios(loaded->id);
    if (!catalogue) {
        return fail(catalogue.error());
    }
    std::size_t written = 0;
    for (const auto& sc : *catalogue) {
        const bool wanted = cmd.scenarios.empty() || std::find(cmd.scenarios.begin(), cmd.scenarios.end(),
                                                               sc.name) != cmd.scenarios.end();
        const bool mutation_ok = cmd.mutate.empty() || sc.mutate_rule == cmd.mutate;
        if (!wanted || !mutation_ok) {
            continue;
        }
        auto t = gen::make_trace(loaded->id, sc.name, cmd.seed, cmd.algorithms);
        if (!t) {
            return fail(t.error());
        }
        if (auto w =
                write_json_file(cmd.output_dir + "/" + sc.name + ".json", trace::to_json(*t).dump(2) + "\n");
            !w) {
            return fail(w.error());
        }
        ++written;
    }
    if (written == 0) {
        return fail(
            make_error(ErrorCode::usage, "no scenario of " + loaded->id + " matches the selection").value());
    }
    std::cout << "wrote " << written << " trace(s) to " << cmd.output_dir << "\n";
    return kExitOk;
}

int run_merge(const MergeCommand& cmd)
{
    std::vector<nlohmann::json> docs;
    for (const auto& path : cmd.inputs) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            return fail(make_file_error(ErrorCode::io, path, "cannot read report file").value());
        }
        try {
            docs.push_back(nlohmann::json::parse(in));
        } catch (const nlohmann::json::exception& ex) {
            return fail(make_file_error(ErrorCode::bad_input, path,
                                        std::string("expected a pc5check JSON or SARIF report: ") + ex.what())
                            .value());
        }
    }
    auto merged = report::merge_reports(docs, cmd.inputs);
    if (!merged) {
        return fail(merged.error());
    }
    if (cmd.output.empty()) {
        std::cout << merged->dump(2) << "\n";
    } else if (auto w = write_json_file(cmd.output, merged->dump(2) + "\n"); !w) {
        return fail(w.error());
    }
    // Same exit code as the unsharded run. prove: 1 a property violated or inconclusive, else 0.
    if (merged->contains("properties")) {
        const auto& properties = merged->at("properties");
        return std::any_of(properties.begin(), properties.end(),
                           [](const nlohmann::json& p) {
                               const auto& v = p.at("verdict");
                               return v == "violated" || v == "inconclusive";
                           })
                   ? kExitFailed
                   : kExitOk;
    }
    // check: 2 bad input, 1 violation, 0 all conform.
    if (merged->contains("summary")) {
        const auto& summary = merged->at("summary");
        if (summary.value("bad_input", 0) > 0) {
            return kExitBadInput;
        }
        return summary.value("violation", 0) + summary.value("inconclusive", 0) > 0 ? 1 : kExitOk;
    }
    return kExitOk;
}

/// `spec show`: parameters (with their options), assumptions, messages, transitions and rules.
void show_spec(const spec::Spec& s)
{
    std::cout << s.id << " — " << s.title << "\n";
    if (!s.variant_note.empty()) {
        std::cout << "  " << s.variant_note << "\n";
    }
    std::cout << "\nparameters:\n";
    for (const auto& p : s.parameters) {
        std::cout << "  " << p.id << " = " << expr::render(p.value, p.type)
                  << (p.confirmed ? "  [confirmed]" : "  [UNCONFIRMED]") << "  " << p.text << "\n";
        for (const auto& o : p.options) {
            std::cout << "      " << (o.id == p.value_text() ? "* " : "  ") << o.id << ": " << o.text << "\n";
        }
    }
    if (!s.assumptions.empty()) {
        std::cout << "\nassumptions (decisions the text does not state; * = in force):\n";
        for (const auto& a : s.assumptions) {
            std::cout << "  " << (a.in_force ? "* " : "  ") << a.id << ": " << a.text << "\n";
            std::string silent;
            for (const auto& c : a.silent) {
                silent +=
                    (silent.empty() ? "" : "; ") + c.to_string() + (c.note.empty() ? "" : ": " + c.note);
            }
            std::cout << "      silent: " << silent
                      << (a.only_if ? "  (only if " + a.only_if->to_string() + ")" : std::string()) << "\n";
        }
    }
    std::cout << "\nmessages:\n";
    for (const auto& m : s.messages) {
        std::cout << "  " << m.id << " (";
        for (std::size_t i = 0; i < m.senders.size(); ++i) {
            std::cout << (i == 0 ? "" : ", ") << m.senders[i];
        }
        std::cout << "):";
        for (const auto& ie : m.ies) {
            std::cout << " " << ie.name;
        }
        std::cout << "\n";
    }
    std::cout << "\ntransitions:\n";
    for (const auto& t : s.transitions) {
        std::string from;
        for (const auto& f : t.from) {
            from += (from.empty() ? "" : "|") + f;
        }
        std::string on;
        for (const auto& m : t.on) {
            on += (on.empty() ? "" : "|") + m;
        }
        std::cout << "  " << t.id << ": " << t.role << " " << (from.empty() ? "*" : from) << " --"
                  << (t.dir == spec::Direction::send   ? "send "
                      : t.dir == spec::Direction::recv ? "recv "
                                                       : "observe ")
                  << on << "--> " << (t.to.empty() ? "(same)" : t.to) << "   ["
                  << t.clauses.front().to_string() << "]\n";
    }
    std::cout << "\nrules:\n";
    for (const auto& r : s.rules) {
        std::cout << "  " << r.id << (r.warning ? " (warning)" : "") << ": " << r.text << "\n";
        for (const auto& c : r.clauses) {
            std::cout << "      " << c.to_string() << (c.note.empty() ? "" : " — " + c.note) << "\n";
        }
    }
}

int run_spec(const SpecCommand& cmd)
{
    auto params = parse_params(cmd.params);
    if (!params) {
        return fail(params.error());
    }
    auto loaded = spec::load_spec(cmd.file, *params, cmd.limits);
    if (!loaded) {
        return fail(loaded.error());
    }
    const spec::Spec& s = *loaded;
    if (cmd.action == "lint") {
        auto findings = spec::lint_structure(s);
        auto solver_findings = smt::lint_expressions(s, cmd.lint_limits);
        if (!solver_findings) {
            return fail(solver_findings.error());
        }
        findings.insert(findings.end(), solver_findings->begin(), solver_findings->end());
        for (const auto& f : findings) {
            std::cout << s.file << ": at " << f.pointer << ": " << f.message << "\n";
        }
        std::cout << s.id << ": " << findings.size() << " lint finding(s)\n";
        return findings.empty() ? kExitOk : 1;
    }
    if (cmd.action == "dot" || cmd.action == "mermaid") {
        std::cout << (cmd.action == "dot" ? spec::to_dot(s) : spec::to_mermaid(s));
        return kExitOk;
    }
    show_spec(s);
    return kExitOk;
}

/// The `check` subcommand, its options read into `check`.
CLI::App* add_check_command(CLI::App& app, CheckCommand& check)
{
    auto* check_cmd = app.add_subcommand(
        "check", "Replay traces (pc5-trace/1) against the spec and report rule violations");
    check_cmd
        ->add_option("paths", check.paths, "trace files (.json, .jsonl) or directories; - for standard input")
        ->required();
    check_cmd
        ->add_option("--input-format", check.input_format,
                     "how standard input (-) is read: json (one trace) or jsonl (one trace per line)")
        ->check(CLI::IsMember({"json", "jsonl"}));
    check_cmd->add_option("--spec", check.spec_file, "spec file to use instead of each trace's `spec`");
    check_cmd->add_option("--spec-dir", check.spec_dirs,
                          "directory holding <spec id>.json files (repeatable)");
    check_cmd->add_option("--param", check.params, "override a spec parameter: ID=VALUE (repeatable)");
    check_cmd->add_option("--format", check.format, "report format: text, json, junit, sarif or html")
        ->check(CLI::IsMember({"text", "json", "junit", "sarif", "html"}));
    check_cmd->add_option("-o,--output", check.output, "write the report to FILE instead of stdout");
    check_cmd->add_flag("-q,--quiet", check.quiet, "summary only");
    check_cmd->add_flag("-v,--verbose", check.verbose, "also list every unverified check and assumption");
    check_cmd->add_flag("--no-color", check.no_color, "no ANSI colours (also: NO_COLOR set, or not a TTY)");
    check_cmd
        ->add_option(
            "-j,--jobs", check.jobs,
            "threads that check traces, the reading thread among them (output order does not depend on it)")
        ->check(CLI::Range(1U, 256U));
    check_cmd->add_option("--max-events", check.limits.max_events,
                          "limit: events per trace (default 10000000)");
    check_cmd->add_option("--max-ies", check.limits.max_ies, "limit: IEs per event (default 64)");
    check_cmd->add_option("--max-hex-digits", check.limits.max_hex_digits,
                          "limit: hex digits of one pdu or IE value (default 1048576)");
    check_cmd->add_flag(
        "--symbolic", check.symbolic,
        "check with Z3: open values (unlogged sec/pdu/keys, IEs not decoded, one-UE logs) become "
        "free variables; conforms lists assumptions, violation gives a minimal explanation. Default: "
        "automatic for traces that leave values open");
    check_cmd->add_flag("--concrete", check.concrete,
                        "never check symbolically (plain replay; open values -> unverified)");
    check_cmd->add_flag(
        "--attacker-steps", check.attacker_steps,
        "honour a trace's top-level attacker_steps (counterexamples of prove: messages the attacker "
        "injected or dropped); never use it on vendor traces");
    check_cmd->add_option("--max-missing", check.max_missing,
                          "let the solver insert up to N unlogged messages anywhere (implies --symbolic)");
    check_cmd
        ->add_option("--timeout-ms", check.timeout_ms,
                     "limit: solver time per trace in ms (default 10000) -> inconclusive")
        ->check(CLI::Range(1U, 86'400'000U));
    check_cmd
        ->add_option("--solver-memory-mb", check.solver_memory_mb,
                     "limit: solver memory in MiB, whole process (default 4096) -> inconclusive")
        ->check(CLI::Range(16U, 1'048'576U));
    check_cmd->add_option("--max-file-bytes", check.limits.max_file_bytes,
                          "limit: bytes of a .json trace file or of a .jsonl line (default 1073741824)");
    check_cmd
        ->add_option("--max-nesting", check.limits.max_nesting,
                     "limit: JSON nesting depth of a trace or spec (default 100)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1000}));
    check_cmd->add_option("--max-number-chars", check.limits.max_number_chars,
                          "limit: characters of one JSON number in a trace or spec (default 40)");
    add_spec_limit_options(*check_cmd, check.spec_limits, false);
    check_cmd->add_option("--shard", check.shard,
                          "check only shard I of N (I/N, 0-based): a stable split for CI matrices");
    check_cmd->footer(
        "Examples:\n  pc5check check traces/\n  pc5check check capture.json --format json -o report.json\n"
        "  pc5check check corpus/ -j 2 --shard 0/4 --format junit -o shard0.xml\n"
        "  exporter --jsonl | pc5check check - --input-format jsonl");
    return check_cmd;
}

/// The `spec` subcommand, its options read into `spec_opts`.
CLI::App* add_spec_command(CLI::App& app, SpecCommand& spec_opts)
{
    auto* spec_cmd = app.add_subcommand("spec", "Inspect a spec: lint, show, or draw its state machines");
    spec_cmd
        ->add_option("action", spec_opts.action, "lint | show | dot (Graphviz) | mermaid (stateDiagram-v2)")
        ->required()
        ->check(CLI::IsMember({"lint", "show", "dot", "mermaid"}));
    spec_cmd->add_option("file", spec_opts.file, "spec file, e.g. spec/ts33536-r17.json")->required();
    spec_cmd->add_option("--param", spec_opts.params, "override a spec parameter: ID=VALUE (repeatable)");
    add_spec_limit_options(*spec_cmd, spec_opts.limits, true);
    spec_cmd
        ->add_option("--timeout-ms", spec_opts.lint_limits.timeout_ms,
                     "lint: solver time per query (default 2000)")
        ->check(CLI::Range(1U, 3'600'000U));
    spec_cmd
        ->add_option("--solver-memory-mb", spec_opts.lint_limits.memory_mb,
                     "lint: solver memory in MiB, Z3's context included (default 2048)")
        ->check(CLI::Range(1U, 1U << 20U));
    spec_cmd->footer("Example:\n  pc5check spec lint spec/ts33536-r17.json\n"
                     "  pc5check spec dot spec/ts33536-r17.json | dot -Tsvg -o ts33536-r17.svg");
    return spec_cmd;
}

/// The `gen` subcommand, its options read into `gen_opts`.
CLI::App* add_gen_command(CLI::App& app, GenCommand& gen_opts)
{
    auto* gen_cmd = app.add_subcommand(
        "gen", "Generate traces with real keys and MAC-Is: the scenario catalogue or random ones");
    gen_cmd->add_option("spec", gen_opts.spec_file, "spec file, e.g. spec/ts33536-r17.json")->required();
    gen_cmd->add_option("-o,--output", gen_opts.output_dir, "output directory")->required();
    gen_cmd->add_option("--count", gen_opts.count,
                        "write N random multi-re-keying traces (.jsonl) instead of the catalogue");
    gen_cmd->add_option("--mutate", gen_opts.mutate,
                        "only traces breaking this rule ID ('none': conforming random traces)");
    gen_cmd->add_option("--seed", gen_opts.seed, "seed: the same seed gives byte-identical traces");
    gen_cmd->add_option("--scenario", gen_opts.scenarios, "only these catalogue scenarios (repeatable)");
    gen_cmd
        ->add_option("--nea", gen_opts.algorithms.nea,
                     "ciphering algorithm of the link and its re-keyings: NEA1, NEA2 or NEA3")
        ->capture_default_str();
    gen_cmd
        ->add_option("--nia", gen_opts.algorithms.nia,
                     "integrity algorithm of the link and its re-keyings: NIA1, NIA2 or NIA3")
        ->capture_default_str();
    add_spec_limit_options(*gen_cmd, gen_opts.spec_limits, true);
    gen_cmd->footer("Example:\n  pc5check gen spec/ts33536-r17.json -o traces/ts33536-r17\n"
                    "  pc5check gen spec/ts33536-r17.json --count 1000 --seed 7 -o /tmp/load");
    return gen_cmd;
}

/// The `merge` subcommand, its options read into `merge_opts`.
CLI::App* add_merge_command(CLI::App& app, MergeCommand& merge_opts)
{
    auto* merge_cmd =
        app.add_subcommand("merge", "Merge the JSON (or SARIF) reports of --shard runs into one report");
    merge_cmd->add_option("reports", merge_opts.inputs, "report files of disjoint shards")->required();
    merge_cmd->add_option("-o,--output", merge_opts.output,
                          "write the merged report to FILE instead of stdout");
    merge_cmd->footer("Example:\n  for i in 0 1 2 3; do pc5check check corpus/ --shard $i/4 --format json -o "
                      "shard$i.json; done\n"
                      "  pc5check merge shard*.json -o all.json");
    return merge_cmd;
}

int run(int argc, char** argv)
{
    CLI::App app{"pc5check — conformance checker and reference model for PC5 unicast link re-keying "
                 "(TS 33.536 / TS 24.554; TR 33.847 seed solution)",
                 "pc5check"};
    app.require_subcommand(1);
    // The one version (project(VERSION) in CMakeLists.txt) and the libraries doing the real work.
    app.set_version_flag("--version", std::string("pc5check ") + PC5CHECK_VERSION + "\n" +
                                          smt::solver_version() + "\n" + crypto::library_version());
    app.footer("Exit codes: 0 conforms, 1 violation, 2 bad input or usage, 3 internal error.");

    CheckCommand check;
    CLI::App* check_cmd = add_check_command(app, check);
    SpecCommand spec_opts;
    CLI::App* spec_cmd = add_spec_command(app, spec_opts);
    GenCommand gen_opts;
    CLI::App* gen_cmd = add_gen_command(app, gen_opts);
    MergeCommand merge_opts;
    CLI::App* merge_cmd = add_merge_command(app, merge_opts);
    cli::MonitorCommand monitor_opts;
    CLI::App* monitor_cmd = cli::add_monitor_command(app, monitor_opts);
    cli::ShrinkCommand shrink_opts;
    CLI::App* shrink_cmd = cli::add_shrink_command(app, shrink_opts);

    cli::SystemCommands system_cmds;
    cli::add_system_commands(app, system_cmds);
    std::string manual_format;
    CLI::App* manual_cmd = cli::add_manual_command(app, manual_format);

    // CLI11 reads "-1" into an unsigned limit as a huge one: refuse negative limits.
    const CLI::Validator non_negative(
        [](const std::string& value) {
            return value.starts_with('-') ? "expected a number >= 0, found " + value : std::string();
        },
        "NONNEGATIVE");
    for (CLI::App* sub : {check_cmd, spec_cmd, gen_cmd, monitor_cmd}) {
        for (CLI::Option* opt : sub->get_options()) {
            if (opt->get_name().starts_with("--max-")) {
                opt->check(non_negative);
            }
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitOk : kExitBadInput;
    }
    if (manual_cmd->parsed()) {
        std::cout << (manual_format == "man"    ? cli::man_page(app, PC5CHECK_VERSION)
                      : manual_format == "bash" ? cli::bash_completion(app)
                                                : cli::zsh_completion(app));
        return kExitOk;
    }
    if (check_cmd->parsed()) {
        return run_check(check);
    }
    if (monitor_cmd->parsed()) {
        return cli::run_monitor(monitor_opts);
    }
    if (shrink_cmd->parsed()) {
        return cli::run_shrink(shrink_opts);
    }
    if (spec_cmd->parsed()) {
        return run_spec(spec_opts);
    }
    if (gen_cmd->parsed()) {
        return run_gen(gen_opts);
    }
    if (merge_cmd->parsed()) {
        return run_merge(merge_opts);
    }
    if (system_cmds.prove_cmd->parsed()) {
        return cli::run_prove(system_cmds.prove);
    }
    if (system_cmds.query_cmd->parsed()) {
        return cli::run_query(system_cmds.query);
    }
    if (system_cmds.diff_cmd->parsed()) {
        return cli::run_diff(system_cmds.diff);
    }
    return kExitBadInput;
}

} // namespace

int main(int argc, char** argv)
{
    pc5check::cli::tune_heap_for_solver_contexts();
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "pc5check: internal error: " << e.what() << "\n";
        return kExitInternal;
    } catch (...) {
        std::cerr << "pc5check: internal error\n";
        return kExitInternal;
    }
}
