/// \file read_fast: one pass over a valid `pc5-trace/1` document, building the Trace as it scans.
///
/// The scanner accepts a subset of JSON that nlohmann parses the same way (no escapes, well-formed
/// UTF-8, numbers as the grammar has them) and a subset of the contract the full reader (reader.cpp)
/// accepts; everything outside both subsets is declined, never guessed. Positions are counted as the
/// position scan counts them (position_index.cpp): lines after '\n', columns in UTF-8 characters.

#include "trace/fast_reader.h"

#include "crypto/hex_digits.h"
#include "pc5check/common/utf8.h"
#include "trace/names.h"
#include "trace/position_index.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace pc5check::trace::detail {

namespace {

using nlohmann::json;

/// Deepest container read (the root is level 1; the format needs 6): bounds the recursion into IE
/// values and unknown members, whatever --max-nesting allows.
constexpr std::size_t kMaxLevel = 16;
/// Longest number token read, whatever --max-number-chars allows: the full reader knows when a long
/// token overflows a double.
constexpr std::size_t kMaxNumberChars = 64;
/// Longest IE name read: its JSON pointer ("/events/<i>/ie/" and the name, each '/' and '~' escaped to
/// two characters) must stay within PositionIndex::kMaxPointerLength, or the position scan does not
/// record it and the full reader gives the `ie` object's position instead.
constexpr std::size_t kMaxIeName = 128;
static_assert(std::string_view("/events/18446744073709551615/ie/").size() + 2 * kMaxIeName <=
              PositionIndex::kMaxPointerLength);

[[nodiscard]] bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// A number token as the JSON grammar has it.
struct Number {
    std::string_view token;
    bool negative = false;
    bool integral = true; ///< no fraction, no exponent
};

/// The token as an integer of type T, if it is one (nlohmann reads integers that do not fit 64 bits
/// as doubles: declined).
template <class T> [[nodiscard]] bool to_integer(std::string_view token, T& out)
{
    const char* const last = token.data() + token.size();
    const auto [end, ec] = std::from_chars(token.data(), last, out);
    return ec == std::errc{} && end == last;
}

/// The token as the nearest double, as strtod (nlohmann) rounds it; false when it overflows.
[[nodiscard]] bool to_double(std::string_view token, double& out)
{
    const char* const last = token.data() + token.size();
    const auto [end, ec] = std::from_chars(token.data(), last, out);
    return ec == std::errc{} && end == last && std::isfinite(out);
}

/// Which members of an object with a closed set of keys were seen: a second one is a duplicate key.
class Members {
  public:
    /// False if member `k` was seen before.
    template <class Key> [[nodiscard]] bool first(Key k)
    {
        const std::uint32_t bit = 1U << static_cast<unsigned>(k);
        const bool fresh = (bits_ & bit) == 0;
        bits_ |= bit;
        return fresh;
    }
    template <class Key> [[nodiscard]] bool has(Key k) const
    {
        return (bits_ & (1U << static_cast<unsigned>(k))) != 0;
    }

  private:
    std::uint32_t bits_ = 0;
};

/// The key among `names` (spelled in the order of Key's enumerators), if any.
template <class Key, std::size_t N>
[[nodiscard]] std::optional<Key> key_of(std::string_view key, const std::array<std::string_view, N>& names)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == key) {
            return static_cast<Key>(i);
        }
    }
    return std::nullopt;
}

enum class TopKey : std::uint8_t {
    format,
    spec,
    title,
    observer,
    link,
    keys,
    events,
    expect,
    attacker_steps
};
constexpr std::array<std::string_view, 9> kTopKeys{"format", "spec",   "title",  "observer",      "link",
                                                   "keys",   "events", "expect", "attacker_steps"};
