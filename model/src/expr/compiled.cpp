/// \file Typed trees compiled into flat code, and its evaluation: evaluate.cpp's typed fast path over
/// the instructions, the tree evaluator where that path gives up.

#include "pc5check/expr/compiled.h"

#include "evaluate_generic.h"
#include "operators.h"

#include <algorithm>
#include <array>
#include <forward_list>
#include <utility>

namespace pc5check::expr {

using detail::bool_of;
using detail::fast_of;
using detail::int_of;
using detail::known_present;

std::optional<Code::Entry> Code::find(const Node& root) const
{
    const auto it = entries_.find(&root);
    return it == entries_.end() ? std::nullopt : std::optional<Entry>(it->second);
}

Code::Entry Code::add(const Node& root) { return compile(root); }

Code::Entry Code::compile(const Node& n)
{
    if (const auto it = entries_.find(&n); it != entries_.end()) {
        return it->second;
    }
    Instr i;
    i.node = &n;
    i.type = n.type.kind;
    i.def = n.def;
    switch (n.kind) {
    case NodeKind::literal:
        i.op = Op::literal;
        break;
    case NodeKind::variable:
        // A slot is trusted only when it names this variable (as the machine's Env checks it).
        if (n.slot < names_.size() && names_[n.slot] == n.name) {
            i.op = Op::slot;
            i.a = n.slot;
        } else {
            i.op = Op::variable;
        }
        break;
    case NodeKind::unary:
        i.op = is_logical_not(n) ? Op::logical_not : Op::negate;
        i.a = compile(*n.args[0]);
        break;
    case NodeKind::binary:
        i = compile_binary(n, i);
        break;
    case NodeKind::ite:
        i.op = Op::ite;
        i.a = compile(*n.args[0]);
        i.b = compile(*n.args[1]);
        i.c = compile(*n.args[2]);
        break;
    case NodeKind::call:
        i = compile_call(n, i);
        break;
    case NodeKind::set_literal: {
        std::vector<Entry> elements;
        elements.reserve(n.args.size());
        for (const NodePtr& arg : n.args) {
            elements.push_back(compile(*arg));
        }
        i.op = Op::set_literal;
        i.first_arg = static_cast<std::uint32_t>(args_.size());
        i.arity = static_cast<std::uint32_t>(elements.size());
        args_.insert(args_.end(), elements.begin(), elements.end());
        break;
    }
    }
    const auto entry = static_cast<Entry>(code_.size());
    code_.push_back(i);
    entries_.emplace(&n, entry);
    return entry;
}

Code::Instr Code::compile_binary(const Node& n, Instr i)
{
    const auto op = binary_op_of(n);
    if (!op) {
        return i; // Op::tree: the tree evaluator resolves it (or asserts)
    }
    i.sub = static_cast<std::uint8_t>(*op);
    const Node& l = *n.args[0];
    if (detail::is_connective(*op)) {
        i.op = Op::connective;
    } else if (*op == BinaryOp::equal || *op == BinaryOp::not_equal) {
        i.op = l.type.kind == TypeKind::integer   ? Op::equal_int
               : l.type.kind == TypeKind::boolean ? Op::equal_bool
                                                  : Op::equal_value;
    } else if (*op == BinaryOp::member) {
        i.op = Op::member;
    } else if (detail::is_ordering(*op)) {
        i.op = Op::ordering;
    } else {
        i.op = Op::arithmetic;
    }
    i.a = compile(l);
    i.b = compile(*n.args[1]);
    return i;
}

Code::Instr Code::compile_call(const Node& n, Instr i)
{
    const auto builtin = builtin_of(n);
    if (!builtin) {
        std::vector<Entry> args;
        args.reserve(n.args.size());
        for (const NodePtr& arg : n.args) {
            args.push_back(compile(*arg));
        }
        i.op = Op::external;
        const auto known = std::find(functions_.begin(), functions_.end(), n.name);
        i.c = static_cast<std::uint32_t>(known - functions_.begin());
        if (known == functions_.end()) {
            functions_.push_back(n.name);
        }
        i.d = static_cast<std::uint32_t>(call_site_arity_.size());
        call_site_arity_.push_back(static_cast<std::uint32_t>(args.size()));
        i.first_arg = static_cast<std::uint32_t>(args_.size());
        i.arity = static_cast<std::uint32_t>(args.size());
        args_.insert(args_.end(), args.begin(), args.end());
        return i;
    }
    i.sub = static_cast<std::uint8_t>(*builtin);
    switch (*builtin) {
    case Builtin::present:
        i.op = Op::present;
        break;
    case Builtin::known:
        i.op = Op::known;
        break;
    case Builtin::len:
    case Builtin::size:
        i.op = Op::length;
        break;
    case Builtin::subset:
        i.op = Op::subset;
        break;
    case Builtin::get:
        i.op = Op::get;
        break;
    case Builtin::set_union:
        i.op = Op::set_union;
        break;
    case Builtin::insert:
        i.op = Op::insert;
        break;
    case Builtin::put:
        i.op = Op::put;
        break;
    }
    const std::array<std::uint32_t*, 3> operands{&i.a, &i.b, &i.c};
    for (std::size_t k = 0; k < n.args.size() && k < operands.size(); ++k) {
        *operands[k] = compile(*n.args[k]);
    }
    return i;
}

void CodeScratch::bind(const Code& code, const Scope& scope)
{
    functions_.clear();
    for (const std::string& name : code.functions()) {
        const auto it = scope.functions.find(name);
        functions_.push_back(it == scope.functions.end() ? nullptr : &it->second);
    }
    const auto& sites = code.call_sites();
    arguments_.resize(sites.size());
    for (std::size_t s = 0; s < sites.size(); ++s) {
        arguments_[s].resize(sites[s]);
    }
    results_.resize(sites.size());
}

/// One evaluation of compiled code. Each function mirrors the Evaluator function of evaluate.cpp named
/// in its comment, so that values, reasons and the calls of external functions (which memoize and log
/// MAC-Is) are the tree's.
class CodeRun {
  public:
    CodeRun(const Code& code, const Frame& frame)
        : code_(code.code_), args_(code.args_), frame_(frame), defs_(frame.env.def_cache())
    {
    }

