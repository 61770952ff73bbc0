/// \file Loading a `pc5-spec/1` document: structure, names, types. Every error names the file and the
/// JSON pointer of the offending element.

#include "pc5check/crypto/crypto.h"
#include "pc5check/machine/builtins.h"
#include "pc5check/spec/spec.h"
#include "spec/json_reader.h"
#include "spec/origins.h"
#include "trace/names.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace pc5check::spec {

namespace {

using detail::check_keys;
using detail::get_string;
using detail::get_string_list;
using detail::join_pointer;
using detail::spec_error;
using nlohmann::json;

std::shared_ptr<const expr::EnumDef> make_enum(std::string name, std::vector<std::string> names)
{
    return std::make_shared<const expr::EnumDef>(expr::EnumDef{std::move(name), std::move(names)});
}

/// Whether a typed tree reads the event-time variable `enabled` (defs are expanded in it).
bool reads_enabled(const expr::Node& node)
{
    if (node.kind == expr::NodeKind::variable && node.name == "enabled") {
        return true;
    }
    return std::any_of(node.args.begin(), node.args.end(),
                       [](const expr::NodePtr& a) { return a && reads_enabled(*a); });
}

/// Loader state while building one Spec.
class Loader {
  public:
    Loader(std::string file, const ParameterOverrides& overrides, const Limits& limits)
        : file_(std::move(file)), overrides_(overrides), limits_(limits)
    {
    }

    Expected<Spec> load(const json& doc);

  private:
    std::string file_;
    const ParameterOverrides& overrides_;
    const Limits& limits_;
    std::size_t expressions_ = 0; ///< compiled so far, against limits_.max_expressions
    Spec spec_;

    template <class T = void>
    tl::unexpected<Error> fail(const std::string& pointer, const std::string& message) const
    {
        return spec_error(file_, pointer, message);
    }

    Expected<expr::Type> parse_type(const std::string& text, const std::string& pointer) const;
    Expected<expr::Value> value_from_json(const json& j, const expr::Type& type,
                                          const std::string& pointer) const;
    Expected<expr::Value> value_from_text(const std::string& text, const expr::Type& type,
                                          const std::string& pointer) const;
    Expected<std::vector<ClauseRef>> clauses(const json& obj, const std::string& pointer) const;
    Expected<expr::NodePtr> compile_source(const std::string& source, const expr::Scope& scope,
                                           const expr::Type* expected, const std::string& pointer,
                                           const std::string& context);
    Expected<expr::NodePtr> compile(const json& obj, const std::string& key, const std::string& pointer,
                                    const expr::Scope& scope, const expr::Type& expected,
                                    const std::string& default_source);
    Expected<Template> compile_template(const json& obj, const std::string& key, const std::string& pointer);

    Expected<void> load_parameters(const json& doc);
    /// Parameter `p` at `ptr`, with the value --param gives it; its id goes to `seen` (which must not
    /// hold it yet).
    Expected<Parameter> load_parameter(const json& p, const std::string& ptr, std::set<std::string>& seen);
    /// A parameter's named options; declares the enum `type_name` of their ids.
    [[nodiscard]] Expected<std::vector<ParamOption>> load_options(const json& p, const std::string& type_name,
                                                                  const std::string& pointer);
    /// `only_if` of `obj` (nullopt when absent), checked against the loaded parameters.
    [[nodiscard]] Expected<std::optional<ParamCondition>> param_condition(const json& obj,
                                                                          const std::string& pointer) const;
    /// Whether a condition holds for the parameter values in force.
    [[nodiscard]] bool holds(const ParamCondition& c) const;
    /// Drops the IEs whose `only_if` does not hold (messages load before parameters).
    Expected<void> apply_ie_conditions(const json& doc);
    Expected<void> load_assumptions(const json& doc);
    Expected<void> load_messages(const json& doc);
    /// An IE of a message, at `iptr`; declares its ie.* variables.
    Expected<IeDef> load_ie(const json& ie, const std::string& iptr);
    Expected<void> load_states(const json& doc);
    Expected<void> load_variables(const json& doc);
    Expected<void> load_defs(const json& doc);
    Expected<void> load_transitions(const json& doc);
    /// Transition `t` at `ptr`; its id goes to `ids` (which must not hold it yet).
    Expected<Transition> load_transition(const json& t, const std::string& ptr, std::set<std::string>& ids);
    /// Its role, direction and control states agree.
    Expected<void> check_transition_states(const Transition& tr);
    /// The role sends (send) or its peer sends (recv) each message it is on.
    [[nodiscard]] Expected<void> check_transition_messages(const Transition& tr) const;
    /// Guard and effects.
    Expected<void> load_transition_body(const json& t, Transition& tr);
    Expected<void> load_rules(const json& doc);
    /// A check of a rule, at `cptr`.
    Expected<Check> load_check(const json& c, const std::string& cptr);
    Expected<void> load_properties(const json& doc);
    Expected<void> add_variable(const std::string& name, const expr::Type& type, const std::string& pointer);
    /// Format, id, title and variant note.
    Expected<void> load_header(const json& doc);
    /// The names every expression of a rule or transition may read: the message and its protection,
    /// the control states.
    void declare_event_names();
    /// The init.* names the variables' initialisers read (link and keys of the trace).
    void declare_init_names();
    /// Whether the event-time trees' slots name their variables in spec_.scope (Spec::slots_verified).
    [[nodiscard]] bool slots_agree() const;
};

Expected<expr::Type> Loader::parse_type(const std::string& text, const std::string& pointer) const
{
    if (text == "bool") {
        return expr::Type::boolean();
    }
    if (text == "int") {
        return expr::Type::integer();
    }
    if (text == "bytes") {
        return expr::Type::bytes();
    }
    if (text == "map") {
        return expr::Type::map();
    }
    if (text.starts_with("set<") && text.ends_with(">")) {
        const std::string inner = text.substr(4, text.size() - 5);
        if (inner == "int") {
            return expr::Type::set_of(expr::TypeKind::integer);
        }
        if (inner == "bytes") {
            return expr::Type::set_of(expr::TypeKind::bytes);
        }
        if (auto e = spec_.find_enum(inner)) {
            return expr::Type::set_of_enum(e);
        }
        return fail(pointer, "unknown set element type '" + inner + "'; expected int, bytes or an enum");
    }
    if (auto e = spec_.find_enum(text)) {
        return expr::Type::enumeration(e);
    }
    return fail(pointer,
                "unknown type '" + text + "'; expected bool, int, bytes, map, set<T> or an enum name");
}

Expected<expr::Value> Loader::value_from_json(const json& j, const expr::Type& type,
                                              const std::string& pointer) const
{
    switch (type.kind) {
    case expr::TypeKind::boolean:
        if (!j.is_boolean()) {
            return fail(pointer, "expected a boolean, found " + detail::json_type_name(j));
        }
        return expr::Value::boolean(j.get<bool>());
    case expr::TypeKind::integer:
        if (!j.is_number_integer()) {
            return fail(pointer, "expected an integer, found " + detail::json_type_name(j));
        }
        if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
            return fail(pointer, "expected an integer that fits 64 bits");
        }
        return expr::Value::integer(j.get<std::int64_t>());
    case expr::TypeKind::bytes: {
        if (!j.is_string()) {
            return fail(pointer, "expected a hex string, found " + detail::json_type_name(j));
        }
        auto b = crypto::from_hex(j.get<std::string>());
        if (!b) {
            return fail(pointer, b.error().message);
        }
        return expr::Value::bytes(std::move(*b));
    }
    case expr::TypeKind::enumeration: {
        if (!j.is_string()) {
            return fail(pointer,
                        "expected a " + type.enum_def->name + " name, found " + detail::json_type_name(j));
        }
        return value_from_text(j.get<std::string>(), type, pointer);
    }
    case expr::TypeKind::set: {
        if (!j.is_array()) {
            return fail(pointer, "expected an array, found " + detail::json_type_name(j));
        }
        std::vector<expr::Value> elements;
        for (std::size_t i = 0; i < j.size(); ++i) {
            auto v = value_from_json(j[i], type.element_type(), join_pointer(pointer, i));
            if (!v) {
                return tl::make_unexpected(v.error());
            }
            elements.push_back(std::move(*v));
        }
        return expr::Value::set(std::move(elements));
    }
    case expr::TypeKind::map:
        return fail(pointer, "map-typed parameters are not supported");
    }
    return fail(pointer, "unsupported type");
}

