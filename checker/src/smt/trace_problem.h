#pragma once
/// \file `check --symbolic` as a solver problem (symbolic.cpp, solving.cpp): the trace's events and the
/// slots of messages the solver may insert as steps of the one encoding (encoding.h), each rule check
/// the trace leaves open as a literal; then the search for a conforming behaviour, and for a violation
/// the first failing event, the checks to blame and the classification of the others.

#include "smt/encoding.h"
#include "smt/slices.h"
#include "smt/solver_limits.h"

#include <set>

namespace pc5check::smt::detail {

class TraceProblem final : public Encoding {
  public:
    /// `ctx` outlives the problem (see check_symbolic: it is created through the C API, which can fail).
    TraceProblem(const spec::Spec& spec, const trace::Trace& trace, const SymbolicOptions& options,
                 z3::context& ctx)
        : Encoding(spec, trace, options, ctx, Purpose::trace), budget_(options.timeout_ms)
    {
    }

    [[nodiscard]] Expected<machine::ReplayResult> run();

  private:
    void record_check(const spec::Rule& rule, const spec::Check& check, const StepInput& in, const Sym& holds,
                      const Sym& exempt) override;
    [[nodiscard]] machine::Finding render_finding(const spec::Rule& rule, const spec::Check& check,
                                                  const StepInput& in);

    // ---- the steps, in run()'s order ----
    /// initial_state() from what the trace's header binds; the rest open.
    void initial_state_of(const machine::BoundTrace& header);
    /// The inserted-message slots before event `k` (after the last event: k = event count).
    void insert_slots(std::size_t k);
    /// Event `k` of the trace as a step.
    [[nodiscard]] Expected<void> observe_event(std::size_t k);
    /// The fields of an observed event: what the trace fixes as values, the rest open.
    [[nodiscard]] StepInput observed_input(const machine::BoundEvent& be, std::size_t k);
    /// A message the solver may insert: every field open, `active` says whether it exists.
    [[nodiscard]] StepInput hidden_input(std::size_t gap, std::size_t slot);

    // ---- solving (solving.cpp) ----
    /// `cap_ms`: a tighter limit for queries that only refine the report (proofs that an open check
    /// holds); the verdict's own queries get the whole remaining budget.
    [[nodiscard]] z3::check_result check(const std::vector<z3::expr>& assumptions, unsigned cap_ms = 0);
    /// check() with the literals asserted in a scope instead of passed as assumptions: much faster when
    /// there are thousands of them and no core is needed. The model, when satisfiable, goes to `model`.
    /// The problem is solved in independent slices (see slices.h) until restrict_to_conflict().
    [[nodiscard]] z3::check_result check_asserted(const std::vector<z3::expr>& literals,
                                                  std::optional<Model>& model);
    [[nodiscard]] bool sliced() const { return options_.slices && !conflict_; }
    /// After the problem in slices had no model: from now on the solver holds only the slices without
    /// a model (the others have one and cannot be part of the conflict), and the violation is
    /// searched for and explained there. False: the solver gave no answer.
    [[nodiscard]] bool restrict_to_conflict(const std::vector<z3::expr>& literals);
    /// `literals` without those that constrain nothing in the solver (after restrict_to_conflict():
    /// the literals of the other slices).
    [[nodiscard]] std::vector<z3::expr> relevant(const std::vector<z3::expr>& literals);
    /// A model of the solver as a model of the whole problem (restrict_to_conflict(): the other
    /// slices' models for the rest).
    [[nodiscard]] Model whole_model(const z3::model& m) const;
    /// Whether an instance's check lies outside the slices of the conflict (restrict_to_conflict()).
    [[nodiscard]] bool outside_conflict(const Instance& inst);
    /// The slices, made on first use and up to date with the solver's assertions.
    Slices& current_slices();
    /// Satisfiability with `literals` asserted, slice by slice (no core); `cap_ms` as in check().
    [[nodiscard]] z3::check_result check_sliced(const std::vector<z3::expr>& literals, unsigned cap_ms);
    /// A literal that, assumed, allows at most `k` of `v` to hold (named `name!k`).
    [[nodiscard]] z3::expr at_most(const z3::expr_vector& v, unsigned k, const std::string& name);
    /// The result of least_bound().
    struct Least {
        z3::check_result answer = z3::unsat;
        unsigned k = 0;                ///< the bound of the answer (the last tried when unsat)
        std::optional<z3::expr> bound; ///< at_most() literal of that bound
        std::optional<Model> model;    ///< when sat
    };
    /// The least k in [lo, hi] for which `base` plus "at most k of `v`" is satisfiable (iterative
    /// bound); stops at the first sat or unknown.
    [[nodiscard]] Least least_bound(const std::vector<z3::expr>& base, const z3::expr_vector& v, unsigned lo,
                                    unsigned hi, const std::string& name);
    /// The `sent` flags of the inserted-message slots.
    [[nodiscard]] z3::expr_vector slot_actives();
    [[nodiscard]] std::vector<z3::expr> prefix(std::size_t last_event, bool with_checks,
                                               const std::optional<z3::expr>& bound);

