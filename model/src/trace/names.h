#pragma once
/// \file Private to the trace module: the JSON spellings of `pc5-trace/1` enumerations.

#include "pc5check/trace/trace.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pc5check::trace::detail {

/// The `format` value this reader and writer implement.
inline constexpr std::string_view kFormat = "pc5-trace/1";

/// "air", "initiator", "target", in the order of `Observer`.
[[nodiscard]] const std::vector<std::string>& observer_names();
/// "initiator", "target", in the order of `Role`.
[[nodiscard]] const std::vector<std::string>& role_names();
/// "NEA0".."NEA3" (protocol::kNeaNames, from spec/pc5-protocol.json).
[[nodiscard]] const std::vector<std::string>& nea_names();
/// "NIA0".."NIA3" (protocol::kNiaNames).
[[nodiscard]] const std::vector<std::string>& nia_names();
/// "REQUIRED", "PREFERRED", "NOT_NEEDED" (protocol::kPolicyNames).
[[nodiscard]] const std::vector<std::string>& policy_names();
/// "conforms", "violation", "inconclusive", in the order of machine::Verdict (machine::to_string reads it).
[[nodiscard]] const std::vector<std::string>& verdict_names();

/// The enumerator spelled `name`, if any.
[[nodiscard]] std::optional<Observer> observer_from_string(std::string_view name);
/// The enumerator spelled `name`, if any.
[[nodiscard]] std::optional<Role> role_from_string(std::string_view name);

} // namespace pc5check::trace::detail
