#pragma once
/// \file Phrases the JUnit and SARIF reports of prove, query and diff share, read from the commands'
/// JSON documents (docs/cli.md; spec/pc5check-prove.schema.json).

#include <nlohmann/json.hpp>
#include <string>

namespace pc5check::report::proof {

/// The string member `key` of object `j` ("" when absent or not a string).
[[nodiscard]] std::string str(const nlohmann::json& j, const char* key);

/// Whether a property entry's verdict passes the gate (proven, or holds up to the depth).
[[nodiscard]] bool holds(const nlohmann::json& property);

/// "proven (k-induction at k=2 ...)", "holds up to depth 5", "violated at depth 5", "inconclusive:
/// solver time limit ..." for a property entry.
[[nodiscard]] std::string verdict_phrase(const nlohmann::json& property);

/// Where a witness (counterexample) is: "counterexample: FILE" or, when it was not written, "(use
/// --cex-dir to write the counterexample as a trace)"; `noun` names it ("counterexample", "witness").
[[nodiscard]] std::string witness_phrase(const nlohmann::json& witness, const std::string& noun);

/// The witness as numbered lines ("  1. [attacker] sends REKEYING_REQUEST  (detail)"), then the check
/// command that replays it and check's verdict.
[[nodiscard]] std::string steps_text(const nlohmann::json& witness);

/// "rests on assumptions: A, B" and "unconfirmed parameters: p=v, ..." lines (empty when neither).
[[nodiscard]] std::string rests_on_text(const nlohmann::json& rests_on);

} // namespace pc5check::report::proof
