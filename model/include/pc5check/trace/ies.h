#pragma once
/// \file The IEs of one observed event (Event::ie in trace.h): each IE's name, the JSON value the trace gave
/// it and where that value starts in its file; or "not decoded" (`"ie": null`).
///
/// The values stay JSON as written (the spec decides on binding which IEs a message has and what type
/// each is), kept in flat storage: a tree of nodes in one vector and the text of names and strings in one
/// string. An Event reused from trace to trace keeps that storage, so reading a trace's IEs allocates
/// nothing once the buffers have grown (issue #19, item 2). nlohmann::json is the form at the edges
/// (writing a trace, the generator, the shrinker): to_json() and assign().
///
/// The IEs, and the members of every object inside them, are kept in the order of their names (byte by
/// byte), the order nlohmann::json's objects have: whoever iterates sees what it saw when the IEs were
/// nlohmann objects.

#include <algorithm>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pc5check::trace {

/// Position of a JSON value in its file (1-based; 0 = unknown).
struct Position {
    std::size_t line = 0;
    std::size_t column = 0;
    /// Field by field.
    friend bool operator==(const Position&, const Position&) = default;
};

class Ies {
  public:
    enum class Kind : std::uint8_t { object, array, string, number, boolean, null };
    /// A JSON number as read: an integer that fits 64 bits keeps its exact value.
    struct Number {
        enum class Type : std::uint8_t { unsigned_integer, signed_integer, floating } type = Type::floating;
        std::uint64_t u = 0;
        std::int64_t i = 0;
        double d = 0.0;
    };

  private:
    struct Node {
        Kind kind = Kind::null;
        bool flag = false;             ///< a boolean's value
        std::uint32_t name_offset = 0; ///< the member name in text_ (a member of an object; an IE)
        std::uint32_t name_size = 0;
        std::uint32_t text_offset = 0; ///< a string's characters in text_
        std::uint32_t text_size = 0;
        std::uint32_t count = 0; ///< members or elements
        std::uint32_t end = 0;   ///< one past the last node of this value's tree
        Number number;
        Position position; ///< an IE's value: where it starts
    };

  public:
    /// A JSON value inside the IEs (valid while they are not changed).
    class Value {
      public:
        [[nodiscard]] Kind kind() const { return node().kind; }
        [[nodiscard]] bool is_null() const { return kind() == Kind::null; }
        /// The characters of a string (unescaped).
        [[nodiscard]] std::string_view string() const;
        [[nodiscard]] const Number& number() const { return node().number; }
        [[nodiscard]] bool boolean() const { return node().flag; }
        /// Members of an object or elements of an array.
        [[nodiscard]] std::size_t size() const { return node().count; }
        /// `f(name, value)` for each member of an object, in the order of the names.
        template <class F> void for_each_member(F&& f) const
        {
            for (std::uint32_t c = index_ + 1; c < node().end; c = ies_->nodes_[c].end) {
                f(ies_->name_of(c), Value(*ies_, c));
            }
        }
        /// `f(value)` for each element of an array, in order.
        template <class F> void for_each_element(F&& f) const
        {
            for (std::uint32_t c = index_ + 1; c < node().end; c = ies_->nodes_[c].end) {
                f(Value(*ies_, c));
            }
        }
        /// The value as nlohmann::json (for messages and the edges; allocates).
        [[nodiscard]] nlohmann::json to_json() const;

      private:
        friend class Ies;
        Value(const Ies& ies, std::uint32_t index) : ies_(&ies), index_(index) {}
        [[nodiscard]] const Node& node() const { return ies_->nodes_[index_]; }
        const Ies* ies_;
        std::uint32_t index_;
    };

    /// One IE: its name, its value, where the value starts in the file (0: unknown, e.g. generated).
    struct Member {
        std::string_view name;
        Value value;
        Position position;
    };

    /// False for `"ie": null` (the IEs were not decoded).
    [[nodiscard]] bool decoded() const { return decoded_; }
    [[nodiscard]] std::size_t size() const { return top_.size(); }
    [[nodiscard]] bool empty() const { return top_.empty(); }
    /// IE `i` in the order of the names.
    [[nodiscard]] Member at(std::size_t i) const;
    [[nodiscard]] bool contains(std::string_view name) const { return find(name).has_value(); }
    [[nodiscard]] std::optional<Member> find(std::string_view name) const;

    /// Bytes of heap storage held (kept by clear()).
    [[nodiscard]] std::size_t storage_bytes() const
    {
        return nodes_.capacity() * sizeof(Node) + top_.capacity() * sizeof(std::uint32_t) + text_.capacity() +
               pending_.capacity() * sizeof(Pending);
    }

    /// Where each IE's value starts, by name (for messages and tests; allocates).
    [[nodiscard]] std::map<std::string, Position> positions() const;