enum class LinkKey : std::uint8_t {
    k_nrp_id,
    k_nrp_sess_id,
    selected_algs,
    k_nrp_sess,
    initiator_sec_cap,
    signalling_policy
};
constexpr std::array<std::string_view, 6> kLinkKeys{"k_nrp_id",   "k_nrp_sess_id",     "selected_algs",
                                                    "k_nrp_sess", "initiator_sec_cap", "signalling_policy"};
enum class AlgKey : std::uint8_t { nea, nia };
constexpr std::array<std::string_view, 2> kAlgKeys{"nea", "nia"};
enum class PolicyKey : std::uint8_t { integrity, ciphering };
constexpr std::array<std::string_view, 2> kPolicyKeys{"integrity", "ciphering"};
enum class KeyEntryKey : std::uint8_t { k_nrp_id, k_nrp };
constexpr std::array<std::string_view, 2> kKeyEntryKeys{"k_nrp_id", "k_nrp"};
enum class EventKey : std::uint8_t { at, from, msg, ie, sec, pdu };
constexpr std::array<std::string_view, 6> kEventKeys{"at", "from", "msg", "ie", "sec", "pdu"};
enum class SecKey : std::uint8_t { ctx, count, bearer, direction, mac, ciphered };
constexpr std::array<std::string_view, 6> kSecKeys{"ctx", "count", "bearer", "direction", "mac", "ciphered"};
enum class ExpectKey : std::uint8_t { verdict, rules, max_missing, timeout_ms, assumed, unverified, limit };
constexpr std::array<std::string_view, 7> kExpectKeys{"verdict", "rules",      "max_missing", "timeout_ms",
                                                      "assumed", "unverified", "limit"};

/// Most members of one attacker step read (`event`, `attack` and free-text annotations).
constexpr std::size_t kMaxStepMembers = 8;

/// The scanner and the contract in one: each reader function leaves the cursor after the value it
/// read, or returns false (decline) and leaves the cursor anywhere.
class Reader {
  public:
    /// `text` starts at line `first_line`, column `first_column` of its file.
    Reader(std::string_view text, std::size_t first_line, const Limits& limits, std::size_t first_column = 1)
        : text_(text), line_(first_line), column_shift_(first_column - 1), limits_(limits)
    {
    }

    /// The whole text: one trace object and nothing but whitespace around it.
    [[nodiscard]] bool document(Trace& trace)
    {
        skip_ws();
        trace.line = line_;
        Members seen;
        std::vector<std::string_view> unknown;
        const bool read = object(1, [&](std::string_view key) {
            const std::optional<TopKey> k = key_of<TopKey>(key, kTopKeys);
            if (!k) {
                // Vendor metadata is ignored, but must be valid JSON without duplicate keys as anywhere.
                for (const std::string_view u : unknown) {
                    if (u == key) {
                        return false;
                    }
                }
                unknown.push_back(key);
                return skip_value(2);
            }
            return seen.first(*k) && top_member(*k, trace);
        });
        skip_ws();
        return read && pos_ == text_.size() && seen.has(TopKey::format) && seen.has(TopKey::spec) &&
               seen.has(TopKey::link) && seen.has(TopKey::events);
    }

    /// The whole text: one element of a document's `events` array (event `index`) and nothing else.
    [[nodiscard]] bool lone_event(Event& e, std::size_t index, double previous_at)
    {
        skip_ws();
        if (!event(e, index, previous_at)) {
            return false;
        }
        skip_ws();
        return pos_ == text_.size();
    }

  private:
    // --- JSON ---

    [[nodiscard]] char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

    /// Position of the cursor, as the position scan counts it.
    [[nodiscard]] Position here() const
    {
        return Position{line_, pos_ - line_start_ + 1 - continuation_ + column_shift_};
    }

