/// \file Lexer and recursive-descent parser of the expression language (grammar in expr.h).

#include "crypto/hex_digits.h"
#include "pc5check/common/hex.h"
#include "pc5check/expr/expr.h"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <utility>

namespace pc5check::expr {

namespace {

enum class Tok : std::uint8_t {
    end,
    integer,
    bytes,
    name,
    kw_true,
    kw_false,
    kw_absent,
    kw_if,
    kw_then,
    kw_else,
    kw_in,
    punct, ///< operator or bracket; spelling in `text`
};

struct Token {
    Tok kind = Tok::end;
    std::string_view text;
    std::size_t offset = 0;
    std::int64_t integer = 0;
    std::vector<std::uint8_t> bytes{};
};

[[nodiscard]] tl::unexpected<Error> error_at(std::size_t offset, const std::string& message)
{
    return make_error(ErrorCode::bad_spec, "at offset " + std::to_string(offset) + ": " + message);
}

[[nodiscard]] bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

[[nodiscard]] bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

/// A character for a message: printable ASCII quoted, anything else as a hex code.
[[nodiscard]] std::string describe_char(char c)
{
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
        return std::string("'") + c + "'";
    }
    std::string out = "byte 0x";
    append_hex(out, u);
    return out;
}

[[nodiscard]] std::string describe(const Token& t)
{
    switch (t.kind) {
    case Tok::end:
        return "end of input";
    case Tok::bytes:
        return "bytes literal";
    default:
        break;
    }
    // Built with append: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + std::string here.
    std::string out = t.kind == Tok::integer ? "integer " : (t.kind == Tok::name ? "name '" : "'");
    out.append(t.text);
    if (t.kind != Tok::integer) {
        out.push_back('\'');
    }
    return out;
}

class Lexer {
  public:
    explicit Lexer(std::string_view source) : src_(source) {}

    [[nodiscard]] Expected<std::vector<Token>> run()
    {
        std::vector<Token> tokens;
        for (;;) {
            skip_space();
            Token t;
            t.offset = pos_;
            if (pos_ == src_.size()) {
                tokens.push_back(std::move(t));
                return tokens;
            }
            const char c = src_[pos_];
            Expected<void> ok{};
            if (c == 'x' && pos_ + 1 < src_.size() && src_[pos_ + 1] == '"') {
                ok = lex_bytes(t);
            } else if (is_name_start(c)) {
                ok = lex_name(t);
            } else if (c >= '0' && c <= '9') {
                ok = lex_integer(t);
            } else {
                ok = lex_punct(t);
            }
            if (!ok) {
                return tl::make_unexpected(ok.error());
            }
            tokens.push_back(std::move(t));
        }
    }

  private:
    void skip_space()
    {
        while (pos_ < src_.size() &&
               (src_[pos_] == ' ' || src_[pos_] == '\t' || src_[pos_] == '\n' || src_[pos_] == '\r')) {
            ++pos_;
        }
    }

    [[nodiscard]] Expected<void> lex_name(Token& t)
    {
        const std::size_t start = pos_;
        for (;;) {
            while (pos_ < src_.size() && is_name_char(src_[pos_])) {
                ++pos_;
            }
            if (pos_ < src_.size() && src_[pos_] == '.') {
                if (pos_ + 1 < src_.size() && is_name_start(src_[pos_ + 1])) {
                    ++pos_;
                    continue;
                }
                const std::size_t at = pos_ + 1;
                return error_at(at, "expected name after '.', found " +
                                        (at < src_.size() ? describe_char(src_[at]) : "end of input"));
            }
            break;
        }
        t.text = src_.substr(start, pos_ - start);
        static constexpr auto kKeywords = std::to_array<std::pair<std::string_view, Tok>>({
            {"true", Tok::kw_true},
            {"false", Tok::kw_false},
            {"absent", Tok::kw_absent},
            {"if", Tok::kw_if},
            {"then", Tok::kw_then},
            {"else", Tok::kw_else},
            {"in", Tok::kw_in},
        });
        t.kind = Tok::name;
        for (const auto& [word, kind] : kKeywords) {
            if (t.text == word) {
                t.kind = kind;
            }
        }
        return {};
    }

