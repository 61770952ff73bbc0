#pragma once
/// \file k-induction for `prove` and `query` (induction.cpp): Houdini over the candidates (the held
/// properties and lemmas of the spec, plus invariants generated from it), each proof re-checked by separate
/// base-case and step-case queries (and by a second solver with --cross-check) before it counts.
/// Private to checker/src/smt.

#include "pc5check/checker/system.h"
#include "smt/search.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace pc5check::smt::detail {

/// Induction depths tried after bounded model checking (each costs a new encoding per depth).
inline constexpr unsigned kMaxInduction = 3;

/// One invariant for induction.
struct Candidate {
    const expr::Node* formula = nullptr;
    bool reads_message = false;
    std::string name;   ///< property id (or "!(condition)" for a query), for reports and cross-check files
    std::string source; ///< the formula in the spec's language (prove --explain)
    std::string origin; ///< "property", "lemma", "generated" or "query"
};

/// The cross-check of one induction run, per candidate: the files of the proof that counted, or of the
/// last proof that was not confirmed.
struct CrossCheckTrail {
    std::string spec_id;
    unsigned attempts = 0; ///< numbers the proof attempts of this run (file names)
    std::vector<std::vector<std::string>> confirmed;
    std::vector<std::vector<std::string>> unconfirmed;
};

/// What the induction found, per candidate of the set it was given.
struct InductionOutcome {
    std::vector<unsigned> proven_at; ///< k of the proof (0: not proven)
    /// Per proven candidate: the inductive invariant behind its proof, itself among the parts.
    std::vector<std::vector<InvariantPart>> invariant;
    /// Per candidate not proven: the counterexample to induction at the largest k tried (nullopt when
    /// the time ran out before that k, or the solver gave no model).
    std::vector<std::optional<InductionFailure>> failure;

    /// `n` candidates, none proven, without failures.
    [[nodiscard]] static InductionOutcome unproven(std::size_t n)
    {
        InductionOutcome out;
        out.proven_at.assign(n, 0);
        out.invariant.assign(n, {});
        out.failure.assign(n, std::nullopt);
        return out;
    }
};

/// The largest k the induction tries under `options` (at least 1, at most kMaxInduction and the depth).
[[nodiscard]] inline unsigned max_induction_k(const SystemOptions& options)
{
    return std::min(kMaxInduction, std::max(1U, options.depth));
}

/// What the induction is to do with one candidate.
enum class Role {
    searched,   ///< asked about; the caller found no counterexample in the runs the base cases cover
    unsearched, ///< asked about, not searched yet (a property outside the shard: prove does not report it)
    auxiliary,  ///< not asked about: a proof may assume it (the spec's properties and lemmas not asked)
};

/// k-induction for k = 1..min(kMaxInduction, depth) over `candidates`, in that order, each in its role.
/// Unsearched and auxiliary candidates, and with options.generated_invariants the candidates generated
/// from the spec, take part only when they hold in every run the base cases cover (max_induction_k - 1
/// messages). The outcome has an entry per candidate; an auxiliary one's, or one that does not take
/// part, stays unproven and without a failure. The step cases let only the variables absent_capable()
/// finds be absent in their arbitrary state (unless `asked` names them already).
[[nodiscard]] InductionOutcome induction(const spec::Spec& spec, const std::vector<Candidate>& candidates,
                                         const std::vector<Role>& roles, const SystemOptions& asked,
                                         Clock::time_point deadline, CrossCheckTrail* trail);

} // namespace pc5check::smt::detail
