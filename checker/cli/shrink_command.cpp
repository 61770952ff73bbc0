/// \file `pc5check shrink`: see shrink_command.h.

#include "shrink_command.h"

#include "common.h"
#include "pc5check/checker/report.h"
#include "pc5check/checker/shrink.h"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pc5check::cli {

namespace {

/// The documents of the input (`-`: standard input), read but not parsed.
Expected<std::vector<trace::RawDocument>> read_documents(const ShrinkCommand& cmd, const std::string& name)
{
    std::vector<trace::RawDocument> docs;
    std::optional<Error> bad;
    const auto take = [&](Expected<trace::RawDocument>&& doc) {
        if (!doc && !bad) {
            bad = doc.error();
        } else if (doc) {
            docs.push_back(std::move(*doc));
        }
    };
    const auto format = cmd.input_format == "jsonl" ? trace::InputFormat::jsonl : trace::InputFormat::json;
    auto read = cmd.input == trace::kStandardInputPath
                    ? trace::for_each_document_in_stream(stdin, name, format, take, cmd.limits)
                    : trace::for_each_document_in_file(cmd.input, take, cmd.limits);
    if (!read) {
        return tl::make_unexpected(read.error());
    }
    if (bad) {
        return tl::make_unexpected(*bad);
    }
    return docs;
}

/// The trace to shrink: the only one of the input, or the one starting at --line.
Expected<trace::Trace> read_trace(const ShrinkCommand& cmd)
{
    const std::string name =
        cmd.input == trace::kStandardInputPath ? std::string(trace::kStandardInputName) : cmd.input;
    auto docs = read_documents(cmd, name);
    if (!docs) {
        return tl::make_unexpected(docs.error());
    }
    for (const trace::RawDocument& doc : *docs) {
        if (cmd.line == doc.line || (cmd.line == 0 && docs->size() == 1)) {
            auto t = trace::parse_trace(doc.text, name, doc.line, cmd.limits);
            if (t) {
                if (auto within = trace::check_limits(*t, cmd.limits); !within) {
                    return tl::make_unexpected(within.error());
                }
            }
            return t;
        }
    }
    std::string lines;
    for (const trace::RawDocument& doc : *docs) {
        lines += (lines.empty() ? "" : ", ") + std::to_string(doc.line);
    }
    return make_file_error(ErrorCode::usage, name,
                           "expected --line with the line of one of its " + std::to_string(docs->size()) +
                               " traces (" + lines + ")" +
                               (cmd.line != 0 ? ", found " + std::to_string(cmd.line) : std::string()));
}

/// check's HTML report of the shrunk trace: its message sequence chart, the violations, the state.
std::string html_report(const trace::Trace& shrunk, const checker::CheckOptions& options)
{
    checker::SpecCache specs(options);
    checker::CheckRun run;
    const auto spec = specs.get(shrunk.spec);
    run.traces.push_back(checker::check_trace(shrunk, spec, options, specs.program(shrunk.spec)));
    run.specs = specs.loaded();
    std::ostringstream out;
    report::write_html(out, run);
    return out.str();
}

} // namespace

int run_shrink(const ShrinkCommand& cmd)
{
    auto params = parse_params(cmd.params);
    if (!params) {
        return fail(params.error());
    }
    checker::CheckOptions options;
    options.spec_file = cmd.spec_file;
    options.parameters = *params;
    options.spec_dirs = default_spec_dirs(cmd.spec_dirs);
    options.limits = cmd.limits;
    options.symbolic =
        cmd.concrete ? checker::CheckOptions::Symbolic::never : checker::CheckOptions::Symbolic::automatic;
    auto trace = read_trace(cmd);
    if (!trace) {
        return fail(trace.error());
    }
    auto shrunk = checker::shrink(*trace, cmd.rule, options);
    if (!shrunk) {
        return fail(shrunk.error());
    }
    if (!*shrunk) {
        std::cerr << "pc5check: " << trace->file << ": check reports no violation of " << cmd.rule
                  << " in this trace; nothing to shrink\n";
        return kExitFailed;
    }
    const checker::ShrinkResult& r = **shrunk;
    const std::string text =
        cmd.format == "html" ? html_report(r.trace, options) : trace::to_json(r.trace).dump(2) + "\n";
    if (cmd.output.empty()) {
        std::cout << text << std::flush;
    } else if (std::ofstream out(cmd.output, std::ios::binary); !(out << text)) {
        return fail(make_file_error(ErrorCode::io, cmd.output, "cannot write file").value());
    }
    std::cerr << "pc5check: " << trace->file << ": " << r.trace.events.size() << " of " << r.original_events
              << " events and " << r.ies << " of " << r.original_ies << " IEs still break " << cmd.rule
              << " by the " << trace::to_string(r.offender) << " (" << r.checks << " checks";
    if (r.ies_kept_for_mac != 0) {
        std::cerr << "; " << r.ies_kept_for_mac << " IE(s) kept: their MAC-I cannot be recomputed";
    }
    std::cerr << ")\n";
    return kExitOk;
}

CLI::App* add_shrink_command(CLI::App& app, ShrinkCommand& cmd)
{
    auto* sub = app.add_subcommand("shrink", "Cut a trace down to the fewest events, then the fewest IEs, "
                                             "that still break a rule (delta debugging)");
    sub->add_option("trace", cmd.input,
                    "the trace: a .json file, a .jsonl file with --line, or - for standard input")
        ->required();
    sub->add_option("--rule", cmd.rule, "the rule ID the shrunk trace must still break")->required();
    sub->add_option("-o,--output", cmd.output, "write the shrunk trace to FILE instead of stdout");
    sub->add_option("--format", cmd.format,
                    "json (the shrunk pc5-trace/1 document, the default) or html (check's report of it: the "
                    "message sequence chart)")
        ->check(CLI::IsMember({"json", "html"}));
    sub->add_option("--line", cmd.line, "which trace of a .jsonl input: the line it starts on");
    sub->add_option("--input-format", cmd.input_format,
                    "how standard input (-) is read: json (one trace) or jsonl (one trace per line)")
        ->check(CLI::IsMember({"json", "jsonl"}));
    sub->add_option("--spec", cmd.spec_file, "spec file to use instead of the trace's `spec`");
    sub->add_option("--spec-dir", cmd.spec_dirs, "directory holding <spec id>.json files (repeatable)");
    sub->add_option("--param", cmd.params, "override a spec parameter: ID=VALUE (repeatable)");
    sub->add_flag("--concrete", cmd.concrete, "never check symbolically (plain replay), as check --concrete");
    sub->footer("Examples:\n  pc5check shrink capture.json --rule SMC_ECHO_CAPS -o small.json\n"
                "  pc5check shrink capture.json --rule SMC_ECHO_CAPS --format html -o small.html");
    return sub;
}

} // namespace pc5check::cli
