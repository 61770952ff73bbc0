#include "trace/json_document.h"

#include "crypto/hex_digits.h"
#include "pc5check/common/hex.h"
#include "pc5check/common/utf8.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <forward_list>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pc5check::trace::detail {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

/// Longest text quoted from the input in a message, in characters.
constexpr std::size_t kMaxQuoted = 48;
/// Longest syntax message (its "last read" token may be a whole long string).
constexpr std::size_t kMaxSyntaxMessage = 160;

[[nodiscard]] bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
[[nodiscard]] bool is_digit(char c) { return c >= '0' && c <= '9'; }
[[nodiscard]] bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

void append_utf8(std::string& out, std::uint32_t cp)
{
    if (cp < 0x80U) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800U) {
        out += static_cast<char>(0xC0U | (cp >> 6U));
        out += static_cast<char>(0x80U | (cp & 0x3FU));
    } else if (cp < 0x10000U) {
        out += static_cast<char>(0xE0U | (cp >> 12U));
        out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
        out += static_cast<char>(0x80U | (cp & 0x3FU));
    } else {
        out += static_cast<char>(0xF0U | (cp >> 18U));
        out += static_cast<char>(0x80U | ((cp >> 12U) & 0x3FU));
        out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
        out += static_cast<char>(0x80U | (cp & 0x3FU));
    }
}

/// The four hex digits at `text[at]`, if there are four.
[[nodiscard]] std::optional<std::uint32_t> hex4(std::string_view text, std::size_t at)
{
    if (text.size() - at < 4) {
        return std::nullopt;
    }
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const int d = crypto::detail::hex_digit_value(text[at + i]);
        if (d < 0) {
            return std::nullopt;
        }
        v = v * 16U + static_cast<std::uint32_t>(d);
    }
    return v;
}

/// What the lexer refuses, with nlohmann's words for it.
enum class LexError : std::uint8_t {
    none,
    missing_quote,
    bad_escape,
    bad_unicode_escape,
    lone_high_surrogate,
    lone_low_surrogate,
    control_character,
    bad_utf8,
    invalid_literal,
    digit_after_minus,
    digit_after_point,
    digit_after_exponent,
    digit_after_exponent_sign,
};

/// One token scanned: where it ends, or where and why it is refused.
struct Scan {
    std::size_t end = 0; ///< one past the token
    LexError error = LexError::none;
    std::size_t error_at = 0; ///< the byte refused (the text's size: its end)
    bool escaped = false;
    bool multibyte = false; ///< a string with bytes 0x80 and above
    bool integral = true;
    bool exponent = false; ///< a number with an exponent
    bool negative = false;
};

/// Whether one of the 8 bytes of `w` ends a run of plain string characters: a quote, a backslash, a
/// control character, or a byte 0x80 and above (8 bytes tested at once; an exact loop follows).
[[nodiscard]] bool has_special_byte(std::uint64_t w)
{
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    const std::uint64_t quote = w ^ (kOnes * static_cast<unsigned char>('"'));
    const std::uint64_t backslash = w ^ (kOnes * static_cast<unsigned char>('\\'));
    // A zero byte of `quote` or `backslash` sets its high bit here; a byte below 0x20 sets it in
    // `w - 0x20...` whatever borrows; a byte 0x80 and above has it already.
    const std::uint64_t zero_quote = (quote - kOnes) & ~quote;
    const std::uint64_t zero_backslash = (backslash - kOnes) & ~backslash;
    const std::uint64_t control = w - kOnes * 0x20U;
    return ((zero_quote | zero_backslash | control | w) & kHigh) != 0;
}

/// Scans the string whose opening quote is at `start`.
[[nodiscard]] Scan scan_string(std::string_view text, std::size_t start)
{
    Scan s;
    std::size_t p = start + 1;
    const auto fail = [&s](LexError e, std::size_t at) {
        s.error = e;
        s.error_at = at;
        return s;
    };
    while (true) {
        // The common case first: printable ASCII, 8 bytes at a time, then byte by byte.
        while (text.size() - p >= sizeof(std::uint64_t)) {
            std::uint64_t w = 0;
            std::memcpy(&w, text.data() + p, sizeof w);
            if (has_special_byte(w)) {
                break;
            }
            p += sizeof w;
        }
        while (p < text.size()) {
            const auto c = static_cast<unsigned char>(text[p]);
            if (c < 0x20U || c == '"' || c == '\\' || c >= 0x80U) {
                break;
            }
            ++p;
        }
        if (p >= text.size()) {
            return fail(LexError::missing_quote, text.size());
        }
        const auto c = static_cast<unsigned char>(text[p]);
        if (c == '"') {
            s.end = p + 1;
            return s;
        }
        if (c < 0x20U) {
            return fail(LexError::control_character, p);
        }
        if (c >= 0x80U) {
            const Utf8Sequence seq = utf8_sequence(text, p);
            if (!seq.valid) {
                // The byte that makes the sequence ill-formed: the lead itself, or the first
                // continuation that does not fit it (nlohmann's position too).
                const bool bad_lead = c < 0xC2U || c > 0xF4U;
                return fail(LexError::bad_utf8, bad_lead ? p : p + seq.length);
            }
            s.multibyte = true;
            p += seq.length;
            continue;
        }
        // A backslash.
        s.escaped = true;
        if (p + 1 >= text.size()) {
            return fail(LexError::missing_quote, text.size());
        }
        const char e = text[p + 1];
        if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
            p += 2;
            continue;
        }
        if (e != 'u') {
            return fail(LexError::bad_escape, p + 1);
        }
        const std::optional<std::uint32_t> cp = hex4(text, p + 2);
        if (!cp) {
            return fail(LexError::bad_unicode_escape, std::min(text.size(), p + 2));
        }
        p += 6;
        if (*cp >= 0xDC00U && *cp <= 0xDFFFU) {
            return fail(LexError::lone_low_surrogate, p - 1);
        }
        if (*cp >= 0xD800U && *cp <= 0xDBFFU) {
            if (text.size() - p < 2 || text[p] != '\\' || text[p + 1] != 'u') {
                return fail(LexError::lone_high_surrogate, std::min(text.size(), p + 1));
            }
            const std::optional<std::uint32_t> low = hex4(text, p + 2);
            if (!low) {
                return fail(LexError::bad_unicode_escape, std::min(text.size(), p + 2));
            }
            if (*low < 0xDC00U || *low > 0xDFFFU) {
                return fail(LexError::lone_high_surrogate, p + 5);
            }
            p += 6;
        }
    }
}

