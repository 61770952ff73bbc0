/// \file k-induction (induction.h). Per k: one step-case encoding in which every candidate is assumed
/// at states 0..k through its own assumption literal; Houdini drops, per model of "some candidate fails
/// at state k+1", every candidate that model falsifies, until the rest is inductive (unsat). The
/// unsat cores of the same encoding then give, per proven property, the candidates its proof needs,
/// closed under what theirs need: an inductive invariant a reviewer can read (prove --explain).
/// Generated candidates (candidates.h) and the spec's properties not asked about first pass a bounded
/// check from the initial state, so Houdini only sees candidates that hold for the first steps.

#include "smt/induction.h"

#include "smt/absent_capable.h"
#include "smt/candidates.h"
#include "smt/cross_check.h"
#include "smt/z3_assign.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace pc5check::smt::detail {

namespace {

/// The cross-check (SystemOptions::cross_check_dir) of one proof attempt: the files the second solver
/// answered unsat, and "FILE: answer" for one it did not confirm (the proof is then not counted).
struct CrossCheckFiles {
    std::string prefix; ///< file names: PREFIX-kK-base.smt2, PREFIX-kK-step.smt2
    std::vector<std::string> confirmed;
    std::vector<std::string> unconfirmed;
};

/// With --cross-check, asks the second solver about `solver`'s assertions, which Z3 answered unsat:
/// true when it confirms (or no cross-check is asked for). Throws CrossCheckDisagreement on "sat".
bool confirmed_by_second_solver(z3::solver& solver, const std::vector<Candidate>& set, unsigned k,
                                const char* which, const SystemOptions& options, Clock::time_point deadline,
                                CrossCheckFiles* trail)
{
    if (!options.cross_check_dir || trail == nullptr) {
        return true;
    }
    std::string names;
    for (const auto& c : set) {
        names += (names.empty() ? "" : ", ") + c.name;
    }
    const CrossCheckSetup setup = cross_check_setup(
        options, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    const std::string name = trail->prefix + "-k" + std::to_string(k + 1) + "-" + which;
    const std::string comment = "pc5check cross-check of a k-induction proof (expected: unsat)\n" +
                                trail->prefix + ": k=" + std::to_string(k + 1) + ", " + which +
                                " case\ninvariants: " + names;
    const CrossCheckAnswer a = cross_check_unsat(solver, name, comment, setup);
    if (a.kind == CrossCheckAnswer::Kind::confirmed) {
        trail->confirmed.push_back(a.file);
        return true;
    }
    trail->unconfirmed.push_back(a.file + ": " + options.cross_check_solver + " answered " +
                                 (a.detail.empty() ? "nothing" : a.detail));
    return false;
}

/// `set` at each state 0..k of `e` (stepping it to k) as one conjunction; a property that reads the
/// message of a step says nothing about state 0.
z3::expr hold_up_to(SystemModel& e, const std::vector<Candidate>& set, unsigned k)
{
    z3::expr all = e.context().bool_val(true);
    for (unsigned i = 0; i <= k; ++i) {
        if (i > 0) {
            e.system_step();
        }
        for (const auto& c : set) {
            if (i != 0 || !c.reads_message) {
                assign(all, all && e.system_formula(*c.formula, i));
            }
        }
    }
    return all;
}

/// `c` at the states around each honest message sent before the arbitrary state (SystemModel's past):
/// they come before the state the step case asks about, so the induction may assume it there.
z3::expr hold_in_past(SystemModel& e, const Candidate& c)
{
    z3::expr all = e.context().bool_val(true);
    for (std::size_t j = 0; j < e.system_past_count(); ++j) {
        if (!c.reads_message) {
            assign(all, all && e.system_past_formula(*c.formula, j, false));
        }
        assign(all, all && e.system_past_formula(*c.formula, j, true));
    }
    return all;
}

/// The attacker's past in the step case at `k` (k+1 messages; SystemModel::Past): an honest one in the
/// 1-induction step only. From two messages on, the extra state and step per message made the step case
/// many times slower (a Houdini run that dropped false candidates at k=3 took all of its 120 s), so those
/// keep the open set of MAC-Is seen, which is sound too and proves what it proved before.
SystemModel::Past past_at(unsigned k)
{
    return k == 0 ? SystemModel::Past::honest : SystemModel::Past::open_air;
}

/// The step case of `set` at `k` as one query (all assumed at states 0..k from an arbitrary state and in
/// its past, their conjunction asked at k+1): true when unsat (and confirmed by the second solver, with
/// --cross-check).
bool step_case_holds(const spec::Spec& spec, const std::vector<Candidate>& set, unsigned k,
                     const SystemOptions& options, Clock::time_point deadline, CrossCheckFiles* trail)
{
    Search s(spec, options, deadline, true, past_at(k));
    if (!s.ok()) {
        return false;
    }
    SystemModel& e = s.engine();
    e.solver().add(hold_up_to(e, set, k));
    e.system_step();
    for (const auto& c : set) {
        e.solver().add(hold_in_past(e, c));
    }
    z3::expr all = e.context().bool_val(true);
    for (const auto& c : set) {
        assign(all, all && e.system_formula(*c.formula, k + 1));
    }
    e.solver().add(!all);
    return e.solve() == z3::unsat &&
           confirmed_by_second_solver(e.solver(), set, k, "step", options, deadline, trail);
}

/// Base case as one independent query: no state within `k` steps of the start breaks any of `set`.
bool base_case_holds(const spec::Spec& spec, const std::vector<Candidate>& set, unsigned k,
                     const SystemOptions& options, Clock::time_point deadline, CrossCheckFiles* trail)
{
    Search s(spec, options, deadline, false);
    if (!s.ok()) {
        return false;
    }
    SystemModel& e = s.engine();
    e.solver().add(!hold_up_to(e, set, k));
    return e.solve() == z3::unsat &&
           confirmed_by_second_solver(e.solver(), set, k, "base", options, deadline, trail);
}

/// The candidates of `set` at `members`, in that order.
std::vector<Candidate> subset(const std::vector<Candidate>& set, const std::vector<std::size_t>& members)
{
    std::vector<Candidate> out;
    out.reserve(members.size());
    for (const auto m : members) {
        out.push_back(set[m]);
    }
    return out;
}

/// Independent re-check of an inductive set: base case and step case, separately, in fresh contexts.
bool recheck_inductive(const spec::Spec& spec, const std::vector<Candidate>& set, unsigned k,
                       const SystemOptions& options, Clock::time_point deadline, CrossCheckFiles* trail)
{
    return base_case_holds(spec, set, k, options, deadline, trail) &&
           step_case_holds(spec, set, k, options, deadline, trail);
}

/// Candidates each behind an assumption literal in one solver, with what to ask of them.
class Assumed {
  public:
    explicit Assumed(SystemModel& e) : e_(e)
    {
        // Smaller cores make smaller invariants to read (prove --explain); Z3 shrinks them itself.
        z3::params p(e.context());
        p.set("core.minimize", true);
        e.solver().set(p);
    }

    /// Candidate `i` (any index the caller chooses) holds wherever `holds` says, when assumed.
    void assume(std::size_t i, const z3::expr& holds)
    {
        const z3::expr a = e_.context().bool_const(("pc5check_a" + std::to_string(i)).c_str());
        e_.solver().add(z3::implies(a, holds));
        literal_.emplace(i, a);
        index_.emplace(a.decl().name().str(), i);
    }
    /// Whether some goal of `goals` can fail with every candidate of `alive` assumed: sat (with the
    /// model in `model`), unsat (with the assumed candidates the proof used in `used`) or unknown.
    z3::check_result ask(const std::vector<std::size_t>& alive, const std::vector<z3::expr>& goals,
                         std::optional<z3::model>& model, std::vector<std::size_t>* used)
    {
        z3::context& ctx = e_.context();
        const z3::expr g = ctx.bool_const(("pc5check_g" + std::to_string(asked_++)).c_str());
        z3::expr all = ctx.bool_val(true);
        for (const auto& goal : goals) {
            assign(all, all && goal);
        }
        e_.solver().add(z3::implies(g, !all));
        std::vector<z3::expr> assumptions{g};
        for (const auto i : alive) {
            assumptions.push_back(literal_.at(i));
        }
        const z3::check_result r = e_.solve(assumptions);
        if (r == z3::sat) {
            model.emplace(e_.solver().get_model());
        } else if (r == z3::unsat && used != nullptr) {
            const z3::expr_vector core = e_.solver().unsat_core();
            for (unsigned j = 0; j < core.size(); ++j) {
                if (const auto it = index_.find(core[static_cast<int>(j)].decl().name().str());
                    it != index_.end()) {
                    used->push_back(it->second);
                }
            }
        }
        return r;
    }

  private:
    SystemModel& e_;
    std::map<std::size_t, z3::expr> literal_;
    std::map<std::string, std::size_t> index_;
    unsigned asked_ = 0;
};

/// Drops from `alive` every candidate `model` falsifies (per `holds`).
void drop_falsified(std::vector<std::size_t>& alive, const z3::model& model,
                    const std::map<std::size_t, z3::expr>& holds)
{
    std::erase_if(alive, [&](std::size_t i) { return model.eval(holds.at(i), true).is_false(); });
}

/// The indices, ascending, of the members of `candidates` (generated or auxiliary ones) that hold at
/// every state of every run of up to `depth` messages from the initial state (none when the solver
/// gives up: a candidate is never kept unchecked).
std::vector<std::size_t> hold_initially(const spec::Spec& spec, const std::vector<Candidate>& candidates,
                                        unsigned depth, const SystemOptions& options,
                                        Clock::time_point deadline)
{
    if (candidates.empty()) {
        return {};
    }
    Search s(spec, options, deadline, false);
    if (!s.ok()) {
        return {};
    }
    SystemModel& e = s.engine();
    std::map<std::size_t, z3::expr> holds;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        holds.emplace(i, e.context().bool_val(true));
    }
    for (unsigned d = 0; d <= depth; ++d) {
        if (d > 0) {
            e.system_step();
        }
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            if (d != 0 || !candidates[i].reads_message) {
                assign(holds.at(i), holds.at(i) && e.system_formula(*candidates[i].formula, d));
            }
        }
    }
    std::vector<std::size_t> alive(candidates.size());
    std::iota(alive.begin(), alive.end(), std::size_t{0});
    Assumed none(e);
    while (!alive.empty()) {
        std::vector<z3::expr> goals;
        goals.reserve(alive.size());
        for (const auto i : alive) {
            goals.push_back(holds.at(i));
        }
        std::optional<z3::model> model;
        const z3::check_result r = none.ask({}, goals, model, nullptr);
        if (r == z3::unsat) {
            break;
        }
        if (r == z3::unknown) {
            return {};
        }
        drop_falsified(alive, *model, holds);
    }
    return alive;
}

