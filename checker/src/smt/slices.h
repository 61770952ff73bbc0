#pragma once
/// \file Independent parts ("slices") of the symbolic check's satisfiability problem (private to
/// checker/src/smt).
///
/// Why: a long trace with open values (every unlogged PDCP protection opens a COUNT, a K_NRP-sess ID,
/// a bearer and a direction) gives Z3 one problem made of many small parts that share nothing. Solved
/// as one, the integer arithmetic is global — every final check of Z3's arithmetic solver walks every
/// row — and the time grows with the square of the trace (4,000 events: 70 s). Solved in slices of
/// bounded size, it grows linearly, and a query that changes one part re-solves only that slice.
///
/// Two assertions are in one part when they share an uninterpreted constant or function (crypto, key
/// look-ups, open state): an uninterpreted function constrains all its applications together, so it
/// is never split. An octet-string literal is not shared that way: it is a fixed value (its axioms fix
/// its id and length), and its axioms go into every slice that mentions it — the models of the parts
/// then combine into one model of the whole, with each literal the same element everywhere.

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>
#include <z3++.h>

namespace pc5check::smt::detail {

/// The model of the whole problem as the models of its slices: a copy, so later queries on the slices
/// do not change it.
class SlicedModel {
  public:
    /// The value of `e` (model completion on, as everywhere in the engine).
    [[nodiscard]] z3::expr eval(const z3::expr& e) const;

  private:
    friend class Slices;
    std::vector<std::optional<z3::model>> models_;            ///< per slice
    std::unordered_map<unsigned, std::size_t> symbol_batch_;  ///< decl id -> slice
    std::unordered_map<unsigned, std::size_t> literal_batch_; ///< literal AST id -> a slice with its axioms
};

/// A model of the whole problem: Z3's, or the slices'.
class Model {
  public:
    explicit Model(z3::model m) : m_(std::move(m)) {}
    explicit Model(SlicedModel m) : m_(std::move(m)) {}
    [[nodiscard]] z3::expr eval(const z3::expr& e) const
    {
        if (const auto* whole = std::get_if<z3::model>(&m_)) {
            return whole->eval(e, true);
        }
        return std::get<SlicedModel>(m_).eval(e);
    }

  private:
    std::variant<z3::model, SlicedModel> m_;
};

/// The disjunction of the targets `pending` (indices into `targets`, at least one).
[[nodiscard]] z3::expr any_pending(const std::vector<z3::expr>& targets,
                                   const std::vector<std::size_t>& pending);
/// Every pending target true in `m` is answered sat in `out` and leaves `pending`. False: none was.
[[nodiscard]] bool answer_from_model(const z3::model& m, const std::vector<z3::expr>& targets,
                                     std::vector<std::size_t>& pending, std::vector<z3::check_result>& out);

class Slices {
  public:
    /// `literal(e)`: `e` (an uninterpreted constant) is a fixed literal; `opaque(f)`: applications of
    /// `f` do not tie their arguments together (functions fixed by per-literal axioms).
    Slices(z3::context& ctx, std::function<bool(const z3::expr&)> literal,
           std::function<bool(const z3::func_decl&)> opaque);

    /// Takes in the assertions of `solver` added since the last call.
    void update(const z3::solver& solver);

    /// Satisfiability with `literals` (constants, or their negations) asserted. Each slice's question
    /// gets `time_left_ms()` (0: none left, the answer is unknown), at most `cap_ms` (0: no cap). A
    /// slice asked the same as last time answers from its cache, so a query that changes one part
    /// re-solves only that slice.
    /// `all`: on unsat, go on asking the other slices too (unsat_slices() then lists every slice
    /// without a model, not just the first).
    [[nodiscard]] z3::check_result check(const std::vector<z3::expr>& literals,
                                         const std::function<unsigned()>& time_left_ms, unsigned cap_ms,
                                         bool all = false);
    /// After unsat: the slices without a model.
    [[nodiscard]] const std::vector<std::size_t>& unsat_slices() const { return unsat_; }
    /// A solver holding the assertions of `slices` (with the axioms of their literals): the part of
    /// the problem a violation is explained from.
    [[nodiscard]] z3::solver solver_for(const std::vector<std::size_t>& slices) const;
    /// Whether `e` mentions a shared symbol of one of `slices`, or one no slice has (made later).
    [[nodiscard]] bool within(const z3::expr& e, const std::vector<std::size_t>& slices);
    /// model() with the models of `slices` replaced by `m` (a model of their union).
    [[nodiscard]] SlicedModel model_with(const std::vector<std::size_t>& slices, const z3::model& m) const;

