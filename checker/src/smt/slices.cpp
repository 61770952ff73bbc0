#include "smt/slices.h"

#include "smt/solver_limits.h"
#include "smt/z3_assign.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <utility>

namespace pc5check::smt::detail {

namespace {

/// Assertions per slice (a part larger than this is one slice of its own). Measured on the symbolic
/// benchmark (bench/symbolic_bench.cpp): 16 to 64 give the same verdict time within noise, 256 is
/// 1.6x slower; a proof re-solves one slice, so smaller slices make proofs cheaper (32: 1,000 events
/// with proofs 0.31 s, 128: 0.94 s). A Z3 solver has a fixed cost per question too, hence not 1.
constexpr std::size_t kSliceAssertions = 32;
/// From this many assertions on, a slice (then one large part) is solved by Z3's default solver, whose
/// preprocessing tactics pay off there; below, the simple solver, whose set-up is cheaper. Measured:
/// at 32 the proofs of a 1,000-event partial capture took 0.99 s (a part of a few dozen assertions
/// re-solved with tactics per proof), at 128 0.35 s; --max-missing 1 on conform-plain 3.0 s either way.
constexpr std::size_t kTacticsAssertions = 128;

[[nodiscard]] unsigned ast_id(z3::context& ctx, const z3::expr& e) { return Z3_get_ast_id(ctx, e); }

/// Calls `visit(x)` once for each distinct application `x` of an uninterpreted constant or function
/// in `e`; `visit` returns whether to look inside its arguments.
template <typename Visit> void for_each_symbol(const z3::expr& e, Visit&& visit)
{
    std::unordered_map<unsigned, bool> seen;
    std::vector<z3::expr> todo{e};
    while (!todo.empty()) {
        const z3::expr x = todo.back();
        todo.pop_back();
        if (!seen.emplace(Z3_get_ast_id(x.ctx(), x), true).second) {
            continue;
        }
        if (x.is_quantifier() || x.is_lambda()) {
            todo.push_back(x.body());
            continue;
        }
        if (!x.is_app() || (x.decl().decl_kind() == Z3_OP_UNINTERPRETED && !visit(x))) {
            continue;
        }
        for (unsigned i = 0; i < x.num_args(); ++i) {
            todo.push_back(x.arg(i));
        }
    }
}

} // namespace

// ---- SlicedModel ----

z3::expr SlicedModel::eval(const z3::expr& e) const
{
    // Usually all of `e` lies in one slice: its model answers. Otherwise the constants of the other
    // slices are replaced by their values first (an array value read that way can stay symbolic: a
    // model's array is a function of that model).
    std::vector<std::pair<z3::expr, std::size_t>> constants;
    std::optional<std::size_t> main;
    std::optional<std::size_t> literal_batch;
    for_each_symbol(e, [&](const z3::expr& x) {
        if (x.num_args() == 0) {
            if (const auto lit = literal_batch_.find(Z3_get_ast_id(x.ctx(), x));
                lit != literal_batch_.end()) {
                literal_batch = lit->second;
                return false;
            }
        }
        if (const auto it = symbol_batch_.find(Z3_get_func_decl_id(x.ctx(), x.decl()));
            it != symbol_batch_.end()) {
            if (x.num_args() == 0) {
                constants.emplace_back(x, it->second);
                main = main ? main : it->second;
            } else {
                main = it->second; // an uninterpreted function: evaluated in its own slice's model
            }
        }
        return true;
    });
    if (!main) {
        main = literal_batch;
    }
    if (!main || !models_[*main]) {
        return e.simplify();
    }
    z3::expr_vector from(e.ctx());
    z3::expr_vector to(e.ctx());
    for (const auto& [c, b] : constants) {
        if (b != *main && models_[b]) {
            from.push_back(c);
            to.push_back(models_[b]->eval(c, true));
        }
    }
    z3::expr out = e;
    if (!from.empty()) {
        assign(out, out.substitute(from, to));
    }
    return models_[*main]->eval(out, true);
}

// ---- Slices ----

Slices::Slices(z3::context& ctx, std::function<bool(const z3::expr&)> literal,
               std::function<bool(const z3::func_decl&)> opaque)
    : ctx_(ctx), literal_(std::move(literal)), opaque_(std::move(opaque))
{
}

unsigned Slices::symbol(const z3::expr& app)
{
    const unsigned id = Z3_get_func_decl_id(ctx_, app.decl());
    const auto [it, added] = symbol_index_.emplace(id, static_cast<unsigned>(parent_.size()));
    if (added) {
        parent_.push_back(it->second);
        symbol_batch_.emplace_back();
        symbol_decl_.push_back(id);
    }
    return it->second;
}

unsigned Slices::root(unsigned s)
{
    while (parent_[s] != s) {
        parent_[s] = parent_[parent_[s]];
        s = parent_[s];
    }
    return s;
}

void Slices::unite(unsigned a, unsigned b)
{
    a = root(a);
    b = root(b);
    if (a != b) {
        parent_[std::max(a, b)] = std::min(a, b); // the older symbol stays the root: stable order
    }
}

void Slices::collect(const z3::expr& e, std::vector<unsigned>& symbols, std::vector<unsigned>& literals)
{
    for_each_symbol(e, [&](const z3::expr& x) {
        if (x.num_args() == 0 && literal_(x)) {
            literals.push_back(ast_id(ctx_, x));
            return false;
        }
        if (x.num_args() == 0 || !opaque_(x.decl())) {
            symbols.push_back(symbol(x));
        }
        return true;
    });
}

void Slices::update(const z3::solver& solver)
{
    const z3::expr_vector all = solver.assertions();
    for (auto i = static_cast<unsigned>(taken_); i < all.size(); ++i) {
        const std::size_t index = assertions_.size();
        Assertion& a = assertions_.emplace_back(Assertion{all[static_cast<int>(i)], {}, {}});
        collect(a.e, a.symbols, a.literals);
        if (a.symbols.empty()) {
            if (a.literals.size() == 1) {
                axioms_[a.literals.front()].push_back(index); // goes with every slice using the literal
            } else {
                ground_.push_back(index);
                dirty_ = true;
            }
            continue;
        }
        for (std::size_t k = 1; k < a.symbols.size(); ++k) {
            unite(a.symbols[0], a.symbols[k]);
        }
        if (!dirty_) {
            place(index);
        }
    }
    taken_ = all.size();
}

void Slices::place(std::size_t index)
{
    // Incremental: an assertion whose symbols all lie in one slice (or are new) joins that slice;
    // one over several slices makes them one part (rebuild()).
    const Assertion& a = assertions_[index];
    std::optional<std::size_t> target;
    for (const auto s : a.symbols) {
        if (const auto b = symbol_batch_[s]) {
            if (target && *target != *b) {
                dirty_ = true;
                return;
            }
            target = b;
        }
    }
    if (!target) {
        if (batches_.empty() || batches_.back().assertions.size() >= kSliceAssertions) {
            batches_.emplace_back();
        }
        target = batches_.size() - 1;
    }
    for (const auto s : a.symbols) {
        symbol_batch_[s] = target;
    }
    add_to(*target, index);
}

void Slices::add_to(std::size_t batch, std::size_t assertion)
{
    Batch& b = batches_[batch];
    b.assertions.push_back(assertion);
    for (const auto lit : assertions_[assertion].literals) {
        b.literals.insert(lit);
    }
    b.stale = true;
}

void Slices::rebuild()
{
    // Parts in the order of their first assertion, packed into slices of about kSliceAssertions.
    std::unordered_map<unsigned, std::size_t> batch_of_root;
    batches_.clear();
    for (auto& b : symbol_batch_) {
        b.reset();
    }
    std::vector<std::vector<std::size_t>> parts;
    std::unordered_map<unsigned, std::size_t> part_of_root;
    for (std::size_t i = 0; i < assertions_.size(); ++i) {
        if (assertions_[i].symbols.empty()) {
            continue;
        }
        const unsigned r = root(assertions_[i].symbols[0]);
        const auto [it, added] = part_of_root.emplace(r, parts.size());
        if (added) {
            parts.emplace_back();
        }
        parts[it->second].push_back(i);
    }
    for (const auto& part : parts) {
        if (batches_.empty() || batches_.back().assertions.size() + part.size() > kSliceAssertions) {
            batches_.emplace_back();
        }
        const std::size_t b = batches_.size() - 1;
        batch_of_root.emplace(root(assertions_[part.front()].symbols[0]), b);
        for (const auto i : part) {
            add_to(b, i);
        }
    }
    if (!ground_.empty()) {
        if (batches_.empty()) {
            batches_.emplace_back();
        }
        for (const auto i : ground_) {
            add_to(0, i);
        }
    }
    for (unsigned s = 0; s < symbol_batch_.size(); ++s) {
        if (const auto it = batch_of_root.find(root(s)); it != batch_of_root.end()) {
            symbol_batch_[s] = it->second;
        }
    }
    dirty_ = false;
}

z3::check_result Slices::check(const std::vector<z3::expr>& literals,
                               const std::function<unsigned()>& time_left_ms, unsigned cap_ms, bool all)
{
    if (dirty_) {
        rebuild();
    }
    reason_.clear();
    unsat_.clear();
    std::vector<std::vector<z3::expr>> asked(batches_.size());
    if (!split_literals(literals, asked)) {
        return check(literals, time_left_ms, cap_ms, all);
    }
    bool unknown = false;
    for (std::size_t i = 0; i < batches_.size(); ++i) {
        Batch& b = batches_[i];
        std::vector<unsigned> ids;
        for (const auto& l : asked[i]) {
            ids.push_back(ast_id(ctx_, l));
        }
        std::sort(ids.begin(), ids.end());
        z3::check_result r = b.answer; // the slice's last answer, when nothing changed since
        if (b.stale || ids != b.asked || b.answer == z3::unknown) {
            const unsigned left = time_left_ms();
            if (left == 0) {
                reason_ = "timeout";
                return z3::unknown;
            }
            r = solve(i, asked[i], cap_ms == 0 ? left : std::min(left, cap_ms));
            b.asked = std::move(ids);
        }
        unknown = unknown || r == z3::unknown;
        if (r == z3::unsat) {
            unsat_.push_back(i);
            if (!all) {
                return z3::unsat;
            }
        }
    }
    if (!unsat_.empty()) {
        return z3::unsat;
    }
    return unknown ? z3::unknown : z3::sat;
}

bool Slices::split_literals(const std::vector<z3::expr>& literals, std::vector<std::vector<z3::expr>>& asked)
{
    for (const auto& l : literals) {
        std::vector<unsigned> symbols;
        std::vector<unsigned> lits;
        collect(l, symbols, lits);
        std::optional<std::size_t> b;
        bool mixed = false;
        for (const auto sym : symbols) {
            if (const auto at = symbol_batch_[sym]) {
                mixed = mixed || (b && *b != *at);
                b = at;
            }
        }
        if (mixed) {
            // A literal over several parts (none such today): one part from now on.
            for (std::size_t k = 1; k < symbols.size(); ++k) {
                unite(symbols[0], symbols[k]);
            }
            dirty_ = true;
            return false;
        }
        if (b) {
            asked[*b].push_back(l); // a literal no assertion mentions can simply hold
        }
    }
    return true;
}

z3::check_result Slices::solve(std::size_t batch, const std::vector<z3::expr>& asked, unsigned timeout_ms)
{
    Batch& b = batches_[batch];
    // A solver per question, not per slice: thousands of idle Z3 solvers take gigabytes.
    z3::solver solver = solver_of(batch);
    z3::params p(ctx_);
    p.set("timeout", timeout_ms);
    solver.set(p);
    z3::expr_vector assertions(ctx_);
    add_slices(assertions, {batch});
    solver.add(assertions);
    for (const auto& l : asked) {
        solver.add(l);
    }
    const z3::check_result r = solver.check();
    b.model.reset();
    if (r == z3::sat) {
        b.model = solver.get_model();
    }
    if (r == z3::unknown) {
        reason_ = solver.reason_unknown();
    }
    b.answer = r;
    b.stale = false;
    return r;
}

z3::solver Slices::solver_of(std::size_t batch) const
{
    // A slice of small parts gets the simple solver (setting up the preprocessing tactics took longer
    // than its question); a large part keeps them (they decide, e.g., --max-missing).
    return batches_[batch].assertions.size() > kTacticsAssertions ? z3::solver(ctx_)
                                                                  : z3::solver(ctx_, z3::solver::simple());
}

std::optional<std::size_t> Slices::slice_of(const z3::expr& e)
{
    std::vector<unsigned> symbols;
    std::vector<unsigned> literals;
    collect(e, symbols, literals);
    std::optional<std::size_t> out;
    for (const auto s : symbols) {
        const auto b = symbol_batch_[s];
        if (!b) {
            continue; // in no assertion: free
        }
        if (out && *out != *b) {
            return std::nullopt;
        }
        out = b;
    }
    return out;
}

std::vector<z3::check_result> Slices::check_each(const std::vector<z3::expr>& literals,
                                                 const std::vector<z3::expr>& targets,
                                                 const std::function<unsigned()>& time_left_ms,
                                                 unsigned cap_ms)
{
    std::vector<z3::check_result> out(targets.size(), z3::unknown);
    if (dirty_) {
        rebuild();
    }
    std::vector<std::vector<z3::expr>> asked(batches_.size());
    if (!split_literals(literals, asked)) {
        return out; // slices to be united first: each target is asked alone
    }
    // Slice by slice, in the order of their first target.
    std::vector<std::pair<std::size_t, std::vector<std::size_t>>> per_slice;
    std::vector<bool> with_targets(batches_.size(), false);
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const auto b = slice_of(targets[i]);
        if (!b) {
            continue; // over several slices: asked alone, as before
        }
        if (!with_targets[*b]) {
            with_targets[*b] = true;
            per_slice.emplace_back(*b, std::vector<std::size_t>{});
        }
        std::find_if(per_slice.begin(), per_slice.end(), [&](const auto& e) {
            return e.first == *b;
        })->second.push_back(i);
    }
    // Asked alone, a target's question is asked of every slice: one without a model answers it unsat.
    z3::check_result whole = others_have_models(asked, with_targets, time_left_ms, cap_ms);
    for (auto& [batch, pending] : per_slice) {
        if (whole != z3::sat) {
            break;
        }
        whole =
            batches_[batch].assertions.size() > kTacticsAssertions
                ? answer_in_large(batch, asked[batch], targets, std::move(pending), time_left_ms, cap_ms, out)
                : answer_in(batch, asked[batch], targets, std::move(pending), time_left_ms, cap_ms, out);
    }
    if (whole == z3::unsat) {
        out.assign(targets.size(), z3::unsat);
    } else if (whole != z3::sat) {
        out.assign(targets.size(), z3::unknown);
    }
    return out;
}

