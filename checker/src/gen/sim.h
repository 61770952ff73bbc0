#pragma once
/// \file Private to the generator: a deterministic random source, the two-UE link simulator that
/// emits protected events with real MAC-Is, and the re-keying flows with their mutation hooks.

#include "pc5check/checker/gen.h"
#include "pc5check/common/error.h"
#include "pc5check/protocol/protocol.h"
#include "pc5check/trace/trace.h"

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace pc5check::gen::detail {

using Bytes = trace::Bytes;
using trace::Role;

/// Deterministic random source: `std::mt19937_64` (fully specified by the standard) with our own
/// range reduction, so a seed gives the same values with every standard library.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}

    /// Uniform in [0, n); n > 0.
    [[nodiscard]] std::uint64_t below(std::uint64_t n);
    /// Uniform in [lo, hi].
    [[nodiscard]] std::uint64_t between(std::uint64_t lo, std::uint64_t hi);
    /// True with probability percent/100.
    [[nodiscard]] bool chance(unsigned percent);
    /// n random octets.
    [[nodiscard]] Bytes bytes(std::size_t n);
    /// A random role.
    [[nodiscard]] Role role();

  private:
    std::mt19937_64 engine_;
};

/// A K_NRP-sess context as both UEs hold it.
struct Context {
    trace::KNrpSessId id = 0;
    Bytes k_nrp_sess; ///< 32 octets
    std::string nea = "NEA2";
    std::string nia = "NIA2";
    Bytes nrpik; ///< derived on first use
    /// Next COUNT per (BEARER, DIRECTION).
    std::map<std::pair<std::uint8_t, std::uint8_t>, std::uint32_t> next_count;
};

/// How the link stands before the first event.
struct LinkSetup {
    std::string spec_id = kNormativeSpecId;
    bool null_algorithms = false; ///< NEA0/NIA0 in force (and NIA0 in the capabilities)
    LinkAlgorithms algorithms;    ///< the real pair, when null_algorithms is false
};

/// Per-event protection choices that deviate from the honest default.
struct SendOptions {
    std::optional<Bytes> mac_key; ///< MAC-I with this NRPIK instead of the context's
    /// This MAC-I as it is (copied from another event) instead of computing one.
    std::optional<protocol::MacI> mac;
    /// This COUNT instead of the next one; the context's counter does not advance.
    std::optional<std::uint32_t> count;
};

/// Both UEs of one link plus the trace being written. Holds the state the honest UEs agree on.
class Sim {
  public:
    /// Draws the link (IDs, keys, initial COUNTs) from `seed`; `alt` values come from a second stream.
    Sim(std::uint64_t seed, LinkSetup setup);

    /// Main random stream: every value an honest flow needs, drawn in flow order.
    [[nodiscard]] Rng& rng() { return rng_; }
    /// Second stream for values only a mutation needs, so the main stream stays aligned with the
    /// conforming counterpart.
    [[nodiscard]] Rng& alt() { return alt_; }

    /// Index of the context in force.
    [[nodiscard]] std::size_t current() const { return current_; }
    [[nodiscard]] Context& context(std::size_t index) { return contexts_.at(index); }
    /// NRPIK of a context (derived on first use).
    [[nodiscard]] const Bytes& nrpik(std::size_t index) { return nrpik_of(contexts_.at(index)); }
    /// Adds a context (new ones start every COUNT at 0) and returns its index.
    [[nodiscard]] std::size_t add_context(Context c);
    /// Adds a context neither UE holds (random unused ID and key from the alt() stream, algorithms of
    /// the context in force) and returns its index.
    [[nodiscard]] std::size_t foreign_context();
    /// Makes a context the one in force; the previous one is remembered as retired.
    void switch_to(std::size_t index);
    /// The context retired by the last completed re-keying (none before the first).
    [[nodiscard]] std::optional<std::size_t> retired() const { return retired_; }

    /// Appends one protected event under context `ctx` and returns its index.
    std::size_t send(Role from, const std::string& msg, nlohmann::json ie, std::size_t ctx,
                     std::uint8_t bearer, const SendOptions& options = {});
    /// Appends a DATA event with a random payload under context `ctx`.
    std::size_t send_data(Role from, std::size_t ctx, const SendOptions& options = {});
    /// Appends an exact copy of event `index` (same sec and pdu), later in time.
    void repeat(std::size_t index);

    /// The K_NRP in force and its ID; the one replaced by the last re-authentication.
    [[nodiscard]] const Bytes& k_nrp() const { return k_nrp_; }
    [[nodiscard]] const Bytes& prev_k_nrp() const { return prev_k_nrp_; }
    [[nodiscard]] bool had_reauth() const { return had_reauth_; }
    /// Draws a new K_NRP with an ID whose 16 MSBs no logged key has, logs it and returns it.
    struct NewKnrp {
        trace::KNrpId id = 0;
        Bytes key;
    };
    [[nodiscard]] NewKnrp new_k_nrp();
    /// Puts a K_NRP in force after a completed re-keying with re-authentication.
    void install_k_nrp(const NewKnrp& k);

