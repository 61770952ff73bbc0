/// \file The reference state machine: rules are checked in the state before each event, then the
/// sender's and receiver's transitions and the link observations fire.

#include "pc5check/machine/machine.h"

#include "bind_fields.h"
#include "expr/operators.h"
#include "init_env.h"
#include "pc5check/machine/builtins.h"
#include "pc5check/machine/step.h"
#include "trace/names.h"

#include <algorithm>
#include <set>

namespace pc5check::machine {

namespace {

using expr::Value;

/// Variables visible while processing one event: event fields, then state, then parameters.
/// `slots` (Machine::slots_) holds the value of each variable of the machine's scope by Node::slot,
/// so that a variable read is an array read; lookup() by name serves trees without slots.
class EventEnv final : public expr::Env {
  public:
    /// `verified`: the trees evaluated are the spec's, and Spec::slots_verified holds.
    /// `defs`: where the defs' values of this event are kept (cleared here and whenever `enabled`
    /// changes); used only when `verified` (Node::def indexes spec.scope's defs).
    EventEnv(const std::vector<Value>& state, const Program& program, bool enabled,
             const std::vector<const Value*>& slots, const std::vector<std::string_view>& names,
             bool verified, expr::DefCache& defs)
        : state_(state), program_(program), enabled_(Value::boolean(enabled)), slots_(slots), names_(names),
          verified_(verified), defs_(verified ? &defs : nullptr)
    {
        defs.clear();
    }

    /// A slot is trusted only when it names the same variable: a tree checked against another scope
    /// (or before a name was added to this one) falls back to lookup() instead of reading a neighbour.
    /// The spec's own trees were compared once, when it loaded (Spec::slots_verified).
    [[nodiscard]] const Value* find(const expr::Node& variable) const override
    {
        if (variable.slot >= slots_.size() || (!verified_ && names_[variable.slot] != variable.name)) {
            return nullptr;
        }
        return slots_[variable.slot];
    }

    [[nodiscard]] Value lookup(const std::string& name) const override
    {
        // The slot table holds what the chain below would find, and the event's fields first.
        if (const auto it = std::lower_bound(names_.begin(), names_.end(), name);
            it != names_.end() && *it == name) {
            if (const Value* v = slots_[static_cast<std::size_t>(it - names_.begin())]; v != nullptr) {
                return *v;
            }
        }
        if (const std::uint32_t s = program_.state_index(name); s != expr::kNoSlot) {
            return state_[s];
        }
        if (const Value* p = program_.param(name); p != nullptr) {
            return *p;
        }
        if (name == "enabled") {
            return enabled_;
        }
        if (name.starts_with("ie.")) {
            return Value::absent(); // the message does not carry this IE
        }
        PC5CHECK_ASSERT(false && "type checker accepted a name the machine does not provide");
        return Value::unknown(name);
    }

    [[nodiscard]] expr::DefCache* def_cache() const override { return defs_; }

    void set_enabled(bool enabled)
    {
        enabled_ = Value::boolean(enabled);
        if (defs_ != nullptr) {
            for (const std::uint32_t def : program_.defs_reading_enabled()) {
                defs_->forget(def);
            }
        }
    }
    /// The value lookup("enabled") gives, for the slot table.
    [[nodiscard]] const Value* enabled() const { return &enabled_; }