z3::check_result Slices::others_have_models(const std::vector<std::vector<z3::expr>>& asked,
                                            const std::vector<bool>& with_targets,
                                            const std::function<unsigned()>& time_left_ms, unsigned cap_ms)
{
    for (std::size_t b = 0; b < batches_.size(); ++b) {
        if (with_targets[b]) {
            continue;
        }
        // A model with more literals asserted is one with fewer: the last answer of the verdict's
        // question (every literal) answers the proofs' (the observations alone).
        std::vector<unsigned> ids;
        for (const auto& l : asked[b]) {
            ids.push_back(ast_id(ctx_, l));
        }
        std::sort(ids.begin(), ids.end());
        const Batch& batch = batches_[b];
        if (!batch.stale && batch.answer == z3::sat &&
            std::includes(batch.asked.begin(), batch.asked.end(), ids.begin(), ids.end())) {
            continue;
        }
        const unsigned left = time_left_ms();
        if (left == 0) {
            return z3::unknown;
        }
        z3::solver solver = question_solver(b, asked[b], {}, {});
        set_timeout(solver, cap_ms == 0 ? left : std::min(left, cap_ms));
        const z3::check_result r = solver.check();
        if (r != z3::sat) {
            return r;
        }
    }
    return z3::sat;
}

z3::expr_vector Slices::question_assertions(std::size_t batch, const std::vector<z3::expr>& asked,
                                            const std::vector<z3::expr>& targets,
                                            const std::vector<std::size_t>& pending)
{
    z3::expr_vector out(ctx_);
    add_slices(out, {batch});
    add_axioms(out, targets, pending, batch);
    for (const auto& l : asked) {
        out.push_back(l);
    }
    return out;
}

