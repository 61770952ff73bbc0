#pragma once
/// \file The symbolic engine's limits: time limits of the queries that refine a report, and the solver
/// context and memory-out detection every solver user shares. Private to checker/src/smt.

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>
#include <z3++.h>

namespace pc5check::smt::detail {

/// Shortest time limit handed to Z3 (shorter ones can hang its timer thread in 4.8.12).
constexpr unsigned kMinSolverMs = 50;
/// Time limit of one query that only refines the report (never the verdict).
constexpr unsigned kProofQueryMs = 200;
/// Events whose state is kept for the state table of a violation found by the solver.
constexpr std::size_t kHistoryEvents = 2000;
/// Time all such queries of one trace may take together.
constexpr unsigned kProofTotalMs = 2000;

/// The time one answer may take (--timeout-ms), from its start: encoding counts too, so a budget spent
/// before the solver starts means no answer, every time (solving.cpp).
class SolverBudget {
  public:
    explicit SolverBudget(unsigned timeout_ms)
        : started_(std::chrono::steady_clock::now()), timeout_ms_(timeout_ms)
    {
    }
    /// Milliseconds left (at least 1).
    [[nodiscard]] unsigned remaining_ms() const;
    /// Time a solver question may take: 0 when the budget is spent. Z3 4.8.12's timer can hang on very
    /// short timeouts, so less than kMinSolverMs left counts as spent.
    [[nodiscard]] unsigned solver_ms_left();
    /// `solver.check(assumptions)` within the budget, or within `cap_ms` when that is tighter; unknown
    /// when the budget is spent (the reason is kept: unknown_reason()).
    [[nodiscard]] z3::check_result check(z3::solver& solver, const std::vector<z3::expr>& assumptions,
                                         unsigned cap_ms = 0);
    [[nodiscard]] bool out_of_time() const { return out_of_time_; }
    [[nodiscard]] unsigned timeout_ms() const { return timeout_ms_; }
    [[nodiscard]] const std::string& unknown_reason() const { return unknown_reason_; }
    void set_unknown_reason(std::string why) { unknown_reason_ = std::move(why); }

  private:
    std::chrono::steady_clock::time_point started_;
    unsigned timeout_ms_;
    bool out_of_time_ = false;
    std::string unknown_reason_; ///< why the last question had no answer
};

/// Before a Z3 context is made: lets the memory a new context fills (Z3 4.8.12 fills two tables of
/// 8.5 MB each when it makes one) come in 2 MB pages. On a virtual machine whose page faults are slow
/// (the development machine: ~25 us per 4 KB page), those faults were most of a one-trace `check` of a
/// partial capture: ~100 ms of 200 (docs/performance.md, "Symbolic check latency"); with 2 MB pages a
/// context takes ~10 ms. glibc only (elsewhere it does nothing): the heap serves allocations of up to
/// kHeapServedBytes instead of mmap, keeps up to twice that free instead of returning it, and a free
/// range of kReservedBytes at its top is marked MADV_HUGEPAGE (transparent huge pages, "madvise" mode).
/// Idempotent and cheap after the first call (no state kept: called before every context).
void prepare_heap_for_context();

/// A Z3 context made through the C API: under a tight memory limit Z3 cannot even create one, and
/// z3::context would then use the null handle. The z3++ view exists only when the context does.
class SolverContext {
  public:
    SolverContext() : owner_(make(), &Z3_del_context)
    {
        if (owner_) {
            view_.emplace(owner_.get());
        }
    }
    [[nodiscard]] bool ok() const { return view_.has_value(); }
    [[nodiscard]] z3::context& get() { return (*view_)(); }

  private:
    static Z3_context make()
    {
        Z3_config config = Z3_mk_config();
        Z3_context raw = Z3_mk_context_rc(config);
        Z3_del_config(config);
        return raw;
    }
    std::unique_ptr<std::remove_pointer_t<Z3_context>, decltype(&Z3_del_context)> owner_;
    std::optional<z3::scoped_context> view_; ///< does not own the context; declared last, destroyed first
};

/// Whether a Z3 message or reason_unknown says its memory limit (memory_max_size, from
/// --solver-memory-mb) was hit: a limit, not a failure. The one detector of every solver user.
[[nodiscard]] inline bool is_memory_out(std::string_view what)
{
    return what.find("memory") != std::string_view::npos;
}

/// is_memory_out for an exception; a check Z3 cancels itself when the limit is reached says "canceled"
/// (the engine never interrupts a check, so a cancel there is the memory limit).
[[nodiscard]] inline bool out_of_memory(const z3::exception& e)
{
    const std::string_view msg = e.msg();
    return is_memory_out(msg) || msg.find("canceled") != std::string_view::npos;
}
} // namespace pc5check::smt::detail
