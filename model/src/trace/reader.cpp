#include "pc5check/common/hex.h"
#include "pc5check/trace/trace.h"
#include "trace/fast_reader.h"
#include "trace/hex.h"
#include "trace/names.h"
#include "trace/position_index.h"
#include "trace/stream_detail.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pc5check::trace {

namespace {

using nlohmann::json;

/// Longest text quoted from the input in a message, in characters.
constexpr std::size_t kMaxQuoted = 48;
/// Longest message taken over from nlohmann (its "last read" token may be a whole long string).
constexpr std::size_t kMaxForeignMessage = 160;

enum class Presence : std::uint8_t { required, optional };

[[nodiscard]] bool is_json_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// `s` made fit for a one-line message: control characters escaped (and, if `ascii_only`, every
/// non-ASCII byte), cut after `max` characters with "...".
[[nodiscard]] std::string printable(std::string_view s, std::size_t max, bool ascii_only = false)
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

/// nlohmann's exception text without "[json.exception.x.nnn] " and its own (document-relative)
/// position, made one printable line.
[[nodiscard]] std::string foreign_message(const json::exception& e)
{
    std::string_view what = e.what();
    if (const auto bracket = what.find("] ");
        what.starts_with("[json.exception.") && bracket != std::string_view::npos) {
        what.remove_prefix(bracket + 2);
    }
    if (what.starts_with("parse error")) {
        if (const auto colon = what.find(": "); colon != std::string_view::npos) {
            what.remove_prefix(colon + 2);
        }
    }
    return printable(what, kMaxForeignMessage, true);
}

[[nodiscard]] std::string join(const std::vector<std::string>& names)
{
    std::string out;
    for (const std::string& n : names) {
        out += out.empty() ? "" : ", ";
        out += n;
    }
    return out;
}

[[nodiscard]] std::string join(std::initializer_list<std::string_view> names)
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

/// Whether a valid trace needs the position of the value at `pointer`: the root, each event, its IE
/// object and each IE ("", /events/<i>, /events/<i>/ie, /events/<i>/ie/<name>). Other positions only
/// matter for an error.
[[nodiscard]] bool needed_on_success(std::string_view pointer)
{
    constexpr std::string_view kEvents = "/events/";
    if (pointer.empty()) {
        return true;
    }
    if (!pointer.starts_with(kEvents)) {
        return false;
    }
    pointer.remove_prefix(kEvents.size());
    const std::size_t digits = std::min(pointer.find('/'), pointer.size());
    if (digits == 0 || pointer.substr(0, digits).find_first_not_of("0123456789") != std::string_view::npos) {
        return false;
    }
    pointer.remove_prefix(digits);
    constexpr std::string_view kIe = "/ie";
    return pointer.empty() || pointer == kIe ||
           (pointer.starts_with(kIe) && pointer[kIe.size()] == '/' &&
            pointer.find('/', kIe.size() + 1) == std::string_view::npos);
}

/// Finds value positions: those a valid trace needs come from one scan up front; any other (for an
/// error report) from a scan for that pointer and its ancestors, kept for the next lookup.
class Locator {
  public:
    Locator(std::string_view text, detail::ScanOrigin origin, const detail::PositionIndex& main,
            const Limits& limits = {})
        : text_(text), origin_(std::move(origin)), main_(main), limits_(limits)
    {
    }

    [[nodiscard]] std::optional<detail::Located> find(const std::string& pointer)
    {
        if (const detail::Located* loc = main_.find(pointer)) {
            return *loc;
        }
        if (pointer.size() > detail::PositionIndex::kMaxPointerLength) {
            return std::nullopt; // never recorded: the caller falls back to an ancestor
        }
        if (!extra_ || !on_path(pointer)) {
            extra_ = detail::PositionIndex::scan_for(text_, origin_, pointer, limits_);
            extra_pointer_ = pointer;
        }
        if (const detail::Located* loc = extra_->find(pointer)) {
            return *loc;
        }
        return std::nullopt;
    }

