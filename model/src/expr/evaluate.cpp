/// \file Concrete evaluation of typed trees with the three-valued (known / absent / unknown) semantics
/// of expr.h.

#include "evaluate_generic.h"
#include "operators.h"
#include "pc5check/expr/expr.h"
#include "pc5check/expr/ops.h"

#include <algorithm>
#include <forward_list>
#include <iterator>
#include <limits>
#include <utility>

namespace pc5check::expr {

namespace {

using detail::bool_of;
using detail::fast_of;
using detail::int_of;

/// Cap on the source text rendered into an "is absent" reason.
constexpr std::size_t kMaxDescription = 80;

/// The alternative T of a value whose type the checker established; a mismatch is a bug of the Env
/// (or of a hand-built tree), never of the input.
template <class T> [[nodiscard]] const T& as(const Value& v)
{
    const T* p = std::get_if<T>(&v.data);
    PC5CHECK_ASSERT(p != nullptr);
    return *p;
}

template <class T> [[nodiscard]] T& as(Value& v)
{
    T* p = std::get_if<T>(&v.data);
    PC5CHECK_ASSERT(p != nullptr);
    return *p;
}

[[nodiscard]] bool is_bool(const Value& v, bool b)
{
    const bool* p = std::get_if<bool>(&v.data);
    return p != nullptr && *p == b;
}

/// Approximate source of a typed subtree, for reasons like "msg.nonce_1 is absent".
void unparse(const Node& n, std::string& out)
{
    if (out.size() > kMaxDescription) {
        return;
    }
    const auto list = [&out](const std::vector<NodePtr>& items) {
        const char* separator = "";
        for (const NodePtr& item : items) {
            out += separator;
            unparse(*item, out);
            separator = ", ";
        }
    };
    const auto operand = [&out](const Node& child) {
        const bool parens = child.kind == NodeKind::binary || child.kind == NodeKind::ite;
        out += parens ? "(" : "";
        unparse(child, out);
        out += parens ? ")" : "";
    };
    switch (n.kind) {
    case NodeKind::literal:
        out += n.name.empty() ? render(n.literal, n.type) : n.name;
        return;
    case NodeKind::variable:
        out += n.name;
        return;
    case NodeKind::set_literal:
        out += '{';
        list(n.args);
        out += '}';
        return;
    case NodeKind::call:
        out += n.name + "(";
        list(n.args);
        out += ')';
        return;
    case NodeKind::unary:
        out += n.name;
        operand(*n.args[0]);
        return;
    case NodeKind::binary:
        operand(*n.args[0]);
        out += " " + n.name + " ";
        operand(*n.args[1]);
        return;
    case NodeKind::ite:
        out += "if ";
        unparse(*n.args[0], out);
        out += " then ";
        unparse(*n.args[1], out);
        out += " else ";
        unparse(*n.args[2], out);
        return;
    }
}

[[nodiscard]] std::string describe(const Node& n)
{
    std::string out;
    unparse(n, out);
    if (out.size() > kMaxDescription) {
        out.resize(kMaxDescription);
        out += "...";
    }
    return out;
}

/// Recursive evaluator. Each handler stays out of line ([[gnu::noinline]]) so that a level of the
/// tree costs only the frame of its own handler: inlined, they would merge into one frame holding the
/// locals of all of them, which sanitizer builds inflate to kilobytes per level.
class Evaluator {
    friend Value detail::evaluate_ite_rest(const Node& ite, Value condition, const Env& env,
                                           const Scope& scope);
    friend Value detail::unusable_operand(Value v, const Node& source);

  public:
    /// `fast`: whether bool and int trees try the typed fast path (off only for tests).
    Evaluator(const Env& env, const Scope& scope, bool fast = true)
        : env_(env), scope_(scope), defs_(env.def_cache()), fast_(fast)
    {
    }

