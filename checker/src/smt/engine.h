#pragma once
/// \file The symbolic engine shared by `check --symbolic` (symbolic.cpp) and `prove`/`query`
/// (system.cpp): the spec AST translated into Z3 terms by partial evaluation, one step per message.
/// Private to checker/src/smt (the only module that includes z3++.h).

#include "pc5check/common/hex.h"
#include "pc5check/checker/symbolic.h"
#include "pc5check/checker/system.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"
#include "pc5check/expr/ops.h"
#include "pc5check/machine/builtins.h"
#include "smt/functions.h"
#include "smt/slices.h"

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

/// A value the trace does not fix: whether it is there, and what it is (free when not there, so a
/// use of an absent value behaves like the concrete `unknown`).
struct Term {
    z3::expr present;
    z3::expr value;
};

/// Known (or absent) value, or a term. A Value here is never Unknown.
using Sym = std::variant<Value, Term>;

/// Shortest time limit handed to Z3 (shorter ones can hang its timer thread in 4.8.12).
constexpr unsigned kMinSolverMs = 50;
/// Time limit of one query that only refines the report (never the verdict).
constexpr unsigned kProofQueryMs = 200;
/// Events whose state is kept for the state table of a violation found by the solver.
constexpr std::size_t kHistoryEvents = 2000;
/// Time all such queries of one trace may take together.
constexpr unsigned kProofTotalMs = 2000;

/// Z3 integer that no int64 can equal: "no entry" in a map.
constexpr const char* kNoEntry = "1180591620717411303424"; // 2^70

/// A value the trace leaves open, as reported in assumptions.
struct Leaf {
    std::string what; ///< "event 4: sec.mac (MAC-I not logged)"
    Type type;
    std::optional<z3::expr> present; ///< when its presence is open too
    z3::expr value;
};

/// A rule check at one step that the trace does not decide.
struct Instance {
    const spec::Rule* rule = nullptr;
    const spec::Check* check = nullptr;
    std::size_t event = 0;           ///< event index (for an inserted message: the event it precedes)
    bool hidden = false;             ///< at an unlogged message the solver may insert
    std::size_t slot = 0;            ///< which inserted-message slot, when hidden
    z3::expr holds;                  ///< applies => assert
    z3::expr literal;                ///< check!i
    std::vector<std::size_t> leaves; ///< open values it depends on (capped)
    bool leaves_truncated = false;
    machine::Finding finding; ///< pre-rendered (offender, templates), outcome filled in later
};

/// What one step reads besides the state.
struct StepInput {
    std::unordered_map<std::string, Sym> fields;
    Sym msg{Value{}};
    Sym from{Value{}};
    std::size_t event = 0;
    bool hidden = false;
    std::size_t slot = 0;
    std::optional<z3::expr> active;    ///< hidden slots: the message was really sent
    std::optional<z3::expr> delivered; ///< one-UE logs: the peer received what the observer sent
    /// prove/query: the attacker, not the sender, put the message on the air (the sender's send
    /// transitions do not fire, the checks blaming the sender do not bind, the link does not see it).
    std::optional<z3::expr> injected;
    const trace::Event* observed = nullptr;
};

