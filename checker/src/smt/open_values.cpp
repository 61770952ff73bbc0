/// \file Open values of the Z3 encoding: what a trace or the system leaves open, message fields and their
/// ranges (declared in encoding.h; the trace's own fields in trace_problem.h).

#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"
#include "smt/trace_problem.h"
#include "smt/z3_assign.h"

namespace pc5check::smt::detail {

Term Encoding::open_value(const std::string& what, const Type& type, std::optional<z3::expr> present,
                          std::optional<std::pair<std::int64_t, std::int64_t>> range)
{
    z3::expr v = fresh(type, "open");
    if (type.kind == TypeKind::enumeration && purpose_ == Purpose::system &&
        (type.enum_def->name == "Nia" || type.enum_def->name == "Nea")) {
        // The system uses the algorithms with real crypto (crypto::computes), so every
        // counterexample replays with verified MAC-Is; under perfect crypto the others behave alike.
        const bool integrity = type.enum_def->name == "Nia";
        std::optional<z3::expr> computed; // v == a || v == b, with no constant `false` in front
        for (std::size_t a = 0; a < type.enum_def->names.size(); ++a) {
            if (integrity ? crypto::computes(static_cast<crypto::IntegrityAlg>(a))
                          : crypto::computes(static_cast<crypto::CipherAlg>(a))) {
                const z3::expr is_a = v == ctx_.int_val(static_cast<std::int64_t>(a));
                computed.emplace(computed ? *computed || is_a : is_a);
            }
        }
        PC5CHECK_ASSERT(computed && "some algorithm has real crypto");
        solver_.add(*computed);
    } else if (type.kind == TypeKind::enumeration) {
        solver_.add(v >= 0 && v < ctx_.int_val(static_cast<int>(type.enum_def->names.size())));
    } else if (type.kind == TypeKind::integer) {
        const auto [lo, hi] = range.value_or(
            std::pair{std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()});
        solver_.add(v >= ctx_.int_val(lo) && v <= ctx_.int_val(hi));
    } else if (type.kind == TypeKind::map) {
        solver_.add(z3::select(v, no_entry_) == no_entry_); // keeps the sentinel out of the keys
    }
    const std::size_t index = leaves_.size();
    leaves_.push_back(Leaf{what, type, present, v});
    Deps d;
    d.add(index);
    deps_[Z3_get_ast_id(ctx_, v)] = d;
    if (present) {
        deps_[Z3_get_ast_id(ctx_, *present)] = d;
    }
    return Term{present.value_or(ctx_.bool_val(true)), v};
}

std::optional<std::pair<std::int64_t, std::int64_t>> Encoding::range_of(const std::string& field,
                                                                        const trace::Event* ev) const
{
    // The contract's widths (trace.h) and the PDCP input ranges (crypto/sizes.h).
    if (field == "sec.count") {
        return std::pair<std::int64_t, std::int64_t>{0, crypto::kMaxCount};
    }
    if (field == "sec.ctx") {
        return std::pair<std::int64_t, std::int64_t>{
            0, std::int64_t{std::numeric_limits<trace::KNrpSessId>::max()}};
    }
    if (field == "sec.bearer") {
        return std::pair<std::int64_t, std::int64_t>{0, crypto::kMaxBearer};
    }
    if (field == "sec.direction") {
        return std::pair<std::int64_t, std::int64_t>{0, 1};
    }
    if (field.starts_with("ie.")) {
        for (const auto& m : spec_.messages) {
            if (ev != nullptr && m.id != ev->msg) {
                continue;
            }
            for (const auto& ie : m.ies) {
                if (ie.kind == "int" && "ie." + ie.name == field) {
                    return std::pair{ie.min, ie.max};
                }
            }
        }
    }
    return std::nullopt;
}

const Type& Encoding::type_of(const std::string& name) const { return spec_.scope.variables.at(name); }

StepInput TraceProblem::observed_input(const machine::BoundEvent& be, std::size_t k)
{
    StepInput in;
    in.event = k;
    in.observed = be.event;
    const trace::Event& ev = *be.event;
    std::optional<z3::expr> protected_flag;
    std::map<std::string, z3::expr> ie_presence; // "ie": null: per IE, whether it was sent
    for (const auto& [name, value] : be.fields) {
        if (!value.is_unknown()) {
            in.fields.emplace(name, normal(Sym{value}, type_of(name)));
        }
    }
    const std::string at = "event " + std::to_string(k) + " (" + ev.msg + "): ";
    for (const auto& [name, value] : be.fields) {
        if (!value.is_unknown() || name == "sec.protected") {
            continue;
        }
        std::optional<z3::expr> present;
        if (name.starts_with("sec.") && name != "sec.ciphered" &&
            ev.sec.kind == trace::Sec::Kind::not_logged) {
            if (!protected_flag) {
                const Term p =
                    open_value(at + "sec.protected (protection not logged)", Type::boolean(), std::nullopt);
                protected_flag = p.value;
                in.fields.emplace("sec.protected", p);
            }
            present = *protected_flag;
        } else if (name.starts_with("ie.") && !ev.ie.decoded()) {
            const auto dot = name.find('.', 3);
            const std::string ie = name.substr(0, dot);
            auto it = ie_presence.find(ie);
            if (it == ie_presence.end()) {
                const Term p = open_value(at + ie + " sent (IEs not decoded)", Type::boolean(), std::nullopt);
                it = ie_presence.emplace(ie, p.value).first;
            }
            present = it->second;
        }
        in.fields.emplace(name, open_value(at + name + " (" + value.unknown_reason() + ")", type_of(name),
                                           present, range_of(name, &ev)));
    }
    if (be.fields.contains("sec.protected") && be.fields.at("sec.protected").is_unknown() &&
        !protected_flag) {
        in.fields.emplace("sec.protected", open_value(at + "sec.protected (protection not logged)",
                                                      Type::boolean(), std::nullopt));
    }
    in.msg = in.fields.at("msg");
    in.from = in.fields.at("from");
    return in;
}

StepInput TraceProblem::hidden_input(std::size_t gap, std::size_t slot)
{
    StepInput in;
    in.event = gap;
    in.hidden = true;
    in.slot = slot;
    const std::string at =
        "unlogged message " + std::to_string(slot) + " before event " + std::to_string(gap) + ": ";
    const z3::expr active = open_value(at + "sent", Type::boolean(), std::nullopt).value;
    in.active = active;
    solver_.add(z3::implies(active, open_message(at, in)));
    return in;
}

z3::expr Encoding::open_message(const std::string& at, StepInput& in)
{
    const Term msg = open_value(at + "msg", type_of("msg"), std::nullopt);
    const Term from = open_value(at + "from", type_of("from"), std::nullopt);
    in.msg = msg;
    in.from = from;
    in.fields.emplace("msg", msg);
    in.fields.emplace("from", from);
    in.fields.emplace("index", Value::integer(-1));
    open_sec_fields(at, in);
    const auto presence = open_ies(at, in);
    z3::expr allowed = sent_by_allowed_role(msg, from);
    if (purpose_ != Purpose::lint) { // lint asks over any IE presence: see lint_formula
        assign(allowed, ies_carried(allowed, msg, presence));
    }
    return allowed;
}

z3::expr Encoding::sent_by_allowed_role(const Term& msg, const Term& from)
{
    z3::expr allowed = ctx_.bool_val(false);
    for (std::size_t m = 0; m < msg_names_->size(); ++m) {
        const spec::MessageDef* def = spec_.find_message((*msg_names_)[m]);
        if (def == nullptr) {
            continue;
        }
        z3::expr senders = ctx_.bool_val(false);
        for (const auto& s : def->senders) {
            const trace::Role role =
                s == trace::to_string(trace::Role::initiator) ? trace::Role::initiator : trace::Role::target;
            assign(senders, senders || from.value == ctx_.int_val(static_cast<int>(role)));
        }
        assign(allowed, allowed || (msg.value == ctx_.int_val(static_cast<int>(m)) && senders));
    }
    return allowed;
}

void Encoding::open_sec_fields(const std::string& at, StepInput& in)
{
    const z3::expr prot = open_value(at + "sec.protected", Type::boolean(), std::nullopt).value;
    in.fields.emplace("sec.protected", Term{ctx_.bool_val(true), prot});
    in.fields.emplace("sec.logged", Value::boolean(true));
    for (const auto& [name, type] : spec_.scope.variables) {
        if (name.starts_with("sec.") && name != "sec.protected" && name != "sec.logged") {
            const bool unprotected_absent = name != "sec.ciphered";
            in.fields.emplace(name, open_value(at + name, type,
                                               unprotected_absent ? std::optional{prot} : std::nullopt,
                                               range_of(name, nullptr)));
        } else if (name == "pdu") {
            in.fields.emplace(name, open_value(at + name, type, std::nullopt));
        }
    }
}

std::map<std::string, z3::expr> Encoding::open_ies(const std::string& at, StepInput& in)
{
    std::map<std::string, z3::expr> presence;
    for (const auto& [name, type] : spec_.scope.variables) {
        if (!name.starts_with("ie.")) {
            continue;
        }
        const auto dot = name.find('.', 3);
        const std::string ie = name.substr(0, dot);
        auto it = presence.find(ie);
        if (it == presence.end()) {
            it = presence.emplace(ie, open_value(at + ie + " sent", Type::boolean(), std::nullopt).value)
                     .first;
        }
        in.fields.emplace(name, open_value(at + name, type, it->second, range_of(name, nullptr)));
        if (purpose_ != Purpose::trace && type.kind == TypeKind::bytes) {
            bind_ie_length(name, std::get<Term>(in.fields.at(name)));
        }
    }
    return presence;
}

void Encoding::bind_ie_length(const std::string& name, const Term& field)
{
    // Fixed-length IEs (nonces) have their length, so a nonce is never a key or a MAC-I.
    for (const auto& m : spec_.messages) {
        for (const auto& d : m.ies) {
            if ("ie." + d.name == name && d.length != 0) {
                solver_.add(
                    z3::implies(field.present, bytes_len_(field.value) ==
                                                   ctx_.int_val(static_cast<std::int64_t>(d.length))));
            }
        }
    }
}

z3::expr Encoding::ies_carried(z3::expr allowed, const Term& msg,
                               const std::map<std::string, z3::expr>& presence)
{
    // An IE is there only on a message that carries it, as in a trace (the reader refuses any other;
    // the witness writer could not write it): otherwise the solver's run and its replay differ.
    for (const auto& [ie, present] : presence) {
        z3::expr carried = ctx_.bool_val(false);
        for (std::size_t m = 0; m < msg_names_->size(); ++m) {
            const spec::MessageDef* def = spec_.find_message((*msg_names_)[m]);
            if (def != nullptr &&
                std::any_of(def->ies.begin(), def->ies.end(),
                            [&name = ie](const spec::IeDef& d) { return "ie." + d.name == name; })) {
                assign(carried, carried || msg.value == ctx_.int_val(static_cast<int>(m)));
            }
        }
        assign(allowed, allowed && z3::implies(present, carried));
    }
    return allowed;
}

} // namespace pc5check::smt::detail
