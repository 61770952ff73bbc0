#pragma once
/// \file `diff --corpus`: the corpus traces whose verdict changed from OLD to NEW, and for each one that
/// conformed with OLD and does not with NEW whether it no longer fits NEW's message format or NEW now
/// rejects its behaviour (docs/cli.md, "diff").

#include "pc5check/common/error.h"
#include "pc5check/spec/spec.h"

#include <cstddef>
#include <string>
#include <vector>

namespace pc5check::cli {

/// Why a trace that conformed with OLD does not with NEW.
enum class CorpusRegression : std::uint8_t {
    none,      ///< not a regression: OLD did not accept it, or NEW still does
    format,    ///< NEW cannot read it, or every violation is about an IE NEW's message adds and it lacks
    behaviour, ///< it reads fine and NEW reports another rule violation, or is inconclusive
};
/// JSON / text spelling: "none", "format", "behaviour".
[[nodiscard]] const char* to_string(CorpusRegression c);

/// One corpus trace whose verdict differs between OLD and NEW.
struct CorpusChange {
    std::string file;
    std::size_t line = 1;               ///< document start line (matters in .jsonl)
    std::string old_verdict;            ///< "conforms", "violation RULE...", "bad input"
    std::string new_verdict;            ///< the same with NEW
    std::vector<std::string> new_rules; ///< rules NEW reports as violated
    CorpusRegression regression = CorpusRegression::none;
    std::string why; ///< format: what no longer fits (the error, or the IEs per violation); else empty
};

/// What `diff --corpus` found: the traces read, and those whose verdict changed (in file order).
struct CorpusComparison {
    std::size_t traces = 0;
    std::vector<CorpusChange> changes;
};

/// Checks `corpus` (a directory or file) with both specs (`params` applied to each) and classifies every
/// changed verdict. Error: the corpus cannot be read (a file-level error of the OLD run).
[[nodiscard]] Expected<CorpusComparison> compare_corpus(const std::string& corpus, const spec::Spec& old_spec,
                                                        const spec::Spec& new_spec,
                                                        const spec::ParameterOverrides& params);

} // namespace pc5check::cli
