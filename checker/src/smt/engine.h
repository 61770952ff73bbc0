#pragma once
/// \file The symbolic engine shared by `check --symbolic` (symbolic.cpp) and `prove`/`query`
/// (system.cpp): the spec AST translated into Z3 terms by partial evaluation, one step per message.
/// Private to checker/src/smt (the only module that includes z3++.h).

#include "pc5check/checker/symbolic.h"
#include "pc5check/checker/system.h"
#include "pc5check/common/hex.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"
#include "pc5check/expr/ops.h"
#include "pc5check/machine/builtins.h"
#include "smt/functions.h"
#include "smt/slices.h"
#include "smt/solver_limits.h"
#include "smt/terms.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <z3++.h>

namespace pc5check::smt::detail {

using expr::Node;
using expr::NodeKind;
using expr::Type;
using expr::TypeKind;
using expr::Value;

class Engine;

/// Concrete view of the symbolic environment: terms read as unknown.
class ConcreteEnv final : public expr::Env {
  public:
    explicit ConcreteEnv(const Engine& engine) : engine_(engine) {}
    [[nodiscard]] Value lookup(const std::string& name) const override;

  private:
    const Engine& engine_;
};

class Engine {
  public:
    /// `ctx` outlives the engine (see check_symbolic: it is created through the C API, which can fail).
    Engine(const spec::Spec& spec, const trace::Trace& trace, const SymbolicOptions& options,
           z3::context& ctx)
        : spec_(spec), trace_(trace), options_(options), pe_(options.partial_evaluation), ctx_(ctx),
          solver_(ctx_), bytes_sort_(ctx_.uninterpreted_sort("Bytes")),
          bytes_id_(ctx_.function("bytes_id", bytes_sort_, ctx_.int_sort())),
          bytes_len_(ctx_.function("len", bytes_sort_, ctx_.int_sort())), no_entry_(ctx_.int_val(kNoEntry)),
          cenv_(*this), scope_(spec.scope), started_(std::chrono::steady_clock::now()), functions_(ctx)
    {
        machine::bind_trace_keys(scope_, trace.keys);
        msg_names_ = &spec.find_enum("Msg")->names;
    }

    [[nodiscard]] Expected<machine::ReplayResult> run();
    /// The state before the first event: the spec's initialisers over `init` (init.* values).
    void initial_state(const std::unordered_map<std::string, Sym>& init);

    /// For ConcreteEnv.
    [[nodiscard]] Value concrete(const std::string& name) const
    {
        const Sym* s = find(name);
        if (s == nullptr) {
            if (const Value* p = parameter(name)) {
                return *p;
            }
            if (name.starts_with("ie.")) {
                return Value::absent();
            }
            return Value::unknown("no such variable " + name);
        }
        if (const auto* v = std::get_if<Value>(s)) {
            return *v;
        }
        return Value::unknown("open");
    }

    /// For ConcreteEnv: parameters are always known.
    [[nodiscard]] const Value* parameter(const std::string& name) const
    {
        const auto it = params_.find(name);
        return it == params_.end() ? nullptr : &it->second;
    }