  private:
    const std::vector<Value>& state_;
    const Program& program_;
    Value enabled_;
    const std::vector<const Value*>& slots_;
    const std::vector<std::string_view>& names_;
    bool verified_;
    expr::DefCache* defs_;
};

/// The value of a guard, `when` or `assert` (typed bool). Absent, e.g. a bool IE the message does not
/// carry, is unknown like any other use of absent (expr.h): it must neither decide nor be read as bool.
Value condition(const expr::Node& n, const expr::Env& env, const expr::Scope& scope)
{
    Value v = expr::evaluate(n, env, scope);
    if (v.is_absent()) {
        return Value::unknown("the condition is absent");
    }
    return v;
}

/// condition() of a compiled tree.
Value condition(const expr::Code& code, expr::Code::Entry entry, const expr::Frame& frame)
{
    Value v = code.evaluate(entry, frame);
    if (v.is_absent()) {
        return Value::unknown("the condition is absent");
    }
    return v;
}

/// Whether an operand is one put() and insert() use as it is (expr.h: unknown and absent are not).
bool known_present(const Value& v) { return v.is_known() && !v.is_absent(); }

trace::Role other(trace::Role r)
{
    return r == trace::Role::initiator ? trace::Role::target : trace::Role::initiator;
}

} // namespace

std::string render_template(const spec::Template& t, const expr::Env& env, const expr::Scope& scope,
                            std::optional<std::string_view> unknown)
{
    std::string out;
    for (const auto& part : t.parts) {
        if (const auto* text = std::get_if<std::string>(&part)) {
            out += *text;
        } else {
            const auto& node = std::get<expr::NodePtr>(part);
            const expr::Value v = expr::evaluate(*node, env, scope);
            out += unknown && v.is_unknown() ? std::string(*unknown) : expr::render(v, node->type);
        }
    }
    return out;
}

// The spellings a trace's `expect.verdict` is read against (one table: trace/names.cpp).
const char* to_string(Verdict v)
{
    return trace::detail::verdict_names().at(static_cast<std::size_t>(v)).c_str();
}

trace::Role offender_role(spec::Offender offender, trace::Role sender)
{
    switch (offender) {
    case spec::Offender::sender:
        return sender;
    case spec::Offender::receiver:
        return other(sender);
    case spec::Offender::initiator:
        return trace::Role::initiator;
    case spec::Offender::target:
        return trace::Role::target;
    }
    return sender;
}

std::vector<std::string> ReplayResult::violated_rules() const
{
    std::set<std::string> ids;
    for (const auto& f : findings) {
        if (f.outcome == Outcome::violation) {
            ids.insert(f.rule);
        }
    }
    return {ids.begin(), ids.end()};
}

/// What the last machine of a program that ended on this thread leaves to the next one (see
/// Machine::Machine): its functions, and the buffers whose values keep their storage from trace to trace.
struct Machine::Spare {
    std::weak_ptr<const Program> program;
    std::map<std::string, expr::ExternalFunction> functions;
    Memos memos; ///< those of `functions`
    /// The program's code bound to `functions`: rebinding it keeps its buffers (a new scratch allocated
    /// one per call site, for every trace).
    expr::CodeScratch scratch;
    /// The machine's buffers of values (see machine.h): the PDU and MAC-I of the next trace's events, its
    /// assigned keys and sets, its defs' values and its state are copied into the storage these have.
    std::vector<Value> field_values;
    std::vector<Update> updates;
    std::vector<Value> assigned;
    expr::DefCache def_values;
    std::vector<Value> state;
    std::vector<const Value*> base_slots;
    std::vector<const Value*> slots;
    std::vector<std::uint64_t> written;
};

Machine::Spare& Machine::spare()
{
    thread_local Spare spare;
    return spare;
}

Machine::Machine(const spec::Spec& spec, const BoundTrace& trace)
    : Machine(std::make_shared<const Program>(spec), trace)
{
}

Machine::~Machine()
{
    // A moved-from machine has no functions to give back.
    if (program_ != nullptr && !scope_.functions.empty()) {
        Spare& spare = Machine::spare();
        spare.program = program_;
        spare.functions = std::move(scope_.functions);
        spare.memos = std::move(memos_);
        spare.scratch = std::move(code_scratch_);
        spare.field_values = std::move(field_values_);
        spare.updates = std::move(updates_);
        spare.assigned = std::move(assigned_);
        spare.def_values = std::move(def_values_);
        spare.state = std::move(state_);
        spare.base_slots = std::move(base_slots_);
        spare.slots = std::move(slots_);
        spare.written = std::move(written_);
    }
}

Machine::Machine(std::shared_ptr<const Program> program, const BoundTrace& trace)
    : program_(std::move(program)), spec_(&program_->spec()), trace_(&trace)
{
    PC5CHECK_ASSERT(program_ != nullptr);
    // evaluate() reads only the functions of a scope: copying the variables and defs too would cost
    // more than a short trace's replay. The functions of the program's last machine on this thread are
    // taken over rather than copied again, their memos emptied and the key look-ups bound to this trace.
    // Its buffers too: every value in them is written before it is read (the state by the initialisers
    // below, a field when it is bound, an update when it is made, a def once its cache is cleared).
    Spare& spare = Machine::spare();
    // The functions and the scratch bound to them come from the same machine: the scratch's pointers
    // into the functions' map stay valid (its nodes do not move with it, and bind_keys assigns to them).
    const bool reused = spare.program.lock() == program_ && !spare.functions.empty();
    if (reused) {
        scope_.functions = std::move(spare.functions);
        memos_ = std::move(spare.memos);
        memos_.forget();
        code_scratch_ = std::move(spare.scratch);
        field_values_ = std::move(spare.field_values);
        updates_ = std::move(spare.updates);
        assigned_ = std::move(spare.assigned);
        def_values_ = std::move(spare.def_values);
        state_ = std::move(spare.state);
        base_slots_ = std::move(spare.base_slots);
        slots_ = std::move(spare.slots);
        written_ = std::move(spare.written);
    }
    spare = Spare();
    if (def_values_.size() != spec_->scope.defs.size()) {
        def_values_ = expr::DefCache(spec_->scope.defs.size());
    }
    if (scope_.functions.empty()) {
        scope_.functions = spec_->scope.functions;
        memos_ = memoize_computed(scope_);
    }
    bind_keys(scope_, trace.trace->keys);
    if (!reused) {
        code_scratch_.bind(program_->code(), scope_);
    }
    // Initialisers call the same functions (declare_builtins on both scopes) bound to the same keys:
    // scope_ serves them too, rather than a second copy with its own memos.
    const detail::InitEnv init_env(trace.init, *program_);
    state_.resize(program_->state_names_.size());
    const expr::Frame init_frame{init_env, scope_, {}, code_scratch_};
    for (std::size_t k = 0; k < spec_->variables.size(); ++k) {
        const Program::Initialiser& init = program_->initialisers_[k];
        Value& value = state_[program_->variable_states_[k]];
        if (init.constant) {
            // What evaluate() gives for it (most initialisers: false, -1, {}, x""), copied into the
            // storage the value kept from the last trace has, without an evaluation per variable.
            value = *init.constant;
        } else {
            program_->code().evaluate_into(init.code, init_frame, value);
        }
    }
    for (const std::uint32_t control : program_->control_states_) {
        state_[control] = Value::enumeration(0);
    }
    // state_ gains no element after this, and a move keeps its buffer: the pointers stay valid for
    // the machine's life.
    base_slots_ = program_->param_slots_;
    for (const auto& [slot, index] : program_->state_slots_) {
        base_slots_[slot] = &state_[index];
    }
    field_values_.resize(program_->field_values_count_);
    written_.assign(state_.size(), 0);
    assigned_.resize(state_.size());
}

/// Writes an event's fields into the machine's slot table (a field the scope does not declare is
/// read by no expression, and dropped).
class Machine::SlotSink final : public detail::FieldSink {
  public:
    SlotSink(Machine& machine, const MessagePlan& plan) : machine_(machine), plan_(plan) {}
    void field(detail::EventField field, Value value) override
    {
        put(machine_.program_->field_slots_[static_cast<std::size_t>(field)], std::move(value));
    }
    void ie(std::size_t ie, detail::IePart part, Value value) override
    {
        put(plan_.ie_slots[ie][static_cast<std::size_t>(part)], std::move(value));
    }
    void field_bytes(detail::EventField field, std::span<const std::uint8_t> bytes) override
    {
        // Into the bytes the slot's value had at the last event: no new vector per event.
        if (Value* value = bind(machine_.program_->field_slots_[static_cast<std::size_t>(field)])) {
            value->assign_bytes(bytes);
        }
    }

