#pragma once
/// \file The closed system of two honest UEs and an attacker (system.cpp, witness.cpp), for `prove`,
/// `query`, `diff` and lint: every message a step of the one encoding (encoding.h) with all its fields
/// open, sent by a UE or injected, delivered or dropped; the rule checks blaming an honest UE are
/// asserted; a model of the first `steps` steps becomes a witness trace with real crypto.

#include "pc5check/checker/system.h"
#include "smt/encoding.h"
#include "smt/solver_limits.h"

#include <map>
#include <unordered_set>

namespace pc5check::smt::detail {

class SystemModel final : public Encoding {
  public:
    /// `ctx` outlives the model; `header` gives the spec id and the observer of witnesses.
    SystemModel(const spec::Spec& spec, const trace::Trace& header, const SymbolicOptions& options,
                z3::context& ctx, Purpose purpose = Purpose::system);

    /// Starts the system: initial state reachable (from an open link, as after link establishment)
    /// or `arbitrary` (every variable open, for the induction step).
    void system_begin(const Attacker& attacker, bool arbitrary);
    /// Adds one message of the system (sent or injected, delivered or dropped).
    void system_step();
    /// `formula` over the state after step `k` (0: the initial state) and the message of step `k`.
    [[nodiscard]] z3::expr system_formula(const expr::Node& formula, std::size_t k);
    /// Whether `formula` reads the message of a step (so it says nothing about the initial state).
    [[nodiscard]] static bool reads_message(const expr::Node& formula);
    /// The first `steps` steps of a model as a report and a trace with real crypto (witness.cpp).
    [[nodiscard]] Witness system_witness(const z3::model& model, std::size_t steps);
    /// A step case's counterexample to induction in `model` (witness.cpp): state `k`, the message of
    /// step k+1 and what it changed (`assumed` is the caller's to fill).
    [[nodiscard]] InductionFailure system_cti(const z3::model& model, std::size_t k);
    /// diff: this model adds its constraints to `other`'s solver and names its constants with
    /// `prefix`, so that two specs run side by side on the same messages; its rule checks are
    /// collected (collected_checks) instead of asserted.
    void join(const z3::solver& other, const std::string& prefix);
    /// Rule checks of the steps so far (join mode): each must hold for the run to conform.
    [[nodiscard]] const std::vector<z3::expr>& collected_checks() const { return collected_; }
    /// The rule of each collected check (same order): diff --rule keeps only that rule's.
    [[nodiscard]] const std::vector<std::string>& collected_rules() const { return collected_rules_; }
    /// Field `name` of the message of step `k` (msg, from, sec.*, pdu, ie.*), or an init.* value
    /// (`k` ignored), as (present, value); nullopt when this spec has no such name.
    [[nodiscard]] std::optional<std::pair<z3::expr, z3::expr>> system_term(const std::string& name,
                                                                           std::size_t k);
    /// Names of the message fields of step `k` (none before the first step) and of the init.* values.
    [[nodiscard]] std::vector<std::string> system_names(std::size_t k) const;
    /// spec lint (Purpose::lint): `formula` in the same encoding as everything else, over an arbitrary
    /// state, arbitrary parameter values and an arbitrary message (every value open within its type's
    /// range, any IE present or absent, whichever messages carry it under the loaded parameters): an
    /// over-approximation of what can happen, so "can never be true" is never a false alarm of the
    /// environment. Side conditions go to solver(); the first call sets the environment up.
    [[nodiscard]] z3::expr lint_formula(const expr::Node& formula);
    /// The state after step `k` (0: the initial state), one term per state variable (prove --engine
    /// spacer: the arguments of the Horn encoding's relation).
    [[nodiscard]] std::map<std::string, Term> system_state(std::size_t k);
    /// The init.* values (as terms), by name.
    [[nodiscard]] std::map<std::string, Term> system_init();
    /// What an attacker who injects may have seen before an arbitrary state (system_start()).
    enum class Past : std::uint8_t {
        /// An open set of MAC-Is seen on the air (system_open_past(): the constant system_start()
        /// returns), any of which may be replayed or reused: Spacer's relation argument, the longer step
        /// cases.
        open_air,
        /// Per step, one message an honest UE sent before the arbitrary state (system_past_count(),
        /// system_past_formula()), which the attacker may replay or whose MAC-I it may reuse. Every MAC-I
        /// on the air is one an honest UE computed or one the attacker can compute itself (perfect
        /// crypto), so that is the whole of what it may have seen. The caller asserts at each sender's
        /// states what it assumes at the arbitrary state: they come before it in the run (strong
        /// induction), so a proof stays sound. The 1-induction step case and the presence invariant.
        honest,
    };
    /// system_begin() as `options` ask, of an arbitrary state (`arbitrary`: the induction's step case,
    /// Spacer's relation) or of the initial one. From an arbitrary state with an attacker who injects,
    /// the past the attacker may have made is left open as `past` says (Past::open_air: the air, named
    /// `air_name`, is returned), and only options.absent_capable may be absent there when it is known.
    /// Without the open past the step would consider fewer runs than the system has, and a proof would
    /// not be sound.
    std::optional<z3::expr> system_start(const SystemOptions& options, bool arbitrary, Past past,
                                         const std::string& air_name);
    /// The honest messages sent before the arbitrary state so far: one per step (none without
    /// Past::honest).
    [[nodiscard]] std::size_t system_past_count() const { return past_.size(); }
    /// `formula` over the sender's state before (`after` false) or after the honest message `j` of the
    /// past (after: with that message as the step's message).
    [[nodiscard]] z3::expr system_past_formula(const expr::Node& formula, std::size_t j, bool after);
    /// Whether the attacker injected the message of step `k` (1: the first message).
    [[nodiscard]] z3::expr system_injected(std::size_t k) const { return system_steps_.at(k - 1).injected; }
    /// The MAC-Is seen on the air after the steps so far: system_open_past()'s set (empty when not open) and
    /// every protected message's MAC-I.
    [[nodiscard]] z3::expr system_air_after();
    /// Satisfiability of what is asserted, within the time budget (unknown when spent).
    [[nodiscard]] z3::check_result solve() { return budget_.check(solver_, {}); }
    /// The same under `assumptions` (literals; the unsat core is taken from them).
    [[nodiscard]] z3::check_result solve(const std::vector<z3::expr>& assumptions)
    {
        return budget_.check(solver_, assumptions);
    }

