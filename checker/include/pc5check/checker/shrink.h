#pragma once
/// \file `pc5check shrink`: the smallest part of a trace that still breaks a rule, by delta debugging
/// (A. Zeller, R. Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", IEEE TSE 28(2), 2002:
/// the ddmin algorithm) over its events.

#include "pc5check/checker/check.h"

#include <cstddef>
#include <optional>
#include <string>

namespace pc5check::checker {

/// What shrink() gives.
struct ShrinkResult {
    trace::Trace trace; ///< the header as it was, the events kept (in their order)
    std::size_t original_events = 0;
    std::size_t checks = 0; ///< traces checked on the way
};

/// Removes events from `trace` as long as `check` of what is left still reports a violation of `rule`
/// (other rules may be broken too): the result is 1-minimal, removing any one event of it loses the
/// violation. Each candidate is checked as `check` checks a trace under `options` (spec, parameters,
/// symbolic or not). `attacker_steps` follow their events; `expect` becomes what `check` says of the
/// result. nullopt: the trace does not break `rule` (nothing to shrink). Error: the trace's spec does
/// not load.
[[nodiscard]] Expected<std::optional<ShrinkResult>> shrink(const trace::Trace& trace, const std::string& rule,
                                                           const CheckOptions& options);

} // namespace pc5check::checker