/// Scans the number starting at `start` (a '-' or a digit), as far as the JSON grammar takes it.
[[gnu::always_inline]] [[nodiscard]] inline Scan scan_number(std::string_view text, std::size_t start)
{
    Scan s;
    std::size_t p = start;
    const auto at = [&text](std::size_t i) { return i < text.size() ? text[i] : '\0'; };
    const auto fail = [&s, &text](LexError e, std::size_t where) {
        s.error = e;
        s.error_at = std::min(where, text.size());
        return s;
    };
    if (at(p) == '-') {
        s.negative = true;
        ++p;
        if (!is_digit(at(p))) {
            return fail(LexError::digit_after_minus, p);
        }
    }
    if (at(p) == '0') {
        ++p;
    } else {
        while (is_digit(at(p))) {
            ++p;
        }
    }
    if (at(p) == '.') {
        s.integral = false;
        ++p;
        if (!is_digit(at(p))) {
            return fail(LexError::digit_after_point, p);
        }
        while (is_digit(at(p))) {
            ++p;
        }
    }
    if (at(p) == 'e' || at(p) == 'E') {
        s.integral = false;
        s.exponent = true;
        ++p;
        if (at(p) == '+' || at(p) == '-') {
            ++p;
            if (!is_digit(at(p))) {
                return fail(LexError::digit_after_exponent_sign, p);
            }
        } else if (!is_digit(at(p))) {
            return fail(LexError::digit_after_exponent, p);
        }
        while (is_digit(at(p))) {
            ++p;
        }
    }
    s.end = p;
    return s;
}

/// Scans `true`, `false` or `null` at `start`, byte by byte as nlohmann does.
[[nodiscard]] Scan scan_literal(std::string_view text, std::size_t start, std::string_view word)
{
    Scan s;
    for (std::size_t i = 0; i < word.size(); ++i) {
        if (start + i >= text.size() || text[start + i] != word[i]) {
            s.error = LexError::invalid_literal;
            s.error_at = std::min(start + i, text.size());
            return s;
        }
    }
    s.end = start + word.size();
    return s;
}

/// nlohmann's names of the control characters U+0000..U+001F.
constexpr std::array<std::string_view, 32> kControlNames{
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS",  "HT",  "LF",
    "VT",  "FF",  "CR",  "SO",  "SI",  "DLE", "DC1", "DC2", "DC3", "DC4", "NAK",
    "SYN", "ETB", "CAN", "EM",  "SUB", "ESC", "FS",  "GS",  "RS",  "US"};

[[nodiscard]] std::string lex_message(LexError e, unsigned char byte)
{
    switch (e) {
    case LexError::missing_quote:
        return "invalid string: missing closing quote";
    case LexError::bad_escape:
        return "invalid string: forbidden character after backslash";
    case LexError::bad_unicode_escape:
        return "invalid string: '\\u' must be followed by 4 hex digits";
    case LexError::lone_high_surrogate:
        return "invalid string: surrogate U+D800..U+DBFF must be followed by U+DC00..U+DFFF";
    case LexError::lone_low_surrogate:
        return "invalid string: surrogate U+DC00..U+DFFF must follow U+D800..U+DBFF";
    case LexError::control_character: {
        std::string hex;
        append_hex(hex, byte, true);
        std::string m = "invalid string: control character U+00" + hex + " (" +
                        std::string(kControlNames[byte & 0x1FU]) + ") must be escaped to \\u00" + hex;
        constexpr std::string_view kShort = "btn-fr"; // \b \t \n (VT has none) \f \r
        if (byte >= 0x08U && byte <= 0x0DU && byte != 0x0BU) {
            m += std::string(" or \\") + kShort[byte - 0x08U];
        }
        return m;
    }
    case LexError::bad_utf8:
        return "invalid string: ill-formed UTF-8 byte";
    case LexError::invalid_literal:
        return "invalid literal";
    case LexError::digit_after_minus:
        return "invalid number; expected digit after '-'";
    case LexError::digit_after_point:
        return "invalid number; expected digit after '.'";
    case LexError::digit_after_exponent:
        return "invalid number; expected '+', '-', or digit after exponent";
    case LexError::digit_after_exponent_sign:
        return "invalid number; expected digit after exponent sign";
    case LexError::none:
        break;
    }
    return "invalid JSON";
}