z3::solver Slices::question_solver(std::size_t batch, const std::vector<z3::expr>& asked,
                                   const std::vector<z3::expr>& targets,
                                   const std::vector<std::size_t>& pending)
{
    z3::solver solver = solver_of(batch);
    solver.add(question_assertions(batch, asked, targets, pending));
    return solver;
}

void Slices::set_timeout(z3::solver& solver, unsigned timeout_ms)
{
    z3::params p(solver.ctx());
    p.set("timeout", timeout_ms);
    solver.set(p);
}

z3::check_result Slices::answer_in(std::size_t batch, const std::vector<z3::expr>& asked,
                                   const std::vector<z3::expr>& targets, std::vector<std::size_t> pending,
                                   const std::function<unsigned()>& time_left_ms, unsigned cap_ms,
                                   std::vector<z3::check_result>& out)
{
    // One solver (the simple one: a small slice) for all the questions of the slice, each asked with an
    // assumption literal of its own.
    z3::solver solver = question_solver(batch, asked, targets, pending);
    return enumerate(solver, batch, targets, std::move(pending), time_left_ms, cap_ms, out);
}

z3::check_result Slices::answer_in_large(std::size_t batch, const std::vector<z3::expr>& asked,
                                         const std::vector<z3::expr>& targets,
                                         std::vector<std::size_t> pending,
                                         const std::function<unsigned()>& time_left_ms, unsigned cap_ms,
                                         std::vector<z3::check_result>& out)
{
    // A large part needs Z3's preprocessing tactics (solver_of()): they are applied once to the slice, for
    // all its questions, and the result is asked as a small slice is. Each target gets an indicator tied
    // to it both ways: `target!B(i)`, an application of a predicate and not a constant, because the
    // tactics eliminate constants (a Boolean constant that propagation fixes would leave the result, and
    // a solver would then take it as free). Preprocessing keeps the models of the problem on what it
    // keeps, so a model of the result with an indicator true is one of the slice with its target true.
    const unsigned left = time_left_ms();
    const unsigned limit = cap_ms == 0 ? left : std::min(left, cap_ms);
    if (limit < kMinSolverMs) {
        return z3::unknown;
    }
    z3::goal goal(ctx_);
    for (const auto& e : question_assertions(batch, asked, targets, pending)) {
        goal.add(e);
    }
    const z3::func_decl indicator =
        ctx_.function(("target!" + std::to_string(batch)).c_str(), ctx_.int_sort(), ctx_.bool_sort());
    std::vector<z3::expr> indicators(targets.size(), ctx_.bool_val(false));
    for (const auto i : pending) {
        assign(indicators[i], indicator(ctx_.int_val(static_cast<std::uint64_t>(i))));
        goal.add(z3::implies(indicators[i], targets[i]));
        goal.add(z3::implies(targets[i], indicators[i]));
    }
    const auto started = std::chrono::steady_clock::now();
    std::optional<z3::apply_result> pre;
    try {
        pre.emplace(z3::try_for(preprocessing(), limit).apply(goal));
    } catch (const z3::exception& e) {
        // try_for's limit says "canceled", as the memory limit does: the time tells them apart.
        if (std::chrono::steady_clock::now() - started < std::chrono::milliseconds(limit)) {
            throw;
        }
        return z3::unknown;
    }
    if (pre->size() != 1) {
        return z3::unknown;
    }
    z3::solver solver(ctx_, z3::solver::simple());
    const z3::goal simplified = (*pre)[0];
    for (unsigned k = 0; k < simplified.size(); ++k) {
        solver.add(simplified[static_cast<int>(k)]);
    }
    return enumerate(solver, batch, indicators, std::move(pending), time_left_ms, cap_ms, out);
}

