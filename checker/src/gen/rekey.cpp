/// \file One re-keying of the normative procedure (spec ts33536-r17), honest on both sides except for
/// the one mutation a plan asks for; the other UE then reacts as the spec says, so only the intended
/// rule breaks.

#include "gen/sim.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"
#include "pc5check/protocol/protocol.h"

#include <algorithm>
#include <array>

namespace pc5check::gen::detail {

namespace {

using nlohmann::json;

// The generator keeps each half of a K_NRP-sess ID in one octet.
static_assert(protocol::kKNrpSessIdMsbsBits <= 8 && protocol::kKNrpSessIdLsbsBits <= 8);

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

void send_data(Sim& sim, const std::vector<Role>& senders, std::size_t ctx)
{
    for (const Role r : senders) {
        sim.send_data(r, ctx);
    }
}

std::size_t request_context(Sim& sim, const RekeyPlan& plan, std::size_t old, SendOptions& options)
{
    if (plan.mutation != Mutation::req_old_context) {
        return old;
    }
    if (plan.variant % 2 == 0) {
        options.mac_key = sim.alt().bytes(crypto::kAlgKeyOctets); // an NRPIK neither UE holds
        return old;
    }
    return sim.foreign_context(); // a K_NRP-sess ID neither UE holds
}

bool authenticate(Sim& sim, const RekeyPlan& plan, std::size_t old)
{
    if (!plan.auth || plan.mutation == Mutation::reauth_forces_auth) {
        return false;
    }
    Rng& rng = sim.rng();
    for (unsigned round = 0; round < std::max(plan.auth_rounds, 1U); ++round) {
        const Bytes kei_t = rng.bytes(rng.between(kMinKeyEstInfo, kMaxKeyEstInfo));
        sim.send(Role::target, "AUTH_REQUEST", json{{"key_est_info", hex(kei_t)}}, old, kBearerSlSrb2);
        const Bytes kei_i = rng.bytes(rng.between(kMinKeyEstInfo, kMaxKeyEstInfo));
        sim.send(Role::initiator, "AUTH_RESPONSE", json{{"key_est_info", hex(kei_i)}}, old, kBearerSlSrb2);
    }
    return true;
}

SelectedAlgs smc_algorithms(const Sim& sim, Mutation m)
{
    SelectedAlgs algs{sim.link_algorithm(protocol::kNea, sim.null_algorithms()),
                      sim.link_algorithm(protocol::kNia, sim.null_algorithms())};
    if (m == Mutation::algs_allowed) {
        // The first ciphering algorithm outside the initiator's capabilities (the null and the real one).
        for (const std::string_view name : protocol::kNeaNames) {
            if (name != protocol::null_algorithm(protocol::kNea) &&
                name != sim.link_algorithm(protocol::kNea, false)) {
                algs.nea = name;
                break;
            }
        }
    }
    if (m == Mutation::activation_unchanged) {
        algs.nea = protocol::null_algorithm(protocol::kNea);
    }
    return algs;
}

void drop_nea0(json& echo)
{
    auto& list = echo.at("nea");
    list.erase(std::remove(list.begin(), list.end(), json(protocol::null_algorithm(protocol::kNea))),
               list.end());
}

void send_data_before(Sim& sim, const RekeyPlan& plan, std::size_t old)
{
    if (plan.mutation == Mutation::replay && plan.data.before.empty()) {
        sim.repeat(sim.send_data(Role::initiator, old));
    }
    for (std::size_t i = 0; i < plan.data.before.size(); ++i) {
        const std::size_t e = sim.send_data(plan.data.before[i], old);
        if (plan.mutation == Mutation::replay && i == 0) {
            sim.repeat(e);
        }
    }
}

namespace {

/// One run_rekey: the plan, and what each step of the procedure hands on to the next. The steps draw
/// from the random streams in the order of the procedure, so a seed gives the same trace.
class Rekeying {
  public:
    /// `sim` and `plan` outlive the re-keying.
    Rekeying(Sim& sim, const RekeyPlan& plan)
        : sim_(sim), plan_(plan), m_(plan.mutation), fool_(plan.fool), rng_(sim.rng()), old_(sim.current()),
          old_id_(sim.context(old_).id)
    {
    }

