/// \file Name resolution and type checking: builds a new, typed tree from a parsed one.

#include "pc5check/expr/expr.h"
#include "pc5check/expr/ops.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <string_view>
#include <utility>

namespace pc5check::expr {

namespace {

/// Bounds on the typed tree after expanding definitions. Definitions are shared (one typed subtree
/// per def), so the tree may be a DAG whose unfolded size grows exponentially with nested defs;
/// `kMaxSize` bounds that unfolded size, which is the evaluation cost.
constexpr std::size_t kMaxHeight = 500;
constexpr std::size_t kMaxSize = 1'000'000;

/// A typed subtree with its height and unfolded size.
struct Checked {
    NodePtr node;
    std::size_t height = 1;
    std::size_t size = 1;
};

/// Internal results stay small (the error waits in Checker::error_): deep trees recurse through them.
using Result = std::optional<Checked>;

[[nodiscard]] tl::unexpected<Error> error_at(std::size_t offset, const std::string& message)
{
    return make_error(ErrorCode::bad_spec, "at offset " + std::to_string(offset) + ": " + message);
}

[[nodiscard]] std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

/// True when the node has no type of its own and takes it from its context: `absent`, `{}`, or an
/// if whose branches both do.
[[nodiscard]] bool needs_context(const Node& n)
{
    switch (n.kind) {
    case NodeKind::literal:
        return n.literal.is_absent();
    case NodeKind::set_literal:
        return n.args.empty();
    case NodeKind::ite:
        return needs_context(*n.args[1]) && needs_context(*n.args[2]);
    default:
        return false;
    }
}

/// Type of a bool, int or bytes literal value; nullopt for the others (typed by their maker).
[[nodiscard]] std::optional<Type> literal_type(const Value& v)
{
    if (std::holds_alternative<bool>(v.data)) {
        return Type::boolean();
    }
    if (std::holds_alternative<std::int64_t>(v.data)) {
        return Type::integer();
    }
    if (std::holds_alternative<std::vector<std::uint8_t>>(v.data)) {
        return Type::bytes();
    }
    return std::nullopt;
}

[[nodiscard]] bool is_element_kind(TypeKind k)
{
    return k == TypeKind::enumeration || k == TypeKind::integer || k == TypeKind::bytes;
}

/// set<T> for an element type T (enum, int or bytes).
[[nodiscard]] Type set_type_of(const Type& element)
{
    if (element.kind == TypeKind::enumeration) {
        return Type::set_of_enum(element.enum_def);
    }
    return Type::set_of(element.kind);
}

/// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions ("kfd" -> "kdf" is 1).
[[nodiscard]] std::size_t edit_distance(const std::string& a, const std::string& b)
{
    const std::size_t width = b.size() + 1;
    std::vector<std::size_t> d((a.size() + 1) * width);
    const auto at = [&d, width](std::size_t i, std::size_t j) -> std::size_t& { return d[i * width + j]; };
    for (std::size_t i = 0; i <= a.size(); ++i) {
        at(i, 0) = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        at(0, j) = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
            }
        }
    }
    return at(a.size(), b.size());
}

/// "; did you mean 'x'?" for the closest candidate within a small edit distance, else "".
template <class Names> [[nodiscard]] std::string suggestion(const std::string& name, const Names& candidates)
{
    const std::size_t limit = std::min<std::size_t>(3, (name.size() + 1) / 3);
    std::string best;
    std::size_t best_distance = limit + 1;
    for (const std::string& c : candidates) {
        // Cheap filter first: the distance is at least the length difference.
        const std::size_t diff = c.size() > name.size() ? c.size() - name.size() : name.size() - c.size();
        if (diff > limit) {
            continue;
        }
        const std::size_t d = edit_distance(name, c);
        if (d < best_distance) {
            best = c;
            best_distance = d;
        }
    }
    return best.empty() ? std::string() : "; did you mean " + in_quotes(best) + "?";
}

/// Type checker of one tree. As in the evaluator, the per-kind handlers stay out of line so that
/// deep trees cost small frames; errors wait in `error_` and handlers return an optional.
class Checker {
  public:
    Checker(const Scope& scope, std::size_t max_depth) : scope_(scope), max_depth_(max_depth) {}