    [[nodiscard]] Expected<void> lex_integer(Token& t)
    {
        const std::size_t start = pos_;
        std::uint64_t base = 10;
        if (src_[pos_] == '0' && pos_ + 1 < src_.size() && (src_[pos_ + 1] == 'x' || src_[pos_ + 1] == 'X')) {
            base = 16;
            pos_ += 2;
        }
        const std::size_t digits_start = pos_;
        constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
        std::uint64_t value = 0;
        bool overflow = false;
        while (pos_ < src_.size()) {
            const int d = crypto::detail::hex_digit_value(src_[pos_]);
            if (d < 0 || static_cast<std::uint64_t>(d) >= base) {
                break;
            }
            const auto digit = static_cast<std::uint64_t>(d);
            if (value > (kMax - digit) / base) {
                overflow = true;
            } else {
                value = value * base + digit;
            }
            ++pos_;
        }
        if (pos_ == digits_start || (pos_ < src_.size() && is_name_char(src_[pos_]))) {
            while (pos_ < src_.size() && is_name_char(src_[pos_])) {
                ++pos_;
            }
            return error_at(start, "expected integer literal, found '" +
                                       std::string(src_.substr(start, pos_ - start)) + "'");
        }
        t.text = src_.substr(start, pos_ - start);
        if (overflow) {
            return error_at(start, "integer literal " + std::string(t.text) + " does not fit in 64-bit int");
        }
        t.kind = Tok::integer;
        t.integer = static_cast<std::int64_t>(value);
        return {};
    }

    [[nodiscard]] Expected<void> lex_bytes(Token& t)
    {
        const std::size_t start = pos_;
        pos_ += 2; // x"
        while (pos_ < src_.size() && src_[pos_] != '"') {
            if (crypto::detail::hex_digit_value(src_[pos_]) < 0) {
                return error_at(pos_, "expected hex digit or '\"' in bytes literal, found " +
                                          describe_char(src_[pos_]));
            }
            ++pos_;
        }
        if (pos_ == src_.size()) {
            return error_at(start, "expected '\"' closing the bytes literal, found end of input");
        }
        const std::string_view digits = src_.substr(start + 2, pos_ - start - 2);
        ++pos_; // closing quote
        if (digits.size() % 2 != 0) {
            return error_at(start, "expected an even number of hex digits in bytes literal, found " +
                                       std::to_string(digits.size()));
        }
        t.bytes.resize(digits.size() / 2);
        static_cast<void>(crypto::detail::decode_hex_digits(digits, t.bytes.data())); // digits checked above
        t.text = src_.substr(start, pos_ - start);
        t.kind = Tok::bytes;
        return {};
    }

    [[nodiscard]] Expected<void> lex_punct(Token& t)
    {
        // Longest match first.
        static constexpr auto kPuncts = std::to_array<std::string_view>({
            "&&", "||", "=>", "==", "!=", "<=", ">=", "<<", ">>", "!", "<", ">",
            "+",  "-",  "*",  "/",  "%",  "&",  "|",  "(",  ")",  "{", "}", ",",
        });
        const std::string_view rest = src_.substr(pos_);
        for (const std::string_view p : kPuncts) {
            if (rest.substr(0, p.size()) == p) {
                t.kind = Tok::punct;
                t.text = rest.substr(0, p.size());
                pos_ += p.size();
                return {};
            }
        }
        return error_at(pos_, "expected an expression token, found " + describe_char(src_[pos_]));
    }

    std::string_view src_;
    std::size_t pos_ = 0;
};

/// A parsed subtree with its height (a leaf has height 1).
struct Parsed {
    NodePtr node;
    std::size_t height = 1;
};

/// Binding strength of the operators (expr.h), loosest first. `!` and unary `-` are prefixes.
enum class Prec : std::uint8_t {
    none, ///< not a binary operator here (`=>` is parsed by its own loop)
    logical_or,
    logical_and,
    negation,
    compare,
    bit_or,
    bit_and,
    shift,
    add,
    mul,
};

[[nodiscard]] Prec tighter(Prec p) { return static_cast<Prec>(static_cast<std::uint8_t>(p) + 1); }

/// Precedence climbing, with loops for left-associative chains, `=>` chains and prefix runs. Every
/// recursion (brackets, set elements, arguments, if parts, right operands) goes through nested(),
/// which counts it against max_depth_, so hostile input cannot exhaust the stack. Functions return
/// nullopt on failure and leave the error in `error_`; the larger helpers stay out of line. Both keep
/// the frames on the recursion path small, also in sanitizer builds.
class Parser {
  public:
    Parser(std::vector<Token> tokens, std::size_t max_depth)
        : tokens_(std::move(tokens)), max_depth_(max_depth)
    {
    }

    [[nodiscard]] Expected<NodePtr> run()
    {
        auto e = parse_expr();
        if (e && peek().kind != Tok::end) {
            e = expected("an operator or end of input");
        }
        if (!e) {
            return tl::make_unexpected(std::move(error_));
        }
        return std::move(e->node);
    }

  private:
    [[nodiscard]] const Token& peek() const { return tokens_[pos_]; }

    [[nodiscard]] bool at_punct(std::string_view p) const
    {
        return peek().kind == Tok::punct && peek().text == p;
    }

    [[gnu::noinline]] [[nodiscard]] std::nullopt_t fail(std::size_t offset, const std::string& message)
    {
        error_ = error_at(offset, message).value();
        return std::nullopt;
    }

