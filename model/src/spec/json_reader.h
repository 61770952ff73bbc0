#pragma once
/// \file Small helpers for reading JSON documents with pointer-precise errors (spec loader).

#include "pc5check/common/error.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pc5check::spec::detail {

/// Appends an RFC 6901 reference token to a pointer.
[[nodiscard]] std::string join_pointer(const std::string& base, const std::string& token);
[[nodiscard]] std::string join_pointer(const std::string& base, std::size_t index);

/// Error at a pointer of a spec file.
[[nodiscard]] tl::unexpected<Error> spec_error(const std::string& file, const std::string& pointer,
                                               const std::string& message);

/// Human name of a JSON value's type ("string", "number", "object", ...).
[[nodiscard]] std::string json_type_name(const nlohmann::json& j);

/// Checks that object `j` has only keys from `allowed`.
[[nodiscard]] Expected<void> check_keys(const nlohmann::json& j, const std::vector<std::string>& allowed,
                                        const std::string& file, const std::string& pointer);

/// Required/optional typed member access.
[[nodiscard]] Expected<std::string> get_string(const nlohmann::json& obj, const std::string& key,
                                               const std::string& file, const std::string& pointer,
                                               bool required = true);
[[nodiscard]] Expected<std::vector<std::string>>
get_string_list(const nlohmann::json& obj, const std::string& key, const std::string& file,
                const std::string& pointer, bool required = true);

} // namespace pc5check::spec::detail