    /// eval(), trying the typed fast path first for a bool or int tree (see Fast).
    [[nodiscard]] Value eval_typed(const Node& n)
    {
        if (n.def != kNoDef && defs_ != nullptr) {
            return def_value(n);
        }
        return eval_typed_node(n);
    }

    [[nodiscard]] Value eval(const Node& n)
    {
        if (n.def != kNoDef && defs_ != nullptr) {
            return def_value(n);
        }
        return eval_node(n);
    }

    /// eval() of `n` itself, not through the def cache.
    [[nodiscard]] Value eval_node(const Node& n)
    {
        switch (n.kind) {
        case NodeKind::literal:
            return n.literal;
        case NodeKind::variable:
            if (const Value* v = env_.find(n)) {
                return *v;
            }
            return env_.lookup(n.name);
        case NodeKind::set_literal:
            return eval_set(n);
        case NodeKind::unary:
            return eval_unary(n);
        case NodeKind::binary:
            return eval_binary(n);
        case NodeKind::ite:
            return eval_ite(n);
        case NodeKind::call:
            return eval_call(n);
        }
        PC5CHECK_ASSERT(false);
        return Value::unknown("bad node");
    }

  private:
    /// The typed fast path. Most trees a replay evaluates are bool or int (guards, checks, COUNT
    /// keys) and, in a fully observed trace, never meet an unknown or absent operand: for them
    /// fast_bool/fast_int compute the plain result with no Value per node. An operand that is
    /// unknown or absent, or an operation without a plain result (division by zero), gives `slow`:
    /// the caller then evaluates the whole tree again with eval(), whose three-valued rules and
    /// reasons decide. Evaluation has no side effects (external functions only memoize), so the
    /// second pass gives what a single eval() would have.
    using Fast = detail::Fast;

    /// A bool-typed node.
    [[nodiscard]] Fast fast_bool(const Node& n)
    {
        if (n.def != kNoDef && defs_ != nullptr) {
            return bool_of(def_value(n));
        }
        return fast_bool_node(n);
    }

    /// fast_bool() of `n` itself, not through the def cache.
    [[nodiscard]] Fast fast_bool_node(const Node& n)
    {
        switch (n.kind) {
        case NodeKind::literal:
            return bool_of(n.literal);
        case NodeKind::variable:
            if (const Value* v = env_.find(n)) {
                return bool_of(*v);
            }
            return bool_of(env_.lookup(n.name));
        case NodeKind::unary: {
            const Fast f = fast_bool(*n.args[0]);
            return f == Fast::slow ? f : fast_of(f == Fast::no);
        }
        case NodeKind::binary:
            return fast_binary(n);
        case NodeKind::ite: {
            const Fast c = fast_bool(*n.args[0]);
            return c == Fast::slow ? c : fast_bool(*n.args[c == Fast::yes ? 1 : 2]);
        }
        case NodeKind::call:
            return fast_call(n);
        case NodeKind::set_literal:
            break;
        }
        return Fast::slow;
    }

