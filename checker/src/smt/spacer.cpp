/// \file Spacer as the second prover (spacer.h).
///
/// The Horn encoding reuses the one encoding of the closed system (system_model.h): each clause is the
/// assertions of a SystemModel — the initial states (system_begin from the start), one step from an
/// arbitrary state (system_begin arbitrary + system_step, the attacker's messages included), the
/// property over an arbitrary state — with the state terms as the arguments of the one relation Inv:
///
///   init:  A_init(x0)                        => Inv(x0)
///   step:  Inv(x) && A_step(x, x')           => Inv(x')
///   bad:   Inv(x) && A_prop(x) && !P(x)      => Err        (P over a step's message: at x' of a step)
///
/// and Spacer is asked whether Err is derivable. Two things the BMC encoding has that Spacer does not
/// take are made explicit:
/// - Uninterpreted functions (the perfect crypto, pdu fields, byte-string ids): Spacer rejects them in
///   clauses, so each clause gets Ackermann's reduction (every application a new constant, equal
///   arguments give equal results). A function is thereby reinterpreted at every step, which only adds
///   runs: a proof stays sound, a derivation of Err may be spurious (reported as such).
/// - The attacker's memory: a message injected at a step may be a replay, or carry a MAC-I seen on the
///   air earlier; from an arbitrary state "earlier" is the relation argument `attacker.seen_mac`, the
///   set of MAC-Is seen so far (SystemModel::system_open_past). A replay is over-approximated as any message
///   with a seen MAC-I.
/// State variables are present in the initial state (every one has an initialiser). Without an attacker
/// that injects they stay present, and a step that could leave one absent counts as a bad state, so
/// that assumption is checked, not made. With one, a message without an IE can leave some absent: those
/// absent_capable() finds get their presence as a relation argument ("present(NAME)"), the others are
/// checked like the rest.

#include "smt/spacer.h"

#include "smt/absent_capable.h"
#include "smt/cross_check.h"
#include "smt/solver_limits.h"
#include "smt/system_model.h"
#include "smt/z3_assign.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace pc5check::smt::detail {

namespace {

/// The relation argument holding the MAC-Is seen on the air (not a spec variable).
constexpr const char* kAir = "attacker.seen_mac";
/// The relation arguments holding whether a state variable is present: "present(NAME)".
constexpr const char* kPresent = "present(";

/// The relation's arguments, in order: every state variable, every init.* value (a step keeps them),
/// and, when the attacker injects messages, the MAC-Is seen on the air.
struct Signature {
    /// The state variables whose presence is an argument: with an attacker that injects, those a run
    /// can leave absent (SystemOptions::absent_capable, or all when that is not known).
    std::unordered_set<std::string> presence_args;
    std::vector<std::string> names;
    std::vector<Type> types;
    std::vector<z3::sort> sorts;
};

/// One model of the closed system with its own solver, in a shared context: the assertions of one clause
/// or of one re-check query.
class Model {
  public:
    Model(const spec::Spec& spec, const SystemOptions& options, z3::context& ctx, unsigned timeout_ms,
          bool arbitrary)
    {
        header_.spec = spec.id;
        header_.observer = trace::Observer::air;
        SymbolicOptions so;
        so.timeout_ms = timeout_ms;
        engine_.emplace(spec, header_, so, ctx);
        if (auto air = engine_->system_start(options, arbitrary, SystemModel::Past::open_air, kAir)) {
            air_.emplace(*air); // not a move assignment (smt/z3_assign.h)
        }
    }

    [[nodiscard]] SystemModel& e() { return *engine_; }

    /// The relation's arguments at state `k` (0, or 1 after one step); `present` gets the condition
    /// that every state variable whose presence is not an argument is present there.
    [[nodiscard]] std::vector<z3::expr> args(std::size_t k, const Signature& sig, z3::expr& present)
    {
        const auto state = engine_->system_state(k);
        const auto init = engine_->system_init();
        std::vector<z3::expr> out;
        assign(present, engine_->context().bool_val(true));
        for (const auto& name : sig.names) {
            out.push_back(arg(name, k, state, init));
            if (const auto s = state.find(name); s != state.end() && !sig.presence_args.contains(name)) {
                assign(present, present && s->second.present);
            }
        }
        assign(present, present.simplify());
        return out;
    }

