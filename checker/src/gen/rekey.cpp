/// \file One re-keying of the normative procedure (spec ts33536-r17), honest on both sides except for
/// the one mutation a plan asks for; the other UE then reacts as the spec says, so only the intended
/// rule breaks.

#include "gen/sim.h"
#include "pc5check/crypto/crypto.h"

#include <algorithm>
#include <array>

namespace pc5check::gen::detail {

namespace {

using nlohmann::json;

constexpr std::size_t kNonceOctets = 16;
constexpr std::size_t kShortNonceOctets = 8;
constexpr std::size_t kMinKeyEstInfo = 8;
constexpr std::size_t kMaxKeyEstInfo = 32;
/// Security Mode Reject causes. Ref: TS 24.587 6.1.2.7.5 (quoted in TS 38.523-1 13.2.2).
constexpr std::uint8_t kCauseIntegrityFailure = 7;
constexpr std::uint8_t kCauseCapsMismatch = 8;
constexpr std::uint8_t kCauseIdConflict = 9;
constexpr std::uint8_t kCausePolicyMismatch = 10;
constexpr std::uint8_t kCauseProtocolError = 111;
/// Causes that name a failed check although none failed (REJECT_CAUSE mutation), first = catalogue's.
constexpr std::array<std::uint8_t, 4> kWrongCauses{kCauseCapsMismatch, kCauseIntegrityFailure,
                                                   kCauseIdConflict, kCausePolicyMismatch};
constexpr std::size_t kMaxLsbAttempts = 1024;

struct RuleName {
    Mutation mutation;
    const char* rule;
};

constexpr std::array<RuleName, 17> kRuleNames{{
    {Mutation::req_old_context, "REQ_OLD_CONTEXT"},
    {Mutation::req_contents, "REQ_CONTENTS"},
    {Mutation::reauth_forces_auth, "REAUTH_FORCES_AUTH"},
    {Mutation::smc_new_context, "SMC_NEW_CONTEXT"},
    {Mutation::smc_echo_caps, "SMC_ECHO_CAPS"},
    {Mutation::algs_allowed, "ALGS_ALLOWED"},
    {Mutation::activation_unchanged, "ACTIVATION_UNCHANGED"},
    {Mutation::sess_id_conflict, "SESS_ID_CONFLICT"},
    {Mutation::complete_new_context, "COMPLETE_NEW_CONTEXT"},
    {Mutation::response_new_context, "RESPONSE_NEW_CONTEXT"},
    {Mutation::order, "ORDER"},
    {Mutation::reject_cause, "REJECT_CAUSE"},
    {Mutation::reject_aborts, "REJECT_ABORTS"},
    {Mutation::old_context_retired, "OLD_CONTEXT_RETIRED"},
    {Mutation::replay, "REPLAY"},
    {Mutation::nonce_reuse, "NONCE_REUSE"},
    {Mutation::knrp_id_update, "KNRP_ID_UPDATE"},
}};

std::string hex(const Bytes& b) { return crypto::to_hex(b); }

void send_data(Sim& sim, const std::vector<Role>& senders, std::size_t ctx)
{
    for (const Role r : senders) {
        sim.send_data(r, ctx);
    }
}

/// The cause the initiator rejects the SMC with, if it does (nullopt: it completes).
std::optional<std::uint8_t> initiator_reject_cause(const RekeyPlan& plan)
{
    switch (plan.mutation) {
    case Mutation::smc_new_context:
    case Mutation::knrp_id_update:
        return kCauseIntegrityFailure;
    case Mutation::smc_echo_caps:
        return kCauseCapsMismatch;
    case Mutation::sess_id_conflict:
        return kCauseIdConflict;
    case Mutation::activation_unchanged:
        return kCausePolicyMismatch;
    case Mutation::reauth_forces_auth:
        // The spec has no dedicated cause for a missing re-authentication: "other" cause #111.
        return kCauseProtocolError;
    case Mutation::reject_aborts:
        return plan.reject_cause.value_or(kCauseProtocolError);
    case Mutation::reject_cause:
        return kWrongCauses.at(plan.variant % kWrongCauses.size());
    case Mutation::algs_allowed:
    case Mutation::complete_new_context:
    case Mutation::response_new_context:
    case Mutation::order:
    case Mutation::old_context_retired:
        return std::nullopt;
    case Mutation::none:
    case Mutation::req_old_context:
    case Mutation::req_contents:
    case Mutation::replay:
    case Mutation::nonce_reuse:
        break;
    }
    return plan.reject_cause;
}

/// The cause the honest initiator rejects a fooling SMC with (nullopt: the fool does not touch the SMC).
std::optional<std::uint8_t> fool_reject_cause(Fool f)
{
    switch (f) {
    case Fool::smc_old_nrpik:
    case Fool::smc_old_knrp:
    case Fool::smc_replayed:
        return kCauseIntegrityFailure;
    case Fool::echo_duplicates:
        return kCauseCapsMismatch;
    case Fool::none:
    case Fool::complete_copied_mac:
    case Fool::nonce_pair_reuse:
    case Fool::echo_reordered:
    case Fool::count_reset:
    case Fool::response_copied_mac:
        break;
    }
    return std::nullopt;
}

/// Index of the last SECURITY_MODE_COMMAND of the trace so far.
std::optional<std::size_t> last_smc(const Sim& sim)
{
    for (std::size_t i = sim.event_count(); i > 0; --i) {
        if (sim.event(i - 1).msg == "SECURITY_MODE_COMMAND") {
            return i - 1;
        }
    }
    return std::nullopt;
}

void fail(Sim& sim, const char* message)
{
    Error e;
    e.message = message;
    sim.fail(e);
}

} // namespace

std::string rule_of(Mutation m)
{
    for (const RuleName& r : kRuleNames) {
        if (r.mutation == m) {
            return r.rule;
        }
    }
    return {};
}

std::optional<Mutation> mutation_of(const std::string& rule)
{
    for (const RuleName& r : kRuleNames) {
        if (rule == r.rule) {
            return r.mutation;
        }
    }
    return std::nullopt;
}

bool is_terminal(Mutation m)
{
    return m == Mutation::req_old_context || m == Mutation::req_contents ||
           m == Mutation::complete_new_context || m == Mutation::order;
}

RekeyEnd run_rekey(Sim& sim, const RekeyPlan& plan)
{
    const Mutation m = plan.mutation;
    const Fool fool = plan.fool;
    Rng& rng = sim.rng();
    const std::size_t old = sim.current();
    const std::uint16_t old_id = sim.context(old).id;
    // Fool smc_replayed: the SMC of the previous re-keying, to be sent again unchanged.
    const std::optional<std::size_t> replayed = fool == Fool::smc_replayed ? last_smc(sim) : std::nullopt;
    if (fool == Fool::smc_replayed && !replayed) {
        fail(sim, "the replayed SMC needs an earlier re-keying");
    }

    // DATA under the context in force before the request; REPLAY sends the first of them twice.
    if (m == Mutation::replay && plan.data.before.empty()) {
        sim.repeat(sim.send_data(Role::initiator, old));
    }
    for (std::size_t i = 0; i < plan.data.before.size(); ++i) {
        const std::size_t e = sim.send_data(plan.data.before[i], old);
        if (m == Mutation::replay && i == 0) {
            sim.repeat(e);
        }
    }

    // 1. REKEYING_REQUEST under the context in force. Ref: TS 24.554 7.2.11.2.
    Bytes nonce_1 = rng.bytes(kNonceOctets);
    auto msb = static_cast<std::uint8_t>(rng.below(256));
    if (m == Mutation::nonce_reuse) {
        auto& history = sim.nonce_1_history();
        if (history.empty()) {
            Error e;
            e.message = "NONCE_REUSE needs an earlier re-keying";
            sim.fail(e);
        } else {
            nonce_1 = history.at(sim.alt().below(history.size()));
        }
    }
    if (m == Mutation::sess_id_conflict) {
        msb = static_cast<std::uint8_t>(old_id >> 8U);
    }
    if (fool == Fool::nonce_pair_reuse) {
        if (sim.nonce_1_history().empty() || sim.nonce_2_history().empty()) {
            fail(sim, "the reused nonce pair needs an earlier re-keying");
        } else {
            nonce_1 = sim.nonce_1_history().front();
        }
    }
    if (replayed) {
        // The replayed SMC's LSB with this MSB must not rebuild the ID in force (that would add
        // SESS_ID_CONFLICT to the oracle); an honest initiator picks another MSB 255 times in 256.
        const auto replayed_lsb = sim.event(*replayed).ie.at("lsb_k_nrp_sess_id").get<std::uint16_t>();
        while (static_cast<std::uint16_t>((msb << 8U) | replayed_lsb) == old_id) {
            msb = static_cast<std::uint8_t>(sim.alt().below(256));
        }
    }
    json req_ie{{"ue_sec_cap", sim.caps_json()}, {"nonce_1", hex(nonce_1)}, {"msb_k_nrp_sess_id", msb}};
    if (plan.reauth) {
        req_ie["reauth"] = true;
    }
    if (m == Mutation::req_contents) {
        if (plan.variant % 2 == 0) {
            req_ie.erase("nonce_1");
        } else {
            req_ie["nonce_1"] = hex(Bytes(nonce_1.begin(), nonce_1.begin() + kShortNonceOctets));
        }
    }
    SendOptions req_options;
    std::size_t req_ctx = old;
    if (m == Mutation::req_old_context) {
        if (plan.variant % 2 == 0) {
            req_options.mac_key = sim.alt().bytes(kNonceOctets); // an NRPIK neither UE holds
        } else {
            req_ctx = sim.foreign_context(); // a K_NRP-sess ID neither UE holds
        }
    }
    sim.send(Role::initiator, "REKEYING_REQUEST", req_ie, req_ctx, kBearerSlSrb2, req_options);
    if (std::find(sim.nonce_1_history().begin(), sim.nonce_1_history().end(), nonce_1) ==
        sim.nonce_1_history().end()) {
        sim.nonce_1_history().push_back(nonce_1);
    }
    if (m == Mutation::req_old_context) {
        // The target discards the request; the initiator's other traffic goes on under the old context.
        sim.send_data(Role::initiator, old);
        return RekeyEnd::stopped;
    }
    if (m == Mutation::req_contents) {
        return RekeyEnd::stopped;
    }
    if (plan.retransmit) {
        // Same IEs and Nonce_1, new COUNT and MAC-I (the target already holds the first copy).
        sim.send(Role::initiator, "REKEYING_REQUEST", req_ie, old, kBearerSlSrb2);
    }
    send_data(sim, plan.data.after_request, old);

    // 2. Direct Authentication and Key Establishment under the old context. Ref: TS 24.554 7.2.12.
    std::optional<Sim::NewKnrp> fresh;
    if (plan.auth && m != Mutation::reauth_forces_auth) {
        for (unsigned round = 0; round < std::max(plan.auth_rounds, 1U); ++round) {
            const Bytes kei_t = rng.bytes(rng.between(kMinKeyEstInfo, kMaxKeyEstInfo));
            sim.send(Role::target, "AUTH_REQUEST", json{{"key_est_info", hex(kei_t)}}, old, kBearerSlSrb2);
            const Bytes kei_i = rng.bytes(rng.between(kMinKeyEstInfo, kMaxKeyEstInfo));
            sim.send(Role::initiator, "AUTH_RESPONSE", json{{"key_est_info", hex(kei_i)}}, old,
                     kBearerSlSrb2);
        }
        fresh = sim.new_k_nrp();
    }

    // 3. SECURITY_MODE_COMMAND under the new context, not ciphered. Ref: TS 24.554 7.2.10.2;
    //    TS 38.323 5.9 NOTE 2; TS 33.536 Annex A (K_NRP-sess = KDF(K_NRP, Nonce_1, Nonce_2)).
    Bytes nonce_2 = rng.bytes(kNonceOctets);
    if (fool == Fool::nonce_pair_reuse && !sim.nonce_2_history().empty()) {
        nonce_2 = sim.nonce_2_history().front();
    }
    auto lsb = static_cast<std::uint8_t>(rng.below(256));
    for (std::size_t attempt = 0; sim.id_used(static_cast<std::uint16_t>((msb << 8U) | lsb)); ++attempt) {
        lsb = attempt < kMaxLsbAttempts ? static_cast<std::uint8_t>(rng.below(256))
                                        : static_cast<std::uint8_t>(lsb + 1);
    }
    if (m == Mutation::sess_id_conflict) {
        lsb = static_cast<std::uint8_t>(old_id & 0xFFU);
    }
    const auto new_id = static_cast<std::uint16_t>((msb << 8U) | lsb);
    sim.mark_id_used(new_id);

    std::string nea = sim.null_algorithms() ? "NEA0" : "NEA2";
    const std::string nia = sim.null_algorithms() ? "NIA0" : "NIA2";
    if (m == Mutation::algs_allowed) {
        nea = "NEA1"; // non-null like the one in force, but not in the initiator's capabilities
    }
    if (m == Mutation::activation_unchanged) {
        nea = "NEA0"; // in the capabilities, but switches ciphering off
    }
    json echo = req_ie.at("ue_sec_cap");
    if (m == Mutation::smc_echo_caps) {
        auto& list = echo.at("nea");
        list.erase(std::remove(list.begin(), list.end(), json("NEA0")), list.end());
    }
    if (fool == Fool::echo_duplicates) {
        // As many entries as requested, but the first algorithm is replaced by the last: as a set, NEA0
        // is missing. Ref: TS 24.587 6.1.2.7.5 (#8).
        auto& list = echo.at("nea");
        list.front() = list.back();
    }
    if (fool == Fool::echo_reordered) {
        // The same set in another order: the IE is a bitmap on the wire (see encode_pdu()), so the pdu
        // and the MAC-I do not change.
        auto& list = echo.at("nea");
        std::reverse(list.begin(), list.end());
    }
    Bytes k_nrp = fresh ? fresh->key : sim.k_nrp();
    if (fool == Fool::smc_old_knrp) {
        if (!fresh) {
            fail(sim, "an SMC keyed from the old K_NRP needs a re-authentication");
        }
        k_nrp = sim.k_nrp(); // the K_NRP in force, which the re-authentication was to replace
    }
    if (m == Mutation::knrp_id_update) {
        if (!sim.had_reauth()) {
            Error e;
            e.message = "KNRP_ID_UPDATE needs an earlier re-authentication";
            sim.fail(e);
        }
        k_nrp = sim.prev_k_nrp(); // the K_NRP the last re-authentication replaced
    }
    json smc_ie{{"selected_algs", json{{"nea", nea}, {"nia", nia}}},
                {"ue_sec_cap", echo},
                {"nonce_2", hex(nonce_2)},
                {"lsb_k_nrp_sess_id", lsb}};
    if (fresh) {
        smc_ie["msbs_k_nrp_id"] = fresh->id >> 16U;
        smc_ie["key_est_info"] = hex(rng.bytes(rng.between(kMinKeyEstInfo, kMaxKeyEstInfo)));
    }
    Context next;
    next.id = new_id;
    next.k_nrp_sess = sim.derive_k_nrp_sess(k_nrp, nonce_1, nonce_2);
    next.nea = nea;
    next.nia = nia;
    const std::size_t pending = sim.add_context(std::move(next));
    SendOptions smc_options;
    if (fool == Fool::smc_old_nrpik) {
        smc_options.mac_key = sim.nrpik(old); // new ID in the header, MAC-I with the NRPIK in force
    }
    std::size_t smc = 0;
    if (replayed) {
        smc = sim.event_count();
        sim.repeat(*replayed); // same IEs, sec, MAC-I and pdu: only the time differs
    } else {
        smc = sim.send(Role::target, "SECURITY_MODE_COMMAND", smc_ie,
                       m == Mutation::smc_new_context ? old : pending, kBearerSlSrb1, smc_options);
        sim.nonce_2_history().push_back(nonce_2);
    }
    bool count_reset = false;
    for (const Role r : plan.data.after_smc) {
        SendOptions data_options;
        if (fool == Fool::count_reset && r == Role::initiator && !count_reset) {
            // The initiator restarts COUNT when the SMC arrives, but keeps sending under the old context,
            // where it has used COUNT 1 already.
            if (!sim.retired() || sim.context(old).next_count[{kBearerSlDrb, kDirectionInitiator}] < 2) {
                fail(sim,
                     "the COUNT reset needs two DATA of the initiator under a context made by re-keying");
            }
            data_options.count = 0;
            count_reset = true;
        }
        sim.send_data(r, old, data_options);
    }
    if (fool == Fool::count_reset && !count_reset) {
        fail(sim, "the COUNT reset needs DATA of the initiator after the SMC");
    }

    // 4'. SECURITY_MODE_REJECT under the old context: the re-keying is aborted. Ref: TS 24.587 6.1.2.7.5.
    std::optional<std::uint8_t> cause = initiator_reject_cause(plan);
    if (const auto fool_cause = fool_reject_cause(fool)) {
        cause = fool_cause;
    }
    if (cause) {
        sim.send(Role::initiator, "SECURITY_MODE_REJECT", json{{"cause", *cause}}, old, kBearerSlSrb2);
        if (m == Mutation::reject_aborts) {
            sim.send_data(Role::target, pending); // the abandoned context is used after all
        }
        send_data(sim, plan.data.after_end, old);
        return RekeyEnd::rejected;
    }
    if (m == Mutation::order) {
        // The target finishes without waiting for the COMPLETE, which never comes.
        sim.send(Role::target, "REKEYING_RESPONSE", json::object(), pending, kBearerSlSrb2);
        return RekeyEnd::stopped;
    }

    // 4. SECURITY_MODE_COMPLETE under the new context, ciphered. Ref: TS 24.554 7.2.10.3; TS 38.331 5.8.1.
    json complete_ie = json::object();
    if (fresh) {
        complete_ie["lsbs_k_nrp_id"] = fresh->id & 0xFFFFU;
    }
    SendOptions complete_options;
    if (fool == Fool::complete_copied_mac) {
        complete_options.mac = sim.event(smc).sec.mac; // valid, same context, but for another message
    }
    const std::size_t complete =
        sim.send(Role::initiator, "SECURITY_MODE_COMPLETE", complete_ie,
                 m == Mutation::complete_new_context ? old : pending, kBearerSlSrb1, complete_options);
    if (m == Mutation::complete_new_context || fool == Fool::complete_copied_mac) {
        return RekeyEnd::stopped; // the target finds no valid COMPLETE and does not answer
    }

    // 5. REKEYING_RESPONSE under the new context; from now on the new context is in force.
    //    Ref: TS 24.554 7.2.11.3.
    SendOptions response_options;
    if (fool == Fool::response_copied_mac) {
        response_options.mac = sim.event(complete).sec.mac; // valid, same context, but for the COMPLETE
    }
    sim.send(Role::target, "REKEYING_RESPONSE", json::object(),
             m == Mutation::response_new_context ? old : pending, kBearerSlSrb2, response_options);
    if (fool == Fool::response_copied_mac) {
        // The RESPONSE fails its integrity check on SL-SRB2: sidelink radio link failure, the initiator
        // has released the link (TS 38.331 5.8.9.3), so nothing more is sent.
        return RekeyEnd::stopped;
    }
    sim.switch_to(pending);
    if (fresh) {
        sim.install_k_nrp(*fresh);
    }
    if (m == Mutation::old_context_retired) {
        sim.send_data(plan.variant % 2 == 0 ? Role::initiator : Role::target, old);
    }
    send_data(sim, plan.data.after_end, pending);
    return RekeyEnd::completed;
}

} // namespace pc5check::gen::detail
