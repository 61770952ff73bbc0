#pragma once
/// \file Concrete values of the expression language, with two special values:
/// `absent` (an optional element that is definitely not there, e.g. an IE not sent) and
/// `unknown` (not observed: no key logged, `sec` not logged, ...), carrying a reason.

#include "pc5check/expr/type.h"

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace pc5check::expr {

/// Marker: an optional element that is not present.
struct Absent {
    friend bool operator==(const Absent&, const Absent&) = default;
    friend auto operator<=>(const Absent&, const Absent&) = default;
};
/// Marker: a value nobody observed; `reason` says why ("no key for K_NRP ID 7", "sec not logged").
struct Unknown {
    std::string reason;
};
/// Value of an enumeration: index into its EnumDef::names.
struct EnumValue {
    std::uint32_t index = 0;
    friend bool operator==(const EnumValue&, const EnumValue&) = default;
    friend auto operator<=>(const EnumValue&, const EnumValue&) = default;
};

struct Value;
/// A finite set, elements kept sorted and unique.
struct SetValue {
    std::vector<Value> elements;
    /// Adds `v` unless an equal element is there; the elements stay sorted and unique.
    void insert(Value v);
};
/// A finite map from int to int, kept flat: (key, value) entries sorted by key, keys unique. A put into a
/// map whose storage has room allocates nothing (a state variable's map keeps its storage from trace to
/// trace), where a node-based map allocated one node per new key.
struct MapValue {
    std::vector<std::pair<std::int64_t, std::int64_t>> entries;

    MapValue() = default;
    /// From (key, value) pairs in any order; a key given twice keeps its last value.
    MapValue(std::initializer_list<std::pair<std::int64_t, std::int64_t>> init);
    /// Sets the value under `k` (expr::detail::map_put is the operator `put` made with it).
    void put(std::int64_t k, std::int64_t v);
    /// The value under `k`, or nullptr.
    [[nodiscard]] const std::int64_t* find(std::int64_t k) const;
    friend bool operator==(const MapValue&, const MapValue&) = default;
};

/// A value; which alternative is held follows the static type, except that any type may hold
/// Absent or Unknown.
struct Value {
    std::variant<Absent, Unknown, bool, std::int64_t, std::vector<std::uint8_t>, EnumValue, SetValue,
                 MapValue>
        data;

    [[nodiscard]] bool is_absent() const { return std::holds_alternative<Absent>(data); }
    [[nodiscard]] bool is_unknown() const { return std::holds_alternative<Unknown>(data); }
    [[nodiscard]] bool is_known() const { return !is_unknown(); }
    [[nodiscard]] const std::string& unknown_reason() const { return std::get<Unknown>(data).reason; }

    [[nodiscard]] static Value absent() { return Value{Absent{}}; }
    [[nodiscard]] static Value unknown(std::string reason) { return Value{Unknown{std::move(reason)}}; }
    [[nodiscard]] static Value boolean(bool b) { return Value{b}; }
    [[nodiscard]] static Value integer(std::int64_t i) { return Value{i}; }
    [[nodiscard]] static Value bytes(std::vector<std::uint8_t> b) { return Value{std::move(b)}; }
    [[nodiscard]] static Value enumeration(std::uint32_t index) { return Value{EnumValue{index}}; }
    /// Sorts and de-duplicates the elements.
    [[nodiscard]] static Value set(std::vector<Value> elements);
    [[nodiscard]] static Value map(MapValue m) { return Value{std::move(m)}; }

    /// Makes this value the byte string `b` (which must not be its own bytes), in the storage of the
    /// bytes it holds: no allocation when they have the room (a reused result or argument buffer).
    void assign_bytes(std::span<const std::uint8_t> b);
};

/// Structural equality and total order over known values (Unknown compares by reason, only for
/// container bookkeeping; the evaluator never lets Unknown decide a comparison).
[[nodiscard]] bool operator==(const Value& a, const Value& b);
[[nodiscard]] bool operator<(const Value& a, const Value& b);

/// Human-readable rendering for reports: ints decimal, bytes hex, enums by name, sets "{A, B}",
/// maps "{k: v}", "absent", "unknown (reason)".
[[nodiscard]] std::string render(const Value& v, const Type& t);

} // namespace pc5check::expr
