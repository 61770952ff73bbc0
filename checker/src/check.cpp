#include "pc5check/checker/check.h"

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
    TraceResult r;
    r.file = trace.file;
    r.line = trace.line;
    r.title = trace.title;
    r.spec_id = trace.spec;
    r.event_count = trace.events.size();
    r.expect = trace.expect;
    auto spec = specs.get(trace.spec);
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

CheckRun check_paths(const std::vector<std::string>& paths, const CheckOptions& options)
{
    CheckRun run;
    SpecCache specs(options);
    auto files = trace::collect_trace_files(paths);
    if (!files) {
        run.errors.push_back(files.error());
        return run;
    }
    for (const auto& file : *files) {
        auto docs = trace::read_trace_file(file);
        if (!docs) {
            run.errors.push_back(docs.error());
            continue;
        }
        for (auto& doc : *docs) {
            if (!doc) {
                TraceResult r;
                r.file = doc.error().file.empty() ? file : doc.error().file;
                r.line = doc.error().line == 0 ? 1 : doc.error().line;
                r.error = doc.error();
                run.traces.push_back(std::move(r));
                continue;
            }
            run.traces.push_back(check_trace(*doc, specs));
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