  private:
    /// Whether `pointer` is the one the extra scan was for, or an ancestor of it.
    [[nodiscard]] bool on_path(const std::string& pointer) const
    {
        return extra_pointer_ == pointer ||
               (extra_pointer_.size() > pointer.size() && extra_pointer_.starts_with(pointer) &&
                extra_pointer_[pointer.size()] == '/');
    }

    std::string_view text_;
    detail::ScanOrigin origin_;
    const detail::PositionIndex& main_;
    Limits limits_; // a copy: the default argument is a temporary
    std::optional<detail::PositionIndex> extra_;
    std::string extra_pointer_;
};

/// What the reader knows about the document: text, file, positions, and the event being read.
class Context {
  public:
    Context(std::string_view text, const std::string& file, Locator& locator)
        : text_(text), file_(file), locator_(locator)
    {
    }

    /// The same context, inside event `i`.
    [[nodiscard]] Context in_event(std::size_t i) const
    {
        Context c = *this;
        c.event_index_ = i;
        return c;
    }

    /// Where the value at `pointer` starts (its key if `at_key`), or its nearest recorded ancestor.
    [[nodiscard]] Position locate(std::string pointer, bool at_key = false) const
    {
        while (true) {
            if (const std::optional<detail::Located> loc = locator_.find(pointer)) {
                return at_key && loc->key.line != 0 ? loc->key : loc->value;
            }
            if (pointer.empty()) {
                return Position{};
            }
            pointer.erase(pointer.rfind('/'));
            at_key = false;
        }
    }

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

    /// A bad_input error about the value at `pointer` (about its key if `at_key`).
    [[nodiscard]] Error error(const std::string& pointer, std::string message, bool at_key = false) const
    {
        return error(ErrorCode::bad_input, pointer, std::move(message), locate(pointer, at_key));
    }

    /// How a found value reads in a message: scalars as written in the text, containers by kind.
    [[nodiscard]] std::string found(const json& v, const std::string& pointer) const
    {
        if (v.is_object()) {
            return "an object";
        }
        if (v.is_array()) {
            return "an array";
        }
        if (const std::optional<detail::Located> loc = locator_.find(pointer)) {
            return printable(raw_token(loc->offset), kMaxQuoted);
        }
        return printable(v.dump(), kMaxQuoted);
    }

    /// An integer 0..max written as a JSON integer.
    template <class T>
    [[nodiscard]] Expected<T> integer(const json& v, const std::string& pointer,
                                      T max = std::numeric_limits<T>::max()) const
    {
        if (v.is_number_unsigned() && v.get<std::uint64_t>() <= max) {
            return static_cast<T>(v.get<std::uint64_t>());
        }
        std::string why;
        if (v.is_number_integer()) { // out of range (nlohmann keeps only negative integers signed)
            why = " (out of range)";
        } else if (v.is_number_float()) {
            // nlohmann turns an integer too large for 64 bits into a double: tell it from 1.5 or 1e3.
            const std::optional<detail::Located> loc = locator_.find(pointer);
            const bool written_as_integer =
                loc.has_value() && raw_token(loc->offset).find_first_of(".eE") == std::string_view::npos;
            why = written_as_integer ? " (out of range)" : " (a JSON integer has no fraction or exponent)";
        }
        return tl::make_unexpected(error(pointer, "expected an integer 0.." + std::to_string(max) +
                                                      ", found " + found(v, pointer) + why));
    }

    /// A time in seconds: a finite number >= 0.
    [[nodiscard]] Expected<double> seconds(const json& v, const std::string& pointer) const
    {
        if (v.is_number()) {
            const auto d = v.get<double>();
            if (std::isfinite(d) && d >= 0.0) {
                return d;
            }
        }
        return tl::make_unexpected(
            error(pointer, "expected a finite number of seconds >= 0, found " + found(v, pointer)));
    }

