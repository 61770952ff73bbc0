#include "pc5check/expr/value.h"

#include "pc5check/common/hex.h"

#include <algorithm>
#include <string_view>
#include <type_traits>

namespace pc5check::expr {

Value Value::set(std::vector<Value> elements)
{
    std::sort(elements.begin(), elements.end(), [](const Value& a, const Value& b) { return a < b; });
    elements.erase(
        std::unique(elements.begin(), elements.end(), [](const Value& a, const Value& b) { return a == b; }),
        elements.end());
    return Value{SetValue{std::move(elements)}};
}

void Value::assign_bytes(std::span<const std::uint8_t> b)
{
    if (auto* held = std::get_if<std::vector<std::uint8_t>>(&data)) {
        held->assign(b.begin(), b.end());
    } else {
        data.emplace<std::vector<std::uint8_t>>(b.begin(), b.end());
    }
}

bool operator==(const Value& a, const Value& b)
{
    if (a.data.index() != b.data.index()) {
        return false;
    }
    return std::visit(
        [&b](const auto& x) -> bool {
            using T = std::decay_t<decltype(x)>;
            const T& y = std::get<T>(b.data);
            if constexpr (std::is_same_v<T, Unknown>) {
                return x.reason == y.reason;
            } else if constexpr (std::is_same_v<T, SetValue>) {
                return std::equal(x.elements.begin(), x.elements.end(), y.elements.begin(), y.elements.end(),
                                  [](const Value& l, const Value& r) { return l == r; });
            } else {
                return x == y;
            }
        },
        a.data);
}

bool operator<(const Value& a, const Value& b)
{
    if (a.data.index() != b.data.index()) {
        return a.data.index() < b.data.index();
    }
    return std::visit(
        [&b](const auto& x) -> bool {
            using T = std::decay_t<decltype(x)>;
            const T& y = std::get<T>(b.data);
            if constexpr (std::is_same_v<T, Absent>) {
                return false;
            } else if constexpr (std::is_same_v<T, Unknown>) {
                return x.reason < y.reason;
            } else if constexpr (std::is_same_v<T, SetValue>) {
                return std::lexicographical_compare(x.elements.begin(), x.elements.end(), y.elements.begin(),
                                                    y.elements.end(),
                                                    [](const Value& l, const Value& r) { return l < r; });
            } else if constexpr (std::is_same_v<T, MapValue>) {
                return x.entries < y.entries;
            } else {
                return x < y;
            }
        },
        a.data);
}

void SetValue::insert(Value v)
{
    const auto at = std::lower_bound(elements.begin(), elements.end(), v);
    if (at == elements.end() || !(*at == v)) {
        elements.insert(at, std::move(v));
    }
}

namespace {

/// The first entry of `entries` (sorted by key) whose key is not below `k`: where `k` is, or would go.
template <class Entries> auto entry_at(Entries& entries, std::int64_t k)
{
    return std::lower_bound(entries.begin(), entries.end(), k,
                            [](const auto& entry, std::int64_t key) { return entry.first < key; });
}

} // namespace

MapValue::MapValue(std::initializer_list<std::pair<std::int64_t, std::int64_t>> init)
{
    entries.reserve(init.size());
    for (const auto& [k, v] : init) {
        put(k, v);
    }
}

void MapValue::put(std::int64_t k, std::int64_t v)
{
    const auto at = entry_at(entries, k);
    if (at != entries.end() && at->first == k) {
        at->second = v;
    } else {
        entries.emplace(at, k, v);
    }
}

const std::int64_t* MapValue::find(std::int64_t k) const
{
    const auto at = entry_at(entries, k);
    return at != entries.end() && at->first == k ? &at->second : nullptr;
}

namespace {

void render_to(std::string& out, const Value& v, const Type& t);

void render_bytes(std::string& out, const std::vector<std::uint8_t>& bytes)
{
    for (const std::uint8_t byte : bytes) {
        append_hex(out, byte);
    }
}

void render_enum(std::string& out, EnumValue e, const Type& t)
{
    // Robust to a value/type mismatch: a report must never crash on a bad index.
    if (t.enum_def && e.index < t.enum_def->names.size()) {
        out += t.enum_def->names[e.index];
    } else {
        out += "enum#" + std::to_string(e.index);
    }
}

void render_to(std::string& out, const Value& v, const Type& t)
{
    std::visit(
        [&out, &t](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, Absent>) {
                out += "absent";
            } else if constexpr (std::is_same_v<T, Unknown>) {
                out += "unknown (" + x.reason + ")";
            } else if constexpr (std::is_same_v<T, bool>) {
                out += x ? "true" : "false";
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                out += std::to_string(x);
            } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {
                render_bytes(out, x);
            } else if constexpr (std::is_same_v<T, EnumValue>) {
                render_enum(out, x, t);
            } else if constexpr (std::is_same_v<T, SetValue>) {
                const Type element = t.element_type();
                out += '{';
                const char* separator = "";
                for (const Value& e : x.elements) {
                    out += separator;
                    render_to(out, e, element);
                    separator = ", ";
                }
                out += '}';
            } else {
                static_assert(std::is_same_v<T, MapValue>);
                out += '{';
                const char* separator = "";
                for (const auto& [key, value] : x.entries) {
                    out += separator;
                    out += std::to_string(key) + ": " + std::to_string(value);
                    separator = ", ";
                }
                out += '}';
            }
        },
        v.data);
}

} // namespace

std::string render(const Value& v, const Type& t)
{
    std::string out;
    render_to(out, v, t);
    return out;
}

} // namespace pc5check::expr