    /// Evaluator::eval_typed.
    [[nodiscard]] Value typed(Code::Entry e)
    {
        if (code_[e].def != kNoDef && defs_ != nullptr) {
            return def_value(e);
        }
        return typed_node(e);
    }

    /// `out` = typed(e). Beyond bool and int (the fast paths'), typed(e) is ref()'s value: read where
    /// it is kept and copied into `out`'s storage.
    void typed_into(Code::Entry e, Value& out)
    {
        const Instr& i = code_[e];
        if (i.type == TypeKind::boolean || i.type == TypeKind::integer) {
            out = typed(e);
            return;
        }
        Spare tmp;
        if (const Value& v = ref(e, tmp); tmp && &v == &*tmp) {
            out = std::move(*tmp);
        } else {
            out = v;
        }
    }

  private:
    using Op = Code::Op;
    using Instr = Code::Instr;
    using Entry = Code::Entry;
    using Fast = detail::Fast;
    /// Room for a value ref() has to compute (most operands are read where they are kept): a Value is
    /// made, and destroyed, only then.
    using Spare = std::optional<Value>;

    template <class T> [[nodiscard]] static const T& as(const Value& v)
    {
        const T* p = std::get_if<T>(&v.data);
        PC5CHECK_ASSERT(p != nullptr);
        return *p;
    }

    /// Env::find of a variable: the slot table's pointer when the slot is trusted and in the table.
    [[nodiscard]] const Value* variable(const Instr& i) const
    {
        if (i.op == Op::slot && i.a < frame_.slots.size()) {
            return frame_.slots[i.a];
        }
        return frame_.env.find(*i.node);
    }

    /// Evaluator::eval_typed_node.
    [[nodiscard]] Value typed_node(Entry e)
    {
        const Instr& i = code_[e];
        if (i.op != Op::literal) {
            if (i.type == TypeKind::boolean) {
                if (const Fast f = bool_node(e); f != Fast::slow) {
                    return Value::boolean(f == Fast::yes);
                }
            } else if (std::int64_t v = 0; i.type == TypeKind::integer && int_node(e, v)) {
                return Value::integer(v);
            }
        }
        return generic_node(e);
    }

    /// Evaluator::eval.
    [[nodiscard]] Value generic(Entry e)
    {
        if (code_[e].def != kNoDef && defs_ != nullptr) {
            return def_value(e);
        }
        return generic_node(e);
    }

