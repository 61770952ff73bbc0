#include "trace/position_index.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace pc5check::trace::detail {

namespace {

[[nodiscard]] bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Ends a number or literal token.
[[nodiscard]] bool is_delimiter(char c)
{
    return is_ws(c) || c == ',' || c == ':' || c == '[' || c == ']' || c == '{' || c == '}' || c == '"';
}

[[nodiscard]] bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

[[nodiscard]] bool starts_with_bom(std::string_view text) { return text.starts_with("\xEF\xBB\xBF"); }

[[nodiscard]] int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

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

/// Whether a number token overflows a double (nlohmann throws out_of_range 406 for it).
[[nodiscard]] bool overflows_double(std::string_view token)
{
    // Only an exponent or a very long mantissa can overflow; skip strtod for ordinary numbers.
    const bool has_exponent = token.find_first_of("eE") != std::string_view::npos;
    if (!has_exponent && token.size() <= 300) {
        return false;
    }
    const std::string copy(token);
    char* end = nullptr;
    const double value = std::strtod(copy.c_str(), &end);
    return end != copy.c_str() && std::isinf(value);
}

} // namespace

/// The one-pass scanner behind PositionIndex::scan.
class Scanner {
  public:
    Scanner(std::string_view text, const ScanOrigin& origin, const PositionIndex::Filter& record,
            const Limits& limits, PositionIndex& out)
        : text_(text), line_(origin.at.line), column_(origin.at.column), base_depth_(origin.depth),
          record_(record), limits_(limits), path_(origin.pointer), out_(out)
    {
    }

    void run()
    {
        if (base_depth_ == 0 && starts_with_bom(text_)) {
            pos_ = 3; // like nlohmann, ignore a UTF-8 byte order mark; it takes no column
        }
        while (pos_ < text_.size() && !out_.too_deep_) {
            const char c = text_[pos_];
            if (is_ws(c) || c == ':') {
                advance();
            } else if (c == ',') {
                advance();
                if (depth_ > 0 && top().is_object) {
                    top().expect_key = true;
                }
            } else if (c == '}' || c == ']') {
                advance();
                if (depth_ > 0) {
                    --depth_;
                    path_.resize(frames_[depth_].base_length);
                }
            } else if (c == '"' && depth_ > 0 && top().is_object && top().expect_key) {
                read_key();
            } else {
                read_value(c);
            }
        }
    }

  private:
    /// Objects with more keys than this check duplicates with a hash set instead of a linear search.
    static constexpr std::size_t kSmallObject = 16;

    /// One open container. Frames are reused (cleared, capacity kept) as containers open and close.
    struct Frame {
        bool is_object = false;
        bool expect_key = true;      ///< objects: the next string is a key
        std::size_t next_index = 0;  ///< arrays: index of the next element
        std::size_t base_length = 0; ///< length of the path before this container's own token
        std::string member_token;    ///< objects: escaped key of the member being read
        Position member_key;         ///< objects: where that key starts
        std::vector<std::pair<std::string, Position>> keys; ///< small objects: keys so far
        std::unordered_map<std::string, Position> key_set;  ///< large objects: keys so far
    };

    static void reset(Frame& frame, bool object, std::size_t base)
    {
        frame.is_object = object;
        frame.expect_key = true;
        frame.next_index = 0;
        frame.base_length = base;
        frame.member_token.clear();
        frame.member_key = Position{};
        frame.keys.clear();
        frame.key_set.clear();
    }

    /// Adds `key` (moved from unless it is a duplicate); returns where a duplicate was seen first.
    static std::optional<Position> add_key(Frame& frame, std::string& key, Position at)
    {
        if (frame.key_set.empty() && frame.keys.size() < kSmallObject) {
            for (const auto& [k, p] : frame.keys) {
                if (k == key) {
                    return p;
                }
            }
            frame.keys.emplace_back(std::move(key), at);
            return std::nullopt;
        }
        if (frame.key_set.empty()) {
            for (auto& [k, p] : frame.keys) {
                frame.key_set.emplace(std::move(k), p);
            }
            frame.keys.clear();
        }
        if (const auto it = frame.key_set.find(key); it != frame.key_set.end()) {
            return it->second;
        }
        frame.key_set.emplace(std::move(key), at);
        return std::nullopt;
    }