    /// The error after check() returned nullopt.
    [[nodiscard]] const Error& error() const { return error_; }

    [[nodiscard]] Result check(const NodePtr& tree, const Type* hint)
    {
        if (depth_ >= kMaxHeight) {
            return too_deep(tree->offset);
        }
        ++depth_;
        Result r = dispatch(tree, hint);
        --depth_;
        return r;
    }

  private:
    [[nodiscard]] std::nullopt_t too_deep(std::size_t offset)
    {
        return fail(offset, "expression nested deeper than " + std::to_string(kMaxHeight) +
                                " after expanding definitions");
    }

    [[nodiscard]] Result dispatch(const NodePtr& tree, const Type* hint)
    {
        const Node& n = *tree;
        // Trees from parse() have these arities; a hand-built tree is checked, not trusted.
        const std::size_t arity = n.kind == NodeKind::unary ? 1 : n.kind == NodeKind::binary ? 2 : 3;
        if (n.kind == NodeKind::unary || n.kind == NodeKind::binary || n.kind == NodeKind::ite) {
            if (n.args.size() != arity) {
                return fail(n.offset, "expected " + std::to_string(arity) + " operands of " +
                                          in_quotes(n.name) + ", found " + std::to_string(n.args.size()));
            }
        }
        switch (n.kind) {
        case NodeKind::literal:
            return check_literal(tree, hint);
        case NodeKind::set_literal:
            return check_set(n, hint);
        case NodeKind::variable:
            return check_name(n, hint);
        case NodeKind::unary:
            return check_unary(n);
        case NodeKind::binary:
            return check_binary(n);
        case NodeKind::ite:
            return check_ite(n, hint);
        case NodeKind::call:
            return check_call(n);
        }
        return fail(n.offset, "expected an expression node");
    }

    /// Like check, for positions where `absent` is meaningless (operands, set elements, ...).
    [[nodiscard]] Result check_value(const NodePtr& tree, const Type* hint)
    {
        if (tree->kind == NodeKind::literal && tree->literal.is_absent()) {
            return fail(tree->offset, "expected a value, found 'absent' (absent can only be compared "
                                      "with == or !=, chosen by if, or passed to a function)");
        }
        return check(tree, hint);
    }

    /// A copy of `proto` with `type` and the typed children; enforces the size and height bounds.
    [[gnu::noinline]] [[nodiscard]] Result build(const Node& proto, Type type, std::vector<Checked> kids)
    {
        Node n;
        n.kind = proto.kind;
        n.name = proto.name;
        n.literal = proto.literal;
        n.offset = proto.offset;
        n.slot = proto.slot;
        n.op = resolve_op(proto.kind, proto.name);
        n.type = std::move(type);
        std::size_t height = 0;
        std::size_t size = 1;
        n.args.reserve(kids.size());
        for (Checked& k : kids) {
            height = std::max(height, k.height);
            size += k.size;
            n.args.push_back(std::move(k.node));
        }
        if (height + 1 > kMaxHeight) {
            return too_deep(n.offset);
        }
        if (size > kMaxSize) {
            return fail(n.offset, "expression larger than " + std::to_string(kMaxSize) +
                                      " nodes after expanding definitions");
        }
        return Checked{std::make_shared<const Node>(std::move(n)), height + 1, size};
    }

    [[gnu::noinline]] [[nodiscard]] std::nullopt_t mismatch(const Checked& c, const std::string& what,
                                                            const std::string& expected)
    {
        return fail(c.node->offset, what + " expects " + expected + ", found " + c.node->type.to_string());
    }

    [[gnu::noinline]] [[nodiscard]] Result check_literal(const NodePtr& tree, const Type* hint)
    {
        if (!tree->literal.is_absent()) {
            // The value decides bool, int and bytes; enum literals come typed from enum_literal.
            const std::optional<Type> own = literal_type(tree->literal);
            if (!own || tree->type == *own) {
                return Checked{tree, 1, 1}; // parser-made literals are typed already: share them
            }
            return build(*tree, *own, {});
        }
        if (hint == nullptr) {
            return fail(tree->offset, "cannot infer type of 'absent': compare it with == or != to a "
                                      "typed operand");
        }
        return build(*tree, *hint, {});
    }

