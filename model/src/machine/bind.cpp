/// \file Binding a trace to a spec: message names, IE names and IE values become typed values.

#include "bind_fields.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/machine/machine.h"
#include "pc5check/protocol/protocol.h"

#include <algorithm>

namespace pc5check::machine {

namespace {

using expr::Value;
using nlohmann::json;

tl::unexpected<Error> bind_error(const trace::Trace& t, const trace::Event* ev, std::size_t index,
                                 const std::string& pointer, const std::string& message)
{
    Error e;
    e.code = ErrorCode::bad_input;
    e.file = t.file;
    e.json_pointer = pointer;
    e.message = message;
    if (ev != nullptr) {
        e.event_index = index;
        e.line = ev->position.line;
        e.column = ev->position.column;
    }
    return tl::make_unexpected(std::move(e));
}

using IeValue = trace::Ies::Value;

/// What kind of JSON value `v` is, as nlohmann names it (an integer number: "integer").
std::string json_kind(const IeValue& v)
{
    switch (v.kind()) {
    case trace::Ies::Kind::object:
        return "object";
    case trace::Ies::Kind::array:
        return "array";
    case trace::Ies::Kind::string:
        return "string";
    case trace::Ies::Kind::number:
        return v.number().type == trace::Ies::Number::Type::floating ? "number" : "integer";
    case trace::Ies::Kind::boolean:
        return "boolean";
    case trace::Ies::Kind::null:
        return "null";
    }
    return "null";
}

using Family = protocol::AlgorithmFamily;

/// "NEA0..NEA3": the names of `family`, first to last (spec/pc5-protocol.json).
std::string name_range(const Family& family)
{
    return std::string(family.names.front()) + ".." + std::string(family.names.back());
}

/// The value of algorithm name `name` of `family`, or the error for it at `pointer()` (built only
/// then: binding an event builds no JSON pointer unless it fails).
template <class Pointer>
Expected<Value> alg_name_value(std::string_view name, const Family& family, const Pointer& pointer,
                               const trace::Trace& t, const trace::Event* ev, std::size_t index)
{
    const std::optional<std::size_t> i = protocol::index_of(family.names, name);
    if (!i) {
        return bind_error(t, ev, index, pointer(),
                          "expected " + name_range(family) + ", found \"" + std::string(name) + "\"");
    }
    return Value::enumeration(static_cast<std::uint32_t>(*i));
}

template <class Pointer>
Expected<Value> alg_value(const IeValue& j, const Family& family, const Pointer& pointer,
                          const trace::Trace& t, const trace::Event* ev, std::size_t index)
{
    if (j.kind() != trace::Ies::Kind::string) {
        return bind_error(t, ev, index, pointer(),
                          "expected an algorithm name " + name_range(family) + ", found " + json_kind(j));
    }
    return alg_name_value(j.string(), family, pointer, t, ev, index);
}

/// The set of the `count` algorithms `for_each_name(f)` names (f(name) for each, in order), element k's
/// error at `pointer()/k`.
template <class ForEachName, class Pointer>
Expected<Value> cap_set(std::size_t count, const ForEachName& for_each_name, const Family& family,
                        const Pointer& pointer, const trace::Trace& t, const trace::Event* ev,
                        std::size_t index)
{
    std::vector<Value> elements;
    elements.reserve(count);
    std::optional<Error> failed;
    std::size_t k = 0;
    for_each_name([&](std::string_view name) {
        if (failed) {
            return;
        }
        auto v = alg_name_value(
            name, family, [&] { return pointer() + "/" + std::to_string(k); }, t, ev, index);
        if (!v) {
            failed = std::move(v).error();
            return;
        }
        elements.push_back(*v);
        ++k;
    });
    if (failed) {
        return tl::make_unexpected(std::move(*failed));
    }
    return Value::set(std::move(elements));
}

/// cap_set() of the link's capability lists.
Expected<Value> cap_set(const std::vector<std::string>& names, const Family& family,
                        const std::string& pointer, const trace::Trace& t)
{
    const auto each = [&names](const auto& f) {
        for (const auto& n : names) {
            f(n);
        }
    };
    return cap_set(
        names.size(), each, family, [&] { return pointer; }, t, nullptr, 0);
}

/// Whether an IE kind binds two variables (`.nea`, `.nia`) rather than one.
bool has_halves(const spec::IeDef& def) { return def.kind == "sec_cap" || def.kind == "algs"; }

/// Gives each variable of IE `k` (ie_field_names order) the value `make()`.
template <class Make>
void bind_all_parts(const spec::IeDef& def, std::size_t k, detail::FieldSink& out, Make make)
{
    if (has_halves(def)) {
        out.ie(k, detail::IePart::nea, make());
        out.ie(k, detail::IePart::nia, make());
    } else {
        out.ie(k, detail::IePart::whole, make());
    }
}

/// The JSON pointer of IE `name` of `ev`, for an error.
std::string ie_pointer(const trace::Event& ev, std::string_view name)
{
    return ev.pointer + "/ie/" + std::string(name);
}

/// The value of one half (`nea` or `nia`) of a sec_cap or algs IE, found at `p()`.
template <class Pointer>
Expected<Value> half_value(const spec::IeDef& def, const Family& family, const IeValue& value,
                           const Pointer& p, const trace::Trace& t, const trace::Event& ev, std::size_t index)
{
    if (def.kind == "algs") {
        return alg_value(value, family, p, t, &ev, index);
    }
    if (value.kind() != trace::Ies::Kind::array) {
        return bind_error(t, &ev, index, p(),
                          "expected an array of " + std::string(family.label) + " names, found " +
                              json_kind(value));
    }
    // Every element a string first, then every name valid: the first error is the same
    // whichever way the elements are read.
    std::optional<Expected<Value>> failed;
    std::size_t k = 0;
    value.for_each_element([&](const IeValue& e) {
        if (!failed && e.kind() != trace::Ies::Kind::string) {
            failed = bind_error(t, &ev, index, p() + "/" + std::to_string(k),
                                "expected an algorithm name, found " + json_kind(e));
        }
        ++k;
    });
    if (failed) {
        return std::move(*failed);
    }
    const auto each = [&value](const auto& f) {
        value.for_each_element([&f](const IeValue& e) { f(e.string()); });
    };
    return cap_set(value.size(), each, family, p, t, &ev, index);
}

/// bind_ie of a sec_cap or algs IE: an object of two halves, `nea` and `nia`.
Expected<void> bind_halves(const spec::IeDef& def, std::size_t ie, std::string_view name, const IeValue& j,
                           const trace::Trace& t, const trace::Event& ev, std::size_t index,
                           detail::FieldSink& out)
{
    const auto pointer = [&] { return ie_pointer(ev, name); };
    if (j.kind() != trace::Ies::Kind::object) {
        return bind_error(t, &ev, index, pointer(),
                          "expected an object {\"nea\": ..., \"nia\": ...} for " + def.name + ", found " +
                              json_kind(j));
    }
    std::optional<Error> failed;
    j.for_each_member([&](std::string_view key, const IeValue& value) {
        if (failed) {
            return;
        }
        if (key != "nea" && key != "nia") {
            failed =
                bind_error(t, &ev, index, pointer() + "/" + std::string(key),
                           "unknown key '" + std::string(key) + "' in " + def.name + "; expected nea, nia")
                    .value();
            return;
        }
        const Family& family = key == "nea" ? protocol::kNea : protocol::kNia;
        const auto p = [&pointer, half = key] { return pointer() + "/" + std::string(half); };
        Expected<Value> v = half_value(def, family, value, p, t, ev, index);
        if (!v) {
            failed = std::move(v).error();
            return;
        }
        out.ie(ie, key == "nea" ? detail::IePart::nea : detail::IePart::nia, std::move(*v));
    });
    if (failed) {
        return tl::make_unexpected(std::move(*failed));
    }
    return {};
}

/// Binds IE `ie` (named `name` in the trace) of event `index`; its JSON pointer is built only for an
/// error.
Expected<void> bind_ie(const spec::IeDef& def, std::size_t ie, std::string_view name, const IeValue& j,
                       const trace::Trace& t, const trace::Event& ev, std::size_t index,
                       detail::FieldSink& out)
{
    const auto pointer = [&] { return ie_pointer(ev, name); };
    if (j.is_null()) { // present, value not decoded
        bind_all_parts(def, ie, out, [&] {
            return Value::unknown("IE " + def.name + " of event " + std::to_string(index) + " not decoded");
        });
        return {};
    }
    if (def.kind == "bytes") {
        if (j.kind() != trace::Ies::Kind::string) {
            return bind_error(t, &ev, index, pointer(),
                              "expected hex digits for " + def.name + ", found " + json_kind(j));
        }
        auto b = crypto::from_hex(j.string());
        if (!b) {
            return bind_error(t, &ev, index, pointer(), b.error().message + " in " + def.name);
        }
        if (def.length != 0 && b->size() != def.length) {
            return bind_error(t, &ev, index, pointer(),
                              "expected " + std::to_string(2 * def.length) + " hex digits for " + def.name +
                                  ", found " + std::to_string(2 * b->size()));
        }
        out.ie(ie, detail::IePart::whole, Value::bytes(std::move(*b)));
        return {};
    }
    if (def.kind == "int") {
        // As nlohmann::json's get<std::int64_t>() reads an unsigned integer: converted (an unsigned one
        // above the maximum is out of range first).
        using Type = trace::Ies::Number::Type;
        const trace::Ies::Number& n = j.number();
        const bool integer = j.kind() == trace::Ies::Kind::number && n.type != Type::floating;
        const std::int64_t i = n.type == Type::unsigned_integer ? static_cast<std::int64_t>(n.u) : n.i;
        const bool in_range =
            integer && !(n.type == Type::unsigned_integer && n.u > static_cast<std::uint64_t>(def.max)) &&
            i >= def.min && i <= def.max;
        if (!in_range) {
            return bind_error(t, &ev, index, pointer(),
                              "expected an integer " + std::to_string(def.min) + ".." +
                                  std::to_string(def.max) + " for " + def.name + ", found " +
                                  (j.kind() == trace::Ies::Kind::number ? j.to_json().dump() : json_kind(j)));
        }
        out.ie(ie, detail::IePart::whole, Value::integer(i));
        return {};
    }
    if (def.kind == "bool") {
        if (j.kind() != trace::Ies::Kind::boolean) {
            return bind_error(t, &ev, index, pointer(),
                              "expected true or false for " + def.name + ", found " + json_kind(j));
        }
        out.ie(ie, detail::IePart::whole, Value::boolean(j.boolean()));
        return {};
    }
    if (def.kind == "sec_cap" || def.kind == "algs") {
        return bind_halves(def, ie, name, j, t, ev, index, out);
    }
    PC5CHECK_ASSERT(false && "IE kind validated by the spec loader");
    return {};
}

Value sec_int(const trace::Sec& sec, const std::optional<std::uint32_t>& v, const char* name)
{
    if (sec.kind == trace::Sec::Kind::none) {
        return Value::absent();
    }
    if (sec.kind == trace::Sec::Kind::not_logged) {
        return Value::unknown("protection not logged");
    }
    if (!v) {
        return Value::unknown(std::string("sec.") + name + " not logged");
    }
    return Value::integer(*v);
}

} // namespace

std::vector<std::string> ie_field_names(const spec::IeDef& def)
{
    const std::string base = "ie." + def.name;
    if (def.kind == "sec_cap" || def.kind == "algs") {
        return {base + ".nea", base + ".nia"};
    }
    return {base};
}

Expected<BoundTrace> bind(const spec::Spec& spec, const trace::Trace& t)
{
    auto out = bind_header(spec, t);
    if (!out) {
        return out;
    }
    out->events.reserve(t.events.size());
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        auto be = bind_event(spec, t, t.events[i], i);
        if (!be) {
            return tl::make_unexpected(std::move(be).error());
        }
        out->events.push_back(std::move(*be));
    }
    return out;
}

