#include "pc5check/checker/check.h"

#include <algorithm>
#include <atomic>
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
    auto loaded = spec::load_spec(path, options_->parameters, options_->spec_limits);
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

TraceResult check_trace(const trace::Trace& trace, const Expected<const spec::Spec*>& spec,
                        std::size_t max_event_summaries)
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
    auto replayer = machine::Replayer::start(**spec, trace);
    if (!replayer) {
        r.error = replayer.error();
        return r;
    }
    r.events.reserve(std::min(trace.events.size(), max_event_summaries));
    for (std::size_t i = 0; i < trace.events.size(); ++i) {
        const trace::Event& ev = trace.events[i];
        const auto step = replayer->feed(ev);
        if (!step) {
            r.error = step.error();
            r.events.clear();
            return r;
        }
        if (i >= max_event_summaries) {
            continue;
        }
        EventSummary e;
        e.at = ev.at;
        e.from = ev.from;
        e.msg = ev.msg;
        e.sec = ev.sec;
        e.pdu_logged = ev.pdu.has_value();
        e.position = ev.position;
        e.sender_transition = (*step)->sender_transition;
        e.receiver_transition = (*step)->receiver_transition;
        r.events.push_back(std::move(e));
    }
    r.replay = std::move(*replayer).finish();
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
    std::vector<TraceResult> traces;
    CheckRun run = check_paths(paths, options, [&traces](TraceResult&& r) { traces.push_back(std::move(r)); });
    run.traces = std::move(traces);
    return run;
}

CheckRun check_paths(const std::vector<std::string>& paths, const CheckOptions& options,
                     const std::function<void(TraceResult&&)>& on_result)
{
    CheckRun run;
    SpecCache specs(options);
    auto files = trace::collect_trace_files(paths);
    if (!files) {
        run.errors.push_back(files.error());
        return run;
    }
    // A window of traces read ahead, checked (in parallel with -j) and handed on in input order.
    struct Pending {
        std::optional<trace::Trace> trace;
        Expected<const spec::Spec*> spec{nullptr};
        TraceResult result;
    };
    const unsigned jobs = std::max(1U, options.jobs);
    const std::size_t window = jobs <= 1 ? 1 : std::size_t{4} * jobs;
    std::vector<Pending> batch;
    std::size_t known = 0;
    std::size_t done = 0;
    const auto check_one = [&options](Pending& p) {
        if (p.trace) {
            p.result = check_trace(*p.trace, p.spec, options.max_event_summaries);
            p.trace.reset();
        }
    };
    const auto flush = [&]() {
        const unsigned workers_wanted = std::min<unsigned>(jobs, static_cast<unsigned>(batch.size()));
        if (workers_wanted <= 1) {
            for (auto& p : batch) {
                check_one(p);
            }
        } else {
            std::atomic<std::size_t> next{0};
            std::vector<std::thread> workers;
            workers.reserve(workers_wanted);
            for (unsigned w = 0; w < workers_wanted; ++w) {
                workers.emplace_back([&]() {
                    for (std::size_t i = next++; i < batch.size(); i = next++) {
                        check_one(batch[i]);
                    }
                });
            }
            for (auto& w : workers) {
                w.join();
            }
        }
        for (auto& p : batch) {
            on_result(std::move(p.result));
            ++done;
            if (options.progress) {
                options.progress(done, known);
            }
        }
        batch.clear();
    };
    for (const auto& file : *files) {
        auto read = trace::for_each_trace_in_file(file, [&](Expected<trace::Trace>&& doc) {
            const std::string label_file = doc ? doc->file : (doc.error().file.empty() ? file : doc.error().file);
            const std::size_t line = doc ? doc->line : (doc.error().line == 0 ? 1 : doc.error().line);
            if (options.shard_count > 1 && stable_shard(label_file, line, options.shard_count) != options.shard_index) {
                return;
            }
            if (doc) {
                if (auto within = trace::check_limits(*doc, options.limits); !within) {
                    doc = tl::make_unexpected(within.error());
                }
            }
            Pending p;
            if (doc) {
                p.spec = specs.get(doc->spec); // loaded here, single-threaded: workers only read specs
                p.trace = std::move(*doc);
            } else {
                p.result.file = label_file;
                p.result.line = line;
                p.result.error = doc.error();
            }
            ++known;
            batch.push_back(std::move(p));
            if (batch.size() >= window) {
                flush();
            }
        }, options.limits);
        if (!read) {
            run.errors.push_back(read.error());
        }
    }
    flush();
    run.specs = specs.loaded();
    return run;
}

int exit_code(const CheckRun& run)
{
    bool violation = false;
    bool bad = !run.errors.empty();
    run.for_each_trace([&](const TraceResult& t) {
        bad = bad || t.error.has_value();
        violation = violation || (!t.error && t.replay.verdict == machine::Verdict::violation);
    });
    if (bad) {
        return 2;
    }
    return violation ? 1 : 0;
}

} // namespace pc5check::checker
