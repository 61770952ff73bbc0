#pragma once
/// \file What replaying a trace needs that depends on the spec alone (Program), built once per spec and
/// shared by the machines (machine.h) of every trace and thread.

#include "pc5check/expr/compiled.h"
#include "pc5check/expr/expr.h"
#include "pc5check/spec/spec.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pc5check::machine {

class Machine;

/// Everything replaying a trace needs that depends on the spec alone (variable slots, parameter
/// values, the transitions and checks each message can touch), built once per spec rather than per
/// trace: the per-trace Machine then only initialises the state and binds the keys. Immutable after
/// construction, so the -j workers of a check share one.
class Program {
  public:
    /// `spec` must outlive the program.
    explicit Program(const spec::Spec& spec);
    /// Not copyable or movable: the slot table points into the program's own parameter values.
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;
    Program(Program&&) = delete;
    Program& operator=(Program&&) = delete;
    ~Program() = default;

    /// The spec's event-time trees (guards, effects, checks, templates) compiled once for all machines.
    [[nodiscard]] const expr::Code& code() const { return code_; }

    /// The spec the program was built from.
    [[nodiscard]] const spec::Spec& spec() const { return *spec_; }
    /// Index of a state variable ("initiator.cur_id", "target.state") in a machine's state, or kNoSlot.
    [[nodiscard]] std::uint32_t state_index(const std::string& name) const;
    /// Value of a parameter ("param.<id>"), or nullptr.
    [[nodiscard]] const expr::Value* param(const std::string& name) const;
    /// Defs (Node::def) whose value depends on `enabled`, which an event's environment sets after the
    /// transitions are chosen: the only cached defs it must forget then.
    [[nodiscard]] const std::vector<std::uint32_t>& defs_reading_enabled() const
    {
        return defs_reading_enabled_;
    }

  private:
    friend class Machine;

    /// How an effect changes its variable.
    enum class EffectKind : std::uint8_t {
        assign, ///< the value of the right-hand side replaces the variable's
        put,    ///< `put(V, key, element)` of the variable V itself: changed in place when all is known
        insert, ///< `insert(V, element)` of the variable V itself: likewise
        keep,   ///< the variable keeps its value (`if c then put/insert(V, ...) else V` with c false)
    };
    /// One effect of a transition, its target as a state index.
    struct Effect {
        std::uint32_t target = 0;
        EffectKind kind = EffectKind::assign;
        const expr::Node* value = nullptr;    ///< the whole right-hand side
        const expr::Node* variable = nullptr; ///< put/insert: the V operand
        const expr::Node* key = nullptr;      ///< put: the key operand
        const expr::Node* element = nullptr;  ///< put: the value operand; insert: the element operand
        /// put/insert under `if c then ... else V`: c (else nullptr: the update is the whole value)
        const expr::Node* condition = nullptr;
        expr::Code::Entry value_code = 0;     ///< `value` compiled
        expr::Code::Entry condition_code = 0; ///< `condition` compiled (when there is one)
        expr::Code::Entry key_code = 0;       ///< `key` compiled (when there is one)
        expr::Code::Entry element_code = 0;   ///< `element` compiled (when there is one)
    };
    /// A transition with its control states and targets as indices, so that taking it compares no
    /// strings and hashes no names.
    struct Candidate {
        const spec::Transition* transition = nullptr;
        std::vector<std::uint32_t> from;       ///< indices of the from-states (empty: any)
        std::uint32_t to = expr::kNoSlot;      ///< index of the to-state, kNoSlot: unchanged
        std::uint32_t control = expr::kNoSlot; ///< state index of the role's control state (none for link)
        std::vector<Effect> effects;
        expr::Code::Entry guard = 0; ///< the transition's guard compiled
    };
    /// A check with the index of its rule (the pass counters are by rule index).
    struct PlannedCheck {
        std::uint32_t rule = 0;
        const spec::Check* check = nullptr;
        expr::Code::Entry when = 0;      ///< the check's `when` compiled
        expr::Code::Entry assertion = 0; ///< its `assert` compiled
    };
    /// The transitions and checks an event of one message can touch, in spec order: matched once per
    /// message rather than against every transition and check at every event.
    struct MessagePlan {
        std::array<std::vector<Candidate>, 2> send; ///< by sender (initiator, target)
        std::array<std::vector<Candidate>, 2> recv; ///< by receiver
        std::vector<Candidate> observe;
        std::vector<PlannedCheck> checks;
        const spec::MessageDef* def = nullptr;              ///< nullptr: the spec lacks the message
        std::uint32_t msg_index = 0;                        ///< value of the `msg` field
        std::array<bool, 2> may_send{};                     ///< by sender (initiator, target)
        std::vector<std::array<std::uint32_t, 3>> ie_slots; ///< per IE of def: slots by detail::IePart
    };