    // ---- system mode: prove and query (system.cpp) ----
    /// Starts the system: initial state reachable (from an open link, as after link establishment)
    /// or `arbitrary` (every variable open, for the induction step).
    void system_begin(const Attacker& attacker, bool arbitrary);
    /// Adds one message of the system (sent or injected, delivered or dropped).
    void system_step();
    /// A step's field, which the system's steps always leave open.
    [[nodiscard]] static z3::expr system_field(const StepInput& in, const std::string& name);
    /// A pdu determines the message it carries: type, IEs and the K_NRP-sess ID of its header.
    void bind_pdu(const StepInput& in);
    /// The MAC-I an honest sender computes for the step's PDU (algorithm and key open).
    [[nodiscard]] z3::expr honest_mac(const StepInput& in, const std::string& at);
    /// What the attacker can put on the air at this step: a replay of an earlier message, or (forge) a
    /// message whose MAC-I it knows.
    [[nodiscard]] z3::expr attacker_can_send(const StepInput& in, const std::string& at);
    [[nodiscard]] z3::expr attacker_knows_mac(const StepInput& in, const std::string& at);
    /// `formula` over the state after step `k` (0: the initial state) and the message of step `k`.
    [[nodiscard]] z3::expr system_formula(const expr::Node& formula, std::size_t k);
    /// Whether `formula` reads the message of a step (so it says nothing about the initial state).
    [[nodiscard]] static bool reads_message(const expr::Node& formula);
    /// Whether some node of `tree` satisfies `pred` (defs are shared subtrees: each visited once).
    [[nodiscard]] static bool mentions(const expr::Node& tree,
                                       const std::function<bool(const expr::Node&)>& pred);
    /// The first `steps` steps of a model as a report and a trace with real crypto.
    [[nodiscard]] Witness system_witness(const z3::model& model, std::size_t steps);
    /// diff: this engine adds its constraints to `other`'s solver and names its constants with
    /// `prefix`, so that two specs run side by side on the same messages; its rule checks are
    /// collected (collected_checks) instead of asserted.
    void join(const z3::solver& other, const std::string& prefix)
    {
        solver_ = other;
        prefix_ = prefix;
        collect_checks_ = true;
    }
    /// Rule checks of the steps so far (join mode): each must hold for the run to conform.
    [[nodiscard]] const std::vector<z3::expr>& collected_checks() const { return collected_; }
    /// Field `name` of the message of step `k` (msg, from, sec.*, pdu, ie.*), or an init.* value
    /// (`k` ignored), as (present, value); nullopt when this spec has no such name.
    [[nodiscard]] std::optional<std::pair<z3::expr, z3::expr>> system_term(const std::string& name,
                                                                           std::size_t k)
    {
        const bool init = name.starts_with("init.");
        if (!init && k >= system_steps_.size()) {
            return std::nullopt;
        }
        const auto& fields = init ? system_init_ : system_steps_[k].in.fields;
        const auto it = fields.find(name);
        if (it == fields.end()) {
            return std::nullopt;
        }
        const Type& type = init ? spec_.init_scope.variables.at(name) : type_of(name);
        const Term t = term(it->second, type);
        return std::pair{t.present, t.value};
    }
    /// Names of the message fields of step `k` (none before the first step) and of the init.* values.
    [[nodiscard]] std::vector<std::string> system_names(std::size_t k) const
    {
        std::vector<std::string> out;
        if (k < system_steps_.size()) {
            for (const auto& [name, value] : system_steps_[k].in.fields) {
                out.push_back(name);
            }
        }
        for (const auto& [name, value] : system_init_) {
            out.push_back(name);
        }
        return out;
    }
    [[nodiscard]] const std::vector<std::string>& message_names() const { return *msg_names_; }
    /// spec lint: `formula` in the same encoding as everything else, over an arbitrary state, arbitrary
    /// parameter values and an arbitrary message (every value open within its type's range, any IE
    /// present or absent, whichever messages carry it under the loaded parameters): an
    /// over-approximation of what can happen, so "can never be true" is never a false alarm of the
    /// environment. Side conditions go to solver(); the first call sets the environment up.
    [[nodiscard]] z3::expr lint_formula(const expr::Node& formula);
    /// Satisfiability of what is asserted, within the engine's time budget (unknown when spent).
    [[nodiscard]] z3::check_result solve() { return check({}); }
    [[nodiscard]] z3::solver& solver() { return solver_; }
    [[nodiscard]] z3::context& context() { return ctx_; }

  private:
    const spec::Spec& spec_;
    const trace::Trace& trace_;
    SymbolicOptions options_;
    bool pe_;
    z3::context& ctx_;
    z3::solver solver_;
    z3::sort bytes_sort_;
    z3::func_decl bytes_id_;
    z3::func_decl bytes_len_;
    z3::expr no_entry_;
    ConcreteEnv cenv_;
    expr::Scope scope_;
    std::chrono::steady_clock::time_point started_;
    const std::vector<std::string>* msg_names_ = nullptr;

