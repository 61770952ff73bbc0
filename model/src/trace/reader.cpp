/// \file The trace reader: the contract of docs/trace-format.md read from the tape of the one JSON parser
/// (json_document.h), with every error worded here. Whole documents, `.jsonl` lines (files.cpp) and the
/// events of a streamed document (stream.cpp, parse_event) all come through this file.

#include "crypto/hex_digits.h"
#include "pc5check/trace/trace.h"
#include "trace/hex.h"
#include "trace/json_document.h"
#include "trace/names.h"
#include "trace/stream_detail.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pc5check::trace {

namespace {

using detail::JsonDocument;
using Ref = JsonDocument::Ref;
using Kind = JsonDocument::Kind;
using NumberType = JsonDocument::Number::Type;

/// Longest text quoted from the input in a message, in characters.
constexpr std::size_t kMaxQuoted = 48;
/// Most decimal digits that always fit 64 bits (10^19 - 1 < 2^64).
constexpr std::size_t kMaxExactDigits = 19;

enum class Presence : std::uint8_t { required, optional };

[[nodiscard]] std::string join(const std::vector<std::string>& names)
{
    std::string out;
    for (const std::string& n : names) {
        out += out.empty() ? "" : ", ";
        out += n;
    }
    return out;
}

[[nodiscard]] std::string join(std::span<const std::string_view> names)
{
    std::string out;
    for (const std::string_view n : names) {
        out += out.empty() ? "" : ", ";
        out += n;
    }
    return out;
}

[[nodiscard]] std::string child(const std::string& pointer, std::string_view key)
{
    return pointer + "/" + detail::escape_pointer_token(key);
}

[[nodiscard]] std::string child(const std::string& pointer, std::size_t index)
{
    return pointer + "/" + std::to_string(index);
}

/// A JSON pointer, made into a string only when an error names it: a parent and up to two keys, or a
/// key and an index.
class Pointer {
  public:
    explicit Pointer(const std::string& whole) : parent_(whole) {}
    Pointer(const std::string& parent, std::string_view key) : parent_(parent), key_(key), has_key_(true) {}
    Pointer(const std::string& parent, std::size_t index) : parent_(parent), index_(index), has_index_(true)
    {
    }

    /// This pointer's member `key`.
    [[nodiscard]] Pointer child(std::string_view key) const
    {
        if (!has_key_ && !has_index_) {
            return Pointer(parent_, key);
        }
        Pointer p = *this;
        p.key2_ = key;
        p.has_key2_ = true;
        return p;
    }

    [[nodiscard]] std::string str() const
    {
        std::string p = has_key_ ? trace::child(parent_, key_) : parent_;
        if (has_key2_) {
            return trace::child(p, key2_);
        }
        return has_index_ ? trace::child(p, index_) : p;
    }

  private:
    const std::string& parent_;
    std::string_view key_;
    std::string_view key2_;
    std::size_t index_ = 0;
    bool has_key_ = false;
    bool has_key2_ = false;
    bool has_index_ = false;
};

/// What the reader knows about the document: its tape, file, and the event being read.
class Context {
  public:
    Context(const JsonDocument& doc, const std::string& file) : doc_(doc), file_(file) {}

    /// The same context, inside event `i`.
    [[nodiscard]] Context in_event(std::size_t i) const
    {
        Context c = *this;
        c.event_index_ = i;
        return c;
    }

    [[nodiscard]] const JsonDocument& doc() const { return doc_; }

    [[nodiscard]] Error error(ErrorCode code, std::string pointer, std::string message, Position at) const
    {
        Error e;
        e.code = code;
        e.message = std::move(message);
        e.file = file_;
        e.json_pointer = std::move(pointer);
        e.line = at.line;
        e.column = at.column;
        e.event_index = event_index_;
        return e;
    }

    /// A bad_input error about the value (or key) `at`.
    [[nodiscard]] Error error(const Pointer& pointer, std::string message, Ref at) const
    {
        return error(ErrorCode::bad_input, pointer.str(), std::move(message), doc_.position(at));
    }

    /// How a found value reads in a message: scalars as written in the text, containers by kind.
    [[nodiscard]] std::string found(Ref v) const
    {
        if (doc_.kind(v) == Kind::object) {
            return "an object";
        }
        if (doc_.kind(v) == Kind::array) {
            return "an array";
        }
        return detail::printable(doc_.token(v), kMaxQuoted);
    }

    /// Whether `v` is a number nlohmann would read as a non-negative 64-bit integer; its value in `out`.
    [[nodiscard]] bool unsigned_number(Ref v, std::uint64_t& out) const
    {
        const JsonDocument::Node& n = doc_.node(v);
        if (n.kind != Kind::number || !n.integral || n.negative) {
            return false;
        }
        if (n.size <= kMaxExactDigits) {
            // Digits only (a non-negative JSON integer), too few to overflow: summed in place.
            out = 0;
            for (const char c : doc_.token(v)) {
                out = out * 10U + static_cast<std::uint64_t>(c - '0');
            }
            return true;
        }
        const JsonDocument::Number num = doc_.number(v);
        out = num.u;
        return num.type == NumberType::unsigned_integer;
    }