    [[nodiscard]] Position here() const { return Position{line_, column_}; }
    [[nodiscard]] Frame& top() { return frames_[depth_ - 1]; }

    void advance()
    {
        const char c = text_[pos_++];
        if (c == '\n') {
            ++line_;
            column_ = 1;
        } else if (!is_continuation_byte(c)) {
            ++column_;
        }
    }

    /// Skips a string starting at its opening quote; returns its unescaped content when `decode`.
    std::string read_string(bool decode)
    {
        std::string content;
        advance(); // opening quote
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '"') {
                advance();
                break;
            }
            if (c != '\\') {
                if (decode) {
                    content += c;
                }
                advance();
                continue;
            }
            advance();
            if (pos_ >= text_.size()) {
                break;
            }
            const char e = text_[pos_];
            advance();
            if (!decode) {
                continue;
            }
            switch (e) {
            case 'b':
                content += '\b';
                break;
            case 'f':
                content += '\f';
                break;
            case 'n':
                content += '\n';
                break;
            case 'r':
                content += '\r';
                break;
            case 't':
                content += '\t';
                break;
            case 'u':
                decode_unicode_escape(content);
                break;
            default:
                content += e;
                break; // '"', '\\', '/' (and garbage)
            }
        }
        return content;
    }

    /// Reads the XXXX of a \uXXXX escape (and a following low surrogate escape); lenient on garbage.
    void decode_unicode_escape(std::string& out)
    {
        const auto read4 = [this]() -> std::optional<std::uint32_t> {
            if (text_.size() - pos_ < 4) {
                return std::nullopt;
            }
            std::uint32_t v = 0;
            for (std::size_t i = 0; i < 4; ++i) {
                const int d = hex_value(text_[pos_ + i]);
                if (d < 0) {
                    return std::nullopt;
                }
                v = v * 16U + static_cast<std::uint32_t>(d);
            }
            for (std::size_t i = 0; i < 4; ++i) {
                advance();
            }
            return v;
        };
        const std::optional<std::uint32_t> cp = read4();
        if (!cp) {
            return;
        }
        if (*cp >= 0xD800U && *cp <= 0xDBFFU && text_.substr(pos_).starts_with("\\u")) {
            advance();
            advance();
            if (const std::optional<std::uint32_t> low = read4(); low && *low >= 0xDC00U && *low <= 0xDFFFU) {
                append_utf8(out, 0x10000U + ((*cp - 0xD800U) << 10U) + (*low - 0xDC00U));
                return;
            }
        }
        append_utf8(out, *cp);
    }

    void read_key()
    {
        Frame& frame = top();
        const Position at = here();
        std::string key = read_string(true);
        frame.expect_key = false;
        frame.member_token = escape_pointer_token(key);
        frame.member_key = at;
        if (out_.duplicate_) {
            return; // only the first one is reported
        }
        if (const std::optional<Position> first = add_key(frame, key, at)) {
            out_.duplicate_ = DuplicateKey{path_ + "/" + frame.member_token, std::move(key), *first, at};
        }
    }

    void read_value(char c)
    {
        const Position at = here();
        const std::size_t offset = pos_;
        const std::size_t base = path_.size();
        Position key;
        bool record = true;
        if (depth_ == 0) {
            record = !root_seen_; // text after the root value is garbage nlohmann rejects
            root_seen_ = true;
        } else {
            Frame& frame = top();
            path_ += '/';
            if (frame.is_object) {
                path_ += frame.member_token;
                frame.member_token.clear();
                key = frame.member_key;
                frame.member_key = Position{};
            } else {
                path_ += std::to_string(frame.next_index++);
            }
        }
        if (record && path_.size() <= PositionIndex::kMaxPointerLength && record_(path_)) {
            out_.values_.insert_or_assign(path_, Located{offset, at, key});
        }
        if (c == '{' || c == '[') {
            if (base_depth_ + depth_ >= limits_.max_nesting) {
                out_.too_deep_ = at;
                return;
            }
            advance();
            if (frames_.size() == depth_) {
                frames_.emplace_back();
            }
            reset(frames_[depth_], c == '{', base);
            ++depth_;
            return; // the path keeps this container's token until it closes
        }
        path_.resize(base);
        if (c == '"') {
            (void)read_string(false);
            return;
        }
        const std::size_t start = pos_;
        do {
            advance();
        } while (pos_ < text_.size() && !is_delimiter(text_[pos_]));
        const std::string_view literal = text_.substr(start, pos_ - start);
        const bool number = literal[0] == '-' || (literal[0] >= '0' && literal[0] <= '9');
        if (number && !out_.long_number_ && literal.size() > limits_.max_number_chars) {
            out_.long_number_ = LongNumber{at, literal.size()};
        }
        if (number && !out_.number_overflow_ && overflows_double(literal)) {
            out_.number_overflow_ = at;
        }
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_;
    std::size_t column_;
    std::size_t base_depth_; ///< containers open around the text (ScanOrigin::depth)
    const PositionIndex::Filter& record_;
    const Limits& limits_;
    bool root_seen_ = false;
    std::vector<Frame> frames_; ///< frames_[0, depth_) are open
    std::size_t depth_ = 0;
    std::string path_; ///< JSON pointer of the innermost open container (plus the value being read)
    PositionIndex& out_;
};