Expected<expr::Value> Loader::value_from_text(const std::string& text, const expr::Type& type,
                                              const std::string& pointer) const
{
    if (type.kind == expr::TypeKind::enumeration) {
        const auto& names = type.enum_def->names;
        const auto it = std::find(names.begin(), names.end(), text);
        if (it == names.end()) {
            std::string list;
            for (const auto& n : names) {
                list += (list.empty() ? "" : ", ") + n;
            }
            return fail(pointer, "expected one of " + list + ", found '" + text + "'");
        }
        return expr::Value::enumeration(static_cast<std::uint32_t>(it - names.begin()));
    }
    // Other types: read the text as a JSON scalar/array ("true", "12", "\"00ff\"", "[1,2]"); a bare
    // hex string is accepted for bytes.
    if (type.kind == expr::TypeKind::bytes && !text.empty() && text.front() != '"') {
        return value_from_json(json(text), type, pointer);
    }
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception&) {
        return fail(pointer, "expected a value of type " + type.to_string() + ", found '" + text + "'");
    }
    return value_from_json(j, type, pointer);
}

Expected<std::vector<ClauseRef>> Loader::clauses(const json& obj, const std::string& pointer) const
{
    std::vector<ClauseRef> out;
    const auto it = obj.find("clauses");
    if (it == obj.end()) {
        return fail(pointer, "missing required key 'clauses' (every element cites its 3GPP clause)");
    }
    const std::string p = join_pointer(pointer, "clauses");
    if (!it->is_array() || it->empty()) {
        return fail(p, "expected a non-empty array of clause references");
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& c = (*it)[i];
        const std::string cp = join_pointer(p, i);
        if (!c.is_object()) {
            return fail(cp, "expected an object {doc, clause, release?, note?}, found " +
                                detail::json_type_name(c));
        }
        if (auto k = check_keys(c, {"doc", "clause", "release", "note"}, file_, cp); !k) {
            return tl::make_unexpected(k.error());
        }
        ClauseRef ref;
        auto doc = get_string(c, "doc", file_, cp);
        auto clause = get_string(c, "clause", file_, cp);
        auto release = get_string(c, "release", file_, cp, false);
        auto note = get_string(c, "note", file_, cp, false);
        for (auto* r : {&doc, &clause, &release, &note}) {
            if (!*r) {
                return tl::make_unexpected(r->error());
            }
        }
        ref.doc = *doc;
        ref.clause = *clause;
        ref.release = *release;
        ref.note = *note;
        out.push_back(std::move(ref));
    }
    return out;
}

/// Counts one expression against limits_.max_expressions and compiles it with limits_.max_expr_depth.
/// An error is reported at `pointer`, after `context`, and keeps its code: a limit stays a limit.
Expected<expr::NodePtr> Loader::compile_source(const std::string& source, const expr::Scope& scope,
                                               const expr::Type* expected, const std::string& pointer,
                                               const std::string& context)
{
    if (++expressions_ > limits_.max_expressions) {
        auto e = fail(pointer, "expected at most " + std::to_string(limits_.max_expressions) +
                                   " expressions in a spec (limit --max-spec-expressions), found more");
        e.value().code = ErrorCode::limit;
        return e;
    }
    auto tree = expr::compile(source, scope, expected, limits_.max_expr_depth);
    if (!tree) {
        auto e = fail(pointer, context + ": " + tree.error().message);
        e.value().code = tree.error().code == ErrorCode::limit ? ErrorCode::limit : ErrorCode::bad_spec;
        return e;
    }
    return std::move(*tree);
}

Expected<expr::NodePtr> Loader::compile(const json& obj, const std::string& key, const std::string& pointer,
                                        const expr::Scope& scope, const expr::Type& expected,
                                        const std::string& default_source)
{
    auto source = get_string(obj, key, file_, pointer, default_source.empty());
    if (!source) {
        return tl::make_unexpected(source.error());
    }
    const std::string text = source->empty() ? default_source : *source;
    return compile_source(text, scope, &expected, join_pointer(pointer, key),
                          "in expression \"" + text + "\"");
}

Expected<Template> Loader::compile_template(const json& obj, const std::string& key,
                                            const std::string& pointer)
{
    auto source = get_string(obj, key, file_, pointer, false);
    if (!source) {
        return tl::make_unexpected(source.error());
    }
    Template out;
    const std::string& s = *source;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t open = s.find('{', i);
        if (open == std::string::npos) {
            out.parts.emplace_back(s.substr(i));
            break;
        }
        if (open > i) {
            out.parts.emplace_back(s.substr(i, open - i));
        }
        // Find the matching close brace (set literals may nest braces).
        int depth = 0;
        std::size_t close = open;
        for (; close < s.size(); ++close) {
            depth += s[close] == '{' ? 1 : (s[close] == '}' ? -1 : 0);
            if (depth == 0) {
                break;
            }
        }
        if (close >= s.size()) {
            return fail(join_pointer(pointer, key), "unbalanced '{' in template \"" + s + "\"");
        }
        const std::string inner = s.substr(open + 1, close - open - 1);
        auto tree = compile_source(inner, spec_.scope, nullptr, join_pointer(pointer, key),
                                   "in template hole {" + inner + "}");
        if (!tree) {
            return tl::make_unexpected(std::move(tree).error());
        }
        out.parts.emplace_back(*tree);
        i = close + 1;
    }
    return out;
}

bool Loader::slots_agree() const
{
    std::vector<std::string_view> names;
    names.reserve(spec_.scope.variables.size());
    for (const auto& [name, type] : spec_.scope.variables) {
        names.emplace_back(name);
    }
    const std::size_t defs = spec_.scope.defs.size();
    bool agree = true;
    spec_.for_each_event_tree([&](const expr::Node& root) {
        std::vector<const expr::Node*> todo{&root};
        while (agree && !todo.empty()) {
            const expr::Node& n = *todo.back();
            todo.pop_back();
            if (n.kind == expr::NodeKind::variable && (n.slot >= names.size() || names[n.slot] != n.name)) {
                agree = false;
            }
            if (n.def != expr::kNoDef && n.def >= defs) {
                agree = false;
            }
            for (const auto& a : n.args) {
                todo.push_back(a.get());
            }
        }
    });
    return agree;
}

Expected<void> Loader::add_variable(const std::string& name, const expr::Type& type,
                                    const std::string& pointer)
{
    const auto [it, inserted] = spec_.scope.variables.emplace(name, type);
    if (!inserted && !(it->second == type)) {
        return fail(pointer, "'" + name + "' is declared with type " + it->second.to_string() +
                                 " elsewhere, here " + type.to_string());
    }
    return {};
}

