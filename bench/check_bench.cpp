/// \file Benchmarks of the checker (Google Benchmark). Every headline figure is a RATIO of two
/// benchmarks of the same run (the machines are noisy; absolute numbers are context only):
///  1. throughput on a generated in-memory `.jsonl` corpus: nlohmann parse, trace::parse_trace, parse +
///     machine::replay (the check), and the crypto a check cannot avoid (one NRPIK KDF and one NIA2
///     MAC-I per protected event), and the replay alone on traces parsed beforehand;
///  2. time per event against trace length (10 .. 100,000 DATA events);
///  3. checker::check_paths with -j 1 and -j 2 on the corpus written to a temporary directory;
///  4. reading one long `.json` trace (100,000 DATA events) from its file: whole (parse_trace, the
///     single-pass reader), streamed (trace::TraceStream), and with nlohmann's SAX interface building one
///     event at a time (the alternative the streaming issue asked to measure).
/// After the runs the program prints a markdown summary with the ratios (medians over repetitions).
///
/// Own flags (before the Google Benchmark ones): --pc5_traces=N corpus size (default 2000),
/// --pc5_summary=FILE also write the summary to FILE.

#include "corpus.h"
#include "pc5check/checker/check.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/machine/machine.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace pc5check;

/// Corpus size (--pc5_traces).
std::size_t corpus_traces = 2000;
/// Traces per `.jsonl` file of the on-disk corpus (benchmark 3).
constexpr std::size_t kTracesPerFile = 250;
/// Trace lengths of benchmark 2; the reference length of the flatness ratio.
constexpr std::array<std::int64_t, 5> kLengths{10, 100, 1'000, 10'000, 100'000};
constexpr std::int64_t kReferenceLength = 1'000;

/// trace::parse_trace of corpus line `i` (0-based), named as `pc5check check` names a .jsonl line.
[[nodiscard]] Expected<trace::Trace> parse_line(const bench::Corpus& corpus, std::size_t i)
{
    return trace::parse_trace(corpus.lines[i], "corpus.jsonl", i + 1);
}

[[noreturn]] void die(const std::string& what)
{
    std::cerr << "pc5check_bench: " << what << "\n";
    std::exit(3);
}

/// The inputs of one protected event's crypto: the K_NRP-sess of its trace's link, PDCP input, pdu.
struct CryptoJob {
    const crypto::Bytes* k_nrp_sess = nullptr;
    crypto::PdcpInput in;
    const crypto::Bytes* pdu = nullptr;
};

/// Everything the corpus benchmarks share, built once on first use.
struct Inputs {
    bench::Corpus corpus;
    spec::Spec spec;
    /// The spec's replay program, built once and shared by every trace, as `pc5check check` does.
    std::shared_ptr<const machine::Program> program;
    std::vector<trace::Trace> parsed; ///< the corpus parsed once, for the crypto jobs
    std::vector<CryptoJob> crypto;
    std::size_t verdict_matches = 0; ///< traces whose checked verdict equals their oracle
    std::filesystem::path dir;       ///< the corpus as .jsonl files (benchmark 3)

    Inputs() = default;
    Inputs(const Inputs&) = delete;
    Inputs& operator=(const Inputs&) = delete;
    Inputs(Inputs&&) = delete;
    Inputs& operator=(Inputs&&) = delete;
    ~Inputs()
    {
        if (!dir.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    }
};

const Inputs& inputs()
{
    static const std::unique_ptr<Inputs> in = [] {
        auto r = std::make_unique<Inputs>();
        auto corpus = bench::make_corpus(corpus_traces);
        if (!corpus) {
            die("corpus: " + corpus.error().to_string());
        }
        r->corpus = std::move(*corpus);
        auto spec = spec::load_spec(bench::spec_path());
        if (!spec) {
            die("spec: " + spec.error().to_string());
        }
        r->spec = std::move(*spec);
        r->program = std::make_shared<const machine::Program>(r->spec);
        // One untimed pass: checks the oracles (the corpus must be what it claims) and warms up.
        for (std::size_t i = 0; i < r->corpus.lines.size(); ++i) {
            auto t = parse_line(r->corpus, i);
            if (!t) {
                die("corpus line " + std::to_string(i + 1) + ": " + t.error().to_string());
            }
            const auto result = machine::replay(r->program, *t);
            if (result && t->expect && machine::to_string(result->verdict) == t->expect->verdict) {
                ++r->verdict_matches;
            }
            r->parsed.push_back(std::move(*t));
        }
        for (const auto& t : r->parsed) {
            for (const auto& e : t.events) {
                if (e.sec.kind == trace::Sec::Kind::protected_ && e.sec.count && e.sec.bearer &&
                    e.sec.direction && e.pdu && t.link.k_nrp_sess) {
                    r->crypto.push_back(
                        CryptoJob{&*t.link.k_nrp_sess,
                                  crypto::PdcpInput{*e.sec.count, *e.sec.bearer, *e.sec.direction}, &*e.pdu});
                }
            }
        }
        std::string templ = (std::filesystem::temp_directory_path() / "pc5check-bench-XXXXXX").string();
        if (::mkdtemp(templ.data()) == nullptr) {
            die("cannot create a temporary directory");
        }
        r->dir = templ;
        for (std::size_t first = 0; first < r->corpus.lines.size(); first += kTracesPerFile) {
            std::ostringstream name;
            name << "corpus-" << std::setw(3) << std::setfill('0') << first / kTracesPerFile << ".jsonl";
            std::ofstream out(r->dir / name.str(), std::ios::binary);
            const std::size_t last = std::min(first + kTracesPerFile, r->corpus.lines.size());
            for (std::size_t i = first; i < last; ++i) {
                out << r->corpus.lines[i] << '\n';
            }
            if (!out) {
                die("cannot write " + (r->dir / name.str()).string());
            }
        }
        return r;
    }();
    return *in;
}

/// Counters shared by the corpus benchmarks: corpus bytes/s and corpus events/s, so that every rate
/// of benchmark 1 is "corpus per second" and the ratios of two rates are ratios of times.
void set_corpus_counters(benchmark::State& state, const bench::Corpus& corpus)
{
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(corpus.bytes));
    state.counters["events"] =
        benchmark::Counter(static_cast<double>(corpus.events), benchmark::Counter::kIsIterationInvariantRate);
}

/// Times `pass`, one pass over the corpus of inputs(), and sets the corpus counters.
template <typename Pass> void time_corpus_passes(benchmark::State& state, Pass pass)
{
    const Inputs& in = inputs();
    for (auto iteration : state) {
        static_cast<void>(iteration);
        pass(in);
    }
    set_corpus_counters(state, in.corpus);
}

// 1a. nlohmann::json::parse of each line: the floor of any JSON-based reader.
void bm_corpus_json(benchmark::State& state)
{
    time_corpus_passes(state, [](const Inputs& in) {
        for (const auto& line : in.corpus.lines) {
            auto j = nlohmann::json::parse(line);
            benchmark::DoNotOptimize(j);
        }
    });
}

// 1b. trace::parse_trace of each line: nlohmann, our position scanner and the contract checks.
void bm_corpus_parse(benchmark::State& state)
{
    time_corpus_passes(state, [](const Inputs& in) {
        for (std::size_t i = 0; i < in.corpus.lines.size(); ++i) {
            auto t = parse_line(in.corpus, i);
            benchmark::DoNotOptimize(t);
        }
    });
}

// 1c. The check: parse_trace + machine::replay (bind, rules, transitions, crypto) against the spec's
// Program built once, as `pc5check check` replays every trace of a spec.
void bm_corpus_check(benchmark::State& state)
{
    time_corpus_passes(state, [](const Inputs& in) {
        for (std::size_t i = 0; i < in.corpus.lines.size(); ++i) {
            auto t = parse_line(in.corpus, i);
            auto r = machine::replay(in.program, *t);
            benchmark::DoNotOptimize(r);
        }
    });
}

// 1e. The replay alone (shared Program, as 1c), on traces parsed before the timing: (c) without (b), measured
// rather than taken as a difference of two noisy figures.
void bm_corpus_replay(benchmark::State& state)
{
    const Inputs& in = inputs();
    static const std::vector<trace::Trace> parsed = [&in] {
        std::vector<trace::Trace> out;
        out.reserve(in.corpus.lines.size());
        for (std::size_t i = 0; i < in.corpus.lines.size(); ++i) {
            auto t = parse_line(in.corpus, i);
            if (!t) {
                die("corpus line " + std::to_string(i + 1) + ": " + t.error().to_string());
            }
            out.push_back(std::move(*t));
        }
        return out;
    }();
    time_corpus_passes(state, [](const Inputs& corpus_inputs) {
        for (const auto& t : parsed) {
            auto r = machine::replay(corpus_inputs.program, t);
            benchmark::DoNotOptimize(r);
        }
    });
}

// 1d. Crypto only: per protected event one NRPIK derivation (HMAC-SHA-256 KDF) and one 128-NIA2 MAC-I.
void bm_corpus_crypto(benchmark::State& state)
{
    time_corpus_passes(state, [](const Inputs& in) {
        for (const auto& job : in.crypto) {
            auto nrpik = crypto::derive_nrpik(*job.k_nrp_sess, crypto::IntegrityAlg::nia2);
            auto mac = crypto::mac_i(crypto::IntegrityAlg::nia2, *nrpik, job.in, *job.pdu);
            benchmark::DoNotOptimize(mac);
        }
    });
    const Inputs& in = inputs();
    state.counters["macs"] = benchmark::Counter(static_cast<double>(in.crypto.size()),
                                                benchmark::Counter::kIsIterationInvariantRate);
}

/// Text of the conforming DATA trace of `events` events, built once per length.
const std::string& length_input(std::int64_t events)
{
    static std::map<std::int64_t, std::string> texts;
    auto it = texts.find(events);
    if (it == texts.end()) {
        auto t = bench::make_data_trace(static_cast<std::size_t>(events));
        if (!t) {
            die("data trace: " + t.error().to_string());
        }
        const auto r = machine::replay(inputs().spec, *t);
        if (!r || r->verdict != machine::Verdict::conforms || !r->findings.empty()) {
            die("the " + std::to_string(events) + "-event DATA trace does not conform");
        }
        it = texts.emplace(events, bench::to_line(*t)).first;
    }
    return it->second;
}

void set_length_counters(benchmark::State& state, std::int64_t events, std::size_t bytes)
{
    state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(bytes));
    state.counters["events"] =
        benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsIterationInvariantRate);
    state.counters["per_event"] =
        benchmark::Counter(static_cast<double>(events),
                           benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// 2a. parse_trace of one trace of N events (context for 2b).
void bm_length_parse(benchmark::State& state)
{
    const std::string& text = length_input(state.range(0));
    for (auto iteration : state) {
        static_cast<void>(iteration);
        auto t = trace::parse_trace(text, "long.json");
        benchmark::DoNotOptimize(t);
    }
    set_length_counters(state, state.range(0), text.size());
}

// 2b. parse_trace + replay of one trace of N events: time per event should not grow with N.
void bm_length_check(benchmark::State& state)
{
    const Inputs& in = inputs();
    const std::string& text = length_input(state.range(0));
    for (auto iteration : state) {
        static_cast<void>(iteration);
        auto t = trace::parse_trace(text, "long.json");
        auto r = machine::replay(in.program, *t);
        benchmark::DoNotOptimize(r);
    }
    set_length_counters(state, state.range(0), text.size());
}

// 3. checker::check_paths on the corpus directory (lines read serially, parsed and checked by -j workers).
void bm_check_paths(benchmark::State& state)
{
    const Inputs& in = inputs();
    checker::CheckOptions options;
    options.spec_dirs = {PC5CHECK_SPEC_DIR};
    options.jobs = static_cast<unsigned>(state.range(0));
    for (auto iteration : state) {
        static_cast<void>(iteration);
        auto run = checker::check_paths({in.dir.string()}, options);
        if (!run.errors.empty() || run.traces.size() != in.corpus.lines.size()) {
            state.SkipWithError("check_paths did not check the whole corpus");
            break;
        }
        benchmark::DoNotOptimize(run);
    }
    set_corpus_counters(state, in.corpus);
}

/// Events of the long `.json` trace of benchmark 4.
constexpr std::size_t kLongEvents = 100'000;

/// The long trace of benchmark 4, written once to a temporary file (removed at exit).
struct LongFile {
    std::filesystem::path path;
    std::size_t bytes = 0;
    LongFile()
        : path(std::filesystem::temp_directory_path() /
               ("pc5check-bench-long-" + std::to_string(std::random_device{}()) + ".json"))
    {
        std::ofstream out(path, std::ios::binary);
        if (auto written = bench::write_data_trace(out, kLongEvents); !written || !out) {
            die("cannot write " + path.string());
        }
        out.close();
        bytes = std::filesystem::file_size(path);
    }
    ~LongFile()
    {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
    LongFile(const LongFile&) = delete;
    LongFile& operator=(const LongFile&) = delete;
    LongFile(LongFile&&) = delete;
    LongFile& operator=(LongFile&&) = delete;
};

/// The whole content of a file (read inside the timing: part of what a whole-document reader costs).
[[nodiscard]] std::string read_text(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const LongFile& long_file()
{
    static const LongFile file;
    return file;
}

// 4a. The whole document: the file read into memory, then parse_trace (the single-pass reader).
void bm_long_json_whole(benchmark::State& state)
{
    const LongFile& f = long_file();
    for (auto iteration : state) {
        static_cast<void>(iteration);
        auto t = trace::parse_trace(read_text(f.path), f.path.string());
        if (!t || t->events.size() != kLongEvents) {
            state.SkipWithError("parse_trace did not read the long trace");
            break;
        }
        benchmark::DoNotOptimize(t);
    }
    set_length_counters(state, static_cast<std::int64_t>(kLongEvents), f.bytes);
}

// 4b. Streamed: TraceStream (two passes; each event parsed on its own, with positions and checks).
void bm_long_json_stream(benchmark::State& state)
{
    const LongFile& f = long_file();
    for (auto iteration : state) {
        static_cast<void>(iteration);
        auto stream = trace::TraceStream::open(f.path.string());
        std::size_t n = 0;
        while (stream) {
            auto e = stream->next();
            if (!e) {
                break;
            }
            benchmark::DoNotOptimize(e);
            ++n;
        }
        if (!stream || stream->failed() || n != kLongEvents) {
            state.SkipWithError("TraceStream did not read the long trace");
            break;
        }
    }
    set_length_counters(state, static_cast<std::int64_t>(kLongEvents), f.bytes);
}

// 4d. nlohmann's DOM of the whole file alone (no positions, no checks), for the SAX reader (4c).
void bm_long_json_dom(benchmark::State& state)
{
    const LongFile& f = long_file();
    for (auto iteration : state) {
        static_cast<void>(iteration);
        const std::string s = read_text(f.path);
        auto doc = nlohmann::json::parse(s.begin(), s.end());
        benchmark::DoNotOptimize(doc);
    }
    set_length_counters(state, static_cast<std::int64_t>(kLongEvents), f.bytes);
}

/// A SAX handler that builds each element of the top-level `events` array as a DOM of its own and
/// drops it: the least a SAX reader has to do. It keeps no positions (nlohmann's SAX interface gives
/// none) and checks nothing of the contract, so it is a lower bound on the cost of a SAX-based reader.
// The implicit destructor runs nlohmann::json's, which does not throw.
// NOLINTNEXTLINE(bugprone-exception-escape)
class EventSax : public nlohmann::json_sax<nlohmann::json> {
  public:
    /// Events built so far.
    [[nodiscard]] std::size_t events() const { return events_; }

    bool null() override { return put(nullptr); }
    bool boolean(bool v) override { return put(v); }
    bool number_integer(number_integer_t v) override { return put(v); }
    bool number_unsigned(number_unsigned_t v) override { return put(v); }
    bool number_float(number_float_t v, const string_t& /*text*/) override { return put(v); }
    bool string(string_t& v) override { return put(std::move(v)); }
    bool binary(binary_t& v) override { return put(nlohmann::json::binary(std::move(v))); }
    bool start_object(std::size_t /*size*/) override { return open(nlohmann::json::object()); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t /*size*/) override { return open(nlohmann::json::array()); }
    bool end_array() override { return close(); }
    bool key(string_t& k) override
    {
        if (depth_ == 1) {
            in_events_ = k == "events";
        } else if (!stack_.empty()) {
            key_ = std::move(k);
        }
        return true;
    }
    bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                     const nlohmann::detail::exception& /*ex*/) override
    {
        return false;
    }

  private:
    /// Whether values at the current depth are (inside) one event: root = 1, `events` = 2.
    [[nodiscard]] bool building() const { return in_events_ && depth_ >= 2; }

    bool put(nlohmann::json v)
    {
        if (!building()) {
            return true;
        }
        if (stack_.empty()) {
            ++events_; // a scalar event: dropped at once
        } else if (stack_.back()->is_object()) {
            (*stack_.back())[key_] = std::move(v);
        } else {
            stack_.back()->push_back(std::move(v));
        }
        return true;
    }
    bool open(nlohmann::json v)
    {
        if (building()) {
            if (stack_.empty()) {
                current_ = std::move(v);
                stack_.push_back(&current_);
            } else if (stack_.back()->is_object()) {
                stack_.push_back(&((*stack_.back())[key_] = std::move(v)));
            } else {
                stack_.back()->push_back(std::move(v));
                stack_.push_back(&stack_.back()->back());
            }
        }
        ++depth_;
        return true;
    }
    bool close()
    {
        --depth_;
        if (building() || (in_events_ && depth_ == 2)) {
            stack_.pop_back();
            if (stack_.empty()) {
                ++events_; // one whole event: a reader would check it here, then drop it
                benchmark::DoNotOptimize(current_);
                current_ = nullptr;
            }
        }
        return true;
    }

    std::size_t events_ = 0;
    std::size_t depth_ = 0;
    bool in_events_ = false;
    std::string key_;
    nlohmann::json current_;
    std::vector<nlohmann::json*> stack_;
};

// 4c. nlohmann's SAX interface over the file, one event DOM at a time (no positions, no checks).
void bm_long_json_sax(benchmark::State& state)
{
    const LongFile& f = long_file();
    for (auto iteration : state) {
        static_cast<void>(iteration);
        std::ifstream in(f.path, std::ios::binary);
        EventSax sax;
        const bool ok = nlohmann::json::sax_parse(in, &sax);
        if (!ok || sax.events() != kLongEvents) {
            state.SkipWithError("the SAX reader did not read the long trace");
            break;
        }
    }
    set_length_counters(state, static_cast<std::int64_t>(kLongEvents), f.bytes);
}

BENCHMARK(bm_corpus_json)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_corpus_parse)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_corpus_check)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_corpus_crypto)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_corpus_replay)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_length_parse)
    ->Apply([](benchmark::internal::Benchmark* b) {
        for (const auto n : kLengths) {
            b->Arg(n);
        }
    })
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(bm_length_check)
    ->Apply([](benchmark::internal::Benchmark* b) {
        for (const auto n : kLengths) {
            b->Arg(n);
        }
    })
    ->Unit(benchmark::kMicrosecond);