    [[gnu::noinline]] [[nodiscard]] Fast fast_binary(const Node& n)
    {
        const auto op = binary_op_of(n);
        if (!op) {
            return Fast::slow;
        }
        const Node& l = *n.args[0];
        const Node& r = *n.args[1];
        switch (*op) {
        case BinaryOp::logical_and:
        case BinaryOp::logical_or:
        case BinaryOp::implies: {
            // As eval_logical with both operands known: a deciding left operand wins, else the right.
            const Fast a = fast_bool(l);
            if (a == Fast::slow) {
                return a;
            }
            if ((a == Fast::yes) == detail::deciding_left(*op)) {
                return fast_of(detail::dominant(*op));
            }
            return fast_bool(r);
        }
        case BinaryOp::equal:
        case BinaryOp::not_equal: {
            const bool equal = *op == BinaryOp::equal;
            if (l.type.kind == TypeKind::integer) {
                std::int64_t a = 0;
                std::int64_t b = 0;
                return fast_int(l, a) && fast_int(r, b) ? fast_of(detail::equality(equal, a, b)) : Fast::slow;
            }
            if (l.type.kind == TypeKind::boolean) {
                const Fast a = fast_bool(l);
                const Fast b = a == Fast::slow ? a : fast_bool(r);
                return b == Fast::slow ? b : fast_of(detail::equality(equal, a, b));
            }
            Value ta;
            Value tb;
            const auto [a, b] = known_operands(l, r, ta, tb);
            return a == nullptr ? Fast::slow : fast_of(detail::equality(equal, *a, *b));
        }
        case BinaryOp::member: {
            Value tx;
            Value ts;
            const auto [x, s] = known_operands(l, r, tx, ts);
            if (x == nullptr) {
                return Fast::slow;
            }
            return fast_of(detail::member(*x, as<SetValue>(*s)));
        }
        case BinaryOp::less:
        case BinaryOp::less_equal:
        case BinaryOp::greater:
        case BinaryOp::greater_equal: {
            std::int64_t a = 0;
            std::int64_t b = 0;
            if (!fast_int(l, a) || !fast_int(r, b)) {
                return Fast::slow;
            }
            return fast_of(detail::order(*op, a, b));
        }
        default:
            break;
        }
        return Fast::slow;
    }

    /// Both operands read in place (ref(), `tl`/`tr` holding evaluated ones) when both are known and
    /// present; {nullptr, nullptr} otherwise (the right one is then not evaluated when the left fails).
    [[nodiscard]] std::pair<const Value*, const Value*> known_operands(const Node& l, const Node& r,
                                                                       Value& tl, Value& tr)
    {
        const Value& a = ref(l, tl);
        if (!known_present(a)) {
            return {nullptr, nullptr};
        }
        const Value& b = ref(r, tr);
        if (!known_present(b)) {
            return {nullptr, nullptr};
        }
        return {&a, &b};
    }

    /// A bool-typed call: present, known and subset here, anything else through eval().
    [[gnu::noinline]] [[nodiscard]] Fast fast_call(const Node& n)
    {
        const auto b = builtin_of(n);
        if (b == Builtin::present || b == Builtin::known) {
            Value tv;
            const Value& v = ref(*n.args[0], tv);
            if (b == Builtin::known) {
                return fast_of(v.is_known());
            }
            return v.is_unknown() ? Fast::slow : fast_of(!v.is_absent());
        }
        if (b == Builtin::subset) {
            Value tx;
            Value ty;
            const auto [x, y] = known_operands(*n.args[0], *n.args[1], tx, ty);
            if (x == nullptr) {
                return Fast::slow;
            }
            return fast_of(detail::subset(as<SetValue>(*x), as<SetValue>(*y)));
        }
        const Value v = eval(n);
        const bool* p = std::get_if<bool>(&v.data);
        return p == nullptr ? Fast::slow : fast_of(*p);
    }

    /// An int-typed node: true with `out` set, false for `slow`.
    [[nodiscard]] bool fast_int(const Node& n, std::int64_t& out)
    {
        if (n.def != kNoDef && defs_ != nullptr) {
            return int_of(def_value(n), out);
        }
        return fast_int_node(n, out);
    }

    /// fast_int() of `n` itself, not through the def cache.
    [[nodiscard]] bool fast_int_node(const Node& n, std::int64_t& out)
    {
        switch (n.kind) {
        case NodeKind::literal:
            return int_of(n.literal, out);
        case NodeKind::variable:
            if (const Value* v = env_.find(n)) {
                return int_of(*v, out);
            }
            return int_of(env_.lookup(n.name), out);
        case NodeKind::unary:
            if (!fast_int(*n.args[0], out)) {
                return false;
            }
            out = detail::negate(out);
            return true;
        case NodeKind::binary:
            return fast_arithmetic(n, out);
        case NodeKind::ite: {
            const Fast c = fast_bool(*n.args[0]);
            return c != Fast::slow && fast_int(*n.args[c == Fast::yes ? 1 : 2], out);
        }
        case NodeKind::call:
            return fast_int_call(n, out);
        case NodeKind::set_literal:
            break;
        }
        return false;
    }

