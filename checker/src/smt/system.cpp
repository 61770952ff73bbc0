/// \file `prove` and `query`: the spec as a closed system searched by Z3. See system.h for the model.
///
/// Encoding: the symbolic engine of `check --symbolic` with every message open (engine.h
/// open_message), one step per message; the rule checks of a step bind unless the attacker injected
/// the message and the check blames its claimed sender. Perfect crypto is made explicit: each
/// application of a crypto function gets inverse functions for its arguments (so it is injective), a
/// NIA0 MAC-I is the all-zero one and no other MAC-I is; a pdu determines its message type and IEs.
///
/// prove: bounded model checking step by step (push/pop per depth), then k-induction from an arbitrary
/// state for the properties that held, Houdini-style (a property whose step case fails leaves the set
/// and the rest is tried again); a proof is re-checked in a fresh context, base case and step case as
/// separate queries, before it is reported.

#include "pc5check/checker/system.h"

#include "pc5check/checker/check.h"
#include "pc5check/crypto/crypto.h"
#include "smt/engine.h"

#include <algorithm>
#include <functional>
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

const char* to_string(PropertyVerdict v)
{
    switch (v) {
    case PropertyVerdict::proven:
        return "proven";
    case PropertyVerdict::holds_to_depth:
        return "holds up to depth";
    case PropertyVerdict::violated:
        return "violated";
    case PropertyVerdict::inconclusive:
        return "inconclusive";
    }
    return "inconclusive";
}

namespace detail {

namespace {

bool is_int_in(const z3::expr& v, std::int64_t& out) { return v.is_numeral() && v.is_numeral_i64(out); }

} // namespace

void Engine::system_begin(const Attacker& attacker, bool arbitrary)
{
    system_ = true;
    attacker_ = attacker;
    result_.mode = machine::Mode::symbolic;
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
        for (const auto& v : spec_.variables) {
            state_.emplace(v.role + "." + v.name,
                           open_value("state " + v.role + "." + v.name, v.type, std::nullopt));
        }
        for (const std::string role : {"initiator", "target"}) {
            state_.emplace(role + ".state",
                           open_value("state " + role + ".state", type_of(role + ".state"), std::nullopt));
        }
    } else {
        initial_state(system_init_);
    }
    system_states_.push_back(state_);
}