// Wall-clock time for the speed-up; CPU time of the whole process (all workers) for the cost.
BENCHMARK(bm_check_paths)
    ->ArgName("jobs")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(bm_long_json_whole)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_long_json_stream)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_long_json_sax)->Unit(benchmark::kMillisecond);
BENCHMARK(bm_long_json_dom)->Unit(benchmark::kMillisecond);

/// Seconds per iteration of the repetitions of one benchmark (by name, arguments included).
struct Samples {
    std::vector<double> cpu;
    std::vector<double> real;
};

[[nodiscard]] double median(std::vector<double> v)
{
    if (v.empty()) {
        return 0.0;
    }
    std::sort(v.begin(), v.end());
    const std::size_t mid = v.size() / 2;
    return v.size() % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2.0;
}

/// The console reporter, keeping every repetition's time for the summary.
class CollectingReporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run>& reports) override
    {
        for (const auto& run : reports) {
            if (run.run_type != Run::RT_Iteration || run.error_occurred) {
                continue;
            }
            const double unit = benchmark::GetTimeUnitMultiplier(run.time_unit);
            Samples& s = samples_[run.run_name.str()];
            s.cpu.push_back(run.GetAdjustedCPUTime() / unit);
            s.real.push_back(run.GetAdjustedRealTime() / unit);
        }
        ConsoleReporter::ReportRuns(reports);
    }

    /// Median CPU (or wall) seconds per iteration; 0 when the benchmark did not run.
    [[nodiscard]] double cpu(const std::string& name) const { return pick(name, &Samples::cpu); }
    [[nodiscard]] double real(const std::string& name) const { return pick(name, &Samples::real); }
    [[nodiscard]] std::size_t repetitions(const std::string& name) const
    {
        const auto it = samples_.find(name);
        return it == samples_.end() ? 0 : it->second.cpu.size();
    }

  private:
    [[nodiscard]] double pick(const std::string& name, std::vector<double> Samples::*which) const
    {
        const auto it = samples_.find(name);
        return it == samples_.end() ? 0.0 : median(it->second.*which);
    }

    std::map<std::string, Samples> samples_;
};