    /// An integer 0..max written as a JSON integer.
    template <class T>
    [[nodiscard]] Expected<T> integer(Ref v, const Pointer& pointer,
                                      T max = std::numeric_limits<T>::max()) const
    {
        std::uint64_t u = 0;
        if (unsigned_number(v, u) && u <= max) {
            return static_cast<T>(u);
        }
        std::string why;
        if (doc_.kind(v) == Kind::number) {
            const JsonDocument::Node& n = doc_.node(v);
            // An integer too large for 64 bits is still written as one: tell it from 1.5 or 1e3.
            why = n.integral ? " (out of range)" : " (a JSON integer has no fraction or exponent)";
        }
        return tl::make_unexpected(
            error(pointer, "expected an integer 0.." + std::to_string(max) + ", found " + found(v) + why, v));
    }

    /// A time in seconds: a finite number >= 0.
    [[nodiscard]] Expected<double> seconds(Ref v, const Pointer& pointer) const
    {
        if (doc_.kind(v) == Kind::number) {
            const double d = doc_.number(v).as_double();
            if (std::isfinite(d) && d >= 0.0) {
                return d;
            }
        }
        return tl::make_unexpected(
            error(pointer, "expected a finite number of seconds >= 0, found " + found(v), v));
    }

    [[nodiscard]] Expected<bool> boolean(Ref v, const Pointer& pointer) const
    {
        if (doc_.kind(v) == Kind::true_literal || doc_.kind(v) == Kind::false_literal) {
            return doc_.kind(v) == Kind::true_literal;
        }
        return tl::make_unexpected(error(pointer, "expected true or false, found " + found(v), v));
    }

    /// A string; `what` describes it in the message.
    [[nodiscard]] Expected<std::string> string(Ref v, const Pointer& pointer, bool non_empty,
                                               std::string_view what) const
    {
        if (doc_.kind(v) == Kind::string && (!non_empty || doc_.node(v).size != 0)) {
            return doc_.string(v);
        }
        return tl::make_unexpected(error(pointer,
                                         std::string("expected ") + (non_empty ? "a non-empty" : "a") +
                                             " string (" + std::string(what) + "), found " + found(v),
                                         v));
    }

    /// One of `names`; `what`, if not empty, describes the value in the message.
    [[nodiscard]] Expected<std::string>
    name(Ref v, const Pointer& pointer, const std::vector<std::string>& names, std::string_view what) const
    {
        if (const std::string* n = find_name(v, names)) {
            return *n;
        }
        std::string message = "expected ";
        if (!what.empty()) {
            message += std::string(what) + ", ";
        }
        return tl::make_unexpected(
            error(pointer, message + "one of " + join(names) + ", found " + found(v), v));
    }

    /// The entry of `names` that string `v` equals, if any.
    [[nodiscard]] const std::string* find_name(Ref v, const std::vector<std::string>& names) const
    {
        if (doc_.kind(v) != Kind::string) {
            return nullptr;
        }
        std::string decoded;
        const std::string_view s =
            doc_.node(v).escaped ? std::string_view(decoded = doc_.string(v)) : doc_.raw_string(v);
        for (const std::string& n : names) {
            if (n == s) {
                return &n;
            }
        }
        return nullptr;
    }

    /// Hex digits; `octets`: the exact length required, if any.
    [[nodiscard]] Expected<Bytes> hex(Ref v, const Pointer& pointer, std::optional<std::size_t> octets,
                                      std::string_view what) const
    {
        if (doc_.kind(v) != Kind::string) {
            const std::string digits = octets ? std::to_string(*octets * 2) + " hex digits"
                                              : std::string("an even number of hex digits");
            return tl::make_unexpected(error(
                pointer,
                "expected a string of " + digits + " for " + std::string(what) + ", found " + found(v), v));
        }
        std::string decoded;
        const std::string_view digits =
            doc_.node(v).escaped ? std::string_view(decoded = doc_.string(v)) : doc_.raw_string(v);
        auto bytes = detail::parse_hex(digits, octets, what);
        if (!bytes) {
            return tl::make_unexpected(error(pointer, std::move(bytes).error(), v));
        }
        return std::move(*bytes);
    }

  private:
    const JsonDocument& doc_;
    const std::string& file_;
    std::optional<std::size_t> event_index_;
};

// The keys of the contract's objects (docs/trace-format.md): a closed set for each but the document,
// whose other keys are vendor metadata.
constexpr std::array<std::string_view, 2> kAlgKeys{"nea", "nia"};
constexpr std::array<std::string_view, 6> kLinkKeys{"k_nrp_id",   "k_nrp_sess_id",     "selected_algs",
                                                    "k_nrp_sess", "initiator_sec_cap", "signalling_policy"};
constexpr std::array<std::string_view, 2> kPolicyKeys{"integrity", "ciphering"};
constexpr std::array<std::string_view, 2> kKeyEntryKeys{"k_nrp_id", "k_nrp"};
constexpr std::array<std::string_view, 6> kSecKeys{"ctx", "count", "bearer", "direction", "mac", "ciphered"};
constexpr std::array<std::string_view, 6> kEventKeys{"at", "from", "msg", "ie", "sec", "pdu"};
constexpr std::array<std::string_view, 7> kExpectKeys{"verdict", "rules",      "max_missing", "timeout_ms",
                                                      "assumed", "unverified", "limit"};

constexpr std::array<std::string_view, 9> kTopKeys{"format", "spec",   "title",  "observer",      "link",
                                                   "keys",   "events", "expect", "attacker_steps"};

/// Whether an object's keys are a closed set (an unknown key is an error) or not.
enum class KeySet : std::uint8_t { closed, open };

/// Not constexpr: called from Fields::Key for a key not in its object's set, it stops the compilation.
void key_not_in_set() {}

/// A key's length, first and last byte in one number: different keys of one object differ in it (not
/// always: same_key decides).
[[nodiscard]] constexpr std::uint32_t key_signature(std::string_view key)
{
    if (key.empty()) {
        return 0;
    }
    return (static_cast<std::uint32_t>(key.size()) << 16U) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(key.front())) << 8U) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(key.back()));
}