    RekeyEnd run()
    {
        // Fool smc_replayed: the SMC of the previous re-keying, to be sent again unchanged.
        replayed_ = fool_ == Fool::smc_replayed ? last_smc(sim_) : std::nullopt;
        if (fool_ == Fool::smc_replayed && !replayed_) {
            fail(sim_, "the replayed SMC needs an earlier re-keying");
        }
        send_data_before(sim_, plan_, old_);
        if (!send_request()) {
            return RekeyEnd::stopped;
        }
        authenticate_and_establish();
        send_smc();
        send_data_after_smc();
        if (const std::optional<RekeyEnd> end = reject()) {
            return *end;
        }
        return complete();
    }

  private:
    /// 1. REKEYING_REQUEST under the context in force. Ref: TS 24.554 7.2.11.2. False: the re-keying
    /// stops there.
    [[nodiscard]] bool send_request()
    {
        choose_nonce_1_and_msb();
        req_ie_ =
            json{{"ue_sec_cap", sim_.caps_json()}, {"nonce_1", hex(nonce_1_)}, {"msb_k_nrp_sess_id", msb_}};
        if (plan_.reauth) {
            req_ie_["reauth"] = true;
        }
        if (m_ == Mutation::req_contents) {
            if (plan_.variant % 2 == 0) {
                req_ie_.erase("nonce_1");
            } else {
                req_ie_["nonce_1"] = hex(Bytes(nonce_1_.begin(), nonce_1_.begin() + kShortNonceOctets));
            }
        }
        SendOptions req_options;
        const std::size_t req_ctx = request_context(sim_, plan_, old_, req_options);
        sim_.send(Role::initiator, "REKEYING_REQUEST", req_ie_, req_ctx, kBearerSlSrb2, req_options);
        auto& history = sim_.nonce_1_history();
        if (std::find(history.begin(), history.end(), nonce_1_) == history.end()) {
            history.push_back(nonce_1_);
        }
        if (m_ == Mutation::req_old_context) {
            // The target discards the request; the initiator's other traffic goes on under the old context.
            sim_.send_data(Role::initiator, old_);
            return false;
        }
        if (m_ == Mutation::req_contents) {
            return false;
        }
        if (plan_.retransmit) {
            // Same IEs and Nonce_1, new COUNT and MAC-I (the target already holds the first copy).
            sim_.send(Role::initiator, "REKEYING_REQUEST", req_ie_, old_, kBearerSlSrb2);
        }
        send_data(sim_, plan_.data.after_request, old_);
        return true;
    }

    /// The request's Nonce_1 and MSB of the new K_NRP-sess ID, as honest or as mutated.
    void choose_nonce_1_and_msb()
    {
        nonce_1_ = rng_.bytes(crypto::kNonceOctets);
        msb_ = static_cast<std::uint8_t>(rng_.below(protocol::value_count(protocol::kKNrpSessIdMsbsBits)));
        if (m_ == Mutation::nonce_reuse) {
            const auto& history = sim_.nonce_1_history();
            if (history.empty()) {
                fail(sim_, "NONCE_REUSE needs an earlier re-keying");
            } else {
                nonce_1_ = history.at(sim_.alt().below(history.size()));
            }
        }
        if (m_ == Mutation::sess_id_conflict) {
            msb_ = static_cast<std::uint8_t>(protocol::k_nrp_sess_id_msb(old_id_));
        }
        if (fool_ == Fool::nonce_pair_reuse) {
            if (sim_.nonce_1_history().empty() || sim_.nonce_2_history().empty()) {
                fail(sim_, "the reused nonce pair needs an earlier re-keying");
            } else {
                nonce_1_ = sim_.nonce_1_history().front();
            }
        }
        if (replayed_) {
            // The replayed SMC's LSB with this MSB must not rebuild the ID in force (that would add
            // SESS_ID_CONFLICT to the oracle); an honest initiator picks another MSB 255 times in 256.
            const auto replayed_lsb =
                sim_.event(*replayed_).ie.to_json().at("lsb_k_nrp_sess_id").get<std::uint16_t>();
            while (protocol::k_nrp_sess_id_of(msb_, replayed_lsb) == old_id_) {
                msb_ = static_cast<std::uint8_t>(
                    sim_.alt().below(protocol::value_count(protocol::kKNrpSessIdMsbsBits)));
            }
        }
    }

