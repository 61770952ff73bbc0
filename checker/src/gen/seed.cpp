/// \file One re-keying of the seed solution (spec tr33847-sol, TR 33.847 6.7) and its scenario catalogue.
/// The seed has no nonces, no ID halves and no Security Mode Reject: the new context's ID is the SMC's
/// PDCP header field (random, never used before), its K_NRP-sess is random and not logged (derivation
/// FFS), and an initiator whose checks fail simply does not complete (the trace ends).

#include "gen/sim.h"
#include "pc5check/protocol/protocol.h"

#include <algorithm>

namespace pc5check::gen::detail {

namespace {

using nlohmann::json;

constexpr Role kI = Role::initiator;
constexpr Role kT = Role::target;
constexpr std::size_t kKeyOctets = 32;

/// Mutations after which the honest initiator does not complete (seed: no reject message).
bool initiator_stops(Mutation m)
{
    return m == Mutation::reauth_forces_auth || m == Mutation::smc_new_context ||
           m == Mutation::smc_echo_caps || m == Mutation::activation_unchanged;
}

RekeyPlan plain(Mutation m = Mutation::none)
{
    RekeyPlan p;
    p.data = DataPlan{{kI, kT}, {kT}, {kI}, {kI, kT}};
    p.mutation = m;
    return p;
}

RekeyPlan reauth(Mutation m = Mutation::none)
{
    RekeyPlan p = plain(m);
    p.reauth = true;
    p.auth = true;
    return p;
}

void one(Sim& sim, const RekeyPlan& p) { run_seed_rekey(sim, p); }

const std::vector<CatalogueEntry> kSeed{
    {"seed-conform-plain",
     "Conforming (seed): Direct Rekeying Request, SMC under a new random context, Complete, Rekeying Accept, "
     "with DATA before, during and after",
     "", "", false, false, [](Sim& s) { one(s, plain()); }},
    {"seed-conform-reauth", "Conforming (seed): Re-auth flag set; authentication runs before the SMC", "", "",
     false, false, [](Sim& s) { one(s, reauth()); }},
    {"seed-conform-two-rekeys", "Conforming (seed): two re-keyings in a row", "", "", false, false,
     [](Sim& s) {
         one(s, plain());
         one(s, plain());
     }},
    {"seed-conform-release", "Conforming (seed): one re-keying, then the initiator releases the link", "", "",
     false, false,
     [](Sim& s) {
         one(s, plain());
         s.send(kI, "RELEASE", json::object(), s.current(), kBearerSlSrb2);
     }},
    {"seed-stress-mixed", "Conforming (seed): 1..5 re-keyings with random DATA and re-authentication", "", "",
     false, false,
     [](Sim& s) {
         std::vector<std::string> parts;
         build_stress(s, Mutation::none, parts);
     }},
    {"seed-viol-req-old-context",
     "Violation REQ_OLD_CONTEXT (seed): the request's MAC-I uses an NRPIK neither UE holds; the target "
     "discards it",
     "REQ_OLD_CONTEXT", "seed-conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::req_old_context)); }},
    {"seed-viol-req-contents",
     "Violation REQ_CONTENTS (seed): the request carries no UE security capabilities", "REQ_CONTENTS",
     "seed-conform-plain", false, false, [](Sim& s) { one(s, plain(Mutation::req_contents)); }},
    {"seed-viol-reauth-forces-auth",
     "Violation REAUTH_FORCES_AUTH (seed): Re-auth flag set but the target sends the SMC without "
     "authenticating; the initiator does not complete",
     "REAUTH_FORCES_AUTH", "seed-conform-reauth", false, false,
     [](Sim& s) { one(s, reauth(Mutation::reauth_forces_auth)); }},
    {"seed-viol-smc-new-context",
     "Violation SMC_NEW_CONTEXT (seed): the SMC is protected under the context in force; the initiator does "
     "not complete",
     "SMC_NEW_CONTEXT", "seed-conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::smc_new_context)); }},
    {"seed-viol-smc-echo-caps",
     "Violation SMC_ECHO_CAPS (seed): the SMC's capability echo lacks NEA0; the initiator does not complete",
     "SMC_ECHO_CAPS", "seed-conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::smc_echo_caps)); }},
    {"seed-viol-algs-allowed",
     "Violation ALGS_ALLOWED (seed): Chosen_algs has NEA1, not in the capabilities; the re-keying completes",
     "ALGS_ALLOWED", "seed-conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::algs_allowed)); }},
    {"seed-viol-activation-unchanged",
     "Violation ACTIVATION_UNCHANGED (seed): Chosen_algs has NEA0 while NEA2 is in force; the initiator does "
     "not complete",
     "ACTIVATION_UNCHANGED", "seed-conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::activation_unchanged)); }},
    {"seed-viol-complete-new-context",
     "Violation COMPLETE_NEW_CONTEXT (seed): the Complete is protected under the old context; no Accept "
     "follows",
     "COMPLETE_NEW_CONTEXT", "seed-conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::complete_new_context)); }},
    {"seed-viol-response-new-context",
     "Violation RESPONSE_NEW_CONTEXT (seed): the Rekeying Accept is protected under the old context",
     "RESPONSE_NEW_CONTEXT", "seed-conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::response_new_context)); }},
    {"seed-viol-order",
     "Violation ORDER (seed): the target sends the Rekeying Accept without waiting for the Complete", "ORDER",
     "seed-conform-plain", false, false, [](Sim& s) { one(s, plain(Mutation::order)); }},
    {"seed-viol-old-context-retired",
     "Violation OLD_CONTEXT_RETIRED (seed): after the Accept the initiator sends DATA under the old context",
     "OLD_CONTEXT_RETIRED", "seed-conform-plain", false, false,
     [](Sim& s) { one(s, plain(Mutation::old_context_retired)); }},
    {"seed-viol-replay",
     "Violation REPLAY (seed): a DATA PDU is sent twice with the same COUNT, MAC-I and pdu", "REPLAY",
     "seed-conform-plain", false, false, [](Sim& s) { one(s, plain(Mutation::replay)); }},
};

} // namespace

const std::vector<CatalogueEntry>& seed_catalogue() { return kSeed; }

namespace {

/// Direct Rekeying Request under the context in force. False: the re-keying stops there.
bool send_seed_request(Sim& sim, const RekeyPlan& plan, std::size_t old)
{
    const Mutation m = plan.mutation;
    json req_ie{{"ue_sec_cap", sim.caps_json()}};
    if (plan.reauth) {
        req_ie["reauth"] = true;
    }
    if (m == Mutation::req_contents) {
        req_ie.erase("ue_sec_cap");
    }
    SendOptions req_options;
    const std::size_t req_ctx = request_context(sim, plan, old, req_options);
    sim.send(kI, "REKEYING_REQUEST", req_ie, req_ctx, kBearerSlSrb2, req_options);
    if (m == Mutation::req_old_context) {
        sim.send_data(kI, old);
        return false;
    }
    if (m == Mutation::req_contents) {
        return false;
    }
    send_data(sim, plan.data.after_request, old);
    return true;
}

/// Direct Security Mode Command under the new context: random ID, random key (derivation FFS).
/// Returns the new context.
std::size_t send_seed_smc(Sim& sim, const RekeyPlan& plan, std::size_t old)
{
    const Mutation m = plan.mutation;
    Rng& rng = sim.rng();
    auto new_id = static_cast<trace::KNrpSessId>(rng.below(protocol::value_count(protocol::kKNrpSessIdBits)));
    while (sim.id_used(new_id)) {
        new_id = static_cast<trace::KNrpSessId>(rng.below(protocol::value_count(protocol::kKNrpSessIdBits)));
    }
    sim.mark_id_used(new_id);
    const auto [nea, nia] = smc_algorithms(sim, m);
    json echo = sim.caps_json();
    if (m == Mutation::smc_echo_caps) {
        drop_nea0(echo);
    }
    Context next;
    next.id = new_id;
    next.k_nrp_sess = rng.bytes(kKeyOctets);
    next.nea = nea;
    next.nia = nia;
    const std::size_t pending = sim.add_context(std::move(next));
    sim.send(kT, "SECURITY_MODE_COMMAND",
             json{{"selected_algs", json{{"nea", nea}, {"nia", nia}}}, {"ue_sec_cap", echo}},
             m == Mutation::smc_new_context ? old : pending, kBearerSlSrb1);
    return pending;
}

/// Complete and Rekeying Accept; from then on the new context `pending` is in force.
RekeyEnd complete_seed_rekey(Sim& sim, const RekeyPlan& plan, std::size_t old, std::size_t pending)
{
    const Mutation m = plan.mutation;
    sim.send(kI, "SECURITY_MODE_COMPLETE", json::object(),
             m == Mutation::complete_new_context ? old : pending, kBearerSlSrb1);
    if (m == Mutation::complete_new_context) {
        return RekeyEnd::stopped;
    }
    sim.send(kT, "REKEYING_ACCEPT", json::object(), m == Mutation::response_new_context ? old : pending,
             kBearerSlSrb2);
    sim.switch_to(pending);
    if (m == Mutation::old_context_retired) {
        sim.send_data(plan.variant % 2 == 0 ? kI : kT, old);
    }
    send_data(sim, plan.data.after_end, pending);
    return RekeyEnd::completed;
}

} // namespace

RekeyEnd run_seed_rekey(Sim& sim, const RekeyPlan& plan)
{
    const Mutation m = plan.mutation;
    const std::size_t old = sim.current();
    send_data_before(sim, plan, old);
    if (!send_seed_request(sim, plan, old)) {
        return RekeyEnd::stopped;
    }
    // Direct Authentication and Key Establishment (mandatory with the Re-auth flag); the seed logs no
    // new K_NRP.
    authenticate(sim, plan, old);
    const std::size_t pending = send_seed_smc(sim, plan, old);
    send_data(sim, plan.data.after_smc, old);
    if (initiator_stops(m)) {
        return RekeyEnd::stopped;
    }
    if (m == Mutation::order) {
        sim.send(kT, "REKEYING_ACCEPT", json::object(), pending, kBearerSlSrb2);
        return RekeyEnd::stopped;
    }
    return complete_seed_rekey(sim, plan, old, pending);
}

bool stops_trace(Mutation m, bool seed_variant)
{
    return is_terminal(m) || (seed_variant && initiator_stops(m));
}

} // namespace pc5check::gen::detail