    /// Everything the model's solver asserts, as one formula.
    [[nodiscard]] z3::expr assertions() { return z3::mk_and(engine_->solver().assertions()); }

    /// The sort of MAC-Is (the encoding's byte strings).
    [[nodiscard]] static z3::sort mac_sort(z3::context& ctx) { return ctx.uninterpreted_sort("Bytes"); }

  private:
    /// The argument `name` at state `k`.
    [[nodiscard]] z3::expr arg(const std::string& name, std::size_t k,
                               const std::map<std::string, Term>& state,
                               const std::map<std::string, Term>& init)
    {
        if (name.starts_with(kPresent)) {
            const std::size_t skip = std::string_view(kPresent).size();
            return state.at(name.substr(skip, name.size() - skip - 1)).present;
        }
        if (const auto s = state.find(name); s != state.end()) {
            return s->second.value;
        }
        if (const auto i = init.find(name); i != init.end()) {
            return i->second.value;
        }
        PC5CHECK_ASSERT(name == kAir && "a relation argument of another model's state");
        return k == 0 && air_ ? *air_ : engine_->system_air_after();
    }

    trace::Trace header_;
    std::optional<SystemModel> engine_;
    std::optional<z3::expr> air_;
};

/// The relation's signature, from a model started in an arbitrary state.
Signature signature_of(const spec::Spec& spec, Model& m, const SystemOptions& options)
{
    Signature sig;
    for (const auto& [name, t] : m.e().system_state(0)) {
        sig.names.push_back(name);
        sig.types.push_back(spec.scope.variables.at(name));
        sig.sorts.push_back(t.value.get_sort());
        if (options.attacker.injects() && !t.present.is_true()) {
            sig.presence_args.insert(name);
            sig.names.push_back(kPresent + name + ")");
            sig.types.push_back(Type::boolean());
            sig.sorts.push_back(t.present.get_sort());
        }
    }
    for (const auto& [name, t] : m.e().system_init()) {
        sig.names.push_back(name);
        sig.types.push_back(spec.init_scope.variables.at(name));
        sig.sorts.push_back(t.value.get_sort());
    }
    if (options.attacker.injects()) {
        z3::context& ctx = m.e().context();
        sig.names.emplace_back(kAir);
        sig.types.push_back(Type::set_of(TypeKind::bytes));
        sig.sorts.push_back(ctx.array_sort(Model::mac_sort(ctx), ctx.bool_sort()));
    }
    return sig;
}

/// Ackermann's reduction of one formula: each application of an uninterpreted function becomes a
/// constant, and applications of the same function to equal arguments get equal constants
/// (consistency()). Equisatisfiable with the formula; Spacer takes no uninterpreted functions.
class Ackermann {
  public:
    /// `keep`: the relation, which stays a function application.
    Ackermann(z3::context& ctx, const z3::func_decl& keep) : ctx_(ctx), keep_(Z3_get_ast_id(ctx, keep)) {}

    [[nodiscard]] z3::expr rewrite(const z3::expr& e)
    {
        const unsigned id = Z3_get_ast_id(ctx_, e);
        if (const auto it = memo_.find(id); it != memo_.end()) {
            return it->second;
        }
        PC5CHECK_ASSERT(!e.is_quantifier() && "the system's assertions are quantifier-free");
        z3::expr out = e;
        if (e.is_app() && e.num_args() > 0) {
            std::vector<z3::expr> args;
            z3::expr_vector rewritten(ctx_);
            bool changed = false;
            for (unsigned i = 0; i < e.num_args(); ++i) {
                args.push_back(rewrite(e.arg(i)));
                rewritten.push_back(args.back());
                changed = changed || !z3::eq(args.back(), e.arg(i));
            }
            const z3::func_decl d = e.decl();
            if (d.decl_kind() == Z3_OP_UNINTERPRETED && Z3_get_ast_id(ctx_, d) != keep_) {
                assign(out, application(d, args));
            } else if (changed) {
                assign(out, d(rewritten));
            }
        }
        memo_.emplace(id, out);
        return out;
    }

