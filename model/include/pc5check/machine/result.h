#pragma once
/// \file What a replay reports: findings, verdicts, the per-event steps and the conflict a symbolic
/// check explains a violation with (docs/cli.md, verdicts).

#include "pc5check/machine/rule_passes.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pc5check::machine {

/// Outcome of one rule check at one event.
enum class Outcome : std::uint8_t { pass, violation, unverified };

/// A reported rule outcome (violation or unverified), with what a person needs to act on it.
struct Finding {
    std::string rule;
    bool warning = false;
    Outcome outcome = Outcome::violation;
    std::size_t event = 0;    ///< 0-based event index
    trace::Position position; ///< where that event starts in its file (0:0 when unknown)
    std::string msg;          ///< message of that event
    trace::Role offender = trace::Role::initiator;
    std::vector<spec::ClauseRef> clauses;
    std::string rule_text;
    std::string expected; ///< rendered "expected" template
    std::string observed; ///< rendered "observed" template
    std::string reason;   ///< for unverified: why it could not be decided
    /// Field by field.
    friend bool operator==(const Finding&, const Finding&) = default;
};

/// The UE a failed check blames: the event's sender or receiver, or a fixed role (spec::Offender).
[[nodiscard]] trace::Role offender_role(spec::Offender offender, trace::Role sender);

/// The verdict of a trace (docs/cli.md (verdicts)).
enum class Verdict : std::uint8_t { conforms, violation, inconclusive };
[[nodiscard]] const char* to_string(Verdict v);

/// One event as the machine saw it.
struct StepRecord {
    std::size_t index = 0;
    std::string sender_transition;        ///< id, or empty when none was enabled
    std::string receiver_transition;      ///< id, or empty when the receiver ignored the message
    std::vector<std::string> assumptions; ///< guards taken although unknown, with reasons
    /// The state before this event, rendered: only when asked for and this event broke a rule.
    std::vector<std::pair<std::string, std::string>> state_before;
    /// The integrity algorithm (index into the Nia enum, NIA0..NIA3) whose output, computed by the rules
    /// or transitions at this event, equals the event's logged MAC-I; none when no computation did.
    std::optional<std::uint32_t> mac_verified_by;
    /// Field by field.
    friend bool operator==(const StepRecord&, const StepRecord&) = default;
};

/// One member of a symbolic explanation: an observed event, or a rule check at an event (or at an
/// unlogged message the solver inserted), that together admit no conforming behaviour.
struct Conflict {
    std::size_t event = 0; ///< 0-based event index (for an inserted message: the event it precedes)
    std::string rule;      ///< rule ID; empty for an observed event
    std::string what;      ///< one line for a person: "event 3: SECURITY_MODE_COMMAND from target (observed)"
    std::vector<spec::ClauseRef> clauses;
    /// Field by field.
    friend bool operator==(const Conflict&, const Conflict&) = default;
};

/// Where one role's state machine stands after the events replayed so far (Machine::standing): what
/// `monitor` says about a stream that ends in the middle of a procedure.
struct RoleStanding {
    trace::Role role = trace::Role::initiator;
    std::string state;   ///< its control state
    bool at_rest = true; ///< the control state it starts in, or one no transition leaves (RELEASED)
    /// The messages it may send next from its control state that it could not send at rest (so not
    /// DATA or RELEASE), whether they move it on or leave it where it is (AUTH_RESPONSE; not a repeat
    /// of the message that brought it to this state), in spec order; a guard that is false in the
    /// current state whatever the message carries rules its transition out. Which UE owes the next
    /// message also depends on who spoke last (`monitor`).
    std::vector<std::string> next;
    /// Field by field.
    friend bool operator==(const RoleStanding&, const RoleStanding&) = default;
};

/// How a trace was checked.
enum class Mode : std::uint8_t { concrete, symbolic };

/// Result of replaying one trace.
struct ReplayResult {
    Verdict verdict = Verdict::conforms;
    std::vector<Finding> findings; ///< violations (incl. warnings) and unverified checks
    RulePasses passes;             ///< rule id -> number of checks that passed
    /// Integrity algorithm ("NIA2") -> the events whose logged MAC-I it reproduced bit-exactly (in
    /// order). Which key the procedure requires, and so whether the MAC-I passes, the rules decide.
    std::map<std::string, std::vector<std::size_t>> mac_verified_by;
    std::vector<StepRecord> steps;
    std::vector<std::string> assumptions;
    /// Both roles' state (variable -> rendered value) just before the first violating event.
    std::vector<std::pair<std::string, std::string>> state_at_first_violation;
    Mode mode = Mode::concrete;
    std::string note;                    ///< e.g. why the trace was checked symbolically
    std::vector<Conflict> explanation;   ///< symbolic violation: a minimal conflicting set (unsat core)
    std::size_t first_failing_event = 0; ///< symbolic violation: first event after which nothing conforms
    std::size_t inserted = 0;            ///< unlogged messages the solver had to assume (--max-missing)
    std::string limit;                   ///< inconclusive: the limit that was hit
    /// Rule IDs with at least one violation (sorted, unique; includes warnings).
    [[nodiscard]] std::vector<std::string> violated_rules() const;
    /// Field by field.
    friend bool operator==(const ReplayResult&, const ReplayResult&) = default;
};

} // namespace pc5check::machine