    [[gnu::noinline]] [[nodiscard]] std::nullopt_t expected(const std::string& what)
    {
        return fail(peek().offset, "expected " + what + ", found " + describe(peek()));
    }

    [[nodiscard]] std::nullopt_t too_deep(std::size_t offset)
    {
        (void)fail(offset, "expression nested deeper than " + std::to_string(max_depth_) +
                               " (limit --max-expr-depth)");
        error_.code = ErrorCode::limit;
        return std::nullopt;
    }

    /// Builds an interior node; fails when the tree would grow taller than max_depth_.
    [[gnu::noinline]] [[nodiscard]] std::optional<Parsed> make(NodeKind kind, std::string name,
                                                               std::size_t offset, std::vector<Parsed> kids)
    {
        Node n;
        n.kind = kind;
        n.name = std::move(name);
        n.offset = offset;
        std::size_t height = 0;
        n.args.reserve(kids.size());
        for (Parsed& k : kids) {
            height = std::max(height, k.height);
            n.args.push_back(std::move(k.node));
        }
        if (height + 1 > max_depth_) {
            return too_deep(offset);
        }
        return Parsed{std::make_shared<const Node>(std::move(n)), height + 1};
    }

    [[nodiscard]] static Parsed leaf(Node n) { return Parsed{std::make_shared<const Node>(std::move(n)), 1}; }

    /// Runs `parse` one recursion level deeper, failing beyond max_depth_ open levels.
    template <class Parse> [[nodiscard]] std::optional<Parsed> nested(Parse parse)
    {
        if (depth_ >= max_depth_) {
            return too_deep(peek().offset);
        }
        ++depth_;
        auto e = parse();
        --depth_;
        return e;
    }

    [[nodiscard]] std::optional<Parsed> parse_nested()
    {
        return nested([this] { return parse_expr(); });
    }

    [[nodiscard]] std::optional<Parsed> parse_expr()
    {
        if (peek().kind != Tok::kw_if) {
            return parse_implies();
        }
        const std::size_t offset = peek().offset;
        ++pos_;
        std::vector<Parsed> parts;
        for (const auto& [separator, name] :
             {std::pair{Tok::kw_then, "'then'"}, {Tok::kw_else, "'else'"}, {Tok::end, ""}}) {
            auto e = parse_nested();
            if (!e) {
                return e;
            }
            parts.push_back(std::move(*e));
            if (separator != Tok::end) {
                if (peek().kind != separator) {
                    return expected(name);
                }
                ++pos_;
            }
        }
        return make(NodeKind::ite, "if", offset, std::move(parts));
    }

    /// `=>` is right-associative: operands are collected in a loop and folded from the right, so a
    /// long chain costs no recursion.
    [[nodiscard]] std::optional<Parsed> parse_implies()
    {
        std::vector<Parsed> operands;
        std::vector<std::size_t> offsets;
        for (;;) {
            auto e = parse_binary(Prec::logical_or);
            if (!e) {
                return e;
            }
            operands.push_back(std::move(*e));
            if (!at_punct("=>")) {
                break;
            }
            offsets.push_back(peek().offset);
            ++pos_;
        }
        std::optional<Parsed> acc = std::move(operands.back());
        for (std::size_t i = offsets.size(); acc && i-- > 0;) {
            acc = make(NodeKind::binary, "=>", offsets[i], {std::move(operands[i]), std::move(*acc)});
        }
        return acc;
    }

    /// Precedence of the binary operator at the current token (Prec::none if there is none).
    [[nodiscard]] Prec binary_prec() const
    {
        const Token& t = peek();
        if (t.kind == Tok::kw_in) {
            return Prec::compare;
        }
        if (t.kind != Tok::punct) {
            return Prec::none;
        }
        static constexpr auto kOps = std::to_array<std::pair<std::string_view, Prec>>({
            {"||", Prec::logical_or},
            {"&&", Prec::logical_and},
            {"==", Prec::compare},
            {"!=", Prec::compare},
            {"<", Prec::compare},
            {"<=", Prec::compare},
            {">", Prec::compare},
            {">=", Prec::compare},
            {"|", Prec::bit_or},
            {"&", Prec::bit_and},
            {"<<", Prec::shift},
            {">>", Prec::shift},
            {"+", Prec::add},
            {"-", Prec::add},
            {"*", Prec::mul},
            {"/", Prec::mul},
            {"%", Prec::mul},
        });
        for (const auto& [op, prec] : kOps) {
            if (t.text == op) {
                return prec;
            }
        }
        return Prec::none;
    }