    /// Equal arguments give equal results, for every pair of applications of one function.
    [[nodiscard]] z3::expr consistency() const
    {
        z3::expr_vector all(ctx_);
        for (const auto& [fn, apps] : apps_) {
            for (std::size_t i = 0; i < apps.size(); ++i) {
                for (std::size_t j = i + 1; j < apps.size(); ++j) {
                    z3::expr_vector same(ctx_);
                    for (std::size_t a = 0; a < apps[i].args.size(); ++a) {
                        same.push_back(apps[i].args[a] == apps[j].args[a]);
                    }
                    all.push_back(z3::implies(z3::mk_and(same), apps[i].value == apps[j].value));
                }
            }
        }
        return z3::mk_and(all);
    }

  private:
    struct Application {
        std::vector<z3::expr> args;
        z3::expr value;
    };

    [[nodiscard]] z3::expr application(const z3::func_decl& d, const std::vector<z3::expr>& args)
    {
        auto& apps = apps_[Z3_get_ast_id(ctx_, d)];
        for (const auto& a : apps) {
            if (std::equal(a.args.begin(), a.args.end(), args.begin(), args.end(),
                           [](const z3::expr& x, const z3::expr& y) { return z3::eq(x, y); })) {
                return a.value;
            }
        }
        const std::string name = "ack!" + d.name().str() + "!" + std::to_string(fresh_++);
        apps.push_back(Application{args, ctx_.constant(name.c_str(), d.range())});
        return apps.back().value;
    }

    z3::context& ctx_;
    unsigned keep_;
    std::map<unsigned, std::vector<Application>> apps_; ///< by function (AST id of its declaration)
    std::unordered_map<unsigned, z3::expr> memo_;
    unsigned fresh_ = 0;
};

/// The uninterpreted constants of `e` but the relation `err` (the clause's universally quantified
/// variables).
void collect_constants(const z3::expr& e, const z3::func_decl& err, std::unordered_set<unsigned>& seen,
                       z3::expr_vector& out)
{
    if (!seen.insert(Z3_get_ast_id(e.ctx(), e)).second || !e.is_app()) {
        return;
    }
    if (e.num_args() == 0) {
        if (e.decl().decl_kind() == Z3_OP_UNINTERPRETED && !z3::eq(e.decl(), err)) {
            out.push_back(e);
        }
        return;
    }
    for (unsigned i = 0; i < e.num_args(); ++i) {
        collect_constants(e.arg(i), err, seen, out);
    }
}

/// The Horn clauses of one property, and Spacer on them.
class Horn {
  public:
    Horn(z3::context& ctx, const Signature& sig)
        : ctx_(ctx), fp_(ctx), inv_(relation(ctx, "Inv", sig)),
          err_(ctx.function("Err", 0, nullptr, ctx.bool_sort()))
    {
        fp_.register_relation(inv_);
        fp_.register_relation(err_);
    }

    [[nodiscard]] const z3::func_decl& inv() const { return inv_; }
    [[nodiscard]] z3::expr err() const { return err_(); }

    /// Inv over fresh head variables bound to `args` in the body.
    [[nodiscard]] std::pair<z3::expr, z3::expr> head(const std::vector<z3::expr>& args)
    {
        z3::expr_vector vars(ctx_);
        z3::expr bind = ctx_.bool_val(true);
        for (std::size_t i = 0; i < args.size(); ++i) {
            const std::string name = "chc!h!" + std::to_string(i);
            vars.push_back(ctx_.constant(name.c_str(), args[i].get_sort()));
            assign(bind, bind && vars.back() == args[i]);
        }
        return {inv_(vars), bind};
    }
    [[nodiscard]] z3::expr apply(const std::vector<z3::expr>& args) const
    {
        z3::expr_vector v(ctx_);
        for (const auto& a : args) {
            v.push_back(a);
        }
        return inv_(v);
    }

    /// The rule `body => head`, its uninterpreted functions reduced, every constant quantified.
    void add(const z3::expr& body, const z3::expr& head, const std::string& name)
    {
        Ackermann ack(ctx_, inv_);
        const z3::expr b = ack.rewrite(body);
        const z3::expr rule = z3::implies(b && ack.consistency(), ack.rewrite(head));
        z3::expr_vector vars(ctx_);
        std::unordered_set<unsigned> seen;
        collect_constants(rule, err_, seen, vars);
        z3::expr closed = vars.empty() ? rule : z3::forall(vars, rule);
        fp_.add_rule(closed, ctx_.str_symbol(name.c_str()));
    }