    /// No IEs, decoded; the storage is kept.
    void clear();
    /// `"ie": null`: not decoded (no IEs).
    void set_not_decoded();
    /// The IEs as a JSON object, or null when not decoded.
    [[nodiscard]] nlohmann::json to_json() const;
    /// From a JSON object (positions unknown), or null: not decoded. Anything else is a programming
    /// error (asserted): readers check the kind first.
    void assign(const nlohmann::json& object_or_null);
    /// Removes IE `name` if present.
    void erase(std::string_view name);
    /// Sets IE `name` to `value` (added, or replaced), position unknown; decoded from now on.
    void set(std::string_view name, const nlohmann::json& value);

    /// Building, for readers: the IEs of a JSON object as a source describes it. `Source` has
    /// `kind(ref)`, `string_into(ref, std::string&)` (appends the unescaped characters),
    /// `number(ref)` (an Ies::Number), `boolean(ref)`, `for_each_member(ref, f(key_ref, value_ref))`,
    /// `for_each_element(ref, f(ref))` and `position(ref)`; members of objects are put in name order.
    template <class Source> void read_object(const Source& src, std::uint32_t object);

    /// Equal IEs: both not decoded, or the same names with equal values (positions aside).
    friend bool operator==(const Ies& a, const Ies& b) { return a.to_json() == b.to_json(); }

  private:
    [[nodiscard]] std::string_view name_of(std::uint32_t node) const
    {
        return std::string_view(text_).substr(nodes_[node].name_offset, nodes_[node].name_size);
    }
    [[nodiscard]] std::uint32_t add_node(Kind kind);
    void set_name(std::uint32_t node, std::string_view name);
    /// Appends the value `ref` of `src` (and its tree).
    template <class Source> void read_value(const Source& src, std::uint32_t ref);
    /// Appends JSON value `j`.
    void add_json(const nlohmann::json& j);
    /// Appends an IE (the IEs are appended in the order of their names).
    void add_member(std::string_view name, const nlohmann::json& value, Position position);
    /// Appends the members of object `ref` of `src` in the order of their names (an object's
    /// members, or the IEs: `top` true); returns how many.
    template <class Source> std::uint32_t read_members(const Source& src, std::uint32_t ref, bool top);
    /// A member of an object being read: its name in text_, its value in the source. A stack shared
    /// by nested objects, kept with its storage.
    struct Pending {
        std::uint32_t name_offset;
        std::uint32_t name_size;
        std::uint32_t ref;
    };

    bool decoded_ = true;
    std::vector<Node> nodes_;
    std::vector<std::uint32_t> top_; ///< the IEs' value nodes, in the order of their names
    std::string text_;
    std::vector<Pending> pending_;
};

template <class Source> void Ies::read_object(const Source& src, std::uint32_t object)
{
    clear();
    static_cast<void>(read_members(src, object, true)); // top_ counts them
}

template <class Source> std::uint32_t Ies::read_members(const Source& src, std::uint32_t ref, bool top)
{
    const std::size_t first = pending_.size();
    src.for_each_member(ref, [&](std::uint32_t key, std::uint32_t value) {
        const auto offset = static_cast<std::uint32_t>(text_.size());
        src.string_into(key, text_);
        pending_.push_back({offset, static_cast<std::uint32_t>(text_.size() - offset), value});
    });
    const std::string_view text = text_;
    std::sort(pending_.begin() + static_cast<std::ptrdiff_t>(first), pending_.end(),
              [text](const Pending& a, const Pending& b) {
                  return text.substr(a.name_offset, a.name_size) < text.substr(b.name_offset, b.name_size);
              });
    const std::size_t last = pending_.size();
    for (std::size_t k = first; k < last; ++k) {
        const Pending m = pending_[k]; // a copy: read_value may grow the stack
        const auto child = static_cast<std::uint32_t>(nodes_.size());
        if (top) {
            top_.push_back(child);
        }
        read_value(src, m.ref);
        nodes_[child].name_offset = m.name_offset;
        nodes_[child].name_size = m.name_size;
        if (top) {
            nodes_[child].position = src.position(m.ref);
        }
    }
    pending_.resize(first);
    return static_cast<std::uint32_t>(last - first);
}

template <class Source> void Ies::read_value(const Source& src, std::uint32_t ref)
{
    const Kind kind = src.kind(ref);
    const std::uint32_t node = add_node(kind);
    switch (kind) {
    case Kind::object:
        nodes_[node].count = read_members(src, ref, false);
        break;
    case Kind::array: {
        std::uint32_t count = 0;
        src.for_each_element(ref, [&](std::uint32_t element) {
            read_value(src, element);
            ++count;
        });
        nodes_[node].count = count;
        break;
    }
    case Kind::string: {
        const auto offset = static_cast<std::uint32_t>(text_.size());
        src.string_into(ref, text_);
        nodes_[node].text_offset = offset;
        nodes_[node].text_size = static_cast<std::uint32_t>(text_.size() - offset);
        break;
    }
    case Kind::number:
        nodes_[node].number = src.number(ref);
        break;
    case Kind::boolean:
        nodes_[node].flag = src.boolean(ref);
        break;
    case Kind::null:
        break;
    }
    nodes_[node].end = static_cast<std::uint32_t>(nodes_.size());
}

} // namespace pc5check::trace
