#pragma once
/// \file `pc5check shrink`: the smallest part of a trace that still breaks a rule, by delta debugging
/// (A. Zeller, R. Hildebrandt, "Simplifying and Isolating Failure-Inducing Input", IEEE TSE 28(2), 2002:
/// the ddmin algorithm) over its events, then over the IEs of the events kept.

#include "pc5check/checker/check.h"

#include <cstddef>
#include <optional>
#include <string>

namespace pc5check::checker {

/// What shrink() gives.
struct ShrinkResult {
    trace::Trace trace; ///< the header as it was, the events kept (in their order), their IEs kept
    trace::Role offender = trace::Role::initiator; ///< of the violation kept (the original's first)
    std::size_t original_events = 0;
    std::size_t original_ies = 0; ///< IEs in the original's events
    std::size_t ies = 0;          ///< IEs in the result's events
    /// IEs whose removal kept the violation but would change a `pdu` whose MAC-I could not be
    /// recomputed (no key validates the logged MAC-I, or the pdu is not our own encoding): kept.
    std::size_t ies_kept_for_mac = 0;
    std::size_t checks = 0; ///< traces checked on the way
};

/// Removes events from `trace` as long as `check` of what is left still reports a violation of `rule`
/// by the same offender as the original's first (other rules may be broken too): removing any one
/// event of the result loses that violation (1-minimal over events). Then removes the optional IEs of
/// the events kept (those 3GPP's message definitions let a message leave out: `reauth`, and the K_NRP
/// ID halves and `key_est_info` of a new K_NRP in the SMC and COMPLETE), one at a time, under the same
/// condition (1-minimal over them); a candidate that is bad input is refused. When an event's `pdu` is our
/// own encoding of its IEs (gen::encode_pdu) it is re-encoded without the IE, and its MAC-I recomputed
/// under the key that validated the logged one; when no key does, the IE stays. Each candidate is
/// checked as `check` checks a trace under `options` (spec, parameters, symbolic or not).
/// `attacker_steps` follow their events; `expect` becomes what `check` says of the result; the title
/// names the original and the rule. nullopt: the trace does not break `rule` (nothing to shrink).
/// Error: the trace's spec does not load.
[[nodiscard]] Expected<std::optional<ShrinkResult>> shrink(const trace::Trace& trace, const std::string& rule,
                                                           const CheckOptions& options);

/// IEs in the events of `trace` (an `ie` of null counts none).
[[nodiscard]] std::size_t count_ies(const trace::Trace& trace);

} // namespace pc5check::checker