    /// Whether Err is derivable, within `timeout_ms`.
    [[nodiscard]] z3::check_result solve(unsigned timeout_ms)
    {
        z3::params p(ctx_);
        p.set("engine", "spacer");
        p.set("timeout", timeout_ms);
        fp_.set(p);
        z3::expr q = err();
        return fp_.query(q);
    }
    [[nodiscard]] z3::expr invariant() { return fp_.get_cover_delta(-1, inv_); }
    [[nodiscard]] std::string reason_unknown() { return fp_.reason_unknown(); }

  private:
    static z3::func_decl relation(z3::context& ctx, const char* name, const Signature& sig)
    {
        z3::sort_vector dom(ctx);
        for (const auto& s : sig.sorts) {
            dom.push_back(s);
        }
        return ctx.function(name, dom, ctx.bool_sort());
    }

    z3::context& ctx_;
    z3::fixedpoint fp_;
    z3::func_decl inv_;
    z3::func_decl err_;
};

/// What a re-check or the Horn clauses need of one Spacer run.
struct Run {
    const spec::Spec& spec;
    const Candidate& property;
    const SystemOptions& options;
    Clock::time_point deadline;
    z3::context& ctx;
    const Signature& sig;

    [[nodiscard]] unsigned ms_left() const
    {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        return static_cast<unsigned>(std::max<long long>(left, kMinSolverMs));
    }
    [[nodiscard]] Model model(bool arbitrary) const { return {spec, options, ctx, ms_left(), arbitrary}; }
};

/// The three rules and the query of `run`'s property.
void add_clauses(const Run& run, Horn& horn)
{
    Model init(run.spec, run.options, run.ctx, run.ms_left(), false);
    z3::expr present(run.ctx);
    const auto x0 = init.args(0, run.sig, present);
    const auto [h0, b0] = horn.head(x0);
    horn.add(init.assertions() && b0, h0, "init");
    if (!present.is_true()) {
        horn.add(init.assertions() && !present, horn.err(), "init-absent");
    }

    Model step(run.spec, run.options, run.ctx, run.ms_left(), true);
    step.e().system_step();
    z3::expr unused(run.ctx);
    const auto pre = step.args(0, run.sig, unused);
    const auto post = step.args(1, run.sig, present);
    const auto [h1, b1] = horn.head(post);
    horn.add(horn.apply(pre) && step.assertions() && b1, h1, "step");
    if (!present.is_true()) {
        horn.add(horn.apply(pre) && step.assertions() && !present, horn.err(), "step-absent");
    }

    Model bad(run.spec, run.options, run.ctx, run.ms_left(), true);
    const std::size_t at = run.property.reads_message ? 1 : 0;
    if (at == 1) {
        bad.e().system_step();
    }
    const z3::expr p = bad.e().system_formula(*run.property.formula, at);
    const auto x = bad.args(0, run.sig, unused);
    horn.add(horn.apply(x) && bad.assertions() && !p, horn.err(), "property");
}

/// Spacer's invariant at `args` (its variable i is argument i).
z3::expr invariant_at(const z3::expr& invariant, const std::vector<z3::expr>& args)
{
    z3::expr_vector to(invariant.ctx());
    for (const auto& a : args) {
        to.push_back(a);
    }
    z3::expr inv = invariant;
    return inv.substitute(to);
}

/// One re-check query in `m`'s fresh solver: its assertions and `goal` must be unsat (and, with
/// --cross-check, unsat for the second solver too). False when there is no answer (`out.note` says why).
bool recheck(const Run& run, Model& m, const z3::expr& goal, const std::string& which, SpacerOutcome& out)
{
    m.e().solver().add(goal);
    const z3::check_result r = m.e().solve();
    if (r == z3::sat) {
        throw SpacerRecheckFailure(run.property.name + ": Spacer's invariant fails its " + which +
                                   " re-check (a plain solver finds a state it does not cover)");
    }
    if (r == z3::unknown) {
        out.note = "Spacer found an invariant, but its " + which + " re-check had no answer (" +
                   m.e().solver().reason_unknown() + ")";
        return false;
    }
    if (!run.options.cross_check_dir) {
        return true;
    }
    const CrossCheckSetup setup = cross_check_setup(run.options, run.ms_left());
    const std::string name = run.spec.id + "-spacer-" + run.property.name + "-" + which;
    const std::string comment = "pc5check cross-check of a Spacer (CHC) proof (expected: unsat)\n" +
                                run.property.name + ": " + which + " of Spacer's invariant";
    const CrossCheckAnswer a = cross_check_unsat(m.e().solver(), name, comment, setup);
    if (a.kind != CrossCheckAnswer::Kind::confirmed) {
        out.note = "Spacer's invariant was not counted: " + run.options.cross_check_solver +
                   " did not confirm " + a.file + " (" + (a.detail.empty() ? "no answer" : a.detail) + ")";
        return false;
    }
    out.confirmed.push_back(a.file);
    return true;
}

/// Initiation, consecution and safety of `invariant`, each in a fresh solver.
bool recheck_invariant(const Run& run, const z3::expr& invariant, SpacerOutcome& out)
{
    z3::expr present(run.ctx);
    Model init = run.model(false);
    const auto x0 = init.args(0, run.sig, present);
    if (!recheck(run, init, !present || !invariant_at(invariant, x0), "initiation", out)) {
        return false;
    }
    Model step = run.model(true);
    step.e().system_step();
    z3::expr unused(run.ctx);
    const auto pre = step.args(0, run.sig, unused);
    const auto post = step.args(1, run.sig, present);
    if (!recheck(run, step, invariant_at(invariant, pre) && (!present || !invariant_at(invariant, post)),
                 "consecution", out)) {
        return false;
    }
    Model safe = run.model(true);
    const std::size_t at = run.property.reads_message ? 1 : 0;
    if (at == 1) {
        safe.e().system_step();
    }
    const z3::expr p = safe.e().system_formula(*run.property.formula, at);
    const auto x = safe.args(0, run.sig, unused);
    return recheck(run, safe, invariant_at(invariant, x) && !p, "safety", out);
}

/// Spacer's invariant in the spec's expression language, where it can be written in it.
class Renderer {
  public:
    Renderer(const spec::Spec& spec, const Signature& sig) : spec_(spec), sig_(sig) {}

