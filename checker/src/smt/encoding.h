#pragma once
/// \file The one Z3 encoding of the spec AST, shared by `check --symbolic` (trace_problem.h) and
/// `prove`/`query`/`diff`/lint (system_model.h): terms by partial evaluation, the operators, builtins
/// and external functions, the open values a trace or the system leaves, and one step per message
/// (pc5check/machine/step.h). Private to checker/src/smt (the only module that includes z3++.h).
///
/// The two users differ in a few documented places, each a hook below: what a rule check at a step
/// becomes (record_check), what `known(x)` means (known_of) and how an external function is applied
/// (external). The encoding owns the terms, the state and the open values; the solver is the users'.

#include "pc5check/checker/symbolic.h"
#include "pc5check/expr/ops.h"
#include "pc5check/machine/builtins.h"
#include "smt/functions.h"
#include "smt/terms.h"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>
#include <z3++.h>

namespace pc5check::smt::detail {

using expr::Node;
using expr::NodeKind;
using expr::Type;
using expr::TypeKind;
using expr::Value;

class Encoding;

/// Concrete view of the symbolic environment: terms read as unknown.
class ConcreteEnv final : public expr::Env {
  public:
    explicit ConcreteEnv(const Encoding& encoding) : encoding_(encoding) {}
    [[nodiscard]] Value lookup(const std::string& name) const override;

  private:
    const Encoding& encoding_;
};

/// Whether some node of `tree` satisfies `pred` (defs are shared subtrees: each visited once).
[[nodiscard]] bool mentions(const Node& tree, const std::function<bool(const Node&)>& pred);

class Encoding {
  public:
    /// What the encoding is for: a logged trace, or the system (prove, query, diff), or lint (the system
    /// over any algorithm and any IE presence).
    enum class Purpose { trace, system, lint };

    /// `ctx` outlives the encoding; `trace` gives the logged keys (and, for Purpose::trace, the events).
    Encoding(const spec::Spec& spec, const trace::Trace& trace, const SymbolicOptions& options,
             z3::context& ctx, Purpose purpose);
    Encoding(const Encoding&) = delete;
    Encoding& operator=(const Encoding&) = delete;
    virtual ~Encoding() = default;

    /// For ConcreteEnv: the known value of `name`, unknown when open.
    [[nodiscard]] Value concrete(const std::string& name) const;
    [[nodiscard]] const std::vector<std::string>& message_names() const { return *msg_names_; }
    [[nodiscard]] z3::solver& solver() { return solver_; }
    [[nodiscard]] z3::context& context() { return ctx_; }

  protected:
    /// The state before the first event: the spec's initialisers over `init` (init.* values).
    void initial_state(const std::unordered_map<std::string, Sym>& init);
    /// One step (docs/spec-language.md 4.1) on the message `in`; new state constants are bound under
    /// `label` (the event's literal, or true).
    void step(const StepInput& in, const z3::expr& label);

    // ---- hooks of the users ----
    /// A check at this step: `holds` where it applies; `exempt` where it does not bind (an injected
    /// message and a check blaming its named sender).
    virtual void record_check(const spec::Rule& rule, const spec::Check& check, const StepInput& in,
                              const Sym& holds, const Sym& exempt) = 0;
    /// known(x) with x open: a trace knows only what it fixes.
    [[nodiscard]] virtual Sym known_of(const Node& n, const std::vector<Sym>& args);
    /// External functions (crypto, key look-ups) with an open argument, or whose result the model
    /// cannot compute (no key logged, a derivation the spec leaves open): their declared solver meaning
    /// (expr::SolverMeaning), so equal inputs still give equal outputs.
    [[nodiscard]] virtual Sym external(const Node& n, const std::vector<Sym>& args,
                                       const std::vector<z3::expr>& v);

    // ---- environment ----
    [[nodiscard]] const Sym* find(const std::string& name) const;
    [[nodiscard]] Sym lookup(const std::string& name, const Type& type);
    [[nodiscard]] const Type& type_of(const std::string& name) const;

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
    /// Z3's rewriter, and in the pure mode also the equalities and set look-ups of octet-string
    /// literals it cannot decide (decide_byte_literals): a closed term becomes its value.
    [[nodiscard]] z3::expr closed_simplify(const z3::expr& e);
    [[nodiscard]] bool is_byte_literal(const z3::expr& e) const;
    [[nodiscard]] z3::expr decide_byte_literals(const z3::expr& e,
                                                std::unordered_map<unsigned, z3::expr>& memo);
    /// Sets and maps built from literals: a chain of stores on a constant array.
    [[nodiscard]] std::optional<Value> decode_array(const z3::expr& v, const Type& type);

    // ---- encoding the AST ----
    [[nodiscard]] Sym encode(const Node& n);
    /// The sizes and ranges the concrete function accepts, as its declaration states them
    /// (SolverMeaning::domains, from pc5check/crypto/sizes.h).
    [[nodiscard]] z3::expr accepted_inputs(const expr::SolverMeaning& meaning,
                                           const std::vector<z3::expr>& v);

    // ---- conditions ----
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

    /// The open values (leaves) behind `s`.
    [[nodiscard]] Deps deps_of(const Sym& s);