    /// 2. Direct Authentication and Key Establishment under the old context, which establishes a new
    /// K_NRP. Ref: TS 24.554 7.2.12.
    void authenticate_and_establish()
    {
        if (authenticate(sim_, plan_, old_)) {
            fresh_ = sim_.new_k_nrp();
        }
    }

    /// 3. SECURITY_MODE_COMMAND under the new context, not ciphered. Ref: TS 24.554 7.2.10.2;
    ///    TS 38.323 5.9 NOTE 2; TS 33.536 Annex A (K_NRP-sess = KDF(K_NRP, Nonce_1, Nonce_2)).
    void send_smc()
    {
        Bytes nonce_2 = rng_.bytes(crypto::kNonceOctets);
        if (fool_ == Fool::nonce_pair_reuse && !sim_.nonce_2_history().empty()) {
            nonce_2 = sim_.nonce_2_history().front();
        }
        const std::uint8_t lsb = choose_lsb();
        const trace::KNrpSessId new_id = protocol::k_nrp_sess_id_of(msb_, lsb);
        sim_.mark_id_used(new_id);

        const auto [nea, nia] = smc_algorithms(sim_, m_);
        const json echo = echoed_caps();
        const Bytes k_nrp = smc_k_nrp();
        json smc_ie{{"selected_algs", json{{"nea", nea}, {"nia", nia}}},
                    {"ue_sec_cap", echo},
                    {"nonce_2", hex(nonce_2)},
                    {"lsb_k_nrp_sess_id", lsb}};
        if (fresh_) {
            smc_ie["msbs_k_nrp_id"] = protocol::k_nrp_id_msbs(fresh_->id);
            smc_ie["key_est_info"] = hex(rng_.bytes(rng_.between(kMinKeyEstInfo, kMaxKeyEstInfo)));
        }
        Context next;
        next.id = new_id;
        next.k_nrp_sess = sim_.derive_k_nrp_sess(k_nrp, nonce_1_, nonce_2);
        next.nea = nea;
        next.nia = nia;
        pending_ = sim_.add_context(std::move(next));
        SendOptions smc_options;
        if (fool_ == Fool::smc_old_nrpik) {
            smc_options.mac_key = sim_.nrpik(old_); // new ID in the header, MAC-I with the NRPIK in force
        }
        if (replayed_) {
            smc_ = sim_.event_count();
            sim_.repeat(*replayed_); // same IEs, sec, MAC-I and pdu: only the time differs
        } else {
            smc_ = sim_.send(Role::target, "SECURITY_MODE_COMMAND", smc_ie,
                             m_ == Mutation::smc_new_context ? old_ : pending_, kBearerSlSrb1, smc_options);
            sim_.nonce_2_history().push_back(nonce_2);
        }
    }