    std::map<std::vector<std::uint8_t>, z3::expr> byte_literals_;
    std::unordered_map<unsigned, std::vector<std::uint8_t>> byte_literal_by_id_;
    UninterpretedFunctions functions_;
    std::set<std::string> facts_;
    std::unordered_map<std::string, Sym> state_;
    std::unordered_map<std::string, Value> params_;
    const std::unordered_map<std::string, Sym>* fields_ = nullptr;
    std::optional<Sym> enabled_;
    std::vector<Leaf> leaves_;
    std::unordered_map<unsigned, Deps> deps_; ///< AST id of a leaf or state constant -> leaves behind it
    std::vector<Instance> instances_;
    std::vector<z3::expr> event_literals_; ///< one per observed event
    std::vector<std::size_t> slot_gap_;    ///< per inserted-message slot: the event it precedes
    std::vector<z3::expr> slot_literals_;
    std::vector<z3::expr> slot_active_;
    std::vector<StepInput> slot_inputs_;
    std::vector<z3::expr> delivered_; ///< one-UE logs: per event, or true
    unsigned fresh_ = 0;
    machine::ReplayResult result_;
    bool concrete_violation_ = false;
    bool out_of_time_ = false;
    bool system_ = false;
    Attacker attacker_;
    std::string prefix_;          ///< names of this engine's constants (two engines may share a solver)
    bool collect_checks_ = false; ///< system_check collects instead of asserting (see collect_checks)
    std::vector<z3::expr> collected_;
    struct SystemMessage {
        StepInput in;
        z3::expr injected;
        z3::expr dropped;
    };
    std::vector<SystemMessage> system_steps_;
    std::vector<std::unordered_map<std::string, Sym>> system_states_; ///< after step k (0: initial)
    std::unordered_map<std::string, Sym> system_init_;                ///< init.* of the system
    /// Crypto and key look-ups applied in the system, for their axioms and the witness's real crypto.
    struct Application {
        std::string name;
        std::vector<z3::expr> args;
        z3::expr result;
    };
    std::vector<Application> applications_;
    class WitnessWriter;                   ///< system_witness's work (system.cpp)
    std::unordered_set<unsigned> applied_; ///< AST ids of applications_' results
    bool lint_ = false;                    ///< lint_formula's environment: any algorithm value
    std::optional<StepInput> lint_message_;
    std::optional<z3::expr> bottom_; ///< see system_bottom()
    std::unordered_map<const Node*, bool> reads_known_;
    std::optional<Slices> slices_; ///< the symbolic check's problem in independent parts (check_sliced)
    std::optional<std::vector<std::size_t>> conflict_; ///< see restrict_to_conflict()
    std::string unknown_reason_;                       ///< why the last query had no answer
    /// Whether `n` calls known(): the concrete evaluator reads an open value as unknown, so it would
    /// decide known(x) (false) where the system's answer is "yes, if x is there" (see call()).
    [[nodiscard]] bool reads_known(const Node& n)
    {
        const auto it = reads_known_.find(&n);
        if (it != reads_known_.end()) {
            return it->second;
        }
        const bool r = mentions(n, [](const Node& x) {
            return x.kind == NodeKind::call && expr::builtin_of(x) == expr::Builtin::known;
        });
        reads_known_.emplace(&n, r);
        return r;
    }
    /// The result of crypto over a missing input: equal to no MAC-I, key or derivation of the system.
    [[nodiscard]] z3::expr system_bottom();
    [[nodiscard]] z3::expr system_apply(const std::string& name, const std::vector<z3::expr>& args,
                                        const z3::sort& result);
    void system_check(const spec::Rule& rule, const Sym& holds, const Sym& exempt);
    /// The state before each observed event, for the state table of a violation (short traces only:
    /// a long trace keeps memory bounded and reports the state only for a violation the observed
    /// values alone decide).
    std::vector<std::unordered_map<std::string, Sym>> history_;