/// Whether a number token overflows a double (strtod gives infinity; an underflow to 0 is fine).
[[nodiscard]] bool overflows_double(std::string_view token)
{
    double value = 0.0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec != std::errc::result_out_of_range) {
        return false;
    }
    const std::string copy(token);
    return std::isinf(std::strtod(copy.c_str(), nullptr));
}

} // namespace

// --- positions ---

TextPositions::TextPositions(std::string_view text, const TextOrigin& origin)
    : text_(text), start_(origin.depth == 0 && text.starts_with(kBom) ? kBom.size() : 0), origin_(origin.at),
      offset_(start_), position_(origin.at)
{
}

Position TextPositions::at(std::size_t offset) const
{
    if (offset < offset_) {
        offset_ = start_;
        position_ = origin_;
    }
    const std::size_t end = std::min(offset, text_.size());
    std::size_t line = position_.line;
    std::size_t column = position_.column;
    if (ascii_) {
        // Every byte is a column: only the line breaks need finding.
        std::size_t i = offset_;
        while (i < end) {
            const void* const nl = std::memchr(text_.data() + i, '\n', end - i);
            if (nl == nullptr) {
                break;
            }
            ++line;
            column = 1;
            i = static_cast<std::size_t>(static_cast<const char*>(nl) - text_.data()) + 1;
        }
        column += end - std::min(i, end);
        if (end > offset_) {
            offset_ = end;
            position_ = Position{line, column};
        }
        return position_;
    }
    for (std::size_t i = offset_; i < end; ++i) {
        const char c = text_[i];
        if (c == '\n') {
            ++line;
            column = 1;
        } else if (!is_continuation_byte(c)) {
            ++column;
        }
    }
    if (end > offset_) {
        offset_ = end;
        position_ = Position{line, column};
    }
    return position_;
}

// --- the parser ---

namespace {

/// One open container of the parser. Frames are reused as containers open and close.
struct ParseFrame {
    JsonDocument::Ref node = 0;
    bool object = false;
    bool to_sink = false;       ///< the root's `events`: elements go to the parser's sink
    std::string_view key;       ///< objects: the key of the member being read (decoded)
    std::size_t keys_begin = 0; ///< small objects: where their keys start on the parser's key stack
    std::uint64_t key_bits = 0; ///< small objects: a bit for each key's signature (key_bit)
    std::unordered_map<std::string_view, std::size_t> key_map; ///< large objects: key, offset
};

/// A key of an open small object, with a signature that tells most different keys apart in one
/// comparison (its length, first and last byte).
struct SeenKey {
    std::uint64_t signature = 0;
    std::string_view key;
    std::size_t offset = 0;
};

[[nodiscard]] std::uint64_t key_signature(std::string_view key)
{
    if (key.empty()) {
        return 0;
    }
    const auto first = static_cast<unsigned char>(key.front());
    const auto last = static_cast<unsigned char>(key.back());
    return (std::uint64_t{key.size()} << 16U) | (std::uint64_t{first} << 8U) | last;
}

/// One of 64 bits picked by a key's signature (the top bits of a multiplicative hash): a small object
/// keeps the bits of its keys, so that a key with a bit not set before cannot be a duplicate.
[[nodiscard]] std::uint64_t key_bit(std::uint64_t signature)
{
    constexpr std::uint64_t kMultiplier = 0x9E3779B97F4A7C15ULL;
    constexpr unsigned kShift = 58; // keeps 6 bits
    return std::uint64_t{1} << ((signature * kMultiplier) >> kShift);
}

/// The parser's working memory, kept per thread between documents (a `.jsonl` file or a streamed
/// document parses one small text after another: without it, each would allocate the same again).
struct ParseScratch {
    std::vector<ParseFrame> frames;
    std::vector<SeenKey> keys;
    std::vector<JsonDocument::Node> nodes; ///< a tape given back by a document (JsonDocument::recycle)
};

thread_local ParseScratch t_scratch; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

/// Largest tape kept for reuse, in nodes (4 MiB): a huge document's tape is freed with it.
constexpr std::size_t kMaxSpareNodes = std::size_t{1} << 18U;

} // namespace

JsonDocument::~JsonDocument() { recycle(); }

JsonDocument& JsonDocument::operator=(JsonDocument&& other) noexcept
{
    if (this != &other) {
        recycle();
        text_ = other.text_;
        nodes_ = std::move(other.nodes_);
        other.nodes_.clear();
        positions_ = other.positions_;
    }
    return *this;
}

