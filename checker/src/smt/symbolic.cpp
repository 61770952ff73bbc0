/// \file `check --symbolic`: the trace replayed through the spec with Z3 holding what the trace leaves
/// open. See symbolic.h for the semantics; docs/cli.md (verdicts) for the verdicts.
///
/// Encoding, per event k (and per slot of an unlogged message the solver may insert):
///   - state variables are terms; a value the step leaves symbolic gets a fresh constant `s!k!name`
///     bound by an equality guarded by the event's literal `event!k` (so unsat cores name events and
///     the formula stays linear in the trace length);
///   - each check of a rule that the trace does not decide becomes `check!i => (applies => holds)`;
///   - a decided check is a plain pass or violation, exactly as in the concrete machine.
/// Satisfiable with every literal assumed: conforms. Unsatisfiable: the first failing event is found
/// by bisection over prefixes of literals, the explanation is the (minimised) unsat core.

#include "pc5check/machine/machine.h"
#include "smt/trace_problem.h"
#include "smt/z3_assign.h"

namespace pc5check::smt {

namespace detail {

machine::Finding TraceProblem::render_finding(const spec::Rule& rule, const spec::Check& check,
                                              const StepInput& in)
{
    machine::Finding f;
    f.rule = rule.id;
    f.warning = rule.warning;
    f.event = in.event;
    if (in.observed != nullptr) {
        f.position = in.observed->position;
        f.msg = in.observed->msg;
    } else {
        f.msg = "(unlogged message)";
    }
    trace::Role sender = trace::Role::initiator;
    if (const auto* v = std::get_if<Value>(&in.from)) {
        sender = std::get<expr::EnumValue>(v->data).index == 0 ? trace::Role::initiator : trace::Role::target;
    }
    f.offender = machine::offender_role(check.offender, sender);
    f.clauses = rule.clauses;
    f.rule_text = rule.text;
    f.expected = machine::render_template(check.expected, cenv_, scope_, "(open)");
    f.observed = machine::render_template(check.observed, cenv_, scope_, "(open)");
    return f;
}

// A trace logs which messages were injected, so the step's exemption is always decided here: machine::step
// skips a check it exempts and passes the others with `exempt` false.
void TraceProblem::record_check(const spec::Rule& rule, const spec::Check& check, const StepInput& in,
                                const Sym& holds_in, const Sym& /*exempt*/)
{
    Sym holds = holds_in;
    if (!in.active && !truth(holds)) {
        const z3::expr h = closed_simplify(boolean(holds)); // a closed term is decided here
        if (h.is_true() || h.is_false()) {
            holds = Value::boolean(h.is_true());
        }
    }
    if (const auto t = truth(holds)) {
        if (*t) {
            ++result_.passes[rule.id];
            return;
        }
        machine::Finding f = render_finding(rule, check, in);
        f.outcome = machine::Outcome::violation;
        if (!rule.warning) {
            if (!concrete_violation_ && !in.hidden) {
                result_.state_at_first_violation = render_state(state_, StateText{});
            }
            concrete_violation_ = true;
            if (result_.explanation.empty()) {
                result_.first_failing_event = in.event;
                result_.explanation.push_back({in.event, rule.id,
                                               "rule " + rule.id + " at event " + std::to_string(in.event) +
                                                   " (" + f.msg + "): broken by the observed values alone",
                                               rule.clauses});
            }
        }
        result_.findings.push_back(std::move(f));
        return;
    }
    const z3::expr lit = ctx_.bool_const(("check!" + std::to_string(instances_.size())).c_str());
    z3::expr h = boolean(holds);
    if (in.active) {
        assign(h, z3::implies(*in.active, h));
    }
    if (!rule.warning) {
        solver_.add(z3::implies(lit, h));
    }
    const Deps d = deps_of(holds);
    instances_.push_back(Instance{&rule, &check, in.event, in.hidden, in.slot, h, lit, d.leaves, d.truncated,
                                  render_finding(rule, check, in)});
}

std::vector<z3::expr> TraceProblem::prefix(std::size_t last_event, bool with_checks,
                                           const std::optional<z3::expr>& bound)
{
    std::vector<z3::expr> out;
    for (std::size_t k = 0; k <= last_event && k < event_literals_.size(); ++k) {
        out.push_back(event_literals_[k]);
    }
    for (std::size_t s = 0; s < slot_literals_.size(); ++s) {
        if (slot_gap_[s] <= last_event) {
            out.push_back(slot_literals_[s]);
        }
    }
    if (with_checks) {
        for (const auto& inst : instances_) {
            if (!inst.rule->warning && inst.event <= last_event) {
                out.push_back(inst.literal);
            }
        }
    }
    if (bound) {
        out.push_back(*bound);
    }
    return out;
}

void TraceProblem::inconclusive()
{
    result_.verdict = machine::Verdict::inconclusive;
    const std::string why = budget_.out_of_time() ? std::string("time spent before the solver could answer")
                                                  : budget_.unknown_reason();
    if (why.find("memory") != std::string::npos) {
        result_.limit = "solver memory limit (--solver-memory-mb): " + why;
    } else if (budget_.out_of_time() || why.find("timeout") != std::string::npos ||
               why.find("canceled") != std::string::npos || budget_.remaining_ms() <= 1) {
        result_.limit =
            "solver time limit (--timeout-ms " + std::to_string(options_.timeout_ms) + "): " + why;
    } else {
        result_.limit = "solver gave up: " + why;
    }
}

std::string TraceProblem::leaves_text(const Instance& inst) const
{
    std::string out;
    for (const auto l : inst.leaves) {
        out += (out.empty() ? "" : "; ") + leaves_[l].what;
    }
    if (inst.leaves_truncated) {
        out += "; and more";
    }
    return out.empty() ? std::string("values the trace leaves open") : out;
}

std::string TraceProblem::describe_value(const Model& m, const Leaf& leaf)
{
    if (leaf.present && m.eval(*leaf.present).is_false()) {
        return "absent";
    }
    const z3::expr v = m.eval(leaf.value);
    switch (leaf.type.kind) {
    case TypeKind::boolean:
        return v.is_true() ? "true" : "false";
    case TypeKind::integer:
        return v.to_string();
    case TypeKind::enumeration: {
        std::int64_t i = 0;
        if (v.is_numeral_i64(i) && i >= 0 && static_cast<std::size_t>(i) < leaf.type.enum_def->names.size()) {
            return leaf.type.enum_def->names[static_cast<std::size_t>(i)];
        }
        return v.to_string();
    }
    case TypeKind::bytes: {
        const z3::expr id = m.eval(bytes_id_(leaf.value));
        std::int64_t i = 0;
        if (id.is_numeral_i64(i)) {
            for (const auto& [bytes, c] : byte_literals_) {
                std::int64_t j = 0;
                if (m.eval(bytes_id_(c)).is_numeral_i64(j) && i == j) {
                    return "the value observed elsewhere in the trace (" + std::to_string(bytes.size()) +
                           " octets)";
                }
            }
        }
        return "a value consistent with the trace";
    }
    case TypeKind::set:
    case TypeKind::map:
        return "a value consistent with the trace";
    }
    return "?";
}

void TraceProblem::report_assumptions(const Model& m, const std::vector<std::size_t>& used)
{
    for (const auto l : used) {
        const Leaf& leaf = leaves_[l];
        result_.assumptions.push_back(leaf.what + " assumed " + describe_value(m, leaf));
    }
}

void TraceProblem::explain(const z3::expr_vector& core)
{
    std::set<std::string> names;
    for (const z3::expr& literal : core) {
        names.insert(literal.decl().name().str());
    }
    for (std::size_t k = 0; k < event_literals_.size(); ++k) {
        if (names.contains(event_literals_[k].decl().name().str())) {
            const trace::Event& ev = trace_.events[k];
            result_.explanation.push_back({k,
                                           "",
                                           "event " + std::to_string(k) + ": " + ev.msg + " from " +
                                               trace::to_string(ev.from) + " (observed)",
                                           {}});
        }
    }
    for (std::size_t s = 0; s < slot_literals_.size(); ++s) {
        if (names.contains(slot_literals_[s].decl().name().str())) {
            result_.explanation.push_back({slot_gap_[s],
                                           "",
                                           "an unlogged message before event " +
                                               std::to_string(slot_gap_[s]) + " (allowed by --max-missing)",
                                           {}});
        }
    }
    for (const auto& inst : instances_) {
        if (names.contains(inst.literal.decl().name().str())) {
            result_.explanation.push_back(
                {inst.event, inst.rule->id,
                 "rule " + inst.rule->id + " at " +
                     (inst.hidden ? "an unlogged message before event " + std::to_string(inst.event)
                                  : "event " + std::to_string(inst.event) + " (" + inst.finding.msg + ")") +
                     ": " + inst.rule->text,
                 inst.rule->clauses});
        }
    }
    std::stable_sort(
        result_.explanation.begin(), result_.explanation.end(),
        [](const machine::Conflict& a, const machine::Conflict& b) { return a.event < b.event; });
}

Expected<machine::ReplayResult> TraceProblem::run()
{
    auto bound_header = machine::bind_header(spec_, trace_);
    if (!bound_header) {
        return tl::make_unexpected(bound_header.error());
    }
    result_.mode = machine::Mode::symbolic;
    for (const auto& p : spec_.parameters) {
        params_["param." + p.id] = p.value;
    }
    initial_state_of(*bound_header);
    for (std::size_t k = 0; k < trace_.events.size(); ++k) {
        insert_slots(k);
        if (auto observed = observe_event(k); !observed) {
            return tl::make_unexpected(observed.error());
        }
    }
    insert_slots(trace_.events.size());

    const bool open = !instances_.empty() || !slot_literals_.empty();
    if (!open) {
        result_.verdict = concrete_violation_ ? machine::Verdict::violation : machine::Verdict::conforms;
        sort_findings();
        return std::move(result_);
    }

    std::optional<z3::expr> bound;
    if (concrete_violation_) {
        // The observed values alone break a rule: nothing conforms, whatever the open values are.
        result_.verdict = machine::Verdict::violation;
        if (!slot_active_.empty()) {
            bound.emplace(at_most(slot_actives(), options_.max_missing, "bound"));
        }
        result_.note = "the observed values alone break a rule";
    } else if (!search_conforming(bound)) {
        return std::move(result_);
    }
    report_violation(bound);
    return std::move(result_);
}

void TraceProblem::initial_state_of(const machine::BoundTrace& header)
{
    // Initial state from the link and keys; what they do not fix is open.
    std::unordered_map<std::string, Sym> init;
    for (const auto& [name, value] : header.init) {
        const auto it = spec_.init_scope.variables.find(name);
        PC5CHECK_ASSERT(it != spec_.init_scope.variables.end());
        if (value.is_unknown()) {
            init.emplace(name, open_value("initial " + name.substr(5) + " (" + value.unknown_reason() + ")",
                                          it->second, std::nullopt));
        } else {
            init.emplace(name, normal(Sym{value}, it->second));
        }
    }
    initial_state(init);
}

void TraceProblem::insert_slots(std::size_t k)
{
    for (unsigned s = 0; s < options_.max_missing; ++s) {
        const std::size_t slot = slot_literals_.size();
        StepInput in = hidden_input(k, slot);
        const z3::expr lit = ctx_.bool_const(("slot!" + std::to_string(slot)).c_str());
        slot_literals_.push_back(lit);
        slot_gap_.push_back(k);
        slot_active_.push_back(*in.active);
        step(in, lit);
        slot_inputs_.push_back(std::move(in));
    }
}

Expected<void> TraceProblem::observe_event(std::size_t k)
{
    auto be = machine::bind_event(spec_, trace_, trace_.events[k], k);
    if (!be) {
        return tl::make_unexpected(be.error());
    }
    StepInput in = observed_input(*be, k);
    const trace::Role observer_role =
        trace_.observer == trace::Observer::initiator ? trace::Role::initiator : trace::Role::target;
    if (trace_.observer != trace::Observer::air && trace_.events[k].from == observer_role) {
        in.delivered.emplace(
            open_value("event " + std::to_string(k) + " (" + trace_.events[k].msg + "): received by the " +
                           (observer_role == trace::Role::initiator ? "target" : "initiator") +
                           " (one-UE log)",
                       Type::boolean(), std::nullopt)
                .value);
    }
    if (options_.attacker_steps) {
        for (const auto& a : trace_.attacker_steps) {
            if (a.event == k && a.injected) {
                in.injected.emplace(ctx_.bool_val(true));
            } else if (a.event == k) {
                in.delivered.emplace(ctx_.bool_val(false));
            }
        }
    }
    const z3::expr lit = ctx_.bool_const(("event!" + std::to_string(k)).c_str());
    event_literals_.push_back(lit);
    if (k < kHistoryEvents) {
        history_.push_back(state_);
    }
    step(in, lit);
    return {};
}

bool TraceProblem::search_conforming(std::optional<z3::expr>& bound)
{
    // Fewest inserted messages first (iterative bound).
    Least least = slot_active_.empty() ? Least{}
                                       : least_bound(prefix(trace_.events.size(), true, std::nullopt),
                                                     slot_actives(), 0, options_.max_missing, "bound");
    if (slot_active_.empty()) {
        least.answer = check_asserted(prefix(trace_.events.size(), true, std::nullopt), least.model);
    } else {
        bound = least.bound;
    }
    if (least.answer == z3::unknown) {
        inconclusive();
        return false;
    }
    if (least.answer == z3::sat) {
        report_conforming(*least.model, bound);
        return false;
    }
    return locate_first_failure(bound);
}

void TraceProblem::report_conforming(const Model& model, const std::optional<z3::expr>& bound)
{
    result_.verdict = machine::Verdict::conforms;
    report_inserted(model);
    // Which open values mattered: those behind open checks.
    std::vector<std::size_t> used;
    for (const auto& inst : instances_) {
        for (const auto l : inst.leaves) {
            if (std::find(used.begin(), used.end(), l) == used.end()) {
                used.push_back(l);
            }
        }
    }
    std::sort(used.begin(), used.end());
    report_assumptions(model, used);
    classify(prefix(trace_.events.size(), false, bound), model, {});
    sort_findings();
}

bool TraceProblem::locate_first_failure(const std::optional<z3::expr>& bound)
{
    // Unsatisfiable: the first event after which nothing conforms (bisection over prefixes), in the
    // slices that conflict.
    if (slices_ && !restrict_to_conflict(prefix(trace_.events.size(), true, bound))) {
        inconclusive();
        return false;
    }
    result_.verdict = machine::Verdict::violation;
    result_.inserted = options_.max_missing;
    std::size_t lo = 0;
    std::size_t hi = trace_.events.empty() ? 0 : trace_.events.size() - 1;
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        const auto r = check(prefix(mid, true, bound));
        if (r == z3::unknown) {
            inconclusive();
            return false;
        }
        if (r == z3::unsat) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    result_.first_failing_event = lo;
    z3::params p(ctx_);
    p.set("core.minimize", true);
    solver_.set(p);
    if (check(prefix(lo, true, bound)) == z3::unsat) {
        explain(solver_.unsat_core());
    }
    return true;
}

void TraceProblem::report_violation(const std::optional<z3::expr>& bound)
{
    // Which checks to blame: those broken in a behaviour that fits the observations with the fewest
    // broken checks (then the fewest inserted messages) — like the concrete replay, this assumes the best
    // of what was not logged. Ties are all reported. The conflict itself is in the explanation.
    auto observations = prefix(trace_.events.size(), false, bound);
    for (const auto& inst : instances_) {
        if (inst.hidden && !inst.rule->warning) {
            observations.push_back(inst.literal); // inserted messages follow the rules
        }
    }
    std::optional<Model> model;
    std::set<std::size_t> blamed;
    if (!blame(observations, model, blamed)) {
        inconclusive();
        return;
    }
    classify(observations, model, blamed);
    if (result_.state_at_first_violation.empty() && result_.first_failing_event < history_.size()) {
        result_.state_at_first_violation =
            render_state(history_[result_.first_failing_event], state_text(model ? &*model : nullptr));
    }
    if (blamed.empty() && !concrete_violation_) {
        report_conflict_checks();
    }
    sort_findings();
}

void TraceProblem::report_conflict_checks()
{
    // The solver could not name a minimal set within its budget: report the conflict's checks.
    for (const auto& c : result_.explanation) {
        for (auto& inst : instances_) {
            if (!c.rule.empty() && inst.rule->id == c.rule && inst.event == c.event && !inst.hidden) {
                machine::Finding f = inst.finding;
                f.outcome = machine::Outcome::violation;
                f.reason = "in conflict with the other checks of the explanation";
                result_.findings.push_back(std::move(f));
                break;
            }
        }
    }
}

bool TraceProblem::blame(std::vector<z3::expr>& observations, std::optional<Model>& model,
                         std::set<std::size_t>& blamed)
{
    std::vector<std::size_t> candidates;
    z3::expr_vector broken(ctx_);
    for (std::size_t i = 0; i < instances_.size(); ++i) {
        // A check outside the slices of the conflict holds in some behaviour of its own part, so it
        // is broken in no behaviour with the fewest broken checks (restrict_to_conflict()).
        if (!instances_[i].hidden && !instances_[i].rule->warning && !outside_conflict(instances_[i])) {
            candidates.push_back(i);
            broken.push_back(!instances_[i].holds);
        }
    }
    // Fewest broken checks.
    const Least cost = least_bound(observations, broken, concrete_violation_ ? 0U : 1U,
                                   static_cast<unsigned>(candidates.size()), "broken");
    if (cost.answer == z3::unknown) {
        return false;
    }
    if (cost.answer == z3::unsat) {
        return true; // the observations alone conflict: nothing to blame beyond the explanation
    }
    observations.push_back(*cost.bound);
    // Then the fewest inserted messages.
    if (!slot_active_.empty()) {
        const Least inserted = least_bound(observations, slot_actives(), 0, options_.max_missing, "inserted");
        if (inserted.answer == z3::unknown) {
            return false;
        }
        if (inserted.answer == z3::sat) {
            observations.push_back(*inserted.bound);
            result_.inserted = inserted.k;
        }
    }
    blame_all_broken(observations, candidates, broken, model, blamed);
    return true;
}

void TraceProblem::blame_all_broken(const std::vector<z3::expr>& observations,
                                    const std::vector<std::size_t>& candidates, const z3::expr_vector& broken,
                                    std::optional<Model>& model, std::set<std::size_t>& blamed)
{
    // Every check broken in some such behaviour (a few rounds: each finds at least one more).
    constexpr int kRounds = 8;
    for (int round = 0; round < kRounds; ++round) {
        auto assumptions = observations;
        if (round > 0) {
            const z3::expr lit = ctx_.bool_const(("another!" + std::to_string(round)).c_str());
            solver_.add(z3::implies(lit, any_unblamed(candidates, broken, blamed)));
            assumptions.push_back(lit);
        }
        if (check(assumptions) != z3::sat) {
            break;
        }
        const Model m = whole_model(solver_.get_model());
        if (!model) {
            model = m;
        }
        bool grew = false;
        for (std::size_t j = 0; j < candidates.size(); ++j) {
            if (m.eval(broken[static_cast<int>(j)]).is_true()) {
                grew = blamed.insert(candidates[j]).second || grew;
            }
        }
        if (!grew) {
            break;
        }
    }
}

z3::expr TraceProblem::any_unblamed(const std::vector<std::size_t>& candidates, const z3::expr_vector& broken,
                                    const std::set<std::size_t>& blamed)
{
    z3::expr other = ctx_.bool_val(false);
    for (std::size_t j = 0; j < candidates.size(); ++j) {
        if (!blamed.contains(candidates[j])) {
            assign(other, other || broken[static_cast<int>(j)]);
        }
    }
    return other;
}

void TraceProblem::report_inserted(const Model& model)
{
    for (std::size_t s = 0; s < slot_inputs_.size(); ++s) {
        if (!model.eval(slot_active_[s]).is_true()) {
            continue;
        }
        ++result_.inserted;
        const StepInput& in = slot_inputs_[s];
        std::int64_t msg = 0;
        std::int64_t from = 0;
        (void)model.eval(std::get<Term>(in.msg).value).is_numeral_i64(msg);
        (void)model.eval(std::get<Term>(in.from).value).is_numeral_i64(from);
        result_.assumptions.push_back("one unlogged " + (*msg_names_)[static_cast<std::size_t>(msg)] +
                                      " from the " + (from == 0 ? "initiator" : "target") + " before event " +
                                      std::to_string(in.event));
    }
}

z3::check_result TraceProblem::prove(ProofBudget& proofs, z3::check_result known,
                                     const std::function<std::vector<z3::expr>()>& query)
{
    // An answer found together is counted as the question it answers, so the budget runs out where it
    // did when each was asked alone.
    if (proofs.queries == 0 || proofs.unanswered >= 3 ||
        (known == z3::unknown && std::chrono::steady_clock::now() >= proofs.deadline)) {
        proofs.queries = 0;
        return z3::unknown;
    }
    --proofs.queries;
    auto r = known;
    if (r == z3::unknown) {
        const auto assumptions = query();
        r = sliced() ? check_sliced(assumptions, kProofQueryMs) : check(assumptions, kProofQueryMs);
    }
    proofs.unanswered = r == z3::unknown ? proofs.unanswered + 1 : 0;
    return r;
}

void TraceProblem::prove_together(const std::vector<z3::expr>& observations,
                                  const std::optional<Model>& model, const std::set<std::size_t>& blamed,
                                  ProofBudget& proofs)
{
    proofs.warning_holds.assign(instances_.size(), z3::unknown);
    proofs.fails.assign(instances_.size(), z3::unknown);
    // The questions classify() and decide() ask, in their order, while the budget lasts.
    std::vector<z3::expr> targets;
    std::vector<std::pair<std::size_t, bool>> asked; // instance, whether the warning's question
    for (std::size_t i = 0; i < instances_.size() && targets.size() < proofs.queries; ++i) {
        const Instance& inst = instances_[i];
        if (inst.hidden || blamed.contains(i) || (!inst.rule->warning && outside_conflict(inst))) {
            continue;
        }
        if (inst.rule->warning && model && model->eval(inst.holds).is_false()) {
            targets.push_back(inst.holds);
            asked.emplace_back(i, true);
        }
        targets.push_back(!inst.holds);
        asked.emplace_back(i, false);
    }
    if (targets.empty()) {
        return;
    }
    // At most half the proofs' time: what is not answered together is asked alone in the rest.
    const auto now = std::chrono::steady_clock::now();
    const auto answers = check_each(observations, targets, now + (proofs.deadline - now) / 2);
    for (std::size_t k = 0; k < asked.size(); ++k) {
        (asked[k].second ? proofs.warning_holds : proofs.fails)[asked[k].first] = answers[k];
    }
}

void TraceProblem::classify(const std::vector<z3::expr>& observations, const std::optional<Model>& model,
                            const std::set<std::size_t>& blamed)
{
    // Proofs only refine the report: they get a quarter of the time limit (at most kProofTotalMs), and
    // stop after a run of queries the solver cannot answer in time.
    ProofBudget proofs{options_.proof_budget,
                       std::chrono::steady_clock::now() + std::chrono::milliseconds(std::min<unsigned>(
                                                              kProofTotalMs, options_.timeout_ms / 4)),
                       0,
                       {},
                       {}};
    prove_together(observations, model, blamed, proofs);
    for (std::size_t i = 0; i < instances_.size(); ++i) {
        Instance& inst = instances_[i];
        if (inst.hidden) {
            // Reported only when the behaviour found uses that inserted message.
            if (model && result_.verdict == machine::Verdict::conforms &&
                model->eval(slot_active_[inst.slot]).is_true()) {
                inst.finding.outcome = machine::Outcome::unverified;
                inst.finding.reason = "held at a message the solver inserted";
                result_.findings.push_back(inst.finding);
            }
        } else if (blamed.contains(i)) {
            inst.finding.outcome = machine::Outcome::violation;
            inst.finding.reason = "broken in the behaviour that fits the trace with the fewest broken checks";
            result_.findings.push_back(inst.finding);
        } else if (!inst.rule->warning && outside_conflict(inst)) {
            // Its part has behaviours without a broken check, so every behaviour with the fewest
            // broken checks keeps this one.
            ++result_.passes[inst.rule->id];
        } else if (!decide(i, observations, model, proofs)) {
            inst.finding.outcome = machine::Outcome::unverified;
            inst.finding.reason = "held only under assumptions about: " + leaves_text(inst);
            if (model && !model->eval(inst.holds).is_true()) {
                inst.finding.reason = "may fail, depending on: " + leaves_text(inst);
            }
            result_.findings.push_back(inst.finding);
        }
    }
}

bool TraceProblem::decide(std::size_t i, const std::vector<z3::expr>& observations,
                          const std::optional<Model>& model, ProofBudget& proofs)
{
    Instance& inst = instances_[i];
    if (inst.rule->warning && proofs.queries > 0 && model && model->eval(inst.holds).is_false()) {
        // A warning that applies in every behaviour fitting the trace is reported as such.
        const auto warning_holds = [&] {
            const z3::expr lit = ctx_.bool_const(("warn!" + inst.literal.decl().name().str()).c_str());
            solver_.add(z3::implies(lit, inst.holds));
            auto assumptions = observations;
            assumptions.push_back(lit);
            return assumptions;
        };
        if (prove(proofs, proofs.warning_holds[i], warning_holds) == z3::unsat) {
            inst.finding.outcome = machine::Outcome::violation;
            result_.findings.push_back(inst.finding);
            return true;
        }
    }
    if (proofs.queries == 0) {
        return false;
    }
    const auto fails = [&] {
        const z3::expr q = ctx_.bool_const(("refute!" + inst.literal.decl().name().str()).c_str());
        solver_.add(z3::implies(q, !inst.holds));
        auto assumptions = observations;
        assumptions.push_back(q);
        return assumptions;
    };
    if (prove(proofs, proofs.fails[i], fails) == z3::unsat) {
        ++result_.passes[inst.rule->id];
        return true;
    }
    return false;
}

void TraceProblem::sort_findings()
{
    std::stable_sort(result_.findings.begin(), result_.findings.end(),
                     [](const machine::Finding& a, const machine::Finding& b) { return a.event < b.event; });
}

} // namespace detail

Expected<machine::ReplayResult> check_symbolic(const spec::Spec& spec, const trace::Trace& trace,
                                               const SymbolicOptions& options)
{
    const auto out_of_memory_result = [](const std::string& why) {
        machine::ReplayResult r;
        r.mode = machine::Mode::symbolic;
        r.verdict = machine::Verdict::inconclusive;
        r.limit = "solver memory limit (--solver-memory-mb): " + why;
        return r;
    };
    // A fresh context per trace, deliberately: a context kept by the worker from trace to trace made
    // the unsat cores (so the explanations) depend on which traces that worker had checked before, and
    // the output must not depend on -j or --shard.
    detail::SolverContext ctx;
    if (!ctx.ok()) {
        return out_of_memory_result("no memory for a solver context");
    }
    try {
        detail::TraceProblem problem(spec, trace, options, ctx.get());
        return problem.run();
    } catch (const z3::exception& e) {
        if (detail::out_of_memory(e)) {
            return out_of_memory_result(e.msg());
        }
        return make_error(ErrorCode::solver_failure,
                          "z3: " + std::string(e.msg()) + " while checking " + trace.file);
    }
}

std::string solver_version() { return std::string("Z3 ") + Z3_get_full_version(); }

void set_solver_memory_limit(unsigned megabytes)
{
    z3::set_param("memory_max_size", static_cast<int>(megabytes));
}

} // namespace pc5check::smt