    [[gnu::noinline]] [[nodiscard]] bool fast_arithmetic(const Node& n, std::int64_t& out)
    {
        const auto op = binary_op_of(n);
        std::int64_t a = 0;
        std::int64_t b = 0;
        if (!op || !detail::is_arithmetic(*op) || !fast_int(*n.args[0], a) || !fast_int(*n.args[1], b)) {
            return false;
        }
        // Division and modulo (zero, -1) are left to eval_integer, as are shifts out of range.
        return !detail::is_division(*op) && detail::arithmetic(*op, a, b, out) == detail::IntStatus::ok;
    }

    /// An int-typed call: get, len and size here, anything else through eval().
    [[gnu::noinline]] [[nodiscard]] bool fast_int_call(const Node& n, std::int64_t& out)
    {
        const auto b = builtin_of(n);
        if (b == Builtin::get) {
            Value tm;
            const Value& m = ref(*n.args[0], tm);
            std::int64_t k = 0;
            std::int64_t d = 0;
            if (!known_present(m) || !fast_int(*n.args[1], k) || !fast_int(*n.args[2], d)) {
                return false;
            }
            out = detail::map_get(as<MapValue>(m), k, d);
            return true;
        }
        if (b == Builtin::len || b == Builtin::size) {
            Value tv;
            const Value& v = ref(*n.args[0], tv);
            if (!known_present(v)) {
                return false;
            }
            out = detail::length(*b, v);
            return true;
        }
        const Value v = eval(n);
        const auto* i = std::get_if<std::int64_t>(&v.data);
        if (i == nullptr) {
            return false;
        }
        out = *i;
        return true;
    }

    /// The value of `n` without copying a variable's or a literal's value (sets, bytes): a reference
    /// into the Env or the tree, or to `tmp` holding the evaluated result. Operators that only read an
    /// operand use this; the copies were a large share of the allocations of a replay.
    [[nodiscard]] const Value& ref(const Node& n, Value& tmp)
    {
        if (n.kind == NodeKind::literal) {
            return n.literal;
        }
        if (n.def != kNoDef && defs_ != nullptr) {
            return def_value(n);
        }
        if (n.kind == NodeKind::variable) {
            if (const Value* v = env_.find(n)) {
                return *v;
            }
        }
        tmp = eval(n);
        return tmp;
    }

    /// The value of the def rooted at `n` from the Env's cache, evaluated (typed fast path first) and
    /// kept on a miss. A def has one value per environment, so the rules and transitions of an event
    /// that share it (a MAC check, the new K_NRP-sess ID) evaluate it once. The reference stays valid
    /// for the rest of this evaluation: only a later store of the same def would replace it, and a
    /// def is stored only on a miss.
    [[gnu::noinline]] [[nodiscard]] const Value& def_value(const Node& n)
    {
        if (const Value* kept = defs_->find(n.def)) {
            return *kept;
        }
        if (n.def >= defs_->size()) {
            tmp_defs_.push_front(eval_node(n)); // a tree of another scope: never kept
            return tmp_defs_.front();
        }
        return defs_->store(n.def, eval_typed_node(n));
    }

    /// eval_typed() of `n` itself, not through the def cache: the typed fast path on `n` (unless off),
    /// the three-valued path when it gives `slow`.
    [[nodiscard]] Value eval_typed_node(const Node& n)
    {
        if (fast_ && n.kind != NodeKind::literal) {
            if (n.type.kind == TypeKind::boolean) {
                if (const Fast f = fast_bool_node(n); f != Fast::slow) {
                    return Value::boolean(f == Fast::yes);
                }
            } else if (std::int64_t i = 0; n.type.kind == TypeKind::integer && fast_int_node(n, i)) {
                return Value::integer(i);
            }
        }
        return eval_node(n);
    }