void JsonDocument::recycle()
{
    std::vector<Node>& spare = t_scratch.nodes;
    if (nodes_.capacity() > spare.capacity() && nodes_.capacity() <= kMaxSpareNodes) {
        nodes_.clear();
        spare.swap(nodes_);
    }
}

/// One pass over the text, pushing nodes; the first error found stops it, except a duplicate key,
/// which a later syntax or limit error overrides (as when nlohmann parsed first).
class JsonParser {
  public:
    JsonParser(std::string_view text, const TextOrigin& origin, const Limits& limits,
               const JsonDocument::ElementSink* sink)
        : text_(text), base_depth_(origin.depth), limits_(limits), sink_(sink), doc_(text, origin)
    {
        frames_.swap(t_scratch.frames);
        keys_.swap(t_scratch.keys);
        keys_.clear();
        nodes().swap(t_scratch.nodes);
        nodes().clear();
    }

    ~JsonParser()
    {
        frames_.swap(t_scratch.frames);
        keys_.swap(t_scratch.keys);
    }

    JsonParser(const JsonParser&) = delete;
    JsonParser& operator=(const JsonParser&) = delete;
    JsonParser(JsonParser&&) = delete;
    JsonParser& operator=(JsonParser&&) = delete;

    [[nodiscard]] ExpectedT<JsonDocument, Error> run()
    {
        if (text_.size() >= std::numeric_limits<std::uint32_t>::max()) {
            return tl::make_unexpected(
                error_at(ErrorCode::limit, 0, "expected a JSON text of less than 4 GiB"));
        }
        if (base_depth_ == 0 && text_.starts_with(kBom)) {
            pos_ = kBom.size();
        } else if (base_depth_ == 0 && !text_.empty() && text_[0] == kBom[0]) {
            return tl::make_unexpected(
                syntax_at(0, 0, "value", "invalid BOM; must be 0xEF 0xBB 0xBF if given", {}));
        }
        if (sink_ == nullptr) {
            nodes().reserve(text_.size() / 8 + 4); // with a sink, events do not stay: the tape is small
        }
        if (!parse()) {
            return tl::make_unexpected(std::move(*error_));
        }
        if (duplicate_) {
            return tl::make_unexpected(std::move(*duplicate_));
        }
        doc_.positions_.set_ascii(!multibyte_);
        return std::move(doc_);
    }

  private:
    static constexpr std::string_view kLiteralOrValue = "'[', '{', or a literal";
    /// Objects with more keys than this check duplicates with a hash map instead of a linear search.
    static constexpr std::size_t kSmallObject = 16;

    using Frame = ParseFrame;

    std::vector<JsonDocument::Node>& nodes() { return doc_.nodes_; }

    [[gnu::always_inline]] void skip_ws()
    {
        while (pos_ < text_.size() && is_ws(text_[pos_])) {
            ++pos_;
        }
    }

    [[nodiscard]] char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

    [[nodiscard]] Error error_at(ErrorCode code, std::size_t offset, std::string message) const
    {
        Error e;
        e.code = code;
        e.message = std::move(message);
        const Position p = doc_.positions_.at(offset);
        e.line = p.line;
        e.column = p.column;
        return e;
    }

    /// nlohmann's wording: "syntax error while parsing <context> - <what>; expected <expected>".
    [[nodiscard]] Error syntax_at(std::size_t token_start, std::size_t at, std::string_view context,
                                  std::string_view lex, std::string_view expected) const
    {
        std::string m = "syntax error while parsing " + std::string(context) + " - " + std::string(lex);
        if (!lex.starts_with("unexpected ")) {
            // The token as read so far, as nlohmann shows it (control characters as <U+XXXX>).
            m += "; last read: '";
            const std::size_t end = std::min(at + 1, text_.size());
            for (std::size_t i = token_start; i < end; ++i) {
                const auto c = static_cast<unsigned char>(text_[i]);
                if (c <= 0x1FU) {
                    m += "<U+00";
                    append_hex(m, c, true);
                    m += '>';
                } else {
                    m += static_cast<char>(c);
                }
            }
            m += "'";
        }
        if (!expected.empty()) {
            m += "; expected " + std::string(expected);
        }
        return error_at(ErrorCode::bad_input, at, "invalid JSON: " + printable(m, kMaxSyntaxMessage, true));
    }