std::string fixed(double v, int digits)
{
    std::ostringstream out;
    out << std::fixed << std::setprecision(digits) << v;
    return out.str();
}

std::string ratio(double num, double den) { return den > 0.0 && num > 0.0 ? fixed(num / den, 2) : "n/a"; }

/// The markdown summary: ratios first, absolute figures as context.
std::string summary(const CollectingReporter& r)
{
    std::ostringstream out;
    const double t_json = r.cpu("bm_corpus_json");
    const double t_parse = r.cpu("bm_corpus_parse");
    const double t_check = r.cpu("bm_corpus_check");
    const double t_crypto = r.cpu("bm_corpus_crypto");
    const double t_replay = r.cpu("bm_corpus_replay");
    if (t_json > 0.0 || t_parse > 0.0 || t_check > 0.0 || t_crypto > 0.0 || t_replay > 0.0) {
        const Inputs& in = inputs();
        const auto& c = in.corpus;
        const double mb = static_cast<double>(c.bytes) / 1e6;
        out << "#### 1. Corpus throughput\n\n"
            << c.lines.size() << " random traces (seeds 1.." << c.lines.size() << ", " << c.conforming
            << " conforming), " << fixed(mb, 1) << " MB of .jsonl, " << c.events << " events ("
            << c.protected_events << " protected); checked verdict = oracle for " << in.verdict_matches << "/"
            << c.lines.size() << ". CPU time, median of " << r.repetitions("bm_corpus_check")
            << " repetitions.\n\n"
            << "| stage | MB/s | events/s | CPU s per corpus |\n|---|---:|---:|---:|\n";
        const std::vector<std::pair<const char*, double>> rows{
            {"(a) `nlohmann::json::parse` per line", t_json},
            {"(b) `trace::parse_trace` per line", t_parse},
            {"(c) check = `parse_trace` + `machine::replay`", t_check},
            {"(d) crypto only: 1 NRPIK KDF + 1 NIA2 MAC-I per protected event", t_crypto},
            {"(e) `machine::replay` alone, on traces parsed beforehand", t_replay},
        };
        for (const auto& [label, t] : rows) {
            if (t > 0.0) {
                out << "| " << label << " | " << fixed(mb / t, 1) << " | "
                    << fixed(static_cast<double>(c.events) / t, 0) << " | " << fixed(t, 3) << " |\n";
            }
        }
        // The headline compares the check with parsing the same bytes with nlohmann/json.
        out << "\n| ratio (throughput, same run) | value |\n|---|---:|\n"
            << "| **check / nlohmann parse** = (c)/(a), goal >= 0.5 | **" << ratio(t_json, t_check)
            << "** |\n"
            << "| check / our reader = (c)/(b) | " << ratio(t_parse, t_check) << " |\n"
            << "| our reader / nlohmann parse = (b)/(a) | " << ratio(t_json, t_parse) << " |\n"
            << "| replay / nlohmann parse = (e)/(a) | " << ratio(t_json, t_replay) << " |\n"
            << "| check / crypto = (c)/(d) | " << ratio(t_crypto, t_check) << " |\n\n";
    }
    const std::string ref = "bm_length_check/" + std::to_string(kReferenceLength);
    if (r.cpu(ref) > 0.0) {
        out << "#### 2. Time per event against trace length\n\n"
            << "One conforming trace of N DATA events (real MAC-Is) per run. CPU time, median of "
            << r.repetitions(ref) << " repetitions.\n\n"
            << "| events | parse µs/event | check µs/event | check per event vs N = " << kReferenceLength
            << " |\n|---:|---:|---:|---:|\n";
        const double ref_per_event = r.cpu(ref) / static_cast<double>(kReferenceLength);
        for (const auto n : kLengths) {
            const double tp = r.cpu("bm_length_parse/" + std::to_string(n)) / static_cast<double>(n);
            const double tc = r.cpu("bm_length_check/" + std::to_string(n)) / static_cast<double>(n);
            out << "| " << n << " | " << (tp > 0.0 ? fixed(tp * 1e6, 2) : "n/a") << " | "
                << (tc > 0.0 ? fixed(tc * 1e6, 2) : "n/a") << " | " << ratio(tc, ref_per_event) << " |\n";
        }
        out << "\n";
    }
    const std::string j1 = "bm_check_paths/jobs:1/process_time/real_time";
    const std::string j2 = "bm_check_paths/jobs:2/process_time/real_time";
    const double t_j1 = r.real(j1);
    const double t_j2 = r.real(j2);
    if (t_j1 > 0.0 && t_j2 > 0.0) {
        out << "#### 3. `check_paths` -j 1 vs -j 2\n\n"
            << "The corpus as " << (inputs().corpus.lines.size() + kTracesPerFile - 1) / kTracesPerFile
            << " .jsonl files in a temporary directory. Median of " << r.repetitions(j1)
            << " repetitions.\n\n"
            << "| jobs | wall s | process CPU s | speed-up (wall) |\n|---:|---:|---:|---:|\n"
            << "| 1 | " << fixed(t_j1, 3) << " | " << fixed(r.cpu(j1), 3) << " | 1.00 |\n"
            << "| 2 | " << fixed(t_j2, 3) << " | " << fixed(r.cpu(j2), 3) << " | " << ratio(t_j1, t_j2)
            << " |\n";
        // Only reading the lines is serial in check_paths; the workers parse and check. The CPU the
        // run got is the bound on a shared machine: wall time at 2 jobs cannot drop below CPU time / 2.
        out << "\nThe workers parse and check; only reading the lines is serial. Process CPU / wall at 2 "
               "jobs: "
            << ratio(r.cpu(j2), t_j2) << " (2.00 = both cores busy with this run all along).\n";
        out << "\n";
    }
    const double t_whole = r.cpu("bm_long_json_whole");
    const double t_stream = r.cpu("bm_long_json_stream");
    const double t_sax = r.cpu("bm_long_json_sax");
    const double t_dom = r.cpu("bm_long_json_dom");
    if (t_whole > 0.0 && t_stream > 0.0 && t_sax > 0.0) {
        const double mb = static_cast<double>(long_file().bytes) / 1e6;
        out << "#### 4. Reading one long `.json` trace\n\n"
            << "One conforming trace of " << kLongEvents << " DATA events (" << fixed(mb, 1)
            << " MB, one line), read from its file. CPU time, median of "
            << r.repetitions("bm_long_json_whole") << " repetitions.\n\n"
            << "| reader | MB/s | CPU s |\n|---|---:|---:|\n"
            << "| (w) whole: file into memory, `parse_trace` (the single-pass reader) | "
            << fixed(mb / t_whole, 1) << " | " << fixed(t_whole, 3) << " |\n"
            << "| (s) streamed: `TraceStream` (two passes, each event read on its own by the single-pass "
               "reader) "
               "| "
            << fixed(mb / t_stream, 1) << " | " << fixed(t_stream, 3) << " |\n"
            << "| (x) nlohmann SAX, one event DOM at a time (no positions, no checks) | "
            << fixed(mb / t_sax, 1) << " | " << fixed(t_sax, 3) << " |\n"
            << "| (y) nlohmann DOM of the whole file alone (no positions, no checks) | "
            << fixed(mb / t_dom, 1) << " | " << fixed(t_dom, 3) << " |\n"
            << "\n| ratio (time, same run) | value |\n|---|---:|\n"
            << "| streamed / whole = (s)/(w) | " << ratio(t_stream, t_whole) << " |\n"
            << "| SAX / streamed = (x)/(s) | " << ratio(t_sax, t_stream) << " |\n"
            << "| SAX / nlohmann DOM = (x)/(y) | " << ratio(t_sax, t_dom) << " |\n\n";
    }
    return out.str();
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<char*> args;
    std::string summary_file;
    for (int i = 0; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a.starts_with("--pc5_traces=")) {
            corpus_traces = std::stoul(std::string(a.substr(a.find('=') + 1)));
        } else if (a.starts_with("--pc5_summary=")) {
            summary_file = std::string(a.substr(a.find('=') + 1));
        } else {
            args.push_back(argv[i]);
        }
    }
    int n = static_cast<int>(args.size());
    args.push_back(nullptr);
    benchmark::Initialize(&n, args.data());
    if (benchmark::ReportUnrecognizedArguments(n, args.data())) {
        return 2;
    }
    // Build the corpus before any benchmark, so that profilers see the timed loops apart from it.
    static_cast<void>(inputs());
    CollectingReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    const std::string text = summary(reporter);
    std::cout << "\n" << text << std::flush;
    if (!summary_file.empty()) {
        std::ofstream(summary_file) << text;
    }
    benchmark::Shutdown();
    return 0;
}
