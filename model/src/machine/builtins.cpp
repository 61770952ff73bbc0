#include "pc5check/machine/builtins.h"

#include "pc5check/crypto/crypto.h"
#include "pc5check/crypto/sizes.h"
#include "pc5check/protocol/protocol.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

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
expr::ExternalFunction open_derivation(std::vector<Type> params, expr::SolverMeaning meaning,
                                       std::string absent, std::string reason)
{
    return expr::ExternalFunction{
        std::move(params),
        Type::bytes(),
        [absent = std::move(absent), reason = std::move(reason)](const std::vector<Value>& a, Value& out) {
            out = Value::unknown(first_absent(a) != nullptr ? absent : reason);
        },
        std::move(meaning),
        false,
        true};
}

/// A look-up of logged keys whose result replay knows only once bind_trace_keys has the trace's keys.
expr::ExternalFunction key_lookup(std::vector<Type> params, std::size_t id_arg, expr::SolverMeaning meaning,
                                  std::string absent, std::string missing)
{
    return expr::ExternalFunction{std::move(params), Type::bytes(),
                                  [id_arg, absent = std::move(absent),
                                   missing = std::move(missing)](const std::vector<Value>& a, Value& out) {
                                      out = a[id_arg].is_absent()
                                                ? Value::unknown(absent)
                                                : Value::unknown(missing + " " + hex_id(int_of(a[id_arg])));
                                  },
                                  std::move(meaning)};
}