    /// Fails on the token at the cursor: it is refused by the lexer, or not what `context` expects.
    /// `expected_if_lex`: whether a lexer error also says what was expected (not so for a value).
    [[nodiscard]] bool fail_token(std::string_view context, std::string_view expected,
                                  bool expected_if_lex = true)
    {
        const std::size_t start = pos_;
        if (start >= text_.size()) {
            return fail(syntax_at(start, text_.size(), context, "unexpected end of input", expected));
        }
        const char c = text_[start];
        std::string_view name;
        Scan s;
        switch (c) {
        case '{':
            name = "'{'";
            break;
        case '}':
            name = "'}'";
            break;
        case '[':
            name = "'['";
            break;
        case ']':
            name = "']'";
            break;
        case ':':
            name = "':'";
            break;
        case ',':
            name = "','";
            break;
        case '"':
            s = scan_string(text_, start);
            name = "string literal";
            break;
        case 't':
            s = scan_literal(text_, start, "true");
            name = "true literal";
            break;
        case 'f':
            s = scan_literal(text_, start, "false");
            name = "false literal";
            break;
        case 'n':
            s = scan_literal(text_, start, "null");
            name = "null literal";
            break;
        default:
            if (c == '-' || is_digit(c)) {
                s = scan_number(text_, start);
                name = "number literal";
            } else {
                s.error = LexError::invalid_literal;
                s.error_at = start;
            }
            break;
        }
        if (s.error != LexError::none) {
            const unsigned char byte =
                s.error_at < text_.size() ? static_cast<unsigned char>(text_[s.error_at]) : 0;
            return fail(syntax_at(start, s.error_at, context, lex_message(s.error, byte),
                                  expected_if_lex ? expected : std::string_view{}));
        }
        const std::size_t last = s.end > start ? s.end - 1 : start;
        return fail(syntax_at(start, last, context, "unexpected " + std::string(name), expected));
    }

    bool fail(Error e)
    {
        error_ = std::move(e);
        return false;
    }

    [[gnu::always_inline]] JsonDocument::Ref push(JsonDocument::Kind kind, std::size_t offset)
    {
        const auto ref = static_cast<JsonDocument::Ref>(nodes().size());
        JsonDocument::Node& n = nodes().emplace_back();
        n.kind = kind;
        n.offset = static_cast<std::uint32_t>(offset);
        n.end = ref + 1;
        return ref;
    }

    /// The first byte at or after `p` that is not plain printable ASCII (a quote, a backslash, a
    /// control character, 0x80 and above), or the text's size.
    [[gnu::always_inline]] [[nodiscard]] std::size_t plain_end(std::size_t p) const
    {
        const std::size_t size = text_.size();
        const char* const data = text_.data();
#if defined(__SSE2__)
        // 16 bytes at a time: a byte is special if it is a quote, a backslash, or below 0x20 as a signed
        // byte (a control character, or 0x80 and above); the first one is the lowest bit of the mask.
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i space = _mm_set1_epi8(0x20);
        while (size - p >= sizeof(__m128i)) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + p));
            const __m128i special =
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                             _mm_cmplt_epi8(v, space));
            const auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
            if (mask != 0) {
                return p + static_cast<std::size_t>(std::countr_zero(mask));
            }
            p += sizeof(__m128i);
        }