    /// An operand of `parent` on the generic path: under a bool or int node the fast path has
    /// already failed for the whole tree, elsewhere (a bytes, set or map node) a bool or int operand
    /// gets its own fast path.
    [[nodiscard]] Value operand(const Node& parent, const Node& child)
    {
        const bool under_fast =
            parent.type.kind == TypeKind::boolean || parent.type.kind == TypeKind::integer;
        return under_fast ? eval(child) : eval_typed(child);
    }

    /// The result for an operand `v` that usable() rejects: unknown as it is, absent as unknown.
    [[gnu::noinline]] [[nodiscard]] static Value unusable(const Value& v, const Node& source)
    {
        if (v.is_absent()) {
            return Value::unknown(describe(source) + " is absent");
        }
        return v;
    }

    /// Whether usable() would accept `v`, without changing it.
    [[nodiscard]] static bool known_present(const Value& v) { return detail::known_present(v); }

    /// Turns an absent value into an unknown one naming `source`; false when `v` is (now) unknown.
    [[nodiscard]] static bool usable(Value& v, const Node& source)
    {
        if (v.is_absent()) {
            absent_to_unknown(v, source);
            return false;
        }
        return v.is_known();
    }

    [[gnu::noinline]] static void absent_to_unknown(Value& v, const Node& source)
    {
        v = Value::unknown(describe(source) + " is absent");
    }

    [[gnu::noinline]] [[nodiscard]] Value eval_set(const Node& n)
    {
        std::vector<Value> elements;
        elements.reserve(n.args.size());
        for (const NodePtr& arg : n.args) {
            Value v = operand(n, *arg);
            if (!usable(v, *arg)) {
                return v;
            }
            elements.push_back(std::move(v));
        }
        return Value::set(std::move(elements));
    }

    [[gnu::noinline]] [[nodiscard]] Value eval_unary(const Node& n)
    {
        Value v = eval(*n.args[0]);
        if (!usable(v, *n.args[0])) {
            return v;
        }
        if (is_logical_not(n)) {
            return Value::boolean(!as<bool>(v));
        }
        return Value::integer(detail::negate(as<std::int64_t>(v)));
    }

    /// Kleene connectives: a known deciding operand wins over an unknown one; otherwise the first
    /// unknown (left to right) is the result.
    [[gnu::noinline]] [[nodiscard]] Value eval_logical(BinaryOp op, const Node& n)
    {
        // A deciding operand decides the result alone: false for &&, true for || and (on the right) =>.
        const bool dominant = detail::dominant(op);
        Value ta;
        const Value& a = ref(*n.args[0], ta);
        if (is_bool(a, detail::deciding_left(op))) {
            return Value::boolean(dominant);
        }
        Value tb;
        const Value& b = ref(*n.args[1], tb);
        if (is_bool(b, dominant)) {
            return Value::boolean(dominant);
        }
        if (!known_present(a)) {
            return unusable(a, *n.args[0]); // the first unknown (an absent operand is one)
        }
        // a is the neutral value: the result is b
        return known_present(b) ? Value::boolean(as<bool>(b)) : unusable(b, *n.args[1]);
    }

    [[gnu::noinline]] [[nodiscard]] Value eval_binary(const Node& n)
    {
        const auto op = binary_op_of(n);
        PC5CHECK_ASSERT(op.has_value());
        switch (*op) {
        case BinaryOp::logical_and:
        case BinaryOp::logical_or:
        case BinaryOp::implies:
            return eval_logical(*op, n);
        case BinaryOp::equal:
        case BinaryOp::not_equal:
            return eval_equality(*op == BinaryOp::equal, n);
        case BinaryOp::member:
            return eval_member(n);
        default:
            return eval_integer(*op, n);
        }
    }