    [[gnu::noinline]] [[nodiscard]] Result check_set(const Node& n, const Type* hint)
    {
        if (n.args.empty()) {
            if (hint == nullptr) {
                return fail(n.offset, "cannot infer type of empty set");
            }
            if (hint->kind != TypeKind::set) {
                return fail(n.offset, "expected " + hint->to_string() + ", found a set");
            }
            return build(n, *hint, {});
        }
        std::optional<Type> element;
        if (hint != nullptr && hint->kind == TypeKind::set) {
            element = hint->element_type();
        }
        std::vector<Checked> kids;
        kids.reserve(n.args.size());
        for (const NodePtr& arg : n.args) {
            auto k = check_value(arg, element ? &*element : nullptr);
            if (!k) {
                return k;
            }
            if (kids.empty()) {
                if (!is_element_kind(k->node->type.kind)) {
                    return mismatch(*k, "a set literal", "enum, int or bytes elements");
                }
                element = k->node->type;
            } else if (k->node->type != kids.front().node->type) {
                return mismatch(*k, "a set literal",
                                "elements of one type (" + kids.front().node->type.to_string() + ")");
            }
            kids.push_back(std::move(*k));
        }
        Type type = set_type_of(kids.front().node->type);
        return build(n, std::move(type), std::move(kids));
    }

    [[gnu::noinline]] [[nodiscard]] Result check_name(const Node& n, const Type* hint)
    {
        if (const auto v = scope_.variables.find(n.name); v != scope_.variables.end()) {
            Node resolved;
            resolved.kind = n.kind;
            resolved.name = n.name;
            resolved.offset = n.offset;
            resolved.slot = static_cast<std::uint32_t>(std::distance(scope_.variables.begin(), v));
            return build(resolved, v->second, {});
        }
        if (const auto d = scope_.defs.find(n.name); d != scope_.defs.end()) {
            return expand_def(n, d->first, d->second);
        }
        if (names_enum_literal(n.name)) {
            return enum_literal(n, hint);
        }
        std::vector<std::string> names;
        for (const auto& [name, type] : scope_.variables) {
            names.push_back(name);
        }
        for (const auto& [name, source] : scope_.defs) {
            names.push_back(name);
        }
        return fail(n.offset, "unknown name " + in_quotes(n.name) + suggestion(n.name, names));
    }

    /// True when `name` is `Enum.X` for an enum of the scope, or a literal of one of them.
    [[nodiscard]] bool names_enum_literal(const std::string& name) const
    {
        const std::size_t dot = name.rfind('.');
        return std::any_of(scope_.enums.begin(), scope_.enums.end(), [&](const auto& def) {
            if (dot != std::string::npos) {
                return def->name == std::string_view(name).substr(0, dot);
            }
            return std::find(def->names.begin(), def->names.end(), name) != def->names.end();
        });
    }

