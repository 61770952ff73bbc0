/// \file `spec lint`'s solver part: expressions that can never be true.

#include "pc5check/checker/smt.h"
#include "smt/system_model.h"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <z3++.h>

namespace pc5check::smt {

namespace {

/// How a query ended when the solver gave no answer.
enum class GaveUp : std::uint8_t { no, timeout, memory, other };

struct Answer {
    Outcome outcome = Outcome::unknown;
    GaveUp why = GaveUp::no;
    std::string reason; ///< Z3's reason_unknown, for GaveUp::other
};

/// Z3's process-wide memory limit, set for one scope and lifted when it ends. Set after the context
/// exists: Z3 4.8.12 crashes when the limit is hit while it builds a context.
class ScopedMemoryLimit {
  public:
    explicit ScopedMemoryLimit(unsigned memory_mb) : active_(memory_mb != 0)
    {
        if (active_) {
            z3::set_param("memory_max_size", std::to_string(memory_mb).c_str());
        }
    }
    ScopedMemoryLimit(const ScopedMemoryLimit&) = delete;
    ScopedMemoryLimit& operator=(const ScopedMemoryLimit&) = delete;
    ScopedMemoryLimit(ScopedMemoryLimit&&) = delete;
    ScopedMemoryLimit& operator=(ScopedMemoryLimit&&) = delete;
    ~ScopedMemoryLimit()
    {
        if (active_) {
            z3::set_param("memory_max_size", "0");
        }
    }

  private:
    bool active_;
};

/// Satisfiability of `formula` together with what `s` holds (the encoding's side conditions), within
/// `timeout_ms`. The time limit is a watchdog thread calling Z3_interrupt, not Z3's "timeout" parameter:
/// Z3 4.8.12's own timer deadlocks when it fires early in a check (seen with timeouts under ~50 ms).
Answer satisfiable(z3::context& ctx, z3::solver& s, const z3::expr& formula, unsigned timeout_ms)
{
    s.push();
    s.add(formula);
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    bool interrupted = false;
    std::thread watchdog([&] {
        std::unique_lock lock(mutex);
        if (finished.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return done; })) {
            return;
        }
        interrupted = true;
        // An interrupt that arrives before Z3 has entered the check is lost (the check then ran
        // unbounded on a hard query: a hang seen once in ctest): repeat it until the check returns.
        do {
            ctx.interrupt();
        } while (!finished.wait_for(lock, std::chrono::milliseconds(5), [&] { return done; }));
    });
    const auto stop_watchdog = [&] {
        {
            const std::lock_guard lock(mutex);
            done = true;
        }
        finished.notify_all();
        watchdog.join();
    };
    z3::check_result result = z3::unknown;
    try {
        result = s.check();
    } catch (...) {
        stop_watchdog();
        throw;
    }
    stop_watchdog();
    const std::string reason = result == z3::unknown ? s.reason_unknown() : std::string();
    s.pop();
    switch (result) {
    case z3::sat:
        return {Outcome::holds, GaveUp::no, {}};
    case z3::unsat:
        return {Outcome::violated, GaveUp::no, {}};
    case z3::unknown:
        break;
    }
    if (detail::is_memory_out(reason)) {
        return {Outcome::unknown, GaveUp::memory, reason};
    }
    return {Outcome::unknown, interrupted ? GaveUp::timeout : GaveUp::other, reason};
}

/// lint_expressions' queries, one at a time: whether a guard can hold, a check can apply and pass.
/// After a memory-out (a z3::exception or an unknown) Z3 is not asked again.
class LintQueries {
  public:
    /// Everything outlives the queries; `where` is the expression being encoded, for error messages.
    LintQueries(z3::context& ctx, detail::SystemModel& engine, const LintLimits& limits,
                std::vector<spec::LintFinding>& findings, std::string& where)
        : ctx_(ctx), engine_(engine), limits_(limits), findings_(findings), where_(where)
    {
    }

    void lint_guards(const spec::Spec& spec)
    {
        for (const auto& t : spec.transitions) {
            const std::string what = "transition " + t.id;
            const std::string pointer = t.pointer + "/guard";
            if (ask(pointer, what, [&] { return engine_.lint_formula(*t.guard); }).outcome ==
                Outcome::violated) {
                findings_.push_back({pointer, what + " can never fire: its guard is unsatisfiable"});
            }
        }
    }