/// NRPIK or NRPEK (`what`): the key of the algorithm in argument 1, derived from the K_NRP-sess in
/// argument 0 by `derive`.
template <class Alg>
expr::ExternalFunction algorithm_key(Type algorithm, std::string what,
                                     Expected<crypto::Bytes> (*derive)(std::span<const std::uint8_t>, Alg))
{
    return expr::ExternalFunction{{Type::bytes(), std::move(algorithm)},
                                  Type::bytes(),
                                  [what = std::move(what), derive](const std::vector<Value>& a, Value& out) {
                                      if (first_absent(a) != nullptr) {
                                          out = Value::unknown(what + " input absent");
                                          return;
                                      }
                                      auto k = derive(bytes_of(a[0]), static_cast<Alg>(enum_of(a[1])));
                                      out = k ? Value::bytes(std::move(*k))
                                              : Value::unknown(what + " not derivable: " + k.error().message);
                                  },
                                  {.kind = expr::SolverMeaning::Kind::injective,
                                   .result_octets = crypto::kAlgKeyOctets,
                                   .domains = {expr::ArgumentDomain{.octets = crypto::kKNrpSessOctets}}}};
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
    using Kind = expr::SolverMeaning::Kind;
    using Distinct = expr::SolverMeaning::DistinctFrom;
    using expr::ArgumentDomain;
    const auto add = [&scope](const char* name, expr::ExternalFunction f) {
        scope.functions.insert_or_assign(name, std::move(f));
    };

    /// Ref: TS 33.536 Annex A (K_NRP-sess: FC 0x7F, P0 Nonce_1, P1 Nonce_2).
    add("k_nrp_sess", {{bytes, bytes, bytes},
                       bytes,
                       [](const std::vector<Value>& a, Value& out) {
                           if (first_absent(a) != nullptr) {
                               out = Value::unknown("K_NRP-sess input absent");
                               return;
                           }
                           auto k = crypto::derive_k_nrp_sess(bytes_of(a[0]), bytes_of(a[1]), bytes_of(a[2]));
                           out = k ? Value::bytes(std::move(*k))
                                   : Value::unknown("K_NRP-sess not derivable: " + k.error().message);
                       },
                       {.kind = Kind::injective,
                        .result_octets = crypto::kKNrpSessOctets,
                        .distinct_from = Distinct::initial_session_key,
                        .domains = {ArgumentDomain{.octets = crypto::kKNrpOctets},
                                    ArgumentDomain{.octets = crypto::kNonceOctets},
                                    ArgumentDomain{.octets = crypto::kNonceOctets}}}});
    /// Ref: TS 33.536 Annex A (NRPIK: FC 0x7E, P0 0x01, P1 algorithm identity).
    add("nrpik", algorithm_key(Type::enumeration(nia), "NRPIK", &crypto::derive_nrpik));
    /// Ref: TS 33.536 Annex A (NRPEK: FC 0x7E, P0 0x00, P1 algorithm identity).
    add("nrpek", algorithm_key(Type::enumeration(nea), "NRPEK", &crypto::derive_nrpek));
    /// Ref: TS 33.401 B.2 / TS 33.501 D.1, D.4.5 (MAC-I over a PDCP SDU). Its lengths, ranges and null
    /// algorithm: spec/pc5-protocol.json.
    const expr::SolverMeaning mac_meaning{
        .kind = Kind::mac,
        .result_octets = crypto::kMacOctets,
        .domains = {ArgumentDomain{}, ArgumentDomain{.octets = crypto::kAlgKeyOctets},
                    ArgumentDomain{.min = 0, .max = crypto::kMaxCount},
                    ArgumentDomain{.min = 0, .max = crypto::kMaxBearer},
                    ArgumentDomain{.min = 0, .max = crypto::kMaxDirection}},
        .null_algorithm = expr::SolverMeaning::NullAlgorithm{
            .index = static_cast<std::int64_t>(protocol::kNullNia),
            .result = {protocol::kNullNiaMac.begin(), protocol::kNullNiaMac.end()}}};
    add("nia", {{Type::enumeration(nia), bytes, integer, integer, integer, bytes},
                bytes,
                [mac_meaning](const std::vector<Value>& a, Value& out) {
                    if (first_absent(a) != nullptr) {
                        out = Value::unknown("MAC-I input absent");
                        return;
                    }
                    // COUNT/BEARER/DIRECTION from the declared domains; the key length the crypto checks.
                    if (!mac_meaning.integers_in_range(a)) {
                        out = Value::unknown("COUNT/BEARER/DIRECTION out of range");
                        return;
                    }
                    const crypto::PdcpInput in{static_cast<std::uint32_t>(int_of(a[2])),
                                               static_cast<std::uint8_t>(int_of(a[3])),
                                               static_cast<std::uint8_t>(int_of(a[4]))};
                    const auto alg = static_cast<crypto::IntegrityAlg>(enum_of(a[0]));
                    auto mac = crypto::mac_i(alg, bytes_of(a[1]), in, bytes_of(a[5]));
                    if (!mac) {
                        out = Value::unknown("MAC-I not computable: " + mac.error().message);
                    } else if (!mac->has_value()) {
                        out = Value::unknown(std::string(protocol::kNiaNames.at(enum_of(a[0]))) +
                                             " is not implemented");
                    } else {
                        out.assign_bytes(**mac);
                    }
                },
                mac_meaning});
    /// The logged K_NRP with this ID; bind_trace_keys gives replay the trace's keys.
    add("k_nrp_of",
        key_lookup({integer}, 0,
                   {.kind = Kind::key_lookup, .result_octets = crypto::kKNrpOctets, .id_shift = 0},
                   "K_NRP ID absent", "no K_NRP logged for K_NRP ID"));
    /// The one logged K_NRP whose ID has these MSBs (TS 24.554 7.2.10.3: the SMC carries the MSBs of the
    /// new K_NRP ID, the COMPLETE its LSBs).
    add("k_nrp_by_msbs", key_lookup({integer}, 0,
                                    {.kind = Kind::key_lookup,
                                     .result_octets = crypto::kKNrpOctets,
                                     .id_shift = protocol::kKNrpIdLsbsBits},
                                    "MSBs of K_NRP ID absent", "no K_NRP logged whose ID has MSBs"));
    /// The K_NRP that authentication run `run` established, logged under an ID with MSBs `msbs`: replay
    /// looks it up by the MSBs, as k_nrp_by_msbs; the solver knows it is a new key per run whatever its
    /// ID (the ID only names it).
    /// Ref: TS 24.554 7.2.12.1 (authentication derives the new K_NRP used by the SMC).
    add("k_nrp_new", key_lookup({integer, integer}, 1,
                                {.kind = Kind::injective_in_key,
                                 .result_octets = crypto::kKNrpOctets,
                                 .distinct_from = Distinct::initial_root_key},
                                "MSBs of K_NRP ID absent", "no K_NRP logged whose ID has MSBs"));
    add("empty_map", {{},
                      Type::map(),
                      [](const std::vector<Value>&, Value& out) { out = Value::map(expr::MapValue{}); },
                      {.kind = Kind::empty_map}});
    // A fresh key per distinct integer: it makes freshness hold by construction, so `spec lint` flags
    // every use (kept so that older spec files still load).
    add("unspecified_key", open_derivation({integer},
                                           {.kind = Kind::injective,
                                            .result_octets = crypto::kKNrpSessOctets,
                                            .distinct_from = Distinct::initial_session_key},
                                           "key derivation left open (FFS) by the spec variant",
                                           "key derivation left open (FFS) by the spec variant"));
    /// A derivation the source text leaves FFS, least committed: some KDF keyed by `key` over
    /// `material` (what the messages carry). Replay cannot compute it; the solver knows only that
    /// different keys give different outputs, and may make the material matter or not.
    /// Ref: TR 33.847 6.X.2 step 4, Editor's Note (session-key derivation FFS).
    add("ffs_kdf", open_derivation({bytes, bytes},
                                   {.kind = Kind::injective_in_key,
                                    .result_octets = crypto::kKNrpSessOctets,
                                    .distinct_from = Distinct::initial_session_key},
                                   "FFS derivation input absent",
                                   "session-key derivation left FFS by the spec variant"));
    /// A perfect KDF whose FC value is not confirmed in any public copy (e.g. TS 33.303's K_D-sess from
    /// K_D, Nonce_1 and Nonce_2): replay cannot compute it; the solver treats it as injective.
    /// Ref: TS 33.303 6.5.5.3 (body not seen).
    add("kdf_fc_unknown",
        open_derivation({bytes, bytes, bytes},
                        {.kind = Kind::injective,
                         .result_octets = crypto::kKNrpSessOctets,
                         .distinct_from = Distinct::initial_session_key},
                        "KDF input absent", "KDF whose FC value is not confirmed: not computable"));
    /// The root key established by authentication run `run` (a counter of runs on the link): a new key
    /// per run, as the seed states ("new root key ... generated securely"); the authentication method
    /// itself is not modelled, so replay cannot compute it.
    /// Ref: TR 33.847 6.X.2 step 3.
    add("auth_root",
        {{integer},
         bytes,
         [](const std::vector<Value>& a, Value& out) {
             out = a[0].is_absent()
                       ? Value::unknown("authentication run absent")
                       : Value::unknown("root key of authentication run " + std::to_string(int_of(a[0])) +
                                        " not logged (the authentication method is not modelled)");
         },
         {.kind = Kind::injective,
          .result_octets = crypto::kKNrpOctets,
          .distinct_from = Distinct::initial_root_key},
         false,
         true});
}