    /// Resolves `LIT` or `Enum.LIT` (names_enum_literal holds).
    [[gnu::noinline]] [[nodiscard]] Result enum_literal(const Node& n, const Type* hint)
    {
        const auto make = [this, &n](const std::shared_ptr<const EnumDef>& def, std::size_t index) {
            Node lit;
            lit.kind = NodeKind::literal;
            lit.name = def->name + "." + def->names[index];
            lit.literal = Value::enumeration(static_cast<std::uint32_t>(index));
            lit.offset = n.offset;
            return build(lit, Type::enumeration(def), {});
        };
        const auto index_in = [](const EnumDef& def,
                                 const std::string& literal) -> std::optional<std::size_t> {
            const auto it = std::find(def.names.begin(), def.names.end(), literal);
            if (it == def.names.end()) {
                return std::nullopt;
            }
            return static_cast<std::size_t>(it - def.names.begin());
        };
        if (const std::size_t dot = n.name.rfind('.'); dot != std::string::npos) {
            const std::string enum_name = n.name.substr(0, dot);
            const std::string literal = n.name.substr(dot + 1);
            for (const auto& def : scope_.enums) {
                if (def->name == enum_name) {
                    if (const auto i = index_in(*def, literal)) {
                        return make(def, *i);
                    }
                    return fail(n.offset, "enum " + in_quotes(enum_name) + " has no literal " +
                                              in_quotes(literal) + suggestion(literal, def->names));
                }
            }
            PC5CHECK_ASSERT(false); // names_enum_literal held
        }
        std::vector<std::pair<std::shared_ptr<const EnumDef>, std::size_t>> matches;
        for (const auto& def : scope_.enums) {
            if (const auto i = index_in(*def, n.name)) {
                // The context disambiguates: `nia == NONE` picks the enum of `nia`.
                if (hint != nullptr && hint->kind == TypeKind::enumeration && hint->enum_def &&
                    hint->enum_def->name == def->name) {
                    return make(def, *i);
                }
                matches.emplace_back(def, *i);
            }
        }
        if (matches.size() > 1) {
            std::string options;
            for (const auto& [def, i] : matches) {
                options += (options.empty() ? "" : " or ") + def->name + "." + n.name;
            }
            return fail(n.offset, "ambiguous enum literal " + in_quotes(n.name) + ": write " + options);
        }
        PC5CHECK_ASSERT(matches.size() == 1); // names_enum_literal held
        return make(matches.front().first, matches.front().second);
    }

    /// Expands a def: its source is compiled once per type_check call (in the same scope) and the
    /// typed tree substituted, relocated to the offset of the use. Only small locals live across the
    /// recursion into the def's body.
    [[gnu::noinline]] [[nodiscard]] Result expand_def(const Node& use, const std::string& name,
                                                      const std::string& source)
    {
        auto memo = defs_.find(name);
        if (memo == defs_.end()) {
            if (std::find(expanding_.begin(), expanding_.end(), name) != expanding_.end()) {
                return cycle_error(use, name);
            }
            const NodePtr tree = parse_def(source);
            Result body;
            if (tree) {
                expanding_.push_back(name);
                body = check(tree, nullptr);
                expanding_.pop_back();
            }
            if (!body) {
                // Only the innermost definition names itself; the offsets are in its source.
                if (!error_located_) {
                    error_located_ = true;
                    error_.message = "in definition " + in_quotes(name) + ": " + error_.message;
                }
                return body;
            }
            memo = defs_.emplace(name, std::move(*body)).first;
        }
        const auto index =
            static_cast<std::uint32_t>(std::distance(scope_.defs.begin(), scope_.defs.find(name)));
        return relocate(memo->second, use.offset, index);
    }

    /// The parsed def, or null with error_ set.
    [[gnu::noinline]] [[nodiscard]] NodePtr parse_def(const std::string& source)
    {
        auto tree = parse(source, max_depth_);
        if (!tree) {
            error_ = std::move(tree.error());
            return nullptr;
        }
        return std::move(*tree);
    }

    [[gnu::noinline]] [[nodiscard]] std::nullopt_t cycle_error(const Node& use, const std::string& name)
    {
        std::string cycle;
        for (auto it = std::find(expanding_.begin(), expanding_.end(), name); it != expanding_.end(); ++it) {
            cycle += *it + " -> ";
        }
        return fail(use.offset, "cyclic definition: " + cycle + name);
    }

    [[gnu::noinline]] [[nodiscard]] static Checked relocate(const Checked& def, std::size_t offset,
                                                            std::uint32_t index)
    {
        Node relocated = *def.node;
        relocated.offset = offset;
        relocated.def = index;
        return Checked{std::make_shared<const Node>(std::move(relocated)), def.height, def.size};
    }

    [[gnu::noinline]] [[nodiscard]] Result check_unary(const Node& n)
    {
        auto operand = check_value(n.args[0], nullptr);
        if (!operand) {
            return operand;
        }
        const Type want = n.name == "!" ? Type::boolean() : Type::integer();
        if (operand->node->type != want) {
            return mismatch(*operand, in_quotes(n.name), want.to_string() + " operand");
        }
        return build(n, want, {std::move(*operand)});
    }

