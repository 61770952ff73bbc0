/// \file Witnesses of the system (SystemModel::system_witness): a model's values made concrete, with real
/// crypto where the spec's functions have it, written as a pc5-trace/1 trace and a report, step by step.

#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"
#include "smt/system_model.h"

#include <random>
#include <sstream>

namespace pc5check::smt::detail {

namespace {

bool is_int_in(const z3::expr& v, std::int64_t& out) { return v.is_numeral() && v.is_numeral_i64(out); }

} // namespace

/// system_witness's work: the model's values made concrete (see bytes_of) and written as a trace and
/// a report, step by step.
class SystemModel::WitnessWriter {
  public:
    WitnessWriter(SystemModel& engine, const z3::model& model) : e_(engine), m_(model)
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
            Value r;
            f->second.impl(args, r);
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
        step.index = k;
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
            ev.ie.set(ie.name, v);
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

    /// One half of a K_NRP ID (trace.h: MSBs from the SMC, LSBs from the COMPLETE).
    static constexpr std::uint32_t kHalfMask = (1U << trace::kKNrpIdHalfBits) - 1U;

    /// Whether a logged key's K_NRP ID has these MSBs.
    [[nodiscard]] static auto same_msbs(std::uint32_t msbs)
    {
        return [msbs](const trace::KeyEntry& e) { return (e.k_nrp_id >> trace::kKNrpIdHalfBits) == msbs; };
    }

    /// The K_NRPs the model gives the applications of `function` (a key look-up by MSBs, or an
    /// authentication run's new key), each with the 16 MSBs of its ID (argument `msbs_arg`).
    [[nodiscard]] std::vector<std::pair<std::uint32_t, trace::Bytes>> keys_of(const std::string& function,
                                                                              std::size_t msbs_arg)
    {
        std::vector<std::pair<std::uint32_t, trace::Bytes>> out;
        for (const auto& a : e_.applications_) {
            if (a.name == function) {
                out.emplace_back(static_cast<std::uint32_t>(int_of(a.args[msbs_arg], 0) & kHalfMask),
                                 bytes_of(a.result, crypto::kKNrpOctets));
            }
        }
        return out;
    }

    void log_keys_by_msbs(trace::Trace& t)
    {
        for (const auto& [msbs, key] : keys_of("k_nrp_by_msbs", 0)) {
            if (std::none_of(t.keys.begin(), t.keys.end(), same_msbs(msbs))) {
                t.keys.push_back(trace::KeyEntry{msbs << trace::kKNrpIdHalfBits, key});
            }
        }
    }

    /// Keys of authentication runs (k_nrp_new): under their MSBs, with LSBs not taken yet. Two runs that
    /// gave their keys the same MSBs leave replay's look-up ambiguous (unverified), as the trace format
    /// names a K_NRP by its ID only.
    void log_new_keys(trace::Trace& t)
    {
        for (const auto& logged_key : keys_of("k_nrp_new", 1)) {
            // Named, not a structured binding: clang 14 (clang-tidy) cannot capture one in a lambda.
            const std::uint32_t msbs = logged_key.first;
            const trace::Bytes& key = logged_key.second;
            const auto logged = [&, same = same_msbs(msbs)](const trace::KeyEntry& e) {
                return same(e) && e.k_nrp == key;
            };
            if (std::any_of(t.keys.begin(), t.keys.end(), logged)) {
                continue;
            }
            std::uint32_t lsbs = 0;
            while (lsbs < kHalfMask &&
                   std::any_of(t.keys.begin(), t.keys.end(), [&](const trace::KeyEntry& e) {
                       return e.k_nrp_id == ((msbs << trace::kKNrpIdHalfBits) | lsbs);
                   })) {
                ++lsbs;
            }
            t.keys.push_back(trace::KeyEntry{(msbs << trace::kKNrpIdHalfBits) | lsbs, key});
        }
    }

    SystemModel& e_;
    const z3::model& m_;
    std::mt19937_64 rng_{0x5eedU}; ///< deterministic: the same model gives the same trace
    std::map<std::string, trace::Bytes> concrete_;
    std::map<std::string, std::vector<std::size_t>> producers_;
    std::set<std::string> busy_; ///< values being made concrete (a cycle gets random bytes)
};

Witness SystemModel::system_witness(const z3::model& m, std::size_t steps)
{
    return WitnessWriter(*this, m).write(steps);
}

InductionFailure SystemModel::system_cti(const z3::model& model, std::size_t k)
{
    InductionFailure f;
    f.k = static_cast<unsigned>(k + 1);
    StateText how;
    how.eval = [&model](const z3::expr& e) { return model.eval(e, true); };
    how.name_abstract_values = true;
    f.before = render_state(system_states_.at(k), how);
    const auto after = render_state(system_states_.at(k + 1), how);
    for (std::size_t i = 0; i < after.size(); ++i) {
        if (after[i].second != f.before[i].second) {
            f.after.push_back(after[i]);
        }
    }
    Witness w = system_witness(model, k + 1);
    f.step = std::move(w.steps.back());
    return f;
}

} // namespace pc5check::smt::detail
