/// \file `spec lint`'s solver part: expressions that can never be true.

#include "pc5check/checker/smt.h"
#include "smt/engine.h"

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

} // namespace

Expected<std::vector<spec::LintFinding>> lint_expressions(const spec::Spec& spec, const LintLimits& limits)
{
    std::vector<spec::LintFinding> findings;
    const std::string memory_limit = "the solver hit its memory limit of " +
                                     std::to_string(limits.memory_mb) + " MiB (limit --solver-memory-mb)";
    bool memory_out = false; // after a memory-out, Z3 is not asked again
    std::string where;       // the expression being encoded, for error messages
    try {
        z3::context ctx;
        // The same encoding as check --symbolic, prove and query (Engine::lint_formula), over an
        // arbitrary state and message; set up by the first query, inside its memory-out handling. The
        // engine (a solver and a few sorts) is made before the memory limit applies, as the context is.
        const trace::Trace no_trace;
        detail::Engine engine(spec, no_trace, SymbolicOptions{}, ctx);
        const ScopedMemoryLimit memory(limits.memory_mb);
        const auto gave_up = [&](const std::string& pointer, const std::string& what, const Answer& a) {
            switch (a.why) {
            case GaveUp::no:
                return;
            case GaveUp::timeout:
                findings.push_back({pointer, what + ": the solver gave up within " +
                                                 std::to_string(limits.timeout_ms) +
                                                 " ms (limit --timeout-ms; inconclusive)"});
                return;
            case GaveUp::memory:
                findings.push_back({pointer, what + ": " + memory_limit + " (inconclusive)"});
                return;
            case GaveUp::other:
                findings.push_back({pointer, what + ": the solver gave up (" + a.reason + "; inconclusive)"});
                return;
            }
        };
        // One query; a memory-out (a z3::exception or an unknown) ends the solver's part of the run.
        const auto ask = [&](const std::string& pointer, const std::string& what,
                             const std::function<z3::expr()>& formula) -> Answer {
            Answer a;
            if (memory_out) {
                a.why = GaveUp::memory;
            } else {
                try {
                    where = pointer;
                    const z3::expr f = formula();
                    a = satisfiable(ctx, engine.solver(), f, limits.timeout_ms);
                } catch (const z3::exception& e) {
                    if (!detail::is_memory_out(e.msg())) {
                        throw;
                    }
                    a.why = GaveUp::memory;
                }
                memory_out = a.why == GaveUp::memory;
            }
            gave_up(pointer, what, a);
            return a;
        };
        for (const auto& t : spec.transitions) {
            const std::string what = "transition " + t.id;
            const std::string pointer = t.pointer + "/guard";
            if (ask(pointer, what, [&] { return engine.lint_formula(*t.guard); }).outcome ==
                Outcome::violated) {
                findings.push_back({pointer, what + " can never fire: its guard is unsatisfiable"});
            }
        }
        for (const auto& r : spec.rules) {
            for (const auto& c : r.checks) {
                const std::string what = "a check of rule " + r.id;
                std::optional<z3::expr> when; // encoded once: both queries are about the same terms
                const Answer applies = ask(c.pointer + "/when", what, [&] {
                    when = engine.lint_formula(*c.when);
                    return *when;
                });
                if (applies.outcome == Outcome::violated) {
                    findings.push_back(
                        {c.pointer + "/when", what + " can never apply: 'when' is unsatisfiable"});
                }
                if (applies.outcome != Outcome::holds) {
                    continue;
                }
                const Answer passes = ask(c.pointer + "/assert", what,
                                          [&] { return *when && engine.lint_formula(*c.assertion); });
                if (passes.outcome == Outcome::violated) {
                    findings.push_back(
                        {c.pointer + "/assert", what + " can never pass: 'when && assert' is unsatisfiable"});
                }
            }
        }
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