    /// Checks two operands where either may take its type from the other (`absent`, `{}`): the one
    /// needing context is checked second, with the hint its `hint_for_*` derives from the other's type.
    template <class HintA, class HintB>
    [[nodiscard]] std::optional<std::pair<Checked, Checked>>
    check_pair(const NodePtr& a, const NodePtr& b, bool allow_absent, HintA hint_for_a, HintB hint_for_b)
    {
        const auto one = [this, allow_absent](const NodePtr& t, const Type* hint) {
            return allow_absent ? check(t, hint) : check_value(t, hint);
        };
        // `first` checked alone, `second` with the hint derived from its type.
        const auto in_order =
            [&one](const NodePtr& first, const NodePtr& second,
                   const auto& hint_for_second) -> std::optional<std::pair<Checked, Checked>> {
            auto r1 = one(first, nullptr);
            if (!r1) {
                return std::nullopt;
            }
            const std::optional<Type> hint = hint_for_second(r1->node->type);
            auto r2 = one(second, hint ? &*hint : nullptr);
            if (!r2) {
                return std::nullopt;
            }
            return std::pair{std::move(*r1), std::move(*r2)};
        };
        if (needs_context(*a) && !needs_context(*b)) {
            auto r = in_order(b, a, hint_for_a);
            if (!r) {
                return std::nullopt;
            }
            return std::pair{std::move(r->second), std::move(r->first)};
        }
        return in_order(a, b, hint_for_b);
    }

    [[nodiscard]] static std::optional<Type> same(const Type& t) { return t; }
    [[nodiscard]] static std::optional<Type> element_of(const Type& t)
    {
        if (t.kind == TypeKind::set) {
            return t.element_type();
        }
        return std::nullopt;
    }
    [[nodiscard]] static std::optional<Type> set_of(const Type& t)
    {
        if (is_element_kind(t.kind)) {
            return set_type_of(t);
        }
        return std::nullopt;
    }

    [[gnu::noinline]] [[nodiscard]] Result check_binary(const Node& n)
    {
        const auto op = binary_op(n.name);
        if (!op) {
            return fail(n.offset, "expected a binary operator, found " + in_quotes(n.name));
        }
        switch (*op) {
        case BinaryOp::equal:
        case BinaryOp::not_equal: {
            auto p = check_pair(n.args[0], n.args[1], true, same, same);
            if (!p) {
                return std::nullopt;
            }
            if (p->first.node->type != p->second.node->type) {
                return fail(n.offset, in_quotes(n.name) + " expects operands of one type, found " +
                                          p->first.node->type.to_string() + " and " +
                                          p->second.node->type.to_string());
            }
            return build(n, Type::boolean(), {std::move(p->first), std::move(p->second)});
        }
        case BinaryOp::member:
            return check_member(n);
        default:
            break;
        }
        const bool logical =
            *op == BinaryOp::implies || *op == BinaryOp::logical_or || *op == BinaryOp::logical_and;
        const bool comparison = *op == BinaryOp::less || *op == BinaryOp::less_equal ||
                                *op == BinaryOp::greater || *op == BinaryOp::greater_equal;
        const Type operand_type = logical ? Type::boolean() : Type::integer();
        std::vector<Checked> kids;
        for (const NodePtr& arg : n.args) {
            auto k = check_value(arg, nullptr);
            if (!k) {
                return k;
            }
            if (k->node->type != operand_type) {
                return mismatch(*k, in_quotes(n.name), operand_type.to_string() + " operands");
            }
            kids.push_back(std::move(*k));
        }
        return build(n, comparison ? Type::boolean() : operand_type, std::move(kids));
    }