    /// For each of `targets`: whether the problem with `literals` asserted has a model where it is true
    /// (sat), none (unsat), or unknown: not answered here (a target over several slices, a solver
    /// limit), to be asked alone. Each slice with targets is asked for a model where one of its targets
    /// not yet answered is true, and every target true in that model is answered; then again for the
    /// others, until no model is left: a few questions per slice instead of one per target (a slice of
    /// more than kTacticsAssertions is preprocessed once for them). Time as in check(), `cap_ms` per
    /// question and for the preprocessing; the slices' cached answers and models are left as they were.
    [[nodiscard]] std::vector<z3::check_result> check_each(const std::vector<z3::expr>& literals,
                                                           const std::vector<z3::expr>& targets,
                                                           const std::function<unsigned()>& time_left_ms,
                                                           unsigned cap_ms);

    /// After sat: the model of the whole.
    [[nodiscard]] SlicedModel model() const;
    /// After unknown: why.
    [[nodiscard]] const std::string& reason_unknown() const { return reason_; }
    /// Number of slices (for tests and benchmarks).
    [[nodiscard]] std::size_t size() const { return batches_.size(); }

  private:
    struct Assertion {
        z3::expr e;
        std::vector<unsigned> symbols;  ///< union-find indices of its shared symbols
        std::vector<unsigned> literals; ///< AST ids of the literals it mentions
    };
    struct Batch {
        std::vector<std::size_t> assertions;
        std::set<unsigned> literals; ///< AST ids of the literals they mention (their axioms go along)
        bool stale = true;           ///< assertions added since the last answer
        std::vector<unsigned> asked; ///< AST ids of the literals of the last answer
        z3::check_result answer = z3::unknown;
        std::optional<z3::model> model;
    };