z3::expr Engine::lint_formula(const expr::Node& formula)
{
    if (!lint_message_) {
        lint_ = true;
        pe_ = false;
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

z3::expr Engine::system_bottom()
{
    if (!bottom_) {
        bottom_ = ctx_.constant((prefix_ + "bottom").c_str(), bytes_sort_);
        solver_.add(*bottom_ != literal(Value::bytes({0, 0, 0, 0}), Type::bytes()));
        for (const char* n : {"init.k_nrp_sess", "init.k_nrp"}) {
            if (const auto it = system_init_.find(n); it != system_init_.end()) {
                solver_.add(*bottom_ != term(it->second, Type::bytes()).value);
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
    }
    return *bottom_;
}

z3::expr Engine::system_apply(const std::string& name, const std::vector<z3::expr>& args,
                              const z3::sort& result)
{
    const z3::expr r = functions_.apply(name, args, result);
    if (!applied_.insert(Z3_get_ast_id(ctx_, r)).second) {
        return r; // same term: its axioms are there already
    }
    applications_.push_back(Application{name, args, r});
    if (bottom_ && r.get_sort().id() == bytes_sort_.id()) {
        solver_.add(r != *bottom_);
    }
    // The axioms the function's declaration gives it (expr::SolverMeaning, beside its concrete meaning in
    // machine/builtins.cpp); the switch has no default, so a new kind cannot go without a Z3 meaning.
    const auto declared = scope_.functions.find(name);
    PC5CHECK_ASSERT(declared != scope_.functions.end() && "system_apply of an undeclared function");
    const expr::SolverMeaning& meaning = declared->second.meaning;
    const auto inverse = [&](std::size_t i) {
        return functions_.apply("inv!" + name + "!" + std::to_string(i), {r}, args[i].get_sort());
    };
    z3::expr injective = ctx_.bool_val(true);
    for (std::size_t i = 0; i < args.size(); ++i) {
        injective = injective && inverse(i) == args[i];
    }
    const auto init_term = [&](const char* n) -> std::optional<z3::expr> {
        const auto it = system_init_.find(n);
        if (it == system_init_.end()) {
            return std::nullopt;
        }
        return term(it->second, Type::bytes()).value;
    };
    switch (meaning.kind) {
    case expr::SolverMeaning::Kind::injective:
        solver_.add(injective);
        break;
    case expr::SolverMeaning::Kind::injective_in_key:
        solver_.add(inverse(0) == args[0]);
        break;
    case expr::SolverMeaning::Kind::mac: {
        // The null algorithm's MAC-I is all zeros, which no real MAC-I is.
        const z3::expr zero =
            literal(Value::bytes(std::vector<std::uint8_t>(meaning.result_octets, 0)), Type::bytes());
        const z3::expr null = args[0] == 0;
        solver_.add(z3::implies(null, r == zero));
        solver_.add(z3::implies(!null, r != zero && injective));
        break;
    }
    case expr::SolverMeaning::Kind::key_lookup: {
        solver_.add(injective);
        // As the concrete look-up of logged keys: the K_NRP in force at the start is found under its
        // own ID (shifted by id_shift); any other ID names another key.
        const auto k = init_term("init.k_nrp");
        const auto it = system_init_.find("init.k_nrp_id");
        if (k && it != system_init_.end()) {
            const z3::expr id = term(it->second, Type::integer()).value;
            const z3::expr named =
                meaning.id_shift == 0 ? id : id / ctx_.int_val(std::int64_t{1} << meaning.id_shift);
            solver_.add((args[0] == named) == (r == *k));
        }
        break;
    }
    case expr::SolverMeaning::Kind::empty_map:
        break;
    }
    if (meaning.result_octets != 0 && r.get_sort().id() == bytes_sort_.id()) {
        solver_.add(bytes_len_(r) == ctx_.int_val(static_cast<std::int64_t>(meaning.result_octets)));
    }
    // The K_NRP-sess and K_NRP in force at the start came from nonces / an authentication run that
    // are never repeated (random 128-bit values): nothing derived in the system equals them.
    switch (meaning.distinct_from) {
    case expr::SolverMeaning::DistinctFrom::nothing:
        break;
    case expr::SolverMeaning::DistinctFrom::initial_session_key:
        if (const auto k = init_term("init.k_nrp_sess")) {
            solver_.add(r != *k);
        }
        break;
    case expr::SolverMeaning::DistinctFrom::initial_root_key:
        if (const auto k = init_term("init.k_nrp")) {
            solver_.add(r != *k);
        }
        break;
    }
    return r;
}

void Engine::system_check(const spec::Rule& rule, const Sym& holds, const Sym& exempt)
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
        return;
    }
    solver_.add(binds);
}

void Engine::system_step()
{
    const std::size_t k = system_steps_.size();
    StepInput in;
    in.event = k;
    in.hidden = true;
    in.slot = k;
    const std::string at = "step " + std::to_string(k + 1) + ": ";
    solver_.add(open_message(at, in));
    const z3::expr injected = attacker_.injects()
                                  ? ctx_.bool_const((prefix_ + "inject!" + std::to_string(k)).c_str())
                                  : ctx_.bool_val(false);
    const z3::expr dropped = attacker_.drop ? ctx_.bool_const((prefix_ + "drop!" + std::to_string(k)).c_str())
                                            : ctx_.bool_val(false);
    in.injected = injected;
    in.delivered = injected || !dropped;

    bind_pdu(in);
    // An honest UE's MAC-I is a real one, under a key it holds (which key: the rules say where it
    // matters); it is not a value the solver may pick to suit a later forgery.
    const z3::expr real = honest_mac(in, at);
    solver_.add(
        z3::implies(!injected && system_field(in, "sec.protected"), system_field(in, "sec.mac") == real));
    if (attacker_.injects()) {
        solver_.add(z3::implies(injected, attacker_can_send(in, at)));
    }

    step(in, ctx_.bool_val(true));
    system_steps_.push_back(SystemMessage{std::move(in), injected, dropped});
    if (bottom_) {
        solver_.add(std::get<Term>(system_steps_.back().in.fields.at("sec.mac")).value != *bottom_);
    }
    system_states_.push_back(state_);
}

z3::expr Engine::system_field(const StepInput& in, const std::string& name)
{
    return std::get<Term>(in.fields.at(name)).value;
}

void Engine::bind_pdu(const StepInput& in)
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

z3::expr Engine::honest_mac(const StepInput& in, const std::string& at)
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

z3::expr Engine::attacker_can_send(const StepInput& in, const std::string& at)
{
    const z3::expr prot = system_field(in, "sec.protected");
    const auto same_as = [&](const SystemMessage& earlier) {
        z3::expr same = ctx_.bool_val(true);
        for (const char* n : {"msg", "from", "pdu", "sec.protected"}) {
            same = same && system_field(in, n) == system_field(earlier.in, n);
        }
        z3::expr sec_same = ctx_.bool_val(true);
        for (const char* n : {"sec.ctx", "sec.count", "sec.bearer", "sec.direction", "sec.mac"}) {
            sec_same = sec_same && system_field(in, n) == system_field(earlier.in, n);
        }
        return same && z3::implies(prot, sec_same);
    };
    z3::expr replay = ctx_.bool_val(false);
    for (const auto& earlier : system_steps_) {
        replay = replay || same_as(earlier);
    }
    return attacker_.forge ? replay || attacker_knows_mac(in, at) : replay;
}

z3::expr Engine::attacker_knows_mac(const StepInput& in, const std::string& at)
{
    const z3::expr mac = system_field(in, "sec.mac");
    z3::expr knows =
        !system_field(in, "sec.protected") || mac == literal(Value::bytes({0, 0, 0, 0}), Type::bytes());
    for (const auto& earlier : system_steps_) {
        knows = knows ||
                (system_field(earlier.in, "sec.protected") && mac == system_field(earlier.in, "sec.mac"));
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
        knows = knows || mac_under(init("init.k_nrp_sess"));
    }
    if (attacker_.compromise_knrp) {
        const z3::expr n1 =
            open_value(at + "Nonce_1 the attacker derives with", Type::bytes(), std::nullopt).value;
        const z3::expr n2 =
            open_value(at + "Nonce_2 the attacker derives with", Type::bytes(), std::nullopt).value;
        knows = knows || mac_under(system_apply("k_nrp_sess", {init("init.k_nrp"), n1, n2}, bytes_sort_));
    }
    return knows;
}

bool Engine::mentions(const expr::Node& tree, const std::function<bool(const expr::Node&)>& pred)
{
    std::set<const expr::Node*> seen;
    std::vector<const expr::Node*> todo{&tree};
    while (!todo.empty()) {
        const expr::Node* n = todo.back();
        todo.pop_back();
        if (!seen.insert(n).second) {
            continue;
        }
        if (pred(*n)) {
            return true;
        }
        for (const auto& a : n->args) {
            if (a) {
                todo.push_back(a.get());
            }
        }
    }
    return false;
}

bool Engine::reads_message(const expr::Node& formula)
{
    return mentions(formula, [](const expr::Node& n) {
        const std::string& v = n.name;
        return n.kind == NodeKind::variable && (v == "msg" || v == "from" || v == "pdu" || v == "index" ||
                                                v.starts_with("ie.") || v.starts_with("sec."));
    });
}

z3::expr Engine::system_formula(const expr::Node& formula, std::size_t k)
{
    PC5CHECK_ASSERT(k < system_states_.size());
    std::swap(state_, system_states_[k]);
    std::unordered_map<std::string, Sym> none;
    fields_ = k == 0 ? &none : &system_steps_[k - 1].in.fields;
    const z3::expr f = boolean(encode(formula));
    fields_ = nullptr;
    std::swap(state_, system_states_[k]);
    return f;
}

/// system_witness's work: the model's values made concrete (see bytes_of) and written as a trace and
/// a report, step by step.
class Engine::WitnessWriter {
  public:
    WitnessWriter(Engine& engine, const z3::model& model) : e_(engine), m_(model)
    {
        for (const auto& [bytes, c] : e_.byte_literals_) {
            concrete_.emplace(value_key(c), bytes);
        }
        for (std::size_t i = 0; i < e_.applications_.size(); ++i) {
            producers_[value_key(e_.applications_[i].result)].push_back(i);
        }
    }

    [[nodiscard]] Witness write(std::size_t steps)
    {
        Witness w;
        write_link(w.trace);
        for (std::size_t k = 0; k < steps && k < e_.system_steps_.size(); ++k) {
            write_step(k, w);
        }
        log_looked_up_keys(w.trace);
        log_keys_by_msbs(w.trace);
        log_new_keys(w.trace);
        return w;
    }

  private:
    [[nodiscard]] std::string value_key(const z3::expr& t) const { return m_.eval(t, true).to_string(); }
    [[nodiscard]] std::int64_t int_of(const z3::expr& t, std::int64_t fallback) const
    {
        std::int64_t v = fallback;
        return is_int_in(m_.eval(t, true), v) ? v : fallback;
    }
    [[nodiscard]] bool bool_of(const z3::expr& t) const { return m_.eval(t, true).is_true(); }

    [[nodiscard]] trace::Bytes random_bytes(std::size_t n)
    {
        trace::Bytes b(n);
        for (auto& x : b) {
            x = static_cast<std::uint8_t>(rng_() & 0xFFU);
        }
        return b;
    }

    /// Model values of the uninterpreted byte strings -> real bytes: literals as written, results of
    /// crypto functions computed for real from their (recursively concrete) arguments, keys the system
    /// makes up (authentication, FFS derivations) and nonces random.
    [[nodiscard]] trace::Bytes bytes_of(const z3::expr& t, std::size_t length)
    {
        const std::string key = value_key(t);
        if (const auto it = concrete_.find(key); it != concrete_.end()) {
            return it->second;
        }
        if (!busy_.insert(key).second) {
            return random_bytes(length == 0 ? 16 : length);
        }
        std::optional<trace::Bytes> out = computed(key);
        if (!out) {
            std::size_t n = length;
            if (n == 0) {
                const std::int64_t len = int_of(e_.bytes_len_(t), 16);
                n = len >= 1 && len <= 64 ? static_cast<std::size_t>(len) : 16;
            }
            out = random_bytes(n);
        }
        busy_.erase(key);
        concrete_.emplace(key, *out);
        return *out;
    }

    /// The value `key` as the first application producing it that a function computes for real.
    [[nodiscard]] std::optional<trace::Bytes> computed(const std::string& key)
    {
        for (const auto i : producers_[key]) {
            const Application& a = e_.applications_[i];
            const auto f = e_.spec_.scope.functions.find(a.name);
            if (f == e_.spec_.scope.functions.end()) {
                continue;
            }
            if (!f->second.computed_from_arguments()) {
                continue;
            }
            const expr::SolverMeaning& meaning = f->second.meaning;
            std::vector<Value> args;
            for (std::size_t j = 0; j < a.args.size(); ++j) {
                const Type& pt = f->second.params.at(j);
                if (pt.kind == TypeKind::bytes) {
                    // An argument the model leaves free gets the length the function accepts.
                    const std::size_t octets = j < meaning.domains.size() ? meaning.domains[j].octets : 0;
                    args.push_back(Value::bytes(bytes_of(a.args[j], octets == 0 ? 16 : octets)));
                } else if (pt.kind == TypeKind::enumeration) {
                    args.push_back(Value::enumeration(static_cast<std::uint32_t>(int_of(a.args[j], 0))));
                } else {
                    args.push_back(Value::integer(int_of(a.args[j], 0)));
                }
            }
            const Value r = f->second.impl(args);
            if (const auto* b = std::get_if<std::vector<std::uint8_t>>(&r.data)) {
                return *b;
            }
        }
        return std::nullopt;
    }

    [[nodiscard]] z3::expr init(const char* n)
    {
        return e_.term(e_.system_init_.at(n), e_.spec_.init_scope.variables.at(n)).value;
    }
    [[nodiscard]] std::string enum_name(const char* enum_id, std::int64_t v) const
    {
        const auto e = e_.spec_.find_enum(enum_id);
        return e->names.at(static_cast<std::size_t>(
            std::clamp<std::int64_t>(v, 0, static_cast<std::int64_t>(e->names.size()) - 1)));
    }
    [[nodiscard]] std::vector<std::string> set_names(const z3::expr& set, const char* enum_id) const
    {
        std::vector<std::string> names;
        const auto e = e_.spec_.find_enum(enum_id);
        for (std::size_t i = 0; i < e->names.size(); ++i) {
            if (bool_of(z3::select(set, e_.ctx_.int_val(static_cast<int>(i))))) {
                names.push_back(e->names[i]);
            }
        }
        return names;
    }

    /// The trace's header: spec, link and the K_NRP in force.
    void write_link(trace::Trace& t)
    {
        // A resolution other than the defaults is part of what the trace was made under: "+PARAM=VALUE"
        // after the id, so that plain `check` replays it with the same parameters.
        t.spec = e_.spec_.id;
        for (const auto& p : e_.spec_.parameters) {
            if (!(p.value == p.default_value)) {
                t.spec += "+" + p.id + "=" + p.value_text();
            }
        }
        t.title = "counterexample found by pc5check prove";
        t.observer = trace::Observer::air;
        t.link.k_nrp_id = static_cast<std::uint32_t>(int_of(init("init.k_nrp_id"), 1));
        t.link.k_nrp_sess_id = static_cast<std::uint16_t>(int_of(init("init.k_nrp_sess_id"), 1));
        t.link.selected_nea = enum_name("Nea", int_of(init("init.nea"), 0));
        t.link.selected_nia = enum_name("Nia", int_of(init("init.nia"), 0));
        t.link.k_nrp_sess = bytes_of(init("init.k_nrp_sess"), crypto::kKNrpSessOctets);
        t.link.initiator_sec_cap =
            trace::SecCaps{set_names(init("init.caps.nea"), "Nea"), set_names(init("init.caps.nia"), "Nia")};
        t.link.signalling_policy =
            trace::SignallingPolicy{enum_name("Policy", int_of(init("init.policy.integrity"), 2)),
                                    enum_name("Policy", int_of(init("init.policy.ciphering"), 2))};
        t.keys.push_back(trace::KeyEntry{t.link.k_nrp_id, bytes_of(init("init.k_nrp"), crypto::kKNrpOctets)});
    }

    /// Step `k` as an event of the trace and a step of the report.
    void write_step(std::size_t k, Witness& w)
    {
        const SystemMessage& sm = e_.system_steps_[k];
        const auto field = [&](const std::string& name) { return std::get<Term>(sm.in.fields.at(name)); };
        trace::Event ev;
        ev.at = 0.01 * static_cast<double>(k);
        const bool from_initiator = int_of(field("from").value, 0) == 0;
        ev.from = from_initiator ? trace::Role::initiator : trace::Role::target;
        const auto msg_index = static_cast<std::size_t>(int_of(field("msg").value, 0));
        ev.msg = e_.msg_names_->at(std::min(msg_index, e_.msg_names_->size() - 1));
        std::string detail = write_ies(sm, ev);
        detail += (detail.empty() ? "" : "; ") + write_sec(sm, ev);
        SystemStep step;
        step.index = k + 1;
        step.sender = from_initiator ? "initiator" : "target";
        step.msg = ev.msg;
        step.detail = detail;
        const bool injected = bool_of(sm.injected);
        const bool dropped = !injected && bool_of(sm.dropped);
        step.by_attacker = injected || dropped;
        if (step.by_attacker) {
            w.trace.attacker_steps.push_back(trace::AttackerStep{k, injected});
        }
        step.action =
            injected ? "attacker injects, as the " + step.sender
                     : (dropped ? step.sender + " sends; the attacker drops it" : step.sender + " sends");
        w.steps.push_back(std::move(step));
        w.trace.events.push_back(std::move(ev));
    }

    /// The IEs of the message of `sm` into `ev`; returns them as the report shows them.
    [[nodiscard]] std::string write_ies(const SystemMessage& sm, trace::Event& ev)
    {
        const auto field = [&](const std::string& name) { return std::get<Term>(sm.in.fields.at(name)); };
        const spec::MessageDef* def = e_.spec_.find_message(ev.msg);
        std::string detail;
        if (def == nullptr) {
            return detail;
        }
        for (const auto& ie : def->ies) {
            const std::string base = "ie." + ie.name;
            const bool pair = ie.kind == "algs" || ie.kind == "sec_cap";
            const Term first = field(pair ? base + ".nea" : base);
            if (!bool_of(first.present)) {
                continue;
            }
            nlohmann::json v;
            if (ie.kind == "bytes") {
                v = crypto::to_hex(bytes_of(first.value, ie.length));
            } else if (ie.kind == "int") {
                v = std::clamp(int_of(first.value, ie.min), ie.min, ie.max);
            } else if (ie.kind == "bool") {
                v = bool_of(first.value);
            } else if (ie.kind == "algs") {
                v = {{"nea", enum_name("Nea", int_of(field(base + ".nea").value, 0))},
                     {"nia", enum_name("Nia", int_of(field(base + ".nia").value, 0))}};
            } else {
                v = {{"nea", set_names(field(base + ".nea").value, "Nea")},
                     {"nia", set_names(field(base + ".nia").value, "Nia")}};
            }
            ev.ie[ie.name] = v;
            detail += (detail.empty() ? "" : ", ") + ie.name + "=" + v.dump();
        }
        return detail;
    }

    /// The protection and pdu of the message of `sm` into `ev`; returns them as the report shows them.
    [[nodiscard]] std::string write_sec(const SystemMessage& sm, trace::Event& ev)
    {
        const auto field = [&](const std::string& name) { return std::get<Term>(sm.in.fields.at(name)); };
        if (!bool_of(field("sec.protected").value)) {
            ev.sec.kind = trace::Sec::Kind::none;
            ev.pdu = bytes_of(field("pdu").value, 0);
            return "unprotected";
        }
        ev.sec.kind = trace::Sec::Kind::protected_;
        ev.sec.ctx = static_cast<trace::KNrpSessId>(
            std::clamp<std::int64_t>(int_of(field("sec.ctx").value, 0), 0,
                                     std::int64_t{std::numeric_limits<trace::KNrpSessId>::max()}));
        ev.sec.count = static_cast<std::uint32_t>(
            std::clamp<std::int64_t>(int_of(field("sec.count").value, 0), 0, crypto::kMaxCount));
        ev.sec.bearer = static_cast<std::uint8_t>(
            std::clamp<std::int64_t>(int_of(field("sec.bearer").value, 1), 0, crypto::kMaxBearer));
        ev.sec.direction = static_cast<std::uint8_t>(
            std::clamp<std::int64_t>(int_of(field("sec.direction").value, 0), 0, crypto::kMaxDirection));
        ev.pdu = bytes_of(field("pdu").value, 0);
        trace::Bytes mac = bytes_of(field("sec.mac").value, 4);
        mac.resize(4);
        ev.sec.mac = std::array<std::uint8_t, 4>{mac[0], mac[1], mac[2], mac[3]};
        return "ctx " + std::to_string(*ev.sec.ctx) + " COUNT " + std::to_string(*ev.sec.count);
    }

    /// K_NRPs the system made up (authentication): logged under the full IDs the model looked up,
    /// then (log_keys_by_msbs) under an ID with the MSBs an SMC carried.
    void log_looked_up_keys(trace::Trace& t)
    {
        for (const auto& a : e_.applications_) {
            if (a.name != "k_nrp_of") {
                continue;
            }
            const auto id = static_cast<trace::KNrpId>(std::clamp<std::int64_t>(
                int_of(a.args[0], 0), 0, std::int64_t{std::numeric_limits<trace::KNrpId>::max()}));
            const trace::Bytes key = bytes_of(a.result, crypto::kKNrpOctets);
            if (std::none_of(t.keys.begin(), t.keys.end(),
                             [id](const trace::KeyEntry& e) { return e.k_nrp_id == id; })) {
                t.keys.push_back(trace::KeyEntry{id, key});
            }
        }
    }

    /// Whether a logged key's K_NRP ID has these 16 MSBs.
    [[nodiscard]] static auto same_msbs(std::uint32_t msbs)
    {
        return [msbs](const trace::KeyEntry& e) { return (e.k_nrp_id >> 16U) == msbs; };
    }

    void log_keys_by_msbs(trace::Trace& t)
    {
        for (const auto& a : e_.applications_) {
            if (a.name != "k_nrp_by_msbs") {
                continue;
            }
            const auto msbs = static_cast<std::uint32_t>(int_of(a.args[0], 0) & 0xFFFF);
            const trace::Bytes key = bytes_of(a.result, crypto::kKNrpOctets);
            if (std::none_of(t.keys.begin(), t.keys.end(), same_msbs(msbs))) {
                t.keys.push_back(trace::KeyEntry{msbs << 16U, key});
            }
        }
    }

    /// Keys of authentication runs (k_nrp_new): under their MSBs, with LSBs not taken yet. Two runs that
    /// gave their keys the same MSBs leave replay's look-up ambiguous (unverified), as the trace format
    /// names a K_NRP by its ID only.
    void log_new_keys(trace::Trace& t)
    {
        for (const auto& a : e_.applications_) {
            if (a.name != "k_nrp_new") {
                continue;
            }
            const auto msbs = static_cast<std::uint32_t>(int_of(a.args[1], 0) & 0xFFFF);
            const trace::Bytes key = bytes_of(a.result, crypto::kKNrpOctets);
            if (std::any_of(t.keys.begin(), t.keys.end(),
                            [&, same = same_msbs(msbs)](const trace::KeyEntry& e) {
                                return same(e) && e.k_nrp == key;
                            })) {
                continue;
            }
            std::uint32_t lsbs = 0;
            while (lsbs < 0xFFFFU && std::any_of(t.keys.begin(), t.keys.end(), [&](const trace::KeyEntry& e) {
                       return e.k_nrp_id == ((msbs << 16U) | lsbs);
                   })) {
                ++lsbs;
            }
            t.keys.push_back(trace::KeyEntry{(msbs << 16U) | lsbs, key});
        }
    }

    Engine& e_;
    const z3::model& m_;
    std::mt19937_64 rng_{0x5eedU}; ///< deterministic: the same model gives the same trace
    std::map<std::string, trace::Bytes> concrete_;
    std::map<std::string, std::vector<std::size_t>> producers_;
    std::set<std::string> busy_; ///< values being made concrete (a cycle gets random bytes)
};

Witness Engine::system_witness(const z3::model& m, std::size_t steps)
{
    return WitnessWriter(*this, m).write(steps);
}

} // namespace detail

namespace {

using detail::Engine;
using detail::out_of_memory;
using Clock = std::chrono::steady_clock;

/// Induction depths tried after bounded model checking (each costs a new encoding per depth).
constexpr unsigned kMaxInduction = 3;

/// The solver context (detail::SolverContext) and the engine in it, for one query.
class Search {
  public:
    Search(const spec::Spec& spec, const SystemOptions& options, Clock::time_point deadline, bool arbitrary)
    {
        if (!ctx_.ok()) {
            return;
        }
        header_.spec = spec.id;
        header_.observer = trace::Observer::air;
        SymbolicOptions so;
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        so.timeout_ms = left <= 0 ? 1U : static_cast<unsigned>(left);
        engine_.emplace(spec, header_, so, ctx_.get());
        engine_->system_begin(options.attacker, arbitrary);
    }
    [[nodiscard]] bool ok() const { return engine_.has_value(); }
    [[nodiscard]] Engine& engine() { return *engine_; }
    /// A second engine for `other`, on the same solver and the same messages (see link()).
    Engine& join(const spec::Spec& other, const SystemOptions& options)
    {
        joined_.emplace(other, header_, SymbolicOptions{}, ctx_.get());
        joined_->join(engine_->solver(), "b|");
        joined_->system_begin(options.attacker, false);
        return *joined_;
    }

  private:
    detail::SolverContext ctx_; ///< declared first: the engines go before it
    trace::Trace header_;
    std::optional<Engine> engine_;
    std::optional<Engine> joined_;
};

/// The same values for two engines: init.* (k ignored) or the message of step `k`; messages by name.
void link(Engine& a, Engine& b, std::size_t k, bool init)
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
    Engine& e = s.engine();
    const bool reads_message = Engine::reads_message(goal);
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
    return Engine::mentions(
        n, [](const expr::Node& x) { return x.kind == expr::NodeKind::variable && x.name == "enabled"; });
}

/// One invariant for induction.
struct Candidate {
    const expr::Node* formula = nullptr;
    bool reads_message = false;
};

/// `set` at each state 0..k of `e` (stepping it to k) as one conjunction; a property that reads the
/// message of a step says nothing about state 0.
z3::expr hold_up_to(Engine& e, const std::vector<Candidate>& set, unsigned k)
{
    z3::expr all = e.context().bool_val(true);
    for (unsigned i = 0; i <= k; ++i) {
        if (i > 0) {
            e.system_step();
        }
        for (const auto& c : set) {
            if (i != 0 || !c.reads_message) {
                all = all && e.system_formula(*c.formula, i);
            }
        }
    }
    return all;
}

/// The induction step at `k` for `set` (all assumed for `k` consecutive steps from any state), asked
/// for `targets`: indices of the targets whose step case does not hold (sat or unknown).
std::vector<std::size_t> failing_step_cases(const spec::Spec& spec, const std::vector<Candidate>& set,
                                            const std::vector<std::size_t>& targets, unsigned k,
                                            const SystemOptions& options, Clock::time_point deadline,
                                            bool as_conjunction)
{
    std::vector<std::size_t> failing;
    Search s(spec, options, deadline, true);
    if (!s.ok()) {
        return targets;
    }
    Engine& e = s.engine();
    z3::context& ctx = e.context();
    // States 0..k assumed, goal at state k+1.
    e.solver().add(hold_up_to(e, set, k));
    e.system_step();
    const std::size_t last = k + 1;
    if (as_conjunction) {
        z3::expr all = ctx.bool_val(true);
        for (const auto t : targets) {
            all = all && e.system_formula(*set[t].formula, last);
        }
        e.solver().add(!all);
        if (e.solve() != z3::unsat) {
            return targets;
        }
        return {};
    }
    for (const auto t : targets) {
        e.solver().push();
        e.solver().add(!e.system_formula(*set[t].formula, last));
        if (e.solve() != z3::unsat) {
            failing.push_back(t);
        }
        e.solver().pop();
    }
    return failing;
}

/// Base case as one independent query: no state within `k` steps of the start breaks any of `set`.
bool base_case_holds(const spec::Spec& spec, const std::vector<Candidate>& set, unsigned k,
                     const SystemOptions& options, Clock::time_point deadline)
{
    Search s(spec, options, deadline, false);
    if (!s.ok()) {
        return false;
    }
    Engine& e = s.engine();
    e.solver().add(!hold_up_to(e, set, k));
    return e.solve() == z3::unsat;
}

/// Houdini-style k-induction over `set`: returns, per member, the k at which it was proven (0: not
/// proven). Every proof is re-checked by two fresh queries (base case, step case) before it counts.
std::vector<unsigned> induction(const spec::Spec& spec, std::vector<Candidate> set,
                                const SystemOptions& options, Clock::time_point deadline)
{
    std::vector<unsigned> proven_at(set.size(), 0);
    const unsigned max_k = std::min(kMaxInduction, std::max(1U, options.depth));
    std::vector<std::size_t> alive(set.size());
    for (std::size_t i = 0; i < set.size(); ++i) {
        alive[i] = i;
    }
    for (unsigned k = 0; k < max_k && !alive.empty(); ++k) {
        std::vector<std::size_t> members = alive;
        while (!members.empty() && Clock::now() < deadline) {
            std::vector<Candidate> assumed;
            for (const auto m : members) {
                assumed.push_back(set[m]);
            }
            std::vector<std::size_t> targets(members.size());
            for (std::size_t i = 0; i < targets.size(); ++i) {
                targets[i] = i;
            }
            const auto failing = failing_step_cases(spec, assumed, targets, k, options, deadline, false);
            if (failing.empty()) {
                break;
            }
            std::vector<std::size_t> kept;
            for (std::size_t i = 0; i < members.size(); ++i) {
                if (std::find(failing.begin(), failing.end(), i) == failing.end()) {
                    kept.push_back(members[i]);
                }
            }
            members = std::move(kept);
        }
        if (members.empty() || Clock::now() >= deadline) {
            continue;
        }
        // Independent re-check of the inductive set: base case and step case, separately.
        std::vector<Candidate> assumed;
        std::vector<std::size_t> all;
        for (const auto m : members) {
            all.push_back(assumed.size());
            assumed.push_back(set[m]);
        }
        const bool base = base_case_holds(spec, assumed, k, options, deadline);
        const bool step = base && failing_step_cases(spec, assumed, all, k, options, deadline, true).empty();
        if (!base || !step) {
            continue;
        }
        for (const auto m : members) {
            proven_at[m] = k + 1;
            alive.erase(std::find(alive.begin(), alive.end(), m));
        }
    }
    return proven_at;
}

/// Replays a witness with `check` (automatic mode: symbolic when the trace leaves values open).
void replay_witness(const spec::Spec& spec, Witness& w)
{
    checker::CheckOptions co;
    co.attacker_steps = true; // the trace says which messages were the attacker's
    const checker::TraceResult r = checker::check_trace(w.trace, Expected<const spec::Spec*>(&spec), co);
    if (r.error) {
        w.check_verdict = "bad input: " + r.error->message;
        return;
    }
    w.check_verdict = machine::to_string(r.replay.verdict);
    w.check_rules = r.replay.violated_rules();
    w.check_mode = r.replay.mode == machine::Mode::symbolic ? "symbolic" : "concrete";
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
    }
}

} // namespace

