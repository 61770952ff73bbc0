/// \file Positions of spec elements, from the trace reader's JSON tape (trace/json_document.h).

#include "spec/origins.h"

#include "spec/json_reader.h"
#include "trace/json_document.h"

#include <optional>
#include <string>
#include <vector>

namespace pc5check::spec::detail {

namespace {

using trace::detail::JsonDocument;

/// Sets the origin of each element of the array `key` of the root object, found by its "id".
template <class Element>
void record(const JsonDocument& doc, std::string_view key, std::vector<Element>& elements)
{
    const auto array = doc.member(0, key);
    if (!array || doc.kind(*array) != JsonDocument::Kind::array) {
        return;
    }
    doc.for_each_element(*array, [&](std::size_t index, JsonDocument::Ref element) {
        if (doc.kind(element) != JsonDocument::Kind::object) {
            return true;
        }
        std::optional<JsonDocument::Ref> id_key;
        doc.for_each_member(element, [&](JsonDocument::Ref k, JsonDocument::Ref v) {
            if (doc.string_equals(k, "id") && doc.kind(v) == JsonDocument::Kind::string) {
                id_key = k;
            }
            return !id_key;
        });
        if (!id_key) {
            return true;
        }
        const std::string id = doc.string(*id_key + 1);
        for (auto& e : elements) {
            if (e.id == id) {
                const trace::Position at = doc.position(*id_key);
                e.origin = Origin{join_pointer(join_pointer("", std::string(key)), index), at.line, at.column,
                                  doc.to_json(element).dump()};
            }
        }
        return true;
    });
}

} // namespace

void record_origins(std::string_view text, const Limits& limits, Spec& spec)
{
    trace::Limits parse_limits;
    parse_limits.max_nesting = limits.max_nesting;
    parse_limits.max_number_chars = limits.max_number_chars;
    auto doc = JsonDocument::parse(text, trace::detail::TextOrigin{}, parse_limits);
    if (!doc || doc->kind(0) != JsonDocument::Kind::object) {
        return;
    }
    record(*doc, "transitions", spec.transitions);
    record(*doc, "rules", spec.rules);
    record(*doc, "properties", spec.properties);
}

} // namespace pc5check::spec::detail