    /// Evaluator::eval_node: leaves, external calls, `if`, set literals and the set and map builders here,
    /// the rest (and an `if` whose condition is not a plain bool, from the condition on) by the tree
    /// evaluator.
    [[nodiscard]] Value generic_node(Entry e)
    {
        const Instr& i = code_[e];
        switch (i.op) {
        case Op::literal:
            return i.node->literal;
        case Op::slot:
        case Op::variable:
            if (const Value* v = variable(i)) {
                return *v;
            }
            return frame_.env.lookup(i.node->name);
        case Op::external:
            return call(i);
        case Op::ite: {
            Spare tmp;
            const Value& v = ite(i, tmp);
            return tmp && &v == &*tmp ? std::move(*tmp) : v;
        }
        case Op::set_literal:
            return set_literal(i);
        case Op::set_union:
        case Op::insert:
        case Op::put:
            return update(i);
        default:
            break;
        }
        return detail::evaluate_node(*i.node, frame_.env, frame_.scope);
    }

    /// Evaluator::eval_ite: the condition as an operand, then the branch it picks, read in place; a
    /// condition that is not a plain bool is the tree's (evaluate_ite_rest).
    [[nodiscard]] const Value& ite(const Instr& i, Spare& tmp)
    {
        // Evaluator::operand: under a bool or int `if` the condition is evaluated generically.
        Value c = i.type == TypeKind::boolean || i.type == TypeKind::integer ? generic(i.a) : typed(i.a);
        if (const bool* b = std::get_if<bool>(&c.data)) {
            return ref(*b ? i.b : i.c, tmp); // the value and the calls of generic(branch)
        }
        return tmp.emplace(detail::evaluate_ite_rest(*i.node, std::move(c), frame_.env, frame_.scope));
    }

    /// Evaluator::eval_set.
    [[nodiscard]] Value set_literal(const Instr& i)
    {
        std::vector<Value> elements;
        elements.reserve(i.arity);
        for (std::uint32_t k = 0; k < i.arity; ++k) {
            const Entry a = args_[i.first_arg + k];
            Value v = typed(a);
            if (!known_present(v)) {
                return detail::unusable_operand(std::move(v), *code_[a].node);
            }
            elements.push_back(std::move(v));
        }
        return Value::set(std::move(elements));
    }

    /// Evaluator::eval_update of union, insert and put (strict in every operand), the operation
    /// operators.h's.
    [[nodiscard]] Value update(const Instr& i)
    {
        Value x = generic(i.a);
        if (!known_present(x)) {
            return detail::unusable_operand(std::move(x), *code_[i.a].node);
        }
        Value y = typed(i.b);
        if (!known_present(y)) {
            return detail::unusable_operand(std::move(y), *code_[i.b].node);
        }
        if (i.op == Op::set_union) {
            return Value{detail::set_union(as<SetValue>(x), as<SetValue>(y))};
        }
        if (i.op == Op::insert) {
            std::get<SetValue>(x.data).insert(std::move(y));
            return x;
        }
        Value z = typed(i.c);
        if (!known_present(z)) {
            return detail::unusable_operand(std::move(z), *code_[i.c].node);
        }
        detail::map_put(std::get<MapValue>(x.data), as<std::int64_t>(y), as<std::int64_t>(z));
        return x;
    }

    /// Whether typed_node(e) of an external call is its call(): not under a bool or int fast path.
    [[nodiscard]] bool typed_is_call(const Instr& i) const
    {
        return i.op == Op::external && i.type != TypeKind::boolean && i.type != TypeKind::integer;
    }

    /// Evaluator::def_value.
    [[nodiscard]] const Value& def_value(Entry e)
    {
        const Instr& i = code_[e];
        if (const Value* kept = defs_->find(i.def)) {
            return *kept;
        }
        if (i.def >= defs_->size()) {
            tmp_defs_.push_front(generic_node(e)); // a tree of another scope: never kept
            return tmp_defs_.front();
        }
        if (typed_is_call(i)) {
            return defs_->store_copy(i.def, call(i)); // into the storage of the def's last value
        }
        return defs_->store(i.def, typed_node(e));
    }

    /// Evaluator::ref.
    [[nodiscard]] const Value& ref(Entry e, Spare& tmp)
    {
        const Instr& i = code_[e];
        if (i.op == Op::literal) {
            return i.node->literal;
        }
        if (i.def != kNoDef && defs_ != nullptr) {
            return def_value(e);
        }
        if (i.op == Op::slot || i.op == Op::variable) {
            if (const Value* v = variable(i)) {
                return *v;
            }
        }
        if (i.op == Op::external) {
            return call(i); // generic_node's value, read where the call site keeps it
        }
        if (i.op == Op::ite) {
            return ite(i, tmp); // generic_node's value, the branch read where it is kept
        }
        return tmp.emplace(generic_node(e));
    }

    /// Evaluator::known_operands.
    [[nodiscard]] std::pair<const Value*, const Value*> known_operands(Entry l, Entry r, Spare& tl, Spare& tr)
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

