/// \file `pc5check shrink` (pc5check/checker/shrink.h): ddmin over a trace's events.

#include "pc5check/checker/shrink.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace pc5check::checker {

namespace {

/// `trace` with only the events at `keep` (increasing indices); its attacker steps follow their events.
trace::Trace with_events(const trace::Trace& trace, const std::vector<std::size_t>& keep)
{
    trace::Trace out;
    out.file = trace.file;
    out.line = trace.line;
    out.spec = trace.spec;
    out.title = trace.title;
    out.observer = trace.observer;
    out.link = trace.link;
    out.keys = trace.keys;
    out.expect = trace.expect;
    out.events.reserve(keep.size());
    for (std::size_t i = 0; i < keep.size(); ++i) {
        out.events.push_back(trace.events[keep[i]]);
        out.events.back().pointer = "/events/" + std::to_string(i);
        for (const trace::AttackerStep& step : trace.attacker_steps) {
            if (step.event == keep[i]) {
                out.attacker_steps.push_back(trace::AttackerStep{i, step.injected});
            }
        }
    }
    return out;
}

/// `n` parts of `events` as equal in size as can be (n <= events.size()).
std::vector<std::vector<std::size_t>> split(const std::vector<std::size_t>& events, std::size_t n)
{
    std::vector<std::vector<std::size_t>> parts(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto from = static_cast<std::ptrdiff_t>(i * events.size() / n);
        const auto to = static_cast<std::ptrdiff_t>((i + 1) * events.size() / n);
        parts[i].assign(events.begin() + from, events.begin() + to);
    }
    return parts;
}

/// `events` without `part` (both increasing).
std::vector<std::size_t> without(const std::vector<std::size_t>& events, const std::vector<std::size_t>& part)
{
    std::vector<std::size_t> out;
    std::set_difference(events.begin(), events.end(), part.begin(), part.end(), std::back_inserter(out));
    return out;
}

/// Checks candidates of one trace against one spec: does a subset of the events still break the rule?
class Shrinker {
  public:
    Shrinker(const trace::Trace& trace, std::string rule, const CheckOptions& options, SpecCache& specs)
        : trace_(trace), rule_(std::move(rule)), options_(options), spec_(specs.get(trace.spec)),
          program_(specs.program(trace.spec))
    {
    }

    [[nodiscard]] const Expected<const spec::Spec*>& spec() const { return spec_; }
    [[nodiscard]] std::size_t checks() const { return checks_; }

    /// What `check` says of the trace with the events `keep`.
    [[nodiscard]] TraceResult check(const std::vector<std::size_t>& keep)
    {
        ++checks_;
        return check_trace(with_events(trace_, keep), spec_, options_, program_);
    }

    /// Whether the trace with the events `keep` still breaks the rule.
    [[nodiscard]] bool breaks(const std::vector<std::size_t>& keep)
    {
        const TraceResult r = check(keep);
        return !r.error && std::any_of(r.replay.findings.begin(), r.replay.findings.end(),
                                       [&](const machine::Finding& f) {
                                           return f.rule == rule_ && f.outcome == machine::Outcome::violation;
                                       });
    }

    /// ddmin: try each part, then each complement, at a finer split when neither breaks the rule.
    [[nodiscard]] std::vector<std::size_t> minimise(std::vector<std::size_t> events)
    {
        std::size_t n = 2;
        while (events.size() >= 2) {
            const auto parts = split(events, n);
            const auto part =
                std::find_if(parts.begin(), parts.end(), [&](const auto& p) { return breaks(p); });
            if (part != parts.end()) {
                events = *part;
                n = 2;
                continue;
            }
            bool reduced = false;
            for (const auto& p : parts) {
                if (auto rest = without(events, p); breaks(rest)) {
                    events = std::move(rest);
                    n = std::max<std::size_t>(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= events.size()) {
                    break; // every single event is needed: 1-minimal
                }
                n = std::min(2 * n, events.size());
            }
        }
        return events;
    }

  private:
    const trace::Trace& trace_;
    std::string rule_;
    const CheckOptions& options_;
    Expected<const spec::Spec*> spec_;
    std::shared_ptr<const machine::Program> program_;
    std::size_t checks_ = 0;
};

} // namespace

Expected<std::optional<ShrinkResult>> shrink(const trace::Trace& trace, const std::string& rule,
                                             const CheckOptions& options)
{
    SpecCache specs(options);
    Shrinker shrinker(trace, rule, options, specs);
    if (!shrinker.spec()) {
        Error e = shrinker.spec().error();
        if (e.file.empty()) {
            e.file = trace.file;
            e.json_pointer = "/spec";
        }
        return tl::make_unexpected(std::move(e));
    }
    std::vector<std::size_t> all(trace.events.size());
    for (std::size_t i = 0; i < all.size(); ++i) {
        all[i] = i;
    }
    if (!shrinker.breaks(all)) {
        return std::optional<ShrinkResult>(); // nothing to shrink
    }
    const std::vector<std::size_t> kept = shrinker.minimise(all);
    ShrinkResult out;
    out.original_events = trace.events.size();
    out.trace = with_events(trace, kept);
    const TraceResult final_check = shrinker.check(kept);
    out.trace.expect = trace::Expect{};
    out.trace.expect->verdict = machine::to_string(final_check.replay.verdict);
    out.trace.expect->rules = final_check.replay.violated_rules();
    out.trace.title = (trace.title.empty() ? trace.file : trace.title) +
                      " (shrunk: " + std::to_string(kept.size()) + " of " +
                      std::to_string(trace.events.size()) + " events still break " + rule + ")";
    out.checks = shrinker.checks();
    return std::optional<ShrinkResult>(std::move(out));
}

} // namespace pc5check::checker
