/// \file Fuzz target, end to end: a trace document read, limited and checked as `pc5check check` does
/// (parse_trace, check_limits, checker::check_trace with its streaming Replayer) against the normative
/// spec, and also against the seed solution when the first byte is odd, whatever its `spec` says. The
/// verdict must follow from the findings (never "conforms" beside a violation), come with the state at
/// the first violation exactly when there is one, and equal the one of machine::replay, which must
/// cover every event and come out the same on a second run. The symbolic check (200 ms limit, one
/// unlogged message for short traces) must not crash, must name its limit when inconclusive, and must
/// agree with replay on a trace without open values.

#include "fuzz_support.h"
#include "pc5check/checker/check.h"
#include "pc5check/checker/symbolic.h"
#include "pc5check/machine/machine.h"
#include "pc5check/trace/trace.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

namespace {

using namespace pc5check;

/// The properties every replay result has.
void check_result(const machine::ReplayResult& r, const spec::Spec& spec, const trace::Trace& t,
                  const std::string& how)
{
    const std::string where = " (" + how + ", spec " + spec.id + ")";
    const bool violated = std::any_of(r.findings.begin(), r.findings.end(), [](const auto& f) {
        return f.outcome == machine::Outcome::violation && !f.warning;
    });
    const machine::Verdict want = violated ? machine::Verdict::violation : machine::Verdict::conforms;
    if (r.verdict != want) {
        fuzz::fail(std::string("verdict ") + machine::to_string(r.verdict) + " with findings saying " +
                   machine::to_string(want) + where);
    }
    if (violated == r.state_at_first_violation.empty()) {
        fuzz::fail(std::string("the state at the first violation is ") +
                   (violated ? "missing" : "kept without a violation") + where);
    }
    for (const machine::Finding& f : r.findings) {
        if (f.event >= t.events.size() || spec.find_rule(f.rule) == nullptr) {
            fuzz::fail("a finding for event " + std::to_string(f.event) + " of rule '" + f.rule +
                       "' that does not exist" + where);
        }
    }
}

/// The symbolic check with a small time limit (and, for short traces, one unlogged message): it must
/// not crash, must say `inconclusive` only with a limit named, must name a first failing event inside
/// the trace, and on a trace without open values that replay decides completely must agree with replay.
/// (A value the spec leaves open, such as the seed's FFS session-key derivation, leaves replay checks
/// `unverified` in a trace with every key logged; the symbolic check may then prove more of them
/// violated, which is the point of it.)
void check_symbolic_against(const spec::Spec& spec, const trace::Trace& t,
                            const machine::ReplayResult& replayed)
{
    smt::SymbolicOptions options;
    options.timeout_ms = 200;
    options.max_missing = t.events.size() <= 6 ? 1 : 0;
    const auto r = smt::check_symbolic(spec, t, options);
    if (!r) {
        fuzz::fail("symbolic check failed on a trace replay accepts: " + r.error().to_string());
    }
    if (r->verdict == machine::Verdict::inconclusive) {
        if (r->limit.empty()) {
            fuzz::fail("inconclusive without a limit named");
        }
        return;
    }
    if (r->verdict == machine::Verdict::violation && !t.events.empty() &&
        r->first_failing_event >= t.events.size()) {
        fuzz::fail("first failing event " + std::to_string(r->first_failing_event) + " outside the trace");
    }
    options.max_missing = 0;
    const bool decided =
        std::none_of(replayed.findings.begin(), replayed.findings.end(),
                     [](const machine::Finding& f) { return f.outcome == machine::Outcome::unverified; });
    if (!checker::leaves_values_open(t) && replayed.assumptions.empty() && decided) {
        const auto plain = smt::check_symbolic(spec, t, options);
        if (plain && plain->verdict != machine::Verdict::inconclusive &&
            (plain->verdict != replayed.verdict || plain->violated_rules() != replayed.violated_rules())) {
            fuzz::fail("symbolic and concrete verdicts differ on a fully observed trace (spec " + spec.id +
                       ")");
        }
    }
}

void check_against(const spec::Spec& spec, const trace::Trace& t)
{
    const checker::TraceResult checked = checker::check_trace(t, &spec);
    const auto replayed = machine::replay(spec, t);
    if (checked.error.has_value() != !replayed) {
        fuzz::fail("check_trace and replay disagree on whether the trace binds (spec " + spec.id + ")");
    }
    if (!replayed) {
        if (replayed.error().message.empty() || checked.error->message.empty()) {
            fuzz::fail("a replay error without a message");
        }
        return;
    }
    check_result(checked.replay, spec, t, "check_trace");
    check_result(*replayed, spec, t, "replay");
    if (replayed->steps.size() != t.events.size() || checked.events.size() != t.events.size()) {
        fuzz::fail("replay recorded " + std::to_string(replayed->steps.size()) + " steps for " +
                   std::to_string(t.events.size()) + " events");
    }
    if (checked.replay.verdict != replayed->verdict ||
        checked.replay.violated_rules() != replayed->violated_rules() ||
        checked.replay.findings.size() != replayed->findings.size() ||
        checked.replay.assumptions != replayed->assumptions) {
        fuzz::fail("check_trace and replay disagree (spec " + spec.id + ")");
    }
    check_symbolic_against(spec, t, *replayed);
    const auto again = machine::replay(spec, t);
    if (!again || again->verdict != replayed->verdict ||
        again->violated_rules() != replayed->violated_rules() ||
        again->findings.size() != replayed->findings.size() || again->assumptions != replayed->assumptions) {
        fuzz::fail("replaying the same trace twice gave different results (spec " + spec.id + ")");
    }
}

} // namespace

// NOLINTNEXTLINE(readability-identifier-naming): the entry point libFuzzer calls
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto parsed = trace::parse_trace(fuzz::as_text(data, size), "fuzz-check.json");
    if (!parsed || !trace::check_limits(*parsed, trace::Limits{})) {
        return 0;
    }
    check_against(fuzz::normative_spec(), *parsed);
    if (size > 0 && (data[0] & 1U) != 0) {
        check_against(fuzz::seed_spec(), *parsed);
    }
    return 0;
}