    /// absent is a proper value here: absent == absent, absent != anything else.
    [[gnu::noinline]] [[nodiscard]] Value eval_equality(bool equal, const Node& n)
    {
        Value ta;
        const Value& a = ref(*n.args[0], ta);
        if (a.is_unknown()) {
            return a;
        }
        Value tb;
        const Value& b = ref(*n.args[1], tb);
        if (b.is_unknown()) {
            return b;
        }
        return Value::boolean(detail::equality(equal, a, b));
    }

    [[gnu::noinline]] [[nodiscard]] Value eval_member(const Node& n)
    {
        Value tx;
        const Value& x = ref(*n.args[0], tx);
        if (!known_present(x)) {
            return unusable(x, *n.args[0]);
        }
        Value ts;
        const Value& s = ref(*n.args[1], ts);
        if (!known_present(s)) {
            return unusable(s, *n.args[1]);
        }
        return Value::boolean(detail::member(x, as<SetValue>(s)));
    }

    [[gnu::noinline]] [[nodiscard]] Value eval_integer(BinaryOp op, const Node& n)
    {
        Value ta;
        const Value& va = ref(*n.args[0], ta);
        if (!known_present(va)) {
            return unusable(va, *n.args[0]);
        }
        Value tb;
        const Value& vb = ref(*n.args[1], tb);
        if (!known_present(vb)) {
            return unusable(vb, *n.args[1]);
        }
        const std::int64_t a = as<std::int64_t>(va);
        const std::int64_t b = as<std::int64_t>(vb);
        if (detail::is_ordering(op)) {
            return Value::boolean(detail::order(op, a, b));
        }
        std::int64_t out = 0;
        switch (detail::arithmetic(op, a, b, out)) {
        case detail::IntStatus::ok:
            return Value::integer(out);
        case detail::IntStatus::division_by_zero:
            return Value::unknown("division by zero");
        case detail::IntStatus::shift_out_of_range:
            return shift_out_of_range(b);
        }
        PC5CHECK_ASSERT(false);
        return Value::unknown("bad operator");
    }

    [[gnu::noinline]] [[nodiscard]] static Value shift_out_of_range(std::int64_t count)
    {
        return Value::unknown("shift count " + std::to_string(count) + " out of range 0..63");
    }

    [[gnu::noinline]] [[nodiscard]] Value eval_ite(const Node& n)
    {
        return ite_rest(n, operand(n, *n.args[0]));
    }

    /// eval_ite once its condition `c` is evaluated.
    [[nodiscard]] Value ite_rest(const Node& n, Value c)
    {
        if (usable(c, *n.args[0])) {
            return eval(*n.args[as<bool>(c) ? 1 : 2]);
        }
        // Unknown condition: the value is still known when both branches agree.
        Value a = eval(*n.args[1]);
        if (a.is_unknown()) {
            return c;
        }
        const Value b = eval(*n.args[2]);
        if (b.is_known() && a == b) {
            return a;
        }
        return c;
    }

    [[gnu::noinline]] [[nodiscard]] Value eval_call(const Node& n)
    {
        if (const auto b = builtin_of(n)) {
            return eval_builtin(n, *b);
        }
        const auto f = scope_.functions.find(n.name);
        PC5CHECK_ASSERT(f != scope_.functions.end());
        const ExternalFunction& fn = f->second;
        std::vector<Value> args;
        args.reserve(n.args.size());
        for (const NodePtr& arg : n.args) {
            args.push_back(operand(n, *arg));
            if (!fn.lazy_unknown && args.back().is_unknown()) {
                return std::move(args.back());
            }
        }
        if (!fn.impl) {
            return Value::unknown("function '" + n.name + "' has no implementation");
        }
        Value out;
        fn.impl(args, out);
        return out;
    }

    /// Every builtin's concrete meaning; the switch has no default (see ops.h).
    [[gnu::noinline]] [[nodiscard]] Value eval_builtin(const Node& n, Builtin b)
    {
        switch (b) {
        case Builtin::present:
        case Builtin::known:
            return eval_presence(n, b);
        case Builtin::len:
        case Builtin::size:
            return eval_size(n, b);
        case Builtin::get:
            return eval_get(n);
        case Builtin::subset:
        case Builtin::set_union:
        case Builtin::insert:
        case Builtin::put:
            return eval_update(n, b);
        }
        PC5CHECK_ASSERT(false && "unhandled builtin");
        return Value::unknown("unhandled builtin");
    }