Expected<std::optional<Disagreement>>
find_disagreement(const spec::Spec& old_spec, const spec::Spec& new_spec, const SystemOptions& options)
{
    return guarded([&]() -> Expected<std::optional<Disagreement>> {
        const auto deadline = Clock::now() + std::chrono::milliseconds(options.timeout_ms);
        SystemOptions honest = options;
        honest.attacker = Attacker{};
        // Both directions side by side, depth by depth, so the shortest run either way comes first (at
        // equal length, one OLD accepts and NEW rejects: what a change would break).
        struct Product {
            const spec::Spec* accepting;
            const spec::Spec* rejecting;
            std::unique_ptr<Search> search;
            Engine* a = nullptr;
            Engine* b = nullptr;
            bool done = false;
        };
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
        for (unsigned d = 1; d <= options.depth && Clock::now() < deadline; ++d) {
            for (auto& p : products) {
                if (p.done) {
                    continue;
                }
                Engine& a = *p.a;
                Engine& b = *p.b;
                a.system_step();
                b.system_step();
                link(a, b, d - 1, false);
                z3::expr broken = a.context().bool_val(false);
                for (const auto& c : b.collected_checks()) {
                    broken = broken || !c;
                }
                a.solver().push();
                a.solver().add(broken);
                const z3::check_result r = a.solve();
                if (r == z3::sat) {
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
                    return std::optional<Disagreement>(std::move(out));
                }
                a.solver().pop();
                p.done = r == z3::unknown;
            }
        }
        return std::optional<Disagreement>();
    });
}

