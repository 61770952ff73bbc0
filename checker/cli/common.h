#pragma once
/// \file What every `pc5check` subcommand shares: exit codes (docs/cli.md), reporting an error,
/// `--param ID=VALUE` overrides.

#include "pc5check/common/error.h"
#include "pc5check/spec/spec.h"

#include <string>
#include <vector>

namespace pc5check::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1; ///< a violation, a failed property, an inconclusive answer
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitInternal = 3;

/// Prints the error on stderr; returns its exit code (3 for internal and solver failures, else 2).
[[nodiscard]] int fail(const Error& e);

/// `--param ID=VALUE` (repeatable). Error: an item without `=` or without an ID (usage).
[[nodiscard]] Expected<spec::ParameterOverrides> parse_params(const std::vector<std::string>& params);

/// Where `<spec id>.json` files are looked up: `extra` (--spec-dir), then $PC5CHECK_SPEC_PATH, then
/// share/pc5check/spec beside the binary's directory.
[[nodiscard]] std::vector<std::string> default_spec_dirs(const std::vector<std::string>& extra);

} // namespace pc5check::cli