    /// present and known: the only builtins that look at an absent or unknown argument.
    [[nodiscard]] Value eval_presence(const Node& n, Builtin b)
    {
        Value tv;
        const Value& v = ref(*n.args[0], tv);
        if (b == Builtin::known) {
            return Value::boolean(v.is_known());
        }
        if (v.is_unknown()) {
            return v;
        }
        return Value::boolean(!v.is_absent());
    }

    [[nodiscard]] Value eval_size(const Node& n, Builtin b)
    {
        Value tv;
        const Value& v = ref(*n.args[0], tv);
        if (!known_present(v)) {
            return unusable(v, *n.args[0]);
        }
        return Value::integer(detail::length(b, v));
    }

    /// subset, union, insert and put: strict in every argument.
    [[nodiscard]] Value eval_update(const Node& n, Builtin b)
    {
        Value x = eval(*n.args[0]);
        if (!usable(x, *n.args[0])) {
            return x;
        }
        Value y = operand(n, *n.args[1]);
        if (!usable(y, *n.args[1])) {
            return y;
        }

        switch (b) {
        case Builtin::subset:
            return Value::boolean(detail::subset(as<SetValue>(x), as<SetValue>(y)));
        case Builtin::set_union:
            return Value{detail::set_union(as<SetValue>(x), as<SetValue>(y))};
        case Builtin::insert:
            as<SetValue>(x).insert(std::move(y));
            return x;
        default:
            break;
        }
        Value z = operand(n, *n.args[2]);
        if (!usable(z, *n.args[2])) {
            return z;
        }
        PC5CHECK_ASSERT(b == Builtin::put);
        detail::map_put(as<MapValue>(x), as<std::int64_t>(y), as<std::int64_t>(z));
        return x;
    }

    /// get(m, k, default) reads the map where it is: a copy of a state map per read was the most
    /// frequent allocation of a replay.
    [[gnu::noinline]] [[nodiscard]] Value eval_get(const Node& n)
    {
        Value tm;
        const Value& m = ref(*n.args[0], tm);
        if (!known_present(m)) {
            return unusable(m, *n.args[0]);
        }
        Value tk;
        const Value& k = ref(*n.args[1], tk);
        if (!known_present(k)) {
            return unusable(k, *n.args[1]);
        }
        Value td;
        const Value& d = ref(*n.args[2], td);
        if (!known_present(d)) {
            return unusable(d, *n.args[2]);
        }
        return Value::integer(detail::map_get(as<MapValue>(m), as<std::int64_t>(k), as<std::int64_t>(d)));
    }

    const Env& env_;
    const Scope& scope_;
    DefCache* defs_;
    /// Values of defs beyond the cache's size, alive for the evaluation (list nodes stay in place).
    std::forward_list<Value> tmp_defs_;
    bool fast_ = true;
};

} // namespace

Value evaluate(const Node& tree, const Env& env, const Scope& scope)
{
    return Evaluator(env, scope).eval_typed(tree);
}

Value detail::evaluate_generic(const Node& tree, const Env& env, const Scope& scope)
{
    return Evaluator(env, scope, false).eval(tree);
}

Value detail::evaluate_node(const Node& tree, const Env& env, const Scope& scope)
{
    return Evaluator(env, scope).eval_node(tree);
}

Value detail::evaluate_ite_rest(const Node& ite, Value condition, const Env& env, const Scope& scope)
{
    return Evaluator(env, scope).ite_rest(ite, std::move(condition));
}

Value detail::unusable_operand(Value v, const Node& source) { return Evaluator::unusable(v, source); }

} // namespace pc5check::expr