namespace {

/// The properties prove() searches: those asked for, then the lemmas.
struct Chosen {
    std::vector<const spec::Property*> properties;
    std::size_t asked = 0; ///< the first `asked` are reported
};

/// The properties `only` names (all when nullopt), then every lemma: lemmas strengthen the induction of
/// whatever is asked, so they are checked (and used) even when --property names another property.
Expected<Chosen> choose_properties(const spec::Spec& spec, const std::optional<std::string>& only)
{
    Chosen chosen;
    for (const auto& p : spec.properties) {
        if (!only || p.id == *only) {
            chosen.properties.push_back(&p);
        }
    }
    for (const auto& p : spec.properties) {
        if (reads_enabled(*p.formula)) {
            return make_error(ErrorCode::bad_input, "property " + p.id + " of " + spec.file +
                                                        ": `enabled` is defined only inside rule checks");
        }
    }
    if (only && chosen.properties.empty()) {
        std::string ids;
        for (const auto& p : spec.properties) {
            ids += (ids.empty() ? "" : ", ") + p.id;
        }
        return make_error(ErrorCode::usage, "--property: no property '" + *only + "' in " + spec.file +
                                                " (it has: " + (ids.empty() ? "none" : ids) + ")");
    }
    chosen.asked = chosen.properties.size();
    for (const auto& p : spec.properties) {
        if (p.kind == "lemma" &&
            std::find(chosen.properties.begin(), chosen.properties.end(), &p) == chosen.properties.end()) {
            chosen.properties.push_back(&p);
        }
    }
    return chosen;
}

/// The properties no counterexample was found for: candidates for induction.
struct Held {
    std::vector<Candidate> candidates;
    std::vector<std::size_t> result_index; ///< of each candidate in prove()'s results
};

/// Bounded model checking of `p` up to options.depth; a property without a counterexample joins `held`
/// (as result `index`).
PropertyResult search_counterexample(const spec::Spec& spec, const spec::Property& p,
                                     const SystemOptions& options, Held& held, std::size_t index)
{
    PropertyResult r;
    r.id = p.id;
    r.kind = p.kind;
    r.text = p.text;
    r.clauses = p.clauses;
    const auto t0 = Clock::now();
    Reach found =
        guarded_reach(spec, *p.formula, true, options, t0 + std::chrono::milliseconds(options.timeout_ms));
    r.depth = found.depth;
    if (found.answer == z3::sat) {
        r.verdict = PropertyVerdict::violated;
        replay_witness(spec, *found.witness);
        r.counterexample = std::move(found.witness);
    } else if (found.answer == z3::unknown) {
        r.verdict = PropertyVerdict::inconclusive;
        r.how = found.limit;
        // Still a candidate for induction: the proof re-checks its own base case (k <= 3), and
        // a limit hit deep in the search says nothing against that.
        held.candidates.push_back(Candidate{p.formula.get(), Engine::reads_message(*p.formula)});
        held.result_index.push_back(index);
    } else {
        r.verdict = PropertyVerdict::holds_to_depth;
        held.candidates.push_back(Candidate{p.formula.get(), Engine::reads_message(*p.formula)});
        held.result_index.push_back(index);
    }
    r.seconds = seconds_since(t0);
    return r;
}

/// k-induction over the held properties together; those it proves become `proven` in `results`.
void prove_by_induction(const spec::Spec& spec, const Held& held, const SystemOptions& options,
                        std::vector<PropertyResult>& results)
{
    const auto t0 = Clock::now();
    std::vector<unsigned> proven_at(held.candidates.size(), 0);
    try {
        proven_at =
            induction(spec, held.candidates, options, t0 + std::chrono::milliseconds(options.timeout_ms));
    } catch (const z3::exception& e) {
        if (!out_of_memory(e)) {
            throw;
        }
    }
    const double share = seconds_since(t0) / static_cast<double>(held.candidates.size());
    for (std::size_t i = 0; i < held.candidates.size(); ++i) {
        PropertyResult& r = results[held.result_index[i]];
        r.seconds += share;
        if (proven_at[i] != 0) {
            r.verdict = PropertyVerdict::proven;
            r.how = "k-induction at k=" + std::to_string(proven_at[i]) +
                    (held.candidates.size() > 1
                         ? " (jointly with the other properties and lemmas of the inductive set)"
                         : "") +
                    "; re-checked by separate base-case and step-case queries";
        }
    }
}

} // namespace

