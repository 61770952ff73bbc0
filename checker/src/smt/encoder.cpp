#include "smt/encoder.h"

#include "pc5check/common/error.h"

namespace pc5check::smt {

namespace {

std::string sort_name(const expr::Type& t) { return t.to_string(); }

} // namespace

Encoder::Encoder(z3::context& ctx)
    : ctx_(ctx), bytes_sort_(ctx.uninterpreted_sort("Bytes")), constraints_(ctx), functions_(ctx)
{
}

z3::sort Encoder::sort_of(const expr::Type& t)
{
    switch (t.kind) {
    case expr::TypeKind::boolean:
        return ctx_.bool_sort();
    case expr::TypeKind::integer:
    case expr::TypeKind::enumeration:
        return ctx_.int_sort();
    case expr::TypeKind::bytes:
        return bytes_sort_;
    case expr::TypeKind::set:
        return ctx_.array_sort(t.element == expr::TypeKind::bytes ? bytes_sort_ : ctx_.int_sort(),
                               ctx_.bool_sort());
    case expr::TypeKind::map:
        return ctx_.array_sort(ctx_.int_sort(), ctx_.int_sort());
    }
    PC5CHECK_ASSERT(false && "unhandled type kind");
    return ctx_.bool_sort();
}

z3::expr Encoder::variable(const std::string& name, const expr::Type& t)
{
    if (const auto it = variables_.find(name); it != variables_.end()) {
        return it->second;
    }
    z3::expr v = ctx_.constant(name.c_str(), sort_of(t));
    if (t.kind == expr::TypeKind::enumeration) {
        constraints_.push_back(v >= 0 && v < ctx_.int_val(static_cast<int>(t.enum_def->names.size())));
    }
    variables_.emplace(name, v);
    return v;
}

z3::expr Encoder::fresh(const expr::Type& t)
{
    const std::string name = "abstract!" + std::to_string(fresh_++);
    return ctx_.constant(name.c_str(), sort_of(t));
}

z3::expr Encoder::absent_of(const expr::Type& t)
{
    const std::string key = sort_name(t);
    if (const auto it = absents_.find(key); it != absents_.end()) {
        return it->second;
    }
    z3::expr a = ctx_.constant(("absent!" + key).c_str(), sort_of(t));
    absents_.emplace(key, a);
    return a;
}

z3::expr Encoder::literal(const expr::Value& v, const expr::Type& t)
{
    if (v.is_absent()) {
        return absent_of(t);
    }
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
        if (const auto it = byte_literals_.find(*bytes); it != byte_literals_.end()) {
            return it->second;
        }
        z3::expr c = ctx_.constant(("bytes!" + std::to_string(byte_literals_.size())).c_str(), bytes_sort_);
        for (const auto& [other_value, other] : byte_literals_) {
            constraints_.push_back(c != other); // distinct literals are distinct octet strings
        }
        byte_literals_.emplace(*bytes, c);
        return c;
    }
    // Sets and maps only appear as literals through set_literal nodes or builtins.
    return fresh(t);
}

z3::expr Encoder::encode(const expr::Node& node)
{
    switch (node.kind) {
    case expr::NodeKind::literal:
        return literal(node.literal, node.type);
    case expr::NodeKind::variable:
        return variable(node.name, node.type);
    case expr::NodeKind::set_literal: {
        z3::expr s =
            z3::empty_set(node.type.element == expr::TypeKind::bytes ? bytes_sort_ : ctx_.int_sort());
        for (const auto& a : node.args) {
            s = z3::set_add(s, encode(*a));
        }
        return s;
    }
    case expr::NodeKind::unary: {
        const z3::expr a = encode(*node.args.at(0));
        return node.name == "!" ? !a : -a;
    }
    case expr::NodeKind::binary:
        return binary(node);
    case expr::NodeKind::ite:
        return z3::ite(encode(*node.args.at(0)), encode(*node.args.at(1)), encode(*node.args.at(2)));
    case expr::NodeKind::call:
        return call(node);
    }
    PC5CHECK_ASSERT(false && "unhandled node kind");
    return ctx_.bool_val(false);
}

z3::expr Encoder::binary(const expr::Node& node)
{
    const std::string& op = node.name;
    const z3::expr a = encode(*node.args.at(0));
    const z3::expr b = encode(*node.args.at(1));
    if (op == "&&") {
        return a && b;
    }
    if (op == "||") {
        return a || b;
    }
    if (op == "=>") {
        return z3::implies(a, b);
    }
    if (op == "==") {
        return a == b;
    }
    if (op == "!=") {
        return a != b;
    }
    if (op == "<") {
        return a < b;
    }
    if (op == "<=") {
        return a <= b;
    }
    if (op == ">") {
        return a > b;
    }
    if (op == ">=") {
        return a >= b;
    }
    if (op == "+") {
        return a + b;
    }
    if (op == "-") {
        return a - b;
    }
    if (op == "*") {
        return a * b;
    }
    if (op == "in") {
        // z3++ passes its arguments straight to Z3_mk_set_member(ctx, element, set).
        return z3::set_member(a, b);
    }
    // Truncating division, remainder, shifts and bitwise operators on 64-bit integers differ from
    // Z3's mathematical integers: keep them uninterpreted (sound over-approximation).
    return functions_.apply("op" + op, {a, b}, ctx_.int_sort());
}

z3::expr Encoder::call(const expr::Node& node)
{
    const std::string& name = node.name;
    std::vector<z3::expr> args;
    args.reserve(node.args.size());
    for (const auto& a : node.args) {
        args.push_back(encode(*a));
    }
    if (name == "present") {
        return args.at(0) != absent_of(node.args.at(0)->type);
    }
    if (name == "known") {
        return fresh(expr::Type::boolean()); // unknown has no two-valued counterpart
    }
    if (name == "union") {
        return z3::set_union(args.at(0), args.at(1));
    }
    if (name == "insert") {
        return z3::set_add(args.at(0), args.at(1));
    }
    if (name == "subset") {
        return z3::set_subset(args.at(0), args.at(1));
    }
    if (name == "get") {
        // get(m, k, d) is m[k] when k is a key, else d: an unconstrained choice between the two.
        const z3::expr has = functions_.apply("has_key", {args.at(0), args.at(1)}, ctx_.bool_sort());
        return z3::ite(has, z3::select(args.at(0), args.at(1)), args.at(2));
    }
    if (name == "put") {
        return z3::store(args.at(0), args.at(1), args.at(2));
    }
    if (name == "size" || name == "len") {
        const z3::expr n = functions_.apply(name, {args.at(0)}, ctx_.int_sort());
        constraints_.push_back(n >= 0);
        return n;
    }
    if (name == "empty_map") {
        return z3::const_array(ctx_.int_sort(), fresh(expr::Type::integer()));
    }
    // External functions (crypto, key look-ups): uninterpreted (perfect-crypto assumption).
    if (args.empty()) {
        return functions_.apply(name, {}, sort_of(node.type));
    }
    return functions_.apply(name, args, sort_of(node.type));
}

} // namespace pc5check::smt