    /// The shared symbols (union-find indices) and the literals (AST ids) `e` mentions.
    void collect(const z3::expr& e, std::vector<unsigned>& symbols, std::vector<unsigned>& literals);
    [[nodiscard]] unsigned symbol(const z3::expr& app);
    [[nodiscard]] unsigned root(unsigned s);
    void unite(unsigned a, unsigned b);
    void rebuild();
    /// check()'s literals per slice into `asked`. False: a literal spans several slices, which are
    /// united (and the slices to be rebuilt).
    [[nodiscard]] bool split_literals(const std::vector<z3::expr>& literals,
                                      std::vector<std::vector<z3::expr>>& asked);
    /// The slice all of whose shared symbols `e` mentions lie in (none: `e` is outside every slice, or
    /// over several).
    [[nodiscard]] std::optional<std::size_t> slice_of(const z3::expr& e);
    /// check_each() in slice `batch`: answers the targets `pending` (indices into `targets`) in `out`.
    /// Returns whether the slice has a model under `asked` (unsat: no target of any slice has one;
    /// unknown: the targets left unanswered are asked alone).
    [[nodiscard]] z3::check_result answer_in(std::size_t batch, const std::vector<z3::expr>& asked,
                                             const std::vector<z3::expr>& targets,
                                             std::vector<std::size_t> pending,
                                             const std::function<unsigned()>& time_left_ms, unsigned cap_ms,
                                             std::vector<z3::check_result>& out);
    /// answer_in() for a slice of more than kTacticsAssertions, whose questions asked alone get a new solver
    /// with Z3's tactics each: the preprocessing tactics applied once to the slice with an indicator per
    /// target, then one simple solver for all its questions.
    [[nodiscard]] z3::check_result answer_in_large(std::size_t batch, const std::vector<z3::expr>& asked,
                                                   const std::vector<z3::expr>& targets,
                                                   std::vector<std::size_t> pending,
                                                   const std::function<unsigned()>& time_left_ms,
                                                   unsigned cap_ms, std::vector<z3::check_result>& out);
    /// The tactics answer_in_large() applies (those of Z3's default solver before its search).
    [[nodiscard]] z3::tactic preprocessing();
    /// The rounds of answer_in(): `solver` is asked for a model where one of `targets` in `pending` is
    /// true, every target true in it is answered sat, again for the rest until unsat answers them all.
    [[nodiscard]] z3::check_result enumerate(z3::solver& solver, std::size_t batch,
                                             const std::vector<z3::expr>& targets,
                                             std::vector<std::size_t> pending,
                                             const std::function<unsigned()>& time_left_ms, unsigned cap_ms,
                                             std::vector<z3::check_result>& out);
    /// Whether every slice without targets has a model under its literals `asked` (per slice).
    [[nodiscard]] z3::check_result others_have_models(const std::vector<std::vector<z3::expr>>& asked,
                                                      const std::vector<bool>& with_targets,
                                                      const std::function<unsigned()>& time_left_ms,
                                                      unsigned cap_ms);
    /// The assertions of slice `batch`, the axioms of the targets `pending` and the literals `asked`.
    [[nodiscard]] z3::expr_vector question_assertions(std::size_t batch, const std::vector<z3::expr>& asked,
                                                      const std::vector<z3::expr>& targets,
                                                      const std::vector<std::size_t>& pending);
    /// A new solver holding question_assertions().
    [[nodiscard]] z3::solver question_solver(std::size_t batch, const std::vector<z3::expr>& asked,
                                             const std::vector<z3::expr>& targets,
                                             const std::vector<std::size_t>& pending);
    static void set_timeout(z3::solver& solver, unsigned timeout_ms);
    /// Adds to `out` the axioms of the literals the targets `pending` mention and slice `batch` does not.
    void add_axioms(z3::expr_vector& out, const std::vector<z3::expr>& targets,
                    const std::vector<std::size_t>& pending, std::size_t batch);
    /// A new solver for slice `batch` (the simple one for a slice of small parts, see solve()).
    [[nodiscard]] z3::solver solver_of(std::size_t batch) const;
    /// Slice `batch` with the literals `asked`, on a new solver; the answer (and model) kept in it.
    [[nodiscard]] z3::check_result solve(std::size_t batch, const std::vector<z3::expr>& asked,
                                         unsigned timeout_ms);
    void add_to(std::size_t batch, std::size_t assertion);
    /// update(): assertion `index` joins the slice its symbols lie in (or a new one), or marks a rebuild.
    void place(std::size_t index);
    /// Adds the assertions of `slices` to `out`, with the axioms of the literals they mention.
    void add_slices(z3::expr_vector& out, const std::vector<std::size_t>& slices) const;

    z3::context& ctx_;
    std::function<bool(const z3::expr&)> literal_;
    std::function<bool(const z3::func_decl&)> opaque_;
    std::size_t taken_ = 0; ///< assertions of the solver taken in so far
    std::vector<Assertion> assertions_;
    std::vector<std::size_t> ground_; ///< assertions without symbols or literals
    std::unordered_map<unsigned, std::vector<std::size_t>> axioms_; ///< literal AST id -> its axioms
    std::unordered_map<unsigned, unsigned> symbol_index_;           ///< decl AST id -> union-find index
    std::vector<unsigned> parent_;
    std::vector<unsigned> symbol_decl_;                    ///< per union-find index: the decl id
    std::vector<std::optional<std::size_t>> symbol_batch_; ///< per union-find index
    std::vector<Batch> batches_;
    bool dirty_ = true; ///< the partition into slices must be rebuilt
    std::string reason_;
    std::vector<std::size_t> unsat_;
};

} // namespace pc5check::smt::detail