Expected<std::vector<PropertyResult>> prove(const spec::Spec& spec, const SystemOptions& options,
                                            const std::optional<std::string>& only)
{
    auto chosen = choose_properties(spec, only);
    if (!chosen) {
        return tl::make_unexpected(chosen.error());
    }
    return guarded([&]() -> Expected<std::vector<PropertyResult>> {
        std::vector<PropertyResult> results;
        Held held;
        for (const auto* p : chosen->properties) {
            results.push_back(search_counterexample(spec, *p, options, held, results.size()));
        }
        if (options.induction && !held.candidates.empty()) {
            prove_by_induction(spec, held, options, results);
        }
        results.resize(chosen->asked);
        return results;
    });
}

Expected<QueryResult> query(const spec::Spec& spec, const std::string& condition,
                            const SystemOptions& options)
{
    auto compiled = expr::compile(condition, spec.scope, nullptr);
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
            std::vector<unsigned> proven_at{0};
            try {
                proven_at = induction(spec, {Candidate{negated.get(), Engine::reads_message(*goal)}}, options,
                                      deadline);
            } catch (const z3::exception& e) {
                if (!out_of_memory(e)) {
                    throw;
                }
            }
            if (proven_at[0] != 0) {
                q.proved_unreachable = true;
                q.how = "k-induction at k=" + std::to_string(proven_at[0]) +
                        "; re-checked by separate base-case and step-case queries";
            }
        }
        q.seconds = seconds_since(t0);
        return q;
    });
}

} // namespace pc5check::smt