Expected<void> Loader::load_parameters(const json& doc)
{
    const auto it = doc.find("parameters");
    if (it == doc.end()) {
        return {};
    }
    if (!it->is_array()) {
        return fail("/parameters", "expected an array of parameters");
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const std::string ptr = join_pointer("/parameters", i);
        auto param = load_parameter((*it)[i], ptr, seen);
        if (!param) {
            return tl::make_unexpected(param.error());
        }
        if (auto a = add_variable("param." + param->id, param->type, ptr); !a) {
            return a;
        }
        spec_.init_scope.variables.emplace("param." + param->id, param->type);
        spec_.parameters.push_back(std::move(*param));
    }
    for (const auto& [key, value] : overrides_) {
        if (spec_.find_parameter(key) == nullptr) {
            Error e;
            e.code = ErrorCode::usage;
            e.message = "--param " + key + ": spec " + spec_.id + " has no parameter '" + key + "'";
            return tl::make_unexpected(e);
        }
    }
    return {};
}

Expected<Parameter> Loader::load_parameter(const json& p, const std::string& ptr, std::set<std::string>& seen)
{
    if (!p.is_object()) {
        return fail(ptr, "expected a parameter object, found " + detail::json_type_name(p));
    }
    if (auto k =
            check_keys(p, {"id", "type", "default", "confirmed", "text", "clauses", "options"}, file_, ptr);
        !k) {
        return tl::make_unexpected(k.error());
    }
    Parameter param;
    auto id = get_string(p, "id", file_, ptr);
    auto type_text = get_string(p, "type", file_, ptr);
    auto text = get_string(p, "text", file_, ptr);
    if (!id || !type_text || !text) {
        return tl::make_unexpected(!id ? id.error() : (!type_text ? type_text.error() : text.error()));
    }
    if (!seen.insert(*id).second) {
        return fail(join_pointer(ptr, "id"), "duplicate parameter id '" + *id + "'");
    }
    if (p.contains("options")) {
        auto options = load_options(p, *type_text, ptr);
        if (!options) {
            return tl::make_unexpected(options.error());
        }
        param.options = std::move(*options);
    }
    auto type = parse_type(*type_text, join_pointer(ptr, "type"));
    if (!type) {
        return tl::make_unexpected(type.error());
    }
    if (!p.contains("default")) {
        return fail(ptr, "missing required key 'default'");
    }
    auto def = value_from_json(p["default"], *type, join_pointer(ptr, "default"));
    if (!def) {
        return tl::make_unexpected(def.error());
    }
    if (!p.contains("confirmed") || !p["confirmed"].is_boolean()) {
        return fail(ptr,
                    "missing or non-boolean 'confirmed' (say whether the value is confirmed in 3GPP text)");
    }
    auto cl = clauses(p, ptr);
    if (!cl) {
        return tl::make_unexpected(cl.error());
    }
    param.id = *id;
    param.type = *type;
    param.default_value = *def;
    param.value = *def;
    param.confirmed = p["confirmed"].get<bool>();
    param.text = *text;
    param.clauses = std::move(*cl);
    if (const auto o = overrides_.find(param.id); o != overrides_.end()) {
        auto v = value_from_text(o->second, param.type, "--param " + param.id);
        if (!v) {
            Error e = v.error();
            e.code = ErrorCode::usage;
            e.file.clear();
            e.json_pointer.clear();
            e.message = "--param " + param.id + "=" + o->second + ": " + e.message;
            return tl::make_unexpected(e);
        }
        param.value = *v;
    }
    return param;
}

Expected<std::vector<ParamOption>> Loader::load_options(const json& p, const std::string& type_name,
                                                        const std::string& pointer)
{
    const std::string ptr = join_pointer(pointer, "options");
    const json& o = p["options"];
    if (!o.is_array() || o.size() < 2) {
        return fail(ptr, R"(expected an array of at least two options {"id": ..., "text": ...})");
    }
    if (type_name.empty() || type_name.front() < 'A' || type_name.front() > 'Z' ||
        spec_.find_enum(type_name)) {
        return fail(
            join_pointer(pointer, "type"),
            "a parameter with options names a new enum type (PascalCase, not an existing type), found '" +
                type_name + "'");
    }
    std::vector<ParamOption> out;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < o.size(); ++i) {
        const std::string optr = join_pointer(ptr, i);
        if (!o[i].is_object()) {
            return fail(optr, R"(expected an option object {"id": ..., "text": ...})");
        }
        if (auto k = check_keys(o[i], {"id", "text"}, file_, optr); !k) {
            return tl::make_unexpected(k.error());
        }
        auto id = get_string(o[i], "id", file_, optr);
        auto text = get_string(o[i], "text", file_, optr);
        if (!id || !text) {
            return tl::make_unexpected(!id ? id.error() : text.error());
        }
        if (std::find(names.begin(), names.end(), *id) != names.end()) {
            return fail(join_pointer(optr, "id"), "duplicate option '" + *id + "'");
        }
        names.push_back(*id);
        out.push_back(ParamOption{*id, *text});
    }
    auto e = make_enum(type_name, names);
    spec_.enums.push_back(e);
    spec_.scope.enums.push_back(e);
    spec_.init_scope.enums.push_back(e);
    return out;
}

Expected<std::optional<ParamCondition>> Loader::param_condition(const json& obj,
                                                                const std::string& pointer) const
{
    const auto it = obj.find("only_if");
    if (it == obj.end()) {
        return std::optional<ParamCondition>{};
    }
    const std::string ptr = join_pointer(pointer, "only_if");
    if (!it->is_object()) {
        return fail(ptr, R"(expected {"param": ID, "in": [values]})");
    }
    if (auto k = check_keys(*it, {"param", "in"}, file_, ptr); !k) {
        return tl::make_unexpected(k.error());
    }
    auto param = get_string(*it, "param", file_, ptr);
    if (!param) {
        return tl::make_unexpected(param.error());
    }
    const Parameter* def = spec_.find_parameter(*param);
    if (def == nullptr) {
        return fail(join_pointer(ptr, "param"), "unknown parameter '" + *param + "'");
    }
    const auto in = it->find("in");
    if (in == it->end() || !in->is_array() || in->empty()) {
        return fail(join_pointer(ptr, "in"),
                    "expected a non-empty array of values of parameter '" + *param + "'");
    }
    ParamCondition c;
    c.param = *param;
    for (std::size_t i = 0; i < in->size(); ++i) {
        const std::string vptr = join_pointer(join_pointer(ptr, "in"), i);
        auto v = value_from_json((*in)[i], def->type, vptr);
        if (!v) {
            return tl::make_unexpected(v.error());
        }
        c.in.push_back(expr::render(*v, def->type));
    }
    return std::optional<ParamCondition>{std::move(c)};
}

bool Loader::holds(const ParamCondition& c) const
{
    const Parameter* p = spec_.find_parameter(c.param);
    PC5CHECK_ASSERT(p != nullptr); // checked by param_condition
    return std::find(c.in.begin(), c.in.end(), p->value_text()) != c.in.end();
}

Expected<void> Loader::apply_ie_conditions(const json& doc)
{
    const json& messages = doc["messages"];
    for (std::size_t i = 0; i < messages.size(); ++i) {
        const auto ies = messages[i].find("ies");
        if (ies == messages[i].end()) {
            continue;
        }
        for (std::size_t j = 0; j < ies->size(); ++j) {
            auto c = param_condition((*ies)[j],
                                     join_pointer(join_pointer(join_pointer("/messages", i), "ies"), j));
            if (!c) {
                return tl::make_unexpected(c.error());
            }
            if (*c && !holds(**c)) {
                // The IE's expression variables stay declared (absent at every event), so the spec's
                // expressions type-check under every resolution; a trace carrying it is refused.
                auto& list = spec_.messages[i].ies;
                const std::string name = (*ies)[j]["name"].get<std::string>();
                list.erase(
                    std::remove_if(list.begin(), list.end(), [&](const IeDef& d) { return d.name == name; }),
                    list.end());
            }
        }
    }
    return {};
}

