#pragma once
/// \file Trace generator of `pc5check gen`: realistic `pc5-trace/1` traces of the PC5 unicast link
/// re-keying with real keys and MAC-Is, either conforming or with exactly one thing mutated, each with
/// an `expect` oracle taken from the scenario's intent (never from running the checker).
/// The `fool-*` scenarios dress one mutation up to look conforming (the right context ID with a MAC-I
/// that is valid for something else, a COUNT reset that looks like a context switch, a replayed SMC,
/// a capability echo with duplicates, ...); one of them is conforming after all (a reordered echo).
///
/// Determinism: every random value (keys, nonces, identifiers, COUNT start values, DATA payloads,
/// timing, structure of random traces) comes from a `std::mt19937_64` seeded with the caller's seed,
/// reduced to ranges by our own code (the standard distributions differ between standard libraries).
/// No global RNG, no clock: the same (spec, scenario, seed) gives a byte-identical trace.
/// Scenarios built with the same seed share the link and every value drawn before their first
/// difference, so a mutated scenario and its conforming `counterpart` differ only from the mutation on.
///
/// Protocol conventions of the generated traces (spec ts33536-r17):
/// - BEARER = 5 LSBs of the LCID (TS 38.323 5.8/5.9, TS 38.321 Table 6.2.4-1): SECURITY_MODE_COMMAND
///   and SECURITY_MODE_COMPLETE on SL-SRB1 (1); other PC5-S on SL-SRB2 (2); DATA on an SL-DRB (4).
/// - DIRECTION: initiator 0, target 1 (UNCONFIRMED: TS 38.323 defers the rule to TS 33.536).
/// - COUNT per (context, BEARER, DIRECTION) rises by one per message; the context in force at the
///   start begins at a random 0..1000 per (BEARER, DIRECTION), a context made by re-keying at 0.
/// - `pdu` is OUR OWN deterministic encoding of the plain message, NOT the TS 24.554 wire encoding
///   (message type values and IE codings of TS 24.554 are UNCONFIRMED): one octet message code, then
///   per IE one octet tag, one octet length, the value (see encode_pdu()). A DATA pdu is its code
///   followed by an opaque random payload.

#include "pc5check/common/error.h"
#include "pc5check/trace/trace.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pc5check::gen {

/// Spec ids the generator knows.
inline constexpr const char* kNormativeSpecId = "ts33536-r17";
inline constexpr const char* kSeedSpecId = "tr33847-sol";

/// DIRECTION of each role (UNCONFIRMED convention; it only has to differ between the two UEs).
inline constexpr std::uint8_t kDirectionInitiator = 0;
inline constexpr std::uint8_t kDirectionTarget = 1;
/// BEARER values. Ref: TS 38.323 5.8/5.9; TS 38.321 Table 6.2.4-1 (LCID 1 = SMC/COMPLETE, 2 = other PC5-S).
inline constexpr std::uint8_t kBearerSlSrb1 = 1;
inline constexpr std::uint8_t kBearerSlSrb2 = 2;
inline constexpr std::uint8_t kBearerSlDrb = 4;

/// One named scenario of the catalogue.
struct Scenario {
    std::string name;  ///< file-name stem, e.g. "conform-plain", "viol-smc-echo-caps", "fool-mac-copied"
    std::string title; ///< what the scenario is and what is mutated, in words
    /// Rule the scenario's mutation targets (or warns on); empty = conforming. `expect.rules` holds it,
    /// and for a few fool-* scenarios the further rules the same mutation breaks.
    std::string mutate_rule;
    /// Conforming scenario that, built with the same seed, equals this one up to the mutated event
    /// (empty when there is none).
    std::string counterpart;
    trace::Expect expect; ///< the oracle written into the trace
};

/// The scenario catalogue of a spec, in a fixed order. Error (usage) for an unknown spec id.
[[nodiscard]] Expected<std::vector<Scenario>> scenarios(const std::string& spec_id);

/// Names of the scenario catalogue of a spec, in a fixed order; empty for an unknown spec id.
[[nodiscard]] std::vector<std::string> scenario_names(const std::string& spec_id);

/// Rule IDs make_random_trace() can mutate for a spec (empty for an unknown spec id).
[[nodiscard]] std::vector<std::string> mutable_rules(const std::string& spec_id);

/// The real ciphering and integrity algorithms of a generated link (its initial context and every
/// re-keying's SMC); scenarios on a null link use NEA0/NIA0 whatever this says. The default is the pair
/// the generator used before it could choose (issue #18), so that a seed still gives the same trace.
struct LinkAlgorithms {
    std::string nea = "NEA2";
    std::string nia = "NIA2";
};

/// Error (usage) unless `algs` names a ciphering and an integrity algorithm the crypto computes
/// (crypto::computes) other than the null ones.
[[nodiscard]] Expected<void> check_link_algorithms(const LinkAlgorithms& algs);

/// Builds the trace of one catalogue scenario. Same seed and algorithms → byte-identical trace.
/// Errors: unknown spec or scenario, or algorithms check_link_algorithms() refuses (usage); a crypto
/// failure (internal).
[[nodiscard]] Expected<trace::Trace> make_trace(const std::string& spec_id, const std::string& scenario,
                                                std::uint64_t seed, const LinkAlgorithms& algs = {});

/// A random multi-re-keying trace ("stress-mixed": 1..5 re-keyings, random DATA, random re-auth,
/// retransmission and reject paths) for load and differential tests. `mutate_rule`: "" = conforming or
/// one random mutation; "none" = conforming; a rule ID from mutable_rules() = exactly that mutation at
/// a random re-keying. Errors as for make_trace().
[[nodiscard]] Expected<trace::Trace> make_random_trace(const std::string& spec_id, std::uint64_t seed,
                                                       const std::string& mutate_rule,
                                                       const LinkAlgorithms& algs = {});

/// An ordinary re-keying trace of 8 events, for throughput benchmarks (bench/ordinary_corpus.cpp): one
/// honest re-keying without re-authentication, retransmission or reject, with DATA before it (initiator),
/// after the request (target) and after it (initiator, target), every key and MAC-I real; conforming
/// (`expect` says so). Each seed draws its own link, keys, nonces, COUNTs and payloads. Errors as for
/// make_trace().
[[nodiscard]] Expected<trace::Trace> make_ordinary_trace(const std::string& spec_id, std::uint64_t seed,
                                                         const LinkAlgorithms& algs = {});

/// Our own encoding of a plain signalling message (NOT TS 24.554): code octet, then for each IE present,
/// in a fixed order, tag, length, value. Algorithm sets are bitmaps (bit 7-n = algorithm n), selected
/// algorithms one octet (NEA << 4 | NIA), IDs big-endian in 1 or 2 octets, byte strings as they are.
/// Error (bad_input) for a message or IE the generator does not know or a malformed IE value.
[[nodiscard]] Expected<trace::Bytes> encode_pdu(const std::string& msg, const nlohmann::json& ie);

/// Code octet of a message name in encode_pdu() (0 for an unknown name).
[[nodiscard]] std::uint8_t message_code(const std::string& msg);

} // namespace pc5check::gen