PositionIndex PositionIndex::scan(std::string_view text, std::size_t first_line, const Filter& record,
                                  const Limits& limits)
{
    ScanOrigin origin;
    origin.at = Position{first_line, 1};
    return scan(text, origin, record, limits);
}

PositionIndex PositionIndex::scan(std::string_view text, const ScanOrigin& origin, const Filter& record,
                                  const Limits& limits)
{
    PositionIndex index;
    Scanner(text, origin, record, limits, index).run();
    return index;
}

PositionIndex PositionIndex::scan_for(std::string_view text, std::size_t first_line,
                                      const std::string& pointer, const Limits& limits)
{
    ScanOrigin origin;
    origin.at = Position{first_line, 1};
    return scan_for(text, origin, pointer, limits);
}

PositionIndex PositionIndex::scan_for(std::string_view text, const ScanOrigin& origin,
                                      const std::string& pointer, const Limits& limits)
{
    const Filter on_path = [&pointer](std::string_view p) {
        return pointer.size() == p.size() ? pointer == p
                                          : pointer.size() > p.size() && pointer[p.size()] == '/' &&
                                                std::string_view(pointer).starts_with(p);
    };
    return scan(text, origin, on_path, limits);
}

const Located* PositionIndex::find(const std::string& pointer) const
{
    const auto it = values_.find(pointer);
    return it == values_.end() ? nullptr : &it->second;
}

Position position_of(std::string_view text, std::size_t offset, std::size_t first_line)
{
    Position p{first_line, 1};
    std::size_t i = starts_with_bom(text) ? 3 : 0;
    const std::size_t end = offset < text.size() ? offset : text.size();
    for (; i < end; ++i) {
        if (text[i] == '\n') {
            ++p.line;
            p.column = 1;
        } else if (!is_continuation_byte(text[i])) {
            ++p.column;
        }
    }
    return p;
}

bool is_blank(std::string_view text)
{
    if (starts_with_bom(text)) {
        text.remove_prefix(3);
    }
    return std::all_of(text.begin(), text.end(), is_ws);
}

std::string escape_pointer_token(std::string_view token)
{
    std::string out;
    out.reserve(token.size());
    for (const char c : token) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace pc5check::trace::detail