Expected<void> Loader::load_assumptions(const json& doc)
{
    const auto it = doc.find("assumptions");
    if (it == doc.end()) {
        return {};
    }
    if (!it->is_array()) {
        return fail("/assumptions", "expected an array of assumptions");
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& a = (*it)[i];
        const std::string ptr = join_pointer("/assumptions", i);
        if (!a.is_object()) {
            return fail(ptr, "expected an assumption object");
        }
        if (auto k = check_keys(a, {"id", "text", "why", "silent", "affects", "only_if"}, file_, ptr); !k) {
            return k;
        }
        Assumption out;
        auto id = get_string(a, "id", file_, ptr);
        auto text = get_string(a, "text", file_, ptr);
        auto why = get_string(a, "why", file_, ptr);
        if (!id || !text || !why) {
            return tl::make_unexpected(!id ? id.error() : (!text ? text.error() : why.error()));
        }
        if (!ids.insert(*id).second) {
            return fail(join_pointer(ptr, "id"), "duplicate assumption id '" + *id + "'");
        }
        // `silent` uses the clause-reference shape: where the text is silent, FFS or not seen.
        json as_clauses = json::object();
        if (!a.contains("silent")) {
            return fail(ptr, "missing required key 'silent' (the clauses that are silent or FFS on it)");
        }
        as_clauses["clauses"] = a["silent"];
        auto silent = clauses(as_clauses, ptr);
        if (!silent) {
            Error e = silent.error();
            e.json_pointer = join_pointer(ptr, "silent");
            return tl::make_unexpected(e);
        }
        if (a.contains("affects")) {
            auto affects = get_string_list(a, "affects", file_, ptr);
            if (!affects) {
                return tl::make_unexpected(affects.error());
            }
            out.affects = std::move(*affects);
        }
        auto cond = param_condition(a, ptr);
        if (!cond) {
            return tl::make_unexpected(cond.error());
        }
        out.id = *id;
        out.text = *text;
        out.why = *why;
        out.silent = std::move(*silent);
        out.only_if = std::move(*cond);
        out.in_force = !out.only_if || holds(*out.only_if);
        spec_.assumptions.push_back(std::move(out));
    }
    return {};
}

Expected<void> Loader::load_messages(const json& doc)
{
    const auto it = doc.find("messages");
    if (it == doc.end() || !it->is_array() || it->empty()) {
        return fail("/messages", "expected a non-empty array of message definitions");
    }
    const auto& allowed = trace::contract_message_names();
    std::vector<std::string> names;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& m = (*it)[i];
        const std::string ptr = join_pointer("/messages", i);
        if (!m.is_object()) {
            return fail(ptr, "expected a message object");
        }
        if (auto k = check_keys(m, {"id", "senders", "ies", "text", "clauses"}, file_, ptr); !k) {
            return tl::make_unexpected(k.error());
        }
        MessageDef def;
        auto id = get_string(m, "id", file_, ptr);
        auto senders = get_string_list(m, "senders", file_, ptr);
        auto text = get_string(m, "text", file_, ptr);
        if (!id || !senders || !text) {
            return tl::make_unexpected(!id ? id.error() : (!senders ? senders.error() : text.error()));
        }
        if (std::find(allowed.begin(), allowed.end(), *id) == allowed.end()) {
            return fail(join_pointer(ptr, "id"), "message '" + *id + "' is not a pc5-trace/1 message name");
        }
        if (std::find(names.begin(), names.end(), *id) != names.end()) {
            return fail(join_pointer(ptr, "id"), "duplicate message '" + *id + "'");
        }
        for (const auto& s : *senders) {
            if (s != "initiator" && s != "target") {
                return fail(join_pointer(ptr, "senders"), "expected initiator or target, found '" + s + "'");
            }
        }
        auto cl = clauses(m, ptr);
        if (!cl) {
            return tl::make_unexpected(cl.error());
        }
        def.id = *id;
        def.senders = *senders;
        def.text = *text;
        def.clauses = std::move(*cl);
        if (const auto ies = m.find("ies"); ies != m.end()) {
            if (!ies->is_array()) {
                return fail(join_pointer(ptr, "ies"), "expected an array of IE definitions");
            }
            for (std::size_t j = 0; j < ies->size(); ++j) {
                auto d = load_ie((*ies)[j], join_pointer(join_pointer(ptr, "ies"), j));
                if (!d) {
                    return tl::make_unexpected(d.error());
                }
                def.ies.push_back(std::move(*d));
            }
        }
        names.push_back(def.id);
        spec_.messages.push_back(std::move(def));
    }
    auto msg_enum = make_enum("Msg", names);
    spec_.enums.push_back(msg_enum);
    return {};
}

Expected<IeDef> Loader::load_ie(const json& ie, const std::string& iptr)
{
    if (!ie.is_object()) {
        return fail(iptr, "expected an IE object");
    }
    if (auto k = check_keys(ie, {"name", "kind", "min", "max", "length", "text", "only_if"}, file_, iptr);
        !k) {
        return tl::make_unexpected(k.error());
    }
    IeDef d;
    auto name = get_string(ie, "name", file_, iptr);
    auto kind = get_string(ie, "kind", file_, iptr);
    auto itext = get_string(ie, "text", file_, iptr, false);
    if (!name || !kind || !itext) {
        return tl::make_unexpected(!name ? name.error() : (!kind ? kind.error() : itext.error()));
    }
    d.name = *name;
    d.kind = *kind;
    d.text = *itext;
    const std::string base = "ie." + d.name;
    Expected<void> added;
    if (d.kind == "bytes") {
        if (ie.contains("length")) {
            if (!ie["length"].is_number_unsigned()) {
                return fail(join_pointer(iptr, "length"), "expected a non-negative integer");
            }
            d.length = ie["length"].get<std::size_t>();
        }
        added = add_variable(base, expr::Type::bytes(), iptr);
    } else if (d.kind == "int") {
        if (!ie.contains("min") || !ie.contains("max") || !ie["min"].is_number_integer() ||
            !ie["max"].is_number_integer()) {
            return fail(iptr, "an int IE needs integer 'min' and 'max'");
        }
        d.min = ie["min"].get<std::int64_t>();
        d.max = ie["max"].get<std::int64_t>();
        added = add_variable(base, expr::Type::integer(), iptr);
    } else if (d.kind == "bool") {
        added = add_variable(base, expr::Type::boolean(), iptr);
    } else if (d.kind == "sec_cap") {
        added = add_variable(base + ".nea", expr::Type::set_of_enum(spec_.find_enum("Nea")), iptr);
        if (added) {
            added = add_variable(base + ".nia", expr::Type::set_of_enum(spec_.find_enum("Nia")), iptr);
        }
    } else if (d.kind == "algs") {
        added = add_variable(base + ".nea", expr::Type::enumeration(spec_.find_enum("Nea")), iptr);
        if (added) {
            added = add_variable(base + ".nia", expr::Type::enumeration(spec_.find_enum("Nia")), iptr);
        }
    } else {
        return fail(join_pointer(iptr, "kind"),
                    "unknown IE kind '" + d.kind + "'; expected bytes, int, bool, sec_cap or algs");
    }
    if (!added) {
        return tl::make_unexpected(added.error());
    }
    return d;
}