  private:
    void put(std::uint32_t slot, Value&& value)
    {
        if (Value* field = bind(slot)) {
            *field = std::move(value);
        }
    }
    /// The machine's storage of `slot`'s value, now in the slot table, or nullptr for kNoSlot.
    Value* bind(std::uint32_t slot)
    {
        if (slot == expr::kNoSlot) {
            return nullptr;
        }
        Value& field = machine_.field_values_[machine_.program_->field_values_index_[slot]];
        machine_.slots_[slot] = &field;
        return &field;
    }

    Machine& machine_;
    const MessagePlan& plan_;
};

const Machine::MessagePlan& Machine::plan_for(const std::string& msg)
{
    if (const MessagePlan* plan = program_->find_plan(msg); plan != nullptr) {
        return *plan;
    }
    auto [it, inserted] = extra_plans_.try_emplace(msg);
    if (inserted) {
        it->second = program_->make_plan(msg);
    }
    return it->second;
}

Value Machine::value_of(const std::string& name) const
{
    const std::uint32_t s = program_->state_index(name);
    return s == expr::kNoSlot ? Value::unknown("no such variable " + name) : state_[s];
}

std::vector<std::pair<std::string, std::string>> Machine::snapshot() const
{
    std::vector<std::pair<std::string, std::string>> out;
    for (std::size_t r = 0; r < 2; ++r) {
        const std::uint32_t s = program_->control_states_[r];
        const auto& states = spec_->control_states.at(r == 0 ? "initiator" : "target");
        out.emplace_back(program_->state_names_[s],
                         states.at(std::get<expr::EnumValue>(state_[s].data).index));
    }
    for (std::size_t k = 0; k < spec_->variables.size(); ++k) {
        const std::uint32_t s = program_->variable_states_[k];
        out.emplace_back(program_->state_names_[s], expr::render(state_[s], spec_->variables[k].type));
    }
    return out;
}

namespace {

/// Whether transition `t` may be taken from control state `state` (an empty `from` is any state).
bool leaves_from(const spec::Transition& t, const std::string& state)
{
    return t.from.empty() || std::find(t.from.begin(), t.from.end(), state) != t.from.end();
}

/// Whether `t` moves its role out of `state` to another control state.
bool moves_on(const spec::Transition& t, const std::string& state)
{
    return !t.to.empty() && t.to != state && leaves_from(t, state);
}

} // namespace

std::array<RoleStanding, 2> Machine::standing() const
{
    // Every guard is evaluated as if the next message were here with all its fields unknown: a guard
    // on the state alone decides (initiator.auth_requested), one on the message stays open.
    const Value unknown = Value::unknown("the next message is not known yet");
    std::vector<const Value*> slots = base_slots_;
    for (const std::uint32_t s : program_->absent_slots_) {
        slots[s] = &absent_;
    }
    for (std::size_t s = 0; s < slots.size(); ++s) {
        if (program_->field_values_index_[s] != expr::kNoSlot || s == program_->enabled_slot_) {
            slots[s] = &unknown;
        }
    }
    expr::DefCache defs(spec_->scope.defs.size());
    const EventEnv env(state_, *program_, false, slots, program_->names_, spec_->slots_verified, defs);

    std::array<RoleStanding, 2> out;
    for (std::size_t r = 0; r < out.size(); ++r) {
        RoleStanding& role = out[r];
        role.role = r == 0 ? trace::Role::initiator : trace::Role::target;
        const std::string name = trace::to_string(role.role);
        const auto& states = spec_->control_states.at(name);
        const std::uint32_t index =
            std::get<expr::EnumValue>(state_[program_->control_states_[r]].data).index;
        role.state = states.at(index);
        const auto roles = [&](const spec::Transition& t) { return t.role == name; };
        role.at_rest = index == 0 || std::none_of(spec_->transitions.begin(), spec_->transitions.end(),
                                                  [&](const spec::Transition& t) {
                                                      return roles(t) && moves_on(t, role.state);
                                                  });
        if (role.at_rest) {
            continue;
        }
        // A send the role could not make at rest keeps the procedure going even when it leaves the
        // control state as it is (AUTH_RESPONSE answering an AUTH_REQUEST, another AUTH_REQUEST round),
        // except a repeat of the message that brought the role here (a retransmitted request).
        const auto brought_here = [&](const std::string& msg) {
            return std::any_of(spec_->transitions.begin(), spec_->transitions.end(),
                               [&](const spec::Transition& u) {
                                   return roles(u) && u.dir == spec::Direction::send && u.to == role.state &&
                                          std::find(u.on.begin(), u.on.end(), msg) != u.on.end();
                               });
        };
        for (const spec::Transition& t : spec_->transitions) {
            if (!roles(t) || t.dir != spec::Direction::send || !leaves_from(t, role.state) ||
                leaves_from(t, states.front())) {
                continue;
            }
            const Value guard = condition(*t.guard, env, scope_);
            if (guard.is_known() && !std::get<bool>(guard.data)) {
                continue;
            }
            const bool stays = !moves_on(t, role.state);
            for (const std::string& msg : t.on) {
                if (msg != "*" && !(stays && brought_here(msg)) &&
                    std::find(role.next.begin(), role.next.end(), msg) == role.next.end()) {
                    role.next.push_back(msg);
                }
            }
        }
    }
    return out;
}

void Machine::add_passes(const PassCounts& counts, RulePasses& passes) const
{
    const auto& by_id = program_->rules_by_id_;
    if (!passes.empty()) {
        for (const std::uint32_t r : by_id) {
            if (r < counts.size() && counts[r] != 0) {
                passes[spec_->rules[r].id] += counts[r];
            }
        }
        return;
    }
    // Into an empty list (a replay's result): one buffer, filled in id order without a search.
    std::size_t entries = 0;
    std::size_t id_bytes = 0;
    for (std::size_t r = 0; r < counts.size() && r < spec_->rules.size(); ++r) {
        if (counts[r] != 0) {
            ++entries;
            id_bytes += spec_->rules[r].id.size();
        }
    }
    passes.reserve(entries, id_bytes);
    for (const std::uint32_t r : by_id) {
        if (r < counts.size() && counts[r] != 0) {
            passes.append(spec_->rules[r].id, counts[r]);
        }
    }
}

StepRecord Machine::step(std::size_t event_index, std::vector<Finding>& findings, RulePasses& passes,
                         bool snapshot_on_violation)
{
    return step(trace_->events.at(event_index), event_index, findings, passes, snapshot_on_violation);
}

void Machine::begin_slots()
{
    // This event's slot table: the state and parameters, then what lookup() would find before them.
    slots_ = base_slots_;
    for (const std::uint32_t s : program_->absent_slots_) {
        slots_[s] = &absent_;
    }
}

StepRecord Machine::step(const BoundEvent& be, std::size_t event_index, std::vector<Finding>& findings,
                         RulePasses& passes, bool snapshot_on_violation)
{
    begin_slots();
    for (const auto& [name, value] : be.fields) {
        if (const auto s = program_->slot_of(name); s != expr::kNoSlot) {
            slots_[s] = &value;
        }
    }
    return run(*be.event, event_index, plan_for(be.event->msg), findings, passes, snapshot_on_violation);
}

Expected<const Machine::MessagePlan*> Machine::bind_slots(const trace::Event& ev, std::size_t event_index)
{
    const MessagePlan& plan = plan_for(ev.msg);
    if (plan.def == nullptr || !plan.may_send[ev.from == trace::Role::initiator ? 0 : 1]) {
        auto def = detail::message_of(*spec_, *trace_->trace, ev, event_index);
        PC5CHECK_ASSERT(!def && "the plan knows the message and its senders");
        return tl::make_unexpected(std::move(def).error());
    }
    begin_slots();
    SlotSink sink(*this, plan);
    if (auto bound = detail::bind_event_fields(*spec_, *trace_->trace, ev, event_index, *plan.def,
                                               plan.msg_index, sink);
        !bound) {
        return tl::make_unexpected(std::move(bound).error());
    }
    return &plan;
}

Expected<StepRecord> Machine::step(const trace::Event& ev, std::size_t event_index,
                                   std::vector<Finding>& findings, RulePasses& passes,
                                   bool snapshot_on_violation)
{
    const auto plan = bind_slots(ev, event_index);
    if (!plan) {
        return tl::make_unexpected(plan.error());
    }
    return run(ev, event_index, **plan, findings, passes, snapshot_on_violation);
}

Expected<StepRecord> Machine::step(const trace::Event& ev, std::size_t event_index,
                                   std::vector<Finding>& findings, PassCounts& passes,
                                   bool snapshot_on_violation)
{
    const auto plan = bind_slots(ev, event_index);
    if (!plan) {
        return tl::make_unexpected(plan.error());
    }
    return run(ev, event_index, **plan, findings, passes, snapshot_on_violation);
}

StepRecord Machine::run(const trace::Event& ev, std::size_t event_index, const MessagePlan& plan,
                        std::vector<Finding>& findings, RulePasses& passes, bool snapshot_on_violation)
{
    scratch_passes_.assign(spec_->rules.size(), 0);
    StepRecord record = run(ev, event_index, plan, findings, scratch_passes_, snapshot_on_violation);
    add_passes(scratch_passes_, passes);
    return record;
}

/// The replay's value domain of the step (pc5check/machine/step.h): truth values are bools, the
/// candidates are the message plan's (so every `on` already matches), a guard that is unknown selects
/// its transition and is recorded as an assumption, an observe guard fires only when known true.
class Machine::ReplayStep {
  public:
    using Cond = bool;
    using Transition = Candidate;

