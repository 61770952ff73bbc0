#pragma once
/// \file Private to the spec loader: where each transition, rule and property of a loaded spec is
/// written in its file (spec::Origin).

#include "pc5check/spec/spec.h"

#include <string_view>

namespace pc5check::spec::detail {

/// Fills the Origin of every transition, rule and property of `spec` from `text`, the document it was
/// loaded from, with the trace reader's JSON parser (it keeps byte offsets; nlohmann's DOM does not).
/// `limits` are the loader's (nesting, number length). Origins stay empty when the parser refuses the
/// text (a duplicate key nlohmann let through): positions are for reports, never a reason to fail.
void record_origins(std::string_view text, const Limits& limits, Spec& spec);

} // namespace pc5check::spec::detail