Expected<void> Loader::load_states(const json& doc)
{
    const auto it = doc.find("states");
    if (it == doc.end() || !it->is_object()) {
        return fail("/states", "expected an object {initiator: [...], target: [...]} of control states");
    }
    if (auto k = check_keys(*it, {"initiator", "target"}, file_, "/states"); !k) {
        return k;
    }
    for (const std::string role : {"initiator", "target"}) {
        auto states = get_string_list(*it, role, file_, "/states");
        if (!states) {
            return tl::make_unexpected(states.error());
        }
        if (states->empty()) {
            return fail(join_pointer("/states", role), "expected at least one control state");
        }
        std::string enum_name = role == "initiator" ? "InitiatorState" : "TargetState";
        spec_.enums.push_back(make_enum(enum_name, *states));
        spec_.control_states[role] = *states;
    }
    return {};
}

Expected<void> Loader::load_variables(const json& doc)
{
    const auto it = doc.find("variables");
    if (it == doc.end() || !it->is_array()) {
        return fail("/variables", "expected an array of state variables");
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& v = (*it)[i];
        const std::string ptr = join_pointer("/variables", i);
        if (!v.is_object()) {
            return fail(ptr, "expected a variable object");
        }
        if (auto k = check_keys(v, {"role", "name", "type", "init", "text"}, file_, ptr); !k) {
            return k;
        }
        StateVar sv;
        auto role = get_string(v, "role", file_, ptr);
        auto name = get_string(v, "name", file_, ptr);
        auto type_text = get_string(v, "type", file_, ptr);
        auto text = get_string(v, "text", file_, ptr);
        if (!role || !name || !type_text || !text) {
            return tl::make_unexpected(
                !role ? role.error()
                      : (!name ? name.error() : (!type_text ? type_text.error() : text.error())));
        }
        if (*role != "initiator" && *role != "target" && *role != "link") {
            return fail(join_pointer(ptr, "role"),
                        "expected initiator, target or link, found '" + *role + "'");
        }
        if (*name == "state") {
            return fail(join_pointer(ptr, "name"), "'state' is reserved for the control state");
        }
        auto type = parse_type(*type_text, join_pointer(ptr, "type"));
        if (!type) {
            return tl::make_unexpected(type.error());
        }
        sv.role = *role;
        sv.name = *name;
        sv.type = *type;
        sv.text = *text;
        auto init = compile(v, "init", ptr, spec_.init_scope, sv.type, "");
        if (!init) {
            return tl::make_unexpected(init.error());
        }
        sv.init = *init;
        const std::string full = sv.role + "." + sv.name;
        if (spec_.scope.variables.count(full) != 0) {
            return fail(join_pointer(ptr, "name"), "duplicate state variable '" + full + "'");
        }
        if (auto a = add_variable(full, sv.type, ptr); !a) {
            return a;
        }
        spec_.variables.push_back(std::move(sv));
    }
    return {};
}

Expected<void> Loader::load_defs(const json& doc)
{
    const auto it = doc.find("defs");
    if (it == doc.end()) {
        return {};
    }
    if (!it->is_object()) {
        return fail("/defs", "expected an object of name -> expression");
    }
    for (const auto& [name, value] : it->items()) {
        if (!value.is_string()) {
            return fail(join_pointer("/defs", name), "expected an expression string");
        }
        if (spec_.scope.variables.count(name) != 0) {
            return fail(join_pointer("/defs", name), "def '" + name + "' hides a variable of the same name");
        }
        spec_.scope.defs.emplace(name, value.get<std::string>());
    }
    // Type-check each def on its own so an error points at the def, not at its first use.
    for (const auto& [name, source] : spec_.scope.defs) {
        auto tree = compile_source(source, spec_.scope, nullptr, join_pointer("/defs", name),
                                   "in expression \"" + source + "\"");
        if (!tree) {
            return tl::make_unexpected(std::move(tree).error());
        }
    }
    return {};
}

Expected<void> Loader::load_transitions(const json& doc)
{
    const auto it = doc.find("transitions");
    if (it == doc.end() || !it->is_array()) {
        return fail("/transitions", "expected an array of transitions");
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < it->size(); ++i) {
        auto tr = load_transition((*it)[i], join_pointer("/transitions", i), ids);
        if (!tr) {
            return tl::make_unexpected(tr.error());
        }
        spec_.transitions.push_back(std::move(*tr));
    }
    return {};
}

Expected<Transition> Loader::load_transition(const json& t, const std::string& ptr,
                                             std::set<std::string>& ids)
{
    if (!t.is_object()) {
        return fail(ptr, "expected a transition object");
    }
    if (auto k = check_keys(
            t, {"id", "role", "dir", "from", "to", "on", "sees", "guard", "effects", "text", "clauses"},
            file_, ptr);
        !k) {
        return tl::make_unexpected(k.error());
    }
    Transition tr;
    tr.pointer = ptr;
    auto id = get_string(t, "id", file_, ptr);
    auto role = get_string(t, "role", file_, ptr);
    auto dir = get_string(t, "dir", file_, ptr);
    auto from = get_string_list(t, "from", file_, ptr, false);
    auto to = get_string(t, "to", file_, ptr, false);
    auto on = get_string_list(t, "on", file_, ptr);
    auto sees = get_string(t, "sees", file_, ptr, false);
    auto text = get_string(t, "text", file_, ptr);
    if (!id || !role || !dir || !from || !to || !on || !sees || !text) {
        for (const Error* e :
             {!id ? &id.error() : nullptr, !role ? &role.error() : nullptr, !dir ? &dir.error() : nullptr,
              !from ? &from.error() : nullptr, !to ? &to.error() : nullptr, !on ? &on.error() : nullptr,
              !sees ? &sees.error() : nullptr, !text ? &text.error() : nullptr}) {
            if (e != nullptr) {
                return tl::make_unexpected(*e);
            }
        }
    }
    if (!ids.insert(*id).second) {
        return fail(join_pointer(ptr, "id"), "duplicate transition id '" + *id + "'");
    }
    tr.id = *id;
    tr.role = *role;
    tr.text = *text;
    if (*dir == "send") {
        tr.dir = Direction::send;
    } else if (*dir == "recv") {
        tr.dir = Direction::recv;
    } else if (*dir == "observe") {
        tr.dir = Direction::observe;
    } else {
        return fail(join_pointer(ptr, "dir"), "expected send, recv or observe, found '" + *dir + "'");
    }
    tr.from = *from;
    tr.to = *to;
    tr.on = *on;
    if (t.contains("sees")) {
        if (*role != "link") {
            return fail(join_pointer(ptr, "sees"), "only a link transition has 'sees'");
        }
        if (*sees != "sent" && *sees != "air") {
            return fail(join_pointer(ptr, "sees"), "expected sent or air, found '" + *sees + "'");
        }
        tr.sees_injected = *sees == "air";
    }
    if (auto states = check_transition_states(tr); !states) {
        return tl::make_unexpected(states.error());
    }
    if (auto messages = check_transition_messages(tr); !messages) {
        return tl::make_unexpected(messages.error());
    }
    if (auto body = load_transition_body(t, tr); !body) {
        return tl::make_unexpected(body.error());
    }
    auto cl = clauses(t, ptr);
    if (!cl) {
        return tl::make_unexpected(cl.error());
    }
    tr.clauses = std::move(*cl);
    return tr;
}

Expected<void> Loader::check_transition_states(const Transition& tr)
{
    const std::string& ptr = tr.pointer;
    if (tr.role == "link") {
        if (tr.dir != Direction::observe || !tr.from.empty() || !tr.to.empty()) {
            return fail(ptr, "a link transition has dir 'observe' and no from/to");
        }
    } else if (tr.role == "initiator" || tr.role == "target") {
        if (tr.dir == Direction::observe) {
            return fail(join_pointer(ptr, "dir"), "a role transition has dir send or recv");
        }
        const auto& states = spec_.control_states[tr.role];
        for (const auto& s : tr.from) {
            if (std::find(states.begin(), states.end(), s) == states.end()) {
                return fail(join_pointer(ptr, "from"), "'" + s + "' is not a control state of " + tr.role);
            }
        }
        if (!tr.to.empty() && std::find(states.begin(), states.end(), tr.to) == states.end()) {
            return fail(join_pointer(ptr, "to"), "'" + tr.to + "' is not a control state of " + tr.role);
        }
    } else {
        return fail(join_pointer(ptr, "role"), "expected initiator, target or link, found '" + tr.role + "'");
    }
    return {};
}