  private:
    /// Before system_begin of an arbitrary state (the induction's step case and Spacer, with an attacker
    /// who injects): the past the attacker may have made is left open. The MAC-Is seen on the air before
    /// that state (an array from MAC-I to bool, the returned constant named `air_name`) may be replayed
    /// or reused; without it the attacker of an arbitrary state would know no earlier message. And the
    /// state's variables may be absent (a message injected without an IE can leave one so).
    z3::expr system_open_past(const std::string& air_name)
    {
        air_.emplace(ctx_.constant(air_name.c_str(), ctx_.array_sort(bytes_sort_, ctx_.bool_sort())));
        open_presence_ = true;
        return *air_;
    }
    /// Before system_begin of an arbitrary state: only these variables may be absent in it, whatever
    /// system_open_past() says (the others are present in every reachable state:
    /// SystemOptions::absent_capable).
    void system_absent_only(const std::vector<std::string>& names)
    {
        absent_capable_ = std::unordered_set<std::string>(names.begin(), names.end());
    }
    struct SystemMessage {
        StepInput in;
        z3::expr injected;
        z3::expr dropped;
    };
    /// An honest message sent before the arbitrary state (Past::honest), with the system's states
    /// around it.
    struct PastSend {
        std::unordered_map<std::string, Sym> before;
        SystemMessage message;
        std::unordered_map<std::string, Sym> after;
    };
    /// Every state variable open within its type (an arbitrary state); presence open as system_begin()
    /// says. `label` names its constants.
    [[nodiscard]] std::unordered_map<std::string, Sym> arbitrary_state(const std::string& label);
    /// One message of the system (step `k`, its constants named by `at`) from the current state: sent, or
    /// injected by an attacker who injects, and delivered or (an attacker who drops) dropped, its drop
    /// literal named `drop_name`. A message of the `past` (past_send()) is one an honest UE sent.
    [[nodiscard]] SystemMessage system_message(const std::string& at, std::size_t k, bool past,
                                               const std::string& drop_name);
    /// One honest message of the system from an arbitrary state, sent before the arbitrary state the
    /// steps start from (for step `k`); the current state is left as it was.
    [[nodiscard]] PastSend past_send(std::size_t k);
    /// Whether `mac` is the MAC-I of a protected message seen on the air before the arbitrary state,
    /// as step `k` may use it: in system_open_past()'s set, or the MAC-I of step k's past message.
    [[nodiscard]] z3::expr seen_before(std::size_t k, const z3::expr& mac);
    /// `formula` over `state`, with `message` as the step's message (none: a state without one).
    [[nodiscard]] z3::expr formula_over(const expr::Node& formula,
                                        std::unordered_map<std::string, Sym>& state,
                                        const SystemMessage* message);
    /// Crypto and key look-ups applied in the system, for their axioms and the witness's real crypto.
    struct Application {
        std::string name;
        std::vector<z3::expr> args;
        z3::expr result;
    };
    class WitnessWriter; ///< system_witness's work (witness.cpp)