    /// UE security capabilities of the initiator as JSON ({"nea": [...], "nia": [...]}).
    [[nodiscard]] nlohmann::json caps_json() const;
    [[nodiscard]] bool null_algorithms() const { return setup_.null_algorithms; }
    /// The link's ciphering (`family` kNea) or integrity algorithm: the null one on a null link, else
    /// the real one of the setup.
    [[nodiscard]] std::string link_algorithm(const protocol::AlgorithmFamily& family, bool null) const;
    [[nodiscard]] const std::string& spec_id() const { return setup_.spec_id; }

    /// Every K_NRP-sess ID used so far on the link (a new one must differ from all of them).
    [[nodiscard]] bool id_used(trace::KNrpSessId id) const { return used_ids_.contains(id); }
    void mark_id_used(trace::KNrpSessId id) { used_ids_.insert(id); }
    /// Nonce_1 values sent so far (first sending only).
    [[nodiscard]] std::vector<Bytes>& nonce_1_history() { return nonce_1_history_; }
    [[nodiscard]] std::vector<Bytes>& nonce_2_history() { return nonce_2_history_; }

    /// Derivations; a failure is recorded and reported by take().
    [[nodiscard]] Bytes derive_k_nrp_sess(const Bytes& k_nrp, const Bytes& nonce_1, const Bytes& nonce_2);
    /// Records a failure (the first one wins).
    void fail(const Error& e);

    [[nodiscard]] std::size_t event_count() const { return trace_.events.size(); }
    [[nodiscard]] const trace::Event& event(std::size_t i) const { return trace_.events.at(i); }

    /// Finishes the trace with its title and oracle; the first recorded failure, if any.
    [[nodiscard]] Expected<trace::Trace> take(std::string title, trace::Expect expect);

  private:
    [[nodiscard]] const Bytes& nrpik_of(Context& c);
    [[nodiscard]] protocol::MacI mac(const std::string& nia, const Bytes& key, std::uint32_t count,
                                     std::uint8_t bearer, std::uint8_t direction, const Bytes& pdu);
    void advance_clock();

    LinkSetup setup_;
    Rng rng_;
    Rng alt_;
    trace::Trace trace_;
    std::deque<Context> contexts_;
    std::size_t current_ = 0;
    std::optional<std::size_t> retired_;
    Bytes k_nrp_;
    Bytes prev_k_nrp_;
    bool had_reauth_ = false;
    std::set<trace::KNrpSessId> used_ids_;
    std::vector<Bytes> nonce_1_history_;
    std::vector<Bytes> nonce_2_history_;
    std::uint64_t clock_ms_ = 0;
    std::optional<Error> error_;
};

/// The one thing a re-keying gets wrong (rules of docs/rules.md that a single re-keying breaks).
enum class Mutation : std::uint8_t {
    none,
    req_old_context,
    req_contents,
    reauth_forces_auth,
    smc_new_context,
    smc_echo_caps,
    algs_allowed,
    activation_unchanged,
    sess_id_conflict,
    complete_new_context,
    response_new_context,
    order,
    reject_cause,
    reject_aborts,
    old_context_retired,
    replay,
    nonce_reuse,
    knrp_id_update,
};

/// Rule ID of a mutation ("" for none) and back (nullopt when the name is no mutation).
[[nodiscard]] std::string rule_of(Mutation m);
[[nodiscard]] std::optional<Mutation> mutation_of(const std::string& rule);
/// Mutations after which the trace must end (the UEs no longer agree on what comes next).
[[nodiscard]] bool is_terminal(Mutation m);
/// Same, per spec variant (in the seed an initiator whose checks fail just stops: it has no reject).
[[nodiscard]] bool stops_trace(Mutation m, bool seed_variant);

/// A fooling mutation of one re-keying: crafted so that a violating behaviour looks conforming (same
/// IDs, valid-looking MAC-Is, plausible COUNTs), for the fool-* scenarios of the catalogue. Kept apart
/// from Mutation so that random traces (and the corpus files made from them) do not change.
enum class Fool : std::uint8_t {
    none,
    complete_copied_mac, ///< the COMPLETE carries the MAC-I of the SMC (same new context)
    smc_old_nrpik,       ///< the SMC names the new K_NRP-sess ID, MAC-I with the NRPIK in force
    smc_old_knrp,        ///< re-auth: the SMC carries msbs_k_nrp_id, K_NRP-sess from the OLD K_NRP
    nonce_pair_reuse,    ///< Nonce_1 and Nonce_2 of the first re-keying again (same K_NRP-sess)
    smc_replayed,        ///< the target sends the previous re-keying's SMC again, unchanged
    echo_duplicates,     ///< echo nea [NEA2, NEA2] for [NEA0, NEA2]: same length, NEA0 missing
    echo_reordered,      ///< echo nea [NEA2, NEA0] for [NEA0, NEA2]: conforming (a set)
    count_reset,         ///< the initiator's DATA after the SMC, still under the old context, at COUNT 0
    response_copied_mac, ///< the REKEYING_RESPONSE carries the MAC-I of the COMPLETE
};

