#include "pc5check/checker/check.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

namespace pc5check::checker {

namespace {

/// A trace's `spec` may name a resolution of the variant's open points after its id:
/// "tr33847-sol+sess_key_derivation=ts33536" (an implementation of a variant that leaves a point open
/// has to pick one; its trace says which). Returns the id and the parameter settings.
std::pair<std::string, spec::ParameterOverrides> split_spec_id(const std::string& spec_id)
{
    spec::ParameterOverrides params;
    const std::size_t plus = spec_id.find('+');
    if (plus == std::string::npos) {
        return {spec_id, params};
    }
    std::size_t at = plus + 1;
    while (at <= spec_id.size()) {
        const std::size_t next = std::min(spec_id.find('+', at), spec_id.size());
        const std::string part = spec_id.substr(at, next - at);
        const std::size_t eq = part.find('=');
        params[part.substr(0, eq)] = eq == std::string::npos ? std::string() : part.substr(eq + 1);
        at = next + 1;
    }
    return {spec_id.substr(0, plus), params};
}

} // namespace

std::string SpecCache::key(const std::string& spec_id) const
{
    if (options_->spec_file.empty()) {
        return spec_id;
    }
    const std::size_t plus = spec_id.find('+');
    return options_->spec_file + (plus == std::string::npos ? "" : spec_id.substr(plus));
}

Expected<const spec::Spec*> SpecCache::get(const std::string& spec_id)
{
    auto spec = lookup(spec_id);
    if (spec) {
        mark_used(spec_id);
    }
    return spec;
}

void SpecCache::mark_used(const std::string& spec_id)
{
    if (const std::string k = key(spec_id); specs_.contains(k)) {
        used_.insert(k);
    }
}

Expected<const spec::Spec*> SpecCache::lookup(const std::string& spec_id)
{
    const std::string k = key(spec_id);
    if (const auto it = specs_.find(k); it != specs_.end()) {
        return it->second.get();
    }
    auto [id, params] = split_spec_id(spec_id);
    for (const auto& [name, value] : params) {
        if (name.empty() || value.empty()) {
            return make_error(ErrorCode::bad_input,
                              "expected a spec id, optionally followed by +PARAM=VALUE "
                              "settings (e.g. tr33847-sol+sess_key_derivation=ts33536), "
                              "found '" +
                                  spec_id + "'");
        }
    }
    for (const auto& [name, value] : options_->parameters) {
        params[name] = value; // the command line's --param wins over the trace's choice
    }
    std::string path = options_->spec_file;
    if (path.empty()) {
        auto found = spec::find_spec_file(id, options_->spec_dirs);
        if (!found) {
            return tl::make_unexpected(found.error());
        }
        path = *found;
    }
    auto loaded = spec::load_spec(path, params, options_->spec_limits);
    if (!loaded) {
        Error e = loaded.error();
        if (e.code == ErrorCode::usage && spec_id.find('+') != std::string::npos) {
            // A setting the trace's spec id made, not the command line: bad input of that trace.
            e.code = ErrorCode::bad_input;
            e.message = "spec id '" + spec_id + "': " + e.message;
        }
        return tl::make_unexpected(e);
    }
    auto owned = std::make_shared<const spec::Spec>(std::move(*loaded));
    const spec::Spec* raw = owned.get();
    // Built here, once per spec, rather than per trace: the -j workers share it (it is immutable).
    programs_.emplace(k, std::make_shared<const machine::Program>(*owned));
    specs_.emplace(k, std::move(owned));
    return raw;
}

std::shared_ptr<const machine::Program> SpecCache::program(const std::string& spec_id) const
{
    const auto it = programs_.find(key(spec_id));
    return it == programs_.end() ? nullptr : it->second;
}

std::map<std::string, std::shared_ptr<const spec::Spec>> SpecCache::loaded() const
{
    std::map<std::string, std::shared_ptr<const spec::Spec>> out;
    for (const auto& [k, spec] : specs_) {
        if (used_.contains(k)) {
            const std::size_t plus = k.find('+');
            out.emplace(spec->id + (plus == std::string::npos ? "" : k.substr(plus)), spec);
        }
    }
    return out;
}

namespace {

/// One trace checked event by event, so a parsed trace (check_trace) and a streamed one (check_paths)
/// give the same result by construction.
class TraceCheck {
  public:
    /// `header` (the trace; its events are not read) and `spec` must outlive the check. `program`:
    /// the spec's, shared between traces, or nullptr to build one.
    TraceCheck(const trace::Trace& header, const Expected<const spec::Spec*>& spec,
               std::size_t max_event_summaries, bool attacker_steps,
               std::shared_ptr<const machine::Program> program)
        : max_event_summaries_(max_event_summaries)
    {
        result_.file = header.file;
        result_.line = header.line;
        result_.title = header.title;
        result_.spec_id = header.spec;
        result_.expect = header.expect;
        if (!spec) {
            Error e = spec.error();
            if (e.file.empty()) {
                e.file = header.file;
                e.line = header.line;
                e.json_pointer = "/spec";
            }
            result_.error = e;
            return;
        }
        if (program == nullptr) {
            program = std::make_shared<const machine::Program>(**spec);
        }
        PC5CHECK_ASSERT(&program->spec() == *spec);
        auto replayer = machine::Replayer::start(std::move(program), header, false, attacker_steps);
        if (!replayer) {
            result_.error = replayer.error();
            return;
        }
        replayer_.emplace(std::move(*replayer));
    }