/// How many init.* values bind_header() sets (its map is sized once).
constexpr std::size_t kInitValues = 10;

Expected<BoundTrace> bind_header(const spec::Spec& spec, const trace::Trace& t)
{
    BoundTrace out;
    out.trace = &t;

    // init.* from the link description and logged keys.
    auto& init = out.init;
    init.reserve(kInitValues);
    init["init.k_nrp_id"] = Value::integer(t.link.k_nrp_id);
    init["init.k_nrp_sess_id"] = Value::integer(t.link.k_nrp_sess_id);
    init["init.k_nrp_sess"] =
        t.link.k_nrp_sess ? Value::bytes(*t.link.k_nrp_sess) : Value::unknown("link.k_nrp_sess not logged");
    // The last key logged under the link's K_NRP ID, as the reader keeps them in file order.
    const auto logged = std::find_if(t.keys.rbegin(), t.keys.rend(),
                                     [&t](const auto& k) { return k.k_nrp_id == t.link.k_nrp_id; });
    init["init.k_nrp"] =
        logged != t.keys.rend()
            ? Value::bytes(logged->k_nrp)
            : Value::unknown("no K_NRP logged for K_NRP ID " + std::to_string(t.link.k_nrp_id));
    const auto alg_init = [&](const std::optional<std::string>& name, const Family& family,
                              const std::string& key) -> Expected<void> {
        if (!name) {
            init[key] = Value::unknown("link.selected_algs." + key.substr(5) + " not logged");
            return {};
        }
        auto v = alg_name_value(
            *name, family, [&] { return "/link/selected_algs/" + key.substr(5); }, t, nullptr, 0);
        if (!v) {
            return tl::make_unexpected(v.error());
        }
        init[key] = *v;
        return {};
    };
    if (auto r = alg_init(t.link.selected_nea, protocol::kNea, "init.nea"); !r) {
        return tl::make_unexpected(r.error());
    }
    if (auto r = alg_init(t.link.selected_nia, protocol::kNia, "init.nia"); !r) {
        return tl::make_unexpected(r.error());
    }
    if (t.link.initiator_sec_cap) {
        auto nea = cap_set(t.link.initiator_sec_cap->nea, protocol::kNea, "/link/initiator_sec_cap/nea", t);
        auto nia = cap_set(t.link.initiator_sec_cap->nia, protocol::kNia, "/link/initiator_sec_cap/nia", t);
        if (!nea || !nia) {
            return tl::make_unexpected(!nea ? nea.error() : nia.error());
        }
        init["init.caps.nea"] = *nea;
        init["init.caps.nia"] = *nia;
    } else {
        init["init.caps.nea"] = Value::unknown("link.initiator_sec_cap not logged");
        init["init.caps.nia"] = Value::unknown("link.initiator_sec_cap not logged");
    }
    // In the spec's Policy enum (the loader's order of spec/pc5-protocol.json's names). The reader lets
    // only those names through; any other (a trace built in code) counts as the strongest policy.
    const auto& policies = spec.find_enum("Policy")->names;
    const auto policy_value = [&policies](const std::string& p) -> Value {
        const auto it = std::find(policies.begin(), policies.end(), p);
        const auto i =
            it == policies.end() ? policies.size() - 1 : static_cast<std::size_t>(it - policies.begin());
        return Value::enumeration(static_cast<std::uint32_t>(i));
    };
    if (t.link.signalling_policy) {
        init["init.policy.integrity"] = policy_value(t.link.signalling_policy->integrity);
        init["init.policy.ciphering"] = policy_value(t.link.signalling_policy->ciphering);
    } else {
        init["init.policy.integrity"] = Value::unknown("link.signalling_policy not logged");
        init["init.policy.ciphering"] = Value::unknown("link.signalling_policy not logged");
    }

    return out;
}