    /// `x in S`. S is checked first when it can be, so that `NONE in s` resolves NONE by s's enum;
    /// `x in {}` takes the set type from x.
    [[gnu::noinline]] [[nodiscard]] Result check_member(const Node& n)
    {
        Result element;
        Result set;
        if (needs_context(*n.args[1])) {
            element = check_value(n.args[0], nullptr);
            if (!element) {
                return element;
            }
            if (!is_element_kind(element->node->type.kind)) {
                return mismatch(*element, "'in'", "an enum, int or bytes element");
            }
            const Type hint = set_type_of(element->node->type);
            set = check_value(n.args[1], &hint);
            if (!set) {
                return set;
            }
        } else {
            set = check_value(n.args[1], nullptr);
            if (!set) {
                return set;
            }
            const std::optional<Type> hint = element_of(set->node->type);
            element = check_value(n.args[0], hint ? &*hint : nullptr);
            if (!element) {
                return element;
            }
        }
        if (set->node->type.kind != TypeKind::set) {
            return mismatch(*set, "'in'", "a set on the right");
        }
        if (element->node->type != set->node->type.element_type()) {
            return mismatch(*element, "'in'", set->node->type.element_type().to_string() + " on the left");
        }
        return build(n, Type::boolean(), {std::move(*element), std::move(*set)});
    }

    [[gnu::noinline]] [[nodiscard]] Result check_ite(const Node& n, const Type* hint)
    {
        auto cond = check_value(n.args[0], nullptr);
        if (!cond) {
            return cond;
        }
        if (cond->node->type != Type::boolean()) {
            return mismatch(*cond, "'if'", "a bool condition");
        }
        // A branch needing context takes the other branch's type, else the outer hint.
        const bool else_first = needs_context(*n.args[1]);
        auto first = check(n.args[else_first ? 2 : 1], hint);
        if (!first) {
            return first;
        }
        auto second = check(n.args[else_first ? 1 : 2], &first->node->type);
        if (!second) {
            return second;
        }
        if (first->node->type != second->node->type) {
            return mismatch(*second, "'if'", "branches of one type (" + first->node->type.to_string() + ")");
        }
        Type type = first->node->type;
        if (else_first) {
            return build(n, std::move(type), {std::move(*cond), std::move(*second), std::move(*first)});
        }
        return build(n, std::move(type), {std::move(*cond), std::move(*first), std::move(*second)});
    }

    [[nodiscard]] static std::string arity_message(const std::string& name, std::size_t want, std::size_t got)
    {
        return in_quotes(name) + " expects " + std::to_string(want) +
               (want == 1 ? " argument" : " arguments") + ", found " + std::to_string(got);
    }

    [[nodiscard]] static std::string argument(const std::string& function, std::size_t index)
    {
        return in_quotes(function) + " argument " + std::to_string(index + 1);
    }

    [[gnu::noinline]] [[nodiscard]] Result check_call(const Node& n)
    {
        if (const auto b = builtin(n.name)) {
            if (n.args.size() != builtin_arity(*b)) {
                return fail(n.offset, arity_message(n.name, builtin_arity(*b), n.args.size()));
            }
            return check_builtin(n, *b);
        }
        if (const auto f = scope_.functions.find(n.name); f != scope_.functions.end()) {
            return check_external(n, f->second);
        }
        if (scope_.variables.contains(n.name) || scope_.defs.contains(n.name)) {
            return fail(n.offset, in_quotes(n.name) + " is not a function");
        }
        std::vector<std::string> names;
        names.reserve(kBuiltins.size() + scope_.functions.size());
        for (const auto& [spelling, b] : kBuiltins) {
            names.emplace_back(spelling);
        }
        for (const auto& [name, function] : scope_.functions) {
            names.push_back(name);
        }
        return fail(n.offset, "unknown function " + in_quotes(n.name) + suggestion(n.name, names));
    }