/// Where DATA is sent within one re-keying, and by whom.
struct DataPlan {
    std::vector<Role> before;        ///< before the request, old context
    std::vector<Role> after_request; ///< after the request (and its retransmission), old context
    std::vector<Role> after_smc;     ///< between SMC and COMPLETE/REJECT, old context
    std::vector<Role> after_end;     ///< after RESPONSE (new context) or REJECT (old context)
};

/// One re-keying: honest path choices plus at most one mutation.
struct RekeyPlan {
    bool reauth = false; ///< Re-auth flag in the request
    bool auth = false;   ///< the target runs authentication (always when reauth, unless mutated)
    unsigned auth_rounds = 1;
    bool retransmit = false;                  ///< the initiator resends the identical request once
    std::optional<std::uint8_t> reject_cause; ///< the initiator rejects a sound SMC with this cause
    Mutation mutation = Mutation::none;
    unsigned variant = 0;   ///< which form of the mutation (0 = the catalogue's first)
    Fool fool = Fool::none; ///< normative variant only; never together with a mutation
    DataPlan data;
};

/// How a re-keying ended.
enum class RekeyEnd : std::uint8_t { completed, rejected, stopped };

/// DATA of `senders`, in order, under context `ctx`.
void send_data(Sim& sim, const std::vector<Role>& senders, std::size_t ctx);
/// The plan's DATA before the request, under context `old`; REPLAY sends the first of them twice.
void send_data_before(Sim& sim, const RekeyPlan& plan, std::size_t old);

// Steps both variants' re-keyings take alike (the normative one and the seed's).

/// The context a REKEYING_REQUEST is sent under: `old`, or with REQ_OLD_CONTEXT a MAC-I with an NRPIK
/// neither UE holds (even variant: set in `options`, drawn from the alt() stream) or a context ID neither
/// UE holds (odd variant: the context returned).
[[nodiscard]] std::size_t request_context(Sim& sim, const RekeyPlan& plan, std::size_t old,
                                          SendOptions& options);
/// Direct Authentication and Key Establishment under context `old` (AUTH_REQUEST and AUTH_RESPONSE with
/// random key_est_info, once per round of the plan), unless the plan does not authenticate or
/// REAUTH_FORCES_AUTH skips it. Returns whether it ran. Ref: TS 24.554 7.2.12.
bool authenticate(Sim& sim, const RekeyPlan& plan, std::size_t old);
/// The algorithms an SMC selects: NEA2/NIA2 (NEA0/NIA0 on a null-algorithm link), or with ALGS_ALLOWED
/// NEA1 (non-null like the one in force, but not in the initiator's capabilities), with
/// ACTIVATION_UNCHANGED NEA0 (in the capabilities, but switches ciphering off).
struct SelectedAlgs {
    std::string nea;
    std::string nia;
};
[[nodiscard]] SelectedAlgs smc_algorithms(const Sim& sim, Mutation m);
/// Removes NEA0 from the "nea" list of a capability echo (SMC_ECHO_CAPS).
void drop_nea0(nlohmann::json& echo);

/// Runs one re-keying of the normative procedure (ts33536-r17) with the initiator/target conventions
/// of gen.h. Ref: TS 24.554 7.2.11, 7.2.10, 7.2.12; TS 33.536 Annex A.
RekeyEnd run_rekey(Sim& sim, const RekeyPlan& plan);

/// Runs one re-keying of the seed solution (tr33847-sol, TR 33.847 6.7): no nonces or ID halves, a
/// random new context ID and a random (unlogged) new K_NRP-sess, REKEYING_ACCEPT instead of RESPONSE.
RekeyEnd run_seed_rekey(Sim& sim, const RekeyPlan& plan);

/// One scenario of a catalogue with the function that writes its events.
struct CatalogueEntry {
    const char* name;
    const char* title;
    const char* rule;        ///< "" = conforming
    const char* counterpart; ///< "" = none
    bool warning = false;    ///< the rule is a warning: the verdict stays "conforms"
    bool null_algorithms = false;
    void (*build)(Sim&) = nullptr;
    /// Rules the oracle names besides `rule`, when one mutation must break several (fool-* only).
    std::vector<const char*> also{};
};

/// The catalogue of the normative variant and of the seed variant.
[[nodiscard]] const std::vector<CatalogueEntry>& normative_catalogue();
[[nodiscard]] const std::vector<CatalogueEntry>& seed_catalogue();

/// A random plan for one honest re-keying (re-auth, retransmission, reject, DATA points).
[[nodiscard]] RekeyPlan random_plan(Rng& rng, bool seed_variant);
/// Sets `plan` up so that it carries mutation `m` (mutation-only choices come from `alt`).
void apply_mutation(RekeyPlan& plan, Mutation m, Rng& alt);
/// Writes a random multi-re-keying trace ("stress-mixed") carrying mutation `m` at a random re-keying
/// (none: conforming); `parts` receives one description per re-keying.
void build_stress(Sim& sim, Mutation m, std::vector<std::string>& parts);
/// Short description of a plan and how it ended, for trace titles.
[[nodiscard]] std::string describe(const RekeyPlan& plan, RekeyEnd end);

} // namespace pc5check::gen::detail