/// One function's memo: the arguments and results of its last kEntries calls (and the arguments'
/// hash), in entries kept from trace to trace. A call asked for again copies the kept result into the
/// caller's value, and a new call overwrites the oldest entry where it is, so that neither allocates
/// once the entries have their storage (a new map node, argument vector and result per call did).
struct detail::MemoTable {
    /// Enough for the derivations of one event and those of the events just before it (each event
    /// asks for its own MAC-I), few enough to compare the hashes of all at each call.
    static constexpr std::size_t kEntries = 64;
    struct Entry {
        std::size_t hash = 0;
        std::vector<Value> args;
        Value result;
    };

    /// The kept result of a call with these arguments (`hash` their hash_arguments), or nullptr.
    [[nodiscard]] const Value* find(std::size_t hash, const std::vector<Value>& args) const
    {
        for (std::size_t k = 0; k < used; ++k) {
            const Entry& e = entries[k];
            if (e.hash == hash && std::equal(e.args.begin(), e.args.end(), args.begin(), args.end())) {
                return &e.result; // Value ==
            }
        }
        return nullptr;
    }
    /// Keeps a call's result in place of the oldest entry once all are taken.
    void add(std::size_t hash, const std::vector<Value>& args, const Value& result)
    {
        if (next == entries.size()) {
            entries.emplace_back();
        }
        Entry& e = entries[next];
        e.hash = hash;
        e.args = args; // element by element: bytes go into the storage the entry has
        e.result = result;
        next = (next + 1) % kEntries;
        used = std::max(used, next == 0 ? kEntries : next);
    }
    /// Drops every kept result, keeping the entries' storage.
    void forget()
    {
        used = 0;
        next = 0;
    }

    std::vector<Entry> entries;
    std::size_t used = 0; ///< entries [0, used) hold results
    std::size_t next = 0; ///< where the next result goes
};