Expected<void> Loader::check_transition_messages(const Transition& tr) const
{
    for (const auto& m : tr.on) {
        const MessageDef* def = spec_.find_message(m);
        if (m != "*" && def == nullptr) {
            return fail(join_pointer(tr.pointer, "on"), "unknown message '" + m + "'");
        }
        if (def != nullptr && tr.role != "link") {
            const bool role_sends =
                std::find(def->senders.begin(), def->senders.end(), tr.role) != def->senders.end();
            const bool peer_sends = std::any_of(def->senders.begin(), def->senders.end(),
                                                [&](const std::string& s) { return s != tr.role; });
            if ((tr.dir == Direction::send && !role_sends) || (tr.dir == Direction::recv && !peer_sends)) {
                return fail(join_pointer(tr.pointer, "on"),
                            tr.role + " cannot " + (tr.dir == Direction::send ? "send " : "receive ") + m);
            }
        }
    }
    return {};
}

Expected<void> Loader::load_transition_body(const json& t, Transition& tr)
{
    const std::string& ptr = tr.pointer;
    auto guard = compile(t, "guard", ptr, spec_.scope, expr::Type::boolean(), "true");
    if (!guard) {
        return tl::make_unexpected(guard.error());
    }
    tr.guard = *guard;
    // compile() has checked that a present guard is a string; absent or empty means "true".
    tr.guard_text = t.value("guard", std::string());
    if (tr.guard_text.empty()) {
        tr.guard_text = "true";
    }
    if (const auto eff = t.find("effects"); eff != t.end()) {
        if (!eff->is_object()) {
            return fail(join_pointer(ptr, "effects"), "expected an object of variable -> expression");
        }
        for (const auto& [var, value] : eff->items()) {
            const std::string eptr = join_pointer(join_pointer(ptr, "effects"), var);
            if (!var.starts_with(tr.role + ".") || var == tr.role + ".state") {
                return fail(eptr, "a " + tr.role + " transition may only assign " + tr.role +
                                      ".<variable> (control state via 'to')");
            }
            const auto vt = spec_.scope.variables.find(var);
            if (vt == spec_.scope.variables.end()) {
                return fail(eptr, "unknown state variable '" + var + "'");
            }
            auto tree = compile(*eff, var, join_pointer(ptr, "effects"), spec_.scope, vt->second, "");
            if (!tree) {
                return tl::make_unexpected(tree.error());
            }
            tr.effects.push_back(Effect{var, *tree});
        }
    }
    // `enabled` says whether the sender has an enabled send transition: defined for rule checks,
    // not for the transitions it is computed from (the solver would meet it undefined).
    if (reads_enabled(*tr.guard) || std::any_of(tr.effects.begin(), tr.effects.end(),
                                                [](const Effect& e) { return reads_enabled(*e.value); })) {
        return fail(ptr, "transition " + tr.id +
                             " reads 'enabled', which is defined only in rule checks (when, assert, "
                             "expected, observed)");
    }
    return {};
}

Expected<void> Loader::load_rules(const json& doc)
{
    const auto it = doc.find("rules");
    if (it == doc.end() || !it->is_array()) {
        return fail("/rules", "expected an array of rules");
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& r = (*it)[i];
        const std::string ptr = join_pointer("/rules", i);
        if (!r.is_object()) {
            return fail(ptr, "expected a rule object");
        }
        if (auto k = check_keys(r, {"id", "severity", "text", "clauses", "checks"}, file_, ptr); !k) {
            return k;
        }
        Rule rule;
        auto id = get_string(r, "id", file_, ptr);
        auto severity = get_string(r, "severity", file_, ptr, false);
        auto text = get_string(r, "text", file_, ptr);
        if (!id || !severity || !text) {
            return tl::make_unexpected(!id ? id.error() : (!severity ? severity.error() : text.error()));
        }
        if (!ids.insert(*id).second) {
            return fail(join_pointer(ptr, "id"), "duplicate rule id '" + *id + "'");
        }
        if (!severity->empty() && *severity != "error" && *severity != "warning") {
            return fail(join_pointer(ptr, "severity"),
                        "expected error or warning, found '" + *severity + "'");
        }
        rule.id = *id;
        rule.warning = *severity == "warning";
        rule.text = *text;
        auto cl = clauses(r, ptr);
        if (!cl) {
            return tl::make_unexpected(cl.error());
        }
        rule.clauses = std::move(*cl);
        const auto checks = r.find("checks");
        if (checks == r.end() || !checks->is_array() || checks->empty()) {
            return fail(ptr, "expected a non-empty 'checks' array");
        }
        for (std::size_t j = 0; j < checks->size(); ++j) {
            auto check = load_check((*checks)[j], join_pointer(join_pointer(ptr, "checks"), j));
            if (!check) {
                return tl::make_unexpected(check.error());
            }
            rule.checks.push_back(std::move(*check));
        }
        spec_.rules.push_back(std::move(rule));
    }
    return {};
}

Expected<Check> Loader::load_check(const json& c, const std::string& cptr)
{
    if (!c.is_object()) {
        return fail(cptr, "expected a check object");
    }
    if (auto k = check_keys(c, {"on", "when", "assert", "offender", "expected", "observed"}, file_, cptr);
        !k) {
        return tl::make_unexpected(k.error());
    }
    Check check;
    check.pointer = cptr;
    auto on = get_string_list(c, "on", file_, cptr);
    auto offender = get_string(c, "offender", file_, cptr);
    if (!on || !offender) {
        return tl::make_unexpected(!on ? on.error() : offender.error());
    }
    for (const auto& m : *on) {
        if (m != "*" && spec_.find_message(m) == nullptr) {
            return fail(join_pointer(cptr, "on"), "unknown message '" + m + "'");
        }
    }
    check.on = *on;
    if (*offender == "sender") {
        check.offender = Offender::sender;
    } else if (*offender == "receiver") {
        check.offender = Offender::receiver;
    } else if (*offender == "initiator") {
        check.offender = Offender::initiator;
    } else if (*offender == "target") {
        check.offender = Offender::target;
    } else {
        return fail(join_pointer(cptr, "offender"),
                    "expected sender, receiver, initiator or target, found '" + *offender + "'");
    }
    auto when = compile(c, "when", cptr, spec_.scope, expr::Type::boolean(), "true");
    auto assertion = compile(c, "assert", cptr, spec_.scope, expr::Type::boolean(), "");
    if (!when || !assertion) {
        return tl::make_unexpected(!when ? when.error() : assertion.error());
    }
    check.when = *when;
    check.assertion = *assertion;
    auto expected = compile_template(c, "expected", cptr);
    auto observed = compile_template(c, "observed", cptr);
    if (!expected || !observed) {
        return tl::make_unexpected(!expected ? expected.error() : observed.error());
    }
    if (expected->parts.empty()) {
        return fail(cptr, "missing 'expected' text (reports say \"expected X, observed Y\")");
    }
    check.expected = std::move(*expected);
    check.observed = std::move(*observed);
    return check;
}