z3::tactic Slices::preprocessing()
{
    return z3::tactic(ctx_, "simplify") & z3::tactic(ctx_, "propagate-values") &
           z3::tactic(ctx_, "solve-eqs") & z3::tactic(ctx_, "elim-uncnstr") & z3::tactic(ctx_, "simplify");
}

z3::check_result Slices::enumerate(z3::solver& solver, std::size_t batch,
                                   const std::vector<z3::expr>& targets, std::vector<std::size_t> pending,
                                   const std::function<unsigned()>& time_left_ms, unsigned cap_ms,
                                   std::vector<z3::check_result>& out)
{
    for (unsigned round = 0; !pending.empty(); ++round) {
        const unsigned left = time_left_ms();
        if (left == 0) {
            return z3::unknown;
        }
        set_timeout(solver, cap_ms == 0 ? left : std::min(left, cap_ms));
        const z3::expr lit =
            ctx_.bool_const(("any!" + std::to_string(batch) + "!" + std::to_string(round)).c_str());
        solver.add(z3::implies(lit, any_pending(targets, pending)));
        z3::expr_vector assumptions(ctx_);
        assumptions.push_back(lit);
        const z3::check_result r = solver.check(assumptions);
        if (r == z3::unsat) {
            // No pending target holds in a model; unless the slice has none at all (then no target
            // of any slice does).
            const auto slice = round > 0 ? z3::sat : solver.check();
            for (const auto i : pending) {
                out[i] = z3::unsat;
            }
            return slice;
        }
        if (r != z3::sat || !answer_from_model(solver.get_model(), targets, pending, out)) {
            return r; // sat with no target decided by the model: each is asked alone
        }
    }
    return z3::sat;
}

