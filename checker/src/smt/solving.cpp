/// \file Solving: the time budget (solver_limits.h) and the trace problem's checks under assumptions,
/// slices, cores and models (trace_problem.h).

#include "smt/trace_problem.h"

#include <limits>
#include <numeric>

namespace pc5check::smt::detail {

unsigned SolverBudget::remaining_ms() const
{
    const auto spent =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
    const auto left = static_cast<long long>(timeout_ms_) - spent.count();
    return left <= 1 ? 1U : static_cast<unsigned>(left);
}

unsigned SolverBudget::solver_ms_left()
{
    const auto spent = std::chrono::steady_clock::now() - started_ + std::chrono::milliseconds(kMinSolverMs);
    if (spent >= std::chrono::milliseconds(timeout_ms_)) {
        out_of_time_ = true;
        return 0;
    }
    return remaining_ms();
}

z3::check_result SolverBudget::check(z3::solver& solver, const std::vector<z3::expr>& assumptions,
                                     unsigned cap_ms)
{
    const unsigned left = solver_ms_left();
    if (left == 0) {
        return z3::unknown;
    }
    z3::params p(solver.ctx());
    p.set("timeout", cap_ms == 0 ? left : std::min(cap_ms, left));
    solver.set(p);
    z3::expr_vector v(solver.ctx());
    for (const auto& a : assumptions) {
        v.push_back(a);
    }
    const auto r = solver.check(v);
    if (r == z3::unknown) {
        unknown_reason_ = solver.reason_unknown();
    }
    return r;
}

z3::check_result TraceProblem::check(const std::vector<z3::expr>& assumptions, unsigned cap_ms)
{
    return budget_.check(solver_, relevant(assumptions), cap_ms);
}

z3::check_result TraceProblem::check_asserted(const std::vector<z3::expr>& literals,
                                              std::optional<Model>& model)
{
    if (sliced()) {
        const auto r = check_sliced(literals, 0);
        if (r == z3::sat) {
            model.emplace(slices_->model());
        }
        return r;
    }
    solver_.push();
    for (const auto& l : relevant(literals)) {
        solver_.add(l);
    }
    const auto r = check({});
    if (r == z3::sat) {
        model.emplace(solver_.get_model());
    }
    solver_.pop();
    return r;
}

bool TraceProblem::restrict_to_conflict(const std::vector<z3::expr>& literals)
{
    const auto r = slices_->check(
        literals, [this] { return budget_.solver_ms_left(); }, 0, true);
    if (r != z3::unsat) {
        budget_.set_unknown_reason(slices_->reason_unknown());
        return false;
    }
    conflict_ = slices_->unsat_slices();
    solver_ = slices_->solver_for(*conflict_);
    return true;
}

std::vector<z3::expr> TraceProblem::relevant(const std::vector<z3::expr>& literals)
{
    if (!conflict_) {
        return literals;
    }
    std::vector<z3::expr> out;
    for (const auto& l : literals) {
        if (slices_->within(l, *conflict_)) {
            out.push_back(l);
        }
    }
    return out;
}

Model TraceProblem::whole_model(const z3::model& m) const
{
    return conflict_ ? Model(slices_->model_with(*conflict_, m)) : Model(m);
}

bool TraceProblem::outside_conflict(const Instance& inst)
{
    return conflict_ && !slices_->within(inst.literal, *conflict_);
}

Slices& TraceProblem::current_slices()
{
    if (!slices_) {
        slices_.emplace(
            ctx_, [this](const z3::expr& c) { return byte_literal_by_id_.contains(Z3_get_ast_id(ctx_, c)); },
            [this](const z3::func_decl& f) { return z3::eq(f, bytes_id_) || z3::eq(f, bytes_len_); });
    }
    slices_->update(solver_);
    return *slices_;
}

z3::check_result TraceProblem::check_sliced(const std::vector<z3::expr>& literals, unsigned cap_ms)
{
    const auto r = current_slices().check(
        literals, [this] { return budget_.solver_ms_left(); }, cap_ms);
    if (r == z3::unknown) {
        budget_.set_unknown_reason(slices_->reason_unknown());
    }
    return r;
}

z3::expr TraceProblem::at_most(const z3::expr_vector& v, unsigned k, const std::string& name)
{
    z3::expr lit = ctx_.bool_const((name + "!" + std::to_string(k)).c_str());
    solver_.add(z3::implies(lit, z3::atmost(v, k)));
    return lit;
}

TraceProblem::Least TraceProblem::least_bound(const std::vector<z3::expr>& base, const z3::expr_vector& v,
                                              unsigned lo, unsigned hi, const std::string& name)
{
    Least out;
    for (unsigned k = lo; k <= hi; ++k) {
        out.k = k;
        out.bound.emplace(at_most(v, k, name));
        auto literals = base;
        literals.push_back(*out.bound);
        out.answer = check_asserted(literals, out.model);
        if (out.answer != z3::unsat) {
            break;
        }
    }
    return out;
}

z3::expr_vector TraceProblem::slot_actives()
{
    z3::expr_vector v(ctx_);
    for (const auto& a : slot_active_) {
        v.push_back(a);
    }
    return v;
}

std::vector<z3::check_result> TraceProblem::check_each(const std::vector<z3::expr>& literals,
                                                       const std::vector<z3::expr>& targets,
                                                       std::chrono::steady_clock::time_point deadline)
{
    // Within the proofs' deadline, and within the budget as every question.
    const auto time_left = [this, deadline]() -> unsigned {
        const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (until.count() <= 0) {
            return 0;
        }
        return std::min(budget_.solver_ms_left(), static_cast<unsigned>(std::min<long long>(
                                                      until.count(), std::numeric_limits<unsigned>::max())));
    };
    if (sliced()) {
        return current_slices().check_each(literals, targets, time_left, kProofQueryMs);
    }
    return check_each_whole(literals, targets, time_left);
}

std::vector<z3::check_result> TraceProblem::check_each_whole(const std::vector<z3::expr>& literals,
                                                             const std::vector<z3::expr>& targets,
                                                             const std::function<unsigned()>& time_left)
{
    std::vector<z3::check_result> out(targets.size(), z3::unknown);
    std::vector<std::size_t> pending(targets.size());
    std::iota(pending.begin(), pending.end(), std::size_t{0});
    const std::vector<z3::expr> base = relevant(literals);
    for (unsigned round = 0; !pending.empty(); ++round) {
        const unsigned left = time_left();
        if (left == 0) {
            break;
        }
        const z3::expr lit = ctx_.bool_const(("any!" + std::to_string(round)).c_str());
        solver_.add(z3::implies(lit, any_pending(targets, pending)));
        auto assumptions = base;
        assumptions.push_back(lit);
        const z3::check_result r = budget_.check(solver_, assumptions, std::min(left, kProofQueryMs));
        if (r == z3::unsat) {
            for (const auto i : pending) {
                out[i] = z3::unsat;
            }
            break;
        }
        if (r != z3::sat || !answer_from_model(solver_.get_model(), targets, pending, out)) {
            break; // sat with no target decided by the model: each is asked alone
        }
    }
    return out;
}

} // namespace pc5check::smt::detail