void Memos::forget()
{
    for (const auto& table : tables_) {
        table->forget();
    }
    begin_event();
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
std::shared_ptr<detail::MemoTable> memoize(expr::ExternalFunction& f)
{
    auto memo = std::make_shared<detail::MemoTable>();
    f.impl = [memo, inner = std::move(f.impl)](const std::vector<Value>& args, Value& out) {
        const std::size_t h = hash_arguments(args);
        if (const Value* kept = memo->find(h, args)) {
            out = *kept;
            return;
        }
        inner(args, out);
        memo->add(h, args, out);
    };
    return memo;
}

/// The one logged K_NRP whose ID has the MSBs `msbs` (k_nrp_by_msbs, k_nrp_new), into `out`.
void key_by_msbs(const std::vector<trace::KeyEntry>& keys, const Value& msbs_arg, Value& out)
{
    if (msbs_arg.is_absent()) {
        out = Value::unknown("MSBs of K_NRP ID absent");
        return;
    }
    const std::int64_t msbs = int_of(msbs_arg);
    const trace::KeyEntry* found = nullptr;
    for (const auto& k : keys) {
        if (static_cast<std::int64_t>(k.k_nrp_id >> protocol::kKNrpIdLsbsBits) == msbs) {
            if (found != nullptr && found->k_nrp != k.k_nrp) {
                out = Value::unknown("several logged K_NRPs have ID MSBs " + hex_id(msbs));
                return;
            }
            found = &k;
        }
    }
    if (found == nullptr) {
        out = Value::unknown("no K_NRP logged whose ID has MSBs " + hex_id(msbs));
        return;
    }
    out.assign_bytes(found->k_nrp);
}

} // namespace

void bind_trace_keys(expr::Scope& scope, const std::vector<trace::KeyEntry>& keys)
{
    (void)memoize_computed(scope);
    bind_keys(scope, keys);
}

Memos memoize_computed(expr::Scope& scope)
{
    // Each machine binds its own scope: the memos are never shared between threads.
    Memos memos;
    memos.macs_ = std::make_shared<std::vector<MacUse>>();
    for (auto& [name, f] : scope.functions) {
        if (f.computed_from_arguments()) {
            memos.tables_.push_back(memoize(f));
            if (f.meaning.kind == expr::SolverMeaning::Kind::mac) {
                // Outside the memo, so that a MAC-I asked for again at a later event is logged again.
                f.impl = [log = memos.macs_, inner = std::move(f.impl)](const std::vector<Value>& a,
                                                                        Value& out) {
                    inner(a, out);
                    const auto* mac = std::get_if<std::vector<std::uint8_t>>(&out.data);
                    if (mac != nullptr && mac->size() == protocol::kMacOctets) {
                        MacUse use{.alg = enum_of(a[0])};
                        std::copy(mac->begin(), mac->end(), use.mac.begin());
                        log->push_back(use);
                    }
                };
            }
        }
    }
    return memos;
}

void Memos::begin_event()
{
    if (macs_ != nullptr) {
        macs_->clear();
    }
}

const std::vector<MacUse>& Memos::macs() const
{
    static const std::vector<MacUse> kNone;
    return macs_ != nullptr ? *macs_ : kNone;
}

void bind_keys(expr::Scope& scope, const std::vector<trace::KeyEntry>& keys)
{
    // The functions keep a pointer to the keys, not a copy of them (a copy per trace, in a closure the
    // std::function allocated): the caller's keys outlive the calls (see builtins.h).
    const std::vector<trace::KeyEntry>* logged = &keys;
    scope.functions.at("k_nrp_of").impl = [logged](const std::vector<Value>& a, Value& out) {
        if (a[0].is_absent()) {
            out = Value::unknown("K_NRP ID absent");
            return;
        }
        const std::int64_t id = int_of(a[0]);
        for (const auto& k : *logged) {
            if (static_cast<std::int64_t>(k.k_nrp_id) == id) {
                out.assign_bytes(k.k_nrp);
                return;
            }
        }
        out = Value::unknown("no K_NRP logged for K_NRP ID " + hex_id(id));
    };
    scope.functions.at("k_nrp_by_msbs").impl = [logged](const std::vector<Value>& a, Value& out) {
        key_by_msbs(*logged, a[0], out);
    };
    // The run is not logged: the key is found by the ID it was given.
    scope.functions.at("k_nrp_new").impl = [logged](const std::vector<Value>& a, Value& out) {
        key_by_msbs(*logged, a[1], out);
    };
}

} // namespace pc5check::machine
