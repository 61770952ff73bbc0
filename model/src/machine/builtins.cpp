#include "pc5check/machine/builtins.h"

#include "pc5check/crypto/crypto.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pc5check::machine {

namespace {

using expr::Type;
using expr::Value;

const std::vector<std::uint8_t>& bytes_of(const Value& v)
{
    return std::get<std::vector<std::uint8_t>>(v.data);
}

std::int64_t int_of(const Value& v) { return std::get<std::int64_t>(v.data); }

std::uint32_t enum_of(const Value& v) { return std::get<expr::EnumValue>(v.data).index; }

/// Any absent argument makes the derivation impossible: say which.
const Value* first_absent(const std::vector<Value>& args)
{
    for (const auto& a : args) {
        if (a.is_absent()) {
            return &a;
        }
    }
    return nullptr;
}

std::string hex_id(std::int64_t id) { return std::to_string(id); }

/// A derivation the spec variant leaves open (ExternalFunction::open): replay never knows its value,
/// and says why (`reason`, or `absent` when an input is missing).
expr::ExternalFunction open_derivation(std::vector<Type> params, std::string absent, std::string reason)
{
    return expr::ExternalFunction{std::move(params), Type::bytes(),
                                  [absent = std::move(absent), reason = std::move(reason)](
                                      const std::vector<Value>& a) -> Value {
                                      return Value::unknown(first_absent(a) != nullptr ? absent : reason);
                                  },
                                  false, true};
}

} // namespace