/// The step case at one k: every candidate of `all` assumed at states 0..k (from an arbitrary state),
/// asked at k+1.
class StepCase {
  public:
    StepCase(const spec::Spec& spec, const std::vector<Candidate>& all, unsigned k,
             const SystemOptions& options, Clock::time_point deadline)
        : search_(spec, options, deadline, true, past_at(k))
    {
        if (!search_.ok()) {
            return;
        }
        SystemModel& e = search_.engine();
        for (unsigned i = 1; i <= k + 1; ++i) {
            e.system_step();
        }
        assumed_.emplace(e);
        for (std::size_t c = 0; c < all.size(); ++c) {
            z3::expr holds = hold_in_past(e, all[c]);
            for (unsigned i = 0; i <= k; ++i) {
                if (i != 0 || !all[c].reads_message) {
                    assign(holds, holds && e.system_formula(*all[c].formula, i));
                }
            }
            assumed_->assume(c, holds);
            goal_.emplace(c, e.system_formula(*all[c].formula, k + 1));
        }
    }

    /// Houdini: the largest subset of `pool` whose members, all assumed, all hold at k+1 (empty when the
    /// solver gives up or there is no encoding).
    std::vector<std::size_t> inductive_subset(std::vector<std::size_t> pool, Clock::time_point deadline)
    {
        if (!assumed_) {
            return {};
        }
        while (!pool.empty()) {
            if (Clock::now() >= deadline) {
                return {};
            }
            std::optional<z3::model> model;
            const z3::check_result r = assumed_->ask(pool, goals(pool), model, nullptr);
            if (r == z3::unsat) {
                return pool;
            }
            if (r == z3::unknown) {
                return {};
            }
            drop_falsified(pool, *model, goal_);
        }
        return pool;
    }

