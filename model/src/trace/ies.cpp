/// \file Ies (ies.h): the flat storage of an event's IEs and its nlohmann::json edges.

#include "pc5check/trace/ies.h"

#include "pc5check/common/error.h"

#include <tuple>

namespace pc5check::trace {

using nlohmann::json;

std::string_view Ies::Value::string() const
{
    return std::string_view(ies_->text_).substr(node().text_offset, node().text_size);
}

json Ies::Value::to_json() const
{
    switch (kind()) {
    case Kind::object: {
        json j = json::object();
        for_each_member([&](std::string_view name, const Value& v) { j[std::string(name)] = v.to_json(); });
        return j;
    }
    case Kind::array: {
        json j = json::array();
        for_each_element([&](const Value& v) { j.push_back(v.to_json()); });
        return j;
    }
    case Kind::string:
        return std::string(string());
    case Kind::number: {
        const Number& n = number();
        switch (n.type) {
        case Number::Type::unsigned_integer:
            return n.u;
        case Number::Type::signed_integer:
            return n.i;
        case Number::Type::floating:
            return n.d;
        }
        return n.d;
    }
    case Kind::boolean:
        return boolean();
    case Kind::null:
        return nullptr;
    }
    return nullptr;
}

Ies::Member Ies::at(std::size_t i) const
{
    PC5CHECK_ASSERT(i < top_.size());
    const std::uint32_t node = top_[i];
    return Member{name_of(node), Value(*this, node), nodes_[node].position};
}

std::optional<Ies::Member> Ies::find(std::string_view name) const
{
    const auto it =
        std::lower_bound(top_.begin(), top_.end(), name,
                         [this](std::uint32_t node, std::string_view n) { return name_of(node) < n; });
    if (it == top_.end() || name_of(*it) != name) {
        return std::nullopt;
    }
    return at(static_cast<std::size_t>(it - top_.begin()));
}

std::map<std::string, Position> Ies::positions() const
{
    std::map<std::string, Position> out;
    for (std::size_t i = 0; i < size(); ++i) {
        const Member m = at(i);
        out.emplace(std::string(m.name), m.position);
    }
    return out;
}

void Ies::clear()
{
    decoded_ = true;
    nodes_.clear();
    top_.clear();
    text_.clear();
    pending_.clear();
}

void Ies::set_not_decoded()
{
    clear();
    decoded_ = false;
}

json Ies::to_json() const
{
    if (!decoded_) {
        return nullptr;
    }
    json j = json::object();
    for (std::size_t i = 0; i < top_.size(); ++i) {
        const Member m = at(i);
        j[std::string(m.name)] = m.value.to_json();
    }
    return j;
}

std::uint32_t Ies::add_node(Kind kind)
{
    const auto index = static_cast<std::uint32_t>(nodes_.size());
    nodes_.push_back(Node{});
    nodes_.back().kind = kind;
    return index;
}

void Ies::set_name(std::uint32_t node, std::string_view name)
{
    nodes_[node].name_offset = static_cast<std::uint32_t>(text_.size());
    nodes_[node].name_size = static_cast<std::uint32_t>(name.size());
    text_.append(name);
}

void Ies::add_json(const json& j)
{
    switch (j.type()) {
    case json::value_t::object: {
        const std::uint32_t node = add_node(Kind::object);
        for (const auto& [name, value] : j.items()) { // nlohmann's objects iterate in name order
            const auto child = static_cast<std::uint32_t>(nodes_.size());
            add_json(value);
            set_name(child, name);
        }
        nodes_[node].count = static_cast<std::uint32_t>(j.size());
        nodes_[node].end = static_cast<std::uint32_t>(nodes_.size());
        return;
    }
    case json::value_t::array: {
        const std::uint32_t node = add_node(Kind::array);
        for (const auto& e : j) {
            add_json(e);
        }
        nodes_[node].count = static_cast<std::uint32_t>(j.size());
        nodes_[node].end = static_cast<std::uint32_t>(nodes_.size());
        return;
    }
    case json::value_t::string: {
        const std::uint32_t node = add_node(Kind::string);
        const auto& s = j.get_ref<const std::string&>();
        nodes_[node].text_offset = static_cast<std::uint32_t>(text_.size());
        nodes_[node].text_size = static_cast<std::uint32_t>(s.size());
        text_.append(s);
        nodes_[node].end = node + 1;
        return;
    }
    case json::value_t::number_unsigned:
    case json::value_t::number_integer:
    case json::value_t::number_float: {
        const std::uint32_t node = add_node(Kind::number);
        Number& n = nodes_[node].number;
        if (j.is_number_unsigned()) {
            n.type = Number::Type::unsigned_integer;
            n.u = j.get<std::uint64_t>();
        } else if (j.is_number_integer()) {
            n.type = Number::Type::signed_integer;
            n.i = j.get<std::int64_t>();
        } else {
            n.type = Number::Type::floating;
            n.d = j.get<double>();
        }
        nodes_[node].end = node + 1;
        return;
    }
    case json::value_t::boolean: {
        const std::uint32_t node = add_node(Kind::boolean);
        nodes_[node].flag = j.get<bool>();
        nodes_[node].end = node + 1;
        return;
    }
    default: {
        const std::uint32_t node = add_node(Kind::null);
        nodes_[node].end = node + 1;
        return;
    }
    }
}

void Ies::assign(const json& object_or_null)
{
    PC5CHECK_ASSERT(object_or_null.is_object() || object_or_null.is_null());
    if (object_or_null.is_null()) {
        set_not_decoded();
        return;
    }
    clear();
    for (const auto& [name, value] : object_or_null.items()) {
        add_member(name, value, Position{});
    }
}

void Ies::add_member(std::string_view name, const json& value, Position position)
{
    const auto node = static_cast<std::uint32_t>(nodes_.size());
    top_.push_back(node);
    add_json(value);
    set_name(node, name);
    nodes_[node].position = position;
}

namespace {

/// The IEs as (name, value, position), to be rebuilt after a change.
std::vector<std::tuple<std::string, json, Position>> members_of(const Ies& ies)
{
    std::vector<std::tuple<std::string, json, Position>> out;
    for (std::size_t i = 0; i < ies.size(); ++i) {
        const Ies::Member m = ies.at(i);
        out.emplace_back(std::string(m.name), m.value.to_json(), m.position);
    }
    return out;
}

} // namespace

void Ies::erase(std::string_view name)
{
    auto members = members_of(*this);
    clear();
    for (const auto& [n, value, position] : members) {
        if (n != name) {
            add_member(n, value, position);
        }
    }
}

void Ies::set(std::string_view name, const json& value)
{
    auto members = members_of(*this);
    clear();
    bool placed = false;
    for (const auto& [n, v, position] : members) {
        if (!placed && name <= std::string_view(n)) {
            add_member(name, value, Position{});
            placed = true;
            if (name == std::string_view(n)) {
                continue;
            }
        }
        add_member(n, v, position);
    }
    if (!placed) {
        add_member(name, value, Position{});
    }
}

} // namespace pc5check::trace