void declare_builtins(expr::Scope& scope)
{
    std::shared_ptr<const expr::EnumDef> nea;
    std::shared_ptr<const expr::EnumDef> nia;
    for (const auto& e : scope.enums) {
        if (e->name == "Nea") {
            nea = e;
        } else if (e->name == "Nia") {
            nia = e;
        }
    }
    PC5CHECK_ASSERT(nea && nia);
    const Type bytes = Type::bytes();
    const Type integer = Type::integer();

    /// Ref: TS 33.536 Annex A (K_NRP-sess: FC 0x7F, P0 Nonce_1, P1 Nonce_2).
    scope.functions["k_nrp_sess"] = expr::ExternalFunction{
        {bytes, bytes, bytes}, bytes, [](const std::vector<Value>& a) -> Value {
            if (first_absent(a) != nullptr) {
                return Value::unknown("K_NRP-sess input absent");
            }
            auto k = crypto::derive_k_nrp_sess(bytes_of(a[0]), bytes_of(a[1]), bytes_of(a[2]));
            if (!k) {
                return Value::unknown("K_NRP-sess not derivable: " + k.error().message);
            }
            return Value::bytes(std::move(*k));
        }};
    /// Ref: TS 33.536 Annex A (NRPIK: FC 0x7E, P0 0x01, P1 algorithm identity).
    scope.functions["nrpik"] = expr::ExternalFunction{
        {bytes, Type::enumeration(nia)}, bytes, [](const std::vector<Value>& a) -> Value {
            if (first_absent(a) != nullptr) {
                return Value::unknown("NRPIK input absent");
            }
            auto k = crypto::derive_nrpik(bytes_of(a[0]), static_cast<crypto::IntegrityAlg>(enum_of(a[1])));
            if (!k) {
                return Value::unknown("NRPIK not derivable: " + k.error().message);
            }
            return Value::bytes(std::move(*k));
        }};
    /// Ref: TS 33.536 Annex A (NRPEK: FC 0x7E, P0 0x00, P1 algorithm identity).
    scope.functions["nrpek"] = expr::ExternalFunction{
        {bytes, Type::enumeration(nea)}, bytes, [](const std::vector<Value>& a) -> Value {
            if (first_absent(a) != nullptr) {
                return Value::unknown("NRPEK input absent");
            }
            auto k = crypto::derive_nrpek(bytes_of(a[0]), static_cast<crypto::CipherAlg>(enum_of(a[1])));
            if (!k) {
                return Value::unknown("NRPEK not derivable: " + k.error().message);
            }
            return Value::bytes(std::move(*k));
        }};
    /// Ref: TS 33.401 B.2 / TS 33.501 D.1, D.4.5 (MAC-I over a PDCP SDU).
    scope.functions["nia"] = expr::ExternalFunction{
        {Type::enumeration(nia), bytes, integer, integer, integer, bytes},
        bytes,
        [](const std::vector<Value>& a) -> Value {
            if (first_absent(a) != nullptr) {
                return Value::unknown("MAC-I input absent");
            }
            const std::int64_t count = int_of(a[2]);
            const std::int64_t bearer = int_of(a[3]);
            const std::int64_t direction = int_of(a[4]);
            if (count < 0 || count > 0xFFFFFFFF || bearer < 0 || bearer > 31 || direction < 0 ||
                direction > 1) {
                return Value::unknown("COUNT/BEARER/DIRECTION out of range");
            }
            const crypto::PdcpInput in{static_cast<std::uint32_t>(count), static_cast<std::uint8_t>(bearer),
                                       static_cast<std::uint8_t>(direction)};
            const auto alg = static_cast<crypto::IntegrityAlg>(enum_of(a[0]));
            auto mac = crypto::mac_i(alg, bytes_of(a[1]), in, bytes_of(a[5]));
            if (!mac) {
                return Value::unknown("MAC-I not computable: " + mac.error().message);
            }
            if (!mac->has_value()) {
                return Value::unknown("NIA" + std::to_string(enum_of(a[0])) + " is not implemented");
            }
            return Value::bytes(std::vector<std::uint8_t>((*mac)->begin(), (*mac)->end()));
        }};
    scope.functions["k_nrp_of"] = expr::ExternalFunction{
        {integer}, bytes, [](const std::vector<Value>& a) -> Value {
            if (a[0].is_absent()) {
                return Value::unknown("K_NRP ID absent");
            }
            return Value::unknown("no K_NRP logged for K_NRP ID " + hex_id(int_of(a[0])));
        }};
    scope.functions["k_nrp_by_msbs"] = expr::ExternalFunction{
        {integer}, bytes, [](const std::vector<Value>& a) -> Value {
            if (a[0].is_absent()) {
                return Value::unknown("MSBs of K_NRP ID absent");
            }
            return Value::unknown("no K_NRP logged whose ID has MSBs " + hex_id(int_of(a[0])));
        }};
    /// The K_NRP that authentication run `run` established, logged under an ID with MSBs `msbs`: replay
    /// looks it up by the MSBs, as k_nrp_by_msbs; the solver knows it is a new key per run whatever its
    /// ID (the ID only names it).
    /// Ref: TS 24.554 7.2.12.1 (authentication derives the new K_NRP used by the SMC).
    scope.functions["k_nrp_new"] = expr::ExternalFunction{
        {integer, integer}, bytes, [](const std::vector<Value>& a) -> Value {
            if (a[1].is_absent()) {
                return Value::unknown("MSBs of K_NRP ID absent");
            }
            return Value::unknown("no K_NRP logged whose ID has MSBs " + hex_id(int_of(a[1])));
        }};
    scope.functions["empty_map"] = expr::ExternalFunction{
        {}, Type::map(), [](const std::vector<Value>&) -> Value { return Value::map(expr::MapValue{}); }};
    // A fresh key per distinct integer: it makes freshness hold by construction, so `spec lint` flags
    // every use (kept so that older spec files still load).
    scope.functions["unspecified_key"] = expr::ExternalFunction{
        {integer},
        bytes,
        [](const std::vector<Value>&) -> Value {
            return Value::unknown("key derivation left open (FFS) by the spec variant");
        },
        false,
        true};
    /// A derivation the source text leaves FFS, least committed: some KDF keyed by `key` over
    /// `material` (what the messages carry). Replay cannot compute it; the solver knows only that
    /// different keys give different outputs, and may make the material matter or not.
    /// Ref: TR 33.847 6.X.2 step 4, Editor's Note (session-key derivation FFS).
    scope.functions["ffs_kdf"] = open_derivation(
        {bytes, bytes}, "FFS derivation input absent", "session-key derivation left FFS by the spec variant");
    /// A perfect KDF whose FC value is not confirmed in any public copy (e.g. TS 33.303's K_D-sess from
    /// K_D, Nonce_1 and Nonce_2): replay cannot compute it; the solver treats it as injective.
    /// Ref: TS 33.303 6.5.5.3 (body not seen).
    scope.functions["kdf_fc_unknown"] = open_derivation({bytes, bytes, bytes}, "KDF input absent",
                                                        "KDF whose FC value is not confirmed: not computable");
    /// The root key established by authentication run `run` (a counter of runs on the link): a new key
    /// per run, as the seed states ("new root key ... generated securely"); the authentication method
    /// itself is not modelled, so replay cannot compute it.
    /// Ref: TR 33.847 6.X.2 step 3.
    scope.functions["auth_root"] = expr::ExternalFunction{
        {integer},
        bytes,
        [](const std::vector<Value>& a) -> Value {
            if (a[0].is_absent()) {
                return Value::unknown("authentication run absent");
            }
            return Value::unknown("root key of authentication run " + std::to_string(int_of(a[0])) +
                                  " not logged (the authentication method is not modelled)");
        },
        false,
        true};
}