/// The `N` bytes at `p` as a number (to compare a few bytes in one go).
template <class Word> [[nodiscard]] Word load(const char* p)
{
    Word w{};
    std::memcpy(&w, p, sizeof w);
    return w;
}

/// Whether `a` and `b` are the same key: keys of up to 16 bytes are compared as two (overlapping)
/// words, without a call.
[[gnu::always_inline]] [[nodiscard]] inline bool same_key(std::string_view a, std::string_view b)
{
    const std::size_t n = a.size();
    if (n != b.size()) {
        return false;
    }
    const char* const x = a.data();
    const char* const y = b.data();
    if (n >= 8 && n <= 16) {
        return load<std::uint64_t>(x) == load<std::uint64_t>(y) &&
               load<std::uint64_t>(x + n - 8) == load<std::uint64_t>(y + n - 8);
    }
    if (n >= 4 && n < 8) {
        return load<std::uint32_t>(x) == load<std::uint32_t>(y) &&
               load<std::uint32_t>(x + n - 4) == load<std::uint32_t>(y + n - 4);
    }
    if (n >= 2 && n < 4) {
        return load<std::uint16_t>(x) == load<std::uint16_t>(y) &&
               load<std::uint16_t>(x + n - 2) == load<std::uint16_t>(y + n - 2);
    }
    return a == b;
}