    /// Evaluator::fast_bool.
    [[nodiscard]] Fast fast_bool(Entry e)
    {
        if (code_[e].def != kNoDef && defs_ != nullptr) {
            return bool_of(def_value(e));
        }
        return bool_node(e);
    }

    /// Evaluator::fast_bool_node, fast_binary and fast_call.
    [[nodiscard]] Fast bool_node(Entry e)
    {
        const Instr& i = code_[e];
        const auto op = static_cast<BinaryOp>(i.sub);
        switch (i.op) {
        case Op::literal:
            return bool_of(i.node->literal);
        case Op::slot:
        case Op::variable:
            if (const Value* v = variable(i)) {
                return bool_of(*v);
            }
            return bool_of(frame_.env.lookup(i.node->name));
        case Op::logical_not:
        case Op::negate: {
            const Fast f = fast_bool(i.a);
            return f == Fast::slow ? f : fast_of(f == Fast::no);
        }
        case Op::connective: {
            const Fast a = fast_bool(i.a);
            if (a == Fast::slow) {
                return a;
            }
            if ((a == Fast::yes) == detail::deciding_left(op)) {
                return fast_of(detail::dominant(op));
            }
            return fast_bool(i.b);
        }
        case Op::equal_int: {
            std::int64_t a = 0;
            std::int64_t b = 0;
            return fast_int(i.a, a) && fast_int(i.b, b)
                       ? fast_of(detail::equality(op == BinaryOp::equal, a, b))
                       : Fast::slow;
        }
        case Op::equal_bool: {
            const Fast a = fast_bool(i.a);
            const Fast b = a == Fast::slow ? a : fast_bool(i.b);
            return b == Fast::slow ? b : fast_of(detail::equality(op == BinaryOp::equal, a, b));
        }
        case Op::equal_value: {
            Spare ta;
            Spare tb;
            const auto [a, b] = known_operands(i.a, i.b, ta, tb);
            return a == nullptr ? Fast::slow : fast_of(detail::equality(op == BinaryOp::equal, *a, *b));
        }
        case Op::member: {
            Spare tx;
            Spare ts;
            const auto [x, s] = known_operands(i.a, i.b, tx, ts);
            return x == nullptr ? Fast::slow : fast_of(detail::member(*x, as<SetValue>(*s)));
        }
        case Op::ordering: {
            std::int64_t a = 0;
            std::int64_t b = 0;
            return fast_int(i.a, a) && fast_int(i.b, b) ? fast_of(detail::order(op, a, b)) : Fast::slow;
        }
        case Op::ite: {
            const Fast c = fast_bool(i.a);
            return c == Fast::slow ? c : fast_bool(c == Fast::yes ? i.b : i.c);
        }
        case Op::present:
        case Op::known: {
            Spare tv;
            const Value& v = ref(i.a, tv);
            if (i.op == Op::known) {
                return fast_of(v.is_known());
            }
            return v.is_unknown() ? Fast::slow : fast_of(!v.is_absent());
        }
        case Op::subset: {
            Spare tx;
            Spare ty;
            const auto [x, y] = known_operands(i.a, i.b, tx, ty);
            return x == nullptr ? Fast::slow : fast_of(detail::subset(as<SetValue>(*x), as<SetValue>(*y)));
        }
        case Op::get:
        case Op::length:
        case Op::external:
            return bool_of(generic_node(e));
        case Op::arithmetic:
        case Op::set_literal: // sets and maps are never bool (type_check)
        case Op::set_union:
        case Op::insert:
        case Op::put:
            break;
        case Op::tree:
            if (i.node->kind == NodeKind::call) {
                return bool_of(generic_node(e));
            }
            break;
        }
        return Fast::slow;
    }

    /// Evaluator::fast_int.
    [[nodiscard]] bool fast_int(Entry e, std::int64_t& out)
    {
        if (code_[e].def != kNoDef && defs_ != nullptr) {
            return int_of(def_value(e), out);
        }
        return int_node(e, out);
    }

