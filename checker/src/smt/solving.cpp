/// \file Solving: the time budget (solver_limits.h) and the trace problem's checks under assumptions,
/// slices, cores and models (trace_problem.h).

#include "smt/trace_problem.h"

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

z3::check_result TraceProblem::check_sliced(const std::vector<z3::expr>& literals, unsigned cap_ms)
{
    if (!slices_) {
        slices_.emplace(
            ctx_, [this](const z3::expr& c) { return byte_literal_by_id_.contains(Z3_get_ast_id(ctx_, c)); },
            [this](const z3::func_decl& f) { return z3::eq(f, bytes_id_) || z3::eq(f, bytes_len_); });
    }
    slices_->update(solver_);
    const auto r = slices_->check(
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
        out.bound = at_most(v, k, name);
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

} // namespace pc5check::smt::detail