/// Reads the members of one JSON object whose keys are `Keys`, keeping the first error (later reads do
/// nothing once an error is kept, so a reader function is a flat list of member reads). The object is
/// gone through once, each member's value put in its key's slot; a read names its key as a string
/// literal that is turned into the slot's index at compile time (Key).
template <const auto& Keys> class Fields {
  public:
    /// A key of this object: its index in Keys, found when compiling (a typo does not compile).
    struct Key {
        std::size_t index;
        // NOLINTNEXTLINE(google-explicit-constructor,hicpp-explicit-conversions): written as a literal
        consteval Key(const char* name) : index(find(name)) {}

      private:
        static consteval std::size_t find(std::string_view name)
        {
            for (std::size_t i = 0; i < Keys.size(); ++i) {
                if (Keys[i] == name) {
                    return i;
                }
            }
            key_not_in_set();
            return Keys.size();
        }
    };

    /// `where` is the object's pointer (it refers to strings that outlive this); `what` names the
    /// object in messages.
    Fields(const Context& ctx, Ref value, const Pointer& where, std::string_view what,
           KeySet set = KeySet::closed)
        : ctx_(ctx), doc_(ctx.doc()), value_(value), where_(where), what_(what)
    {
        if (doc_.kind(value_) != Kind::object) {
            fail(ctx_.error(where_,
                            "expected an object for " + std::string(what_) + ", found " + ctx_.found(value_),
                            value_));
            return;
        }
        std::string decoded;
        doc_.for_each_member(value_, [&](Ref key, Ref v) {
            const std::string_view name =
                doc_.node(key).escaped ? std::string_view(decoded = doc_.string(key)) : doc_.raw_string(key);
            const std::uint32_t signature = key_signature(name);
            for (std::size_t i = 0; i < Keys.size(); ++i) {
                if (kSignatures[i] == signature && same_key(Keys[i], name)) {
                    slots_[i] = v; // keys are unique (the parser refuses duplicates)
                    return true;
                }
            }
            if (set == KeySet::open) {
                return true;
            }
            fail(ctx_.error(where_.child(name),
                            "unknown key '" + detail::printable(name, kMaxQuoted) + "' in " +
                                std::string(what_) + "; expected one of " + join(Keys),
                            key));
            return false;
        });
    }

    [[nodiscard]] bool ok() const { return !error_.has_value(); }
    [[nodiscard]] std::string pointer() const { return where_.str(); }
    [[nodiscard]] std::string pointer(Key key) const { return at(key).str(); }
    /// The pointer of member `key`, as a string only if it is needed.
    [[nodiscard]] Pointer at(Key key) const { return where_.child(Keys[key.index]); }

    /// Keeps `e` unless an error is already kept.
    void fail(Error e)
    {
        if (!error_) {
            error_ = std::move(e);
        }
    }

    /// Keeps the error of a nested reader.
    template <const auto& Other> void take(Fields<Other>& nested)
    {
        Expected<void> status = nested.status();
        if (!status) {
            fail(std::move(status).error());
        }
    }

    /// Stores a result, or keeps its error.
    template <class T, class Out> void assign(Expected<T>&& result, Out& out)
    {
        if (result) {
            out = std::move(*result);
        } else {
            fail(std::move(result).error());
        }
    }

    /// The member `key`, or nullopt when absent (an error if required) or after an error.
    [[nodiscard]] std::optional<Ref> get(Key key, Presence presence)
    {
        if (error_) {
            return std::nullopt;
        }
        if (slots_[key.index] != 0) {
            return slots_[key.index];
        }
        if (presence == Presence::required) {
            fail(ctx_.error(where_,
                            "missing required key '" + std::string(Keys[key.index]) + "' in " +
                                std::string(what_),
                            value_));
        }
        return std::nullopt;
    }

    template <class T, class Out>
    void integer(Key key, Presence presence, Out& out, T max = std::numeric_limits<T>::max())
    {
        if (const std::optional<Ref> v = get(key, presence)) {
            std::uint64_t u = 0;
            if (ctx_.unsigned_number(*v, u) && u <= max) {
                out = static_cast<T>(u);
            } else {
                assign(ctx_.integer<T>(*v, at(key), max), out); // the error
            }
        }
    }

    template <class Out> void boolean(Key key, Presence presence, Out& out)
    {
        if (const std::optional<Ref> v = get(key, presence)) {
            assign(ctx_.boolean(*v, at(key)), out);
        }
    }

    template <class Out>
    void string(Key key, Presence presence, Out& out, bool non_empty, std::string_view what)
    {
        if (const std::optional<Ref> v = get(key, presence)) {
            assign(ctx_.string(*v, at(key), non_empty, what), out);
        }
    }

    template <class Out>
    void name(Key key, Presence presence, Out& out, const std::vector<std::string>& names,
              std::string_view what = {})
    {
        if (const std::optional<Ref> v = get(key, presence)) {
            if (const std::string* n = ctx_.find_name(*v, names)) {
                out = *n;
            } else {
                assign(ctx_.name(*v, at(key), names, what), out); // the error
            }
        }
    }

    /// An array whose elements are each one of `names` (kept as written, duplicates too).
    void names(Key key, Presence presence, std::vector<std::string>& out,
               const std::vector<std::string>& names)
    {
        const std::optional<Ref> v = get(key, presence);
        if (!v) {
            return;
        }
        const std::string p = pointer(key);
        if (doc_.kind(*v) != Kind::array) {
            fail(ctx_.error(
                Pointer(p),
                "expected an array of names, each one of " + join(names) + ", found " + ctx_.found(*v), *v));
            return;
        }
        out.clear();
        doc_.for_each_element(*v, [&](std::size_t i, Ref e) {
            out.emplace_back();
            assign(ctx_.name(e, Pointer(p, i), names, {}), out.back());
            return ok();
        });
    }

    template <class Out> void hex(Key key, Presence presence, Out& out, std::optional<std::size_t> octets)
    {
        if (const std::optional<Ref> v = get(key, presence)) {
            // The common case decoded straight into `out`; anything else (escapes, a wrong length or
            // digit) through Context::hex, which words the error.
            const JsonDocument::Node& n = doc_.node(*v);
            if (n.kind == Kind::string && !n.escaped && n.size % 2 == 0 &&
                (!octets || n.size == *octets * 2)) {
                Bytes& bytes = emplace(out);
                bytes.resize(n.size / 2);
                if (crypto::detail::decode_hex_digits(doc_.raw_string(*v), bytes.data())) {
                    return;
                }
            }
            assign(ctx_.hex(*v, at(key), octets, Keys[key.index]), out);
        }
    }

    /// `value` unless an error was kept.
    template <class T> [[nodiscard]] Expected<T> finish(T value)
    {
        if (error_) {
            return tl::make_unexpected(std::move(*error_));
        }
        return value;
    }

    /// The error kept, if any (for readers that fill their result in place).
    [[nodiscard]] Expected<void> status()
    {
        if (error_) {
            return tl::make_unexpected(std::move(*error_));
        }
        return {};
    }

  private:
    static Bytes& emplace(Bytes& out) { return out; }
    /// (An engaged `out` keeps its storage: an Event reused from an earlier trace.)
    static Bytes& emplace(std::optional<Bytes>& out) { return out ? *out : out.emplace(); }

    static constexpr auto kSignatures = [] {
        std::array<std::uint32_t, Keys.size()> out{};
        for (std::size_t i = 0; i < Keys.size(); ++i) {
            out[i] = key_signature(Keys[i]);
        }
        return out;
    }();

    const Context& ctx_;
    const JsonDocument& doc_;
    Ref value_;
    Pointer where_;
    std::string_view what_;
    std::array<Ref, Keys.size()> slots_{}; ///< per key: its value, 0 when absent (0 is the root)
    std::optional<Error> error_;
};

[[nodiscard]] Expected<SecCaps> read_sec_caps(const Context& ctx, Ref v, const std::string& pointer)
{
    Fields<kAlgKeys> f(ctx, v, Pointer(pointer), "initiator_sec_cap");
    SecCaps caps;
    f.names("nea", Presence::required, caps.nea, detail::nea_names());
    f.names("nia", Presence::required, caps.nia, detail::nia_names());
    return f.finish(std::move(caps));
}

[[nodiscard]] Expected<Link> read_link(const Context& ctx, Ref v)
{
    const std::string pointer = "/link";
    Fields<kLinkKeys> f(ctx, v, Pointer(pointer), "link");
    Link link;
    f.integer<KNrpId>("k_nrp_id", Presence::required, link.k_nrp_id, protocol::kMaxKNrpId);
    f.integer<KNrpSessId>("k_nrp_sess_id", Presence::required, link.k_nrp_sess_id, protocol::kMaxKNrpSessId);
    if (const std::optional<Ref> algs = f.get("selected_algs", Presence::optional)) {
        Fields<kAlgKeys> a(ctx, *algs, f.at("selected_algs"), "selected_algs");
        a.name("nea", Presence::optional, link.selected_nea, detail::nea_names());
        a.name("nia", Presence::optional, link.selected_nia, detail::nia_names());
        f.take(a);
    }
    f.hex("k_nrp_sess", Presence::optional, link.k_nrp_sess, protocol::kKNrpSessOctets);
    if (const std::optional<Ref> caps = f.get("initiator_sec_cap", Presence::optional)) {
        f.assign(read_sec_caps(ctx, *caps, f.pointer("initiator_sec_cap")), link.initiator_sec_cap);
    }
    if (const std::optional<Ref> policy = f.get("signalling_policy", Presence::optional)) {
        Fields<kPolicyKeys> p(ctx, *policy, f.at("signalling_policy"), "signalling_policy");
        SignallingPolicy sp;
        p.name("integrity", Presence::required, sp.integrity, detail::policy_names());
        p.name("ciphering", Presence::required, sp.ciphering, detail::policy_names());
        f.take(p);
        link.signalling_policy = std::move(sp);
    }
    return f.finish(std::move(link));
}

