#include "pc5check/checker/check.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace pc5check::checker {

Expected<const spec::Spec*> SpecCache::get(const std::string& spec_id)
{
    const std::string key = options_->spec_file.empty() ? spec_id : options_->spec_file;
    if (const auto it = specs_.find(key); it != specs_.end()) {
        return it->second.get();
    }
    std::string path = options_->spec_file;
    if (path.empty()) {
        auto found = spec::find_spec_file(spec_id, options_->spec_dirs);
        if (!found) {
            return tl::make_unexpected(found.error());
        }
        path = *found;
    }
    auto loaded = spec::load_spec(path, options_->parameters);
    if (!loaded) {
        return tl::make_unexpected(loaded.error());
    }
    auto owned = std::make_shared<const spec::Spec>(std::move(*loaded));
    const spec::Spec* raw = owned.get();
    specs_.emplace(key, std::move(owned));
    return raw;
}

std::map<std::string, std::shared_ptr<const spec::Spec>> SpecCache::loaded() const
{
    std::map<std::string, std::shared_ptr<const spec::Spec>> out;
    for (const auto& [key, spec] : specs_) {
        out.emplace(spec->id, spec);
    }
    return out;
}

TraceResult check_trace(const trace::Trace& trace, SpecCache& specs)
{
    return check_trace(trace, specs.get(trace.spec));
}

TraceResult check_trace(const trace::Trace& trace, const Expected<const spec::Spec*>& spec)
{
    TraceResult r;
    r.file = trace.file;
    r.line = trace.line;
    r.title = trace.title;
    r.spec_id = trace.spec;
    r.event_count = trace.events.size();
    r.expect = trace.expect;
    if (!spec) {
        Error e = spec.error();
        if (e.file.empty()) {
            e.file = trace.file;
            e.line = trace.line;
            e.json_pointer = "/spec";
        }
        r.error = e;
        return r;
    }
    auto replayed = machine::replay(**spec, trace);
    if (!replayed) {
        r.error = replayed.error();
        return r;
    }
    r.replay = std::move(*replayed);
    r.events.reserve(trace.events.size());
    for (std::size_t i = 0; i < trace.events.size(); ++i) {
        const trace::Event& ev = trace.events[i];
        EventSummary e;
        e.at = ev.at;
        e.from = ev.from;
        e.msg = ev.msg;
        e.sec = ev.sec;
        e.pdu_logged = ev.pdu.has_value();
        e.position = ev.position;
        if (i < r.replay.steps.size()) {
            e.sender_transition = r.replay.steps[i].sender_transition;
            e.receiver_transition = r.replay.steps[i].receiver_transition;
        }
        r.events.push_back(std::move(e));
    }
    return r;
}

unsigned stable_shard(const std::string& file, std::size_t line, unsigned count)
{
    // FNV-1a over "file:line": independent of the rest of the corpus and of the platform.
    std::uint64_t h = 14695981039346656037ULL;
    const std::string key = file + ":" + std::to_string(line);
    for (const char c : key) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return count == 0 ? 0 : static_cast<unsigned>(h % count);
}

Expected<std::pair<unsigned, unsigned>> parse_shard(const std::string& text)
{
    const auto slash = text.find('/');
    unsigned index = 0;
    unsigned count = 0;
    const auto parse = [](const std::string& part, unsigned& out) {
        if (part.empty() || part.size() > 6 || part.find_first_not_of("0123456789") != std::string::npos) {
            return false;
        }
        out = static_cast<unsigned>(std::stoul(part));
        return true;
    };
    if (slash == std::string::npos || !parse(text.substr(0, slash), index) || !parse(text.substr(slash + 1), count) ||
        count == 0 || index >= count) {
        return make_error(ErrorCode::usage, "--shard expects I/N with 0 <= I < N, e.g. 0/4; found '" + text + "'");
    }
    return std::pair{index, count};
}

CheckRun check_paths(const std::vector<std::string>& paths, const CheckOptions& options)
{
    CheckRun run;
    SpecCache specs(options);
    auto files = trace::collect_trace_files(paths);
    if (!files) {
        run.errors.push_back(files.error());
        return run;
    }
    // Read every file first (bad files become errors in order), then check the selected traces.
    std::vector<trace::Trace> traces;
    std::vector<std::size_t> slot_of_trace; // index into run.traces
    for (const auto& file : *files) {
        auto docs = trace::read_trace_file(file);
        if (!docs) {
            run.errors.push_back(docs.error());
            continue;
        }
        for (auto& doc : *docs) {
            const std::string label_file = doc ? doc->file : (doc.error().file.empty() ? file : doc.error().file);
            const std::size_t line = doc ? doc->line : (doc.error().line == 0 ? 1 : doc.error().line);
            if (options.shard_count > 1 && stable_shard(label_file, line, options.shard_count) != options.shard_index) {
                continue;
            }
            if (doc) {
                if (auto within = trace::check_limits(*doc, options.limits); !within) {
                    doc = tl::make_unexpected(within.error());
                }
            }
            if (!doc) {
                TraceResult r;
                r.file = label_file;
                r.line = line;
                r.error = doc.error();
                run.traces.push_back(std::move(r));
                continue;
            }
            slot_of_trace.push_back(run.traces.size());
            run.traces.emplace_back();
            traces.push_back(std::move(*doc));
        }
    }
    // Load the specs up front (single-threaded), so workers only read them.
    std::vector<Expected<const spec::Spec*>> spec_of(traces.size(), Expected<const spec::Spec*>(nullptr));
    for (std::size_t i = 0; i < traces.size(); ++i) {
        spec_of[i] = specs.get(traces[i].spec);
    }
    const auto check_one = [&](std::size_t i) {
        TraceResult r = check_trace(traces[i], spec_of[i]);
        run.traces[slot_of_trace[i]] = std::move(r);
    };
    const unsigned jobs = std::max(1U, std::min<unsigned>(options.jobs, static_cast<unsigned>(traces.size())));
    if (jobs <= 1) {
        for (std::size_t i = 0; i < traces.size(); ++i) {
            check_one(i);
            if (options.progress) {
                options.progress(i + 1, traces.size());
            }
        }
    } else {
        std::atomic<std::size_t> next{0};
        std::atomic<std::size_t> done{0};
        std::vector<std::thread> workers;
        workers.reserve(jobs);
        for (unsigned w = 0; w < jobs; ++w) {
            workers.emplace_back([&]() {
                for (std::size_t i = next++; i < traces.size(); i = next++) {
                    check_one(i);
                    ++done;
                }
            });
        }
        if (options.progress) {
            while (done.load() < traces.size()) {
                options.progress(done.load(), traces.size());
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
            options.progress(traces.size(), traces.size());
        }
        for (auto& w : workers) {
            w.join();
        }
    }
    run.specs = specs.loaded();
    return run;
}

int exit_code(const CheckRun& run)
{
    bool violation = false;
    bool bad = !run.errors.empty();
    for (const auto& t : run.traces) {
        bad = bad || t.error.has_value();
        violation = violation || (!t.error && t.replay.verdict == machine::Verdict::violation);
    }
    if (bad) {
        return 2;
    }
    return violation ? 1 : 0;
}

} // namespace pc5check::checker