namespace detail {

Expected<const spec::MessageDef*> message_of(const spec::Spec& spec, const trace::Trace& t,
                                             const trace::Event& ev, std::size_t i)
{
    const spec::MessageDef* def = spec.find_message(ev.msg);
    if (def == nullptr) {
        std::string list;
        for (const auto& m : spec.messages) {
            list += (list.empty() ? "" : ", ") + m.id;
        }
        return bind_error(t, &ev, i, ev.pointer + "/msg",
                          "message " + ev.msg + " is not part of spec " + spec.id + "; expected one of " +
                              list);
    }
    if (std::find(def->senders.begin(), def->senders.end(), trace::to_string(ev.from)) ==
        def->senders.end()) {
        return bind_error(t, &ev, i, ev.pointer + "/from",
                          std::string("the ") + trace::to_string(ev.from) + " cannot send " + ev.msg +
                              " in spec " + spec.id);
    }
    return def;
}

std::uint32_t message_index(const spec::Spec& spec, const std::string& msg)
{
    const auto& msg_names = spec.find_enum("Msg")->names;
    return static_cast<std::uint32_t>(std::find(msg_names.begin(), msg_names.end(), msg) - msg_names.begin());
}

Expected<void> bind_event_fields(const spec::Spec& /*spec*/, const trace::Trace& t, const trace::Event& ev,
                                 std::size_t i, const spec::MessageDef& def, std::uint32_t msg_index,
                                 FieldSink& f)
{
    f.field(EventField::msg, Value::enumeration(msg_index));
    f.field(EventField::from, Value::enumeration(ev.from == trace::Role::initiator ? 0U : 1U));
    f.field(EventField::index, Value::integer(static_cast<std::int64_t>(i)));
    if (!ev.ie.decoded()) { // no IE decoded: each may be absent or carry any value
        for (std::size_t k = 0; k < def.ies.size(); ++k) {
            bind_all_parts(def.ies[k], k, f, [&] {
                return Value::unknown("IEs of event " + std::to_string(i) + " not decoded");
            });
        }
    }
    for (std::size_t m = 0; m < ev.ie.size(); ++m) {
        const trace::Ies::Member member = ev.ie.at(m);
        const std::string_view name = member.name;
        const IeValue& value = member.value;
        const auto ie_def = std::find_if(def.ies.begin(), def.ies.end(),
                                         [&](const spec::IeDef& d) { return d.name == name; });
        if (ie_def == def.ies.end()) {
            std::string list;
            for (const auto& d : def.ies) {
                list += (list.empty() ? "" : ", ") + d.name;
            }
            return bind_error(t, &ev, i, ie_pointer(ev, name),
                              "unknown IE '" + std::string(name) + "' in " + ev.msg + "; expected one of " +
                                  (list.empty() ? std::string("(none)") : list));
        }
        const auto k = static_cast<std::size_t>(ie_def - def.ies.begin());
        if (auto r = bind_ie(*ie_def, k, name, value, t, ev, i, f); !r) {
            return tl::make_unexpected(r.error());
        }
    }
    const trace::Sec& sec = ev.sec;
    f.field(EventField::sec_logged, Value::boolean(sec.kind != trace::Sec::Kind::not_logged));
    f.field(EventField::sec_protected, sec.kind == trace::Sec::Kind::not_logged
                                           ? Value::unknown("protection not logged")
                                           : Value::boolean(sec.kind == trace::Sec::Kind::protected_));
    const auto opt32 = [](const auto& o) -> std::optional<std::uint32_t> {
        if (!o) {
            return std::nullopt;
        }
        return static_cast<std::uint32_t>(*o);
    };
    f.field(EventField::sec_ctx, sec_int(sec, opt32(sec.ctx), "ctx"));
    f.field(EventField::sec_count, sec_int(sec, sec.count, "count"));
    f.field(EventField::sec_bearer, sec_int(sec, opt32(sec.bearer), "bearer"));
    f.field(EventField::sec_direction, sec_int(sec, opt32(sec.direction), "direction"));
    if (sec.kind == trace::Sec::Kind::protected_ && sec.mac) {
        f.field_bytes(EventField::sec_mac, *sec.mac);
    } else {
        f.field(EventField::sec_mac,
                sec.kind == trace::Sec::Kind::none ? Value::absent() : Value::unknown("MAC-I not logged"));
    }
    if (sec.kind == trace::Sec::Kind::protected_ && sec.ciphered) {
        f.field(EventField::sec_ciphered, Value::boolean(*sec.ciphered));
    } else {
        f.field(EventField::sec_ciphered, sec.kind == trace::Sec::Kind::none
                                              ? Value::boolean(false)
                                              : Value::unknown("ciphering not logged"));
    }
    if (ev.pdu) {
        f.field_bytes(EventField::pdu, *ev.pdu);
    } else {
        f.field(EventField::pdu, Value::unknown("pdu not logged"));
    }
    return {};
}

} // namespace detail