    [[gnu::noinline]] [[nodiscard]] Result check_builtin(const Node& n, Builtin b)
    {
        std::vector<Checked> kids;
        Type result = Type::integer();
        switch (b) {
        case Builtin::present:
        case Builtin::known: {
            auto x = check(n.args[0], nullptr);
            if (!x) {
                return x;
            }
            kids.push_back(std::move(*x));
            result = Type::boolean();
            break;
        }
        case Builtin::len:
        case Builtin::size: {
            auto x = check_value(n.args[0], nullptr);
            if (!x) {
                return x;
            }
            if (b == Builtin::len ? x->node->type != Type::bytes() : x->node->type.kind != TypeKind::set) {
                return mismatch(*x, in_quotes(n.name), b == Builtin::len ? "bytes" : "a set");
            }
            kids.push_back(std::move(*x));
            break;
        }
        case Builtin::subset:
        case Builtin::set_union: {
            auto p = check_pair(n.args[0], n.args[1], false, same, same);
            if (!p) {
                return std::nullopt;
            }
            if (p->first.node->type.kind != TypeKind::set) {
                return mismatch(p->first, argument(n.name, 0), "a set");
            }
            if (p->second.node->type != p->first.node->type) {
                return mismatch(p->second, argument(n.name, 1), p->first.node->type.to_string());
            }
            result = b == Builtin::subset ? Type::boolean() : p->first.node->type;
            kids.push_back(std::move(p->first));
            kids.push_back(std::move(p->second));
            break;
        }
        case Builtin::insert: {
            auto p = check_pair(n.args[0], n.args[1], false, set_of, element_of);
            if (!p) {
                return std::nullopt;
            }
            if (p->first.node->type.kind != TypeKind::set) {
                return mismatch(p->first, argument(n.name, 0), "a set");
            }
            if (p->second.node->type != p->first.node->type.element_type()) {
                return mismatch(p->second, argument(n.name, 1),
                                p->first.node->type.element_type().to_string());
            }
            result = p->first.node->type;
            kids.push_back(std::move(p->first));
            kids.push_back(std::move(p->second));
            break;
        }
        case Builtin::get:
        case Builtin::put: {
            const std::array<Type, 3> want = {Type::map(), Type::integer(), Type::integer()};
            for (std::size_t i = 0; i < want.size(); ++i) {
                auto x = check_value(n.args[i], nullptr);
                if (!x) {
                    return x;
                }
                if (x->node->type != want[i]) {
                    return mismatch(*x, argument(n.name, i), want[i].to_string());
                }
                kids.push_back(std::move(*x));
            }
            result = b == Builtin::get ? Type::integer() : Type::map();
            break;
        }
        }
        return build(n, std::move(result), std::move(kids));
    }

    [[gnu::noinline]] [[nodiscard]] Result check_external(const Node& n, const ExternalFunction& f)
    {
        if (n.args.size() != f.params.size()) {
            return fail(n.offset, arity_message(n.name, f.params.size(), n.args.size()));
        }
        std::vector<Checked> kids;
        kids.reserve(n.args.size());
        for (std::size_t i = 0; i < n.args.size(); ++i) {
            auto x = check(n.args[i], &f.params[i]);
            if (!x) {
                return x;
            }
            if (x->node->type != f.params[i]) {
                return mismatch(*x, argument(n.name, i), f.params[i].to_string());
            }
            kids.push_back(std::move(*x));
        }
        return build(n, f.result, std::move(kids));
    }

    [[gnu::noinline]] [[nodiscard]] std::nullopt_t fail(std::size_t offset, const std::string& message)
    {
        error_ = error_at(offset, message).value();
        return std::nullopt;
    }

    const Scope& scope_;
    std::size_t max_depth_; ///< for parsing defs
    Error error_;
    std::size_t depth_ = 0;
    std::vector<std::string> expanding_;  ///< defs being expanded, outermost first
    std::map<std::string, Checked> defs_; ///< typed defs of this type_check call
    bool error_located_ = false;          ///< an error already names its definition
};

} // namespace

Expected<NodePtr> type_check(const NodePtr& tree, const Scope& scope, const Type* expected,
                             std::size_t max_depth)
{
    if (!tree) {
        return make_error(ErrorCode::bad_spec, "expected an expression, found none");
    }
    Checker checker(scope, max_depth);
    auto checked = checker.check(tree, expected);
    if (!checked) {
        return tl::make_unexpected(checker.error());
    }
    if (expected != nullptr && checked->node->type != *expected) {
        return error_at(tree->offset, "expected " + expected->to_string() + " expression, found " +
                                          checked->node->type.to_string());
    }
    return std::move(checked->node);
}

Expected<NodePtr> compile(const std::string& source, const Scope& scope, const Type* expected,
                          std::size_t max_depth)
{
    auto tree = parse(source, max_depth);
    if (!tree) {
        return tl::make_unexpected(tree.error());
    }
    return type_check(*tree, scope, expected, max_depth);
}

} // namespace pc5check::expr