    /// One part per conjunct of `invariant`.
    [[nodiscard]] std::vector<InvariantPart> parts(const z3::expr& invariant) const
    {
        std::vector<z3::expr> conjuncts;
        if (invariant.is_app() && invariant.decl().decl_kind() == Z3_OP_AND) {
            for (unsigned i = 0; i < invariant.num_args(); ++i) {
                conjuncts.push_back(invariant.arg(i));
            }
        } else {
            conjuncts.push_back(invariant);
        }
        std::vector<InvariantPart> out;
        for (const auto& c : conjuncts) {
            const std::string id = "spacer:" + std::to_string(out.size() + 1);
            const Type boolean = Type::boolean();
            if (const auto text = render(c, nullptr);
                text && expr::compile(*text, spec_.property_scope, &boolean)) {
                out.push_back(InvariantPart{id, *text, "spacer"});
            } else {
                out.push_back(InvariantPart{id, smtlib(c), "spacer-smtlib"});
            }
        }
        return out;
    }

  private:
    /// SMT-LIB 2 with the relation's arguments named.
    [[nodiscard]] std::string smtlib(const z3::expr& e) const
    {
        z3::expr_vector named(e.ctx());
        for (std::size_t i = 0; i < sig_.names.size(); ++i) {
            named.push_back(e.ctx().constant(sig_.names[i].c_str(), sig_.sorts[i]));
        }
        return z3::expr(e).substitute(named).to_string();
    }

    [[nodiscard]] const Type* type_of(const z3::expr& e) const
    {
        return e.is_var() ? &sig_.types.at(Z3_get_index_value(e.ctx(), e)) : nullptr;
    }

    [[nodiscard]] static std::optional<std::int64_t> number(const z3::expr& e)
    {
        std::int64_t v = 0;
        if (e.is_numeral() && e.is_int() && Z3_get_numeral_int64(e.ctx(), e, &v)) {
            return v;
        }
        return std::nullopt;
    }

    [[nodiscard]] static std::string literal(const Type& t, std::size_t i)
    {
        return t.enum_def->name + "." + t.enum_def->names.at(i);
    }

    [[nodiscard]] static bool compare(Z3_decl_kind k, std::int64_t l, std::int64_t r)
    {
        switch (k) {
        case Z3_OP_LE:
            return l <= r;
        case Z3_OP_LT:
            return l < r;
        case Z3_OP_GE:
            return l >= r;
        default:
            return l > r;
        }
    }

