/// \file `prove` and `query`: the spec as a closed system searched by Z3. See system.h for the model.
///
/// Encoding: the one encoding of `check --symbolic` (encoding.h) with every message open
/// (open_message; the system: system_model.h), one step per message; the rule checks of a step bind unless
/// the attacker injected the message and the check blames its claimed sender. Perfect crypto is made
/// explicit: each application of a crypto function gets inverse functions for its arguments (so it is
/// injective), a NIA0 MAC-I is the all-zero one and no other MAC-I is; a pdu determines its message type and
/// IEs.
///
/// prove: bounded model checking step by step (push/pop per depth) over the runs a k-induction base case
/// covers, then k-induction from an arbitrary state for the properties that held, Houdini-style (a
/// property whose step case fails leaves the set and the rest is tried again; a proof is re-checked in a
/// fresh context, base case and step case as separate queries, before it is reported), then bounded model
/// checking to the full depth of what no prover proved.

#include "pc5check/checker/system.h"

#include "pc5check/checker/check.h"
#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"
#include "smt/absent_capable.h"
#include "smt/cross_check.h"
#include "smt/induction.h"
#include "smt/search.h"
#include "smt/spacer.h"
#include "smt/system_model.h"
#include "smt/z3_assign.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <sstream>

namespace pc5check::smt {

Expected<Attacker> parse_attacker(const std::string& caps)
{
    Attacker a;
    std::stringstream in(caps);
    std::string item;
    bool none = false;
    while (std::getline(in, item, ',')) {
        if (item == "none") {
            none = true;
        } else if (item == "dy") {
            a.drop = a.replay = a.forge = true;
        } else if (item == "drop") {
            a.drop = true;
        } else if (item == "replay") {
            a.replay = true;
        } else if (item == "forge") {
            a.forge = true;
        } else if (item == "compromise-sess") {
            a.compromise_sess = true;
        } else if (item == "compromise-knrp") {
            a.compromise_knrp = true;
        } else {
            return make_error(
                ErrorCode::usage,
                "--attacker: unknown capability '" + item +
                    "' (expected a comma list of none, dy, drop, replay, forge, compromise-sess, "
                    "compromise-knrp)");
        }
    }
    if (none && a.any()) {
        return make_error(ErrorCode::usage, "--attacker: 'none' cannot be combined with capabilities");
    }
    if ((a.compromise_sess || a.compromise_knrp) && !a.forge) {
        return make_error(ErrorCode::usage, "--attacker: a compromised key is only of use with 'forge'");
    }
    return a;
}

std::string to_string(const Attacker& a)
{
    std::string out;
    const auto add = [&out](bool on, const char* name) {
        if (on) {
            out += (out.empty() ? "" : ",") + std::string(name);
        }
    };
    add(a.drop, "drop");
    add(a.replay, "replay");
    add(a.forge, "forge");
    add(a.compromise_sess, "compromise-sess");
    add(a.compromise_knrp, "compromise-knrp");
    return out.empty() ? "none" : out;
}

Expected<ProofEngine> parse_engine(const std::string& name)
{
    for (const ProofEngine e : {ProofEngine::induction, ProofEngine::spacer, ProofEngine::both}) {
        if (name == to_string(e)) {
            return e;
        }
    }
    return make_error(ErrorCode::usage,
                      "--engine: unknown prover '" + name + "' (expected induction, spacer or both)");
}

const char* to_string(ProofEngine e)
{
    static constexpr std::array<const char*, 3> kNames{"induction", "spacer", "both"};
    static_assert(kNames.size() == static_cast<std::size_t>(ProofEngine::both) + 1);
    return kNames.at(static_cast<std::size_t>(e));
}

const char* to_string(PropertyVerdict v)
{
    // One table per enum (in its order), as for every spelling of the reports.
    static constexpr std::array<const char*, 4> kNames{"proven", "holds up to depth", "violated",
                                                       "inconclusive"};
    static_assert(kNames.size() == static_cast<std::size_t>(PropertyVerdict::inconclusive) + 1);
    return kNames.at(static_cast<std::size_t>(v));
}

namespace detail {

SystemModel::SystemModel(const spec::Spec& spec, const trace::Trace& header, const SymbolicOptions& options,
                         z3::context& ctx, Purpose purpose)
    : Encoding(spec, header, options, ctx, purpose), budget_(options.timeout_ms)
{
    PC5CHECK_ASSERT(purpose != Purpose::trace && "a trace is a TraceProblem");
}

void SystemModel::join(const z3::solver& other, const std::string& prefix)
{
    solver_ = other;
    prefix_ = prefix;
    collect_checks_ = true;
}

std::optional<std::pair<z3::expr, z3::expr>> SystemModel::system_term(const std::string& name, std::size_t k)
{
    const bool init = name.starts_with("init.");
    if (!init && k >= system_steps_.size()) {
        return std::nullopt;
    }
    const auto& fields = init ? system_init_ : system_steps_[k].in.fields;
    const auto it = fields.find(name);
    if (it == fields.end()) {
        return std::nullopt;
    }
    const Type& type = init ? spec_.init_scope.variables.at(name) : type_of(name);
    const Term t = term(it->second, type);
    return std::pair{t.present, t.value};
}

std::vector<std::string> SystemModel::system_names(std::size_t k) const
{
    std::vector<std::string> out;
    if (k < system_steps_.size()) {
        for (const auto& [name, value] : system_steps_[k].in.fields) {
            out.push_back(name);
        }
    }
    for (const auto& [name, value] : system_init_) {
        out.push_back(name);
    }
    return out;
}

std::optional<z3::expr> SystemModel::system_start(const SystemOptions& options, bool arbitrary, Past past,
                                                  const std::string& air_name)
{
    std::optional<z3::expr> air;
    if (arbitrary && options.attacker.injects()) {
        if (past == Past::open_air) {
            air.emplace(system_open_past(air_name));
        } else {
            honest_past_ = true;
            open_presence_ = true; // as system_open_past(): an injected message can leave a variable absent
        }
    }
    if (arbitrary && options.absent_capable) {
        system_absent_only(*options.absent_capable);
    }
    system_begin(options.attacker, arbitrary);
    return air;
}

std::unordered_map<std::string, Sym> SystemModel::arbitrary_state(const std::string& label)
{
    std::unordered_map<std::string, Sym> out;
    const std::string present_prefix = prefix_ + label + "present ";
    const std::string what_prefix = label + "state ";
    for (const auto& v : spec_.variables) {
        const std::string name = v.role + "." + v.name;
        std::optional<z3::expr> present;
        if (absent_capable_ ? absent_capable_->contains(name) : open_presence_) {
            present.emplace(ctx_.bool_const((present_prefix + name).c_str()));
        }
        out.emplace(name, open_value(what_prefix + name, v.type, present));
    }
    for (const std::string role : {"initiator", "target"}) {
        const std::string name = role + ".state";
        out.emplace(name, open_value(what_prefix + name, type_of(name), std::nullopt));
    }
    return out;
}

void SystemModel::system_begin(const Attacker& attacker, bool arbitrary)
{
    attacker_ = attacker;
    for (const auto& p : spec_.parameters) {
        params_["param." + p.id] = p.value;
    }
    for (const auto& [name, type] : spec_.init_scope.variables) {
        if (!name.starts_with("init.")) {
            continue;
        }
        std::optional<std::pair<std::int64_t, std::int64_t>> range;
        if (name == "init.k_nrp_id") {
            range = std::pair<std::int64_t, std::int64_t>{
                0, std::int64_t{std::numeric_limits<trace::KNrpId>::max()}};
        } else if (name == "init.k_nrp_sess_id") {
            range = std::pair<std::int64_t, std::int64_t>{
                0, std::int64_t{std::numeric_limits<trace::KNrpSessId>::max()}};
        }
        system_init_.emplace(name, open_value("initial " + name.substr(5), type, std::nullopt, range));
        if (type.kind == TypeKind::bytes) { // the initial K_NRP and K_NRP-sess
            static_assert(crypto::kKNrpOctets == crypto::kKNrpSessOctets);
            solver_.add(bytes_len_(std::get<Term>(system_init_.at(name)).value) ==
                        ctx_.int_val(static_cast<std::int64_t>(crypto::kKNrpOctets)));
        }
    }
    if (arbitrary) {
        // Induction step: any state at all (the variables keep their types and ranges).
        state_ = arbitrary_state("");
    } else {
        initial_state(system_init_);
    }
    system_states_.push_back(state_);
}

z3::expr SystemModel::lint_formula(const expr::Node& formula)
{
    PC5CHECK_ASSERT(purpose_ == Purpose::lint && "lint_formula of a system that is not lint's");
    if (!lint_message_) {
        system_begin(Attacker{}, true);
        // Lint asks whether an expression can hold for some setting: parameters are open too.
        params_.clear();
        lint_message_.emplace();
        lint_message_->hidden = true;
        solver_.add(open_message("lint: ", *lint_message_));
        for (const auto& [name, type] : scope_.variables) {
            if (find(name) == nullptr && !lint_message_->fields.contains(name)) {
                state_.emplace(name, open_value("lint: " + name, type, std::nullopt));
            }
        }
    }
    fields_ = &lint_message_->fields;
    return boolean(encode(formula));
}

Sym SystemModel::known_of(const Node& n, const std::vector<Sym>& args)
{
    const z3::expr t = ctx_.bool_val(true);
    // In the system every value is there to see, as in the trace a counterexample becomes:
    // known unless absent, computed from a missing input, or left open by the spec (FFS).
    const Term a = term(args[0], n.args[0]->type);
    z3::expr k = a.present;
    if (n.args[0]->type.kind == TypeKind::bytes) {
        assign(k, k && a.value != system_bottom());
    }
    if (mentions(*n.args[0], [this](const Node& x) {
            if (x.kind != NodeKind::call) {
                return false;
            }
            const auto f = scope_.functions.find(x.name);
            return f != scope_.functions.end() && f->second.open;
        })) {
        assign(k, ctx_.bool_val(false));
    }
    return normal(Term{t, k}, n.type);
}

Sym SystemModel::external(const Node& n, const std::vector<Sym>& args, const std::vector<z3::expr>& v)
{
    const auto f = scope_.functions.find(n.name);
    PC5CHECK_ASSERT(f != scope_.functions.end() && "call of an undeclared function");
    if (f->second.meaning.kind == expr::SolverMeaning::Kind::empty_map) {
        return Encoding::external(n, args, v);
    }
    const z3::expr t = ctx_.bool_val(true);
    // A receiver cannot compute a MAC-I or a key from an input the message did not carry: the
    // result is a value no MAC-I on the air and no other derivation equals.
    z3::expr all_present = ctx_.bool_val(true);
    for (std::size_t i = 0; i < args.size(); ++i) {
        assign(all_present, all_present && term(args[i], n.args[i]->type).present);
    }
    const z3::expr applied = system_apply(n.name, v, sort_of(n.type));
    // Nor from inputs the real function refuses (replay: unknown, so the check is unverified):
    // a run the solver finds never rests on a derivation replay cannot make.
    const z3::expr ap = (all_present && accepted_inputs(f->second.meaning, v)).simplify();
    if (ap.is_true() || applied.get_sort().id() != bytes_sort_.id()) {
        return Term{t, applied};
    }
    return Term{t, z3::ite(ap, applied, system_bottom())};
}

std::optional<z3::expr> SystemModel::null_mac()
{
    // As the MAC function's declaration gives it (expr::SolverMeaning::Kind::mac, machine/builtins.cpp):
    // the null algorithm's MAC-I (all zeros, spec/pc5-protocol.json).
    for (const auto& [name, f] : scope_.functions) {
        if (f.meaning.kind == expr::SolverMeaning::Kind::mac && f.meaning.null_algorithm) {
            return literal(Value::bytes(f.meaning.null_algorithm->result), Type::bytes());
        }
    }
    return std::nullopt;
}

z3::expr SystemModel::system_bottom()
{
    if (!bottom_) {
        bottom_.emplace(ctx_.constant((prefix_ + "bottom").c_str(), bytes_sort_));
        if (const auto zero = null_mac()) {
            solver_.add(*bottom_ != *zero);
        }
        for (const char* n : {"init.k_nrp_sess", "init.k_nrp"}) {
            if (const auto k = init_term(n, Type::bytes())) {
                solver_.add(*bottom_ != *k);
            }
        }
        for (const auto& a : applications_) {
            if (a.result.get_sort().id() == bytes_sort_.id()) {
                solver_.add(a.result != *bottom_);
            }
        }
        for (const auto& m : system_steps_) {
            solver_.add(std::get<Term>(m.in.fields.at("sec.mac")).value != *bottom_);
        }
        for (const auto& p : past_) {
            solver_.add(std::get<Term>(p.message.in.fields.at("sec.mac")).value != *bottom_);
        }
    }
    return *bottom_;
}

z3::expr SystemModel::system_apply(const std::string& name, const std::vector<z3::expr>& args,
                                   const z3::sort& result)
{
    z3::expr r = functions_.apply(name, args, result);
    if (!applied_.insert(Z3_get_ast_id(ctx_, r)).second) {
        return r; // same term: its axioms are there already
    }
    applications_.push_back(Application{name, args, r});
    if (bottom_ && r.get_sort().id() == bytes_sort_.id()) {
        solver_.add(r != *bottom_);
    }
    // The axioms the function's declaration gives it (expr::SolverMeaning, beside its concrete meaning in
    // machine/builtins.cpp).
    const auto declared = scope_.functions.find(name);
    PC5CHECK_ASSERT(declared != scope_.functions.end() && "system_apply of an undeclared function");
    const expr::SolverMeaning& meaning = declared->second.meaning;
    add_meaning(meaning, name, args, r);
    if (meaning.result_octets != 0 && r.get_sort().id() == bytes_sort_.id()) {
        solver_.add(bytes_len_(r) == ctx_.int_val(static_cast<std::int64_t>(meaning.result_octets)));
    }
    // The K_NRP-sess and K_NRP in force at the start came from nonces / an authentication run that
    // are never repeated (random 128-bit values): nothing derived in the system equals them.
    switch (meaning.distinct_from) {
    case expr::SolverMeaning::DistinctFrom::nothing:
        break;
    case expr::SolverMeaning::DistinctFrom::initial_session_key:
        if (const auto k = init_term("init.k_nrp_sess", Type::bytes())) {
            solver_.add(r != *k);
        }
        break;
    case expr::SolverMeaning::DistinctFrom::initial_root_key:
        if (const auto k = init_term("init.k_nrp", Type::bytes())) {
            solver_.add(r != *k);
        }
        break;
    }
    return r;
}

std::optional<z3::expr> SystemModel::init_term(const std::string& name, const Type& type)
{
    const auto it = system_init_.find(name);
    if (it == system_init_.end()) {
        return std::nullopt;
    }
    return term(it->second, type).value;
}

void SystemModel::add_meaning(const expr::SolverMeaning& meaning, const std::string& name,
                              const std::vector<z3::expr>& args, const z3::expr& r)
{
    const auto inverse = [&](std::size_t i) {
        return functions_.apply("inv!" + name + "!" + std::to_string(i), {r}, args[i].get_sort());
    };
    z3::expr injective = ctx_.bool_val(true);
    for (std::size_t i = 0; i < args.size(); ++i) {
        assign(injective, injective && inverse(i) == args[i]);
    }
    // The switch has no default, so a new kind cannot go without a Z3 meaning.
    switch (meaning.kind) {
    case expr::SolverMeaning::Kind::injective:
        solver_.add(injective);
        break;
    case expr::SolverMeaning::Kind::injective_in_key:
        solver_.add(inverse(0) == args[0]);
        break;
    case expr::SolverMeaning::Kind::mac: {
        // The null algorithm's MAC-I (all zeros), which no real MAC-I is.
        const expr::SolverMeaning::NullAlgorithm& null_alg = meaning.null_algorithm.value();
        const z3::expr zero = literal(Value::bytes(null_alg.result), Type::bytes());
        const z3::expr null = args[0] == ctx_.int_val(null_alg.index);
        solver_.add(z3::implies(null, r == zero));
        solver_.add(z3::implies(!null, r != zero && injective));
        break;
    }
    case expr::SolverMeaning::Kind::key_lookup: {
        solver_.add(injective);
        // As the concrete look-up of logged keys: the K_NRP in force at the start is found under its
        // own ID (shifted by id_shift); any other ID names another key.
        const auto k = init_term("init.k_nrp", Type::bytes());
        const auto id = init_term("init.k_nrp_id", Type::integer());
        if (k && id) {
            const z3::expr named =
                meaning.id_shift == 0 ? *id : *id / ctx_.int_val(std::int64_t{1} << meaning.id_shift);
            solver_.add((args[0] == named) == (r == *k));
        }
        break;
    }
    case expr::SolverMeaning::Kind::empty_map:
        break;
    }
}

void SystemModel::record_check(const spec::Rule& rule, const spec::Check& /*check*/, const StepInput& /*in*/,
                               const Sym& holds, const Sym& exempt)
{
    if (rule.warning) {
        return;
    }
    const z3::expr h = boolean(holds);
    if (h.is_true()) {
        return;
    }
    // An honest UE follows the spec: every check blaming it holds (the step exempts the checks an
    // injected message does not bind).
    const z3::expr binds = truth(exempt) == std::optional<bool>(false) ? h : z3::implies(!boolean(exempt), h);
    if (collect_checks_) {
        collected_.push_back(binds);
        collected_rules_.push_back(rule.id);
        return;
    }
    solver_.add(binds);
}

SystemModel::SystemMessage SystemModel::system_message(const std::string& at, std::size_t k, bool past,
                                                       const std::string& drop_name)
{
    SystemMessage m{StepInput{}, ctx_.bool_val(false), ctx_.bool_val(false)};
    StepInput& in = m.in;
    in.event = k;
    in.hidden = true;
    in.slot = k;
    solver_.add(open_message(at, in));
    const bool may_inject = !past && attacker_.injects();
    if (may_inject) {
        assign(m.injected, ctx_.bool_const((prefix_ + "inject!" + std::to_string(k)).c_str()));
    }
    if (attacker_.drop) {
        assign(m.dropped, ctx_.bool_const((prefix_ + drop_name).c_str()));
    }
    const z3::expr prot = system_field(in, "sec.protected");
    in.injected = m.injected;
    in.delivered.emplace(past ? !m.dropped : m.injected || !m.dropped);

    bind_pdu(in);
    // An honest UE's MAC-I is a real one, under a key it holds (which key: the rules say where it
    // matters); it is not a value the solver may pick to suit a later forgery.
    const z3::expr real = honest_mac(in, at);
    solver_.add(z3::implies(past ? prot : !m.injected && prot, system_field(in, "sec.mac") == real));
    if (may_inject) {
        solver_.add(z3::implies(m.injected, attacker_can_send(in, at)));
    }

    step(in, ctx_.bool_val(true));
    if (bottom_) {
        solver_.add(system_field(in, "sec.mac") != *bottom_);
    }
    return m;
}

SystemModel::PastSend SystemModel::past_send(std::size_t k)
{
    const std::string at = "message " + std::to_string(k + 1) + " before the arbitrary state: ";
    std::unordered_map<std::string, Sym> current = std::move(state_);
    state_ = arbitrary_state(at);
    std::unordered_map<std::string, Sym> before = state_;
    // Sent by a UE that follows the spec (never injected), delivered or dropped.
    SystemMessage message = system_message(at, k, true, "past drop!" + std::to_string(k));
    PastSend p{std::move(before), std::move(message), std::move(state_)};
    state_ = std::move(current);
    return p;
}

void SystemModel::system_step()
{
    const std::size_t k = system_steps_.size();
    if (honest_past_) {
        past_.push_back(past_send(k));
    }
    system_steps_.push_back(
        system_message("step " + std::to_string(k + 1) + ": ", k, false, "drop!" + std::to_string(k)));
    system_states_.push_back(state_);
}

std::map<std::string, Term> SystemModel::system_state(std::size_t k)
{
    PC5CHECK_ASSERT(k < system_states_.size());
    std::map<std::string, Term> out;
    for (const auto& [name, value] : system_states_[k]) {
        out.emplace(name, term(value, type_of(name)));
    }
    return out;
}

std::map<std::string, Term> SystemModel::system_init()
{
    std::map<std::string, Term> out;
    for (const auto& [name, value] : system_init_) {
        out.emplace(name, term(value, spec_.init_scope.variables.at(name)));
    }
    return out;
}

z3::expr SystemModel::system_air_after()
{
    z3::expr seen = air_ ? *air_ : z3::empty_set(bytes_sort_);
    for (const auto& m : system_steps_) {
        const z3::expr mac = system_field(m.in, "sec.mac");
        assign(seen, z3::ite(system_field(m.in, "sec.protected"), z3::set_add(seen, mac), seen));
    }
    return seen;
}

z3::expr SystemModel::system_field(const StepInput& in, const std::string& name)
{
    return std::get<Term>(in.fields.at(name)).value;
}

void SystemModel::bind_pdu(const StepInput& in)
{
    // A pdu determines the message: type and every IE (presence and value).
    const z3::expr pdu = system_field(in, "pdu");
    solver_.add(functions_.apply(prefix_ + "pdu!msg", {pdu}, ctx_.int_sort()) == system_field(in, "msg"));
    // The MAC-I covers the PDCP header too (TS 38.323 5.9), so the K_NRP-sess ID it names is bound as
    // well: the attacker cannot move a protected PDU to another context by rewriting the header.
    solver_.add(z3::implies(system_field(in, "sec.protected"),
                            functions_.apply(prefix_ + "pdu!sec.ctx", {pdu}, ctx_.int_sort()) ==
                                system_field(in, "sec.ctx")));
    for (const auto& [name, value] : in.fields) {
        if (!name.starts_with("ie.")) {
            continue;
        }
        const Term& t = std::get<Term>(value);
        solver_.add(functions_.apply(prefix_ + "pdu!" + name + "!present", {pdu}, ctx_.bool_sort()) ==
                    t.present);
        solver_.add(z3::implies(
            t.present, functions_.apply(prefix_ + "pdu!" + name, {pdu}, t.value.get_sort()) == t.value));
    }
}

z3::expr SystemModel::honest_mac(const StepInput& in, const std::string& at)
{
    const Type nia_type = Type::enumeration(spec_.find_enum("Nia"));
    const z3::expr alg = open_value(at + "integrity algorithm of the sender", nia_type, std::nullopt).value;
    const z3::expr key =
        open_value(at + "K_NRP-sess the sender protects with", Type::bytes(), std::nullopt).value;
    return system_apply("nia",
                        {alg, system_apply("nrpik", {key, alg}, bytes_sort_), system_field(in, "sec.count"),
                         system_field(in, "sec.bearer"), system_field(in, "sec.direction"),
                         system_field(in, "pdu")},
                        bytes_sort_);
}

z3::expr SystemModel::attacker_can_send(const StepInput& in, const std::string& at)
{
    const z3::expr prot = system_field(in, "sec.protected");
    const auto same_as = [&](const SystemMessage& earlier) {
        z3::expr same = ctx_.bool_val(true);
        for (const char* n : {"msg", "from", "pdu", "sec.protected"}) {
            assign(same, same && system_field(in, n) == system_field(earlier.in, n));
        }
        z3::expr sec_same = ctx_.bool_val(true);
        for (const char* n : {"sec.ctx", "sec.count", "sec.bearer", "sec.direction", "sec.mac"}) {
            assign(sec_same, sec_same && system_field(in, n) == system_field(earlier.in, n));
        }
        return same && z3::implies(prot, sec_same);
    };
    z3::expr replay = ctx_.bool_val(false);
    for (const auto& earlier : system_steps_) {
        assign(replay, replay || same_as(earlier));
    }
    if (air_ || honest_past_) {
        // A message from before the arbitrary state: only its MAC-I is matched (a receiver that
        // verifies it gets the very same input, by injectivity), so any message with a MAC-I seen on
        // the air before (the open set, or the step's honest past message), or unprotected, may be a
        // replay.
        assign(replay, replay || z3::implies(prot, seen_before(in.slot, system_field(in, "sec.mac"))));
    }
    return attacker_.forge ? replay || attacker_knows_mac(in, at) : replay;
}

z3::expr SystemModel::attacker_knows_mac(const StepInput& in, const std::string& at)
{
    const z3::expr mac = system_field(in, "sec.mac");
    z3::expr knows = !system_field(in, "sec.protected");
    if (const auto zero = null_mac()) {
        assign(knows, knows || mac == *zero);
    }
    for (const auto& earlier : system_steps_) {
        assign(knows, knows || (system_field(earlier.in, "sec.protected") &&
                                mac == system_field(earlier.in, "sec.mac")));
    }
    if (air_ || honest_past_) {
        assign(knows, knows || seen_before(in.slot, mac));
    }
    const Type nia_type = Type::enumeration(spec_.find_enum("Nia"));
    const auto mac_under = [&](const z3::expr& ksess) {
        const z3::expr alg =
            open_value(at + "algorithm of the attacker's MAC-I", nia_type, std::nullopt).value;
        const z3::expr key = system_apply("nrpik", {ksess, alg}, bytes_sort_);
        return mac == system_apply("nia",
                                   {alg, key, system_field(in, "sec.count"), system_field(in, "sec.bearer"),
                                    system_field(in, "sec.direction"), system_field(in, "pdu")},
                                   bytes_sort_);
    };
    const auto init = [&](const char* n) { return term(system_init_.at(n), Type::bytes()).value; };
    if (attacker_.compromise_sess) {
        assign(knows, knows || mac_under(init("init.k_nrp_sess")));
    }
    if (attacker_.compromise_knrp) {
        const z3::expr n1 =
            open_value(at + "Nonce_1 the attacker derives with", Type::bytes(), std::nullopt).value;
        const z3::expr n2 =
            open_value(at + "Nonce_2 the attacker derives with", Type::bytes(), std::nullopt).value;
        assign(knows,
               knows || mac_under(system_apply("k_nrp_sess", {init("init.k_nrp"), n1, n2}, bytes_sort_)));
    }
    return knows;
}

z3::expr SystemModel::seen_before(std::size_t k, const z3::expr& mac)
{
    if (air_) {
        return z3::select(*air_, mac);
    }
    const SystemMessage& m = past_.at(k).message;
    return system_field(m.in, "sec.protected") && system_field(m.in, "sec.mac") == mac;
}

bool SystemModel::reads_message(const expr::Node& formula)
{
    return mentions(formula, [](const expr::Node& n) {
        const std::string& v = n.name;
        return n.kind == NodeKind::variable && (v == "msg" || v == "from" || v == "pdu" || v == "index" ||
                                                v.starts_with("ie.") || v.starts_with("sec."));
    });
}

z3::expr SystemModel::system_formula(const expr::Node& formula, std::size_t k)
{
    PC5CHECK_ASSERT(k < system_states_.size());
    return formula_over(formula, system_states_[k], k == 0 ? nullptr : &system_steps_[k - 1]);
}

z3::expr SystemModel::system_past_formula(const expr::Node& formula, std::size_t j, bool after)
{
    PastSend& p = past_.at(j);
    return after ? formula_over(formula, p.after, &p.message) : formula_over(formula, p.before, nullptr);
}

z3::expr SystemModel::formula_over(const expr::Node& formula, std::unordered_map<std::string, Sym>& state,
                                   const SystemMessage* message)
{
    std::swap(state_, state);
    std::unordered_map<std::string, Sym> none;
    fields_ = message == nullptr ? &none : &message->in.fields;
    init_fields_ = &system_init_;
    z3::expr f = boolean(encode(formula));
    fields_ = nullptr;
    init_fields_ = nullptr;
    std::swap(state_, state);
    return f;
}

} // namespace detail

namespace {

using detail::Candidate;
using detail::Clock;
using detail::CrossCheckDisagreement;
using detail::CrossCheckTrail;
using detail::out_of_memory;
using detail::Role;
using detail::Search;
using detail::SystemModel;

/// The same values for two engines: init.* (k ignored) or the message of step `k`; messages by name.
void link(SystemModel& a, SystemModel& b, std::size_t k, bool init)
{
    z3::solver& s = a.solver();
    for (const auto& name : a.system_names(k)) {
        if (name.starts_with("init.") != init || name == "msg") {
            continue;
        }
        const auto x = a.system_term(name, k);
        const auto y = b.system_term(name, k);
        if (!x || !y || x->second.get_sort().id() != y->second.get_sort().id()) {
            continue;
        }
        s.add(x->first == y->first);
        s.add(z3::implies(x->first, x->second == y->second));
    }
    if (init) {
        return;
    }
    const z3::expr ma = a.system_term("msg", k)->second;
    const z3::expr mb = b.system_term("msg", k)->second;
    const auto& names_b = b.message_names();
    for (std::size_t i = 0; i < a.message_names().size(); ++i) {
        const auto j = std::find(names_b.begin(), names_b.end(), a.message_names()[i]);
        const z3::expr here = ma == static_cast<int>(i);
        s.add(z3::implies(here, j == names_b.end() ? s.ctx().bool_val(false)
                                                   : mb == static_cast<int>(j - names_b.begin())));
    }
}

/// Outcome of a bounded search for a state satisfying a condition.
struct Reach {
    z3::check_result answer = z3::unsat; ///< sat: found; unknown: a limit
    unsigned depth = 0;                  ///< found at, or explored to
    std::optional<Witness> witness;
    std::string limit;
};

std::string limit_text(const Clock::time_point deadline)
{
    return Clock::now() + std::chrono::milliseconds(60) >= deadline
               ? "solver time limit (--timeout-ms)"
               : "solver gave up (incomplete theory combination)";
}

/// Bounded model checking: the shortest path (in messages, up to `depth`) to a state where `goal`
/// holds (or fails, when `negate`).
Reach reach(const spec::Spec& spec, const expr::Node& goal, bool negate, const SystemOptions& options,
            Clock::time_point deadline)
{
    Reach out;
    Search s(spec, options, deadline, false);
    if (!s.ok()) {
        out.answer = z3::unknown;
        out.limit = "solver memory limit (--solver-memory-mb): no memory for a solver context";
        return out;
    }
    SystemModel& e = s.engine();
    const bool reads_message = SystemModel::reads_message(goal);
    for (unsigned d = 0; d <= options.depth; ++d) {
        if (d > 0) {
            e.system_step();
        }
        out.depth = d;
        if (d == 0 && reads_message) {
            continue;
        }
        const z3::expr f = e.system_formula(goal, d);
        e.solver().push();
        e.solver().add(negate ? !f : f);
        const z3::check_result r = e.solve();
        if (r == z3::sat) {
            out.answer = z3::sat;
            out.witness = e.system_witness(e.solver().get_model(), d);
            e.solver().pop();
            return out;
        }
        e.solver().pop();
        if (r == z3::unknown) {
            out.answer = z3::unknown;
            out.limit = limit_text(deadline) + " at depth " + std::to_string(d);
            return out;
        }
        // No run breaks it within d messages, so a shortest counterexample keeps it up to d: a fact
        // for the deeper queries (it prunes, it does not lose counterexamples).
        if (negate) {
            e.solver().add(f);
        }
    }
    out.answer = z3::unsat;
    return out;
}

/// reach(), with running out of solver memory reported as the limit it is.
Reach guarded_reach(const spec::Spec& spec, const expr::Node& goal, bool negate, const SystemOptions& options,
                    Clock::time_point deadline)
{
    try {
        return reach(spec, goal, negate, options, deadline);
    } catch (const z3::exception& e) {
        if (!out_of_memory(e)) {
            throw;
        }
        Reach out;
        out.answer = z3::unknown;
        out.limit = "solver memory limit (--solver-memory-mb): " + std::string(e.msg());
        return out;
    }
}

/// Whether a condition reads `enabled`, which only rule checks have.
bool reads_enabled(const expr::Node& n)
{
    return detail::mentions(
        n, [](const expr::Node& x) { return x.kind == expr::NodeKind::variable && x.name == "enabled"; });
}

/// Replays a witness with `check` (automatic mode: symbolic when the trace leaves values open).
void replay_witness(const spec::Spec& spec, Witness& w)
{
    checker::CheckOptions co;
    co.attacker_steps = true; // the trace says which messages were the attacker's
    const auto checked = std::make_shared<const checker::TraceResult>(
        checker::check_trace(w.trace, Expected<const spec::Spec*>(&spec), co));
    const checker::TraceResult& r = *checked;
    if (r.error) {
        w.check_verdict = "bad input: " + r.error->message;
        return;
    }
    w.check_verdict = machine::to_string(r.replay.verdict);
    w.check_rules = r.replay.violated_rules();
    w.check_mode = r.replay.mode == machine::Mode::symbolic ? "symbolic" : "concrete";
    w.checked = checked;
    for (const auto& f : r.replay.findings) {
        if (f.outcome == machine::Outcome::unverified) {
            w.check_unverified.push_back(f.rule + " at event " + std::to_string(f.event) + ": " + f.reason);
        }
    }
}

double seconds_since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

template <typename F> auto guarded(const F& f) -> decltype(f())
{
    try {
        return f();
    } catch (const z3::exception& e) {
        return make_error(ErrorCode::solver_failure, std::string("z3: ") + e.msg());
    } catch (const CrossCheckDisagreement& e) {
        return make_error(ErrorCode::internal, std::string("cross-check: ") + e.what());
    } catch (const detail::SpacerRecheckFailure& e) {
        return make_error(ErrorCode::internal, std::string("spacer: ") + e.what());
    }
}

} // namespace

namespace {

/// diff in one direction: the model of `accepting` and, on its solver, the model of `rejecting`
/// (joined: its rule checks collected), run on the same messages.
struct Product {
    const spec::Spec* accepting;
    const spec::Spec* rejecting;
    std::unique_ptr<Search> search;
    SystemModel* a = nullptr;
    SystemModel* b = nullptr;
    bool done = false; ///< the solver gave up at some depth
};

/// One more message in `p` (depth `d`): a run `accepting` allows and `rejecting` breaks a rule of (the
/// rule `filter` names, if any), replayed by both, or nullopt (also below the filter's minimum depth).
std::optional<Disagreement> extend(Product& p, unsigned d, const DisagreementFilter& filter)
{
    SystemModel& a = *p.a;
    SystemModel& b = *p.b;
    a.system_step();
    b.system_step();
    link(a, b, d - 1, false);
    if (d < filter.min_depth) {
        return std::nullopt;
    }
    z3::expr broken = a.context().bool_val(false);
    for (std::size_t i = 0; i < b.collected_checks().size(); ++i) {
        if (filter.rule.empty() || b.collected_rules()[i] == filter.rule) {
            detail::assign(broken, broken || !b.collected_checks()[i]);
        }
    }
    a.solver().push();
    a.solver().add(broken);
    const z3::check_result r = a.solve();
    if (r != z3::sat) {
        a.solver().pop();
        p.done = r == z3::unknown;
        return std::nullopt;
    }
    Disagreement out;
    out.accepted_by = p.accepting->file;
    out.rejected_by = p.rejecting->file;
    out.depth = d;
    out.witness = a.system_witness(a.solver().get_model(), d);
    a.solver().pop();
    replay_witness(*p.rejecting, out.witness);
    out.rejecting_verdict = out.witness.check_verdict;
    out.rejecting_rules = out.witness.check_rules;
    replay_witness(*p.accepting, out.witness);
    return out;
}

/// The two products of diff: OLD accepting and NEW rejecting, then the other way round.
Expected<std::vector<Product>> both_directions(const spec::Spec& old_spec, const spec::Spec& new_spec,
                                               const SystemOptions& honest, Clock::time_point deadline)
{
    std::vector<Product> products;
    for (const bool old_accepts : {true, false}) {
        Product p{old_accepts ? &old_spec : &new_spec, old_accepts ? &new_spec : &old_spec,
                  std::make_unique<Search>(old_accepts ? old_spec : new_spec, honest, deadline, false)};
        if (!p.search->ok()) {
            return make_error(ErrorCode::solver_failure, "no memory for a solver context");
        }
        p.a = &p.search->engine();
        p.b = &p.search->join(*p.rejecting, honest);
        link(*p.a, *p.b, 0, true);
        products.push_back(std::move(p));
    }
    return products;
}

} // namespace

Expected<std::optional<Disagreement>> find_disagreement(const spec::Spec& old_spec,
                                                        const spec::Spec& new_spec,
                                                        const SystemOptions& options,
                                                        const DisagreementFilter& filter)
{
    return guarded([&]() -> Expected<std::optional<Disagreement>> {
        const auto deadline = Clock::now() + std::chrono::milliseconds(options.timeout_ms);
        SystemOptions honest = options;
        honest.attacker = Attacker{};
        // Both directions side by side, depth by depth, so the shortest run either way comes first (at
        // equal length, one OLD accepts and NEW rejects: what a change would break).
        auto products = both_directions(old_spec, new_spec, honest, deadline);
        if (!products) {
            return tl::make_unexpected(products.error());
        }
        for (unsigned d = 1; d <= options.depth && Clock::now() < deadline; ++d) {
            for (auto& p : *products) {
                if (p.done) {
                    continue;
                }
                if (auto found = extend(p, d, filter)) {
                    return found;
                }
            }
        }
        return std::optional<Disagreement>();
    });
}

namespace {

/// The properties prove() is asked about, in spec order (those of its shard are reported).
struct Chosen {
    std::vector<const spec::Property*> properties;
};

/// The properties `only` names (all when empty).
Expected<Chosen> choose_properties(const spec::Spec& spec, const std::vector<std::string>& only)
{
    Chosen chosen;
    for (const auto& p : spec.properties) {
        if (only.empty() || std::find(only.begin(), only.end(), p.id) != only.end()) {
            chosen.properties.push_back(&p);
        }
    }
    for (const auto& p : spec.properties) {
        if (reads_enabled(*p.formula)) {
            return make_error(ErrorCode::bad_input, "property " + p.id + " of " + spec.file +
                                                        ": `enabled` is defined only inside rule checks");
        }
    }
    for (const auto& id : only) {
        if (std::none_of(chosen.properties.begin(), chosen.properties.end(),
                         [&id](const spec::Property* p) { return p->id == id; })) {
            std::string ids;
            for (const auto& p : spec.properties) {
                ids += (ids.empty() ? "" : ", ") + p.id;
            }
            return make_error(ErrorCode::usage, "--property: no property '" + id + "' in " + spec.file +
                                                    " (it has: " + (ids.empty() ? "none" : ids) + ")");
        }
    }
    return chosen;
}

/// The candidates for induction, in spec order (held_properties).
struct Held {
    std::vector<Candidate> candidates;
    std::vector<Role> roles;
    std::vector<std::optional<std::size_t>> result_index; ///< of each reported one in prove()'s results