[[nodiscard]] Expected<KeyEntry> read_key(const Context& ctx, Ref v, const std::string& pointer)
{
    Fields<kKeyEntryKeys> f(ctx, v, Pointer(pointer), "key entry");
    KeyEntry key;
    f.integer<KNrpId>("k_nrp_id", Presence::required, key.k_nrp_id, protocol::kMaxKNrpId);
    f.hex("k_nrp", Presence::required, key.k_nrp, protocol::kKNrpOctets);
    return f.finish(std::move(key));
}

/// Reads `sec` of an event into `sec`.
[[nodiscard]] Expected<void> read_sec(const Context& ctx, Ref v, const std::string& event_pointer, Sec& sec)
{
    const JsonDocument& doc = ctx.doc();
    if (doc.string_equals(v, "none")) {
        sec.kind = Sec::Kind::none;
        return {};
    }
    if (doc.kind(v) != Kind::object) {
        return tl::make_unexpected(ctx.error(Pointer(event_pointer, "sec"),
                                             "expected \"none\" or an object with ctx, count, bearer, "
                                             "direction, mac, ciphered for sec, found " +
                                                 ctx.found(v),
                                             v));
    }
    Fields<kSecKeys> f(ctx, v, Pointer(event_pointer, "sec"), "sec");
    sec.kind = Sec::Kind::protected_;
    // The ranges and the MAC-I length: spec/pc5-protocol.json.
    f.integer<KNrpSessId>("ctx", Presence::optional, sec.ctx, protocol::kMaxKNrpSessId);
    f.integer<protocol::Count>("count", Presence::optional, sec.count, protocol::kMaxCount);
    f.integer<protocol::Bearer>("bearer", Presence::optional, sec.bearer, protocol::kMaxBearer);
    f.integer<protocol::Direction>("direction", Presence::optional, sec.direction, protocol::kMaxDirection);
    if (const std::optional<Ref> mac = f.get("mac", Presence::optional)) {
        protocol::MacI octets{};
        const JsonDocument::Node& n = doc.node(*mac);
        if (n.kind == Kind::string && !n.escaped && n.size == 2 * octets.size() &&
            crypto::detail::decode_hex_digits(doc.raw_string(*mac), octets.data())) {
            sec.mac = octets;
        } else {
            // Anything else (escapes, or an error to word) as every other hex field.
            Bytes bytes;
            f.assign(ctx.hex(*mac, f.at("mac"), octets.size(), "mac"), bytes);
            if (f.ok()) {
                sec.mac.emplace();
                std::copy(bytes.begin(), bytes.end(), sec.mac->begin());
            }
        }
    }
    f.boolean("ciphered", Presence::optional, sec.ciphered);
    return f.status();
}

/// A parsed document as Ies::read_object's source.
class IeSource {
  public:
    explicit IeSource(const JsonDocument& doc) : doc_(doc) {}
    [[nodiscard]] Ies::Kind kind(Ref r) const
    {
        switch (doc_.kind(r)) {
        case Kind::object:
            return Ies::Kind::object;
        case Kind::array:
            return Ies::Kind::array;
        case Kind::string:
            return Ies::Kind::string;
        case Kind::number:
            return Ies::Kind::number;
        case Kind::true_literal:
        case Kind::false_literal:
            return Ies::Kind::boolean;
        case Kind::null:
            return Ies::Kind::null;
        }
        return Ies::Kind::null;
    }
    void string_into(Ref r, std::string& out) const
    {
        if (doc_.node(r).escaped) {
            out += doc_.string(r);
        } else {
            out += doc_.raw_string(r);
        }
    }
    [[nodiscard]] Ies::Number number(Ref r) const
    {
        const JsonDocument::Number n = doc_.number(r);
        Ies::Number out;
        out.u = n.u;
        out.i = n.i;
        out.d = n.d;
        switch (n.type) {
        case JsonDocument::Number::Type::unsigned_integer:
            out.type = Ies::Number::Type::unsigned_integer;
            break;
        case JsonDocument::Number::Type::signed_integer:
            out.type = Ies::Number::Type::signed_integer;
            break;
        case JsonDocument::Number::Type::floating:
            out.type = Ies::Number::Type::floating;
            break;
        }
        return out;
    }
    [[nodiscard]] bool boolean(Ref r) const { return doc_.kind(r) == Kind::true_literal; }
    template <class F> void for_each_member(Ref r, F&& f) const
    {
        doc_.for_each_member(r, [&](Ref k, Ref v) {
            f(k, v);
            return true;
        });
    }
    template <class F> void for_each_element(Ref r, F&& f) const
    {
        doc_.for_each_element(r, [&](std::size_t, Ref e) {
            f(e);
            return true;
        });
    }
    [[nodiscard]] Position position(Ref r) const { return doc_.position(r); }