    /// The members of inductive set `members` that the step case of `target` needs, closed under what
    /// theirs need (with `target`): an inductive subset, in `members`' order; `members` when a query
    /// does not answer unsat.
    std::vector<std::size_t> support(std::size_t target, const std::vector<std::size_t>& members)
    {
        std::vector<std::size_t> closed{target};
        for (std::size_t seen = 0; seen < closed.size();) {
            const std::vector<std::size_t> asked(closed.begin() + static_cast<std::ptrdiff_t>(seen),
                                                 closed.end());
            seen = closed.size();
            std::optional<z3::model> model;
            std::vector<std::size_t> used;
            if (assumed_->ask(members, goals(asked), model, &used) != z3::unsat) {
                return members;
            }
            for (const auto u : used) {
                if (std::find(closed.begin(), closed.end(), u) == closed.end()) {
                    closed.push_back(u);
                }
            }
        }
        std::vector<std::size_t> ordered;
        for (const auto m : members) {
            if (std::find(closed.begin(), closed.end(), m) != closed.end()) {
                ordered.push_back(m);
            }
        }
        return ordered;
    }

    /// Why `target` is not among the inductive set `members`: a model of the step case with `target`
    /// and every member assumed at states 0..k and `target` false at k+1, rendered (nullopt: the solver
    /// gave no model).
    std::optional<InductionFailure> counterexample(std::size_t target, std::vector<std::size_t> members,
                                                   unsigned k)
    {
        if (!assumed_) {
            return std::nullopt;
        }
        members.push_back(target);
        std::optional<z3::model> model;
        if (assumed_->ask(members, goals({target}), model, nullptr) != z3::sat) {
            return std::nullopt;
        }
        return search_.engine().system_cti(*model, k);
    }