    /// How many are reported (have a result index).
    [[nodiscard]] std::size_t reported() const
    {
        return static_cast<std::size_t>(std::count_if(result_index.begin(), result_index.end(),
                                                      [](const auto& i) { return i.has_value(); }));
    }
};

/// The formula of `p` as the spec file writes it (its object, kept by the loader).
std::string formula_source(const spec::Property& p)
{
    const auto doc = nlohmann::json::parse(p.origin.json, nullptr, false);
    if (doc.is_object() && doc.contains("formula") && doc["formula"].is_string()) {
        return doc["formula"].get<std::string>();
    }
    return "";
}

/// `p` as a candidate for induction.
Candidate candidate_of(const spec::Property& p)
{
    return Candidate{p.formula.get(), SystemModel::reads_message(*p.formula), p.id, formula_source(p),
                     p.kind == "lemma" ? "lemma" : "property"};
}

/// Bounded model checking of `p` up to `depth` messages.
PropertyResult search_counterexample(const spec::Spec& spec, const spec::Property& p,
                                     const SystemOptions& options, unsigned depth)
{
    PropertyResult r;
    r.id = p.id;
    r.kind = p.kind;
    r.text = p.text;
    r.clauses = p.clauses;
    const auto t0 = Clock::now();
    SystemOptions bounded = options;
    bounded.depth = depth;
    Reach found =
        guarded_reach(spec, *p.formula, true, bounded, t0 + std::chrono::milliseconds(options.timeout_ms));
    r.depth = found.depth;
    if (found.answer == z3::sat) {
        r.verdict = PropertyVerdict::violated;
        replay_witness(spec, *found.witness);
        r.counterexample = std::move(found.witness);
    } else if (found.answer == z3::unknown) {
        r.verdict = PropertyVerdict::inconclusive;
        r.how = found.limit;
    } else {
        r.verdict = PropertyVerdict::holds_to_depth;
    }
    r.seconds = seconds_since(t0);
    return r;
}

/// The depth of the first search, before the provers: where they will run, the runs a k-induction base
/// case covers (every run shorter than the largest k), so a proof does not wait for the full-depth
/// search; the full depth right away otherwise.
unsigned first_search_depth(const SystemOptions& options)
{
    return options.induction ? std::min(options.depth, detail::max_induction_k(options) - 1) : options.depth;
}

/// The full-depth search for a property the first search and the provers left open (holds up to a
/// shallower depth, not proven): its verdict and depth become the deeper search's, what the provers
/// found (the counterexample to induction, Spacer's answer, a cross-check note) stays.
void search_deeper(const spec::Spec& spec, const spec::Property& p, const SystemOptions& options,
                   PropertyResult& r)
{
    if (r.verdict != PropertyVerdict::holds_to_depth || r.depth >= options.depth) {
        return;
    }
    PropertyResult deep = search_counterexample(spec, p, options, options.depth);
    r.verdict = deep.verdict;
    r.depth = deep.depth;
    r.counterexample = std::move(deep.counterexample);
    r.seconds += deep.seconds;
    if (!deep.how.empty()) {
        r.how = r.how.empty() ? deep.how : deep.how + "; " + r.how;
    }
}

/// Whether `options`' shard reports the asked property at position `i`.
bool in_shard(const SystemOptions& options, std::size_t i)
{
    return options.shard_count <= 1 || i % options.shard_count == options.shard_index;
}

/// The candidates for induction, in spec order whichever properties --property and --shard choose:
/// - the reported properties no counterexample was found for (an inconclusive one stays a candidate:
///   the proof re-checks its own base case, k <= 3, and a limit hit deep in the search says nothing
///   against that);
/// - the properties asked about outside the shard, unsearched: the induction keeps those that hold for
///   the runs its base cases cover, as the reported ones were searched to, and treats them as asked, so
///   a shard's induction does what the unsharded run's does;
/// - every other property and lemma of the spec, as an auxiliary candidate (kept on the same condition).
/// Houdini finds the largest inductive subset of the pool, so, short of a solver limit, whether a
/// property is proven does not depend on what --property and --shard chose; only what is reported does.
Held held_properties(const spec::Spec& spec, const Chosen& chosen, const SystemOptions& options,
                     const std::vector<PropertyResult>& results)
{
    Held held;
    for (const auto& p : spec.properties) {
        const auto it = std::find(chosen.properties.begin(), chosen.properties.end(), &p);
        const auto i = static_cast<std::size_t>(it - chosen.properties.begin());
        const bool asked = it != chosen.properties.end();
        const bool reported = asked && in_shard(options, i);
        if (reported && results[i].verdict == PropertyVerdict::violated) {
            continue;
        }
        held.candidates.push_back(candidate_of(p));
        held.roles.push_back(reported ? Role::searched : (asked ? Role::unsearched : Role::auxiliary));
        held.result_index.push_back(reported ? std::optional<std::size_t>(i) : std::nullopt);
    }
    return held;
}

/// "a, b, c".
std::string join(const std::vector<std::string>& parts)
{
    std::string out;
    for (const auto& p : parts) {
        out += (out.empty() ? "" : "; ") + p;
    }
    return out;
}

/// What `how` adds for --cross-check about candidate `i`: the files the second solver confirmed, or
/// why a proof Z3 found was not counted.
std::string cross_check_note(const SystemOptions& options, const CrossCheckTrail& trail, std::size_t i,
                             bool proven)
{
    if (!options.cross_check_dir || i >= trail.confirmed.size()) {
        return "";
    }
    if (proven) {
        return "; confirmed by " + options.cross_check_solver + " (unsat): " + join(trail.confirmed[i]);
    }
    if (trail.unconfirmed[i].empty()) {
        return "";
    }
    return "a k-induction proof Z3 found was not counted: " + options.cross_check_solver +
           " did not confirm it (" + join(trail.unconfirmed[i]) + ")";
}

/// What `how` says of a proof at `k` by `invariant`.
std::string proof_how(unsigned k, const std::vector<InvariantPart>& invariant)
{
    const auto generated = std::count_if(invariant.begin(), invariant.end(),
                                         [](const InvariantPart& p) { return p.origin == "generated"; });
    std::string how = "k-induction at k=" + std::to_string(k);
    if (invariant.size() > 1) {
        how += " with an inductive invariant of " + std::to_string(invariant.size()) + " parts (" +
               std::to_string(generated) + " generated from the spec; --explain shows them)";
    }
    return how + "; re-checked by separate base-case and step-case queries";
}

/// k-induction over the held properties together; the reported ones it proves become `proven` in
/// `results`.
void prove_by_induction(const spec::Spec& spec, const Held& held, const SystemOptions& options,
                        std::vector<PropertyResult>& results)
{
    const auto t0 = Clock::now();
    auto found = detail::InductionOutcome::unproven(held.candidates.size());
    CrossCheckTrail trail;
    trail.spec_id = spec.id;
    try {
        found = induction(spec, held.candidates, held.roles, options,
                          t0 + std::chrono::milliseconds(options.timeout_ms), &trail);
    } catch (const z3::exception& e) {
        if (!out_of_memory(e)) {
            throw;
        }
    }
    const double share = seconds_since(t0) / static_cast<double>(held.reported());
    for (std::size_t i = 0; i < held.candidates.size(); ++i) {
        if (!held.result_index[i]) {
            continue;
        }
        PropertyResult& r = results[*held.result_index[i]];
        r.seconds += share;
        if (found.proven_at[i] != 0) {
            r.verdict = PropertyVerdict::proven;
            r.proved_by = "k-induction";
            r.invariant = std::move(found.invariant[i]);
            r.how = proof_how(found.proven_at[i], r.invariant) + cross_check_note(options, trail, i, true);
        } else {
            r.induction_failure = std::move(found.failure[i]);
            if (const std::string note = cross_check_note(options, trail, i, false); !note.empty()) {
                r.how = note;
            }
        }
    }
}

/// Spacer on each reported property of `chosen` that is neither violated nor proven yet; those it
/// proves become `proven` (by "spacer"), the others keep their verdict and say what Spacer answered.
void prove_by_spacer(const spec::Spec& spec, const Chosen& chosen, const SystemOptions& asked,
                     std::vector<PropertyResult>& results)
{
    // Which variables a run can leave absent: asked of the solver once for all the properties.
    const SystemOptions options =
        detail::with_absent_capable(spec, asked, Clock::now() + std::chrono::milliseconds(asked.timeout_ms));
    for (std::size_t i = 0; i < chosen.properties.size(); ++i) {
        PropertyResult& r = results[i];
        if (!in_shard(options, i) || r.verdict == PropertyVerdict::violated ||
            r.verdict == PropertyVerdict::proven) {
            continue;
        }
        const Candidate c = candidate_of(*chosen.properties[i]);
        const detail::SpacerOutcome s = detail::spacer_prove(
            spec, c, options, Clock::now() + std::chrono::milliseconds(options.timeout_ms));
        r.seconds += s.seconds;
        SpacerAnswer a;
        a.seconds = s.seconds;
        a.note = s.note;
        switch (s.kind) {
        case detail::SpacerOutcome::Kind::proven:
            a.answer = "proven";
            r.verdict = PropertyVerdict::proven;
            r.proved_by = "spacer";
            r.invariant = s.invariant;
            r.how = "Spacer (CHC/PDR) with an inductive invariant of " + std::to_string(s.invariant.size()) +
                    (s.invariant.size() == 1 ? " part" : " parts") +
                    " (--explain shows it); re-checked by separate initiation, consecution and safety "
                    "queries" +
                    (s.confirmed.empty()
                         ? ""
                         : "; confirmed by " + options.cross_check_solver + " (unsat): " + join(s.confirmed));
            break;
        case detail::SpacerOutcome::Kind::counterexample:
            a.answer = "counterexample";
            break;
        case detail::SpacerOutcome::Kind::unknown:
            a.answer = "unknown";
            break;
        }
        r.spacer = std::move(a);
    }
}

} // namespace

Expected<std::vector<PropertyResult>> prove(const spec::Spec& spec, const SystemOptions& options,
                                            const std::vector<std::string>& only)
{
    auto chosen = choose_properties(spec, only);
    if (!chosen) {
        return tl::make_unexpected(chosen.error());
    }
    return guarded([&]() -> Expected<std::vector<PropertyResult>> {
        // The shard's properties are searched first. With a prover, that first search covers only the
        // runs the base cases need; a property the provers leave open is then searched to the full
        // depth. A property violated deeper than the first search cannot be among a proof's inductive
        // set (an inductive set whose base case holds contains only invariants), so the induction
        // proves what it proves after a full-depth search, only sooner. The induction may assume every
        // other property and lemma of the spec as well (held_properties).
        const std::size_t n = chosen->properties.size();
        std::vector<PropertyResult> results(n);
        for (std::size_t i = 0; i < n; ++i) {
            if (in_shard(options, i)) {
                results[i] =
                    search_counterexample(spec, *chosen->properties[i], options, first_search_depth(options));
            }
        }
        if (options.induction && options.engine != ProofEngine::spacer) {
            if (const Held held = held_properties(spec, *chosen, options, results); held.reported() != 0) {
                prove_by_induction(spec, held, options, results);
            }
        }
        if (options.induction && options.engine != ProofEngine::induction) {
            prove_by_spacer(spec, *chosen, options, results);
        }
        std::vector<PropertyResult> reported;
        for (std::size_t i = 0; i < n; ++i) {
            if (in_shard(options, i)) {
                search_deeper(spec, *chosen->properties[i], options, results[i]);
                reported.push_back(std::move(results[i]));
            }
        }
        return reported;
    });
}

std::optional<Error> cross_check_setup_problem(const SystemOptions& options)
{
    if (!options.cross_check_dir) {
        return std::nullopt;
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(*options.cross_check_dir, ec)) {
        return make_error(ErrorCode::usage,
                          "--cross-check-dir: expected a directory, found '" + *options.cross_check_dir + "'")
            .value();
    }
    if (const std::string problem = detail::cross_check_solver_problem(options.cross_check_solver);
        !problem.empty()) {
        return make_error(ErrorCode::usage, "--cross-check needs the SMT solver '" +
                                                options.cross_check_solver +
                                                "' (Debian: apt-get install cvc5): " + problem)
            .value();
    }
    return std::nullopt;
}

bool check_rejects(std::string_view check_verdict)
{
    // replay_witness() sets check_verdict to a verdict, or to "bad input: ..." when check could not read
    // the trace written from the solver's model.
    return check_verdict == "violation" || check_verdict.starts_with("bad input");
}

std::string replay_contradiction(const Witness& w)
{
    if (!check_rejects(w.check_verdict)) {
        return "";
    }
    if (w.check_verdict == "violation") {
        std::string rules;
        for (const auto& r : w.check_rules) {
            rules += " " + r;
        }
        return "check finds a violation (" +
               (rules.empty() ? std::string("no rule named") : rules.substr(1)) +
               ") in a run whose UEs follow every rule";
    }
    return "check cannot read the trace written from the solver's run (" + w.check_verdict + ")";
}

Expected<QueryResult> query(const spec::Spec& spec, const std::string& condition,
                            const SystemOptions& options)
{
    auto compiled = expr::compile(condition, spec.property_scope, nullptr);
    if (!compiled) {
        return make_error(ErrorCode::bad_input, "query: " + compiled.error().message);
    }
    if ((*compiled)->type.kind != expr::TypeKind::boolean) {
        return make_error(ErrorCode::bad_input,
                          "query: expected a bool condition, found an expression of another type");
    }
    const expr::NodePtr goal = *compiled;
    if (reads_enabled(*goal)) {
        return make_error(ErrorCode::bad_input,
                          "query: `enabled` is defined only inside rule checks (whether the "
                          "sender may send the message), not in a state condition");
    }
    return guarded([&]() -> Expected<QueryResult> {
        QueryResult q;
        const auto t0 = Clock::now();
        const auto deadline = t0 + std::chrono::milliseconds(options.timeout_ms);
        Reach found = guarded_reach(spec, *goal, false, options, deadline);
        q.depth = found.depth;
        if (found.answer == z3::sat) {
            q.reachable = true;
            replay_witness(spec, *found.witness);
            q.witness = std::move(found.witness);
        } else if (found.answer == z3::unknown) {
            q.inconclusive = true;
            q.how = found.limit;
        } else if (options.induction) {
            // Unreachable for every depth if `!condition` is an invariant.
            auto negated = std::make_shared<expr::Node>();
            negated->kind = expr::NodeKind::unary;
            negated->name = "!";
            negated->args.push_back(goal);
            negated->type = expr::Type::boolean();
            auto proof = detail::InductionOutcome::unproven(1);
            CrossCheckTrail trail;
            trail.spec_id = spec.id + "-query";
            // The spec's properties and lemmas may help, as they help prove's induction.
            std::vector<Candidate> candidates{Candidate{negated.get(), SystemModel::reads_message(*goal),
                                                        "!(condition)", "!(" + condition + ")", "query"}};
            std::vector<Role> roles{Role::searched};
            for (const auto& p : spec.properties) {
                candidates.push_back(candidate_of(p));
                roles.push_back(Role::auxiliary);
            }
            try {
                proof = induction(spec, candidates, roles, options, deadline, &trail);
            } catch (const z3::exception& e) {
                if (!out_of_memory(e)) {
                    throw;
                }
            }
            if (proof.proven_at[0] != 0) {
                q.proved_unreachable = true;
                q.invariant = std::move(proof.invariant[0]);
                q.how =
                    proof_how(proof.proven_at[0], q.invariant) + cross_check_note(options, trail, 0, true);
            } else {
                q.how = cross_check_note(options, trail, 0, false);
                q.induction_failure = std::move(proof.failure[0]);
            }
        }
        q.seconds = seconds_since(t0);
        return q;
    });
}

} // namespace pc5check::smt
