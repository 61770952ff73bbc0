#pragma once
/// \file The reference state machine of both roles, executed from the spec, and the replay of a
/// trace through it (the concrete interpreter of docs/architecture.md).

#include "pc5check/common/error.h"
#include "pc5check/expr/compiled.h"
#include "pc5check/expr/expr.h"
#include "pc5check/machine/bind.h"
#include "pc5check/machine/builtins.h"
#include "pc5check/machine/program.h"
#include "pc5check/machine/result.h"
#include "pc5check/spec/spec.h"
#include "pc5check/trace/trace.h"

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pc5check::machine {

/// Passes per rule, by index into Spec::rules: what Machine::step counts into when the caller reads the
/// counts only at the end (Replayer), instead of a name-keyed map looked up at every passing check.
using PassCounts = std::vector<std::size_t>;

class Machine;

/// A check's expected/observed template as text: each expression evaluated in `env` and rendered; one
/// `env` does not know renders as `unknown` when given (the solver's "(open)"), else as expr::render
/// renders an unknown value. Replay and `check --symbolic` word findings with it.
[[nodiscard]] std::string render_template(const spec::Template& t, const expr::Env& env,
                                          const expr::Scope& scope,
                                          std::optional<std::string_view> unknown = std::nullopt);

/// The reference state machine of both roles plus the observed link.
class Machine {
  public:
    /// `spec` and `trace` must outlive the machine. Builds a Program of its own: a caller replaying
    /// many traces against one spec shares one Program instead.
    Machine(const spec::Spec& spec, const BoundTrace& trace);
    /// `trace` must outlive the machine; `program` must not be null.
    Machine(std::shared_ptr<const Program> program, const BoundTrace& trace);
    /// Not copyable: the slot table points into the machine's own state (moves keep it valid).
    Machine(const Machine&) = delete;
    Machine& operator=(const Machine&) = delete;
    Machine(Machine&&) = default;
    Machine& operator=(Machine&&) = default;
    /// Leaves its functions to the next machine of the same program on this thread.
    ~Machine();

    /// Processes one event: evaluates the rules touched by it in the current state, then takes the
    /// sender's send transition, the receiver's receive transition and the link observations.
    /// `snapshot_on_violation`: render the state before the event into StepRecord::state_before when
    /// the event breaks a (non-warning) rule — rendering every step would dominate replay time.
    [[nodiscard]] StepRecord step(std::size_t event_index, std::vector<Finding>& findings, RulePasses& passes,
                                  bool snapshot_on_violation = false);
    /// The same for an event bound on its own (bind_event), so the trace's events need not be kept.
    [[nodiscard]] StepRecord step(const BoundEvent& be, std::size_t event_index,
                                  std::vector<Finding>& findings, RulePasses& passes,
                                  bool snapshot_on_violation = false);
    /// The same for an event not bound yet: binds it as bind_event does (same checks, same errors; on
    /// an error the machine is unchanged) with its values going straight into the machine's slot
    /// table instead of a name-keyed BoundEvent::fields, then steps it.
    [[nodiscard]] Expected<StepRecord> step(const trace::Event& event, std::size_t event_index,
                                            std::vector<Finding>& findings, RulePasses& passes,
                                            bool snapshot_on_violation = false);
    /// The same, counting passes by rule index (resized to the spec's rules as needed). What
    /// Replayer::feed uses: no rule name is looked up per passing check.
    [[nodiscard]] Expected<StepRecord> step(const trace::Event& event, std::size_t event_index,
                                            std::vector<Finding>& findings, PassCounts& passes,
                                            bool snapshot_on_violation = false);

    /// Current value of a state variable ("initiator.cur_id", "target.state", ...).
    [[nodiscard]] expr::Value value_of(const std::string& name) const;
    /// All state variables rendered, in spec order.
    [[nodiscard]] std::vector<std::pair<std::string, std::string>> snapshot() const;
    /// Where each role stands (initiator, target) in the current state, read from the spec's control
    /// states and send transitions; the guards are evaluated with every field of the next message open.
    [[nodiscard]] std::array<RoleStanding, 2> standing() const;
    /// Adds passes counted by rule index to the counts by rule id (only rules with a pass get an entry).
    void add_passes(const PassCounts& counts, RulePasses& passes) const;

  private:
    using MessagePlan = Program::MessagePlan;
    using Candidate = Program::Candidate;

    /// The current event's change of one state variable, applied after every right-hand side was
    /// evaluated in the state before the event.
    struct Update {
        std::uint32_t target = 0;
        Program::EffectKind kind = Program::EffectKind::assign;
        expr::Value value;      ///< insert: the element (an assignment's value is in assigned_)
        std::int64_t key = 0;   ///< put: the key
        std::int64_t entry = 0; ///< put: the value stored under the key
    };

    [[nodiscard]] const MessagePlan& plan_for(const std::string& msg);
    /// Starts the slot table of an event: state, parameters, absent IEs (fields come next).
    void begin_slots();
    /// Binds an event into the slot table, or the error bind_event gives.
    [[nodiscard]] Expected<const MessagePlan*> bind_slots(const trace::Event& event, std::size_t event_index);
    /// Steps an event whose fields are in the slot table.
    [[nodiscard]] StepRecord run(const trace::Event& event, std::size_t event_index, const MessagePlan& plan,
                                 std::vector<Finding>& findings, PassCounts& passes,
                                 bool snapshot_on_violation);
    /// run() for a caller counting passes by name.
    [[nodiscard]] StepRecord run(const trace::Event& event, std::size_t event_index, const MessagePlan& plan,
                                 std::vector<Finding>& findings, RulePasses& passes,
                                 bool snapshot_on_violation);

    /// A new update of the current event, of `target` by `kind`, in an entry kept from an earlier event
    /// when there is one (an insert replaces the element its value holds).
    [[nodiscard]] Update& next_update(std::uint32_t target, Program::EffectKind kind);
    /// A new assignment of `target` by the current event: where to write its value (assigned_).
    [[nodiscard]] expr::Value& next_assignment(std::uint32_t target);
    /// put/insert of an effect into its own variable, as an in-place update when all is known.
    [[nodiscard]] bool update_in_place(const Program::Effect& e, const expr::Frame& frame);
    /// What the attacker did to an event, by the trace's annotations (check --attacker-steps).
    struct Attack {
        bool injected = false; ///< the attacker, not the named sender, put it on the air
        bool dropped = false;  ///< the receiver never got it
    };
    /// The attacker annotations of an event, recorded as an assumption.
    [[nodiscard]] Attack attacker_annotations(const trace::Event& ev, std::size_t event_index,
                                              StepRecord& record) const;

    class SlotSink;
    class ReplayStep; ///< the replay's value domain of the step (step.h)
    /// What a machine leaves to the next machine of its program on the same thread (machine.cpp).
    struct Spare;
    /// This thread's Spare.
    [[nodiscard]] static Spare& spare();

    std::shared_ptr<const Program> program_;
    const spec::Spec* spec_;
    const BoundTrace* trace_;
    expr::Scope scope_;              ///< the spec scope's functions, with this trace's keys bound
    Memos memos_;                    ///< those of scope_'s functions
    std::vector<expr::Value> state_; ///< by Program state index
    /// Per variable of the spec's scope (by Node::slot): its state or parameter value, else nullptr.
    std::vector<const expr::Value*> base_slots_;
    expr::Value absent_ = expr::Value::absent(); ///< what the absent slots point to
    std::vector<const expr::Value*> slots_;      ///< the current event's table (reused)
    std::vector<expr::Value> field_values_; ///< the current event's fields (Program::field_values_index_)
    /// Plans of message names the spec lacks, built on first use (an error for most callers).
    std::unordered_map<std::string, MessagePlan> extra_plans_;
    /// The current event's updates are the first update_count_; the rest are kept for later events,
    /// with the storage of the elements they inserted.
    std::vector<Update> updates_;
    std::size_t update_count_ = 0;
    /// Per state index: the value of the current event's last assignment of the variable, then, once
    /// applied (swapped with the state's), the value it replaced, whose storage the variable's next
    /// assignment reuses. Two assignments of one variable in one event write the same entry: the last
    /// one wins, as it does when the updates are applied.
    std::vector<expr::Value> assigned_;
    std::vector<std::uint64_t> written_; ///< per state index: the event that last wrote it
    std::uint64_t epoch_ = 0;            ///< events stepped (stamps written_)
    PassCounts scratch_passes_;          ///< run() for name-keyed counting (reused)
    expr::DefCache def_values_;          ///< the current event's def values (see EventEnv)
    expr::CodeScratch code_scratch_;     ///< the program's code bound to scope_'s functions
};

/// Binds and replays a whole trace.
[[nodiscard]] Expected<ReplayResult> replay(const spec::Spec& spec, const trace::Trace& trace);
/// The same against a program shared by many traces (not null).
[[nodiscard]] Expected<ReplayResult> replay(std::shared_ptr<const Program> program,
                                            const trace::Trace& trace);

/// Replay of a trace fed one event at a time, so memory follows the machine's state, not the trace:
/// each event is bound, stepped and dropped. The state is rendered only at the first violation
/// (ReplayResult::state_at_first_violation).
class Replayer {
  public:
    /// Starts a replay of `header` (link, keys, file; its `events` are not read). `spec` and `header`
    /// must outlive the replayer.
    [[nodiscard]] static Expected<Replayer> start(const spec::Spec& spec, const trace::Trace& header,
                                                  bool keep_steps = false, bool attacker_steps = false);
    /// The same against a program shared by many traces (not null); `header` must outlive the replayer.
    [[nodiscard]] static Expected<Replayer> start(std::shared_ptr<const Program> program,
                                                  const trace::Trace& header, bool keep_steps = false,
                                                  bool attacker_steps = false);
    /// Binds and steps the next event. An error (bad IE, message not in the spec) leaves the replay as it
    /// was before the event: `check` ends the trace there (bad input), `monitor` reports it and goes on.
    [[nodiscard]] Expected<const StepRecord*> feed(const trace::Event& event);
    /// Events fed so far.
    [[nodiscard]] std::size_t events() const { return next_; }
    /// Moves the findings and assumptions fed so far out of the result and drops their mac_verified_by:
    /// `monitor` reports them as they come, so memory follows the state. The verdict still counts them.
    void take_findings(std::vector<Finding>& findings, std::vector<std::string>& assumptions);
    /// Where each role stands after the events fed so far (Machine::standing).
    [[nodiscard]] std::array<RoleStanding, 2> standing() const { return machine_.standing(); }
    /// The result; the verdict counts the events fed so far.
    [[nodiscard]] ReplayResult finish() &&;

  private:
    Replayer(std::shared_ptr<const Program> program, std::unique_ptr<BoundTrace> bound, bool keep_steps);

    std::unique_ptr<BoundTrace> bound_; ///< init.* only; on the heap so the machine's pointer survives moves
    Machine machine_;
    ReplayResult result_;
    PassCounts passes_; ///< by rule index; result_.passes at finish()
    std::array<std::vector<std::size_t>, protocol::kNiaNames.size()> mac_verified_by_; ///< by NIA number
    StepRecord last_;
    bool keep_steps_ = false;
    bool violated_ = false;
    std::size_t next_ = 0;
};

} // namespace pc5check::machine