  private:
    std::vector<z3::expr> goals(const std::vector<std::size_t>& of) const
    {
        std::vector<z3::expr> out;
        out.reserve(of.size());
        for (const auto i : of) {
            out.push_back(goal_.at(i));
        }
        return out;
    }

    Search search_;
    std::optional<Assumed> assumed_;
    std::map<std::size_t, z3::expr> goal_;
};

InvariantPart part_of(const Candidate& c) { return InvariantPart{c.name, c.source, c.origin}; }

/// The candidates generated from `spec` that hold for the first `depth` messages.
std::vector<Candidate> generated_candidates(const spec::Spec& spec,
                                            const std::vector<GeneratedInvariant>& gen, unsigned depth,
                                            const SystemOptions& options, Clock::time_point deadline)
{
    std::vector<Candidate> out;
    for (std::size_t i = 0; i < gen.size(); ++i) {
        out.push_back(Candidate{gen[i].formula.get(), SystemModel::reads_message(*gen[i].formula),
                                "generated:" + std::to_string(i + 1), gen[i].source, "generated"});
    }
    return subset(out, hold_initially(spec, out, depth, options, deadline));
}

/// The candidates an induction pass works on, and which of them are asked about.
struct Pool {
    std::vector<Candidate> all;
    /// Per member of `all`: its index in the outcome (the caller's list) when it is asked about;
    /// nullopt for an auxiliary or generated candidate.
    std::vector<std::optional<std::size_t>> slot;

    void add(const Candidate& c, std::optional<std::size_t> at)
    {
        all.push_back(c);
        slot.push_back(at);
    }
    /// Whether every candidate asked about has a proof in `out`.
    [[nodiscard]] bool all_proven(const InductionOutcome& out) const
    {
        return std::all_of(slot.begin(), slot.end(),
                           [&out](const auto& at) { return !at || out.proven_at[*at] != 0; });
    }
};

/// Re-checks the inductive subset `members` of `pool` found at `k` and, when it holds, records the proofs
/// of `fresh` (members asked about) with the support of each.
void record_proofs(const spec::Spec& spec, const Pool& pool, const std::vector<std::size_t>& members,
                   const std::vector<std::size_t>& fresh, unsigned k, StepCase& step,
                   const SystemOptions& options, Clock::time_point deadline, CrossCheckTrail* trail,
                   InductionOutcome& out)
{
    CrossCheckFiles files;
    if (trail != nullptr) {
        files.prefix = trail->spec_id + "-" + std::to_string(++trail->attempts);
    }
    if (!recheck_inductive(spec, subset(pool.all, members), k, options, deadline,
                           trail != nullptr ? &files : nullptr)) {
        if (trail != nullptr && !files.unconfirmed.empty()) {
            for (const auto m : fresh) {
                trail->unconfirmed[*pool.slot[m]] = files.unconfirmed;
            }
        }
        return;
    }
    for (const auto m : fresh) {
        const std::size_t at = *pool.slot[m];
        out.proven_at[at] = k + 1;
        for (const auto s : step.support(m, members)) {
            out.invariant[at].push_back(part_of(pool.all[s]));
        }
        if (trail != nullptr) {
            trail->confirmed[at] = files.confirmed;
        }
    }
}