    /// The LSB of the new K_NRP-sess ID: one not in use with the request's MSB (SESS_ID_CONFLICT: the
    /// ID in force).
    [[nodiscard]] std::uint8_t choose_lsb()
    {
        constexpr std::uint64_t kLsbs = protocol::value_count(protocol::kKNrpSessIdLsbsBits);
        auto lsb = static_cast<std::uint8_t>(rng_.below(kLsbs));
        for (std::size_t attempt = 0; sim_.id_used(protocol::k_nrp_sess_id_of(msb_, lsb)); ++attempt) {
            lsb = attempt < kMaxLsbAttempts ? static_cast<std::uint8_t>(rng_.below(kLsbs))
                                            : static_cast<std::uint8_t>(lsb + 1);
        }
        if (m_ == Mutation::sess_id_conflict) {
            lsb = static_cast<std::uint8_t>(protocol::k_nrp_sess_id_lsb(old_id_));
        }
        return lsb;
    }

    /// The UE security capabilities the SMC echoes, as honest or as mutated.
    [[nodiscard]] json echoed_caps() const
    {
        json echo = req_ie_.at("ue_sec_cap");
        if (m_ == Mutation::smc_echo_caps) {
            drop_nea0(echo);
        }
        if (fool_ == Fool::echo_duplicates) {
            // As many entries as requested, but the first algorithm is replaced by the last: as a set, NEA0
            // is missing. Ref: TS 24.587 6.1.2.7.5 (#8).
            auto& list = echo.at("nea");
            list.front() = list.back();
        }
        if (fool_ == Fool::echo_reordered) {
            // The same set in another order: the IE is a bitmap on the wire (see encode_pdu()), so the pdu
            // and the MAC-I do not change.
            auto& list = echo.at("nea");
            std::reverse(list.begin(), list.end());
        }
        return echo;
    }

    /// The K_NRP the new K_NRP-sess is derived from.
    [[nodiscard]] Bytes smc_k_nrp()
    {
        Bytes k_nrp = fresh_ ? fresh_->key : sim_.k_nrp();
        if (fool_ == Fool::smc_old_knrp) {
            if (!fresh_) {
                fail(sim_, "an SMC keyed from the old K_NRP needs a re-authentication");
            }
            k_nrp = sim_.k_nrp(); // the K_NRP in force, which the re-authentication was to replace
        }
        if (m_ == Mutation::knrp_id_update) {
            if (!sim_.had_reauth()) {
                fail(sim_, "KNRP_ID_UPDATE needs an earlier re-authentication");
            }
            k_nrp = sim_.prev_k_nrp(); // the K_NRP the last re-authentication replaced
        }
        return k_nrp;
    }

    /// DATA between the SMC and its answer, under the old context.
    void send_data_after_smc()
    {
        bool count_reset = false;
        for (const Role r : plan_.data.after_smc) {
            SendOptions data_options;
            if (fool_ == Fool::count_reset && r == Role::initiator && !count_reset) {
                // The initiator restarts COUNT when the SMC arrives, but keeps sending under the old context,
                // where it has used COUNT 1 already.
                if (!sim_.retired() ||
                    sim_.context(old_).next_count[{kBearerSlDrb, kDirectionInitiator}] < 2) {
                    fail(sim_,
                         "the COUNT reset needs two DATA of the initiator under a context made by re-keying");
                }
                data_options.count = 0;
                count_reset = true;
            }
            sim_.send_data(r, old_, data_options);
        }
        if (fool_ == Fool::count_reset && !count_reset) {
            fail(sim_, "the COUNT reset needs DATA of the initiator after the SMC");
        }
    }