  private:
    const JsonDocument& doc_;
};

/// Reads event `i` from element `v` of `events` into `event` (a default Event).
[[nodiscard]] Expected<void> read_event(const Context& ctx, Ref v, std::size_t i, double previous_at,
                                        Event& event)
{
    const JsonDocument& doc = ctx.doc();
    std::array<char, std::numeric_limits<std::size_t>::digits10 + 1> digits{};
    const std::to_chars_result index = std::to_chars(digits.data(), digits.data() + digits.size(), i);
    event.pointer.assign("/events/");
    event.pointer.append(digits.data(), index.ptr);
    const std::string& pointer = event.pointer;
    event.position = doc.position(v);
    Fields<kEventKeys> f(ctx, v, Pointer(pointer), "event");
    event.at = previous_at;
    if (const std::optional<Ref> at = f.get("at", Presence::optional)) {
        f.assign(ctx.seconds(*at, Pointer(pointer, "at")), event.at);
    }
    if (const std::optional<Ref> from = f.get("from", Presence::required)) {
        if (const std::string* name = ctx.find_name(*from, detail::role_names())) {
            event.from = *detail::role_from_string(*name);
        } else {
            Expected<std::string> error =
                ctx.name(*from, Pointer(pointer, "from"), detail::role_names(), "the sending role");
            f.fail(std::move(error).error());
        }
    }
    f.name("msg", Presence::required, event.msg, contract_message_names(), "a message name");
    std::optional<Ref> ie = f.get("ie", Presence::optional);
    if (ie) {
        // null: the IEs were not decoded (ciphered, or the capture tool could not parse them).
        if (doc.kind(*ie) != Kind::object && doc.kind(*ie) != Kind::null) {
            f.fail(ctx.error(Pointer(pointer, "ie"),
                             "expected an object of IEs (name: value) or null (not decoded) for ie, found " +
                                 ctx.found(*ie),
                             *ie));
        } else if (doc.kind(*ie) == Kind::object) {
            event.ie.read_object(IeSource(doc), *ie);
        } else {
            event.ie.set_not_decoded();
        }
    }
    if (const std::optional<Ref> sec = f.get("sec", Presence::optional)) {
        Expected<void> read = read_sec(ctx, *sec, pointer, event.sec);
        if (!read) {
            f.fail(std::move(read).error());
        }
    }
    if (!f.get("pdu", Presence::optional)) {
        event.pdu.reset(); // (a reused Event may hold an earlier one)
    }
    f.hex("pdu", Presence::optional, event.pdu, std::nullopt);
    return f.status();
}

[[nodiscard]] Expected<Expect> read_expect(const Context& ctx, Ref v)
{
    const JsonDocument& doc = ctx.doc();
    const std::string pointer = "/expect";
    Fields<kExpectKeys> f(ctx, v, Pointer(pointer), "expect");
    Expect expect;
    f.name("verdict", Presence::required, expect.verdict, detail::verdict_names());
    using Key = Fields<kExpectKeys>::Key;
    const auto strings = [&](Key key, const char* what, const char* element, std::vector<std::string>& out) {
        if (const std::optional<Ref> list = f.get(key, Presence::optional)) {
            const std::string p = f.pointer(key);
            if (doc.kind(*list) != Kind::array) {
                f.fail(ctx.error(Pointer(p),
                                 std::string("expected an array of ") + what + " for " +
                                     std::string(kExpectKeys[key.index]) + ", found " + ctx.found(*list),
                                 *list));
                return;
            }
            doc.for_each_element(*list, [&](std::size_t i, Ref e) {
                out.emplace_back();
                f.assign(ctx.string(e, Pointer(p, i), true, element), out.back());
                return f.ok();
            });
        }
    };
    strings("rules", "rule IDs", "a rule ID", expect.rules);
    strings("assumed", "texts", "a text", expect.assumed);
    strings("unverified", "rule IDs", "a rule ID", expect.unverified);
    const auto count = [&](Key key, std::optional<unsigned>& out) {
        if (const std::optional<Ref> n = f.get(key, Presence::optional)) {
            std::uint64_t u = 0;
            if (!ctx.unsigned_number(*n, u) || u > 1'000'000U) {
                f.fail(ctx.error(f.at(key),
                                 "expected an integer 0..1000000 for " + std::string(kExpectKeys[key.index]) +
                                     ", found " + ctx.found(*n),
                                 *n));
            } else {
                out = static_cast<unsigned>(u);
            }
        }
    };
    count("max_missing", expect.max_missing);
    count("timeout_ms", expect.timeout_ms);
    if (const std::optional<Ref> limit = f.get("limit", Presence::optional)) {
        f.assign(ctx.string(*limit, f.at("limit"), true, "a text"), expect.limit);
    }
    return f.finish(std::move(expect));
}