    // ---- environment ----
    [[nodiscard]] const Sym* find(const std::string& name) const
    {
        if (fields_ != nullptr) {
            if (const auto it = fields_->find(name); it != fields_->end()) {
                return &it->second;
            }
        }
        if (const auto it = state_.find(name); it != state_.end()) {
            return &it->second;
        }
        if (name == "enabled" && enabled_) {
            return &*enabled_;
        }
        return nullptr;
    }

    [[nodiscard]] Sym lookup(const std::string& name, const Type& type)
    {
        if (const Sym* s = find(name)) {
            return normal(*s, type);
        }
        if (const auto it = params_.find(name); it != params_.end()) {
            return normal(Sym{it->second}, type);
        }
        PC5CHECK_ASSERT(name.starts_with("ie.") &&
                        "type checker accepted a name the engine does not provide");
        return normal(Sym{Value::absent()}, type);
    }

    // ---- terms ----
    [[nodiscard]] z3::sort sort_of(const Type& t);

    [[nodiscard]] z3::expr fresh(const Type& t, const std::string& prefix = "free");

    [[nodiscard]] z3::expr bytes_literal(const std::vector<std::uint8_t>& b);

    /// The Z3 value of a known value (not absent).
    [[nodiscard]] z3::expr literal(const Value& v, const Type& t);

    [[nodiscard]] Term lift(const Value& v, const Type& t);

    [[nodiscard]] Term term(const Sym& s, const Type& t);

    /// Partial evaluation keeps what is known as Value; the pure mode keeps everything as Term.
    [[nodiscard]] Sym normal(const Sym& s, const Type& t);

    /// The known value a term stands for, when it is closed (no open value inside).
    [[nodiscard]] std::optional<Value> decode(const Term& t, const Type& type);

    [[nodiscard]] std::optional<Value> decode_value(const z3::expr& v, const Type& type);

    /// Sets and maps built from literals: a chain of stores on a constant array.
    [[nodiscard]] std::optional<Value> decode_array(z3::expr v, const Type& type);

    // ---- encoding the AST ----
    [[nodiscard]] Sym encode(const Node& n);

    /// The concrete result of `n` applied to known arguments.
    [[nodiscard]] Value evaluate_with(const Node& n, const std::vector<Value>& args);

    /// Arguments all known: their values.
    [[nodiscard]] std::optional<std::vector<Value>> known_args(const Node& n, const std::vector<Sym>& args);

    /// Every operator's Z3 meaning; the switch has no default (pc5check/expr/ops.h).
    [[nodiscard]] Sym binary(const Node& n);

    /// The int64 operators whose C++ semantics differ from Z3's integers, on open operands, kept in
    /// linear integer arithmetic (bit-vectors made the solver far slower): exact where it is cheap —
    /// shifts by a constant of non-negative values that cannot overflow, `|` of a value with its low
    /// bits clear and a value that fits them (how IDs are built from MSB/LSB halves), division and
    /// remainder of non-negative operands. Elsewhere the result is open (an uninterpreted function), as
    /// the concrete evaluator's `unknown` would be for values it does not know.
    [[nodiscard]] z3::expr int64_op(expr::BinaryOp op, const std::string& spelling, const z3::expr& a,
                                    const z3::expr& b);

    [[nodiscard]] Sym call(const Node& n);

    /// present(x) and known(x): the builtins that look at presence rather than at the value.
    [[nodiscard]] Sym presence(const Node& n, expr::Builtin b, const std::vector<Sym>& args);

    /// Every builtin's Z3 meaning on open arguments; the switch has no default (pc5check/expr/ops.h).
    [[nodiscard]] Sym builtin(const Node& n, expr::Builtin b, const std::vector<z3::expr>& v);

    /// External functions (crypto, key look-ups) with an open argument, or whose result the model
    /// cannot compute (no key logged, a derivation the spec leaves open): their declared solver meaning
    /// (expr::SolverMeaning), so equal inputs still give equal outputs.
    [[nodiscard]] Sym external(const Node& n, const std::vector<Sym>& args, const std::vector<z3::expr>& v);

