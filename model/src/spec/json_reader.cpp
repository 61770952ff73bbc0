#include "spec/json_reader.h"

#include "pc5check/common/json_pointer.h"

namespace pc5check::spec::detail {

std::string join_pointer(const std::string& base, const std::string& token)
{
    return base + "/" + escape_pointer_token(token);
}

std::string join_pointer(const std::string& base, std::size_t index)
{
    return base + "/" + std::to_string(index);
}

tl::unexpected<Error> spec_error(const std::string& file, const std::string& pointer,
                                 const std::string& message)
{
    Error e;
    e.code = ErrorCode::bad_spec;
    e.file = file;
    e.json_pointer = pointer.empty() ? "/" : pointer;
    e.message = message;
    return tl::make_unexpected(std::move(e));
}

std::string json_type_name(const nlohmann::json& j)
{
    if (j.is_number_integer()) {
        return "integer";
    }
    if (j.is_number()) {
        return "number";
    }
    return j.type_name();
}

Expected<void> check_keys(const nlohmann::json& j, const std::vector<std::string>& allowed,
                          const std::string& file, const std::string& pointer)
{
    for (const auto& [key, value] : j.items()) {
        bool found = false;
        for (const auto& a : allowed) {
            found = found || a == key;
        }
        if (!found) {
            std::string list;
            for (const auto& a : allowed) {
                list += (list.empty() ? "" : ", ") + a;
            }
            return spec_error(file, join_pointer(pointer, key),
                              "unknown key '" + key + "'; expected one of " + list);
        }
    }
    return {};
}

Expected<std::string> get_string(const nlohmann::json& obj, const std::string& key, const std::string& file,
                                 const std::string& pointer, bool required)
{
    const auto it = obj.find(key);
    if (it == obj.end()) {
        if (required) {
            return spec_error(file, pointer, "missing required key '" + key + "'");
        }
        return std::string{};
    }
    if (!it->is_string()) {
        return spec_error(file, join_pointer(pointer, key),
                          "expected a string, found " + json_type_name(*it));
    }
    return it->get<std::string>();
}

Expected<std::vector<std::string>> get_string_list(const nlohmann::json& obj, const std::string& key,
                                                   const std::string& file, const std::string& pointer,
                                                   bool required)
{
    std::vector<std::string> out;
    const auto it = obj.find(key);
    if (it == obj.end()) {
        if (required) {
            return spec_error(file, pointer, "missing required key '" + key + "'");
        }
        return out;
    }
    if (it->is_string()) {
        out.push_back(it->get<std::string>());
        return out;
    }
    if (!it->is_array()) {
        return spec_error(file, join_pointer(pointer, key),
                          "expected an array of strings, found " + json_type_name(*it));
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
        if (!(*it)[i].is_string()) {
            return spec_error(file, join_pointer(join_pointer(pointer, key), i),
                              "expected a string, found " + json_type_name((*it)[i]));
        }
        out.push_back((*it)[i].get<std::string>());
    }
    return out;
}

} // namespace pc5check::spec::detail