#endif
        while (size - p >= sizeof(std::uint64_t)) {
            std::uint64_t w = 0;
            std::memcpy(&w, data + p, sizeof w);
            if (has_special_byte(w)) {
                break;
            }
            p += sizeof w;
        }
        while (p < size) {
            const auto c = static_cast<unsigned char>(data[p]);
            if (c < 0x20U || c == '"' || c == '\\' || c >= 0x80U) {
                break;
            }
            ++p;
        }
        return p;
    }

    /// Reads the string at the cursor if it is plain printable ASCII up to its closing quote (most
    /// are); false, the cursor unmoved, otherwise.
    [[gnu::always_inline]] [[nodiscard]] bool plain_string_node()
    {
        const std::size_t p = plain_end(pos_ + 1);
        if (p == text_.size() || text_[p] != '"') {
            return false;
        }
        const JsonDocument::Ref r = push(JsonDocument::Kind::string, pos_);
        nodes()[r].size = static_cast<std::uint32_t>(p - pos_ - 1);
        pos_ = p + 1;
        return true;
    }

    /// Reads a string token at the cursor into a node: plain_string_node, or the whole lexer (escapes,
    /// UTF-8, errors).
    [[gnu::always_inline]] [[nodiscard]] bool string_node(std::string_view context, std::string_view expected,
                                                          bool expected_if_lex)
    {
        return plain_string_node() || any_string_node(context, expected, expected_if_lex);
    }

    [[gnu::noinline]] [[nodiscard]] bool any_string_node(std::string_view context, std::string_view expected,
                                                         bool expected_if_lex)
    {
        const Scan s = scan_string(text_, pos_);
        if (s.error != LexError::none) {
            return fail_token(context, expected, expected_if_lex);
        }
        const JsonDocument::Ref r = push(JsonDocument::Kind::string, pos_);
        JsonDocument::Node& n = nodes()[r];
        n.size = static_cast<std::uint32_t>(s.end - pos_ - 2);
        n.escaped = s.escaped;
        multibyte_ = multibyte_ || s.multibyte;
        pos_ = s.end;
        return true;
    }

    /// Reads a scalar or opens a container at the cursor (after whitespace).
    [[gnu::always_inline]] [[nodiscard]] bool value()
    {
        const char c = peek();
        const std::size_t start = pos_;
        switch (c) {
        case '{':
        case '[':
            return open(c == '{');
        case '"':
            return string_node("value", kLiteralOrValue, false);
        case 't':
        case 'f':
        case 'n': {
            const std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
            const Scan s = scan_literal(text_, start, word);
            if (s.error != LexError::none) {
                return fail_token("value", kLiteralOrValue, false);
            }
            (void)push(c == 't'   ? JsonDocument::Kind::true_literal
                       : c == 'f' ? JsonDocument::Kind::false_literal
                                  : JsonDocument::Kind::null,
                       start);
            pos_ = s.end;
            return true;
        }
        default:
            break;
        }
        if (c != '-' && !is_digit(c)) {
            return fail_token("value", kLiteralOrValue, false);
        }
        const Scan s = scan_number(text_, start);
        if (s.error != LexError::none) {
            return fail_token("value", kLiteralOrValue, false);
        }
        const std::size_t length = s.end - start;
        if (length > limits_.max_number_chars) {
            return fail(error_at(ErrorCode::limit, start,
                                 "expected JSON numbers of at most " +
                                     std::to_string(limits_.max_number_chars) +
                                     " characters (limit --max-number-chars), found one of " +
                                     std::to_string(length) + " characters"));
        }
        const std::string_view token = text_.substr(start, length);
        // Only an exponent or more than 300 digits can take a number beyond a double's range (1.8e308).
        if ((s.exponent || length > 300) && overflows_double(token)) {
            return fail(error_at(ErrorCode::bad_input, start,
                                 "invalid JSON: expected a number within the range of a double; number "
                                 "overflow parsing '" +
                                     printable(token, kMaxQuoted, true) + "'"));
        }
        const JsonDocument::Ref r = push(JsonDocument::Kind::number, start);
        JsonDocument::Node& n = nodes()[r];
        n.size = static_cast<std::uint32_t>(length);
        n.integral = s.integral;
        n.negative = s.negative;
        pos_ = s.end;
        return true;
    }

    [[nodiscard]] bool open(bool object)
    {
        if (base_depth_ + depth_ >= limits_.max_nesting) {
            return fail(error_at(ErrorCode::limit, pos_,
                                 "expected JSON nested at most " + std::to_string(limits_.max_nesting) +
                                     " levels deep (limit --max-nesting), found deeper nesting"));
        }
        const JsonDocument::Ref r =
            push(object ? JsonDocument::Kind::object : JsonDocument::Kind::array, pos_);
        ++pos_;
        if (frames_.size() == depth_) {
            frames_.emplace_back();
        }
        Frame& f = frames_[depth_++];
        f.node = r;
        f.object = object;
        f.to_sink = !object && depth_ == 2 && sink_ != nullptr && base_depth_ == 0 && frames_[0].object &&
                    frames_[0].key == "events";
        f.key = {};
        f.keys_begin = keys_.size();
        f.key_bits = 0;
        if (!f.key_map.empty()) {
            f.key_map.clear();
        }
        return true;
    }

    /// Reads a member's key and the ':' after it, leaving the cursor on the value.
    [[gnu::always_inline]] [[nodiscard]] bool key()
    {
        skip_ws();
        if (peek() != '"') {
            return fail_token("object key", "string literal");
        }
        const std::size_t at = pos_;
        std::string_view key;
        if (plain_string_node()) {
            key = std::string_view(text_.data() + at + 1, pos_ - at - 2);
        } else if (!any_key(key)) {
            return false;
        }
        Frame& f = frames_[depth_ - 1];
        f.key = key;
        if (!duplicate_) {
            if (const std::optional<std::size_t> first = add_key(f, key, at)) {
                report_duplicate(key, *first, at);
            }
        }
        skip_ws();
        if (peek() != ':') {
            return fail_token("object separator", "':'");
        }
        ++pos_;
        skip_ws();
        return true;
    }

    /// A key that is not plain_string_node's: read by the whole lexer, decoded if it has escapes
    /// (kept in decoded_keys_ for the views).
    [[gnu::noinline]] [[nodiscard]] bool any_key(std::string_view& key)
    {
        const std::size_t at = pos_;
        if (!any_string_node("object key", "string literal", true)) {
            return false;
        }
        const JsonDocument::Node& n = nodes().back();
        key = text_.substr(at + 1, n.size);
        if (n.escaped) {
            key =
                decoded_keys_.emplace_front(doc_.string(static_cast<JsonDocument::Ref>(nodes().size() - 1)));
        }
        return true;
    }

    /// Adds `key`; returns where it was seen first if it is a duplicate.
    std::optional<std::size_t> add_key(Frame& f, std::string_view key, std::size_t at)
    {
        if (f.key_map.empty() && keys_.size() - f.keys_begin < kSmallObject) {
            const std::uint64_t signature = key_signature(key);
            const std::uint64_t bit = key_bit(signature);
            // A key whose bit is not set yet is new: the keys seen are searched only when it is.
            if ((f.key_bits & bit) != 0) {
                for (std::size_t i = f.keys_begin; i < keys_.size(); ++i) {
                    if (keys_[i].signature == signature && keys_[i].key == key) {
                        return keys_[i].offset;
                    }
                }
            }
            f.key_bits |= bit;
            keys_.push_back(SeenKey{signature, key, at});
            return std::nullopt;
        }
        return add_large_key(f, key, at);
    }

    /// add_key for an object of more than kSmallObject keys.
    [[gnu::noinline]] std::optional<std::size_t> add_large_key(Frame& f, std::string_view key, std::size_t at)
    {
        if (f.key_map.empty()) {
            for (std::size_t i = f.keys_begin; i < keys_.size(); ++i) {
                f.key_map.emplace(keys_[i].key, keys_[i].offset);
            }
            keys_.resize(f.keys_begin);
        }
        const auto [it, inserted] = f.key_map.emplace(key, at);
        if (!inserted) {
            return it->second;
        }
        return std::nullopt;
    }

    [[gnu::noinline]] void report_duplicate(std::string_view key, std::size_t first, std::size_t second)
    {
        // The pointer of the open object: each enclosing container's member key or element index.
        std::string pointer;
        for (std::size_t d = 0; d + 1 < depth_; ++d) {
            const Frame& f = frames_[d];
            pointer += '/';
            if (f.object) {
                pointer += escape_pointer_token(f.key);
            } else {
                pointer += std::to_string(nodes()[f.node].size);
            }
        }
        pointer += "/" + escape_pointer_token(key);
        const Position p = doc_.positions_.at(first);
        Error e = error_at(ErrorCode::bad_input, second,
                           "duplicate key '" + printable(key, kMaxQuoted) +
                               "'; expected each key once per object (first at line " +
                               std::to_string(p.line) + ", column " + std::to_string(p.column) + ")");
        e.json_pointer = std::move(pointer);
        duplicate_ = std::move(e);
    }

    /// Closes the innermost container at the cursor (its '}' or ']').
    void close()
    {
        ++pos_;
        Frame& f = frames_[--depth_];
        nodes()[f.node].end = static_cast<JsonDocument::Ref>(nodes().size());
        keys_.resize(f.keys_begin);
    }

    /// Gives the element just read in the sink's array (its last one, complete) to the sink, then takes
    /// it off the tape.
    [[gnu::noinline]] void hand_on(const Frame& f)
    {
        const JsonDocument::Ref element = f.node + 1;
        // Every byte up to the cursor has been read: if none was 0x80 or above, memchr finds the lines.
        // Afterwards byte by byte again, so that an error's position does not depend on the sink.
        doc_.positions_.set_ascii(!multibyte_);
        (*sink_)(doc_, element, nodes()[f.node].size - 1);
        doc_.positions_.set_ascii(false);
        nodes().resize(element);
    }

    [[nodiscard]] bool parse()
    {
        skip_ws();
        if (!value()) {
            return false;
        }
        while (depth_ > 0) {
            Frame& f = frames_[depth_ - 1];
            JsonDocument::Node& container = nodes()[f.node];
            skip_ws();
            const char c = peek();
            const char closer = f.object ? '}' : ']';
            if (container.size == 0 && nodes().size() == f.node + 1U) {
                // Just opened: empty, or the first member/element.
                if (c == closer) {
                    close();
                    continue;
                }
            } else if (c == closer) {
                ++container.size;
                if (f.to_sink) {
                    hand_on(f);
                }
                close();
                continue;
            } else if (c == ',') {
                ++container.size;
                if (f.to_sink) {
                    hand_on(f);
                }
                ++pos_;
                skip_ws();
            } else {
                return fail_token(f.object ? "object" : "array", f.object ? "'}'" : "']'");
            }
            if (f.object ? !key() : false) {
                return false;
            }
            if (!value()) {
                return false;
            }
        }
        skip_ws();
        if (pos_ != text_.size()) {
            return fail_token("value", "end of input");
        }
        return true;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t base_depth_;
    const Limits& limits_;
    const JsonDocument::ElementSink* sink_; ///< takes the elements of the root's `events`, if set
    JsonDocument doc_;
    std::vector<Frame> frames_; ///< frames_[0, depth_) are open
    std::vector<SeenKey> keys_; ///< keys of the open small objects
    bool multibyte_ = false;    ///< a string has a byte 0x80 or above
    std::size_t depth_ = 0;
    std::forward_list<std::string>
        decoded_keys_; ///< keys with escapes, decoded (stable for the frames' views)
    std::optional<Error> error_;
    std::optional<Error> duplicate_;
};

