#pragma once
/// \file Private to the trace module: hex strings of `pc5-trace/1` (no "0x", even length).
///
/// Local rather than crypto::from_hex so that trace errors name the field and what was found, and the
/// trace module does not depend on the crypto one.

#include "pc5check/common/expected.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace pc5check::trace::detail {

/// Parses `digits` as hex (either case). `octets`: the exact length required, if any. On failure the
/// one-line message says what was expected for `what` and what was found.
[[nodiscard]] ExpectedT<Bytes, std::string>
parse_hex(std::string_view digits, std::optional<std::size_t> octets, std::string_view what);

} // namespace pc5check::trace::detail