    /// The sizes and ranges the concrete function accepts, as its declaration states them
    /// (SolverMeaning::domains, from pc5check/crypto/sizes.h).
    [[nodiscard]] z3::expr accepted_inputs(const expr::SolverMeaning& meaning,
                                           const std::vector<z3::expr>& v);

    /// f(known inputs) = known output, so uninterpreted uses of f agree with the real function.
    void add_fact(const Node& n, const std::vector<Value>& args, const Value& result);

    // ---- helpers on conditions ----
    [[nodiscard]] static std::optional<bool> truth(const Sym& s);
    [[nodiscard]] z3::expr boolean(const Sym& s);
    [[nodiscard]] Sym sym_bool(const z3::expr& e);
    [[nodiscard]] Sym conj(const Sym& a, const Sym& b);
    [[nodiscard]] Sym neg(const Sym& a);
    [[nodiscard]] Sym disj(const Sym& a, const Sym& b) { return neg(conj(neg(a), neg(b))); }

    [[nodiscard]] Sym msg_matches(const std::vector<std::string>& on, const Sym& msg);

    [[nodiscard]] Sym equals(const Sym& a, const Value& b);

    [[nodiscard]] Sym state_in(const std::string& role, const std::vector<std::string>& from);

    [[nodiscard]] Sym choose(const Sym& cond, const Sym& then, const Sym& otherwise, const Type& type);

    // ---- dependencies of terms on open values ----
    void collect_deps(const z3::expr& e, Deps& out, std::unordered_map<unsigned, bool>& seen)
    {
        const unsigned id = Z3_get_ast_id(ctx_, e);
        if (seen.count(id) != 0) {
            return;
        }
        seen[id] = true;
        if (const auto it = deps_.find(id); it != deps_.end()) {
            out.add(it->second);
            return;
        }
        if (e.is_app()) {
            for (unsigned i = 0; i < e.num_args(); ++i) {
                collect_deps(e.arg(i), out, seen);
            }
        } else if (e.is_quantifier() || e.is_lambda()) {
            collect_deps(e.body(), out, seen);
        }
    }
    [[nodiscard]] Deps deps_of(const Sym& s)
    {
        Deps d;
        if (const auto* t = std::get_if<Term>(&s)) {
            std::unordered_map<unsigned, bool> seen;
            collect_deps(t->present, d, seen);
            collect_deps(t->value, d, seen);
        }
        return d;
    }

    // ---- open values ----
    [[nodiscard]] Term open_value(const std::string& what, const Type& type, std::optional<z3::expr> present,
                                  std::optional<std::pair<std::int64_t, std::int64_t>> range = std::nullopt);

    [[nodiscard]] std::optional<std::pair<std::int64_t, std::int64_t>> range_of(const std::string& field,
                                                                                const trace::Event* ev) const;

    [[nodiscard]] const Type& type_of(const std::string& name) const;

    /// The fields of an observed event: what the trace fixes as values, the rest open.
    [[nodiscard]] StepInput observed_input(const machine::BoundEvent& be, std::size_t k);

    /// A message the solver may insert: every field open, `active` says whether it exists.
    [[nodiscard]] StepInput hidden_input(std::size_t gap, std::size_t slot);

    /// Fills `in` with a message the trace does not show: type, sender, protection, pdu and IEs all
    /// open. Returns the condition that it is a message of the spec from a role allowed to send it.
    [[nodiscard]] z3::expr open_message(const std::string& at, StepInput& in);

    // ---- one step ----
    struct Update {
        Sym cond;
        std::string variable;
        Sym value;
    };

    class SymbolicStep; ///< the solver's value domain of the step (pc5check/machine/step.h)
    void step(const StepInput& in, const z3::expr& label);
    /// A check at this step: `holds` where it applies; `exempt` where it does not bind (an injected
    /// message and a check blaming its named sender).
    void record_check(const spec::Rule& rule, const spec::Check& check, const StepInput& in, const Sym& holds,
                      const Sym& exempt);
    [[nodiscard]] machine::Finding render_finding(const spec::Rule& rule, const spec::Check& check,
                                                  const StepInput& in);
    [[nodiscard]] std::string render(const spec::Template& t);