    /// Replays the next event; after an error (the result then) the remaining events are ignored.
    void feed(const trace::Event& ev)
    {
        if (!replayer_) {
            return;
        }
        const std::size_t i = replayer_->events();
        const auto step = replayer_->feed(ev);
        if (!step) {
            result_.error = step.error();
            result_.events.clear();
            result_.events.shrink_to_fit();
            replayer_.reset();
            return;
        }
        if (i >= max_event_summaries_) {
            return;
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
        result_.events.push_back(std::move(e));
    }

    /// The result of a trace of `event_count` events.
    [[nodiscard]] TraceResult finish(std::size_t event_count) &&
    {
        result_.event_count = event_count;
        if (replayer_) {
            result_.replay = std::move(*replayer_).finish();
        }
        return std::move(result_);
    }

  private:
    std::size_t max_event_summaries_;
    TraceResult result_;
    std::optional<machine::Replayer> replayer_; ///< empty after an error
};

} // namespace

TraceResult check_trace(const trace::Trace& trace, SpecCache& specs)
{
    const auto spec = specs.get(trace.spec);
    return check_trace(trace, spec, static_cast<std::size_t>(-1), false, specs.program(trace.spec));
}

TraceResult check_trace(const trace::Trace& trace, const Expected<const spec::Spec*>& spec,
                        std::size_t max_event_summaries, bool attacker_steps,
                        std::shared_ptr<const machine::Program> program)
{
    TraceCheck check(trace, spec, max_event_summaries, attacker_steps, std::move(program));
    for (const trace::Event& ev : trace.events) {
        check.feed(ev);
    }
    return std::move(check).finish(trace.events.size());
}

namespace {

/// The part of leaves_values_open() that the link, keys and observer decide.
bool header_leaves_values_open(const trace::Trace& t)
{
    if (t.observer != trace::Observer::air || !t.link.k_nrp_sess || !t.link.selected_nea ||
        !t.link.selected_nia || !t.link.initiator_sec_cap || !t.link.signalling_policy) {
        return true;
    }
    return std::none_of(t.keys.begin(), t.keys.end(),
                        [&](const trace::KeyEntry& k) { return k.k_nrp_id == t.link.k_nrp_id; });
}

/// The part of leaves_values_open() that one event decides.
bool event_leaves_values_open(const trace::Event& e)
{
    if (!e.ie.decoded()) {
        return true;
    }
    for (std::size_t k = 0; k < e.ie.size(); ++k) {
        if (e.ie.at(k).value.is_null()) {
            return true;
        }
    }
    const trace::Sec& s = e.sec;
    return s.kind == trace::Sec::Kind::not_logged ||
           (s.kind == trace::Sec::Kind::protected_ &&
            (!s.mac || !s.ctx || !s.count || !s.bearer || !s.direction || !e.pdu));
}

} // namespace

bool leaves_values_open(const trace::Trace& t)
{
    return header_leaves_values_open(t) ||
           std::any_of(t.events.begin(), t.events.end(), event_leaves_values_open);
}

TraceResult check_trace(const trace::Trace& trace, const Expected<const spec::Spec*>& spec,
                        const CheckOptions& options, std::shared_ptr<const machine::Program> program)
{
    TraceResult r =
        check_trace(trace, spec, options.max_event_summaries, options.attacker_steps, std::move(program));
    if (r.error || options.symbolic == CheckOptions::Symbolic::never) {
        return r;
    }
    const bool open = leaves_values_open(trace);
    const bool wanted =
        options.symbolic == CheckOptions::Symbolic::always || options.symbolic_options.max_missing > 0;
    if (!wanted && !open) {
        return r;
    }
    smt::SymbolicOptions symbolic_options = options.symbolic_options;
    symbolic_options.attacker_steps = options.attacker_steps;
    auto symbolic = smt::check_symbolic(**spec, trace, symbolic_options);
    if (!symbolic) {
        r.error = symbolic.error();
        r.events.clear();
        return r;
    }
    r.replay = std::move(*symbolic);
    if (!wanted) {
        r.replay.note = "checked symbolically: the trace leaves values open" +
                        std::string(trace.observer != trace::Observer::air ? " (one UE's own log)" : "") +
                        (r.replay.note.empty() ? "" : "; " + r.replay.note);
    } else if (r.replay.note.empty()) {
        r.replay.note = "checked symbolically";
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
    if (slash == std::string::npos || !parse(text.substr(0, slash), index) ||
        !parse(text.substr(slash + 1), count) || count == 0 || index >= count) {
        return make_error(ErrorCode::usage,
                          "--shard expects I/N with 0 <= I < N, e.g. 0/4; found '" + text + "'");
    }
    return std::pair{index, count};
}

CheckRun check_paths(const std::vector<std::string>& paths, const CheckOptions& options)
{
    std::vector<TraceResult> traces;
    CheckRun run =
        check_paths(paths, options, [&traces](TraceResult&& r) { traces.push_back(std::move(r)); });
    run.traces = std::move(traces);
    return run;
}

namespace {

/// A document of check_paths' window: read, then parsed and checked on a worker.
struct Pending {
    const std::string* file = nullptr; ///< the file it was read from
    Expected<trace::RawDocument> raw;  ///< the text, freed once parsed
    bool in_shard = true;
    bool counted = false; ///< a document (not a streamed result) to count
    TraceResult result;
};

/// What reading the events of a streamed document gave.
struct StreamedEvents {
    bool open = false;                ///< a value left open: the symbolic check wants the trace whole
    std::optional<Error> limit_error; ///< a limit the trace exceeds: the result
};

/// Documents read one after another and checked together by the workers of a PathsCheck: the unit a
/// worker takes, so that the queue's lock is taken once per batch, not per document.
struct Batch {
    std::vector<Pending> documents;
    std::size_t bytes = 0; ///< text of the documents
    bool done = false;     ///< every document checked (guarded by the queue's mutex)
};

/// check_paths over the files found. With -j 1 each document is read, checked and handed on in turn on
/// the calling thread. With -j N, N - 1 workers live as long as the check and the calling thread is
/// the N-th: it reads the files and cuts the documents into batches; a worker takes the next batch,
/// parses and checks its documents (parsing costs about as much as checking); the calling thread hands
/// the results on in input order as the oldest batches are done, and once it has read a window ahead
/// it checks the oldest batch no worker has taken instead of waiting. So N threads share N cores
/// (a reader beside N workers made the scheduler switch them some 18,000 times on the 200 MB corpus
/// with -j 2). Reading, handing on (the spool) and checking overlap.
/// Memory: at most 64 documents per job and kWindowBytes of text are read ahead of the oldest
/// unfinished document.
class PathsCheck {
  public:
    /// `options`, `specs` and `on_result` outlive the check.
    PathsCheck(const CheckOptions& options, SpecCache& specs,
               const std::function<void(TraceResult&&)>& on_result)
        : options_(options), specs_(specs), on_result_(on_result), jobs_(std::max(1U, options.jobs)),
          window_(jobs_ <= 1 ? 1 : std::size_t{64} * jobs_)
    {
        // The streamed reader applies the default file, nesting and number limits (a file beyond them is
        // read whole, which reports or accepts it under the limits given); stricter ones need the whole
        // read.
        const trace::Limits defaults;
        const bool symbolic_always =
            options.symbolic == CheckOptions::Symbolic::always || options.symbolic_options.max_missing > 0;
        streams_ = !symbolic_always && options.limits.max_file_bytes >= defaults.max_file_bytes &&
                   options.limits.max_nesting >= defaults.max_nesting &&
                   options.limits.max_number_chars >= defaults.max_number_chars;
        if (jobs_ > 1) {
            workers_.reserve(jobs_ - 1);
            for (unsigned w = 1; w < jobs_; ++w) {
                workers_.emplace_back([this]() { work(); });
            }
        }
    }

    PathsCheck(const PathsCheck&) = delete;
    PathsCheck& operator=(const PathsCheck&) = delete;
    PathsCheck(PathsCheck&&) = delete;
    PathsCheck& operator=(PathsCheck&&) = delete;

    ~PathsCheck()
    {
        {
            const std::lock_guard<std::mutex> lock(queue_mutex_);
            stopping_ = true;
        }
        work_ready_.notify_all();
        for (auto& w : workers_) {
            w.join();
        }
    }

    /// Reads `file` (streamed when it can be, else document by document) and checks what it holds;
    /// a file that cannot be read adds to `errors`.
    void check_file(const std::string& file, std::vector<Error>& errors)
    {
        if (file == trace::kStandardInputPath) {
            // No name to go by: the format is the caller's; a pipe cannot be read twice to stream it.
            auto read = trace::for_each_document_in_stream(
                stdin, stdin_name_, options_.stdin_format,
                [&](Expected<trace::RawDocument>&& doc) { take_document(stdin_name_, std::move(doc)); },
                options_.limits);
            if (!read) {
                errors.push_back(read.error());
            }
            return;
        }
        if (std::filesystem::path(file).extension() != ".jsonl" && streams_) {
            if (std::optional<trace::TraceStream> stream = trace::TraceStream::open(file);
                stream && check_streamed(*stream)) {
                return;
            }
        }
        auto read = trace::for_each_document_in_file(
            file, [&](Expected<trace::RawDocument>&& doc) { take_document(file, std::move(doc)); },
            options_.limits);
        if (!read) {
            errors.push_back(read.error());
        }
    }

    /// Checks and hands on every document read so far.
    void finish() { flush(); }

  private:
    /// Text read ahead at most (besides the 64 documents per job), so memory follows the largest
    /// documents, not the file.
    static constexpr std::size_t kWindowBytes = std::size_t{32} << 20U;
    /// Documents per batch: enough that the queue's lock is rare, few enough that both workers stay
    /// busy to the end of a file; a batch is also closed at kBatchBytes of text.
    static constexpr std::size_t kBatchDocuments = 8;
    static constexpr std::size_t kBatchBytes = std::size_t{256} << 10U;

    /// A document read by take_document, on a worker: parse, shard (by the label the parse gives),
    /// limits, spec and check, the same for every -j.
    void check_document(Pending& p)
    {
        if (!p.counted) {
            return;
        }
        // The text stays with the document until hand_on() gives it back on the reading thread.
        Expected<trace::Trace> doc =
            p.raw ? trace::parse_trace(p.raw->text, *p.file, p.raw->line, options_.limits)
                  : Expected<trace::Trace>(tl::make_unexpected(p.raw.error()));
        const std::string& file = *p.file;
        const std::string label_file = doc ? doc->file : (doc.error().file.empty() ? file : doc.error().file);
        const std::size_t line = doc ? doc->line : (doc.error().line == 0 ? 1 : doc.error().line);
        if (!in_shard(label_file, line)) {
            p.in_shard = false;
            return;
        }
        if (doc) {
            if (auto within = trace::check_limits(*doc, options_.limits); !within) {
                doc = tl::make_unexpected(within.error());
            }
        }
        if (!doc) {
            p.result.file = label_file;
            p.result.line = line;
            p.result.error = doc.error();
            return;
        }
        Expected<const spec::Spec*> spec{nullptr};
        std::shared_ptr<const machine::Program> program;
        {
            const std::lock_guard<std::mutex> lock(specs_mutex_);
            spec = specs_.get(doc->spec);
            program = specs_.program(doc->spec);
        }
        p.result = check_trace(*doc, spec, options_, std::move(program));
        trace::recycle_trace(std::move(*doc));
    }

    [[nodiscard]] bool in_shard(const std::string& file, std::size_t line) const
    {
        return options_.shard_count <= 1 ||
               stable_shard(file, line, options_.shard_count) == options_.shard_index;
    }

    /// A worker: checks the batches of the queue, oldest first, until the check is over.
    void work()
    {
        while (true) {
            Batch* batch = nullptr;
            {
                std::unique_lock<std::mutex> lock(queue_mutex_);
                work_ready_.wait(lock, [this]() { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) {
                    return; // stopping, nothing left
                }
                batch = queue_.front();
                queue_.pop_front();
            }
            check_batch(*batch);
            batch_done_.notify_one();
        }
    }

    /// Checks the documents of a batch taken from the queue and marks it done.
    void check_batch(Batch& batch)
    {
        for (auto& p : batch.documents) {
            check_document(p);
        }
        const std::lock_guard<std::mutex> lock(queue_mutex_);
        batch.done = true;
    }

    /// The calling thread's turn as a worker: checks the oldest batch no worker has taken; false when
    /// there is none.
    [[nodiscard]] bool check_queued()
    {
        Batch* batch = nullptr;
        {
            const std::lock_guard<std::mutex> lock(queue_mutex_);
            if (queue_.empty()) {
                return false;
            }
            batch = queue_.front();
            queue_.pop_front();
        }
        check_batch(*batch);
        return true;
    }

    /// Hands on the results of one checked document (nothing for a document out of the shard), and
    /// gives its text back.
    void hand_on(Pending& p)
    {
        if (p.raw && !p.raw->text.empty()) {
            // On the thread that read the text and reads the next ones into the texts given back.
            trace::recycle_document(std::move(*p.raw));
        }
        if (!p.in_shard) {
            return;
        }
        on_result_(std::move(p.result));
        ++done_;
        if (options_.progress) {
            options_.progress(done_, known_);
        }
    }

    /// Hands on the results of the oldest batches that are done, in input order; with `wait`, first
    /// makes sure the oldest is done: checks queued batches on this thread while there are any, then
    /// waits for the workers.
    void hand_on_done(bool wait)
    {
        while (!in_flight_.empty()) {
            Batch& oldest = *in_flight_.front();
            bool done = false;
            {
                const std::lock_guard<std::mutex> lock(queue_mutex_);
                done = oldest.done;
            }
            if (!done) {
                if (!wait) {
                    return;
                }
                if (check_queued()) {
                    continue;
                }
                std::unique_lock<std::mutex> lock(queue_mutex_);
                batch_done_.wait(lock, [&oldest]() { return oldest.done; });
            }
            wait = false;
            for (auto& p : oldest.documents) {
                hand_on(p);
            }
            in_flight_documents_ -= oldest.documents.size();
            in_flight_bytes_ -= oldest.bytes;
            in_flight_.pop_front();
        }
    }

    /// Gives the batch being filled to the workers (-j N), or checks its one document here (-j 1).
    void submit()
    {
        if (filling_.documents.empty()) {
            return;
        }
        // As when documents were parsed while read: a document is known before its result.
        known_ += static_cast<std::size_t>(std::count_if(filling_.documents.begin(), filling_.documents.end(),
                                                         [](const Pending& p) { return p.counted; }));
        if (workers_.empty()) {
            for (auto& p : filling_.documents) {
                check_document(p);
                hand_on(p);
            }
            filling_.documents.clear();
            filling_.bytes = 0;
            return;
        }
        in_flight_documents_ += filling_.documents.size();
        in_flight_bytes_ += filling_.bytes;
        in_flight_.push_back(std::make_unique<Batch>(std::move(filling_)));
        filling_ = Batch();
        {
            const std::lock_guard<std::mutex> lock(queue_mutex_);
            queue_.push_back(in_flight_.back().get());
        }
        work_ready_.notify_one();
        hand_on_done(false);
        while (in_flight_documents_ >= window_ || in_flight_bytes_ >= kWindowBytes) {
            hand_on_done(true);
        }
    }

    /// Checks and hands on every document read so far.
    void flush()
    {
        submit();
        while (!in_flight_.empty()) {
            hand_on_done(true);
        }
    }

    void take_document(const std::string& file, Expected<trace::RawDocument>&& raw)
    {
        Pending p;
        p.file = &file;
        p.raw = std::move(raw);
        p.counted = true;
        filling_.bytes += p.raw ? p.raw->text.size() : 0;
        filling_.documents.push_back(std::move(p));
        if (workers_.empty() || filling_.documents.size() >= kBatchDocuments ||
            filling_.bytes >= kBatchBytes) {
            submit();
        }
    }

    /// A `.json` document is streamed (memory follows one event, not the file) and checked on this
    /// thread. The result is what check_document would give for the same document parsed whole: the
    /// same shard, limits (--max-events first, then per event in order), spec and replay. Returns
    /// false when the document does not stream: bad input, reported by reading the file whole.
    [[nodiscard]] bool check_streamed(trace::TraceStream& stream)
    {
        const trace::Trace& header = stream.header();
        const bool wanted = in_shard(header.file, header.line);
        std::optional<TraceCheck> check;
        if (wanted) {
            flush(); // frees the batch before the long trace; results keep their input order
            check.emplace(header, specs_.lookup(header.spec), options_.max_event_summaries,
                          options_.attacker_steps, specs_.program(header.spec));
        }
        StreamedEvents read = read_events(stream, check);
        if (stream.failed()) {
            return false;
        }
        if (!wanted) {
            return true;
        }
        if (read.open) {
            return false;
        }
        if (auto count = trace::check_event_count(header, stream.events(), options_.limits); !count) {
            read.limit_error = count.error();
        }
        Pending p;
        if (read.limit_error) {
            p.result.file = header.file; // labelled as the trace, as check_document does
            p.result.line = header.line;
            p.result.error = std::move(*read.limit_error);
        } else {
            specs_.mark_used(header.spec);
            p.result = std::move(*check).finish(stream.events());
        }
        ++known_;
        hand_on(p);
        return true;
    }

    /// The events of a streamed document, replayed into `check` when it is set (the trace is in the
    /// shard). Out of the shard the events are still read: a document that turns out bad is reported,
    /// and sharded, as when read whole.
    [[nodiscard]] StreamedEvents read_events(trace::TraceStream& stream,
                                             std::optional<TraceCheck>& check) const
    {
        const trace::Trace& header = stream.header();
        const bool automatic = options_.symbolic == CheckOptions::Symbolic::automatic;
        StreamedEvents out;
        // A trace the symbolic check will want (values left open) is read whole after all: the solver
        // holds the trace anyway.
        out.open = automatic && header_leaves_values_open(header);
        while (const std::optional<trace::Event> ev = stream.next()) {
            out.open = out.open || (automatic && event_leaves_values_open(*ev));
            if (!check || out.limit_error) {
                continue; // a limit error is the result: no need to replay
            }
            if (auto within = trace::check_event_limits(header, *ev, stream.events() - 1, options_.limits);
                !within) {
                out.limit_error = within.error();
                continue;
            }
            check->feed(*ev);
        }
        return out;
    }

    const CheckOptions& options_;
    const std::string stdin_name_{trace::kStandardInputName}; ///< what standard input is called in results
    SpecCache& specs_;
    std::mutex specs_mutex_; ///< workers share the cache; which worker loads a spec first changes nothing
    const std::function<void(TraceResult&&)>& on_result_;
    unsigned jobs_;
    std::size_t window_;    ///< documents read ahead of the oldest unfinished one, at most
    bool streams_ = false;  ///< whether a `.json` file may be streamed under these options
    std::size_t known_ = 0; ///< traces known so far (progress)
    std::size_t done_ = 0;  ///< results handed on

    // The calling thread's side of the workers.
    Batch filling_;                                ///< documents read, not yet given to the workers
    std::deque<std::unique_ptr<Batch>> in_flight_; ///< given to the workers, in input order
    std::size_t in_flight_documents_ = 0;
    std::size_t in_flight_bytes_ = 0;

    // Shared with the workers.
    std::mutex queue_mutex_;
    std::condition_variable work_ready_; ///< a batch was queued, or the check is over
    std::condition_variable batch_done_; ///< a batch is done
    std::deque<Batch*> queue_;           ///< batches no worker has taken yet, oldest first
    bool stopping_ = false;
    std::vector<std::thread> workers_; ///< last: started once the rest is built, joined first
};

} // namespace

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
    PathsCheck check(options, specs, on_result);
    for (const auto& file : *files) {
        check.check_file(file, run.errors);
    }
    check.finish();
    run.specs = specs.loaded();
    return run;
}

int exit_code(const CheckRun& run)
{
    const ResultTally tally = run.tally();
    if (!run.errors.empty() || tally.bad != 0) {
        return 2;
    }
    // Inconclusive is not "conforms": a gate must not pass what the solver could not decide.
    return tally.violations + tally.inconclusive != 0 ? 1 : 0;
}

} // namespace pc5check::checker