/// `attacker_steps`: [{"event": N, "attack": "injected" | "dropped", "action": free text}, ...] (the event
/// index is checked against the events when the steps are used: a streamed header has none yet).
[[nodiscard]] Expected<std::vector<AttackerStep>> read_attacker_steps(const Context& ctx, Ref v)
{
    const JsonDocument& doc = ctx.doc();
    const std::string p = "/attacker_steps";
    if (doc.kind(v) != Kind::array) {
        return tl::make_unexpected(ctx.error(
            Pointer(p), "expected an array of {event, attack} for attacker_steps, found " + ctx.found(v), v));
    }
    std::vector<AttackerStep> out;
    std::optional<Error> error;
    doc.for_each_element(v, [&](std::size_t i, Ref item) {
        const bool object = doc.kind(item) == Kind::object;
        const std::optional<Ref> event = object ? doc.member(item, "event") : std::nullopt;
        const std::optional<Ref> attack = object ? doc.member(item, "attack") : std::nullopt;
        std::uint64_t index = 0;
        const bool injected = attack && doc.string_equals(*attack, "injected");
        if (!event || !ctx.unsigned_number(*event, index) || !attack ||
            (!injected && !doc.string_equals(*attack, "dropped"))) {
            error = ctx.error(
                Pointer(p, i),
                "expected {\"event\": <event index>, \"attack\": \"injected\" or \"dropped\"}, found " +
                    ctx.found(item),
                item);
            return false;
        }
        out.push_back(AttackerStep{index, injected});
        return true;
    });
    if (error) {
        return tl::make_unexpected(std::move(*error));
    }
    return out;
}

/// Events given back by recycle_trace on this thread, each with the storage of its strings, IEs and
/// pdu: an event read into one allocates nothing once those have grown (issue #19, item 2).
thread_local std::vector<Event>
    t_spare_event_values; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

/// A new default event at the end of `events`, made from a spare one when there is one.
Event& new_event(std::vector<Event>& events)
{
    if (t_spare_event_values.empty()) {
        return events.emplace_back();
    }
    Event& e = events.emplace_back(std::move(t_spare_event_values.back()));
    t_spare_event_values.pop_back();
    e.at = 0.0;
    e.from = Role::initiator;
    e.msg.clear();
    e.ie.clear();
    e.sec = Sec{};
    // e.pdu: read_event sets or resets it, keeping its storage when it sets it.
    e.pointer.clear();
    e.position = Position{};
    return e;
}

/// Reads the events of a document while it is parsed (the parser's ElementSink): each element of
/// `events` into `events`, until the first one that does not read, whose error is kept for read_trace.
/// Events read this way come from a tape that holds one event at a time, reused from one to the next.
class EventReader {
  public:
    /// `text` is the document's.
    EventReader(std::string_view text, const std::string& file, std::vector<Event>& events)
        : text_size_(text.size()), file_(file), events_(events)
    {
    }

    void operator()(const JsonDocument& doc, Ref element, std::size_t index)
    {
        if (error_) {
            return;
        }
        if (index <= 1) {
            reserve(doc.node(element).offset, index);
        }
        const Context ctx(doc, file_);
        Event& event = new_event(events_);
        Expected<void> read = read_event(ctx.in_event(index), element, index, previous_at_, event);
        if (!read) {
            error_ = std::move(read).error();
            return;
        }
        previous_at_ = event.at;
    }

    /// The error of the first event that did not read, if any.
    [[nodiscard]] std::optional<Error>& error() { return error_; }

  private:
    /// The parser does not know how many events follow. Once two have started, the number is guessed
    /// from the bytes of the first, so that `events_` is not moved again and again as it grows. A bad
    /// guess costs a move or memory reserved but never touched; it is capped at twice the text's size
    /// in Events, which is what the whole document's tape used to reserve.
    void reserve(std::size_t offset, std::size_t index)
    {
        if (index == 0) {
            first_offset_ = offset;
            return;
        }
        const std::size_t guess = (text_size_ - first_offset_) / (offset - first_offset_) + 1;
        events_.reserve(std::min(guess, 2 * text_size_ / sizeof(Event)));
    }

    std::size_t text_size_;
    std::size_t first_offset_ = 0; ///< where the first event starts
    const std::string& file_;
    std::vector<Event>& events_;
    double previous_at_ = 0.0;
    std::optional<Error> error_;
};

/// Reads the document whose root is node 0. Its events were read while it was parsed (`event_reader`,
/// into `trace.events`); their error, if any, is reported here, where whole-document reading read them:
/// after an error of the members read before `events`, before one of those read after it.
[[nodiscard]] Expected<Trace> read_trace(const Context& ctx, Trace trace, EventReader& event_reader)
{
    const JsonDocument& doc = ctx.doc();
    constexpr Ref kRoot = 0;
    if (doc.kind(kRoot) != Kind::object) {
        return tl::make_unexpected(
            ctx.error(ErrorCode::bad_input, "",
                      "expected a JSON object (a pc5-trace/1 document), found " + ctx.found(kRoot),
                      doc.position(kRoot)));
    }
    const std::string root_pointer;
    // Unknown top-level keys are vendor metadata: no closed set.
    Fields<kTopKeys> f(ctx, kRoot, Pointer(root_pointer), "the document", KeySet::open);
    if (const std::optional<Ref> format = f.get("format", Presence::required)) {
        if (!doc.string_equals(*format, detail::kFormat)) {
            f.fail(ctx.error(Pointer(f.pointer(), "format"),
                             "expected \"" + std::string(detail::kFormat) + "\", found " + ctx.found(*format),
                             *format));
        }
    }
    f.string("spec", Presence::required, trace.spec, true, "a spec id, e.g. \"ts33536-r17\"");
    f.string("title", Presence::optional, trace.title, false, "free text");
    std::string observer = to_string(Observer::air);
    f.name("observer", Presence::optional, observer, detail::observer_names());
    if (f.ok()) {
        trace.observer = *detail::observer_from_string(observer);
    }
    if (const std::optional<Ref> link = f.get("link", Presence::required)) {
        f.assign(read_link(ctx, *link), trace.link);
    }
    if (const std::optional<Ref> keys = f.get("keys", Presence::optional)) {
        if (doc.kind(*keys) != Kind::array) {
            f.fail(ctx.error(Pointer(f.pointer(), "keys"),
                             "expected an array of {k_nrp_id, k_nrp} for keys, found " + ctx.found(*keys),
                             *keys));
        } else {
            const std::string p = "/keys";
            doc.for_each_element(*keys, [&](std::size_t i, Ref e) {
                trace.keys.emplace_back();
                f.assign(read_key(ctx, e, child(p, i)), trace.keys.back());
                return f.ok();
            });
        }
    }
    if (const std::optional<Ref> events = f.get("events", Presence::required)) {
        if (doc.kind(*events) != Kind::array) {
            f.fail(ctx.error(Pointer(f.pointer(), "events"),
                             "expected an array of events for events, found " + ctx.found(*events), *events));
        } else if (event_reader.error()) {
            f.fail(std::move(*event_reader.error()));
        }
    }
    if (const std::optional<Ref> expect = f.get("expect", Presence::optional)) {
        Expect e;
        f.assign(read_expect(ctx, *expect), e);
        trace.expect = std::move(e);
    }
    if (const std::optional<Ref> steps = f.get("attacker_steps", Presence::optional)) {
        f.assign(read_attacker_steps(ctx, *steps), trace.attacker_steps);
    }
    return f.finish(std::move(trace));
}

} // namespace