    void record_check(const spec::Rule& rule, const spec::Check& check, const StepInput& in, const Sym& holds,
                      const Sym& exempt) override;
    /// known(x) in the system: every value is there to see, as in the trace a counterexample becomes.
    [[nodiscard]] Sym known_of(const Node& n, const std::vector<Sym>& args) override;
    /// A receiver cannot compute from an input the message did not carry or the real function refuses.
    [[nodiscard]] Sym external(const Node& n, const std::vector<Sym>& args,
                               const std::vector<z3::expr>& v) override;
    /// A step's field, which the system's steps always leave open.
    [[nodiscard]] static z3::expr system_field(const StepInput& in, const std::string& name);
    /// A pdu determines the message it carries: type, IEs and the K_NRP-sess ID of its header.
    void bind_pdu(const StepInput& in);
    /// The MAC-I an honest sender computes for the step's PDU (algorithm and key open).
    [[nodiscard]] z3::expr honest_mac(const StepInput& in, const std::string& at);
    /// What the attacker can put on the air at this step: a replay of an earlier message, or (forge) a
    /// message whose MAC-I it knows.
    [[nodiscard]] z3::expr attacker_can_send(const StepInput& in, const std::string& at);
    [[nodiscard]] z3::expr attacker_knows_mac(const StepInput& in, const std::string& at);
    /// The MAC-I of the null integrity algorithm (NIA0), from the declaration of the spec's MAC function;
    /// nullopt when the spec declares none.
    [[nodiscard]] std::optional<z3::expr> null_mac();
    /// The result of crypto over a missing input: equal to no MAC-I, key or derivation of the system.
    [[nodiscard]] z3::expr system_bottom();
    /// `name(args)` with the axioms its declaration gives it (expr::SolverMeaning).
    [[nodiscard]] z3::expr system_apply(const std::string& name, const std::vector<z3::expr>& args,
                                        const z3::sort& result);
    /// system_apply's axioms of each SolverMeaning kind.
    void add_meaning(const expr::SolverMeaning& meaning, const std::string& name,
                     const std::vector<z3::expr>& args, const z3::expr& r);
    /// The initial value `name` (init.*) as a term, when the spec has it.
    [[nodiscard]] std::optional<z3::expr> init_term(const std::string& name, const Type& type);

    SolverBudget budget_;
    Attacker attacker_;
    bool collect_checks_ = false; ///< record_check collects instead of asserting (join)
    std::vector<z3::expr> collected_;
    std::vector<std::string> collected_rules_;
    std::vector<SystemMessage> system_steps_;
    std::vector<std::unordered_map<std::string, Sym>> system_states_; ///< after step k (0: initial)
    std::unordered_map<std::string, Sym> system_init_;                ///< init.* of the system
    std::vector<Application> applications_;
    std::unordered_set<unsigned> applied_; ///< AST ids of applications_' results
    std::optional<StepInput> lint_message_;
    std::optional<z3::expr> bottom_;                                ///< see system_bottom()
    std::optional<z3::expr> air_;                                   ///< see system_open_past()
    bool open_presence_ = false;                                    ///< see system_open_past()
    bool honest_past_ = false;                                      ///< see Past::honest
    std::vector<PastSend> past_;                                    ///< per step, when honest_past_
    std::optional<std::unordered_set<std::string>> absent_capable_; ///< see system_absent_only()
};

} // namespace pc5check::smt::detail