    /// Left-associative binary operators binding at least as tightly as `min`.
    [[nodiscard]] std::optional<Parsed> parse_binary(Prec min)
    {
        auto lhs = parse_operand(min);
        for (;;) {
            const Prec prec = binary_prec();
            if (!lhs || prec == Prec::none || prec < min) {
                return lhs;
            }
            std::string op(peek().text);
            const std::size_t offset = peek().offset;
            ++pos_;
            auto rhs = nested([this, prec] { return parse_binary(tighter(prec)); });
            if (!rhs) {
                return rhs;
            }
            lhs = make(NodeKind::binary, std::move(op), offset, {std::move(*lhs), std::move(*rhs)});
        }
    }

    /// Prefix operators, counted in a loop and applied innermost first: `!` (binding looser than
    /// comparisons, so only where `min` allows it) and unary `-` (applied to an atom).
    [[gnu::noinline]] [[nodiscard]] std::optional<Parsed> parse_operand(Prec min)
    {
        const bool negation = at_punct("!");
        if (negation && min > Prec::negation) {
            return expected("an operand ('!' binds looser than comparisons: parenthesize the negation)");
        }
        const std::string_view op = negation ? "!" : "-";
        std::vector<std::size_t> offsets;
        while (at_punct(op)) {
            offsets.push_back(peek().offset);
            ++pos_;
            if (offsets.size() > max_depth_) {
                return too_deep(offsets.back());
            }
        }
        auto acc = negation ? parse_binary(Prec::compare) : parse_atom();
        for (std::size_t i = offsets.size(); acc && i-- > 0;) {
            acc = make(NodeKind::unary, std::string(op), offsets[i], {std::move(*acc)});
        }
        return acc;
    }

    /// Comma-separated full expressions up to `close`; the opening bracket is already consumed.
    [[gnu::noinline]] [[nodiscard]] std::optional<std::vector<Parsed>> parse_list(std::string_view close)
    {
        std::vector<Parsed> items;
        if (at_punct(close)) {
            ++pos_;
            return items;
        }
        for (;;) {
            auto e = parse_nested();
            if (!e) {
                return std::nullopt;
            }
            items.push_back(std::move(*e));
            if (at_punct(close)) {
                ++pos_;
                return items;
            }
            if (!at_punct(",")) {
                return expected("',' or '" + std::string(close) + "'");
            }
            ++pos_;
        }
    }

    /// A node with these children, or a leaf when there are none (no height check needed).
    [[gnu::noinline]] [[nodiscard]] std::optional<Parsed>
    node_of(NodeKind kind, std::string name, std::size_t offset, std::vector<Parsed> kids)
    {
        if (kids.empty()) {
            Node n;
            n.kind = kind;
            n.name = std::move(name);
            n.offset = offset;
            return leaf(std::move(n));
        }
        return make(kind, std::move(name), offset, std::move(kids));
    }

    [[gnu::noinline]] [[nodiscard]] std::optional<Parsed> parse_atom()
    {
        const Token& t = peek();
        Node n;
        n.offset = t.offset;
        switch (t.kind) {
        case Tok::kw_true:
        case Tok::kw_false:
            n.literal = Value::boolean(t.kind == Tok::kw_true);
            n.type = Type::boolean();
            break;
        case Tok::kw_absent:
            n.literal = Value::absent();
            break;
        case Tok::integer:
            n.literal = Value::integer(t.integer);
            n.type = Type::integer();
            break;
        case Tok::bytes:
            n.literal = Value::bytes(t.bytes);
            n.type = Type::bytes();
            break;
        case Tok::name: {
            ++pos_;
            if (!at_punct("(")) {
                return node_of(NodeKind::variable, std::string(t.text), t.offset, {});
            }
            ++pos_;
            auto args = parse_list(")");
            if (!args) {
                return std::nullopt;
            }
            return node_of(NodeKind::call, std::string(t.text), t.offset, std::move(*args));
        }
        case Tok::kw_if:
            return expected("an operand (parenthesize the if-expression)");
        case Tok::punct:
            if (t.text == "(") {
                ++pos_;
                auto e = parse_nested();
                if (!e) {
                    return e;
                }
                if (!at_punct(")")) {
                    return expected("')'");
                }
                ++pos_;
                return e;
            }
            if (t.text == "{") {
                ++pos_;
                auto items = parse_list("}");
                if (!items) {
                    return std::nullopt;
                }
                return node_of(NodeKind::set_literal, "", t.offset, std::move(*items));
            }
            return expected("an operand");
        default:
            return expected("an operand");
        }
        ++pos_;
        return leaf(std::move(n));
    }

    std::vector<Token> tokens_;
    std::size_t max_depth_;
    std::size_t pos_ = 0;
    std::size_t depth_ = 0;
    Error error_;
};

} // namespace

Expected<NodePtr> parse(const std::string& source, std::size_t max_depth)
{
    auto tokens = Lexer(source).run();
    if (!tokens) {
        return tl::make_unexpected(tokens.error());
    }
    return Parser(std::move(*tokens), max_depth).run();
}

} // namespace pc5check::expr