ExpectedT<JsonDocument, Error> JsonDocument::parse(std::string_view text, const TextOrigin& origin,
                                                   const Limits& limits, const ElementSink* events)
{
    return JsonParser(text, origin, limits, events).run();
}

// --- reading the tape ---

std::string_view JsonDocument::token(Ref r) const
{
    const Node& n = nodes_[r];
    switch (n.kind) {
    case Kind::string:
        return text_.substr(n.offset, std::size_t{n.size} + 2);
    case Kind::number:
        return text_.substr(n.offset, n.size);
    case Kind::true_literal:
        return "true";
    case Kind::false_literal:
        return "false";
    case Kind::null:
        return "null";
    case Kind::object:
    case Kind::array:
        break;
    }
    return text_.substr(n.offset, 1);
}

std::string JsonDocument::string(Ref r) const
{
    const Node& n = nodes_[r];
    const std::string_view raw = text_.substr(n.offset + 1, n.size);
    if (!n.escaped) {
        return std::string(raw);
    }
    std::string out;
    out.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\') {
            out += raw[i];
            continue;
        }
        const char e = raw[++i];
        switch (e) {
        case 'b':
            out += '\b';
            break;
        case 'f':
            out += '\f';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 't':
            out += '\t';
            break;
        case 'u': {
            std::uint32_t cp = hex4(raw, i + 1).value_or(0);
            i += 4;
            if (cp >= 0xD800U && cp <= 0xDBFFU) { // the parser checked the low surrogate follows
                const std::uint32_t low = hex4(raw, i + 3).value_or(0xDC00U);
                cp = 0x10000U + ((cp - 0xD800U) << 10U) + (low - 0xDC00U);
                i += 6;
            }
            append_utf8(out, cp);
            break;
        }
        default:
            out += e; // '"', '\\', '/'
            break;
        }
    }
    return out;
}