    /// 4'. SECURITY_MODE_REJECT under the old context: the re-keying is aborted. Ref: TS 24.587 6.1.2.7.5.
    /// Also ORDER's early RESPONSE. nullopt: the initiator completes.
    [[nodiscard]] std::optional<RekeyEnd> reject()
    {
        std::optional<std::uint8_t> cause = initiator_reject_cause(plan_);
        if (const auto fool_cause = fool_reject_cause(fool_)) {
            cause = fool_cause;
        }
        if (cause) {
            sim_.send(Role::initiator, "SECURITY_MODE_REJECT", json{{"cause", *cause}}, old_, kBearerSlSrb2);
            if (m_ == Mutation::reject_aborts) {
                sim_.send_data(Role::target, pending_); // the abandoned context is used after all
            }
            send_data(sim_, plan_.data.after_end, old_);
            return RekeyEnd::rejected;
        }
        if (m_ == Mutation::order) {
            // The target finishes without waiting for the COMPLETE, which never comes.
            sim_.send(Role::target, "REKEYING_RESPONSE", json::object(), pending_, kBearerSlSrb2);
            return RekeyEnd::stopped;
        }
        return std::nullopt;
    }

    /// 4. SECURITY_MODE_COMPLETE and 5. REKEYING_RESPONSE.
    [[nodiscard]] RekeyEnd complete()
    {
        // 4. SECURITY_MODE_COMPLETE under the new context, ciphered. Ref: TS 24.554 7.2.10.3;
        // TS 38.331 5.8.1.
        json complete_ie = json::object();
        if (fresh_) {
            complete_ie["lsbs_k_nrp_id"] = protocol::k_nrp_id_lsbs(fresh_->id);
        }
        SendOptions complete_options;
        if (fool_ == Fool::complete_copied_mac) {
            complete_options.mac = sim_.event(smc_).sec.mac; // valid, same context, but for another message
        }
        const std::size_t complete = sim_.send(Role::initiator, "SECURITY_MODE_COMPLETE", complete_ie,
                                               m_ == Mutation::complete_new_context ? old_ : pending_,
                                               kBearerSlSrb1, complete_options);
        if (m_ == Mutation::complete_new_context || fool_ == Fool::complete_copied_mac) {
            return RekeyEnd::stopped; // the target finds no valid COMPLETE and does not answer
        }

        // 5. REKEYING_RESPONSE under the new context; from now on the new context is in force.
        //    Ref: TS 24.554 7.2.11.3.
        SendOptions response_options;
        if (fool_ == Fool::response_copied_mac) {
            response_options.mac = sim_.event(complete).sec.mac; // valid, same context, but for the COMPLETE
        }
        sim_.send(Role::target, "REKEYING_RESPONSE", json::object(),
                  m_ == Mutation::response_new_context ? old_ : pending_, kBearerSlSrb2, response_options);
        if (fool_ == Fool::response_copied_mac) {
            // The RESPONSE fails its integrity check on SL-SRB2: sidelink radio link failure, the initiator
            // has released the link (TS 38.331 5.8.9.3), so nothing more is sent.
            return RekeyEnd::stopped;
        }
        sim_.switch_to(pending_);
        if (fresh_) {
            sim_.install_k_nrp(*fresh_);
        }
        if (m_ == Mutation::old_context_retired) {
            sim_.send_data(plan_.variant % 2 == 0 ? Role::initiator : Role::target, old_);
        }
        send_data(sim_, plan_.data.after_end, pending_);
        return RekeyEnd::completed;
    }

    Sim& sim_;
    const RekeyPlan& plan_;
    Mutation m_;
    Fool fool_;
    Rng& rng_;
    std::size_t old_;                     ///< the context in force before the re-keying
    trace::KNrpSessId old_id_;            ///< its ID
    std::optional<std::size_t> replayed_; ///< Fool smc_replayed: the SMC sent again
    Bytes nonce_1_;
    std::uint8_t msb_ = 0;              ///< of the new K_NRP-sess ID
    json req_ie_;                       ///< the request's IEs
    std::optional<Sim::NewKnrp> fresh_; ///< the K_NRP of a re-authentication
    std::size_t pending_ = 0;           ///< the new context, once the SMC is sent
    std::size_t smc_ = 0;               ///< the SMC's event
};

} // namespace

RekeyEnd run_rekey(Sim& sim, const RekeyPlan& plan) { return Rekeying(sim, plan).run(); }

} // namespace pc5check::gen::detail