z3::expr any_pending(const std::vector<z3::expr>& targets, const std::vector<std::size_t>& pending)
{
    z3::expr_vector any(targets.front().ctx());
    for (const auto i : pending) {
        any.push_back(targets[i]);
    }
    return z3::mk_or(any);
}

bool answer_from_model(const z3::model& m, const std::vector<z3::expr>& targets,
                       std::vector<std::size_t>& pending, std::vector<z3::check_result>& out)
{
    std::vector<std::size_t> rest;
    for (const auto i : pending) {
        if (m.eval(targets[i], true).is_true()) {
            out[i] = z3::sat;
        } else {
            rest.push_back(i);
        }
    }
    const bool some = rest.size() < pending.size();
    pending = std::move(rest);
    return some;
}

void Slices::add_axioms(z3::expr_vector& out, const std::vector<z3::expr>& targets,
                        const std::vector<std::size_t>& pending, std::size_t batch)
{
    // The axioms of the literals the targets mention and the slice does not.
    std::set<unsigned> extra;
    for (const auto i : pending) {
        std::vector<unsigned> symbols;
        std::vector<unsigned> literals;
        collect(targets[i], symbols, literals);
        for (const auto lit : literals) {
            if (!batches_[batch].literals.contains(lit)) {
                extra.insert(lit);
            }
        }
    }
    for (const auto lit : extra) {
        if (const auto it = axioms_.find(lit); it != axioms_.end()) {
            for (const auto x : it->second) {
                out.push_back(assertions_[x].e);
            }
        }
    }
}