bool JsonDocument::string_equals(Ref r, std::string_view s) const
{
    const Node& n = nodes_[r];
    if (n.kind != Kind::string) {
        return false;
    }
    if (!n.escaped) {
        return text_.substr(n.offset + 1, n.size) == s;
    }
    return string(r) == s;
}

std::optional<JsonDocument::Ref> JsonDocument::member(Ref r, std::string_view key) const
{
    std::optional<Ref> found;
    for_each_member(r, [&](Ref k, Ref v) {
        if (string_equals(k, key)) {
            found = v;
            return false;
        }
        return true;
    });
    return found;
}

double JsonDocument::Number::as_double() const
{
    switch (type) {
    case Type::unsigned_integer:
        return static_cast<double>(u);
    case Type::signed_integer:
        return static_cast<double>(i);
    case Type::floating:
        break;
    }
    return d;
}

JsonDocument::Number JsonDocument::number(Ref r) const
{
    const Node& n = nodes_[r];
    const std::string_view token = text_.substr(n.offset, n.size);
    const char* const first = token.data();
    const char* const last = first + token.size();
    Number out;
    if (n.integral) {
        if (!n.negative) {
            if (const auto [end, ec] = std::from_chars(first, last, out.u);
                ec == std::errc{} && end == last) {
                out.type = Number::Type::unsigned_integer;
                return out;
            }
        } else if (const auto [end, ec] = std::from_chars(first, last, out.i);
                   ec == std::errc{} && end == last) {
            out.type = Number::Type::signed_integer;
            return out;
        }
    }
    out.type = Number::Type::floating;
    if (const auto [end, ec] = std::from_chars(first, last, out.d); ec != std::errc{}) {
        out.d = std::strtod(std::string(token).c_str(), nullptr); // an underflow: strtod's 0 or denormal
    }
    return out;
}

nlohmann::json JsonDocument::to_json(Ref r) const
{
    using nlohmann::json;
    const Node& n = nodes_[r];
    switch (n.kind) {
    case Kind::object: {
        json j = json::object();
        auto& members = j.get_ref<json::object_t&>();
        // Keys are unique (the parser refuses duplicates) and mostly written in order: each is tried
        // at the end first.
        for_each_member(r, [&](Ref k, Ref v) {
            members.emplace_hint(members.end(), string(k), to_json(v));
            return true;
        });
        return j;
    }
    case Kind::array: {
        json j = json::array();
        auto& elements = j.get_ref<json::array_t&>();
        elements.reserve(n.size);
        for_each_element(r, [&](std::size_t, Ref e) {
            elements.push_back(to_json(e));
            return true;
        });
        return j;
    }
    case Kind::string:
        return string(r);
    case Kind::number: {
        const Number num = number(r);
        switch (num.type) {
        case Number::Type::unsigned_integer:
            return num.u;
        case Number::Type::signed_integer:
            return num.i;
        case Number::Type::floating:
            break;
        }
        return num.d;
    }
    case Kind::true_literal:
        return true;
    case Kind::false_literal:
        return false;
    case Kind::null:
        break;
    }
    return nullptr;
}

// --- helpers ---

bool is_blank(std::string_view text)
{
    if (text.starts_with(kBom)) {
        text.remove_prefix(kBom.size());
    }
    return std::all_of(text.begin(), text.end(), is_ws);
}

std::string printable(std::string_view s, std::size_t max, bool ascii_only)
{
    std::string out;
    std::size_t chars = 0;
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        const bool continuation = (u & 0xC0U) == 0x80U;
        if (!continuation || ascii_only) {
            if (chars == max) {
                out += "...";
                break;
            }
            ++chars;
        }
        if (u == '\n') {
            out += "\\n";
        } else if (u == '\t') {
            out += "\\t";
        } else if (u == '\r') {
            out += "\\r";
        } else if (u < 0x20U || u == 0x7FU || (ascii_only && u >= 0x80U)) {
            out += "\\x";
            append_hex(out, u, true);
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace pc5check::trace::detail