namespace {

/// bind_event's sink: the values by expression name.
class MapSink final : public detail::FieldSink {
  public:
    MapSink(const spec::MessageDef& def, std::unordered_map<std::string, Value>& out) : def_(def), out_(out)
    {
    }
    void field(detail::EventField field, Value value) override
    {
        out_[std::string(detail::kEventFieldNames.at(static_cast<std::size_t>(field)))] = std::move(value);
    }
    void ie(std::size_t ie, detail::IePart part, Value value) override
    {
        std::string name = "ie." + def_.ies.at(ie).name;
        if (part != detail::IePart::whole) {
            name += part == detail::IePart::nea ? ".nea" : ".nia";
        }
        out_[std::move(name)] = std::move(value);
    }

  private:
    const spec::MessageDef& def_;
    std::unordered_map<std::string, Value>& out_;
};

} // namespace

Expected<BoundEvent> bind_event(const spec::Spec& spec, const trace::Trace& t, const trace::Event& ev,
                                std::size_t i)
{
    const auto def = detail::message_of(spec, t, ev, i);
    if (!def) {
        return tl::make_unexpected(def.error());
    }
    BoundEvent be;
    be.event = &ev;
    MapSink sink(**def, be.fields);
    if (auto r = detail::bind_event_fields(spec, t, ev, i, **def, detail::message_index(spec, ev.msg), sink);
        !r) {
        return tl::make_unexpected(r.error());
    }
    return be;
}

} // namespace pc5check::machine