    /// `snapshot_on_violation`: render the state before the event when it breaks a rule.
    ReplayStep(Machine& machine, const trace::Event& ev, const MessagePlan& plan, EventEnv& env,
               StepRecord& record, std::vector<Finding>& findings, PassCounts& passes, Attack attack,
               bool snapshot_on_violation)
        : m_(machine), ev_(ev), plan_(plan),
          env_(env), frame_{env, machine.scope_, machine.slots_, machine.code_scratch_}, record_(record),
          findings_(findings), passes_(passes), findings_before_(findings.size()), attack_(attack),
          snapshot_on_violation_(snapshot_on_violation)
    {
    }

    [[nodiscard]] static std::optional<bool> truth(bool c) { return c; }
    [[nodiscard]] static bool constant(bool b) { return b; }
    [[nodiscard]] static bool all(bool a, bool b) { return a && b; }
    [[nodiscard]] static bool any(bool a, bool b) { return a || b; }
    [[nodiscard]] static bool negate(bool a) { return !a; }

    [[nodiscard]] bool sent_by(trace::Role r) const { return ev_.from == r; }
    [[nodiscard]] bool injected() const { return attack_.injected; }
    [[nodiscard]] bool delivered() const { return !attack_.dropped; }
    [[nodiscard]] bool per_sender(bool if_initiator, bool if_target) const
    {
        return ev_.from == trace::Role::initiator ? if_initiator : if_target;
    }