Expected<void> Loader::load_properties(const json& doc)
{
    // Built here, after the defs: the event-time scope with every def, plus init.*.
    spec_.property_scope = spec_.scope;
    for (const auto& [name, type] : spec_.init_scope.variables) {
        if (name.starts_with("init.")) {
            spec_.property_scope.variables.emplace(name, type);
        }
    }
    const auto it = doc.find("properties");
    if (it == doc.end()) {
        return {};
    }
    if (!it->is_array()) {
        return fail("/properties", "expected an array of properties");
    }
    std::set<std::string> ids;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& p = (*it)[i];
        const std::string ptr = join_pointer("/properties", i);
        if (!p.is_object()) {
            return fail(ptr, "expected a property object");
        }
        if (auto k = check_keys(p, {"id", "kind", "formula", "text", "clauses", "min_depth"}, file_, ptr);
            !k) {
            return k;
        }
        Property prop;
        if (const auto md = p.find("min_depth"); md != p.end()) {
            if (!md->is_number_unsigned() || md->get<std::uint64_t>() > 200) {
                return fail(join_pointer(ptr, "min_depth"), "expected an integer from 0 to 200 (messages)");
            }
            prop.min_depth = md->get<unsigned>();
        }
        auto id = get_string(p, "id", file_, ptr);
        auto kind = get_string(p, "kind", file_, ptr);
        auto text = get_string(p, "text", file_, ptr);
        if (!id || !kind || !text) {
            return tl::make_unexpected(!id ? id.error() : (!kind ? kind.error() : text.error()));
        }
        if (!ids.insert(*id).second) {
            return fail(join_pointer(ptr, "id"), "duplicate property id '" + *id + "'");
        }
        if (*kind != "invariant" && *kind != "lemma") {
            return fail(join_pointer(ptr, "kind"), "expected 'invariant' or 'lemma', found '" + *kind + "'");
        }
        auto formula = compile(p, "formula", ptr, spec_.property_scope, expr::Type::boolean(), "");
        if (!formula) {
            return tl::make_unexpected(formula.error());
        }
        auto cl = clauses(p, ptr);
        if (!cl) {
            return tl::make_unexpected(cl.error());
        }
        prop.id = *id;
        prop.kind = *kind;
        prop.text = *text;
        if (reads_enabled(**formula)) {
            return fail(join_pointer(ptr, "formula"),
                        "a property may not read 'enabled' (defined only in rule checks); it is a formula "
                        "over the state after a message and that message");
        }
        prop.formula = *formula;
        prop.clauses = std::move(*cl);
        spec_.properties.push_back(std::move(prop));
    }
    return {};
}

Expected<void> Loader::load_header(const json& doc)
{
    if (!doc.is_object()) {
        return fail("", "expected a pc5-spec/1 JSON object, found " + detail::json_type_name(doc));
    }
    if (auto k =
            check_keys(doc,
                       {"$schema", "format", "id", "title", "variant_note", "parameters", "messages",
                        "states", "variables", "defs", "transitions", "rules", "properties", "assumptions"},
                       file_, "");
        !k) {
        return tl::make_unexpected(k.error());
    }
    auto format = get_string(doc, "format", file_, "");
    if (!format) {
        return tl::make_unexpected(format.error());
    }
    if (*format != "pc5-spec/1") {
        return fail("/format", "expected \"pc5-spec/1\", found \"" + *format + "\"");
    }
    auto id = get_string(doc, "id", file_, "");
    auto title = get_string(doc, "title", file_, "");
    auto note = get_string(doc, "variant_note", file_, "", false);
    if (!id || !title || !note) {
        return tl::make_unexpected(!id ? id.error() : (!title ? title.error() : note.error()));
    }
    spec_.id = *id;
    spec_.title = *title;
    spec_.variant_note = *note;
    spec_.file = file_;
    return {};
}

/// Event-time names (see spec.h).
void Loader::declare_event_names()
{
    auto& vars = spec_.scope.variables;
    vars.emplace("msg", expr::Type::enumeration(spec_.find_enum("Msg")));
    vars.emplace("from", expr::Type::enumeration(spec_.find_enum("Role")));
    vars.emplace("index", expr::Type::integer());
    vars.emplace("enabled", expr::Type::boolean());
    vars.emplace("sec.logged", expr::Type::boolean());
    vars.emplace("sec.protected", expr::Type::boolean());
    vars.emplace("sec.ciphered", expr::Type::boolean());
    for (const char* n : {"sec.ctx", "sec.count", "sec.bearer", "sec.direction"}) {
        vars.emplace(n, expr::Type::integer());
    }
    vars.emplace("sec.mac", expr::Type::bytes());
    vars.emplace("pdu", expr::Type::bytes());
    vars.emplace("initiator.state", expr::Type::enumeration(spec_.find_enum("InitiatorState")));
    vars.emplace("target.state", expr::Type::enumeration(spec_.find_enum("TargetState")));
}

void Loader::declare_init_names()
{
    auto& ivars = spec_.init_scope.variables;
    for (const char* n : {"init.k_nrp_id", "init.k_nrp_sess_id"}) {
        ivars.emplace(n, expr::Type::integer());
    }
    ivars.emplace("init.k_nrp_sess", expr::Type::bytes());
    ivars.emplace("init.k_nrp", expr::Type::bytes());
    ivars.emplace("init.nea", expr::Type::enumeration(spec_.find_enum("Nea")));
    ivars.emplace("init.nia", expr::Type::enumeration(spec_.find_enum("Nia")));
    ivars.emplace("init.caps.nea", expr::Type::set_of_enum(spec_.find_enum("Nea")));
    ivars.emplace("init.caps.nia", expr::Type::set_of_enum(spec_.find_enum("Nia")));
    ivars.emplace("init.policy.integrity", expr::Type::enumeration(spec_.find_enum("Policy")));
    ivars.emplace("init.policy.ciphering", expr::Type::enumeration(spec_.find_enum("Policy")));
}

Expected<Spec> Loader::load(const json& doc)
{
    if (auto h = load_header(doc); !h) {
        return tl::make_unexpected(h.error());
    }

    // Enumerations fixed by the trace contract (docs/trace-format.md), spelled as the trace reader
    // spells them (trace/names.h, whose names are spec/pc5-protocol.json's). Policy lists its names
    // from NOT_NEEDED to REQUIRED (docs/spec-language.md section 2), the reverse of the trace reader's
    // list.
    spec_.enums.push_back(make_enum("Nea", trace::detail::nea_names()));
    spec_.enums.push_back(make_enum("Nia", trace::detail::nia_names()));
    spec_.enums.push_back(make_enum("Role", trace::detail::role_names()));
    const auto& policies = trace::detail::policy_names();
    spec_.enums.push_back(make_enum("Policy", {policies.rbegin(), policies.rend()}));

    if (auto r = load_messages(doc); !r) {
        return tl::make_unexpected(r.error());
    }
    if (auto r = load_states(doc); !r) {
        return tl::make_unexpected(r.error());
    }
    spec_.scope.enums = spec_.enums;
    spec_.init_scope.enums = spec_.enums;
    machine::declare_builtins(spec_.scope);
    machine::declare_builtins(spec_.init_scope);

    declare_event_names();
    declare_init_names();

    for (auto step : {&Loader::load_parameters, &Loader::apply_ie_conditions, &Loader::load_assumptions,
                      &Loader::load_variables, &Loader::load_defs, &Loader::load_transitions,
                      &Loader::load_rules, &Loader::load_properties}) {
        if (auto r = (this->*step)(doc); !r) {
            return tl::make_unexpected(r.error());
        }
    }
    spec_.slots_verified = slots_agree();
    return std::move(spec_);
}

/// The first place where the text breaks the nesting or number limit (checked before nlohmann parses,
/// as in the trace reader: a spec needs about 6 levels and short numbers; more only costs time and
/// memory), with the message saying which.
struct LimitHit {
    std::size_t offset = 0;
    std::string message;
};