/// Capped dependency set.
struct Deps {
    std::vector<std::size_t> leaves;
    bool truncated = false;
    void add(std::size_t leaf)
    {
        if (std::find(leaves.begin(), leaves.end(), leaf) != leaves.end()) {
            return;
        }
        if (leaves.size() >= 12) {
            truncated = true;
            return;
        }
        leaves.push_back(leaf);
    }
    void add(const Deps& other)
    {
        for (const auto l : other.leaves) {
            add(l);
        }
        truncated = truncated || other.truncated;
    }
};

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
    std::unordered_set<unsigned> applied_; ///< AST ids of applications_' results
    bool lint_ = false;                    ///< lint_formula's environment: any algorithm value
    std::optional<StepInput> lint_message_;
    std::optional<z3::expr> bottom_;       ///< see system_bottom()
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
        const bool r =
            mentions(n, [](const Node& x) { return x.kind == NodeKind::call && expr::builtin_of(x) == expr::Builtin::known; });
        reads_known_.emplace(&n, r);
        return r;
    }
    /// The result of crypto over a missing input: equal to no MAC-I, key or derivation of the system.
    [[nodiscard]] z3::expr system_bottom();
    [[nodiscard]] z3::expr system_apply(const std::string& name, const std::vector<z3::expr>& args,
                                        const z3::sort& result);
    void system_check(const spec::Rule& rule, const spec::Check& check, const StepInput& in,
                      const Sym& holds);
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
    [[nodiscard]] z3::sort sort_of(const Type& t)
    {
        switch (t.kind) {
        case TypeKind::boolean:
            return ctx_.bool_sort();
        case TypeKind::integer:
        case TypeKind::enumeration:
            return ctx_.int_sort();
        case TypeKind::bytes:
            return bytes_sort_;
        case TypeKind::set:
            return ctx_.array_sort(t.element == TypeKind::bytes ? bytes_sort_ : ctx_.int_sort(),
                                   ctx_.bool_sort());
        case TypeKind::map:
            return ctx_.array_sort(ctx_.int_sort(), ctx_.int_sort());
        }
        PC5CHECK_ASSERT(false && "unhandled type");
        return ctx_.bool_sort();
    }

    [[nodiscard]] z3::expr fresh(const Type& t, const std::string& prefix = "free")
    {
        const std::string name = prefix_ + prefix + "!" + std::to_string(fresh_++);
        return ctx_.constant(name.c_str(), sort_of(t));
    }

    [[nodiscard]] z3::expr bytes_literal(const std::vector<std::uint8_t>& b)
    {
        if (const auto it = byte_literals_.find(b); it != byte_literals_.end()) {
            return it->second;
        }
        const auto index = static_cast<int>(byte_literals_.size());
        z3::expr c = ctx_.constant(("bytes!" + std::to_string(index)).c_str(), bytes_sort_);
        z3::expr id = ctx_.int_val(index);
        if (system_) {
            // Two engines may share one solver (diff): the same octets are the same constant in both,
            // and the id is the octets read as a number (after a leading 1), the same in both.
            std::string name = "bytes!x";
            id = ctx_.int_val(1);
            for (const auto octet : b) {
                append_hex(name, octet);
                id = id * 256 + ctx_.int_val(octet);
            }
            c = ctx_.constant(name.c_str(), bytes_sort_);
            id = id.simplify();
        }
        // Distinct octet strings are distinct (injective id), and their length is known.
        solver_.add(bytes_id_(c) == id);
        solver_.add(bytes_len_(c) == ctx_.int_val(static_cast<std::int64_t>(b.size())));
        byte_literals_.emplace(b, c);
        byte_literal_by_id_.emplace(Z3_get_ast_id(ctx_, c), b);
        return c;
    }

    /// The Z3 value of a known value (not absent).
    [[nodiscard]] z3::expr literal(const Value& v, const Type& t)
    {
        if (const auto* b = std::get_if<bool>(&v.data)) {
            return ctx_.bool_val(*b);
        }
        if (const auto* i = std::get_if<std::int64_t>(&v.data)) {
            return ctx_.int_val(*i);
        }
        if (const auto* e = std::get_if<expr::EnumValue>(&v.data)) {
            return ctx_.int_val(e->index);
        }
        if (const auto* bytes = std::get_if<std::vector<std::uint8_t>>(&v.data)) {
            return bytes_literal(*bytes);
        }
        if (const auto* set = std::get_if<expr::SetValue>(&v.data)) {
            const Type element = t.element_type();
            z3::expr s = z3::empty_set(sort_of(element));
            for (const auto& e : set->elements) {
                s = z3::set_add(s, literal(e, element));
            }
            return s;
        }
        if (const auto* map = std::get_if<expr::MapValue>(&v.data)) {
            z3::expr m = z3::const_array(ctx_.int_sort(), no_entry_);
            for (const auto& [k, x] : map->entries) {
                m = z3::store(m, ctx_.int_val(k), ctx_.int_val(x));
            }
            return m;
        }
        PC5CHECK_ASSERT(false && "literal of an absent or unknown value");
        return ctx_.bool_val(false);
    }

    [[nodiscard]] Term lift(const Value& v, const Type& t)
    {
        if (v.is_absent()) {
            return {ctx_.bool_val(false), fresh(t, "absent")};
        }
        return {ctx_.bool_val(true), literal(v, t)};
    }

    [[nodiscard]] Term term(const Sym& s, const Type& t)
    {
        if (const auto* v = std::get_if<Value>(&s)) {
            return lift(*v, t);
        }
        return std::get<Term>(s);
    }

    /// Partial evaluation keeps what is known as Value; the pure mode keeps everything as Term.
    [[nodiscard]] Sym normal(const Sym& s, const Type& t)
    {
        if (pe_) {
            if (const auto* term_value = std::get_if<Term>(&s)) {
                if (auto v = decode(*term_value, t)) {
                    return *v;
                }
            }
            return s;
        }
        return term(s, t);
    }

    /// The known value a term stands for, when it is closed (no open value inside).
    [[nodiscard]] std::optional<Value> decode(const Term& t, const Type& type)
    {
        const z3::expr p = t.present.simplify();
        if (p.is_false()) {
            return Value::absent();
        }
        if (!p.is_true()) {
            return std::nullopt;
        }
        return decode_value(t.value.simplify(), type);
    }

    [[nodiscard]] std::optional<Value> decode_value(const z3::expr& v, const Type& type)
    {
        switch (type.kind) {
        case TypeKind::boolean:
            if (v.is_true() || v.is_false()) {
                return Value::boolean(v.is_true());
            }
            return std::nullopt;
        case TypeKind::integer:
        case TypeKind::enumeration: {
            std::int64_t i = 0;
            if (!v.is_numeral_i64(i)) {
                return std::nullopt;
            }
            if (type.kind == TypeKind::enumeration) {
                return Value::enumeration(static_cast<std::uint32_t>(i));
            }
            return Value::integer(i);
        }
        case TypeKind::bytes: {
            const auto it = byte_literal_by_id_.find(Z3_get_ast_id(ctx_, v));
            if (it == byte_literal_by_id_.end()) {
                return std::nullopt;
            }
            return Value::bytes(it->second);
        }
        case TypeKind::set:
        case TypeKind::map:
            return decode_array(v, type);
        }
        return std::nullopt;
    }

    /// Sets and maps built from literals: a chain of stores on a constant array.
    [[nodiscard]] std::optional<Value> decode_array(z3::expr v, const Type& type)
    {
        const bool is_set = type.kind == TypeKind::set;
        std::vector<std::pair<z3::expr, z3::expr>> stores;
        while (v.is_app() && v.decl().decl_kind() == Z3_OP_STORE) {
            stores.emplace_back(v.arg(1), v.arg(2));
            v = v.arg(0);
        }
        if (!v.is_app() || v.decl().decl_kind() != Z3_OP_CONST_ARRAY) {
            return std::nullopt;
        }
        const z3::expr base = v.arg(0);
        if (is_set ? !base.is_false() : !z3::eq(base, no_entry_)) {
            return std::nullopt;
        }
        std::vector<Value> elements;
        expr::MapValue map;
        std::set<std::string> seen; // the outermost store of an index wins
        const Type element = is_set ? type.element_type() : Type::integer();
        for (const auto& [index, value] : stores) {
            auto key = decode_value(index, element);
            if (!key) {
                return std::nullopt;
            }
            const std::string id = index.to_string();
            if (!seen.insert(id).second) {
                continue;
            }
            if (is_set) {
                if (!value.is_true() && !value.is_false()) {
                    return std::nullopt;
                }
                if (value.is_true()) {
                    elements.push_back(*key);
                }
            } else {
                std::int64_t x = 0;
                if (z3::eq(value, no_entry_)) {
                    continue;
                }
                if (!value.is_numeral_i64(x)) {
                    return std::nullopt;
                }
                map.entries[std::get<std::int64_t>(key->data)] = x;
            }
        }
        if (is_set) {
            return Value::set(std::move(elements));
        }
        return Value::map(std::move(map));
    }

    // ---- encoding the AST ----
    [[nodiscard]] Sym encode(const Node& n)
    {
        if (pe_ && !(system_ && reads_known(n))) {
            Value v = expr::evaluate(n, cenv_, scope_);
            if (!v.is_unknown()) {
                return v;
            }
        }
        switch (n.kind) {
        case NodeKind::literal:
            return normal(Sym{n.literal}, n.type);
        case NodeKind::variable:
            return lookup(n.name, n.type);
        case NodeKind::set_literal: {
            const Type element = n.type.element_type();
            z3::expr s = z3::empty_set(sort_of(element));
            for (const auto& a : n.args) {
                s = z3::set_add(s, term(encode(*a), element).value);
            }
            return Term{ctx_.bool_val(true), s};
        }
        case NodeKind::unary: {
            const Term a = term(encode(*n.args[0]), n.args[0]->type);
            return Term{ctx_.bool_val(true), expr::is_logical_not(n) ? !a.value : -a.value};
        }
        case NodeKind::binary:
            return binary(n);
        case NodeKind::ite: {
            const Sym c = encode(*n.args[0]);
            if (const auto* v = std::get_if<Value>(&c); v != nullptr && !v->is_absent()) {
                return encode(*n.args[std::get<bool>(v->data) ? 1 : 2]);
            }
            const Term ct = term(c, n.args[0]->type);
            const Term a = term(encode(*n.args[1]), n.type);
            const Term b = term(encode(*n.args[2]), n.type);
            return normal(Term{z3::ite(ct.value, a.present, b.present), z3::ite(ct.value, a.value, b.value)},
                          n.type);
        }
        case NodeKind::call:
            return call(n);
        }
        PC5CHECK_ASSERT(false && "unhandled node kind");
        return Value::boolean(false);
    }

    /// The concrete result of `n` applied to known arguments.
    [[nodiscard]] Value evaluate_with(const Node& n, const std::vector<Value>& args)
    {
        Node copy;
        copy.kind = n.kind;
        copy.op = n.op;
        copy.name = n.name;
        copy.type = n.type;
        for (std::size_t i = 0; i < args.size(); ++i) {
            auto lit = std::make_shared<Node>();
            lit->kind = NodeKind::literal;
            lit->literal = args[i];
            lit->type = n.args[i]->type;
            copy.args.push_back(std::move(lit));
        }
        return expr::evaluate(copy, cenv_, scope_);
    }

    /// Arguments all known: their values.
    [[nodiscard]] std::optional<std::vector<Value>> known_args(const Node& n, const std::vector<Sym>& args)
    {
        std::vector<Value> out;
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (const auto* v = std::get_if<Value>(&args[i])) {
                out.push_back(*v);
                continue;
            }
            auto d = decode(std::get<Term>(args[i]), n.args[i]->type);
            if (!d) {
                return std::nullopt;
            }
            out.push_back(std::move(*d));
        }
        return out;
    }

    /// Every operator's Z3 meaning; the switch has no default (pc5check/expr/ops.h).
    [[nodiscard]] Sym binary(const Node& n)
    {
        const auto op = expr::binary_op_of(n);
        PC5CHECK_ASSERT(op && "binary node with an unknown operator");
        const Sym sa = encode(*n.args[0]);
        const Sym sb = encode(*n.args[1]);
        const Term a = term(sa, n.args[0]->type);
        const Term b = term(sb, n.args[1]->type);
        const z3::expr t = ctx_.bool_val(true);
        using expr::BinaryOp;
        switch (*op) {
        case BinaryOp::logical_and:
            return normal(Term{t, a.value && b.value}, n.type);
        case BinaryOp::logical_or:
            return normal(Term{t, a.value || b.value}, n.type);
        case BinaryOp::implies:
            return normal(Term{t, z3::implies(a.value, b.value)}, n.type);
        case BinaryOp::equal:
        case BinaryOp::not_equal: {
            // absent == absent; absent differs from every value.
            const z3::expr eq = z3::ite(a.present && b.present, a.value == b.value, a.present == b.present);
            return normal(Term{t, *op == BinaryOp::equal ? eq : !eq}, n.type);
        }
        case BinaryOp::less:
            return normal(Term{t, a.value < b.value}, n.type);
        case BinaryOp::less_equal:
            return normal(Term{t, a.value <= b.value}, n.type);
        case BinaryOp::greater:
            return normal(Term{t, a.value > b.value}, n.type);
        case BinaryOp::greater_equal:
            return normal(Term{t, a.value >= b.value}, n.type);
        case BinaryOp::plus:
            return normal(Term{t, a.value + b.value}, n.type);
        case BinaryOp::minus:
            return normal(Term{t, a.value - b.value}, n.type);
        case BinaryOp::times:
            return normal(Term{t, a.value * b.value}, n.type);
        case BinaryOp::member:
            return normal(Term{t, z3::set_member(a.value, b.value)}, n.type);
        case BinaryOp::divide:
        case BinaryOp::modulo:
        case BinaryOp::bit_and:
        case BinaryOp::bit_or:
        case BinaryOp::shift_left:
        case BinaryOp::shift_right:
            // Truncating division, remainder, shifts and bitwise operators on int64: computed when the
            // operands are known, otherwise int64_op.
            if (auto known = known_args(n, {sa, sb})) {
                const Value r = evaluate_with(n, *known);
                if (!r.is_unknown()) {
                    return normal(Sym{r}, n.type);
                }
            }
            return Term{t, int64_op(*op, n.name, a.value, b.value)};
        }
        PC5CHECK_ASSERT(false && "unhandled operator");
        return Value::boolean(false);
    }

    /// The int64 operators whose C++ semantics differ from Z3's integers, on open operands, kept in
    /// linear integer arithmetic (bit-vectors made the solver far slower): exact where it is cheap —
    /// shifts by a constant of non-negative values that cannot overflow, `|` of a value with its low
    /// bits clear and a value that fits them (how IDs are built from MSB/LSB halves), division and
    /// remainder of non-negative operands. Elsewhere the result is open (an uninterpreted function), as
    /// the concrete evaluator's `unknown` would be for values it does not know.
    [[nodiscard]] z3::expr int64_op(expr::BinaryOp op, const std::string& spelling, const z3::expr& a,
                                    const z3::expr& b)
    {
        const z3::expr open = functions_.apply("op" + spelling, {a, b}, ctx_.int_sort());
        std::int64_t k = -1;
        const bool constant_count = b.simplify().is_numeral_i64(k) && k >= 0 && k <= 62;
        const z3::expr plain = a >= 0 && b > 0;
        switch (op) {
        case expr::BinaryOp::shift_left: {
            if (!constant_count) {
                return open;
            }
            const z3::expr scale = ctx_.int_val(std::int64_t{1} << k);
            const z3::expr fits = a >= 0 && a < ctx_.int_val(std::int64_t{1} << (62 - k));
            return z3::ite(fits, a * scale, open);
        }
        case expr::BinaryOp::shift_right:
            return constant_count ? z3::ite(a >= 0, a / ctx_.int_val(std::int64_t{1} << k), open) : open;
        case expr::BinaryOp::bit_or: {
            z3::expr out = open;
            for (const int bits : {32, 16, 8}) {
                const z3::expr low = ctx_.int_val(std::int64_t{1} << bits);
                out = z3::ite(a >= 0 && z3::mod(a, low) == 0 && b >= 0 && b < low, a + b, out);
                out = z3::ite(b >= 0 && z3::mod(b, low) == 0 && a >= 0 && a < low, a + b, out);
            }
            return out;
        }
        case expr::BinaryOp::divide:
            return z3::ite(plain, a / b, open);
        case expr::BinaryOp::modulo:
            return z3::ite(plain, z3::mod(a, b), open);
        default:
            return open;
        }
    }

    [[nodiscard]] Sym call(const Node& n)
    {
        std::vector<Sym> args;
        args.reserve(n.args.size());
        for (const auto& a : n.args) {
            args.push_back(encode(*a));
        }
        const auto b = expr::builtin_of(n);
        if (b == expr::Builtin::present || b == expr::Builtin::known) {
            return presence(n, *b, args);
        }
        if (auto k = known_args(n, args)) {
            const Value r = evaluate_with(n, *k);
            if (!r.is_unknown()) {
                add_fact(n, *k, r);
                return normal(Sym{r}, n.type);
            }
        }
        std::vector<z3::expr> v;
        for (std::size_t i = 0; i < args.size(); ++i) {
            v.push_back(term(args[i], n.args[i]->type).value);
        }
        if (b) {
            return builtin(n, *b, v);
        }
        return external(n, args, v);
    }

    /// present(x) and known(x): the builtins that look at presence rather than at the value.
    [[nodiscard]] Sym presence(const Node& n, expr::Builtin b, const std::vector<Sym>& args)
    {
        const z3::expr t = ctx_.bool_val(true);
        if (b == expr::Builtin::present) {
            if (const auto* v = std::get_if<Value>(&args[0])) {
                return normal(Sym{Value::boolean(!v->is_absent())}, n.type);
            }
            return normal(Term{t, std::get<Term>(args[0]).present}, n.type);
        }
        if (system_) {
            // In the system every value is there to see, as in the trace a counterexample becomes:
            // known unless absent, computed from a missing input, or left open by the spec (FFS).
            const Term a = term(args[0], n.args[0]->type);
            z3::expr k = a.present;
            if (n.args[0]->type.kind == TypeKind::bytes) {
                k = k && a.value != system_bottom();
            }
            if (mentions(*n.args[0], [this](const Node& x) {
                    if (x.kind != NodeKind::call) {
                        return false;
                    }
                    const auto f = scope_.functions.find(x.name);
                    return f != scope_.functions.end() && f->second.open;
                })) {
                k = ctx_.bool_val(false);
            }
            return normal(Term{t, k}, n.type);
        }
        // Fixed by the trace (or computed from what it fixes); an open value is not known.
        const auto k = known_args(n, args);
        return normal(Sym{Value::boolean(k.has_value())}, n.type);
    }

    /// Every builtin's Z3 meaning on open arguments; the switch has no default (pc5check/expr/ops.h).
    [[nodiscard]] Sym builtin(const Node& n, expr::Builtin b, const std::vector<z3::expr>& v)
    {
        const z3::expr t = ctx_.bool_val(true);
        switch (b) {
        case expr::Builtin::present:
        case expr::Builtin::known:
            break; // presence()
        case expr::Builtin::set_union:
            return Term{t, z3::set_union(v[0], v[1])};
        case expr::Builtin::insert:
            return Term{t, z3::set_add(v[0], v[1])};
        case expr::Builtin::subset:
            return normal(Term{t, z3::set_subset(v[0], v[1])}, n.type);
        case expr::Builtin::get: {
            const z3::expr x = z3::select(v[0], v[1]);
            return normal(Term{t, z3::ite(x == no_entry_, v[2], x)}, n.type);
        }
        case expr::Builtin::put:
            return Term{t, z3::store(v[0], v[1], v[2])};
        case expr::Builtin::len:
            return Term{t, bytes_len_(v[0])};
        case expr::Builtin::size: {
            const z3::expr s = functions_.apply("size", v, ctx_.int_sort());
            solver_.add(s >= 0);
            return Term{t, s};
        }
        }
        PC5CHECK_ASSERT(false && "unhandled builtin");
        return Value::boolean(false);
    }

    /// External functions (crypto, key look-ups) with an open argument, or whose result the model
    /// cannot compute (no key logged, a derivation the spec leaves open): their declared solver meaning
    /// (expr::SolverMeaning), so equal inputs still give equal outputs.
    [[nodiscard]] Sym external(const Node& n, const std::vector<Sym>& args, const std::vector<z3::expr>& v)
    {
        const z3::expr t = ctx_.bool_val(true);
        const auto f = scope_.functions.find(n.name);
        PC5CHECK_ASSERT(f != scope_.functions.end() && "call of an undeclared function");
        if (f->second.meaning.kind == expr::SolverMeaning::Kind::empty_map) {
            return Term{t, z3::const_array(ctx_.int_sort(), no_entry_)};
        }
        if (!system_) {
            return Term{t, functions_.apply(n.name, v, sort_of(n.type))};
        }
        // A receiver cannot compute a MAC-I or a key from an input the message did not carry: the
        // result is a value no MAC-I on the air and no other derivation equals.
        z3::expr all_present = ctx_.bool_val(true);
        for (std::size_t i = 0; i < args.size(); ++i) {
            all_present = all_present && term(args[i], n.args[i]->type).present;
        }
        const z3::expr applied = system_apply(n.name, v, sort_of(n.type));
        // Nor from inputs the real function refuses (replay: unknown, so the check is unverified):
        // a run the solver finds never rests on a derivation replay cannot make.
        const z3::expr ap = (all_present && accepted_inputs(f->second.meaning, v)).simplify();
        if (ap.is_true() || applied.get_sort().id() != bytes_sort_.id()) {
            return Term{t, applied};
        }
        return Term{t, z3::ite(ap, applied, system_bottom())};
    }

    /// The sizes and ranges the concrete function accepts, as its declaration states them
    /// (SolverMeaning::domains, from pc5check/crypto/sizes.h).
    [[nodiscard]] z3::expr accepted_inputs(const expr::SolverMeaning& meaning, const std::vector<z3::expr>& v)
    {
        z3::expr octets = ctx_.bool_val(true);
        z3::expr ranges = ctx_.bool_val(true);
        for (std::size_t i = 0; i < v.size() && i < meaning.domains.size(); ++i) {
            const expr::ArgumentDomain& d = meaning.domains[i];
            if (v[i].get_sort().id() == bytes_sort_.id()) {
                if (d.octets != 0) {
                    octets = octets && bytes_len_(v[i]) == ctx_.int_val(static_cast<std::int64_t>(d.octets));
                }
            } else if (v[i].is_int()) {
                if (d.min != INT64_MIN) {
                    ranges = ranges && v[i] >= ctx_.int_val(d.min);
                }
                if (d.max != INT64_MAX) {
                    ranges = ranges && v[i] <= ctx_.int_val(d.max);
                }
            }
        }
        if (meaning.null_algorithm_waives_octets && !v.empty()) {
            octets = v[0] == ctx_.int_val(0) || octets;
        }
        return ranges && octets;
    }

    /// f(known inputs) = known output, so uninterpreted uses of f agree with the real function.
    void add_fact(const Node& n, const std::vector<Value>& args, const Value& result)
    {
        if (n.kind != NodeKind::call || result.is_absent() || scope_.functions.count(n.name) == 0) {
            return;
        }
        std::vector<z3::expr> v;
        std::string key = n.name;
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (args[i].is_absent()) {
                return;
            }
            v.push_back(literal(args[i], n.args[i]->type));
            key += "|" + std::to_string(Z3_get_ast_id(ctx_, v.back()));
        }
        if (!facts_.insert(key).second) {
            return;
        }
        solver_.add(functions_.apply(n.name, v, sort_of(n.type)) == literal(result, n.type));
    }

    // ---- helpers on conditions ----
    [[nodiscard]] static std::optional<bool> truth(const Sym& s)
    {
        if (const auto* v = std::get_if<Value>(&s); v != nullptr && !v->is_absent()) {
            return std::get<bool>(v->data);
        }
        return std::nullopt;
    }
    [[nodiscard]] z3::expr boolean(const Sym& s)
    {
        if (const auto b = truth(s)) {
            return ctx_.bool_val(*b);
        }
        return term(s, Type::boolean()).value;
    }
    [[nodiscard]] Sym sym_bool(const z3::expr& e)
    {
        const z3::expr s = e.simplify();
        if (s.is_true() || s.is_false()) {
            return pe_ ? Sym{Value::boolean(s.is_true())} : Sym{Term{ctx_.bool_val(true), s}};
        }
        return Term{ctx_.bool_val(true), e};
    }
    [[nodiscard]] Sym conj(const Sym& a, const Sym& b)
    {
        const auto ta = truth(a);
        const auto tb = truth(b);
        if ((ta && !*ta) || (tb && !*tb)) {
            return Value::boolean(false);
        }
        if (ta) {
            return b;
        }
        if (tb) {
            return a;
        }
        return Term{ctx_.bool_val(true), boolean(a) && boolean(b)};
    }
    [[nodiscard]] Sym neg(const Sym& a)
    {
        if (const auto ta = truth(a)) {
            return Value::boolean(!*ta);
        }
        return Term{ctx_.bool_val(true), !boolean(a)};
    }
    [[nodiscard]] Sym disj(const Sym& a, const Sym& b) { return neg(conj(neg(a), neg(b))); }

    [[nodiscard]] Sym msg_matches(const std::vector<std::string>& on, const Sym& msg)
    {
        Sym out = Value::boolean(false);
        for (const auto& m : on) {
            if (m == "*") {
                return Value::boolean(true);
            }
            const auto idx = static_cast<std::uint32_t>(std::find(msg_names_->begin(), msg_names_->end(), m) -
                                                        msg_names_->begin());
            out = disj(out, equals(msg, Value::enumeration(idx)));
        }
        return out;
    }

    [[nodiscard]] Sym equals(const Sym& a, const Value& b)
    {
        if (const auto* v = std::get_if<Value>(&a)) {
            return Value::boolean(*v == b);
        }
        const Term& t = std::get<Term>(a);
        return Term{ctx_.bool_val(true), t.present && t.value == literal(b, Type::integer())};
    }

    [[nodiscard]] Sym state_in(const std::string& role, const std::vector<std::string>& from)
    {
        if (from.empty()) {
            return Value::boolean(true);
        }
        const auto& states = spec_.control_states.at(role);
        const Sym& current = state_.at(role + ".state");
        Sym out = Value::boolean(false);
        for (const auto& s : from) {
            const auto idx =
                static_cast<std::uint32_t>(std::find(states.begin(), states.end(), s) - states.begin());
            out = disj(out, equals(current, Value::enumeration(idx)));
        }
        return out;
    }

    [[nodiscard]] Sym choose(const Sym& cond, const Sym& then, const Sym& otherwise, const Type& type)
    {
        if (const auto c = truth(cond)) {
            return *c ? then : otherwise;
        }
        const z3::expr c = boolean(cond);
        const Term a = term(then, type);
        const Term b = term(otherwise, type);
        return Term{z3::ite(c, a.present, b.present), z3::ite(c, a.value, b.value)};
    }

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
                                  std::optional<std::pair<std::int64_t, std::int64_t>> range = std::nullopt)
    {
        z3::expr v = fresh(type, "open");
        if (type.kind == TypeKind::enumeration && system_ && !lint_ &&
            (type.enum_def->name == "Nia" || type.enum_def->name == "Nea")) {
            // The system uses the algorithms with real crypto (crypto::computes), so every
            // counterexample replays with verified MAC-Is; under perfect crypto the others behave alike.
            const bool integrity = type.enum_def->name == "Nia";
            z3::expr computed = ctx_.bool_val(false);
            for (std::uint8_t a = 0; a < type.enum_def->names.size(); ++a) {
                if (integrity ? crypto::computes(static_cast<crypto::IntegrityAlg>(a))
                              : crypto::computes(static_cast<crypto::CipherAlg>(a))) {
                    computed = computed || v == ctx_.int_val(a);
                }
            }
            solver_.add(computed);
        } else if (type.kind == TypeKind::enumeration) {
            solver_.add(v >= 0 && v < ctx_.int_val(static_cast<int>(type.enum_def->names.size())));
        } else if (type.kind == TypeKind::integer) {
            const auto [lo, hi] = range.value_or(std::pair{std::numeric_limits<std::int64_t>::min(),
                                                           std::numeric_limits<std::int64_t>::max()});
            solver_.add(v >= ctx_.int_val(lo) && v <= ctx_.int_val(hi));
        } else if (type.kind == TypeKind::map) {
            solver_.add(z3::select(v, no_entry_) == no_entry_); // keeps the sentinel out of the keys
        }
        const std::size_t index = leaves_.size();
        leaves_.push_back(Leaf{what, type, present, v});
        Deps d;
        d.add(index);
        deps_[Z3_get_ast_id(ctx_, v)] = d;
        if (present) {
            deps_[Z3_get_ast_id(ctx_, *present)] = d;
        }
        return Term{present.value_or(ctx_.bool_val(true)), v};
    }

    [[nodiscard]] std::optional<std::pair<std::int64_t, std::int64_t>> range_of(const std::string& field,
                                                                                const trace::Event* ev) const
    {
        // The contract's widths (trace.h) and the PDCP input ranges (crypto/sizes.h).
        if (field == "sec.count") {
            return std::pair<std::int64_t, std::int64_t>{0, crypto::kMaxCount};
        }
        if (field == "sec.ctx") {
            return std::pair<std::int64_t, std::int64_t>{0, std::int64_t{std::numeric_limits<trace::KNrpSessId>::max()}};
        }
        if (field == "sec.bearer") {
            return std::pair<std::int64_t, std::int64_t>{0, crypto::kMaxBearer};
        }
        if (field == "sec.direction") {
            return std::pair<std::int64_t, std::int64_t>{0, 1};
        }
        if (field.starts_with("ie.")) {
            for (const auto& m : spec_.messages) {
                if (ev != nullptr && m.id != ev->msg) {
                    continue;
                }
                for (const auto& ie : m.ies) {
                    if (ie.kind == "int" && "ie." + ie.name == field) {
                        return std::pair{ie.min, ie.max};
                    }
                }
            }
        }
        return std::nullopt;
    }

    [[nodiscard]] const Type& type_of(const std::string& name) const
    {
        return spec_.scope.variables.at(name);
    }

    /// The fields of an observed event: what the trace fixes as values, the rest open.
    [[nodiscard]] StepInput observed_input(const machine::BoundEvent& be, std::size_t k)
    {
        StepInput in;
        in.event = k;
        in.observed = be.event;
        const trace::Event& ev = *be.event;
        std::optional<z3::expr> protected_flag;
        std::map<std::string, z3::expr> ie_presence; // "ie": null: per IE, whether it was sent
        for (const auto& [name, value] : be.fields) {
            if (!value.is_unknown()) {
                in.fields.emplace(name, normal(Sym{value}, type_of(name)));
            }
        }
        const std::string at = "event " + std::to_string(k) + " (" + ev.msg + "): ";
        for (const auto& [name, value] : be.fields) {
            if (!value.is_unknown() || name == "sec.protected") {
                continue;
            }
            std::optional<z3::expr> present;
            if (name.starts_with("sec.") && name != "sec.ciphered" &&
                ev.sec.kind == trace::Sec::Kind::not_logged) {
                if (!protected_flag) {
                    const Term p = open_value(at + "sec.protected (protection not logged)", Type::boolean(),
                                              std::nullopt);
                    protected_flag = p.value;
                    in.fields.emplace("sec.protected", p);
                }
                present = *protected_flag;
            } else if (name.starts_with("ie.") && ev.ie.is_null()) {
                const auto dot = name.find('.', 3);
                const std::string ie = name.substr(0, dot);
                auto it = ie_presence.find(ie);
                if (it == ie_presence.end()) {
                    const Term p =
                        open_value(at + ie + " sent (IEs not decoded)", Type::boolean(), std::nullopt);
                    it = ie_presence.emplace(ie, p.value).first;
                }
                present = it->second;
            }
            in.fields.emplace(name, open_value(at + name + " (" + value.unknown_reason() + ")", type_of(name),
                                               present, range_of(name, &ev)));
        }
        if (be.fields.count("sec.protected") != 0 && be.fields.at("sec.protected").is_unknown() &&
            !protected_flag) {
            in.fields.emplace("sec.protected", open_value(at + "sec.protected (protection not logged)",
                                                          Type::boolean(), std::nullopt));
        }
        in.msg = in.fields.at("msg");
        in.from = in.fields.at("from");
        return in;
    }

    /// A message the solver may insert: every field open, `active` says whether it exists.
    [[nodiscard]] StepInput hidden_input(std::size_t gap, std::size_t slot)
    {
        StepInput in;
        in.event = gap;
        in.hidden = true;
        in.slot = slot;
        const std::string at =
            "unlogged message " + std::to_string(slot) + " before event " + std::to_string(gap) + ": ";
        const z3::expr active = open_value(at + "sent", Type::boolean(), std::nullopt).value;
        in.active = active;
        solver_.add(z3::implies(active, open_message(at, in)));
        return in;
    }

    /// Fills `in` with a message the trace does not show: type, sender, protection, pdu and IEs all
    /// open. Returns the condition that it is a message of the spec from a role allowed to send it.
    [[nodiscard]] z3::expr open_message(const std::string& at, StepInput& in)
    {
        const Term msg = open_value(at + "msg", type_of("msg"), std::nullopt);
        const Term from = open_value(at + "from", type_of("from"), std::nullopt);
        in.msg = msg;
        in.from = from;
        in.fields.emplace("msg", msg);
        in.fields.emplace("from", from);
        in.fields.emplace("index", Value::integer(-1));
        z3::expr allowed = ctx_.bool_val(false);
        for (std::size_t m = 0; m < msg_names_->size(); ++m) {
            const spec::MessageDef* def = spec_.find_message((*msg_names_)[m]);
            if (def == nullptr) {
                continue;
            }
            z3::expr senders = ctx_.bool_val(false);
            for (const auto& s : def->senders) {
                const trace::Role role = s == trace::to_string(trace::Role::initiator) ? trace::Role::initiator
                                                                                      : trace::Role::target;
                senders = senders || from.value == ctx_.int_val(static_cast<int>(role));
            }
            allowed = allowed || (msg.value == ctx_.int_val(static_cast<int>(m)) && senders);
        }
        const z3::expr prot = open_value(at + "sec.protected", Type::boolean(), std::nullopt).value;
        in.fields.emplace("sec.protected", Term{ctx_.bool_val(true), prot});
        in.fields.emplace("sec.logged", Value::boolean(true));
        for (const auto& [name, type] : spec_.scope.variables) {
            if (name.starts_with("sec.") && name != "sec.protected" && name != "sec.logged") {
                const bool unprotected_absent = name != "sec.ciphered";
                in.fields.emplace(name, open_value(at + name, type,
                                                   unprotected_absent ? std::optional{prot} : std::nullopt,
                                                   range_of(name, nullptr)));
            } else if (name == "pdu") {
                in.fields.emplace(name, open_value(at + name, type, std::nullopt));
            }
        }
        std::map<std::string, z3::expr> presence;
        for (const auto& [name, type] : spec_.scope.variables) {
            if (!name.starts_with("ie.")) {
                continue;
            }
            const auto dot = name.find('.', 3);
            const std::string ie = name.substr(0, dot);
            auto it = presence.find(ie);
            if (it == presence.end()) {
                it = presence.emplace(ie, open_value(at + ie + " sent", Type::boolean(), std::nullopt).value)
                         .first;
            }
            in.fields.emplace(name, open_value(at + name, type, it->second, range_of(name, nullptr)));
            if (system_ && type.kind == TypeKind::bytes) {
                // Fixed-length IEs (nonces) have their length, so a nonce is never a key or a MAC-I.
                for (const auto& m : spec_.messages) {
                    for (const auto& d : m.ies) {
                        if ("ie." + d.name == name && d.length != 0) {
                            const Term& f = std::get<Term>(in.fields.at(name));
                            solver_.add(z3::implies(f.present,
                                                    bytes_len_(f.value) ==
                                                        ctx_.int_val(static_cast<std::int64_t>(d.length))));
                        }
                    }
                }
            }
        }
        // An IE is there only on a message that carries it, as in a trace (the reader refuses any other;
        // the witness writer could not write it): otherwise the solver's run and its replay differ.
        for (const auto& [ie, present] : presence) {
            z3::expr carried = ctx_.bool_val(false);
            for (std::size_t m = 0; m < msg_names_->size(); ++m) {
                const spec::MessageDef* def = spec_.find_message((*msg_names_)[m]);
                if (def != nullptr &&
                    std::any_of(def->ies.begin(), def->ies.end(),
                                [&ie](const spec::IeDef& d) { return "ie." + d.name == ie; })) {
                    carried = carried || msg.value == ctx_.int_val(static_cast<int>(m));
                }
            }
            if (!lint_) { // lint asks over any IE presence: see lint_formula
                allowed = allowed && z3::implies(present, carried);
            }
        }
        return allowed;
    }

    // ---- one step ----
    struct Update {
        Sym cond;
        std::string variable;
        Sym value;
    };

    void step(const StepInput& in, const z3::expr& label);
    void record_check(const spec::Rule& rule, const spec::Check& check, const StepInput& in,
                      const Sym& holds);
    [[nodiscard]] machine::Finding render_finding(const spec::Rule& rule, const spec::Check& check,
                                                  const StepInput& in);
    [[nodiscard]] std::string render(const spec::Template& t);

    // ---- solving ----
    [[nodiscard]] unsigned remaining_ms() const
    {
        const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started_);
        const auto left = static_cast<long long>(options_.timeout_ms) - spent.count();
        return left <= 1 ? 1U : static_cast<unsigned>(left);
    }
    /// Time a solver question may take: 0 when the budget is spent. The budget covers encoding too
    /// (spent before the solver starts means no answer, every time); Z3 4.8.12's timer can hang on
    /// very short timeouts, so less than kMinSolverMs left counts as spent.
    [[nodiscard]] unsigned solver_ms_left()
    {
        const auto spent =
            std::chrono::steady_clock::now() - started_ + std::chrono::milliseconds(kMinSolverMs);
        if (spent >= std::chrono::milliseconds(options_.timeout_ms)) {
            out_of_time_ = true;
            return 0;
        }
        return remaining_ms();
    }
    /// `cap_ms`: a tighter limit for queries that only refine the report (proofs that an open check
    /// holds); the verdict's own queries get the whole remaining budget.
    [[nodiscard]] z3::check_result check(const std::vector<z3::expr>& assumptions, unsigned cap_ms = 0)
    {
        const unsigned left = solver_ms_left();
        if (left == 0) {
            return z3::unknown;
        }
        z3::params p(ctx_);
        p.set("timeout", cap_ms == 0 ? left : std::min(cap_ms, left));
        solver_.set(p);
        z3::expr_vector v(ctx_);
        for (const auto& a : relevant(assumptions)) {
            v.push_back(a);
        }
        const auto r = solver_.check(v);
        if (r == z3::unknown) {
            unknown_reason_ = solver_.reason_unknown();
        }
        return r;
    }
    /// check() with the literals asserted in a scope instead of passed as assumptions: much faster when
    /// there are thousands of them and no core is needed. The model, when satisfiable, goes to `model`.
    /// In the symbolic check the problem is solved in independent slices (see slices.h).
    [[nodiscard]] z3::check_result check_asserted(const std::vector<z3::expr>& literals,
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
    /// Whether queries without a core go to the slices: in the symbolic check, not in the system
    /// (prove, query, diff), whose steps all share the state.
    [[nodiscard]] bool sliced() const
    {
        return options_.slices && !system_ && !collect_checks_ && !conflict_;
    }
    /// After the problem in slices had no model: from now on the solver holds only the slices without
    /// a model (the others have one and cannot be part of the conflict), and the violation is
    /// searched for and explained there. False: the solver gave no answer.
    [[nodiscard]] bool restrict_to_conflict(const std::vector<z3::expr>& literals)
    {
        const auto r = slices_->check(
            literals, [this] { return solver_ms_left(); }, 0, true);
        if (r != z3::unsat) {
            unknown_reason_ = slices_->reason_unknown();
            return false;
        }
        conflict_ = slices_->unsat_slices();
        solver_ = slices_->solver_for(*conflict_);
        return true;
    }
    /// `literals` without those that constrain nothing in the solver (after restrict_to_conflict():
    /// the literals of the other slices).
    [[nodiscard]] std::vector<z3::expr> relevant(const std::vector<z3::expr>& literals)
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
    /// A model of the solver as a model of the whole problem (restrict_to_conflict(): the other
    /// slices' models for the rest).
    [[nodiscard]] Model whole_model(const z3::model& m) const
    {
        return conflict_ ? Model(slices_->model_with(*conflict_, m)) : Model(m);
    }
    /// Whether an instance's check lies outside the slices of the conflict (restrict_to_conflict()).
    [[nodiscard]] bool outside_conflict(const Instance& inst)
    {
        return conflict_ && !slices_->within(inst.literal, *conflict_);
    }
    /// Satisfiability with `literals` asserted, slice by slice (no core); `cap_ms` as in check().
    [[nodiscard]] z3::check_result check_sliced(const std::vector<z3::expr>& literals, unsigned cap_ms)
    {
        if (!slices_) {
            slices_.emplace(
                ctx_,
                [this](const z3::expr& c) { return byte_literal_by_id_.count(Z3_get_ast_id(ctx_, c)) != 0; },
                [this](const z3::func_decl& f) { return z3::eq(f, bytes_id_) || z3::eq(f, bytes_len_); });
        }
        slices_->update(solver_);
        const auto r = slices_->check(
            literals, [this] { return solver_ms_left(); }, cap_ms);
        if (r == z3::unknown) {
            unknown_reason_ = slices_->reason_unknown();
        }
        return r;
    }
    /// A literal that, assumed, allows at most `k` of `v` to hold (named `name!k`).
    [[nodiscard]] z3::expr at_most(const z3::expr_vector& v, unsigned k, const std::string& name)
    {
        const z3::expr lit = ctx_.bool_const((name + "!" + std::to_string(k)).c_str());
        solver_.add(z3::implies(lit, z3::atmost(v, k)));
        return lit;
    }
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
