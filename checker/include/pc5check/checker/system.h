#pragma once
/// \file `prove` and `query`: the spec run as a closed system — both UEs following the spec, a network
/// the attacker controls — and searched by Z3 (docs/architecture.md, docs/cli.md).
///
/// The system is built from the same expression AST as the trace checker: one step is one message,
/// sent by a UE (every rule check whose offender is that UE holds: an honest UE follows the spec) or
/// injected by the attacker, and delivered to the peer or dropped. Crypto is perfect and
/// uninterpreted, with the injectivity that perfect crypto implies (different inputs give different
/// MACs and keys), so the attacker forges a MAC-I only with a key it knows; nonces are free values
/// constrained only by the spec's rules, so freshness is something the solver can refute.
#include "pc5check/common/error.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pc5check::checker {
struct TraceResult;
} // namespace pc5check::checker

namespace pc5check::smt {

/// What the attacker may do (`--attacker`): a comma list of `drop`, `replay`, `forge`,
/// `compromise-sess`, `compromise-knrp`; `none`; `dy` = drop,replay,forge.
struct Attacker {
    bool drop = false;            ///< a sent message does not reach the peer (also: delay = drop + replay)
    bool replay = false;          ///< re-send an earlier message unchanged (delay, reorder, replay)
    bool forge = false;           ///< inject or modify a message, with a MAC-I from its knowledge only
    bool compromise_sess = false; ///< knows the K_NRP-sess in force at the start
    bool compromise_knrp = false; ///< knows the K_NRP in force at the start (so every K_NRP-sess from it)
    [[nodiscard]] bool injects() const { return replay || forge; }
    [[nodiscard]] bool any() const { return drop || injects() || compromise_sess || compromise_knrp; }
};

/// Parses `--attacker`. Error: an unknown capability (names the accepted ones).
[[nodiscard]] Expected<Attacker> parse_attacker(const std::string& caps);
/// Canonical spelling ("none", or the comma list in a fixed order).
[[nodiscard]] std::string to_string(const Attacker& a);

/// Which prover answers "proven" after bounded model checking (`prove --engine`).
enum class ProofEngine : std::uint8_t {
    induction, ///< k-induction with the spec's lemmas (and generated candidates): the default
    spacer,    ///< Z3's Spacer (CHC / PDR) alone
    both,      ///< k-induction, then Spacer for what it leaves bounded
};
/// Parses `--engine` (induction, spacer, both). Error: another word (names the accepted ones).
[[nodiscard]] Expected<ProofEngine> parse_engine(const std::string& name);
/// "induction", "spacer" or "both".
[[nodiscard]] const char* to_string(ProofEngine e);

/// Knobs of `prove` / `query`.
struct SystemOptions {
    unsigned depth = 10;          ///< bounded model checking depth (messages)
    unsigned timeout_ms = 60'000; ///< solver time per property (or query); hit -> inconclusive
    Attacker attacker;
    bool induction = true; ///< after BMC, try an unbounded proof (engine: which prover)
    /// prove: the prover of unbounded proofs; query always uses k-induction.
    ProofEngine engine = ProofEngine::induction;
    /// --cross-check: each k-induction proof's base-case and step-case queries are also written to this
    /// directory as SMT-LIB 2 files and must be answered unsat by `cross_check_solver`; a proof it does
    /// not confirm is not counted, a "sat" is an internal error naming the file.
    std::optional<std::string> cross_check_dir;
    std::string cross_check_solver = "cvc5"; ///< program name or path (SMT-LIB 2 on the command line)
    /// --generated-invariants: for the properties the spec's own candidates do not prove, a second
    /// induction also tries invariants generated from the spec's declarations (candidates.h),
    /// Houdini-style: only those that are inductive together survive. Off by default: on the normative
    /// spec the second pass can take longer than the time limit (docs/properties.md).
    bool generated_invariants = false;
    /// prove --shard I/N: report only the asked properties whose position in the report is I modulo N.
    /// When one of them holds, the others are still searched, so induction gets the unsharded run's
    /// candidates and every reported verdict is the unsharded one.
    unsigned shard_index = 0;
    unsigned shard_count = 1; ///< 1: no sharding
    /// The state variables that some run, from any state in which only these are absent, can leave
    /// absent (an inductive invariant the solver proves: every other variable is present in every
    /// reachable state). Computed once per prove or query run by the induction (smt/absent_capable.h);
    /// nullopt: not computed, and the step case lets every variable be absent when the attacker
    /// injects, none otherwise.
    std::optional<std::vector<std::string>> absent_capable;
};

/// One conjunct of the inductive invariant behind a proof (prove --explain).
struct InvariantPart {
    std::string id;      ///< property or lemma id, or "generated:N"
    std::string formula; ///< in the spec's expression language
    /// "property", "lemma", "generated"; Spacer's: "spacer" (formula in the spec's language) or
    /// "spacer-smtlib" (a conjunct the spec's language cannot write: SMT-LIB 2 over the state's names)
    std::string origin;
};

/// What Spacer answered for one property (prove --engine spacer|both).
struct SpacerAnswer {
    std::string answer;   ///< "proven", "counterexample" (in its Horn encoding) or "unknown"
    std::string note;     ///< why not proven, or the files the second solver confirmed
    double seconds = 0.0; ///< Spacer and the re-check of its invariant
};

/// The answer for one property.
enum class PropertyVerdict : std::uint8_t {
    proven,         ///< for every reachable state (how: `how`)
    holds_to_depth, ///< no violation within `depth` messages; no unbounded proof found
    violated,       ///< a counterexample of `depth` messages
    inconclusive,   ///< a solver limit was hit (`how` names it)
};
/// JSON / text spelling ("proven", "holds up to depth", "violated", "inconclusive").
[[nodiscard]] const char* to_string(PropertyVerdict v);

/// One message of a counterexample or witness, as the report numbers it.
struct SystemStep {
    std::size_t index = 0; ///< 0-based: the index of the message in the trace's `events`, as check counts
    std::string sender;    ///< role the message claims to come from
    std::string msg;
    std::string action; ///< "sends", "sends (dropped by the attacker)", "attacker injects", ...
    bool by_attacker = false;
    std::string detail; ///< key IE values and protection
};

/// A counterexample or witness: the steps and the same as a `pc5-trace/1` trace with real crypto
/// (concrete nonces, keys, COUNTs, MAC-Is), and what `check` says about that trace.
struct Witness {
    std::vector<SystemStep> steps;
    trace::Trace trace;
    std::string check_verdict;            ///< "conforms", "violation", "inconclusive"
    std::vector<std::string> check_rules; ///< rule IDs `check` reports as violated
    /// Checks `check` could not decide on the trace: "RULE at event N: reason" (a counterexample whose
    /// checks are unverified is not a conforming run, and the report must say so).
    std::vector<std::string> check_unverified;
    std::string check_mode; ///< "concrete" or "symbolic"
    /// That check's whole result (per-event findings and summaries): the HTML report draws it as the
    /// message sequence chart `check` draws. Null when the trace could not be checked.
    std::shared_ptr<const checker::TraceResult> checked;
};

/// Why k-induction did not prove a property (prove --explain, JSON `induction_failure`): a
/// counterexample to induction (CTI) of the step case at the largest k tried. From a state the search
/// chose freely, the property and the other candidates in `assumed` hold in k states in a row, then one
/// message breaks the property. The CTI state may be unreachable (a lemma excluding it would let the
/// proof go through) or reachable by a run longer than the depth searched.
struct InductionFailure {
    unsigned k = 0;                   ///< the step case that fails (k-induction at this k)
    std::vector<std::string> assumed; ///< ids of the other candidates assumed (an inductive set)
    /// The last of the k states, where everything assumed holds: (variable, value); values the model
    /// leaves abstract (octet strings) read "octets#N", equal numbers meaning equal values.
    std::vector<std::pair<std::string, std::string>> before;
    SystemStep step; ///< the message that breaks the property
    /// The variables that message changed, with their new values (the property is false there).
    std::vector<std::pair<std::string, std::string>> after;
};

/// The result for one property of the spec.
struct PropertyResult {
    std::string id;
    std::string kind; ///< "invariant" or "lemma"
    std::string text;
    std::vector<spec::ClauseRef> clauses;
    PropertyVerdict verdict = PropertyVerdict::holds_to_depth;
    unsigned depth = 0;   ///< violated: length of the counterexample; else the depth explored
    std::string how;      ///< proven: "k-induction at k=2 (re-checked: base, step)"; inconclusive: the limit
    double seconds = 0.0; ///< wall time spent on this property
    std::optional<Witness> counterexample;
    /// proven: an inductive invariant that implies the property (the property itself among its parts),
    /// closed under what each part's induction step needed; re-checked before it is reported.
    std::vector<InvariantPart> invariant;
    /// holds up to depth: why induction did not prove it (absent when induction ran out of time first).
    std::optional<InductionFailure> induction_failure;
    std::string proved_by;              ///< proven: "k-induction" or "spacer"
    std::optional<SpacerAnswer> spacer; ///< when Spacer was asked about this property
};

/// Proves (or refutes) the spec's properties (`only`: just those, in the spec's order; the lemmas are
/// used either way; with options.shard_count > 1 only the shard's, in report order). Errors: an unknown
/// property id (named), a Z3 failure (solver_failure).
[[nodiscard]] Expected<std::vector<PropertyResult>>
prove(const spec::Spec& spec, const SystemOptions& options, const std::vector<std::string>& only = {});

/// For --cross-check: nullopt when `options.cross_check_dir` is a writable directory and the second
/// solver runs, else a usage error saying what is missing (e.g. "apt-get install cvc5").
[[nodiscard]] std::optional<Error> cross_check_setup_problem(const SystemOptions& options);

/// The answer to `query`.
struct QueryResult {
    bool reachable = false;
    bool proved_unreachable = false; ///< by k-induction (else: unreachable within `depth` only)
    bool inconclusive = false;
    unsigned depth = 0; ///< reachable: witness length; else the depth explored
    std::string how;    ///< proof or limit
    double seconds = 0.0;
    std::optional<Witness> witness;
    std::vector<InvariantPart>
        invariant; ///< proved_unreachable: the inductive invariant (see PropertyResult)
    /// unreachable within the depth only: why induction did not prove `!condition` (see PropertyResult).
    std::optional<InductionFailure> induction_failure;
};

/// Is a state (or a state/event condition) satisfying `condition` reachable? The condition is an
/// expression of the spec's language, typed bool, over the state after a step (`initiator.*`,
/// `target.*`, `link.*`) and the message of that step (`msg`, `from`, `ie.*`, `sec.*`). Errors: the
/// condition does not parse or type-check (bad_input), a Z3 failure.
[[nodiscard]] Expected<QueryResult> query(const spec::Spec& spec, const std::string& condition,
                                          const SystemOptions& options);

/// A short run on which two spec versions disagree (diff): every rule check of one holds on it (its
/// UEs may behave so), a check of the other fails.
struct Disagreement {
    std::string accepted_by; ///< spec file whose rules all hold
    std::string rejected_by; ///< spec file one of whose rules fails
    unsigned depth = 0;      ///< messages
    /// As a trace of the accepting spec; check_verdict/check_rules: `check` with the accepting spec.
    Witness witness;
    std::string rejecting_verdict; ///< `check` with the rejecting spec
    std::vector<std::string> rejecting_rules;
};

/// Whether `check`'s verdict on a run the solver built (Witness::check_verdict, or the JSON reports'
/// `check.verdict`) rejects it. In a counterexample or a witness the UEs follow every rule, so `check`
/// must not reject its trace: a `violation`, or a trace `check` cannot read ("bad input: ..."), means the
/// solver or replay is wrong (docs/cli.md: exit 3). `inconclusive` is a limit of `check`, not a rejection.
[[nodiscard]] bool check_rejects(std::string_view check_verdict);

/// How `check` contradicts the solver on `w` (check_rejects), or "" when it does not.
[[nodiscard]] std::string replay_contradiction(const Witness& w);

/// Which disagreements diff looks for (`diff --rule`, `--min-depth`).
struct DisagreementFilter {
    std::string rule;       ///< only runs on which the rejecting spec breaks this rule (empty: any rule)
    unsigned min_depth = 1; ///< only runs of at least this many messages
};

/// Searches the shortest run (`filter.min_depth` to `options.depth` messages, UEs only: no attacker)
/// that one spec accepts and the other rejects (breaking `filter.rule` when set), the old spec accepting
/// first. nullopt: none within the depth or the time limit.
[[nodiscard]] Expected<std::optional<Disagreement>> find_disagreement(const spec::Spec& old_spec,
                                                                      const spec::Spec& new_spec,
                                                                      const SystemOptions& options,
                                                                      const DisagreementFilter& filter = {});

} // namespace pc5check::smt