    [[nodiscard]] const std::vector<Candidate>& transitions(trace::Role r, spec::Direction dir) const
    {
        const std::size_t i = r == trace::Role::initiator ? 0 : 1;
        return dir == spec::Direction::send ? plan_.send[i] : plan_.recv[i];
    }
    [[nodiscard]] const std::vector<Candidate>& observers() const { return plan_.observe; }
    [[nodiscard]] const std::vector<Program::PlannedCheck>& checks() const { return plan_.checks; }
    [[nodiscard]] static bool on(const Candidate& /*matched by the plan*/) { return true; }
    [[nodiscard]] static bool on(const Program::PlannedCheck& /*matched by the plan*/) { return true; }
    [[nodiscard]] static const spec::Check& check_of(const Program::PlannedCheck& c) { return *c.check; }
    [[nodiscard]] static const spec::Transition& spec_of(const Candidate& t) { return *t.transition; }

    [[nodiscard]] bool from(const Candidate& c) const
    {
        if (c.from.empty()) {
            return true;
        }
        const std::uint32_t current = std::get<expr::EnumValue>(m_.state_[c.control].data).index;
        return std::find(c.from.begin(), c.from.end(), current) != c.from.end();
    }
    [[nodiscard]] bool guard(const Candidate& c)
    {
        const Value g = condition(m_.program_->code(), c.guard, frame_);
        if (g.is_unknown()) {
            record_.assumptions.push_back("event " + std::to_string(record_.index) + ": guard of " +
                                          c.transition->id + " assumed true (" + g.unknown_reason() + ")");
            return true;
        }
        return std::get<bool>(g.data);
    }
    [[nodiscard]] bool observed(const Candidate& c) const
    {
        const Value g = condition(m_.program_->code(), c.guard, frame_);
        return g.is_known() && std::get<bool>(g.data);
    }