    [[nodiscard]] Expected<bool> boolean(const json& v, const std::string& pointer) const
    {
        if (v.is_boolean()) {
            return v.get<bool>();
        }
        return tl::make_unexpected(error(pointer, "expected true or false, found " + found(v, pointer)));
    }

    /// A string; `what` describes it in the message.
    [[nodiscard]] Expected<std::string> string(const json& v, const std::string& pointer, bool non_empty,
                                               std::string_view what) const
    {
        if (v.is_string() && (!non_empty || !v.get_ref<const std::string&>().empty())) {
            return v.get<std::string>();
        }
        return tl::make_unexpected(error(pointer, std::string("expected ") +
                                                      (non_empty ? "a non-empty" : "a") + " string (" +
                                                      std::string(what) + "), found " + found(v, pointer)));
    }

    /// One of `names`; `what`, if not empty, describes the value in the message.
    [[nodiscard]] Expected<std::string> name(const json& v, const std::string& pointer,
                                             const std::vector<std::string>& names,
                                             std::string_view what) const
    {
        if (v.is_string()) {
            for (const std::string& n : names) {
                if (n == v.get_ref<const std::string&>()) {
                    return n;
                }
            }
        }
        std::string message = "expected ";
        if (!what.empty()) {
            message += std::string(what) + ", ";
        }
        return tl::make_unexpected(
            error(pointer, message + "one of " + join(names) + ", found " + found(v, pointer)));
    }

    /// Hex digits; `octets`: the exact length required, if any.
    [[nodiscard]] Expected<Bytes> hex(const json& v, const std::string& pointer,
                                      std::optional<std::size_t> octets, std::string_view what) const
    {
        if (!v.is_string()) {
            const std::string digits = octets ? std::to_string(*octets * 2) + " hex digits"
                                              : std::string("an even number of hex digits");
            return tl::make_unexpected(error(pointer, "expected a string of " + digits + " for " +
                                                          std::string(what) + ", found " +
                                                          found(v, pointer)));
        }
        auto bytes = detail::parse_hex(v.get_ref<const std::string&>(), octets, what);
        if (!bytes) {
            return tl::make_unexpected(error(pointer, std::move(bytes).error()));
        }
        return std::move(*bytes);
    }

  private:
    /// The scalar token starting at `offset`: a whole string literal, or a number/literal.
    [[nodiscard]] std::string_view raw_token(std::size_t offset) const
    {
        std::size_t end = offset;
        if (end < text_.size() && text_[end] == '"') {
            for (++end; end < text_.size() && text_[end] != '"'; ++end) {
                if (text_[end] == '\\') {
                    ++end;
                }
            }
            end = end < text_.size() ? end + 1 : text_.size();
        } else {
            while (end < text_.size() && !is_json_ws(text_[end]) && text_[end] != ',' && text_[end] != ']' &&
                   text_[end] != '}') {
                ++end;
            }
        }
        return text_.substr(offset, end - offset);
    }

    std::string_view text_;
    const std::string& file_;
    Locator& locator_;
    std::optional<std::size_t> event_index_;
};

/// Reads the members of one JSON object, keeping the first error (later reads do nothing once an
/// error is kept, so a reader function is a flat list of member reads).
class Fields {
  public:
    /// `what` names the object in messages; `allowed`, if not empty, is the closed set of its keys.
    Fields(const Context& ctx, const json& value, std::string pointer, std::string what,
           std::initializer_list<std::string_view> allowed)
        : ctx_(ctx), value_(value), pointer_(std::move(pointer)), what_(std::move(what))
    {
        if (!value_.is_object()) {
            fail(ctx_.error(pointer_,
                            "expected an object for " + what_ + ", found " + ctx_.found(value_, pointer_)));
            return;
        }
        if (allowed.size() == 0) {
            return;
        }
        for (const auto& [key, member] : value_.items()) {
            bool known = false;
            for (const std::string_view a : allowed) {
                known = known || key == a;
            }
            if (!known) {
                fail(ctx_.error(child(pointer_, key),
                                "unknown key '" + printable(key, kMaxQuoted) + "' in " + what_ +
                                    "; expected one of " + join(allowed),
                                true));
                return;
            }
        }
    }