    // ---- solving ----
    [[nodiscard]] unsigned remaining_ms() const;
    /// Time a solver question may take: 0 when the budget is spent. The budget covers encoding too
    /// (spent before the solver starts means no answer, every time); Z3 4.8.12's timer can hang on
    /// very short timeouts, so less than kMinSolverMs left counts as spent.
    [[nodiscard]] unsigned solver_ms_left();
    /// `cap_ms`: a tighter limit for queries that only refine the report (proofs that an open check
    /// holds); the verdict's own queries get the whole remaining budget.
    [[nodiscard]] z3::check_result check(const std::vector<z3::expr>& assumptions, unsigned cap_ms = 0);
    /// check() with the literals asserted in a scope instead of passed as assumptions: much faster when
    /// there are thousands of them and no core is needed. The model, when satisfiable, goes to `model`.
    /// In the symbolic check the problem is solved in independent slices (see slices.h).
    [[nodiscard]] z3::check_result check_asserted(const std::vector<z3::expr>& literals,
                                                  std::optional<Model>& model);
    /// Whether queries without a core go to the slices: in the symbolic check, not in the system
    /// (prove, query, diff), whose steps all share the state.
    [[nodiscard]] bool sliced() const;
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
                                    unsigned hi, const std::string& name)
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
    /// The `sent` flags of the inserted-message slots.
    [[nodiscard]] z3::expr_vector slot_actives()
    {
        z3::expr_vector v(ctx_);
        for (const auto& a : slot_active_) {
            v.push_back(a);
        }
        return v;
    }
    [[nodiscard]] std::vector<z3::expr> prefix(std::size_t last_event, bool with_checks,
                                               const std::optional<z3::expr>& bound);
    void inconclusive();
    // ---- run(), in its order ----
    /// initial_state() from what the trace's header binds; the rest open.
    void initial_state_of(const machine::BoundTrace& header);
    /// The inserted-message slots before event `k` (after the last event: k = event count).
    void insert_slots(std::size_t k);
    /// Event `k` of the trace as a step.
    [[nodiscard]] Expected<void> observe_event(std::size_t k);
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
    /// Sorts the open checks into violations (`blamed`; warnings that apply in every behaviour),
    /// passes (true in every behaviour fitting the observations) and unverified, within the proof budget.
    void classify(const std::vector<z3::expr>& observations, const std::optional<Model>& model,
                  const std::set<std::size_t>& blamed);
    /// Both roles' state rendered in spec order; open values from `model` when given, else "(open)".
    [[nodiscard]] std::vector<std::pair<std::string, std::string>>
    render_state(const std::unordered_map<std::string, Sym>& state, const Model* model)
    {
        std::vector<std::pair<std::string, std::string>> out;
        const auto one = [&](const std::string& name, const Type& type) {
            const Sym& v = state.at(name);
            std::optional<Value> value;
            if (const auto* known = std::get_if<Value>(&v)) {
                value = *known;
            } else if (model != nullptr) {
                const Term& t = std::get<Term>(v);
                value = decode(Term{model->eval(t.present), model->eval(t.value)}, type);
            }
            if (!value) {
                out.emplace_back(name, "(open)");
            } else if (type.kind == TypeKind::enumeration && !value->is_absent()) {
                out.emplace_back(name, type.enum_def->names.at(std::get<expr::EnumValue>(value->data).index));
            } else {
                out.emplace_back(name, expr::render(*value, type) +
                                           (std::holds_alternative<Term>(v) ? " (assumed)" : ""));
            }
        };
        for (const std::string role : {"initiator", "target"}) {
            one(role + ".state", type_of(role + ".state"));
        }
        for (const auto& v : spec_.variables) {
            one(v.role + "." + v.name, v.type);
        }
        return out;
    }
    void sort_findings()
    {
        std::stable_sort(
            result_.findings.begin(), result_.findings.end(),
            [](const machine::Finding& a, const machine::Finding& b) { return a.event < b.event; });
    }
};

} // namespace pc5check::smt::detail