    /// `(x op c)` or `(c op x)` for an enum x: the enum literals it allows, as set membership.
    [[nodiscard]] std::optional<std::string> enum_order(const z3::expr& e, Z3_decl_kind k) const
    {
        const bool var_left = type_of(e.arg(0)) != nullptr;
        const Type* t = type_of(e.arg(var_left ? 0 : 1));
        const auto c = number(e.arg(var_left ? 1 : 0));
        if (t == nullptr || t->kind != TypeKind::enumeration || !c) {
            return std::nullopt;
        }
        std::string allowed;
        for (std::size_t i = 0; i < t->enum_def->names.size(); ++i) {
            const auto x = static_cast<std::int64_t>(i);
            const std::int64_t l = var_left ? x : *c;
            const std::int64_t r = var_left ? *c : x;
            if (compare(k, l, r)) {
                allowed += (allowed.empty() ? "" : ", ") + literal(*t, i);
            }
        }
        return "(" + sig_.names.at(Z3_get_index_value(e.ctx(), e.arg(var_left ? 0 : 1))) + " in {" + allowed +
               "})";
    }

    [[nodiscard]] std::optional<std::string> join(const z3::expr& e, const char* op, const Type* hint) const
    {
        std::string out;
        for (unsigned i = 0; i < e.num_args(); ++i) {
            const auto a = render(e.arg(i), hint);
            if (!a) {
                return std::nullopt;
            }
            out += (i == 0 ? "" : std::string(" ") + op + " ") + *a;
        }
        return "(" + out + ")";
    }

    [[nodiscard]] std::optional<std::string> leaf(const z3::expr& e, const Type* hint) const
    {
        if (e.is_var()) {
            return sig_.names.at(Z3_get_index_value(e.ctx(), e));
        }
        if (e.is_true() || e.is_false()) {
            return e.is_true() ? "true" : "false";
        }
        const auto n = number(e);
        if (!n) {
            return std::nullopt;
        }
        if (hint != nullptr && (hint->kind == TypeKind::enumeration ||
                                (hint->kind == TypeKind::set && hint->element == TypeKind::enumeration))) {
            if (*n < 0 || static_cast<std::size_t>(*n) >= hint->enum_def->names.size()) {
                return std::nullopt;
            }
            return literal(*hint, static_cast<std::size_t>(*n));
        }
        return *n < 0 ? "(-" + std::to_string(-*n) + ")" : std::to_string(*n);
    }

    /// The type of a relation argument among the two operands of `e` (for the literals of the other).
    [[nodiscard]] const Type* side_type(const z3::expr& e) const
    {
        if (e.num_args() != 2) {
            return nullptr;
        }
        const Type* left = type_of(e.arg(0));
        return left != nullptr ? left : type_of(e.arg(1));
    }

    [[nodiscard]] static const char* comparison(Z3_decl_kind k)
    {
        switch (k) {
        case Z3_OP_LE:
            return "<=";
        case Z3_OP_LT:
            return "<";
        case Z3_OP_GE:
            return ">=";
        default:
            return ">";
        }
    }

    [[nodiscard]] std::optional<std::string> ite(const z3::expr& e, const Type* hint) const
    {
        const auto c = render(e.arg(0), nullptr);
        const auto a = render(e.arg(1), hint);
        const auto b = render(e.arg(2), hint);
        if (!c || !a || !b) {
            return std::nullopt;
        }
        return "(if " + *c + " then " + *a + " else " + *b + ")";
    }

    /// `select(S, x)` of a set-typed argument S: `x in S`.
    [[nodiscard]] std::optional<std::string> member(const z3::expr& e) const
    {
        const Type* set = type_of(e.arg(0));
        if (set == nullptr || set->kind != TypeKind::set || e.num_args() != 2) {
            return std::nullopt;
        }
        const auto x = render(e.arg(1), set);
        const auto s = leaf(e.arg(0), nullptr);
        if (!x || !s) {
            return std::nullopt;
        }
        return "(" + *x + " in " + *s + ")";
    }

    [[nodiscard]] std::optional<std::string> negation(const z3::expr& e) const
    {
        const auto a = render(e.arg(0), nullptr);
        if (!a) {
            return std::nullopt;
        }
        return "(!" + *a + ")";
    }