    /// Evaluator::fast_int_node, fast_arithmetic and fast_int_call.
    [[nodiscard]] bool int_node(Entry e, std::int64_t& out)
    {
        const Instr& i = code_[e];
        switch (i.op) {
        case Op::literal:
            return int_of(i.node->literal, out);
        case Op::slot:
        case Op::variable:
            if (const Value* v = variable(i)) {
                return int_of(*v, out);
            }
            return int_of(frame_.env.lookup(i.node->name), out);
        case Op::logical_not:
        case Op::negate:
            if (!fast_int(i.a, out)) {
                return false;
            }
            out = detail::negate(out);
            return true;
        case Op::arithmetic: {
            std::int64_t a = 0;
            std::int64_t b = 0;
            const auto op = static_cast<BinaryOp>(i.sub);
            return fast_int(i.a, a) && fast_int(i.b, b) && !detail::is_division(op) &&
                   detail::arithmetic(op, a, b, out) == detail::IntStatus::ok;
        }
        case Op::ite: {
            const Fast c = fast_bool(i.a);
            return c != Fast::slow && fast_int(c == Fast::yes ? i.b : i.c, out);
        }
        case Op::get: {
            Spare tm;
            const Value& m = ref(i.a, tm);
            std::int64_t k = 0;
            std::int64_t d = 0;
            if (!known_present(m) || !fast_int(i.b, k) || !fast_int(i.c, d)) {
                return false;
            }
            out = detail::map_get(as<MapValue>(m), k, d);
            return true;
        }
        case Op::length: {
            Spare tv;
            const Value& v = ref(i.a, tv);
            if (!known_present(v)) {
                return false;
            }
            out = detail::length(static_cast<Builtin>(i.sub), v);
            return true;
        }
        case Op::present:
        case Op::known:
        case Op::subset:
        case Op::external:
            return int_of(generic_node(e), out);
        case Op::tree:
            return i.node->kind == NodeKind::call && int_of(generic_node(e), out);
        case Op::connective:
        case Op::equal_int:
        case Op::equal_bool:
        case Op::equal_value:
        case Op::member:
        case Op::ordering:
        case Op::set_literal: // sets and maps are never int (type_check)
        case Op::set_union:
        case Op::insert:
        case Op::put:
            break;
        }
        return false;
    }

    /// Evaluator::eval_call of an external function; the arguments go into the call site's buffer, the
    /// value into its result (returned; valid until the site is called again).
    [[nodiscard]] const Value& call(const Instr& i)
    {
        const ExternalFunction* fn = frame_.scratch.functions_[i.c];
        PC5CHECK_ASSERT(fn != nullptr && "the type checker accepted a function the scope lacks");
        std::vector<Value>& args = frame_.scratch.arguments_[i.d];
        Value& result = frame_.scratch.results_[i.d];
        // Evaluator::operand: under a bool or int call an argument is evaluated generically, else typed;
        // a leaf or a def has the same value either way, copied into the buffer's storage.
        const bool under_fast = i.type == TypeKind::boolean || i.type == TypeKind::integer;
        for (std::uint32_t k = 0; k < i.arity; ++k) {
            const Entry a = args_[i.first_arg + k];
            const Instr& arg = code_[a];
            if (arg.op == Op::literal || arg.op == Op::slot || arg.op == Op::variable ||
                (arg.def != kNoDef && defs_ != nullptr)) {
                Spare tmp;
                const Value& v = ref(a, tmp);
                if (tmp && &v == &*tmp) {
                    args[k] = std::move(*tmp);
                } else {
                    args[k] = v;
                }
            } else if (arg.op == Op::external && (under_fast || typed_is_call(arg))) {
                args[k] = call(arg); // copied into the buffer's storage
            } else {
                args[k] = under_fast ? generic_node(a) : typed_node(a);
            }
            if (!fn->lazy_unknown && args[k].is_unknown()) {
                return args[k];
            }
        }
        if (!fn->impl) {
            result = Value::unknown("function '" + i.node->name + "' has no implementation");
            return result;
        }
        fn->impl(args, result);
        return result;
    }

    const std::vector<Instr>& code_;
    const std::vector<Entry>& args_;
    const Frame& frame_;
    DefCache* defs_;
    /// Values of defs beyond the cache's size, alive for the evaluation (list nodes stay in place).
    std::forward_list<Value> tmp_defs_;
};

Value Code::evaluate(Entry entry, const Frame& frame) const
{
    PC5CHECK_ASSERT(entry < code_.size());
    PC5CHECK_ASSERT(frame.scratch.functions_.size() == functions_.size() && "scratch bound to this code");
    return CodeRun(*this, frame).typed(entry);
}

void Code::evaluate_into(Entry entry, const Frame& frame, Value& out) const
{
    PC5CHECK_ASSERT(entry < code_.size());
    PC5CHECK_ASSERT(frame.scratch.functions_.size() == functions_.size() && "scratch bound to this code");
    CodeRun(*this, frame).typed_into(entry, out);
}

} // namespace pc5check::expr