    /// How render_state reads open values.
    struct StateText {
        /// A model's evaluation (completion on); empty: open values are shown as "(open)".
        std::function<z3::expr(const z3::expr&)> eval;
        std::string model_mark; ///< appended to each value read from the model (e.g. " (assumed)")
        /// A value the model leaves abstract (an octet string, which Z3 names Bytes!val!N) shown as
        /// "octets#N", so that equal values read equal; one it gives no finite form (a set as a
        /// function) says so; without this flag both are "(open)".
        bool name_abstract_values = false;
    };
    /// Both roles' control states and the spec's variables in `state`, in spec order, as (name, value).
    [[nodiscard]] std::vector<std::pair<std::string, std::string>>
    render_state(const std::unordered_map<std::string, Sym>& state, const StateText& how);
    /// An abstract model value (StateText::name_abstract_values) as "octets#N", or a note that it has no
    /// finite form.
    [[nodiscard]] static std::string abstract_value_name(const z3::expr& v);

    // ---- open values ----
    [[nodiscard]] Term open_value(const std::string& what, const Type& type, std::optional<z3::expr> present,
                                  std::optional<std::pair<std::int64_t, std::int64_t>> range = std::nullopt);
    [[nodiscard]] std::optional<std::pair<std::int64_t, std::int64_t>> range_of(const std::string& field,
                                                                                const trace::Event* ev) const;
    /// Fills `in` with a message the trace does not show: type, sender, protection, pdu and IEs all
    /// open. Returns the condition that it is a message of the spec from a role allowed to send it.
    [[nodiscard]] z3::expr open_message(const std::string& at, StepInput& in);

    const spec::Spec& spec_;
    const trace::Trace& trace_;
    SymbolicOptions options_;
    const Purpose purpose_;
    bool pe_;
    z3::context& ctx_;
    z3::solver solver_;
    z3::sort bytes_sort_;
    z3::func_decl bytes_id_;
    z3::func_decl bytes_len_;
    z3::expr no_entry_;
    ConcreteEnv cenv_;
    expr::Scope scope_;
    const std::vector<std::string>* msg_names_ = nullptr;
    std::map<std::vector<std::uint8_t>, z3::expr> byte_literals_;
    std::unordered_map<unsigned, std::vector<std::uint8_t>> byte_literal_by_id_;
    UninterpretedFunctions functions_;
    std::unordered_map<std::string, Sym> state_;
    std::unordered_map<std::string, Value> params_;
    const std::unordered_map<std::string, Sym>* fields_ = nullptr;
    /// The link set-up values init.* while a property formula is encoded (system_formula): properties
    /// may read them, guards and effects may not (the loader's scopes).
    const std::unordered_map<std::string, Sym>* init_fields_ = nullptr;
    std::vector<Leaf> leaves_;
    std::string prefix_; ///< names of this encoding's constants (two may share a solver: diff)

  private:
    struct Update {
        Sym cond;
        std::string variable;
        Sym value;
    };
    class SymbolicStep; ///< the solver's value domain of the step (pc5check/machine/step.h)

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
    /// Set union, as stores where one side is built from the empty set (SMT-LIB 2 arrays; encoding.cpp).
    [[nodiscard]] static z3::expr union_of(const z3::expr& a, const z3::expr& b);
    /// f(known inputs) = known output, so uninterpreted uses of f agree with the real function.
    void add_fact(const Node& n, const std::vector<Value>& args, const Value& result);
    /// Whether `n` calls known(): the concrete evaluator reads an open value as unknown, so it would
    /// decide known(x) (false) where the system's answer is "yes, if x is there" (see call()).
    [[nodiscard]] bool reads_known(const Node& n);
    void collect_deps(const z3::expr& e, Deps& out, std::unordered_map<unsigned, bool>& seen);
    /// The state after a step: the updates applied, open results bound to new constants under `label`.
    void commit_updates(const StepInput& in, const std::vector<Update>& updates, const z3::expr& label);
    // ---- open_message()'s parts ----
    /// The message is one of the spec's, from a role allowed to send it.
    [[nodiscard]] z3::expr sent_by_allowed_role(const Term& msg, const Term& from);
    /// sec.* (absent when unprotected, but for sec.ciphered) and pdu, all open.
    void open_sec_fields(const std::string& at, StepInput& in);
    /// ie.* fields, all open; returns each IE's presence.
    [[nodiscard]] std::map<std::string, z3::expr> open_ies(const std::string& at, StepInput& in);
    /// A fixed-length IE has its length.
    void bind_ie_length(const std::string& name, const Term& field);
    /// `allowed` and: each present IE is one the message carries.
    [[nodiscard]] z3::expr ies_carried(z3::expr allowed, const Term& msg,
                                       const std::map<std::string, z3::expr>& presence);

    std::set<std::string> facts_;
    std::optional<Sym> enabled_;
    std::unordered_map<unsigned, Deps> deps_; ///< AST id of a leaf or state constant -> leaves behind it
    std::unordered_map<const Node*, bool> reads_known_;
    unsigned fresh_ = 0;
};

} // namespace pc5check::smt::detail
