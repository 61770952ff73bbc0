#include "pc5check/expr/type.h"

namespace pc5check::expr {

namespace {

std::string enum_name(const std::shared_ptr<const EnumDef>& def)
{
    return def ? def->name : std::string("enum");
}

std::string kind_name(TypeKind kind, const std::shared_ptr<const EnumDef>& def)
{
    switch (kind) {
    case TypeKind::boolean:
        return "bool";
    case TypeKind::integer:
        return "int";
    case TypeKind::bytes:
        return "bytes";
    case TypeKind::enumeration:
        return enum_name(def);
    case TypeKind::map:
        return "map";
    case TypeKind::set:
        break;
    }
    return "set";
}

} // namespace

std::string Type::to_string() const
{
    if (kind == TypeKind::set) {
        return "set<" + kind_name(element, enum_def) + ">";
    }
    return kind_name(kind, enum_def);
}

} // namespace pc5check::expr