    void skip_ws()
    {
        for (; pos_ < text_.size(); ++pos_) {
            const char c = text_[pos_];
            if (c == '\n') {
                ++line_;
                line_start_ = pos_ + 1;
                continuation_ = 0;
                column_shift_ = 0;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
        }
    }

    /// Whether a container may open at `level` (--max-nesting: the full reader refuses deeper ones).
    [[nodiscard]] bool nest(std::size_t level) const
    {
        return level <= limits_.max_nesting && level <= kMaxLevel;
    }

    /// Reads the object at the cursor, a container at nesting `level`, calling `member(key)` with the
    /// cursor on each member's value.
    template <class Member> [[nodiscard]] bool object(std::size_t level, Member&& member)
    {
        if (peek() != '{' || !nest(level)) {
            return false;
        }
        ++pos_;
        skip_ws();
        if (peek() == '}') {
            ++pos_;
            return true;
        }
        while (true) {
            skip_ws();
            std::string_view key;
            if (!string(key)) {
                return false;
            }
            skip_ws();
            if (peek() != ':') {
                return false;
            }
            ++pos_;
            skip_ws();
            if (!member(key)) {
                return false;
            }
            skip_ws();
            const char c = peek();
            if (c != ',' && c != '}') {
                return false;
            }
            ++pos_;
            if (c == '}') {
                return true;
            }
        }
    }

    /// Reads the array at the cursor, a container at nesting `level`, calling `element()` with the
    /// cursor on each element.
    template <class Element> [[nodiscard]] bool array(std::size_t level, Element&& element)
    {
        if (peek() != '[' || !nest(level)) {
            return false;
        }
        ++pos_;
        skip_ws();
        if (peek() == ']') {
            ++pos_;
            return true;
        }
        while (true) {
            skip_ws();
            if (!element()) {
                return false;
            }
            skip_ws();
            const char c = peek();
            if (c != ',' && c != ']') {
                return false;
            }
            ++pos_;
            if (c == ']') {
                return true;
            }
        }
    }

    /// A string without escapes (its text is its value), in well-formed UTF-8.
    [[nodiscard]] bool string(std::string_view& out)
    {
        if (peek() != '"') {
            return false;
        }
        const std::size_t start = ++pos_;
        while (pos_ < text_.size()) {
            const auto c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                out = text_.substr(start, pos_ - start);
                ++pos_;
                return true;
            }
            if (c < 0x20U || c == '\\') {
                return false; // a control character (invalid JSON) or an escape (declined)
            }
            if (c < 0x80U) {
                ++pos_;
                continue;
            }
            const Utf8Sequence sequence = utf8_sequence(text_, pos_);
            if (!sequence.valid) {
                return false; // nlohmann's lexer refuses it
            }
            pos_ += sequence.length;
            continuation_ += sequence.length - 1; // columns count characters
        }
        return false;
    }

    [[nodiscard]] bool literal(std::string_view word)
    {
        if (text_.substr(pos_, word.size()) != word) {
            return false;
        }
        pos_ += word.size();
        return true;
    }

    [[nodiscard]] bool boolean(bool& out)
    {
        out = peek() == 't';
        return literal(out ? "true" : "false");
    }

    void skip_digits()
    {
        while (is_digit(peek())) {
            ++pos_;
        }
    }