    // ---- the verdict and the report ----
    void inconclusive();
    /// Looks for a behaviour that conforms (fewest inserted messages first) and sets `bound`. False
    /// when the result is final (conforms, or inconclusive); true: a violation, located.
    [[nodiscard]] bool search_conforming(std::optional<z3::expr>& bound);
    void report_conforming(const Model& model, const std::optional<z3::expr>& bound);
    /// The first event after which nothing conforms, and the explanation. False: inconclusive.
    [[nodiscard]] bool locate_first_failure(const std::optional<z3::expr>& bound);
    /// The checks to blame for the violation, the state table and the sorted findings.
    void report_violation(const std::optional<z3::expr>& bound);
    void report_conflict_checks();
    void explain(const z3::expr_vector& core);
    [[nodiscard]] std::string describe_value(const Model& m, const Leaf& leaf);
    void report_assumptions(const Model& m, const std::vector<std::size_t>& used);
    [[nodiscard]] std::string leaves_text(const Instance& inst) const;
    void report_inserted(const Model& model);
    /// Finds the checks to blame for a violation (fewest broken checks, then fewest inserted
    /// messages; all ties). Adds the optimum's bounds to `observations`. False: the solver gave up.
    [[nodiscard]] bool blame(std::vector<z3::expr>& observations, std::optional<Model>& model,
                             std::set<std::size_t>& blamed);
    /// blame()'s last part: adds to `blamed` every candidate broken in some behaviour of the optimum.
    void blame_all_broken(const std::vector<z3::expr>& observations,
                          const std::vector<std::size_t>& candidates, const z3::expr_vector& broken,
                          std::optional<Model>& model, std::set<std::size_t>& blamed);
    /// Some candidate not blamed yet is broken.
    [[nodiscard]] z3::expr any_unblamed(const std::vector<std::size_t>& candidates,
                                        const z3::expr_vector& broken, const std::set<std::size_t>& blamed);
    /// Sorts the open checks into violations (`blamed`; warnings that apply in every behaviour),
    /// passes (true in every behaviour fitting the observations) and unverified, within the proof budget.
    void classify(const std::vector<z3::expr>& observations, const std::optional<Model>& model,
                  const std::set<std::size_t>& blamed);
    /// What classify()'s proofs may still spend: they only refine the report.
    struct ProofBudget {
        std::size_t queries = 0;
        std::chrono::steady_clock::time_point deadline;
        unsigned unanswered = 0; ///< queries in a row the solver could not answer in time
        /// Per instance, the answers prove_together() found to its two questions (unknown: ask alone):
        /// is the warning's check true in some behaviour, is the check false in some behaviour.
        std::vector<z3::check_result> warning_holds, fails;
    };
    /// classify()'s proof questions, in its order and as many as `proofs` allows, answered together
    /// (check_each()) into `proofs`: a few solver questions instead of one per check. The answers are
    /// the same as asked alone: sat and unsat are facts of the problem, and a question not answered
    /// together stays unknown and is asked alone, as before.
    void prove_together(const std::vector<z3::expr>& observations, const std::optional<Model>& model,
                        const std::set<std::size_t>& blamed, ProofBudget& proofs);
    /// For each target, whether some behaviour fitting `literals` makes it true (unknown: not answered),
    /// in the slices or on the solver; each question within `cap_ms` and `deadline`.
    [[nodiscard]] std::vector<z3::check_result> check_each(const std::vector<z3::expr>& literals,
                                                           const std::vector<z3::expr>& targets,
                                                           std::chrono::steady_clock::time_point deadline);
    /// check_each() on the solver: a model where one of the targets not yet answered is true answers
    /// every target true in it; unsat answers the rest.
    [[nodiscard]] std::vector<z3::check_result> check_each_whole(const std::vector<z3::expr>& literals,
                                                                 const std::vector<z3::expr>& targets,
                                                                 const std::function<unsigned()>& time_left);
    /// A proof query within `proofs` (unknown once they are spent): `known`, prove_together()'s answer,
    /// or else asked alone with the assumptions `query()` makes.
    [[nodiscard]] z3::check_result prove(ProofBudget& proofs, z3::check_result known,
                                         const std::function<std::vector<z3::expr>()>& query);
    /// An open check (instance `i`) decided by proof: a warning that applies in every behaviour
    /// (reported), or a check that holds in every behaviour fitting the observations (a pass). False:
    /// undecided.
    [[nodiscard]] bool decide(std::size_t i, const std::vector<z3::expr>& observations,
                              const std::optional<Model>& model, ProofBudget& proofs);
    /// How a report shows state (render_state): open values from `model` when given, marked as
    /// assumed, else "(open)".
    [[nodiscard]] static StateText state_text(const Model* model)
    {
        StateText how;
        if (model != nullptr) {
            how.eval = [model](const z3::expr& e) { return model->eval(e); };
            how.model_mark = " (assumed)";
        }
        return how;
    }
    void sort_findings();

    SolverBudget budget_;
    std::vector<Instance> instances_;
    std::vector<z3::expr> event_literals_; ///< one per observed event
    std::vector<std::size_t> slot_gap_;    ///< per inserted-message slot: the event it precedes
    std::vector<z3::expr> slot_literals_;
    std::vector<z3::expr> slot_active_;
    std::vector<StepInput> slot_inputs_;
    machine::ReplayResult result_;
    bool concrete_violation_ = false;
    /// The state before each observed event, for the state table of a violation (short traces only:
    /// a long trace keeps memory bounded and reports the state only for a violation the observed
    /// values alone decide).
    std::vector<std::unordered_map<std::string, Sym>> history_;
    std::optional<Slices> slices_;                     ///< the problem in independent parts (check_sliced)
    std::optional<std::vector<std::size_t>> conflict_; ///< see restrict_to_conflict()
};

} // namespace pc5check::smt::detail
