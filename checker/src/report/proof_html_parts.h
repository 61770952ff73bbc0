#pragma once
/// \file The pieces the HTML pages of `prove`, `query` and `diff` share (report/proof_html.cpp): reading
/// their JSON documents defensively, verdict badges, what an answer rests on, one property, and one
/// counterexample or witness drawn as `check`'s message sequence chart.

#include "pc5check/checker/proof_report.h"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace pc5check::report::proof_html {

/// `j[key]` as text: a string as it is, a number or boolean as JSON, "" when absent or null (the pages
/// render whatever document they get; a missing field shows as empty, never a crash).
[[nodiscard]] std::string text_of(const nlohmann::json& j, const char* key);

/// `j[key]` when it is an array, else an empty array.
[[nodiscard]] const nlohmann::json& array_of(const nlohmann::json& j, const char* key);

/// Badge class of a property verdict: "conforms" (proven, holds), "violation", "inconclusive".
[[nodiscard]] std::string verdict_class(const std::string& verdict);

/// A property's verdict as the text report says it: "holds up to depth 4", "violated at depth 3".
[[nodiscard]] std::string verdict_label(const nlohmann::json& property);

/// `<span class="badge CLASS">LABEL</span>` (label escaped).
[[nodiscard]] std::string badge(const std::string& css_class, const std::string& label);

/// The property table of a prove document: a row per property (`data-property`, `data-verdict` = the
/// JSON verdict), linked to the property's section `<anchor_prefix><index>`.
void write_property_table(std::ostream& out, const nlohmann::json& properties,
                          const std::string& anchor_prefix);

/// One property's section: verdict, text, clauses, how (or its inductive set), the min_depth warning,
/// what it rests on and its counterexample (JSON pointer `pointer` + "/counterexample" in `checked`).
void write_property(std::ostream& out, const nlohmann::json& property, const std::string& anchor,
                    const std::string& pointer, const CheckedRuns& checked);

/// What an answer rests on (`rests_on`: assumptions with their text, parameters with value, default
/// or not, confirmed or not), in a collapsed block.
void write_rests_on(std::ostream& out, const nlohmann::json& rests_on);

/// `<dt>label</dt><dd>` with `check`'s verdict (badge), its rules, the number of undecided checks and
/// whether it was checked symbolically, and `</dd>`. `must_conform`: the run is the solver's honest
/// UEs', so a violation (or an unreadable trace) is a solver/replay disagreement and `inconclusive` leaves
/// it unconfirmed, each said in a note.
void write_check_verdict(std::ostream& out, const std::string& label, const std::string& verdict,
                         const nlohmann::json& rules, std::size_t unverified, const std::string& mode,
                         bool must_conform);

/// One counterexample or witness (`run`: an object with `steps` and `file`): `heading`, the rows of
/// `meta_html` (<dt>/<dd> pairs: check's verdict, the command), the undecided checks of `unverified`,
/// the chart of `checked` (or a note that there is none) with the attacker's steps marked, and the
/// steps with their IE values. Element ids start with `anchor` (arrows: `<anchor>-e<i>`).
void write_run(std::ostream& out, const std::string& anchor, const std::string& heading,
               const nlohmann::json& run, const std::string& meta_html, const nlohmann::json& unverified,
               const checker::TraceResult* checked);

/// The run of `checked` at `pointer`, or nullptr.
[[nodiscard]] const checker::TraceResult* checked_at(const CheckedRuns& checked, const std::string& pointer);

} // namespace pc5check::report::proof_html