    void set_enabled(bool enabled) { env_.set_enabled(enabled); }
    void check(const Program::PlannedCheck& planned, bool on, bool exempt);
    void checked();
    void fire(bool when, const Candidate& c);

  private:
    Machine& m_;
    const trace::Event& ev_;
    const MessagePlan& plan_;
    EventEnv& env_;
    expr::Frame frame_; ///< env_ and the machine's slots, for the program's compiled trees
    StepRecord& record_;
    std::vector<Finding>& findings_;
    PassCounts& passes_;
    std::size_t findings_before_;
    Attack attack_;
    bool snapshot_on_violation_;
};

/// A check: `when` false skips it, unknown gives an unverified finding; else `assert` true counts a
/// pass, false is a violation, unknown an unverified finding (docs/spec-language.md 4.1 step 5).
void Machine::ReplayStep::check(const Program::PlannedCheck& planned, bool /*on*/, bool /*exempt*/)
{
    const spec::Rule& rule = m_.spec_->rules[planned.rule];
    const spec::Check& check = *planned.check;
    const Value when = condition(m_.program_->code(), planned.when, frame_);
    Value verdict = when;
    if (!when.is_unknown()) {
        if (!std::get<bool>(when.data)) {
            return;
        }
        verdict = condition(m_.program_->code(), planned.assertion, frame_);
    }
    if (verdict.is_known() && std::get<bool>(verdict.data)) {
        ++passes_[planned.rule];
        return;
    }
    Finding f;
    f.rule = rule.id;
    f.warning = rule.warning;
    f.outcome = verdict.is_unknown() ? Outcome::unverified : Outcome::violation;
    f.event = record_.index;
    f.position = ev_.position;
    f.msg = ev_.msg;
    f.offender = offender_role(check.offender, ev_.from);
    f.clauses = rule.clauses;
    f.rule_text = rule.text;
    f.expected = render_template(check.expected, env_, m_.scope_);
    f.observed = render_template(check.observed, env_, m_.scope_);
    if (verdict.is_unknown()) {
        f.reason = verdict.unknown_reason();
    }
    findings_.push_back(std::move(f));
}

/// The state is still the one before the event: render it now if this event broke a rule.
void Machine::ReplayStep::checked()
{
    if (!snapshot_on_violation_) {
        return;
    }
    for (std::size_t k = findings_before_; k < findings_.size(); ++k) {
        if (findings_[k].outcome == Outcome::violation && !findings_[k].warning) {
            record_.state_before = m_.snapshot();
            return;
        }
    }
}

/// A transition's effects and control state as updates; every right-hand side reads the state before
/// the event.
void Machine::ReplayStep::fire(bool when, const Candidate& c)
{
    PC5CHECK_ASSERT(when && "a concrete step decides every condition");
    if (c.transition->dir == spec::Direction::send) {
        record_.sender_transition = c.transition->id;
    } else if (c.transition->dir == spec::Direction::recv) {
        record_.receiver_transition = c.transition->id;
    }
    for (const Program::Effect& e : c.effects) {
        if (e.kind != Program::EffectKind::assign && m_.update_in_place(e, frame_)) {
            continue;
        }
        m_.program_->code().evaluate_into(e.value_code, frame_, m_.next_assignment(e.target));
    }
    if (c.to != expr::kNoSlot) {
        m_.next_assignment(c.control) = Value::enumeration(c.to);
    }
}

Machine::Update& Machine::next_update(std::uint32_t target, Program::EffectKind kind)
{
    if (update_count_ == updates_.size()) {
        updates_.emplace_back();
    }
    Update& u = updates_[update_count_++];
    u.target = target;
    u.kind = kind;
    return u;
}

Value& Machine::next_assignment(std::uint32_t target)
{
    static_cast<void>(next_update(target, Program::EffectKind::assign));
    return assigned_[target];
}

/// put/insert into the variable itself: the operands now, the change when the updates are applied.
/// Only when all is known and present (false: evaluate the whole right-hand side, which gives the
/// unknown with the reason it always gave). Under `if c then ... else V`: c first, a false c keeps V.
bool Machine::update_in_place(const Program::Effect& e, const expr::Frame& frame)
{
    const Value* current = frame.env.find(*e.variable);
    if (current != &state_[e.target] || !known_present(*current)) {
        return false;
    }
    const expr::Code& code = program_->code();
    if (e.condition != nullptr) {
        const Value c = code.evaluate(e.condition_code, frame);
        const bool* decided = std::get_if<bool>(&c.data);
        if (decided == nullptr) {
            return false;
        }
        if (!*decided) {
            static_cast<void>(next_update(e.target, Program::EffectKind::keep));
            return true;
        }
    }
    Value first = code.evaluate(e.key != nullptr ? e.key_code : e.element_code, frame);
    if (!known_present(first)) {
        return false;
    }
    if (e.kind == Program::EffectKind::insert) {
        next_update(e.target, e.kind).value = std::move(first);
        return true;
    }
    const Value second = code.evaluate(e.element_code, frame);
    if (!known_present(second)) {
        return false;
    }
    Update& u = next_update(e.target, e.kind);
    u.key = std::get<std::int64_t>(first.data);
    u.entry = std::get<std::int64_t>(second.data);
    return true;
}

/// The attacker annotations of a counterexample of `prove` for one event (honoured only when the caller
/// kept them: check --attacker-steps), recorded as an assumption.
Machine::Attack Machine::attacker_annotations(const trace::Event& ev, std::size_t event_index,
                                              StepRecord& record) const
{
    Attack attack;
    if (!trace_->attacker_steps) {
        return attack;
    }
    for (const auto& a : trace_->trace->attacker_steps) {
        if (a.event == event_index) {
            attack.injected = attack.injected || a.injected;
            attack.dropped = attack.dropped || !a.injected;
        }
    }
    if (attack.injected || attack.dropped) {
        record.assumptions.push_back(
            "event " + std::to_string(event_index) + " (" + ev.msg + "): " +
            (attack.injected
                 ? std::string("injected by the attacker, not sent by the ") + trace::to_string(ev.from)
                 : std::string("dropped by the attacker, never received by the ") +
                       trace::to_string(other(ev.from))) +
            " (attacker_steps)");
    }
    return attack;
}

StepRecord Machine::run(const trace::Event& ev, std::size_t event_index, const MessagePlan& plan,
                        std::vector<Finding>& findings, PassCounts& passes, bool snapshot_on_violation)
{
    if (passes.size() < spec_->rules.size()) {
        passes.resize(spec_->rules.size(), 0);
    }
    StepRecord record;
    record.index = event_index;
    const Attack attack = attacker_annotations(ev, event_index, record);

    // run() evaluates only the spec's trees (guards, checks, templates, effects).
    EventEnv env(state_, *program_, false, slots_, program_->names_, spec_->slots_verified, def_values_);
    if (program_->enabled_slot_ != expr::kNoSlot) {
        slots_[program_->enabled_slot_] = env.enabled();
    }
    update_count_ = 0;
    memos_.begin_event();
    ReplayStep domain{*this, ev, plan, env, record, findings, passes, attack, snapshot_on_violation};
    machine::step(domain);
    // Which integrity algorithm's output equals the logged MAC-I, among those the rules and transitions
    // computed for this event (TS 33.501 D.4: the receiver recomputes the MAC-I and compares).
    if (ev.sec.mac) {
        for (const MacUse& use : memos_.macs()) {
            if (use.mac == *ev.sec.mac) {
                record.mac_verified_by = use.alg;
                break;
            }
        }
    }

    // The last update of a variable wins, as when they were assigned in order; applied last to first,
    // each variable is changed once, so an in-place change starts from the state before the event.
    ++epoch_;
    for (std::size_t k = update_count_; k-- > 0;) {
        Update& u = updates_[k];
        if (written_[u.target] == epoch_) {
            continue;
        }
        written_[u.target] = epoch_;
        Value& target = state_[u.target];
        switch (u.kind) {
        case Program::EffectKind::assign:
            // The old value's storage stays in assigned_, for the variable's next assignment: a key or a
            // set is copied into storage that held one before.
            std::swap(target, assigned_[u.target]);
            break;
        case Program::EffectKind::put:
            expr::detail::map_put(std::get<expr::MapValue>(target.data), u.key, u.entry);
            break;
        case Program::EffectKind::insert:
            std::get<expr::SetValue>(target.data).insert(std::move(u.value));
            break;
        case Program::EffectKind::keep:
            break;
        }
    }
    return record;
}

Replayer::Replayer(std::shared_ptr<const Program> program, std::unique_ptr<BoundTrace> bound, bool keep_steps)
    : bound_(std::move(bound)), machine_(std::move(program), *bound_), keep_steps_(keep_steps)
{
}

Expected<Replayer> Replayer::start(const spec::Spec& spec, const trace::Trace& header, bool keep_steps,
                                   bool attacker_steps)
{
    return start(std::make_shared<const Program>(spec), header, keep_steps, attacker_steps);
}

Expected<Replayer> Replayer::start(std::shared_ptr<const Program> program, const trace::Trace& header,
                                   bool keep_steps, bool attacker_steps)
{
    PC5CHECK_ASSERT(program != nullptr);
    auto bound = bind_header(program->spec(), header);
    if (!bound) {
        return tl::make_unexpected(std::move(bound).error());
    }
    bound->attacker_steps = attacker_steps;
    return Replayer(std::move(program), std::make_unique<BoundTrace>(std::move(*bound)), keep_steps);
}

Expected<const StepRecord*> Replayer::feed(const trace::Event& event)
{
    const std::size_t i = next_;
    const auto before = result_.findings.size();
    auto stepped = machine_.step(event, i, result_.findings, passes_, !violated_);
    if (!stepped) {
        return tl::make_unexpected(std::move(stepped).error());
    }
    ++next_;
    StepRecord rec = std::move(*stepped);
    for (const auto& a : rec.assumptions) {
        result_.assumptions.push_back(a);
    }
    for (std::size_t k = before; k < result_.findings.size(); ++k) {
        const Finding& f = result_.findings[k];
        if (f.outcome == Outcome::violation && !f.warning && !violated_) {
            violated_ = true;
            result_.state_at_first_violation = std::move(rec.state_before);
        }
    }
    if (rec.mac_verified_by && *rec.mac_verified_by < mac_verified_by_.size()) {
        mac_verified_by_.at(*rec.mac_verified_by).push_back(i);
    }
    if (keep_steps_) {
        result_.steps.push_back(std::move(rec));
        return &result_.steps.back();
    }
    last_ = std::move(rec);
    return &last_;
}

void Replayer::take_findings(std::vector<Finding>& findings, std::vector<std::string>& assumptions)
{
    findings = std::move(result_.findings);
    result_.findings.clear();
    assumptions = std::move(result_.assumptions);
    result_.assumptions.clear();
    for (auto& events : mac_verified_by_) {
        events.clear();
    }
}

ReplayResult Replayer::finish() &&
{
    result_.verdict = violated_ ? Verdict::violation : Verdict::conforms;
    machine_.add_passes(passes_, result_.passes);
    for (std::size_t alg = 0; alg < mac_verified_by_.size(); ++alg) {
        if (!mac_verified_by_.at(alg).empty()) {
            result_.mac_verified_by.emplace(protocol::kNiaNames.at(alg), std::move(mac_verified_by_.at(alg)));
        }
    }
    return std::move(result_);
}

Expected<ReplayResult> replay(const spec::Spec& spec, const trace::Trace& trace)
{
    return replay(std::make_shared<const Program>(spec), trace);
}

Expected<ReplayResult> replay(std::shared_ptr<const Program> program, const trace::Trace& trace)
{
    auto replayer = Replayer::start(std::move(program), trace, true);
    if (!replayer) {
        return tl::make_unexpected(std::move(replayer).error());
    }
    for (const auto& event : trace.events) {
        if (auto fed = replayer->feed(event); !fed) {
            return tl::make_unexpected(std::move(fed).error());
        }
    }
    return std::move(*replayer).finish();
}

} // namespace pc5check::machine
