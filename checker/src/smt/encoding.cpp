/// \file The Z3 encoding of the expression AST: the environment, terms, operators, builtins and external
/// functions (declared in encoding.h).

#include "smt/encoding.h"

#include "pc5check/common/hex.h"
#include "pc5check/crypto/sizes.h"
#include "smt/z3_assign.h"

namespace pc5check::smt::detail {

Value ConcreteEnv::lookup(const std::string& name) const { return encoding_.concrete(name); }

bool mentions(const Node& tree, const std::function<bool(const Node&)>& pred)
{
    std::set<const Node*> seen;
    std::vector<const Node*> todo{&tree};
    while (!todo.empty()) {
        const Node* n = todo.back();
        todo.pop_back();
        if (!seen.insert(n).second) {
            continue;
        }
        if (pred(*n)) {
            return true;
        }
        for (const auto& a : n->args) {
            if (a) {
                todo.push_back(a.get());
            }
        }
    }
    return false;
}

Encoding::Encoding(const spec::Spec& spec, const trace::Trace& trace, const SymbolicOptions& options,
                   z3::context& ctx, Purpose purpose)
    : spec_(spec), trace_(trace), options_(options), purpose_(purpose),
      pe_(options.partial_evaluation && purpose != Purpose::lint), ctx_(ctx), solver_(ctx_),
      bytes_sort_(ctx_.uninterpreted_sort("Bytes")),
      bytes_id_(ctx_.function("bytes_id", bytes_sort_, ctx_.int_sort())),
      bytes_len_(ctx_.function("len", bytes_sort_, ctx_.int_sort())), no_entry_(ctx_.int_val(kNoEntry)),
      cenv_(*this), scope_(spec.scope), functions_(ctx)
{
    machine::bind_trace_keys(scope_, trace.keys);
    msg_names_ = &spec.find_enum("Msg")->names;
}

Value Encoding::concrete(const std::string& name) const
{
    const Sym* s = find(name);
    if (s == nullptr) {
        if (const auto it = params_.find(name); it != params_.end()) {
            return it->second;
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

const Sym* Encoding::find(const std::string& name) const
{
    if (fields_ != nullptr) {
        if (const auto it = fields_->find(name); it != fields_->end()) {
            return &it->second;
        }
    }
    if (const auto it = state_.find(name); it != state_.end()) {
        return &it->second;
    }
    if (init_fields_ != nullptr) {
        if (const auto it = init_fields_->find(name); it != init_fields_->end()) {
            return &it->second;
        }
    }
    if (name == "enabled" && enabled_) {
        return &*enabled_;
    }
    return nullptr;
}

Sym Encoding::lookup(const std::string& name, const Type& type)
{
    if (const Sym* s = find(name)) {
        return normal(*s, type);
    }
    if (const auto it = params_.find(name); it != params_.end()) {
        return normal(Sym{it->second}, type);
    }
    PC5CHECK_ASSERT(name.starts_with("ie.") && "type checker accepted a name the engine does not provide");
    return normal(Sym{Value::absent()}, type);
}

bool Encoding::reads_known(const Node& n)
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

void Encoding::collect_deps(const z3::expr& e, Deps& out, std::unordered_map<unsigned, bool>& seen)
{
    const unsigned id = Z3_get_ast_id(ctx_, e);
    if (!seen.emplace(id, true).second) {
        return;
    }
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

Deps Encoding::deps_of(const Sym& s)
{
    Deps d;
    if (const auto* t = std::get_if<Term>(&s)) {
        std::unordered_map<unsigned, bool> seen;
        collect_deps(t->present, d, seen);
        collect_deps(t->value, d, seen);
    }
    return d;
}

z3::sort Encoding::sort_of(const Type& t)
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

z3::expr Encoding::fresh(const Type& t, const std::string& prefix)
{
    const std::string name = prefix_ + prefix + "!" + std::to_string(fresh_++);
    return ctx_.constant(name.c_str(), sort_of(t));
}

z3::expr Encoding::bytes_literal(const std::vector<std::uint8_t>& b)
{
    if (const auto it = byte_literals_.find(b); it != byte_literals_.end()) {
        return it->second;
    }
    const auto index = static_cast<int>(byte_literals_.size());
    z3::expr c = ctx_.constant(("bytes!" + std::to_string(index)).c_str(), bytes_sort_);
    z3::expr id = ctx_.int_val(index);
    if (purpose_ != Purpose::trace) {
        // Two encodings may share one solver (diff): the same octets are the same constant in both,
        // and the id is the octets read as a number (after a leading 1), the same in both.
        std::string name = "bytes!x";
        assign(id, ctx_.int_val(1));
        for (const auto octet : b) {
            append_hex(name, octet);
            assign(id, id * 256 + ctx_.int_val(octet));
        }
        assign(c, ctx_.constant(name.c_str(), bytes_sort_));
        assign(id, id.simplify());
    }
    // Distinct octet strings are distinct (injective id), and their length is known.
    solver_.add(bytes_id_(c) == id);
    solver_.add(bytes_len_(c) == ctx_.int_val(static_cast<std::int64_t>(b.size())));
    byte_literals_.emplace(b, c);
    byte_literal_by_id_.emplace(Z3_get_ast_id(ctx_, c), b);
    return c;
}

z3::expr Encoding::literal(const Value& v, const Type& t)
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
            assign(s, z3::set_add(s, literal(e, element)));
        }
        return s;
    }
    if (const auto* map = std::get_if<expr::MapValue>(&v.data)) {
        z3::expr m = z3::const_array(ctx_.int_sort(), no_entry_);
        for (const auto& [k, x] : map->entries) {
            assign(m, z3::store(m, ctx_.int_val(k), ctx_.int_val(x)));
        }
        return m;
    }
    PC5CHECK_ASSERT(false && "literal of an absent or unknown value");
    return ctx_.bool_val(false);
}

Term Encoding::lift(const Value& v, const Type& t)
{
    if (v.is_absent()) {
        return {ctx_.bool_val(false), fresh(t, "absent")};
    }
    return {ctx_.bool_val(true), literal(v, t)};
}

Term Encoding::term(const Sym& s, const Type& t)
{
    if (const auto* v = std::get_if<Value>(&s)) {
        return lift(*v, t);
    }
    return std::get<Term>(s);
}

Sym Encoding::normal(const Sym& s, const Type& t)
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

std::optional<Value> Encoding::decode(const Term& t, const Type& type)
{
    const z3::expr p = closed_simplify(t.present);
    if (p.is_false()) {
        return Value::absent();
    }
    if (!p.is_true()) {
        return std::nullopt;
    }
    return decode_value(closed_simplify(t.value), type);
}

z3::expr Encoding::closed_simplify(const z3::expr& e)
{
    z3::expr s = e.simplify();
    if (pe_ || s.is_true() || s.is_false() || s.is_numeral() || is_byte_literal(s)) {
        return s; // partial evaluation decided closed values already
    }
    std::unordered_map<unsigned, z3::expr> memo;
    return decide_byte_literals(s, memo).simplify();
}

bool Encoding::is_byte_literal(const z3::expr& e) const
{
    return e.is_const() && byte_literal_by_id_.contains(Z3_get_ast_id(ctx_, e));
}

z3::expr Encoding::decide_byte_literals(const z3::expr& e, std::unordered_map<unsigned, z3::expr>& memo)
{
    // Octet-string literals are uninterpreted constants (their distinctness is an axiom), so Z3's
    // rewriter leaves `bytes!1 == bytes!2` and a look-up of one literal in a set of others open. Here
    // they are decided as the rewriter decides them for numbers: one constant per octet string
    // (bytes_literal), so two literals are equal exactly when they are the same constant.
    if (!e.is_app() || e.num_args() == 0) {
        return e;
    }
    const unsigned id = Z3_get_ast_id(ctx_, e);
    if (const auto it = memo.find(id); it != memo.end()) {
        return it->second;
    }
    z3::expr_vector args(ctx_);
    for (unsigned i = 0; i < e.num_args(); ++i) {
        args.push_back(decide_byte_literals(e.arg(i), memo));
    }
    z3::expr out = e.decl()(args);
    const Z3_decl_kind kind = e.decl().decl_kind();
    if (kind == Z3_OP_EQ && is_byte_literal(args[0]) && is_byte_literal(args[1])) {
        assign(out, ctx_.bool_val(z3::eq(args[0], args[1])));
    } else if (kind == Z3_OP_SELECT && is_byte_literal(args[1])) {
        // select(store(... store(a, k, v) ...), j): skip the stores of other literals.
        z3::expr array = args[0];
        while (array.is_app() && array.decl().decl_kind() == Z3_OP_STORE && is_byte_literal(array.arg(1)) &&
               !z3::eq(array.arg(1), args[1])) {
            assign(array, array.arg(0));
        }
        if (array.is_app() && array.decl().decl_kind() == Z3_OP_STORE && z3::eq(array.arg(1), args[1])) {
            assign(out, array.arg(2));
        } else if (array.is_app() && array.decl().decl_kind() == Z3_OP_CONST_ARRAY) {
            assign(out, array.arg(0));
        } else {
            assign(out, z3::select(array, args[1]));
        }
    }
    memo.emplace(id, out);
    return out;
}

std::optional<Value> Encoding::decode_value(const z3::expr& v, const Type& type)
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

namespace {

using Stores = std::vector<std::pair<z3::expr, z3::expr>>;

/// The stores of `v` (outermost first) on a constant array whose base is `empty`, or nullopt when `v`
/// is not such a chain.
std::optional<Stores> stores_on(const z3::expr& array, const std::function<bool(const z3::expr&)>& empty)
{
    z3::expr v = array;
    Stores stores;
    while (v.is_app() && v.decl().decl_kind() == Z3_OP_STORE) {
        stores.emplace_back(v.arg(1), v.arg(2));
        assign(v, v.arg(0));
    }
    if (!v.is_app() || v.decl().decl_kind() != Z3_OP_CONST_ARRAY || !empty(v.arg(0))) {
        return std::nullopt;
    }
    return stores;
}

/// A set's store of `member` (true or false); false when it is not a literal.
bool add_member(const Value& key, const z3::expr& member, std::vector<Value>& elements)
{
    if (!member.is_true() && !member.is_false()) {
        return false;
    }
    if (member.is_true()) {
        elements.push_back(key);
    }
    return true;
}

/// A map's store of `value` (no_entry: removed); false when it is not a literal.
bool add_entry(const Value& key, const z3::expr& value, const z3::expr& no_entry, expr::MapValue& map)
{
    std::int64_t x = 0;
    if (z3::eq(value, no_entry)) {
        return true;
    }
    if (!value.is_numeral_i64(x)) {
        return false;
    }
    map.put(std::get<std::int64_t>(key.data), x);
    return true;
}

} // namespace

std::optional<Value> Encoding::decode_array(const z3::expr& v, const Type& type)
{
    const bool is_set = type.kind == TypeKind::set;
    const auto stores = stores_on(
        v, [&](const z3::expr& base) { return is_set ? base.is_false() : z3::eq(base, no_entry_); });
    if (!stores) {
        return std::nullopt;
    }
    std::vector<Value> elements;
    expr::MapValue map;
    std::set<std::string> seen; // the outermost store of an index wins
    const Type element = is_set ? type.element_type() : Type::integer();
    for (const auto& [index, value] : *stores) {
        auto key = decode_value(index, element);
        if (!key) {
            return std::nullopt;
        }
        if (!seen.insert(index.to_string()).second) {
            continue;
        }
        if (!(is_set ? add_member(*key, value, elements) : add_entry(*key, value, no_entry_, map))) {
            return std::nullopt;
        }
    }
    if (is_set) {
        return Value::set(std::move(elements));
    }
    return Value::map(std::move(map));
}

Sym Encoding::encode(const Node& n)
{
    if (pe_ && !(purpose_ != Purpose::trace && reads_known(n))) {
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
            assign(s, z3::set_add(s, term(encode(*a), element).value));
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

Value Encoding::evaluate_with(const Node& n, const std::vector<Value>& args)
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

std::optional<std::vector<Value>> Encoding::known_args(const Node& n, const std::vector<Sym>& args)
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

Sym Encoding::binary(const Node& n)
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

z3::expr Encoding::int64_op(expr::BinaryOp op, const std::string& spelling, const z3::expr& a,
                            const z3::expr& b)
{
    z3::expr open = functions_.apply("op" + spelling, {a, b}, ctx_.int_sort());
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
            assign(out, z3::ite(a >= 0 && z3::mod(a, low) == 0 && b >= 0 && b < low, a + b, out));
            assign(out, z3::ite(b >= 0 && z3::mod(b, low) == 0 && a >= 0 && a < low, a + b, out));
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

Sym Encoding::call(const Node& n)
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

Sym Encoding::presence(const Node& n, expr::Builtin b, const std::vector<Sym>& args)
{
    const z3::expr t = ctx_.bool_val(true);
    if (b == expr::Builtin::present) {
        if (const auto* v = std::get_if<Value>(&args.front())) {
            return normal(Sym{Value::boolean(!v->is_absent())}, n.type);
        }
        return normal(Term{t, std::get<Term>(args[0]).present}, n.type);
    }
    return known_of(n, args);
}

Sym Encoding::known_of(const Node& n, const std::vector<Sym>& args)
{
    // Fixed by the trace (or computed from what it fixes); an open value is not known.
    const auto k = known_args(n, args);
    return normal(Sym{Value::boolean(k.has_value())}, n.type);
}

namespace {

/// Whether `e` is the empty set: the constant array false.
bool is_empty_set(const z3::expr& e)
{
    return e.is_app() && e.decl().decl_kind() == Z3_OP_CONST_ARRAY && e.num_args() == 1 &&
           e.arg(0).is_false();
}

/// The union of two sets, in the standard theory of arrays where one of them is built from the empty set by
/// adding elements under conditions (`if c then {x} else {}`, as the spec's sets of causes are): an exact
/// rewriting (a ∪ ∅ = a, a ∪ (s + x) = (a ∪ s) + x, a ∪ ite(c, s1, s2) = ite(c, a ∪ s1, a ∪ s2)), so that the
/// queries --cross-check exports stay SMT-LIB 2 (Z3's `union` is its own). Other unions stay Z3's.
std::optional<z3::expr> union_by_stores(const z3::expr& a, const z3::expr& b, unsigned& budget)
{
    if (budget == 0) {
        return std::nullopt;
    }
    --budget;
    if (is_empty_set(b)) {
        return a;
    }
    if (!b.is_app()) {
        return std::nullopt;
    }
    const auto kind = b.decl().decl_kind();
    if (kind == Z3_OP_STORE && b.num_args() == 3 && b.arg(2).is_true()) {
        if (auto inner = union_by_stores(a, b.arg(0), budget)) {
            return z3::store(*inner, b.arg(1), b.arg(2));
        }
    } else if (kind == Z3_OP_ITE) {
        auto then_part = union_by_stores(a, b.arg(1), budget);
        auto else_part = union_by_stores(a, b.arg(2), budget);
        if (then_part && else_part) {
            return z3::ite(b.arg(0), *then_part, *else_part);
        }
    }
    return std::nullopt;
}

} // namespace

z3::expr Encoding::union_of(const z3::expr& a, const z3::expr& b)
{
    constexpr unsigned kBudget = 64; // terms of a literal-built set visited (bounds the rewriting)
    unsigned budget = kBudget;
    if (auto u = union_by_stores(a, b, budget)) {
        return *u;
    }
    budget = kBudget;
    if (auto u = union_by_stores(b, a, budget)) {
        return *u;
    }
    return z3::set_union(a, b);
}

Sym Encoding::builtin(const Node& n, expr::Builtin b, const std::vector<z3::expr>& v)
{
    const z3::expr t = ctx_.bool_val(true);
    switch (b) {
    case expr::Builtin::present:
    case expr::Builtin::known:
        break; // presence()
    case expr::Builtin::set_union:
        return Term{t, union_of(v[0], v[1])};
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

Sym Encoding::external(const Node& n, const std::vector<Sym>& /*args*/, const std::vector<z3::expr>& v)
{
    const z3::expr t = ctx_.bool_val(true);
    const auto f = scope_.functions.find(n.name);
    PC5CHECK_ASSERT(f != scope_.functions.end() && "call of an undeclared function");
    if (f->second.meaning.kind == expr::SolverMeaning::Kind::empty_map) {
        return Term{t, z3::const_array(ctx_.int_sort(), no_entry_)};
    }
    return Term{t, functions_.apply(n.name, v, sort_of(n.type))};
}

z3::expr Encoding::accepted_inputs(const expr::SolverMeaning& meaning, const std::vector<z3::expr>& v)
{
    z3::expr octets = ctx_.bool_val(true);
    z3::expr ranges = ctx_.bool_val(true);
    for (std::size_t i = 0; i < v.size() && i < meaning.domains.size(); ++i) {
        const expr::ArgumentDomain& d = meaning.domains[i];
        if (v[i].get_sort().id() == bytes_sort_.id()) {
            if (d.octets != 0) {
                assign(octets,
                       octets && bytes_len_(v[i]) == ctx_.int_val(static_cast<std::int64_t>(d.octets)));
            }
        } else if (v[i].is_int()) {
            if (d.min != INT64_MIN) {
                assign(ranges, ranges && v[i] >= ctx_.int_val(d.min));
            }
            if (d.max != INT64_MAX) {
                assign(ranges, ranges && v[i] <= ctx_.int_val(d.max));
            }
        }
    }
    if (meaning.null_algorithm && !v.empty()) {
        assign(octets, v[0] == ctx_.int_val(meaning.null_algorithm->index) || octets);
    }
    return ranges && octets;
}

void Encoding::add_fact(const Node& n, const std::vector<Value>& args, const Value& result)
{
    if (n.kind != NodeKind::call || result.is_absent() || !scope_.functions.contains(n.name)) {
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

std::optional<bool> Encoding::truth(const Sym& s)
{
    if (const auto* v = std::get_if<Value>(&s); v != nullptr && !v->is_absent()) {
        return std::get<bool>(v->data);
    }
    return std::nullopt;
}

z3::expr Encoding::boolean(const Sym& s)
{
    if (const auto b = truth(s)) {
        return ctx_.bool_val(*b);
    }
    return term(s, Type::boolean()).value;
}

Sym Encoding::sym_bool(const z3::expr& e)
{
    const z3::expr s = e.simplify();
    if (s.is_true() || s.is_false()) {
        return pe_ ? Sym{Value::boolean(s.is_true())} : Sym{Term{ctx_.bool_val(true), s}};
    }
    return Term{ctx_.bool_val(true), e};
}

Sym Encoding::conj(const Sym& a, const Sym& b)
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

Sym Encoding::neg(const Sym& a)
{
    if (const auto ta = truth(a)) {
        return Value::boolean(!*ta);
    }
    return Term{ctx_.bool_val(true), !boolean(a)};
}

Sym Encoding::msg_matches(const std::vector<std::string>& on, const Sym& msg)
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

Sym Encoding::equals(const Sym& a, const Value& b)
{
    if (const auto* v = std::get_if<Value>(&a)) {
        return Value::boolean(*v == b);
    }
    const Term& t = std::get<Term>(a);
    return Term{ctx_.bool_val(true), t.present && t.value == literal(b, Type::integer())};
}

Sym Encoding::state_in(const std::string& role, const std::vector<std::string>& from)
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

Sym Encoding::choose(const Sym& cond, const Sym& then, const Sym& otherwise, const Type& type)
{
    if (const auto c = truth(cond)) {
        return *c ? then : otherwise;
    }
    const z3::expr c = boolean(cond);
    const Term a = term(then, type);
    const Term b = term(otherwise, type);
    return Term{z3::ite(c, a.present, b.present), z3::ite(c, a.value, b.value)};
}

std::vector<std::pair<std::string, std::string>>
Encoding::render_state(const std::unordered_map<std::string, Sym>& state, const StateText& how)
{
    std::vector<std::pair<std::string, std::string>> out;
    const auto one = [&](const std::string& name, const Type& type) {
        const Sym& v = state.at(name);
        std::optional<Value> value;
        std::string abstract;
        if (const auto* known = std::get_if<Value>(&v)) {
            value = *known;
        } else if (how.eval) {
            const Term& t = std::get<Term>(v);
            const Term read{how.eval(t.present), how.eval(t.value)};
            value = decode(read, type);
            if (!value && how.name_abstract_values) {
                abstract = abstract_value_name(read.value);
            }
        }
        if (!value) {
            out.emplace_back(name, abstract.empty() ? "(open)" : abstract);
        } else if (type.kind == TypeKind::enumeration && !value->is_absent()) {
            out.emplace_back(name, type.enum_def->names.at(std::get<expr::EnumValue>(value->data).index));
        } else {
            out.emplace_back(name, expr::render(*value, type) +
                                       (std::holds_alternative<Term>(v) ? how.model_mark : ""));
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

std::string Encoding::abstract_value_name(const z3::expr& v)
{
    // Z3 names the elements of an uninterpreted sort in a model SORT!val!N.
    const std::string text = v.to_string();
    const auto at = text.rfind("!val!");
    if (v.get_sort().sort_kind() == Z3_UNINTERPRETED_SORT && at != std::string::npos) {
        return "octets#" + text.substr(at + 5);
    }
    return "(not rendered: the model gives it no finite form)";
}

} // namespace pc5check::smt::detail
