/// \file The scenario catalogue of the normative variant and the public entry points of the generator.
/// The oracle of each trace (`expect`) comes from the scenario's intent, never from the checker.

#include "gen/sim.h"

#include <algorithm>

namespace pc5check::gen {

namespace detail {

namespace {

constexpr Role kI = Role::initiator;
constexpr Role kT = Role::target;
constexpr std::uint8_t kCauseProtocolError = 111;
/// "Other" causes a UE may reject a sound SMC with (spec parameter other_reject_causes).
constexpr std::array<std::uint8_t, 3> kOtherCauses{5, 11, 111};
constexpr std::uint64_t kMaxRekeys = 5;
constexpr unsigned kReauthPercent = 25;
constexpr unsigned kAuthWithoutFlagPercent = 10;
constexpr unsigned kRetransmitPercent = 15;
constexpr unsigned kRejectPercent = 15;
constexpr unsigned kReleasePercent = 30;
constexpr std::uint64_t kMaxDataPerPoint = 2;

/// DATA at every point of a re-keying: before, during (after the request, after the SMC) and after.
DataPlan standard_data() { return DataPlan{{kI, kT}, {kT}, {kI}, {kI, kT}}; }

RekeyPlan plain(Mutation m = Mutation::none, unsigned variant = 0)
{
    RekeyPlan p;
    p.data = standard_data();
    p.mutation = m;
    p.variant = variant;
    return p;
}

RekeyPlan reauth(Mutation m = Mutation::none)
{
    RekeyPlan p = plain(m);
    p.reauth = true;
    p.auth = true;
    return p;
}

/// First re-keying of conform-reject-then-success: the initiator rejects a sound SMC with #111; after
/// the reject the target speaks first (so REJECT_ABORTS differs from it in one event only).
RekeyPlan rejected(Mutation m = Mutation::none)
{
    RekeyPlan p = plain(m);
    p.reject_cause = kCauseProtocolError;
    p.data.after_end = {kT, kI};
    return p;
}

void release(Sim& sim, Role from)
{
    sim.send(from, "RELEASE", nlohmann::json::object(), sim.current(), kBearerSlSrb2);
}

/// A conforming plan with one fooling mutation.
RekeyPlan fooled(Fool f, RekeyPlan p = plain())
{
    p.fool = f;
    return p;
}

void one(Sim& sim, const RekeyPlan& p) { run_rekey(sim, p); }

void two(Sim& sim, const RekeyPlan& first, const RekeyPlan& second)
{
    if (run_rekey(sim, first) != RekeyEnd::stopped) {
        run_rekey(sim, second);
    }
}

const std::vector<CatalogueEntry> kNormative{
    // Conforming.
    {"conform-plain",
     "Conforming: one re-keying (request under the old context, SMC under the new one, COMPLETE, RESPONSE) "
     "with DATA before, during and after; nothing mutated",
     "", "", false, false, [](Sim& s) { one(s, plain()); }},
    {"conform-reauth",
     "Conforming: re-keying with the Re-auth flag; the target authenticates, a new K_NRP (logged) feeds the "
     "new K_NRP-sess; SMC carries msbs_k_nrp_id and key_est_info, COMPLETE lsbs_k_nrp_id",
     "", "", false, false, [](Sim& s) { one(s, reauth()); }},
    {"conform-two-rekeys",
     "Conforming: two re-keyings in a row on one link, each with fresh nonces and a new ID", "", "", false,
     false, [](Sim& s) { two(s, plain(), plain()); }},
    {"conform-reject-then-success",
     "Conforming: the initiator rejects a sound SMC with the 'other' cause #111 (old context stays in "
     "force), then a second re-keying with fresh nonces succeeds",
     "", "", false, false, [](Sim& s) { two(s, rejected(), plain()); }},
    {"conform-auth-without-flag",
     "Conforming: no Re-auth flag, but the target authenticates anyway and establishes a new K_NRP", "", "",
     false, false,
     [](Sim& s) {
         RekeyPlan p = plain();
         p.auth = true;
         one(s, p);
     }},
    {"conform-retransmit",
     "Conforming: the initiator retransmits the identical request (same Nonce_1, new COUNT and MAC-I) before "
     "the SMC",
     "", "", false, false,
     [](Sim& s) {
         RekeyPlan p = plain();
         p.retransmit = true;
         one(s, p);
     }},
    {"conform-reauth-then-rekey",
     "Conforming: a re-keying with re-authentication, then a plain re-keying whose K_NRP-sess derives from "
     "the NEW K_NRP",
     "", "", false, false, [](Sim& s) { two(s, reauth(), plain()); }},
    {"conform-release",
     "Conforming: one re-keying, then the initiator releases the link under the new context", "", "", false,
     false,
     [](Sim& s) {
         one(s, plain());
         release(s, kI);
     }},
    {"stress-mixed",
     "Conforming: 1..5 re-keyings with random DATA, re-authentication, retransmission and reject paths", "",
     "", false, false,
     [](Sim& s) {
         std::vector<std::string> parts;
         build_stress(s, Mutation::none, parts);
     }},

    // One violation per rule; the peer reacts as the spec says.
    {"viol-req-old-context",
     "Violation REQ_OLD_CONTEXT: the request's MAC-I is computed with an NRPIK neither UE holds; the target "
     "discards it and the initiator's DATA goes on under the old context",
     "REQ_OLD_CONTEXT", "conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::req_old_context)); }},
    {"viol-req-old-context-unknown-id",
     "Violation REQ_OLD_CONTEXT: the request is protected under a K_NRP-sess ID neither UE holds; the target "
     "discards it and the initiator's DATA goes on under the old context",
     "REQ_OLD_CONTEXT", "conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::req_old_context, 1)); }},
    {"viol-req-contents", "Violation REQ_CONTENTS: the request carries no Nonce_1; the target ignores it",
     "REQ_CONTENTS", "conform-plain", false, false, [](Sim& s) { one(s, plain(Mutation::req_contents)); }},
    {"viol-req-contents-short-nonce",
     "Violation REQ_CONTENTS: the request carries an 8-octet Nonce_1 instead of 16; the target ignores it",
     "REQ_CONTENTS", "conform-plain", false, false, [](Sim& s) { one(s, plain(Mutation::req_contents, 1)); }},
    {"viol-reauth-forces-auth",
     "Violation REAUTH_FORCES_AUTH: the request sets Re-auth, but the target skips authentication and sends "
     "an SMC without msbs_k_nrp_id/key_est_info, keyed from the old K_NRP; the initiator rejects it with "
     "#111",
     "REAUTH_FORCES_AUTH", "conform-reauth", false, false,
     [](Sim& s) { one(s, reauth(Mutation::reauth_forces_auth)); }},
    {"viol-smc-new-context",
     "Violation SMC_NEW_CONTEXT: the SMC is protected under the OLD context (old ID, old NRPIK); the "
     "initiator rejects it with #7",
     "SMC_NEW_CONTEXT", "conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::smc_new_context)); }},
    {"viol-smc-echo-caps",
     "Violation SMC_ECHO_CAPS: the SMC's echo of the UE security capabilities lacks NEA0; the initiator "
     "rejects it with #8",
     "SMC_ECHO_CAPS", "conform-plain", false, false, [](Sim& s) { one(s, plain(Mutation::smc_echo_caps)); }},
    {"viol-algs-allowed",
     "Violation ALGS_ALLOWED: the SMC selects NEA1 (non-null, not in the initiator's capabilities) with "
     "NIA2; the initiator completes and the re-keying finishes",
     "ALGS_ALLOWED", "conform-plain", false, false, [](Sim& s) { one(s, plain(Mutation::algs_allowed)); }},
    {"viol-activation-unchanged",
     "Violation ACTIVATION_UNCHANGED: the SMC selects NEA0 while NEA2 is in force (ciphering switched off); "
     "the initiator rejects it with #10",
     "ACTIVATION_UNCHANGED", "conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::activation_unchanged)); }},
    {"viol-sess-id-conflict",
     "Violation SESS_ID_CONFLICT: request MSB and SMC LSB rebuild the K_NRP-sess ID in force; the SMC is "
     "protected under that ID with the new keys; the initiator rejects it with #9",
     "SESS_ID_CONFLICT", "conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::sess_id_conflict)); }},
    {"viol-complete-new-context",
     "Violation COMPLETE_NEW_CONTEXT: the SECURITY_MODE_COMPLETE is protected under the old context (valid "
     "old MAC-I); the target does not respond",
     "COMPLETE_NEW_CONTEXT", "conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::complete_new_context)); }},
    {"viol-response-new-context",
     "Violation RESPONSE_NEW_CONTEXT: the REKEYING_RESPONSE is protected under the old context (valid old "
     "MAC-I)",
     "RESPONSE_NEW_CONTEXT", "conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::response_new_context)); }},
    {"viol-order",
     "Violation ORDER: the target sends the REKEYING_RESPONSE without waiting for the "
     "SECURITY_MODE_COMPLETE, which never comes",
     "ORDER", "conform-plain", false, false, [](Sim& s) { one(s, plain(Mutation::order)); }},
    {"viol-reject-cause",
     "Violation REJECT_CAUSE: the SMC is sound but the initiator rejects it with #8 (no capability mismatch "
     "happened); a second re-keying then succeeds",
     "REJECT_CAUSE", "conform-reject-then-success", false, false,
     [](Sim& s) { two(s, rejected(Mutation::reject_cause), plain()); }},
    {"viol-reject-aborts",
     "Violation REJECT_ABORTS: the initiator rejects a sound SMC with #111, then the target sends DATA under "
     "the rejected new context (valid MAC-I with the new keys); a second re-keying then succeeds",
     "REJECT_ABORTS", "conform-reject-then-success", false, false,
     [](Sim& s) { two(s, rejected(Mutation::reject_aborts), plain()); }},
    {"viol-old-context-retired",
     "Violation OLD_CONTEXT_RETIRED: after a complete re-keying the initiator sends DATA under the old "
     "context (valid old MAC-I, fresh COUNT)",
     "OLD_CONTEXT_RETIRED", "conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::old_context_retired)); }},
    {"viol-replay", "Violation REPLAY: a DATA PDU is sent twice with the same COUNT, MAC-I and pdu", "REPLAY",
     "conform-plain", false, false, [](Sim& s) { one(s, plain(Mutation::replay)); }},
    {"viol-nonce-reuse",
     "Violation NONCE_REUSE: two re-keyings; the second request reuses the first one's Nonce_1",
     "NONCE_REUSE", "conform-two-rekeys", false, false,
     [](Sim& s) { two(s, plain(), plain(Mutation::nonce_reuse)); }},
    {"viol-knrp-id-update",
     "Violation KNRP_ID_UPDATE: after a re-keying with re-authentication, the next plain re-keying's SMC is "
     "keyed from the OLD (pre-re-authentication) K_NRP; the initiator rejects it with #7",
     "KNRP_ID_UPDATE", "conform-reauth-then-rekey", false, false,
     [](Sim& s) { two(s, reauth(), plain(Mutation::knrp_id_update)); }},
    {"warn-null-integrity-rekey",
     "Warning NULL_INTEGRITY_REKEY: NEA0/NIA0 in force (NIA0 in the capabilities, policy NOT_NEEDED); an "
     "otherwise conforming re-keying keeps NEA0/NIA0, every MAC-I is zero",
     "NULL_INTEGRITY_REKEY", "", true, true, [](Sim& s) { one(s, plain()); }},

    // Fooling traces: one mutation dressed up to look conforming (right IDs, MAC-Is that are valid for
    // something, plausible COUNTs); the peer reacts as the spec says. The oracle comes from the intent.
    {"fool-mac-copied",
     "Fooling COMPLETE_NEW_CONTEXT: the SECURITY_MODE_COMPLETE names the new K_NRP-sess ID and carries the "
     "MAC-I of the SMC, a valid MAC-I of the same new context but for another message (COUNT, DIRECTION and "
     "pdu differ); the target does not respond. (The copy sits in the COMPLETE, not in the SMC: before the "
     "SMC no message of the new context exists to copy from.)",
     "COMPLETE_NEW_CONTEXT", "conform-plain", false, false,
     [](Sim& s) { one(s, fooled(Fool::complete_copied_mac)); }},
    {"fool-smc-old-key-new-ctx",
     "Fooling SMC_NEW_CONTEXT: the SMC's header names the NEW K_NRP-sess ID, but its MAC-I is computed with "
     "the NRPIK of the context in force; the initiator rejects it with #7",
     "SMC_NEW_CONTEXT", "conform-plain", false, false, [](Sim& s) { one(s, fooled(Fool::smc_old_nrpik)); }},
    {"fool-smc-valid-old-mac",
     "Fooling REAUTH_FORCES_AUTH: Re-auth flag, authentication runs, the SMC carries msbs_k_nrp_id and "
     "key_est_info under the new K_NRP-sess ID, but its K_NRP-sess derives from the OLD K_NRP (Nonce_1, "
     "Nonce_2 as sent), so its MAC-I is valid under a plausible key; SMC_NEW_CONTEXT tolerates that MAC-I "
     "and leaves it to the second check of REAUTH_FORCES_AUTH; the initiator (new K_NRP) rejects it with #7",
     "REAUTH_FORCES_AUTH", "conform-reauth", false, false,
     [](Sim& s) { one(s, fooled(Fool::smc_old_knrp, reauth())); }},
    {"fool-nonce-pair-reuse",
     "Fooling NONCE_REUSE: two re-keyings; the second re-uses BOTH Nonce_1 and Nonce_2 of the first, so its "
     "K_NRP-sess equals the first one's (the K_NRP-sess freshness check is skipped when Nonce_2 repeats) "
     "under a new ID; the pair can only repeat when each UE re-uses its own nonce, so both the request and "
     "the SMC break NONCE_REUSE; every MAC-I is valid and the re-keying completes",
     "NONCE_REUSE", "conform-two-rekeys", false, false,
     [](Sim& s) { two(s, plain(), fooled(Fool::nonce_pair_reuse)); }},
    {"fool-smc-replayed",
     "Fooling by replay: in the second re-keying the target answers the fresh request with the first "
     "re-keying's SMC, unchanged (IEs, sec, MAC-I, pdu). NONCE_REUSE: its Nonce_2 was used before. "
     "SMC_NEW_CONTEXT: its header names the context now in force, not the new ID (new MSB, old LSB), and its "
     "MAC-I is not valid under the K_NRP-sess of the new Nonce_1 and the old Nonce_2. REPLAY: it is a "
     "protected message sent twice, COUNT 0 again on the same context, BEARER and DIRECTION. The initiator "
     "rejects it with #7",
     "NONCE_REUSE",
     "conform-two-rekeys",
     false,
     false,
     [](Sim& s) { two(s, plain(), fooled(Fool::smc_replayed)); },
     {"REPLAY", "SMC_NEW_CONTEXT"}},
    {"fool-echo-duplicates",
     "Fooling SMC_ECHO_CAPS: the request has nea [NEA0, NEA2], the SMC echoes [NEA2, NEA2]: as many entries, "
     "each of them requested, but NEA0 is missing from the set; the initiator rejects it with #8",
     "SMC_ECHO_CAPS", "conform-plain", false, false, [](Sim& s) { one(s, fooled(Fool::echo_duplicates)); }},
    {"fool-echo-reordered",
     "Conforming: the SMC echoes nea [NEA2, NEA0] for the requested [NEA0, NEA2]; the order is not "
     "significant, the UE security capabilities IE is a bitmap on the wire (same pdu, same MAC-I); the "
     "re-keying completes",
     "", "conform-plain", false, false, [](Sim& s) { one(s, fooled(Fool::echo_reordered)); }},
    {"fool-count-reset-old-ctx",
     "Fooling REPLAY: after a completed re-keying, the second re-keying's SMC arrives and the initiator "
     "restarts COUNT: its next DATA, still under the context made by the first re-keying (the old one of the "
     "second), carries COUNT 0 with a valid MAC-I, below the COUNT 1 it already used there on that BEARER "
     "and DIRECTION; the re-keying then completes",
     "REPLAY", "conform-two-rekeys", false, false,
     [](Sim& s) { two(s, plain(), fooled(Fool::count_reset)); }},
    {"fool-response-copied-mac",
     "Fooling RESPONSE_NEW_CONTEXT: the REKEYING_RESPONSE names the new K_NRP-sess ID but carries the MAC-I "
     "of the SECURITY_MODE_COMPLETE, valid under the new context but for another message",
     "RESPONSE_NEW_CONTEXT", "conform-plain", false, false,
     [](Sim& s) { one(s, fooled(Fool::response_copied_mac)); }},
};

} // namespace

void build_stress(Sim& sim, Mutation m, std::vector<std::string>& parts)
{
    Rng& rng = sim.rng();
    const bool seed_variant = sim.spec_id() == kSeedSpecId;
    std::uint64_t n = rng.between(1, kMaxRekeys);
    if (m == Mutation::nonce_reuse || m == Mutation::knrp_id_update) {
        n = std::max<std::uint64_t>(n, 2);
    }
    std::uint64_t k = n; // no mutation
    if (m != Mutation::none) {
        if (stops_trace(m, seed_variant)) {
            k = n - 1;
        } else if (m == Mutation::nonce_reuse || m == Mutation::knrp_id_update) {
            k = rng.between(1, n - 1);
        } else {
            k = rng.below(n);
        }
    }
    bool stopped = false;
    for (std::uint64_t i = 0; i < n && !stopped; ++i) {
        RekeyPlan p = random_plan(rng, seed_variant);
        if (m == Mutation::knrp_id_update && i == 0) {
            p.reauth = true;
            p.auth = true;
            p.reject_cause.reset();
        }
        if (i == k) {
            apply_mutation(p, m, sim.alt());
            if (seed_variant && m == Mutation::req_old_context && i > 0) {
                // After a seed re-keying the key in force is FFS (unverifiable): name a foreign context.
                p.variant = 1;
            }
        }
        const RekeyEnd end = seed_variant ? run_seed_rekey(sim, p) : run_rekey(sim, p);
        parts.push_back(describe(p, end));
        stopped = end == RekeyEnd::stopped;
    }
    if (!stopped && rng.chance(kReleasePercent)) {
        const Role from = rng.role();
        release(sim, from);
        parts.emplace_back(std::string("RELEASE by the ") + trace::to_string(from));
    }
}

const std::vector<CatalogueEntry>& normative_catalogue() { return kNormative; }

RekeyPlan random_plan(Rng& rng, bool seed_variant)
{
    RekeyPlan p;
    p.reauth = rng.chance(kReauthPercent);
    p.auth = p.reauth || (!seed_variant && rng.chance(kAuthWithoutFlagPercent));
    p.auth_rounds = p.auth ? static_cast<unsigned>(rng.between(1, 2)) : 1U;
    // The seed has neither a retransmission rule nor a Security Mode Reject.
    p.retransmit = !seed_variant && rng.chance(kRetransmitPercent);
    if (!seed_variant && rng.chance(kRejectPercent)) {
        p.reject_cause = kOtherCauses.at(rng.below(kOtherCauses.size()));
    }
    for (std::vector<Role>* point :
         {&p.data.before, &p.data.after_request, &p.data.after_smc, &p.data.after_end}) {
        const std::uint64_t count = rng.below(kMaxDataPerPoint + 1);
        for (std::uint64_t i = 0; i < count; ++i) {
            point->push_back(rng.role());
        }
    }
    return p;
}

void apply_mutation(RekeyPlan& plan, Mutation m, Rng& alt)
{
    plan.mutation = m;
    plan.variant = static_cast<unsigned>(alt.below(4));
    switch (m) {
    case Mutation::reauth_forces_auth:
        plan.reauth = true;
        plan.auth = false;
        break;
    case Mutation::knrp_id_update:
        plan.reauth = false;
        plan.auth = false;
        plan.reject_cause.reset();
        break;
    case Mutation::replay:
        if (plan.data.before.empty()) {
            plan.data.before.push_back(alt.role());
        }
        break;
    case Mutation::reject_aborts:
        if (!plan.reject_cause) {
            plan.reject_cause = kCauseProtocolError;
        }
        break;
    case Mutation::algs_allowed:
    case Mutation::complete_new_context:
    case Mutation::response_new_context:
    case Mutation::order:
    case Mutation::old_context_retired:
    case Mutation::reject_cause:
        plan.reject_cause.reset();
        break;
    case Mutation::none:
    case Mutation::req_old_context:
    case Mutation::req_contents:
    case Mutation::smc_new_context:
    case Mutation::smc_echo_caps:
    case Mutation::activation_unchanged:
    case Mutation::sess_id_conflict:
    case Mutation::nonce_reuse:
        break;
    }
}

std::string describe(const RekeyPlan& plan, RekeyEnd end)
{
    std::string s = "re-keying";
    if (plan.reauth) {
        s += " with Re-auth";
    }
    if (plan.auth) {
        s += plan.reauth ? " and authentication" : " with authentication (no flag)";
    }
    if (plan.retransmit) {
        s += ", request retransmitted";
    }
    if (plan.mutation != Mutation::none) {
        s += ", mutated: " + rule_of(plan.mutation);
    }
    switch (end) {
    case RekeyEnd::completed:
        s += ", completed";
        break;
    case RekeyEnd::rejected:
        s += ", SMC rejected";
        break;
    case RekeyEnd::stopped:
        s += ", trace ends";
        break;
    }
    return s;
}

} // namespace detail

namespace {

using detail::CatalogueEntry;
using detail::Mutation;

constexpr std::uint64_t kPickSalt = 0xD1B54A32D192ED03ULL;

const std::vector<CatalogueEntry>* catalogue_of(const std::string& spec_id)
{
    if (spec_id == kNormativeSpecId) {
        return &detail::normative_catalogue();
    }
    if (spec_id == kSeedSpecId) {
        return &detail::seed_catalogue();
    }
    return nullptr;
}

tl::unexpected<Error> unknown_spec(const std::string& spec_id)
{
    return make_error(ErrorCode::usage, "expected a spec id the generator knows (" +
                                            std::string(kNormativeSpecId) + ", " + kSeedSpecId +
                                            "), found '" + spec_id + "'");
}

trace::Expect expect_of(const std::string& rule, bool warning, const std::vector<const char*>& also = {})
{
    if (rule.empty()) {
        trace::Expect e;
        e.verdict = "conforms";
        return e;
    }
    std::vector<std::string> rules{rule};
    rules.insert(rules.end(), also.begin(), also.end());
    std::sort(rules.begin(), rules.end());
    rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
    trace::Expect e;
    e.verdict = warning ? "conforms" : "violation";
    e.rules = std::move(rules);
    return e;
}

} // namespace

Expected<std::vector<Scenario>> scenarios(const std::string& spec_id)
{
    const auto* cat = catalogue_of(spec_id);
    if (cat == nullptr) {
        return unknown_spec(spec_id);
    }
    std::vector<Scenario> out;
    out.reserve(cat->size());
    for (const CatalogueEntry& e : *cat) {
        out.push_back(Scenario{e.name, e.title, e.rule, e.counterpart, expect_of(e.rule, e.warning, e.also)});
    }
    return out;
}

std::vector<std::string> scenario_names(const std::string& spec_id)
{
    std::vector<std::string> out;
    if (const auto* cat = catalogue_of(spec_id)) {
        for (const CatalogueEntry& e : *cat) {
            out.emplace_back(e.name);
        }
    }
    return out;
}

std::vector<std::string> mutable_rules(const std::string& spec_id)
{
    std::vector<std::string> out;
    const auto* cat = catalogue_of(spec_id);
    if (cat == nullptr) {
        return out;
    }
    for (const CatalogueEntry& e : *cat) {
        const std::string rule = e.rule;
        if (!rule.empty() && std::find(out.begin(), out.end(), rule) == out.end()) {
            out.push_back(rule);
        }
    }
    return out;
}

namespace {

/// Error (usage) unless `name` is an algorithm of `family` the crypto computes, other than the null one.
Expected<void> check_real_algorithm(const protocol::AlgorithmFamily& family, const std::string& name)
{
    const auto real = [&family](std::size_t i) { return i != family.null_index && family.implemented[i]; };
    if (const auto index = protocol::index_of(family.names, name); index && real(*index)) {
        return {};
    }
    std::string list;
    for (std::size_t i = 0; i < family.names.size(); ++i) {
        if (real(i)) {
            list += (list.empty() ? "" : ", ") + std::string(family.names[i]);
        }
    }
    return make_error(ErrorCode::usage, "expected a " + std::string(family.label) + " the crypto computes (" +
                                            list + "), found '" + name + "'");
}

} // namespace

Expected<void> check_link_algorithms(const LinkAlgorithms& algs)
{
    if (auto nea = check_real_algorithm(protocol::kNea, algs.nea); !nea) {
        return nea;
    }
    return check_real_algorithm(protocol::kNia, algs.nia);
}

Expected<trace::Trace> make_trace(const std::string& spec_id, const std::string& scenario, std::uint64_t seed,
                                  const LinkAlgorithms& algs)
{
    const auto* cat = catalogue_of(spec_id);
    if (cat == nullptr) {
        return unknown_spec(spec_id);
    }
    if (auto ok = check_link_algorithms(algs); !ok) {
        return tl::make_unexpected(ok.error());
    }
    const auto it =
        std::find_if(cat->begin(), cat->end(), [&](const CatalogueEntry& e) { return scenario == e.name; });
    if (it == cat->end()) {
        std::string list;
        for (const CatalogueEntry& e : *cat) {
            list += (list.empty() ? "" : ", ") + std::string(e.name);
        }
        return make_error(ErrorCode::usage,
                          "expected a scenario of " + spec_id + " (" + list + "), found '" + scenario + "'");
    }
    detail::Sim sim(seed, detail::LinkSetup{spec_id, it->null_algorithms, algs});
    it->build(sim);
    return sim.take(std::string(it->name) + " (seed " + std::to_string(seed) + "): " + it->title,
                    expect_of(it->rule, it->warning, it->also));
}

Expected<trace::Trace> make_random_trace(const std::string& spec_id, std::uint64_t seed,
                                         const std::string& mutate_rule, const LinkAlgorithms& algs)
{
    const auto* cat = catalogue_of(spec_id);
    if (cat == nullptr) {
        return unknown_spec(spec_id);
    }
    if (auto ok = check_link_algorithms(algs); !ok) {
        return tl::make_unexpected(ok.error());
    }
    const std::vector<std::string> rules = mutable_rules(spec_id);
    std::string rule = mutate_rule == "none" ? std::string() : mutate_rule;
    if (mutate_rule.empty()) {
        detail::Rng pick(seed ^ kPickSalt);
        // Half conforming, half one of the mutations.
        const std::uint64_t r = pick.below(2 * rules.size());
        rule = r < rules.size() ? rules.at(r) : std::string();
    } else if (!rule.empty() && std::find(rules.begin(), rules.end(), rule) == rules.end()) {
        std::string list;
        for (const auto& r : rules) {
            list += (list.empty() ? "" : ", ") + r;
        }
        return make_error(ErrorCode::usage, "expected a rule to mutate for " + spec_id + " (" + list +
                                                ", or none), found '" + mutate_rule + "'");
    }
    const bool null_link = rule == "NULL_INTEGRITY_REKEY";
    const Mutation m =
        null_link || rule.empty() ? Mutation::none : detail::mutation_of(rule).value_or(Mutation::none);
    detail::Sim sim(seed, detail::LinkSetup{spec_id, null_link, algs});
    std::vector<std::string> parts;
    detail::build_stress(sim, m, parts);
    std::string title = "stress-mixed (seed " + std::to_string(seed) + "): ";
    title += rule.empty() ? "conforming"
                          : (null_link ? "NEA0/NIA0 in force (warning NULL_INTEGRITY_REKEY)"
                                       : "one mutation breaking " + rule);
    for (std::size_t i = 0; i < parts.size(); ++i) {
        title += "; " + std::to_string(i + 1) + ". " + parts[i];
    }
    return sim.take(std::move(title), expect_of(rule, null_link));
}

Expected<trace::Trace> make_ordinary_trace(const std::string& spec_id, std::uint64_t seed,
                                           const LinkAlgorithms& algs)
{
    if (catalogue_of(spec_id) == nullptr) {
        return unknown_spec(spec_id);
    }
    if (auto ok = check_link_algorithms(algs); !ok) {
        return tl::make_unexpected(ok.error());
    }
    constexpr trace::Role kI = trace::Role::initiator;
    constexpr trace::Role kT = trace::Role::target;
    detail::RekeyPlan plan;
    plan.data = detail::DataPlan{{kI}, {kT}, {}, {kI, kT}};
    detail::Sim sim(seed, detail::LinkSetup{spec_id, false, algs});
    const detail::RekeyEnd end =
        spec_id == kSeedSpecId ? detail::run_seed_rekey(sim, plan) : detail::run_rekey(sim, plan);
    PC5CHECK_ASSERT(end == detail::RekeyEnd::completed);
    return sim.take("ordinary (seed " + std::to_string(seed) + "): " + detail::describe(plan, end),
                    expect_of("", false));
}

} // namespace pc5check::gen