    [[nodiscard]] std::optional<std::string> render(const z3::expr& e, const Type* hint) const
    {
        if (!e.is_app() || e.num_args() == 0) {
            return leaf(e, hint);
        }
        const Z3_decl_kind k = e.decl().decl_kind();
        const Type* side = side_type(e);
        switch (k) {
        case Z3_OP_AND:
            return join(e, "&&", nullptr);
        case Z3_OP_OR:
            return join(e, "||", nullptr);
        case Z3_OP_IMPLIES:
            return join(e, "=>", nullptr);
        case Z3_OP_NOT:
            return negation(e);
        case Z3_OP_EQ:
        case Z3_OP_IFF:
            return join(e, "==", side);
        case Z3_OP_DISTINCT:
            return e.num_args() == 2 ? join(e, "!=", side) : std::nullopt;
        case Z3_OP_LE:
        case Z3_OP_LT:
        case Z3_OP_GE:
        case Z3_OP_GT:
            if (side != nullptr && side->kind == TypeKind::enumeration) {
                return enum_order(e, k);
            }
            return join(e, comparison(k), nullptr);
        case Z3_OP_ADD:
            return join(e, "+", nullptr);
        case Z3_OP_SUB:
            return join(e, "-", nullptr);
        case Z3_OP_MUL:
            return join(e, "*", nullptr);
        case Z3_OP_ITE:
            return ite(e, hint);
        case Z3_OP_SELECT:
            return member(e);
        default:
            return std::nullopt;
        }
    }

    const spec::Spec& spec_;
    const Signature& sig_;
};

/// Spacer on the Horn clauses of `run`, and the re-check of what it proves.
SpacerOutcome solve(const Run& run, const SpacerTamper& tamper)
{
    SpacerOutcome out;
    Horn horn(run.ctx, run.sig);
    add_clauses(run, horn);
    z3::check_result r = z3::unknown;
    try {
        r = horn.solve(run.ms_left());
    } catch (const z3::exception& e) {
        // Spacer reports its time limit as a cancellation.
        out.note = Clock::now() + std::chrono::milliseconds(kMinSolverMs) >= run.deadline
                       ? "Spacer: time limit (--timeout-ms)"
                       : std::string("Spacer gave up: ") + e.msg();
        return out;
    }
    if (r == z3::sat) {
        out.kind = SpacerOutcome::Kind::counterexample;
        out.note = "Spacer derives a state that breaks it in the Horn encoding (crypto reinterpreted at each "
                   "step, replays by MAC-I only: possibly spurious; bounded model checking shows real runs)";
        return out;
    }
    if (r == z3::unknown) {
        const std::string why = horn.reason_unknown();
        out.note = "Spacer: no answer (" + (why.empty() ? std::string("unknown") : why) + ")";
        return out;
    }
    z3::expr invariant = horn.invariant();
    if (tamper) {
        assign(invariant, tamper(invariant));
    }
    if (!recheck_invariant(run, invariant, out)) {
        return out;
    }
    out.kind = SpacerOutcome::Kind::proven;
    out.invariant = Renderer(run.spec, run.sig).parts(invariant.simplify());
    return out;
}

} // namespace

SpacerOutcome spacer_prove(const spec::Spec& spec, const Candidate& property, const SystemOptions& options,
                           Clock::time_point deadline, const SpacerTamper& tamper)
{
    const auto t0 = Clock::now();
    SpacerOutcome out;
    SolverContext owner;
    if (!owner.ok()) {
        out.note = "Spacer: no memory for a solver context";
        return out;
    }
    z3::context& ctx = owner.get();
    try {
        // Only the variables some run can leave absent get a presence argument (the others would make
        // states no run reaches, as in the k-induction's step case). The set is the solver's answer,
        // and a step that left another variable absent is still a bad state of the clauses, so a proof
        // does not rest on it.
        const SystemOptions with_presence = with_absent_capable(spec, options, deadline);
        Model probe(spec, with_presence, ctx, kMinSolverMs, true);
        const Signature sig = signature_of(spec, probe, with_presence);
        out = solve(Run{spec, property, with_presence, deadline, ctx, sig}, tamper);
    } catch (const z3::exception& e) {
        if (!out_of_memory(e)) {
            throw;
        }
        out = SpacerOutcome{};
        out.note = std::string("Spacer: solver memory limit (--solver-memory-mb): ") + e.msg();
    }
    out.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    return out;
}

} // namespace pc5check::smt::detail