[[nodiscard]] bool is_number_char(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

std::optional<LimitHit> json_limit_hit(std::string_view text, const Limits& limits)
{
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limits.max_nesting) {
                return LimitHit{i, "expected JSON nested at most " + std::to_string(limits.max_nesting) +
                                       " levels deep (limit --max-nesting), found deeper nesting"};
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            std::size_t end = i;
            while (end < text.size() && is_number_char(text[end])) {
                ++end;
            }
            if (end - i > limits.max_number_chars) {
                return LimitHit{i, "expected JSON numbers of at most " +
                                       std::to_string(limits.max_number_chars) +
                                       " characters (limit --max-number-chars), found one of " +
                                       std::to_string(end - i) + " characters"};
            }
            i = end - 1;
        }
    }
    return std::nullopt;
}

/// `found`: the size if known (0: more than the limit, size unknown).
std::string spec_size_message(std::uint64_t limit, std::uintmax_t found)
{
    return "expected a spec file of at most " + std::to_string(limit) +
           " bytes (limit --max-spec-bytes), found " +
           (found > limit ? std::to_string(found) + " bytes" : std::string("more"));
}

std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset)
{
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

} // namespace

std::string to_string(const std::vector<ClauseRef>& clauses)
{
    std::string out;
    for (const auto& c : clauses) {
        out += (out.empty() ? "" : "; ") + c.to_string();
    }
    return out;
}

std::string ClauseRef::to_string() const
{
    std::string out = doc + " " + clause;
    if (!release.empty()) {
        out += " (" + release + ")";
    }
    return out;
}

std::string Parameter::value_text() const
{
    // A set as the JSON array --param reads back ("[5,11]", "[\"NEA0\"]"); anything else as rendered.
    if (type.kind == expr::TypeKind::set) {
        if (const auto* set = std::get_if<expr::SetValue>(&value.data)) {
            std::string out = "[";
            const expr::Type element = type.element_type();
            for (std::size_t i = 0; i < set->elements.size(); ++i) {
                const std::string e = expr::render(set->elements[i], element);
                out += (i == 0 ? "" : ",") + (element.kind == expr::TypeKind::integer ? e : "\"" + e + "\"");
            }
            return out + "]";
        }
    }
    return expr::render(value, type);
}

std::string ParamCondition::to_string() const
{
    std::string out = param + " in {";
    for (std::size_t i = 0; i < in.size(); ++i) {
        out += (i == 0 ? "" : ", ") + in[i];
    }
    return out + "}";
}

std::vector<const Assumption*> Property::assumptions(const Spec& spec) const
{
    std::vector<const Assumption*> out;
    for (const auto& a : spec.assumptions) {
        if (a.in_force &&
            (a.affects.empty() || std::find(a.affects.begin(), a.affects.end(), id) != a.affects.end())) {
            out.push_back(&a);
        }
    }
    return out;
}

void Spec::for_each_event_tree(const std::function<void(const expr::Node&)>& visit) const
{
    const auto holes = [&visit](const Template& t) {
        for (const auto& part : t.parts) {
            if (const auto* node = std::get_if<expr::NodePtr>(&part)) {
                visit(**node);
            }
        }
    };
    for (const auto& t : transitions) {
        visit(*t.guard);
        for (const auto& e : t.effects) {
            visit(*e.value);
        }
    }
    for (const auto& r : rules) {
        for (const auto& c : r.checks) {
            visit(*c.when);
            visit(*c.assertion);
            holes(c.expected);
            holes(c.observed);
        }
    }
}

const MessageDef* Spec::find_message(const std::string& msg_id) const
{
    for (const auto& m : messages) {
        if (m.id == msg_id) {
            return &m;
        }
    }
    return nullptr;
}

const Rule* Spec::find_rule(const std::string& rule_id) const
{
    for (const auto& r : rules) {
        if (r.id == rule_id) {
            return &r;
        }
    }
    return nullptr;
}

const Parameter* Spec::find_parameter(const std::string& param_id) const
{
    for (const auto& p : parameters) {
        if (p.id == param_id) {
            return &p;
        }
    }
    return nullptr;
}

std::shared_ptr<const expr::EnumDef> Spec::find_enum(const std::string& name) const
{
    for (const auto& e : enums) {
        if (e->name == name) {
            return e;
        }
    }
    return nullptr;
}

Expected<Spec> parse_spec(std::string_view text, const std::string& file, const ParameterOverrides& overrides,
                          const Limits& limits)
{
    if (text.size() > limits.max_spec_bytes) {
        Error err;
        err.code = ErrorCode::limit;
        err.file = file;
        err.message = spec_size_message(limits.max_spec_bytes, text.size());
        return tl::make_unexpected(err);
    }
    if (const auto hit = json_limit_hit(text, limits)) {
        const auto [line, column] = line_column(text, hit->offset);
        Error err;
        err.code = ErrorCode::limit;
        err.file = file;
        err.line = line;
        err.column = column;
        err.message = hit->message;
        return tl::make_unexpected(err);
    }
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        const auto [line, column] = line_column(text, e.byte == 0 ? 0 : e.byte - 1);
        Error err;
        err.code = ErrorCode::bad_spec;
        err.file = file;
        err.line = line;
        err.column = column;
        std::string what = e.what();
        const auto pos = what.find("syntax error");
        err.message = "invalid JSON: " + (pos == std::string::npos ? what : what.substr(pos));
        return tl::make_unexpected(err);
    } catch (const json::exception& e) {
        // out_of_range 406: a number overflowing a double (e.g. 1e400), which nlohmann reports without
        // a position; like every failure on input it becomes an Error, not an exception.
        const char* why = e.id == 406 ? "expected a number within the range of a double; " : "";
        return spec_error(file, "", std::string("invalid JSON: ") + why + e.what());
    }
    try {
        Loader loader(file, overrides, limits);
        auto spec = loader.load(doc);
        if (spec) {
            detail::record_origins(text, limits, *spec);
        }
        return spec;
    } catch (const json::exception& e) {
        return spec_error(file, "", std::string("unexpected JSON shape: ") + e.what());
    }
}

Expected<Spec> load_spec(const std::string& path, const ParameterOverrides& overrides, const Limits& limits)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return make_file_error(ErrorCode::io, path, "cannot read spec file");
    }
    // Read at most one byte more than the limit (the file may be a pipe or grow): parse_spec refuses it.
    std::string text;
    std::vector<char> chunk(std::size_t{1} << 16U);
    while (in && text.size() <= limits.max_spec_bytes) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) {
        return make_file_error(ErrorCode::io, path, "cannot read spec file: read error");
    }
    if (text.size() > limits.max_spec_bytes) {
        std::error_code ec;
        const std::uintmax_t size = std::filesystem::file_size(path, ec);
        return make_file_error(ErrorCode::limit, path,
                               spec_size_message(limits.max_spec_bytes, ec ? 0 : size));
    }
    return parse_spec(text, path, overrides, limits);
}

Expected<std::string> find_spec_file(const std::string& id, const std::vector<std::string>& search_dirs)
{
    for (const auto& dir : search_dirs) {
        const std::string candidate = dir + "/" + id + ".json";
        if (std::ifstream(candidate).good()) {
            return candidate;
        }
    }
    std::string dirs;
    for (const auto& d : search_dirs) {
        dirs += (dirs.empty() ? "" : ", ") + d;
    }
    Error e;
    e.code = ErrorCode::bad_input;
    e.message = "no spec named '" + id + "' (looked for " + id + ".json in " + dirs + "); use --spec FILE";
    return tl::make_unexpected(e);
}

} // namespace pc5check::spec