namespace {

/// Event storage given back by recycle_trace on this thread, cleared: the next trace parsed here takes
/// it instead of allocating its own. Short traces read one after another (a `.jsonl` file) then do not
/// allocate and free a block of a few kB each, which makes the allocator sort its bins of small blocks.
thread_local std::vector<Event> t_spare_events; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

/// Largest event storage kept for reuse, in events (~1 MB): a long trace's memory goes with it.
constexpr std::size_t kMaxSpareEvents = 4096;
/// Largest buffers of one event kept for reuse, in bytes: an ordinary event's take a few hundred, and a
/// huge pdu or IE (up to --max-hex-digits) must not stay with the thread 4,096 times over.
constexpr std::size_t kMaxSpareEventBytes = 4096;

/// The heap storage an event's buffers hold.
std::size_t storage_bytes(const Event& e)
{
    return e.msg.capacity() + e.pointer.capacity() + e.ie.storage_bytes() + (e.pdu ? e.pdu->capacity() : 0);
}

} // namespace

void recycle_trace(Trace&& done)
{
    std::vector<Event> events = std::move(done.events);
    done.events = std::vector<Event>();
    // The events themselves keep their buffers (message name, IEs, pdu) for the events read next.
    for (Event& e : events) {
        if (t_spare_event_values.size() >= kMaxSpareEvents) {
            break;
        }
        if (storage_bytes(e) <= kMaxSpareEventBytes) {
            t_spare_event_values.push_back(std::move(e));
        }
    }
    if (events.capacity() > t_spare_events.capacity() && events.capacity() <= kMaxSpareEvents) {
        events.clear();
        t_spare_events.swap(events);
    }
}

Expected<Trace> parse_trace(std::string_view text, const std::string& file, std::size_t first_line,
                            const Limits& limits)
{
    const auto error = [&](Error e) {
        e.file = file;
        return tl::make_unexpected(std::move(e));
    };
    if (detail::is_blank(text)) {
        Error e;
        e.code = ErrorCode::bad_input;
        e.message = "expected a pc5-trace/1 JSON document, found an empty document";
        e.line = first_line;
        return error(std::move(e));
    }
    detail::TextOrigin origin;
    origin.at = Position{first_line, 1};
    Trace trace;
    trace.events.swap(t_spare_events);
    EventReader events(text, file, trace.events);
    const JsonDocument::ElementSink sink = std::ref(events);
    ExpectedT<JsonDocument, Error> doc = JsonDocument::parse(text, origin, limits, &sink);
    if (!doc) {
        return error(std::move(doc).error());
    }
    const Context ctx(*doc, file);
    trace.file = file;
    trace.line = doc->position(0).line;
    return read_trace(ctx, std::move(trace), events);
}

Expected<Event> detail::read_event_text(std::string_view text, const std::string& file, const Position& at,
                                        std::size_t index, double previous_at, const Limits& limits)
{
    // As inside a whole document: two containers (the root object, `events`) are open around it.
    detail::TextOrigin origin;
    origin.at = at;
    origin.depth = 2;
    ExpectedT<JsonDocument, Error> doc = JsonDocument::parse(text, origin, limits);
    if (!doc) {
        Error e = std::move(doc).error();
        e.file = file;
        return tl::make_unexpected(std::move(e));
    }
    const Context ctx(*doc, file);
    Event event;
    if (auto read = read_event(ctx.in_event(index), 0, index, previous_at, event); !read) {
        return tl::make_unexpected(std::move(read).error());
    }
    return event;
}

std::optional<Event> detail::parse_event(std::string_view text, const std::string& file, const Position& at,
                                         std::size_t index, double previous_at)
{
    Expected<Event> event = read_event_text(text, file, at, index, previous_at, Limits{});
    if (!event) {
        return std::nullopt; // the whole-document reader reports it, with its precedence
    }
    return std::move(*event);
}

} // namespace pc5check::trace