    [[nodiscard]] Candidate candidate(const spec::Transition& t) const;
    /// The plan of a message name (also of one the spec lacks: its "*" transitions and checks).
    [[nodiscard]] MessagePlan make_plan(const std::string& msg) const;
    /// The prebuilt plan of a message of the spec, or nullptr.
    [[nodiscard]] const MessagePlan* find_plan(const std::string& msg) const;
    /// Slot of a variable of the spec's scope, or kNoSlot.
    [[nodiscard]] std::uint32_t slot_of(std::string_view name) const;
    /// Fills initialisers_ (after params_).
    void add_initialisers();
    /// Fills defs_reading_enabled_ from the spec's event-time trees.
    void find_defs_reading_enabled();
    /// The compiled entry of a tree compiled when the program was built.
    [[nodiscard]] expr::Code::Entry entry(const expr::Node& tree) const;

    const spec::Spec* spec_;
    expr::Code code_;                                              ///< see code()
    std::vector<std::string> state_names_;                         ///< by state index
    std::unordered_map<std::string, std::uint32_t> state_indices_; ///< name -> state index
    /// State index of each Spec::variables entry (its initialiser), in spec order.
    std::vector<std::uint32_t> variable_states_;
    /// How each Spec::variables entry's initialiser is evaluated for a new trace, in spec order.
    struct Initialiser {
        /// Its value, when it reads nothing of the trace (a literal, or an expression of literals,
        /// parameters and builtins, such as `-1` or `{}`): computed once for the program.
        std::optional<expr::Value> constant;
        expr::Code::Entry code = 0; ///< else the tree compiled (it reads `init.*` or calls a function)
    };
    std::vector<Initialiser> initialisers_;
    std::array<std::uint32_t, 2> control_states_{}; ///< state index of initiator.state, target.state
    std::vector<std::pair<std::string, expr::Value>> params_; ///< "param.<id>" -> value, sorted by name
    std::vector<std::string_view> names_;                     ///< the scope's variable names by slot (sorted)
    /// Per slot: the parameter value it reads (state slots are the machine's, see state_slots_).
    std::vector<const expr::Value*> param_slots_;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> state_slots_; ///< (slot, state index)
    std::vector<std::uint32_t> absent_slots_;         ///< ie.* names no state variable shadows
    std::uint32_t enabled_slot_ = expr::kNoSlot;      ///< slot of `enabled`, unless shadowed
    std::vector<std::uint32_t> defs_reading_enabled_; ///< see defs_reading_enabled()
    std::array<std::uint32_t, 12> field_slots_{};     ///< slot of each detail::EventField
    /// Per slot: where a machine keeps the value of the event field or IE bound to it (an index into
    /// Machine::field_values_), kNoSlot for the other slots.
    std::vector<std::uint32_t> field_values_index_;
    std::uint32_t field_values_count_ = 0;               ///< slots with a field_values_index_
    std::unordered_map<std::string, MessagePlan> plans_; ///< by message name, every message of the spec
    std::vector<std::uint32_t> rules_by_id_; ///< indices into Spec::rules, sorted by rule id (stable)
};

} // namespace pc5check::machine