    [[nodiscard]] bool ok() const { return !error_.has_value(); }
    [[nodiscard]] const std::string& pointer() const { return pointer_; }
    [[nodiscard]] std::string pointer(std::string_view key) const { return child(pointer_, key); }

    /// Keeps `e` unless an error is already kept.
    void fail(Error e)
    {
        if (!error_) {
            error_ = std::move(e);
        }
    }

    /// Keeps the error of a nested reader.
    void take(Fields& nested)
    {
        if (nested.error_) {
            fail(std::move(*nested.error_));
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

    /// The member `key`, or nullptr when absent (an error if required) or after an error.
    [[nodiscard]] const json* get(std::string_view key, Presence presence)
    {
        if (error_) {
            return nullptr;
        }
        const auto it = value_.find(key);
        if (it != value_.end()) {
            return &*it;
        }
        if (presence == Presence::required) {
            fail(ctx_.error(pointer_, "missing required key '" + std::string(key) + "' in " + what_));
        }
        return nullptr;
    }

    template <class T, class Out>
    void integer(std::string_view key, Presence presence, Out& out, T max = std::numeric_limits<T>::max())
    {
        if (const json* v = get(key, presence)) {
            assign(ctx_.integer<T>(*v, pointer(key), max), out);
        }
    }

    template <class Out> void boolean(std::string_view key, Presence presence, Out& out)
    {
        if (const json* v = get(key, presence)) {
            assign(ctx_.boolean(*v, pointer(key)), out);
        }
    }

    template <class Out>
    void string(std::string_view key, Presence presence, Out& out, bool non_empty, std::string_view what)
    {
        if (const json* v = get(key, presence)) {
            assign(ctx_.string(*v, pointer(key), non_empty, what), out);
        }
    }

    template <class Out>
    void name(std::string_view key, Presence presence, Out& out, const std::vector<std::string>& names,
              std::string_view what = {})
    {
        if (const json* v = get(key, presence)) {
            assign(ctx_.name(*v, pointer(key), names, what), out);
        }
    }

    /// An array whose elements are each one of `names` (kept as written, duplicates too).
    void names(std::string_view key, Presence presence, std::vector<std::string>& out,
               const std::vector<std::string>& names)
    {
        const json* v = get(key, presence);
        if (v == nullptr) {
            return;
        }
        const std::string p = pointer(key);
        if (!v->is_array()) {
            fail(ctx_.error(p, "expected an array of names, each one of " + join(names) + ", found " +
                                   ctx_.found(*v, p)));
            return;
        }
        out.clear();
        for (std::size_t i = 0; i < v->size() && ok(); ++i) {
            out.emplace_back();
            assign(ctx_.name((*v)[i], child(p, i), names, {}), out.back());
        }
    }

    template <class Out>
    void hex(std::string_view key, Presence presence, Out& out, std::optional<std::size_t> octets)
    {
        if (const json* v = get(key, presence)) {
            assign(ctx_.hex(*v, pointer(key), octets, key), out);
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

  private:
    const Context& ctx_;
    const json& value_;
    std::string pointer_;
    std::string what_;
    std::optional<Error> error_;
};

[[nodiscard]] Expected<SecCaps> read_sec_caps(const Context& ctx, const json& v, const std::string& pointer)
{
    Fields f(ctx, v, pointer, "initiator_sec_cap", {"nea", "nia"});
    SecCaps caps;
    f.names("nea", Presence::required, caps.nea, detail::nea_names());
    f.names("nia", Presence::required, caps.nia, detail::nia_names());
    return f.finish(std::move(caps));
}

[[nodiscard]] Expected<Link> read_link(const Context& ctx, const json& v)
{
    Fields f(ctx, v, "/link", "link",
             {"k_nrp_id", "k_nrp_sess_id", "selected_algs", "k_nrp_sess", "initiator_sec_cap",
              "signalling_policy"});
    Link link;
    f.integer<std::uint32_t>("k_nrp_id", Presence::required, link.k_nrp_id);
    f.integer<std::uint16_t>("k_nrp_sess_id", Presence::required, link.k_nrp_sess_id);
    if (const json* algs = f.get("selected_algs", Presence::optional)) {
        Fields a(ctx, *algs, f.pointer("selected_algs"), "selected_algs", {"nea", "nia"});
        a.name("nea", Presence::optional, link.selected_nea, detail::nea_names());
        a.name("nia", Presence::optional, link.selected_nia, detail::nia_names());
        f.take(a);
    }
    f.hex("k_nrp_sess", Presence::optional, link.k_nrp_sess, 32);
    if (const json* caps = f.get("initiator_sec_cap", Presence::optional)) {
        f.assign(read_sec_caps(ctx, *caps, f.pointer("initiator_sec_cap")), link.initiator_sec_cap);
    }
    if (const json* policy = f.get("signalling_policy", Presence::optional)) {
        Fields p(ctx, *policy, f.pointer("signalling_policy"), "signalling_policy",
                 {"integrity", "ciphering"});
        SignallingPolicy sp;
        p.name("integrity", Presence::required, sp.integrity, detail::policy_names());
        p.name("ciphering", Presence::required, sp.ciphering, detail::policy_names());
        f.take(p);
        link.signalling_policy = std::move(sp);
    }
    return f.finish(std::move(link));
}

[[nodiscard]] Expected<KeyEntry> read_key(const Context& ctx, const json& v, const std::string& pointer)
{
    Fields f(ctx, v, pointer, "key entry", {"k_nrp_id", "k_nrp"});
    KeyEntry key;
    f.integer<std::uint32_t>("k_nrp_id", Presence::required, key.k_nrp_id);
    f.hex("k_nrp", Presence::required, key.k_nrp, 32);
    return f.finish(std::move(key));
}

[[nodiscard]] Expected<Sec> read_sec(const Context& ctx, const json& v, const std::string& pointer)
{
    Sec sec;
    if (v.is_string() && v.get_ref<const std::string&>() == "none") {
        sec.kind = Sec::Kind::none;
        return sec;
    }
    if (!v.is_object()) {
        return tl::make_unexpected(ctx.error(
            pointer,
            "expected \"none\" or an object with ctx, count, bearer, direction, mac, ciphered for sec, "
            "found " +
                ctx.found(v, pointer)));
    }
    Fields f(ctx, v, pointer, "sec", {"ctx", "count", "bearer", "direction", "mac", "ciphered"});
    sec.kind = Sec::Kind::protected_;
    f.integer<std::uint16_t>("ctx", Presence::optional, sec.ctx);
    f.integer<std::uint32_t>("count", Presence::optional, sec.count);
    f.integer<std::uint8_t>("bearer", Presence::optional, sec.bearer, 31);
    f.integer<std::uint8_t>("direction", Presence::optional, sec.direction, 1);
    std::optional<Bytes> mac;
    f.hex("mac", Presence::optional, mac, 4);
    if (mac && f.ok()) {
        sec.mac.emplace();
        std::copy(mac->begin(), mac->end(), sec.mac->begin());
    }
    f.boolean("ciphered", Presence::optional, sec.ciphered);
    return f.finish(sec);
}

/// Reads event `i`; its IEs are moved out of `v`.
[[nodiscard]] Expected<Event> read_event(const Context& ctx, json& v, std::size_t i, double previous_at)
{
    const std::string pointer = child("/events", i);
    Fields f(ctx, v, pointer, "event", {"at", "from", "msg", "ie", "sec", "pdu"});
    Event event;
    event.pointer = pointer;
    event.position = ctx.locate(pointer);
    event.at = previous_at;
    if (const json* at = f.get("at", Presence::optional)) {
        f.assign(ctx.seconds(*at, f.pointer("at")), event.at);
    }
    std::string from;
    f.name("from", Presence::required, from, detail::role_names(), "the sending role");
    if (f.ok()) {
        event.from = *detail::role_from_string(from);
    }
    f.name("msg", Presence::required, event.msg, contract_message_names(), "a message name");
    if (const json* ie = f.get("ie", Presence::optional)) {
        const std::string ie_pointer = f.pointer("ie");
        // null: the IEs were not decoded (ciphered, or the capture tool could not parse them).
        if (!ie->is_object() && !ie->is_null()) {
            f.fail(ctx.error(ie_pointer, "expected an object of IEs (name: value) or null (not decoded) for ie, found " +
                                             ctx.found(*ie, ie_pointer)));
        } else {
            for (const auto& [name, value] : ie->items()) {
                event.ie_positions[name] = ctx.locate(child(ie_pointer, name));
            }
        }
    }
    if (const json* sec = f.get("sec", Presence::optional)) {
        f.assign(read_sec(ctx, *sec, f.pointer("sec")), event.sec);
    }
    f.hex("pdu", Presence::optional, event.pdu, std::nullopt);
    if (f.ok()) {
        if (const auto ie = v.find("ie"); ie != v.end()) {
            event.ie = std::move(*ie); // raw, checked against the spec on binding
        }
    }
    return f.finish(std::move(event));
}

[[nodiscard]] Expected<Expect> read_expect(const Context& ctx, const json& v)
{
    Fields f(ctx, v, "/expect", "expect",
             {"verdict", "rules", "max_missing", "timeout_ms", "assumed", "unverified", "limit"});
    Expect expect;
    f.name("verdict", Presence::required, expect.verdict, detail::verdict_names());
    const auto strings = [&](const char* key, const char* what, const char* element, std::vector<std::string>& out) {
        if (const json* list = f.get(key, Presence::optional)) {
            const std::string p = f.pointer(key);
            if (!list->is_array()) {
                f.fail(ctx.error(p, std::string("expected an array of ") + what + " for " + key + ", found " +
                                        ctx.found(*list, p)));
            }
            for (std::size_t i = 0; f.ok() && i < list->size(); ++i) {
                out.emplace_back();
                f.assign(ctx.string((*list)[i], child(p, i), true, element), out.back());
            }
        }
    };
    strings("rules", "rule IDs", "a rule ID", expect.rules);
    strings("assumed", "texts", "a text", expect.assumed);
    strings("unverified", "rule IDs", "a rule ID", expect.unverified);
    const auto count = [&](const char* key, std::optional<unsigned>& out) {
        if (const json* n = f.get(key, Presence::optional)) {
            if (!n->is_number_unsigned() || n->get<std::uint64_t>() > 1'000'000U) {
                f.fail(ctx.error(f.pointer(key), std::string("expected an integer 0..1000000 for ") + key + ", found " +
                                                     ctx.found(*n, f.pointer(key))));
            } else {
                out = static_cast<unsigned>(n->get<std::uint64_t>());
            }
        }
    };
    count("max_missing", expect.max_missing);
    count("timeout_ms", expect.timeout_ms);
    if (const json* limit = f.get("limit", Presence::optional)) {
        f.assign(ctx.string(*limit, f.pointer("limit"), true, "a text"), expect.limit);
    }
    return f.finish(std::move(expect));
}

/// `attacker_steps`: [{"event": N, "attack": "injected" | "dropped", "action": free text}, ...] (the event
/// index is checked against the events when the steps are used: a streamed header has none yet).
[[nodiscard]] Expected<std::vector<AttackerStep>> read_attacker_steps(const Context& ctx, const json& v)
{
    const std::string p = "/attacker_steps";
    if (!v.is_array()) {
        return tl::make_unexpected(
            ctx.error(p, "expected an array of {event, attack} for attacker_steps, found " + ctx.found(v, p)));
    }
    std::vector<AttackerStep> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        const std::string ip = child(p, i);
        const json& item = v[i];
        const auto event = item.is_object() ? item.find("event") : item.end();
        const auto attack = item.is_object() ? item.find("attack") : item.end();
        if (!item.is_object() || event == item.end() || !event->is_number_unsigned() || attack == item.end() ||
            !attack->is_string() || (*attack != "injected" && *attack != "dropped")) {
            return tl::make_unexpected(ctx.error(
                ip, "expected {\"event\": <event index>, \"attack\": \"injected\" or \"dropped\"}, found " +
                        ctx.found(item, ip)));
        }
        out.push_back(AttackerStep{event->get<std::size_t>(), *attack == "injected"});
    }
    return out;
}

/// Reads the document; the events are moved out of `doc` (and released) as they are read.
[[nodiscard]] Expected<Trace> read_trace(const Context& ctx, json& doc, Trace trace)
{
    if (!doc.is_object()) {
        return tl::make_unexpected(
            ctx.error("", "expected a JSON object (a pc5-trace/1 document), found " + ctx.found(doc, "")));
    }
    Fields f(ctx, doc, "", "the document", {}); // unknown top-level keys are vendor metadata
    if (const json* format = f.get("format", Presence::required)) {
        if (!format->is_string() || format->get_ref<const std::string&>() != detail::kFormat) {
            f.fail(ctx.error("/format", "expected \"" + std::string(detail::kFormat) + "\", found " +
                                            ctx.found(*format, "/format")));
        }
    }
    f.string("spec", Presence::required, trace.spec, true, "a spec id, e.g. \"ts33536-r17\"");
    f.string("title", Presence::optional, trace.title, false, "free text");
    std::string observer = to_string(Observer::air);
    f.name("observer", Presence::optional, observer, detail::observer_names());
    if (f.ok()) {
        trace.observer = *detail::observer_from_string(observer);
    }
    if (const json* link = f.get("link", Presence::required)) {
        f.assign(read_link(ctx, *link), trace.link);
    }
    if (const json* keys = f.get("keys", Presence::optional)) {
        if (!keys->is_array()) {
            f.fail(ctx.error("/keys", "expected an array of {k_nrp_id, k_nrp} for keys, found " +
                                          ctx.found(*keys, "/keys")));
        }
        for (std::size_t i = 0; f.ok() && i < keys->size(); ++i) {
            trace.keys.emplace_back();
            f.assign(read_key(ctx, (*keys)[i], child("/keys", i)), trace.keys.back());
        }
    }
    if (f.get("events", Presence::required) != nullptr) {
        json& events = doc.at("events");
        if (!events.is_array()) {
            f.fail(ctx.error("/events", "expected an array of events for events, found " +
                                            ctx.found(events, "/events")));
        } else {
            trace.events.reserve(events.size());
        }
        double at = 0.0;
        for (std::size_t i = 0; f.ok() && i < events.size(); ++i) {
            trace.events.emplace_back();
            f.assign(read_event(ctx.in_event(i), events[i], i, at), trace.events.back());
            at = trace.events.back().at;
            events[i] = nullptr; // keeps peak memory near one copy of the events
        }
    }
    if (const json* expect = f.get("expect", Presence::optional)) {
        Expect e;
        f.assign(read_expect(ctx, *expect), e);
        trace.expect = std::move(e);
    }
    if (const json* steps = f.get("attacker_steps", Presence::optional)) {
        f.assign(read_attacker_steps(ctx, *steps), trace.attacker_steps);
    }
    return f.finish(std::move(trace));
}

} // namespace

Expected<Trace> parse_trace(std::string_view text, const std::string& file, std::size_t first_line,
                            const Limits& limits)
{
    // Valid documents, nearly all of them, are read in one pass; the full reader finds and words errors.
    if (std::optional<Trace> trace = detail::read_fast(text, file, first_line, limits)) {
        return std::move(*trace);
    }
    return detail::parse_trace_slow(text, file, first_line, limits);
}

Expected<Trace> detail::parse_trace_slow(std::string_view text, const std::string& file,
                                         std::size_t first_line, const Limits& limits)
{
    const detail::PositionIndex index =
        detail::PositionIndex::scan(text, first_line, needed_on_success, limits);
    Locator locator(text, detail::ScanOrigin{Position{first_line, 1}, 0, ""}, index, limits);
    const Context ctx(text, file, locator);
    if (detail::is_blank(text)) {
        return tl::make_unexpected(ctx.error(ErrorCode::bad_input, "",
                                             "expected a pc5-trace/1 JSON document, found an empty document",
                                             Position{first_line, 0}));
    }
    if (index.too_deep()) {
        return tl::make_unexpected(ctx.error(ErrorCode::limit, "",
                                             "expected JSON nested at most " +
                                                 std::to_string(limits.max_nesting) +
                                                 " levels deep (limit --max-nesting), found deeper nesting",
                                             *index.too_deep()));
    }
    if (const auto& number = index.long_number()) { // before nlohmann reads it whole
        return tl::make_unexpected(ctx.error(ErrorCode::limit, "",
                                             "expected JSON numbers of at most " +
                                                 std::to_string(limits.max_number_chars) +
                                                 " characters (limit --max-number-chars), found one of " +
                                                 std::to_string(number->length) + " characters",
                                             number->at));
    }
    json doc;
    try {
        doc = json::parse(text.begin(), text.end());
    } catch (const json::parse_error& e) {
        const std::size_t offset = e.byte == 0 ? 0 : e.byte - 1; // e.byte: 1-based, of the last byte read
        return tl::make_unexpected(ctx.error(ErrorCode::bad_input, "", "invalid JSON: " + foreign_message(e),
                                             detail::position_of(text, offset, first_line)));
    } catch (const json::exception& e) {
        // out_of_range 406: a number overflowing a double, which nlohmann reports without position.
        const bool overflow = e.id == 406;
        return tl::make_unexpected(ctx.error(
            ErrorCode::bad_input, "",
            std::string("invalid JSON: ") +
                (overflow ? "expected a number within the range of a double; " : "") + foreign_message(e),
            overflow ? index.number_overflow().value_or(Position{}) : Position{}));
    }
    if (const auto& dup = index.duplicate()) {
        return tl::make_unexpected(ctx.error(ErrorCode::bad_input, dup->pointer,
                                             "duplicate key '" + printable(dup->key, kMaxQuoted) +
                                                 "'; expected each key once per object (first at line " +
                                                 std::to_string(dup->first.line) + ", column " +
                                                 std::to_string(dup->first.column) + ")",
                                             dup->second));
    }
    Trace trace;
    trace.file = file;
    trace.line = ctx.locate("").line == 0 ? first_line : ctx.locate("").line;
    try {
        return read_trace(ctx, doc, std::move(trace));
    } catch (const json::exception& e) { // not expected: every access above checks the type first
        return tl::make_unexpected(
            ctx.error(ErrorCode::internal, "", "unexpected JSON error: " + foreign_message(e), Position{}));
    }
}

namespace detail {

std::optional<Event> parse_event(std::string_view text, const std::string& file, const Position& at,
                                 std::size_t index, double previous_at)
{
    // As inside a whole document: two containers (the root object, `events`) are open around it.
    const ScanOrigin origin{at, 2, child("/events", index)};
    const PositionIndex positions = PositionIndex::scan(text, origin, needed_on_success);
    if (positions.too_deep() || positions.duplicate() || positions.long_number()) {
        return std::nullopt; // the whole-document reader reports it (a fuzz_trace_stream finding)
    }
    json value;
    try {
        value = json::parse(text.begin(), text.end());
    } catch (const json::exception&) {
        return std::nullopt; // the whole-document reader reports it, with its position
    }
    Locator locator(text, origin, positions);
    const Context ctx(text, file, locator);
    try {
        auto event = read_event(ctx.in_event(index), value, index, previous_at);
        if (!event) {
            return std::nullopt;
        }
        return std::move(*event);
    } catch (const json::exception&) { // not expected, as in parse_trace
        return std::nullopt;
    }
}

} // namespace detail

} // namespace pc5check::trace