    /// A number token (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?) within the number limit.
    [[nodiscard]] bool number(Number& out)
    {
        const std::size_t start = pos_;
        out.negative = peek() == '-';
        if (out.negative) {
            ++pos_;
        }
        if (peek() == '0') {
            ++pos_;
        } else if (is_digit(peek())) {
            skip_digits();
        } else {
            return false;
        }
        out.integral = true;
        if (peek() == '.') {
            ++pos_;
            if (!is_digit(peek())) {
                return false;
            }
            skip_digits();
            out.integral = false;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') {
                ++pos_;
            }
            if (!is_digit(peek())) {
                return false;
            }
            skip_digits();
            out.integral = false;
        }
        out.token = text_.substr(start, pos_ - start);
        return out.token.size() <= limits_.max_number_chars && out.token.size() <= kMaxNumberChars;
    }

    /// An integer 0..max written as a JSON integer (what the full reader's integer fields accept).
    [[nodiscard]] bool integer(std::uint64_t max, std::uint64_t& out)
    {
        Number n;
        return number(n) && !n.negative && n.integral && to_integer(n.token, out) && out <= max;
    }

    /// Any JSON value, built as nlohmann builds it (number types included); `level` is the nesting a
    /// container here would have.
    [[nodiscard]] bool value(json& out, std::size_t level)
    {
        switch (peek()) {
        case '{': {
            out = json::object();
            auto& members = out.get_ref<json::object_t&>();
            return object(level, [&](std::string_view key) {
                json member;
                return value(member, level + 1) &&
                       members.emplace(std::string(key), std::move(member)).second;
            });
        }
        case '[': {
            out = json::array();
            auto& elements = out.get_ref<json::array_t&>();
            return array(level, [&] { return value(elements.emplace_back(), level + 1); });
        }
        case '"': {
            std::string_view s;
            if (!string(s)) {
                return false;
            }
            out = std::string(s);
            return true;
        }
        case 't':
        case 'f': {
            bool b = false;
            if (!boolean(b)) {
                return false;
            }
            out = b;
            return true;
        }
        case 'n':
            out = nullptr;
            return literal("null");
        default:
            return number_value(out);
        }
    }

    /// A number as nlohmann types it: unsigned if it is a non-negative integer, signed if a negative
    /// one, else a double.
    [[nodiscard]] bool number_value(json& out)
    {
        Number n;
        if (!number(n)) {
            return false;
        }
        if (n.integral && !n.negative) {
            std::uint64_t u = 0;
            if (!to_integer(n.token, u)) {
                return false;
            }
            out = u;
        } else if (n.integral) {
            std::int64_t i = 0;
            if (!to_integer(n.token, i)) {
                return false;
            }
            out = i;
        } else {
            double d = 0.0;
            if (!to_double(n.token, d)) {
                return false;
            }
            out = d;
        }
        return true;
    }

    /// A value read only to be valid and to hold no duplicate key (unknown members).
    [[nodiscard]] bool skip_value(std::size_t level)
    {
        json ignored;
        return value(ignored, level);
    }

    // --- pc5-trace/1 ---

    /// A string that is one of `names`.
    [[nodiscard]] bool name(const std::vector<std::string>& names, std::string& out)
    {
        std::string_view s;
        if (!string(s)) {
            return false;
        }
        for (const std::string& n : names) {
            if (n == s) {
                out = n;
                return true;
            }
        }
        return false;
    }

    [[nodiscard]] bool optional_name(const std::vector<std::string>& names, std::optional<std::string>& out)
    {
        std::string n;
        if (!name(names, n)) {
            return false;
        }
        out = std::move(n);
        return true;
    }

    /// A string of exactly `octets` octets in hex.
    [[nodiscard]] bool hex(std::size_t octets, Bytes& out)
    {
        std::string_view digits;
        if (!string(digits) || digits.size() != octets * 2) {
            return false;
        }
        out.resize(octets);
        return crypto::detail::decode_hex_digits(digits, out.data());
    }

    /// A string of hex digits of any even length.
    [[nodiscard]] bool hex(Bytes& out)
    {
        std::string_view digits;
        if (!string(digits) || digits.size() % 2 != 0) {
            return false;
        }
        out.resize(digits.size() / 2);
        return crypto::detail::decode_hex_digits(digits, out.data());
    }

    template <class T> [[nodiscard]] bool unsigned_field(std::uint64_t max, T& out)
    {
        std::uint64_t v = 0;
        if (!integer(max, v)) {
            return false;
        }
        out = static_cast<T>(v);
        return true;
    }

    template <class T> [[nodiscard]] bool unsigned_field(std::uint64_t max, std::optional<T>& out)
    {
        T v{};
        if (!unsigned_field(max, v)) {
            return false;
        }
        out = v;
        return true;
    }

    [[nodiscard]] bool top_member(TopKey k, Trace& trace)
    {
        std::string_view s;
        switch (k) {
        case TopKey::format:
            return string(s) && s == kFormat;
        case TopKey::spec:
            if (!string(s) || s.empty()) {
                return false;
            }
            trace.spec = s;
            return true;
        case TopKey::title:
            if (!string(s)) {
                return false;
            }
            trace.title = s;
            return true;
        case TopKey::observer: {
            const std::optional<Observer> o = string(s) ? observer_from_string(s) : std::nullopt;
            trace.observer = o.value_or(Observer::air);
            return o.has_value();
        }
        case TopKey::link:
            return link(trace.link);
        case TopKey::keys:
            return array(2, [&] { return key_entry(trace.keys.emplace_back()); });
        case TopKey::events:
            return events(trace.events);
        case TopKey::expect:
            return expect(trace.expect.emplace());
        case TopKey::attacker_steps:
            return array(2, [&] { return attacker_step(trace.attacker_steps); });
        }
        return false;
    }

    [[nodiscard]] bool link(Link& link)
    {
        Members seen;
        return object(2,
                      [&](std::string_view key) {
                          const std::optional<LinkKey> k = key_of<LinkKey>(key, kLinkKeys);
                          return k && seen.first(*k) && link_member(*k, link);
                      }) &&
               seen.has(LinkKey::k_nrp_id) && seen.has(LinkKey::k_nrp_sess_id);
    }

    [[nodiscard]] bool link_member(LinkKey k, Link& link)
    {
        switch (k) {
        case LinkKey::k_nrp_id:
            return unsigned_field(std::numeric_limits<std::uint32_t>::max(), link.k_nrp_id);
        case LinkKey::k_nrp_sess_id:
            return unsigned_field(std::numeric_limits<std::uint16_t>::max(), link.k_nrp_sess_id);
        case LinkKey::selected_algs: {
            Members seen;
            return object(3, [&](std::string_view key) {
                const std::optional<AlgKey> a = key_of<AlgKey>(key, kAlgKeys);
                if (!a || !seen.first(*a)) {
                    return false;
                }
                return *a == AlgKey::nea ? optional_name(nea_names(), link.selected_nea)
                                         : optional_name(nia_names(), link.selected_nia);
            });
        }
        case LinkKey::k_nrp_sess:
            return hex(32, link.k_nrp_sess.emplace());
        case LinkKey::initiator_sec_cap: {
            Members seen;
            SecCaps& caps = link.initiator_sec_cap.emplace();
            return object(3,
                          [&](std::string_view key) {
                              const std::optional<AlgKey> a = key_of<AlgKey>(key, kAlgKeys);
                              if (!a || !seen.first(*a)) {
                                  return false;
                              }
                              const bool nea = *a == AlgKey::nea;
                              std::vector<std::string>& out = nea ? caps.nea : caps.nia;
                              return array(4, [&] {
                                  return name(nea ? nea_names() : nia_names(), out.emplace_back());
                              });
                          }) &&
                   seen.has(AlgKey::nea) && seen.has(AlgKey::nia);
        }
        case LinkKey::signalling_policy: {
            Members seen;
            SignallingPolicy& policy = link.signalling_policy.emplace();
            return object(3,
                          [&](std::string_view key) {
                              const std::optional<PolicyKey> p = key_of<PolicyKey>(key, kPolicyKeys);
                              if (!p || !seen.first(*p)) {
                                  return false;
                              }
                              return name(policy_names(),
                                          *p == PolicyKey::integrity ? policy.integrity : policy.ciphering);
                          }) &&
                   seen.has(PolicyKey::integrity) && seen.has(PolicyKey::ciphering);
        }
        }
        return false;
    }

    [[nodiscard]] bool key_entry(KeyEntry& entry)
    {
        Members seen;
        return object(3,
                      [&](std::string_view key) {
                          const std::optional<KeyEntryKey> k = key_of<KeyEntryKey>(key, kKeyEntryKeys);
                          if (!k || !seen.first(*k)) {
                              return false;
                          }
                          return *k == KeyEntryKey::k_nrp_id
                                     ? unsigned_field(std::numeric_limits<std::uint32_t>::max(),
                                                      entry.k_nrp_id)
                                     : hex(32, entry.k_nrp);
                      }) &&
               seen.has(KeyEntryKey::k_nrp_id) && seen.has(KeyEntryKey::k_nrp);
    }

    [[nodiscard]] bool events(std::vector<Event>& events)
    {
        double at = 0.0; // an event without `at` keeps the previous one's
        return array(2, [&] {
            Event& e = events.emplace_back();
            if (!event(e, events.size() - 1, at)) {
                return false;
            }
            at = e.at;
            return true;
        });
    }

    [[nodiscard]] bool event(Event& e, std::size_t index, double previous_at)
    {
        e.pointer = "/events/" + std::to_string(index);
        e.position = here();
        e.at = previous_at;
        Members seen;
        return object(3,
                      [&](std::string_view key) {
                          const std::optional<EventKey> k = key_of<EventKey>(key, kEventKeys);
                          return k && seen.first(*k) && event_member(*k, e);
                      }) &&
               seen.has(EventKey::from) && seen.has(EventKey::msg);
    }

    [[nodiscard]] bool event_member(EventKey k, Event& e)
    {
        std::string_view s;
        switch (k) {
        case EventKey::at:
            return seconds(e.at);
        case EventKey::from: {
            const std::optional<Role> r = string(s) ? role_from_string(s) : std::nullopt;
            e.from = r.value_or(Role::initiator);
            return r.has_value();
        }
        case EventKey::msg:
            return name(contract_message_names(), e.msg);
        case EventKey::ie:
            return ies(e);
        case EventKey::sec:
            return sec(e.sec);
        case EventKey::pdu:
            return hex(e.pdu.emplace());
        }
        return false;
    }

    /// A time in seconds: a finite number >= 0, read as nlohmann reads it (an integer converted from
    /// its 64-bit value). Negative tokens, -0 and -0.0 among them, are left to the full reader.
    [[nodiscard]] bool seconds(double& out)
    {
        Number n;
        if (!number(n) || n.negative) {
            return false;
        }
        if (n.integral) {
            std::uint64_t u = 0;
            if (!to_integer(n.token, u)) {
                return false;
            }
            out = static_cast<double>(u);
            return true;
        }
        return to_double(n.token, out);
    }

    /// `ie`: an object of IEs, whose values are kept as JSON with their positions, or null.
    [[nodiscard]] bool ies(Event& e)
    {
        if (peek() == 'n') {
            e.ie = nullptr; // not decoded
            return literal("null");
        }
        auto& members = e.ie.get_ref<json::object_t&>(); // an empty object until now
        return object(4, [&](std::string_view name) {
            if (name.size() > kMaxIeName) {
                return false;
            }
            const Position at = here();
            json v;
            if (!value(v, 5) || !members.emplace(std::string(name), std::move(v)).second) {
                return false;
            }
            e.ie_positions.emplace(std::string(name), at);
            return true;
        });
    }

    [[nodiscard]] bool sec(Sec& sec)
    {
        if (peek() == '"') {
            std::string_view s;
            sec.kind = Sec::Kind::none;
            return string(s) && s == "none";
        }
        sec.kind = Sec::Kind::protected_;
        Members seen;
        return object(4, [&](std::string_view key) {
            const std::optional<SecKey> k = key_of<SecKey>(key, kSecKeys);
            if (!k || !seen.first(*k)) {
                return false;
            }
            switch (*k) {
            case SecKey::ctx:
                return unsigned_field(std::numeric_limits<std::uint16_t>::max(), sec.ctx);
            case SecKey::count:
                return unsigned_field(std::numeric_limits<std::uint32_t>::max(), sec.count);
            case SecKey::bearer:
                return unsigned_field(31, sec.bearer);
            case SecKey::direction:
                return unsigned_field(1, sec.direction);
            case SecKey::mac: {
                std::string_view digits;
                return string(digits) && digits.size() == 8 &&
                       crypto::detail::decode_hex_digits(digits, sec.mac.emplace().data());
            }
            case SecKey::ciphered:
                return boolean(sec.ciphered.emplace());
            }
            return false;
        });
    }

    [[nodiscard]] bool expect(Expect& expect)
    {
        Members seen;
        const auto texts = [&](std::vector<std::string>& out) {
            return array(4, [&] {
                std::string_view s;
                if (!string(s) || s.empty()) {
                    return false;
                }
                out.emplace_back(s);
                return true;
            });
        };
        const auto count = [&](std::optional<unsigned>& out) { return unsigned_field(1'000'000, out); };
        return object(2,
                      [&](std::string_view key) {
                          const std::optional<ExpectKey> k = key_of<ExpectKey>(key, kExpectKeys);
                          if (!k || !seen.first(*k)) {
                              return false;
                          }
                          std::string_view s;
                          switch (*k) {
                          case ExpectKey::verdict:
                              return name(verdict_names(), expect.verdict);
                          case ExpectKey::rules:
                              return texts(expect.rules);
                          case ExpectKey::assumed:
                              return texts(expect.assumed);
                          case ExpectKey::unverified:
                              return texts(expect.unverified);
                          case ExpectKey::max_missing:
                              return count(expect.max_missing);
                          case ExpectKey::timeout_ms:
                              return count(expect.timeout_ms);
                          case ExpectKey::limit:
                              if (!string(s) || s.empty()) {
                                  return false;
                              }
                              expect.limit = s;
                              return true;
                          }
                          return false;
                      }) &&
               seen.has(ExpectKey::verdict);
    }

    /// {"event": N, "attack": "injected" | "dropped", ...}: other members (an annotation) are free.
    [[nodiscard]] bool attacker_step(std::vector<AttackerStep>& steps)
    {
        std::array<std::string_view, kMaxStepMembers> keys{};
        std::size_t members = 0;
        std::optional<std::uint64_t> event;
        std::optional<bool> injected;
        const bool read = object(3, [&](std::string_view key) {
            for (std::size_t i = 0; i < members; ++i) {
                if (keys[i] == key) {
                    return false;
                }
            }
            if (members == keys.size()) {
                return false;
            }
            keys[members++] = key;
            if (key == "event") {
                return integer(std::numeric_limits<std::uint64_t>::max(), event.emplace());
            }
            if (key == "attack") {
                std::string_view s;
                if (!string(s) || (s != "injected" && s != "dropped")) {
                    return false;
                }
                injected = s == "injected";
                return true;
            }
            return skip_value(4);
        });
        if (!read || !event || !injected) {
            return false;
        }
        steps.push_back(AttackerStep{*event, *injected});
        return true;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_;             ///< file line of the cursor
    std::size_t line_start_ = 0;   ///< offset where that line starts in `text_`
    std::size_t continuation_ = 0; ///< UTF-8 continuation bytes between line_start_ and the cursor
    std::size_t column_shift_;     ///< on the text's first line: the columns of the file before it
    const Limits& limits_;
};

} // namespace

std::optional<Trace> read_fast(std::string_view text, const std::string& file, std::size_t first_line,
                               const Limits& limits)
{
    Trace trace;
    if (!Reader(text, first_line, limits).document(trace)) {
        return std::nullopt;
    }
    trace.file = file;
    return trace;
}

std::optional<Event> read_fast_event(std::string_view text, const Position& at, std::size_t index,
                                     double previous_at)
{
    // parse_event reads an element with the default limits: so does this.
    const Limits limits;
    Event event;
    if (!Reader(text, at.line, limits, at.column).lone_event(event, index, previous_at)) {
        return std::nullopt;
    }
    return event;
}

} // namespace pc5check::trace::detail
