#pragma once
/// \file Private to the trace module: field-by-field comparison of two traces, for the tests and the
/// fuzz target that hold read_fast to "identical or decline" (fast_reader.h).

#include "pc5check/trace/trace.h"

#include <optional>
#include <string>

namespace pc5check::trace::detail {

/// The first field in which `a` and `b` differ ("events/3/ie/nonce_1: type", ...), or nullopt when
/// they are equal in every field: positions, pointers, IE values with their JSON types (unsigned,
/// integer and float numbers differ even when equal in value), doubles bit for bit.
[[nodiscard]] std::optional<std::string> first_difference(const Trace& a, const Trace& b);

} // namespace pc5check::trace::detail