/// For each candidate asked about that is still unproven after the step case at `k` (the last k tried):
/// its counterexample to induction against the inductive subset `members`.
void record_failures(const Pool& pool, const std::vector<std::size_t>& members, unsigned k, StepCase& step,
                     Clock::time_point deadline, InductionOutcome& out)
{
    std::vector<std::string> assumed;
    assumed.reserve(members.size());
    for (const auto m : members) {
        assumed.push_back(pool.all[m].name);
    }
    for (std::size_t m = 0; m < pool.all.size() && Clock::now() < deadline; ++m) {
        if (!pool.slot[m] || out.proven_at[*pool.slot[m]] != 0) {
            continue;
        }
        auto& failure = out.failure[*pool.slot[m]];
        failure = step.counterexample(m, members, k);
        if (failure) {
            failure->assumed = assumed;
        }
    }
}

/// One induction pass over `pool`: for each k, Houdini over all of it, then a re-check of the inductive
/// subset; the candidates asked about that it proves get their k and the support of their proof.
void induction_pass(const spec::Spec& spec, const Pool& pool, const SystemOptions& options,
                    Clock::time_point deadline, CrossCheckTrail* trail, InductionOutcome& out)
{
    const unsigned max_k = max_induction_k(options);
    std::vector<std::size_t> everything(pool.all.size());
    std::iota(everything.begin(), everything.end(), std::size_t{0});
    for (unsigned k = 0; k < max_k && Clock::now() < deadline; ++k) {
        if (pool.all_proven(out)) {
            return;
        }
        StepCase step(spec, pool.all, k, options, deadline);
        const auto members = step.inductive_subset(everything, deadline);
        std::vector<std::size_t> fresh; // members asked about this k proves
        for (const auto m : members) {
            if (pool.slot[m] && out.proven_at[*pool.slot[m]] == 0) {
                fresh.push_back(m);
            }
        }
        if (!fresh.empty()) {
            record_proofs(spec, pool, members, fresh, k, step, options, deadline, trail, out);
        }
        if (k + 1 == max_k) {
            record_failures(pool, members, k, step, deadline, out);
        }
    }
}

} // namespace

InductionOutcome induction(const spec::Spec& spec, const std::vector<Candidate>& candidates,
                           const std::vector<Role>& roles, const SystemOptions& asked,
                           Clock::time_point deadline, CrossCheckTrail* trail)
{
    // The step cases start from states in which only the variables some run can leave absent may be.
    SystemOptions options = asked;
    if (!options.absent_capable) {
        options.absent_capable = absent_capable(spec, asked, deadline);
    }
    InductionOutcome out = InductionOutcome::unproven(candidates.size());
    if (trail != nullptr) {
        trail->confirmed.assign(candidates.size(), {});
        trail->unconfirmed.assign(candidates.size(), {});
    }
    // The candidates not searched yet take part when they hold for the runs the base cases cover, as
    // the searched ones do. The pool keeps the caller's order: Houdini's queries, and so its models and
    // the supports it reports, depend on it.
    const unsigned base_depth = max_induction_k(options) - 1;
    std::vector<Candidate> unsearched;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (roles[i] != Role::searched) {
            unsearched.push_back(candidates[i]);
        }
    }
    const std::vector<std::size_t> held = hold_initially(spec, unsearched, base_depth, options, deadline);
    Pool pool;
    for (std::size_t i = 0, u = 0; i < candidates.size(); ++i) {
        if (roles[i] != Role::searched && !std::binary_search(held.begin(), held.end(), u++)) {
            continue;
        }
        pool.add(candidates[i], roles[i] == Role::auxiliary ? std::nullopt : std::optional<std::size_t>(i));
    }
    // First the spec's own candidates (what most proofs need, and fast), then, for what is left, the
    // same with the generated ones added.
    induction_pass(spec, pool, options, deadline, trail, out);
    if (!options.generated_invariants || pool.all_proven(out) || Clock::now() >= deadline) {
        return out;
    }
    const std::vector<GeneratedInvariant> generated = generate_invariants(spec); // owns the formulas
    for (const auto& c : generated_candidates(spec, generated, base_depth, options, deadline)) {
        pool.add(c, std::nullopt);
    }
    induction_pass(spec, pool, options, deadline, trail, out);
    return out;
}

} // namespace pc5check::smt::detail