namespace {

/// A hash of the arguments: equal arguments (Value ==) hash alike; only bytes, integers and enum
/// indices, what the memoized functions take, add more than the alternative.
std::size_t hash_arguments(const std::vector<Value>& args)
{
    std::size_t h = args.size();
    const auto mix = [&h](std::size_t x) { h = (h ^ x) * std::size_t{0x100000001b3}; };
    for (const auto& a : args) {
        mix(a.data.index());
        if (const auto* b = std::get_if<std::vector<std::uint8_t>>(&a.data)) {
            mix(std::hash<std::string_view>{}(
                std::string_view(reinterpret_cast<const char*>(b->data()), b->size())));
        } else if (const auto* i = std::get_if<std::int64_t>(&a.data)) {
            mix(std::hash<std::int64_t>{}(*i));
        } else if (const auto* e = std::get_if<expr::EnumValue>(&a.data)) {
            mix(e->index);
        }
    }
    return h;
}

/// Wraps a pure external function with a per-machine memo: the same derivation (KDF, NRPIK, MAC) is
/// asked for by several rules and transitions at one event, and again at later events. The arguments
/// are hashed and compared where they are: building a key string from them (a MAC's holds the whole
/// PDU) cost more than the look-up.
void memoize(expr::ExternalFunction& f)
{
    struct Entry {
        std::vector<Value> args;
        Value result;
    };
    auto memo = std::make_shared<std::unordered_multimap<std::size_t, Entry>>();
    auto inner = f.impl;
    f.impl = [memo, inner](const std::vector<Value>& args) -> Value {
        auto& cache = *memo;
        const std::size_t h = hash_arguments(args);
        for (auto [it, end] = cache.equal_range(h); it != end; ++it) {
            const auto& stored = it->second.args;
            if (std::equal(stored.begin(), stored.end(), args.begin(), args.end())) { // Value ==
                return it->second.result;
            }
        }
        if (cache.size() > 4096) {
            cache.clear(); // bounded memory on long traces
        }
        Value v = inner(args);
        cache.emplace(h, Entry{args, v});
        return v;
    };
}

} // namespace

void bind_trace_keys(expr::Scope& scope, const std::vector<trace::KeyEntry>& keys)
{
    // Each machine binds its own scope: the memos are per machine, never shared between threads.
    for (const char* name : {"k_nrp_sess", "nrpik", "nrpek", "nia"}) {
        memoize(scope.functions.at(name));
    }
    scope.functions["k_nrp_of"].impl = [keys](const std::vector<Value>& a) -> Value {
        if (a[0].is_absent()) {
            return Value::unknown("K_NRP ID absent");
        }
        const std::int64_t id = int_of(a[0]);
        for (const auto& k : keys) {
            if (static_cast<std::int64_t>(k.k_nrp_id) == id) {
                return Value::bytes(k.k_nrp);
            }
        }
        return Value::unknown("no K_NRP logged for K_NRP ID " + hex_id(id));
    };
    const auto by_msbs = [keys](const std::vector<Value>& a) -> Value {
        if (a[0].is_absent()) {
            return Value::unknown("MSBs of K_NRP ID absent");
        }
        const std::int64_t msbs = int_of(a[0]);
        const trace::KeyEntry* found = nullptr;
        for (const auto& k : keys) {
            if (static_cast<std::int64_t>(k.k_nrp_id >> 16U) == msbs) {
                if (found != nullptr && found->k_nrp != k.k_nrp) {
                    return Value::unknown("several logged K_NRPs have ID MSBs " + hex_id(msbs));
                }
                found = &k;
            }
        }
        if (found == nullptr) {
            return Value::unknown("no K_NRP logged whose ID has MSBs " + hex_id(msbs));
        }
        return Value::bytes(found->k_nrp);
    };
    scope.functions["k_nrp_by_msbs"].impl = by_msbs;
    scope.functions["k_nrp_new"].impl = [by_msbs](const std::vector<Value>& a) -> Value {
        return by_msbs({a[1]}); // the run is not logged: the key is found by the ID it was given
    };
}

} // namespace pc5check::machine
