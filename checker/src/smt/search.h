#pragma once
/// \file One solver context with the closed system (SystemModel) in it, for one query of `prove`,
/// `query`, `diff` (system.cpp) or of the induction (induction.cpp). Private to checker/src/smt.

#include "pc5check/checker/system.h"
#include "smt/solver_limits.h"
#include "smt/system_model.h"

#include <chrono>
#include <optional>

namespace pc5check::smt::detail {

using Clock = std::chrono::steady_clock;

/// The solver context (detail::SolverContext) and the engine in it, for one query.
class Search {
  public:
    /// From an arbitrary state with an injecting attacker, the past is as `past` says
    /// (SystemModel::Past): an honest message per step, or the open set of MAC-Is seen. Both are sound;
    /// the first knows more, the second is cheaper.
    Search(const spec::Spec& spec, const SystemOptions& options, Clock::time_point deadline, bool arbitrary,
           SystemModel::Past past = SystemModel::Past::honest)
    {
        if (!ctx_.ok()) {
            return;
        }
        header_.spec = spec.id;
        header_.observer = trace::Observer::air;
        SymbolicOptions so;
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        so.timeout_ms = left <= 0 ? 1U : static_cast<unsigned>(left);
        engine_.emplace(spec, header_, so, ctx_.get());
        (void)engine_->system_start(options, arbitrary, past, "air before the arbitrary state");
    }
    [[nodiscard]] bool ok() const { return engine_.has_value(); }
    [[nodiscard]] SystemModel& engine() { return *engine_; }
    /// A second engine for `other`, on the same solver and the same messages (see link()).
    SystemModel& join(const spec::Spec& other, const SystemOptions& options)
    {
        joined_.emplace(other, header_, SymbolicOptions{}, ctx_.get());
        joined_->join(engine_->solver(), "b|");
        joined_->system_begin(options.attacker, false);
        return *joined_;
    }

  private:
    detail::SolverContext ctx_; ///< declared first: the engines go before it
    trace::Trace header_;
    std::optional<SystemModel> engine_;
    std::optional<SystemModel> joined_;
};

} // namespace pc5check::smt::detail