SlicedModel Slices::model() const
{
    SlicedModel m;
    for (const auto& b : batches_) {
        m.models_.push_back(b.model);
    }
    for (unsigned s = 0; s < symbol_batch_.size(); ++s) {
        if (symbol_batch_[s]) {
            m.symbol_batch_.emplace(symbol_decl_[s], *symbol_batch_[s]);
        }
    }
    for (std::size_t i = 0; i < batches_.size(); ++i) {
        for (const auto lit : batches_[i].literals) {
            m.literal_batch_.emplace(lit, i);
        }
    }
    return m;
}

void Slices::add_slices(z3::expr_vector& out, const std::vector<std::size_t>& slices) const
{
    std::set<unsigned> literals;
    for (const auto b : slices) {
        literals.insert(batches_[b].literals.begin(), batches_[b].literals.end());
    }
    for (const auto lit : literals) {
        if (const auto it = axioms_.find(lit); it != axioms_.end()) {
            for (const auto x : it->second) {
                out.push_back(assertions_[x].e);
            }
        }
    }
    for (const auto b : slices) {
        for (const auto x : batches_[b].assertions) {
            out.push_back(assertions_[x].e);
        }
    }
}

z3::solver Slices::solver_for(const std::vector<std::size_t>& slices) const
{
    z3::expr_vector assertions(ctx_);
    add_slices(assertions, slices);
    z3::solver out(ctx_);
    out.add(assertions);
    return out;
}

bool Slices::within(const z3::expr& e, const std::vector<std::size_t>& slices)
{
    std::vector<unsigned> symbols;
    std::vector<unsigned> literals;
    collect(e, symbols, literals);
    return std::any_of(symbols.begin(), symbols.end(), [&](unsigned s) {
        return !symbol_batch_[s] ||
               std::find(slices.begin(), slices.end(), *symbol_batch_[s]) != slices.end();
    });
}

SlicedModel Slices::model_with(const std::vector<std::size_t>& slices, const z3::model& m) const
{
    SlicedModel out = model();
    for (const auto b : slices) {
        out.models_[b] = m;
    }
    return out;
}

} // namespace pc5check::smt::detail
