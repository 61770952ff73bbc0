#pragma once
/// \file Types of the spec expression language.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pc5check::expr {

/// The kinds of type the language has. Sets hold enum, int or bytes elements; maps go int -> int.
enum class TypeKind : std::uint8_t { boolean, integer, bytes, enumeration, set, map };

/// An enum type declared by the spec (e.g. `Nia` = NIA0..NIA3); its literals are its `names`.
struct EnumDef {
    std::string name;
    std::vector<std::string> names;
};

/// A type. `enum_def` is set for enumerations and for sets of enumerations (the element enum);
/// `element` gives the element kind of a set (enumeration, integer or bytes).
struct Type {
    TypeKind kind = TypeKind::boolean;
    std::shared_ptr<const EnumDef> enum_def{};
    TypeKind element = TypeKind::boolean;

    [[nodiscard]] static Type boolean() { return {TypeKind::boolean, nullptr, TypeKind::boolean}; }
    [[nodiscard]] static Type integer() { return {TypeKind::integer, nullptr, TypeKind::boolean}; }
    [[nodiscard]] static Type bytes() { return {TypeKind::bytes, nullptr, TypeKind::boolean}; }
    [[nodiscard]] static Type map() { return {TypeKind::map, nullptr, TypeKind::boolean}; }
    [[nodiscard]] static Type enumeration(std::shared_ptr<const EnumDef> def)
    {
        return {TypeKind::enumeration, std::move(def), TypeKind::boolean};
    }
    /// set<E> for an enum E.
    [[nodiscard]] static Type set_of_enum(std::shared_ptr<const EnumDef> def)
    {
        return {TypeKind::set, std::move(def), TypeKind::enumeration};
    }
    /// set<int> or set<bytes>.
    [[nodiscard]] static Type set_of(TypeKind element) { return {TypeKind::set, nullptr, element}; }

    /// Element type of a set.
    [[nodiscard]] Type element_type() const
    {
        if (element == TypeKind::enumeration) {
            return enumeration(enum_def);
        }
        return {element, nullptr, TypeKind::boolean};
    }

    /// Spelling used in specs and messages: bool, int, bytes, Nia, set<Nia>, set<int>, map.
    [[nodiscard]] std::string to_string() const;

    friend bool operator==(const Type& a, const Type& b)
    {
        if (a.kind != b.kind) {
            return false;
        }
        if (a.kind == TypeKind::enumeration) {
            return a.enum_def->name == b.enum_def->name;
        }
        if (a.kind == TypeKind::set) {
            return a.element == b.element &&
                   (a.element != TypeKind::enumeration || a.enum_def->name == b.enum_def->name);
        }
        return true;
    }
};

} // namespace pc5check::expr