    void lint_checks(const spec::Spec& spec)
    {
        for (const auto& r : spec.rules) {
            for (const auto& c : r.checks) {
                const std::string what = "a check of rule " + r.id;
                std::optional<z3::expr> when; // encoded once: both queries are about the same terms
                const Answer applies = ask(c.pointer + "/when", what, [&] {
                    when.emplace(engine_.lint_formula(*c.when));
                    return *when;
                });
                if (applies.outcome == Outcome::violated) {
                    findings_.push_back(
                        {c.pointer + "/when", what + " can never apply: 'when' is unsatisfiable"});
                }
                if (applies.outcome != Outcome::holds) {
                    continue;
                }
                const Answer passes = ask(c.pointer + "/assert", what,
                                          [&] { return *when && engine_.lint_formula(*c.assertion); });
                if (passes.outcome == Outcome::violated) {
                    findings_.push_back(
                        {c.pointer + "/assert", what + " can never pass: 'when && assert' is unsatisfiable"});
                }
            }
        }
    }

  private:
    /// One query; a memory-out ends the solver's part of the run.
    Answer ask(const std::string& pointer, const std::string& what, const std::function<z3::expr()>& formula)
    {
        Answer a;
        if (memory_out_) {
            a.why = GaveUp::memory;
        } else {
            try {
                where_ = pointer;
                const z3::expr f = formula();
                a = satisfiable(ctx_, engine_.solver(), f, limits_.timeout_ms);
            } catch (const z3::exception& e) {
                if (!detail::is_memory_out(e.msg())) {
                    throw;
                }
                a.why = GaveUp::memory;
            }
            memory_out_ = a.why == GaveUp::memory;
        }
        report_gave_up(pointer, what, a);
        return a;
    }

    void report_gave_up(const std::string& pointer, const std::string& what, const Answer& a)
    {
        switch (a.why) {
        case GaveUp::no:
            return;
        case GaveUp::timeout:
            findings_.push_back({pointer, what + ": the solver gave up within " +
                                              std::to_string(limits_.timeout_ms) +
                                              " ms (limit --timeout-ms; inconclusive)"});
            return;
        case GaveUp::memory:
            findings_.push_back({pointer, what + ": the solver hit its memory limit of " +
                                              std::to_string(limits_.memory_mb) +
                                              " MiB (limit --solver-memory-mb) (inconclusive)"});
            return;
        case GaveUp::other:
            findings_.push_back({pointer, what + ": the solver gave up (" + a.reason + "; inconclusive)"});
            return;
        }
    }

    z3::context& ctx_;
    detail::SystemModel& engine_;
    const LintLimits& limits_;
    std::vector<spec::LintFinding>& findings_;
    std::string& where_;
    bool memory_out_ = false;
};

} // namespace

Expected<std::vector<spec::LintFinding>> lint_expressions(const spec::Spec& spec, const LintLimits& limits)
{
    std::vector<spec::LintFinding> findings;
    std::string where; // the expression being encoded, for error messages
    try {
        z3::context ctx;
        // The same encoding as check --symbolic, prove and query (SystemModel::lint_formula), over an
        // arbitrary state and message; set up by the first query, inside its memory-out handling. The
        // engine (a solver and a few sorts) is made before the memory limit applies, as the context is.
        const trace::Trace no_trace;
        detail::SystemModel engine(spec, no_trace, SymbolicOptions{}, ctx, detail::Encoding::Purpose::lint);
        const ScopedMemoryLimit memory(limits.memory_mb);
        LintQueries queries(ctx, engine, limits, findings, where);
        queries.lint_guards(spec);
        queries.lint_checks(spec);
    } catch (const z3::exception& e) {
        return make_error(ErrorCode::solver_failure,
                          std::string("z3: ") + e.msg() + " while encoding " + spec.file + " " + where);
    } catch (const std::system_error& e) { // no watchdog thread
        return make_error(ErrorCode::internal,
                          std::string("cannot run the solver's time limit: ") + e.what());
    }
    return findings;
}

} // namespace pc5check::smt
