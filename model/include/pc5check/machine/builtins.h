#pragma once
/// \file External functions of the expression language that the model provides: the crypto of
/// TS 33.536 Annex A / TS 33.401 Annex B and look-ups of logged keys. Each is declared once, with its
/// concrete implementation and its solver meaning (expr::SolverMeaning: the axioms the Z3 encoding gives
/// it, the lengths of its results and the inputs it accepts) side by side.
///
///   k_nrp_sess(k_nrp: bytes, nonce_1: bytes, nonce_2: bytes) -> bytes   KDF FC 0x7F
///   nrpik(k_nrp_sess: bytes, alg: Nia) -> bytes                       KDF FC 0x7E, 0x01
///   nrpek(k_nrp_sess: bytes, alg: Nea) -> bytes                       KDF FC 0x7E, 0x00
///   nia(alg: Nia, key: bytes, count: int, bearer: int, direction: int, message: bytes) -> bytes
///   k_nrp_of(id: int) -> bytes        the logged K_NRP with that ID (unknown when not logged)
///   k_nrp_by_msbs(msbs: int) -> bytes the one logged K_NRP whose ID has these 16 MSBs
///   k_nrp_new(run: int, msbs: int) -> bytes   the K_NRP authentication run `run` made (looked up by MSBs)
///   empty_map() -> map                the empty int -> int map
///   ffs_kdf(key: bytes, material: bytes) -> bytes, kdf_fc_unknown(k, p0, p1) -> bytes,
///   auth_root(run: int) -> bytes      derivations the spec variant leaves open (never known to replay)
///   unspecified_key(derivation: int) -> bytes   always unknown: a key whose derivation the spec leaves
///                                     open (FFS); the argument tells derivations apart (the same
///                                     argument is the same key, e.g. both UEs' copy of one re-keying)

#include "pc5check/expr/expr.h"
#include "pc5check/protocol/protocol.h"
#include "pc5check/trace/trace.h"

#include <memory>
#include <vector>

namespace pc5check::machine {

/// Adds the signatures (with implementations that need no trace) to `scope`. Needs the enums Nea
/// and Nia already in scope.enums.
void declare_builtins(expr::Scope& scope);

/// Binds the key look-ups of `scope` to the keys a trace logged, and gives the crypto functions of
/// this scope their own memo (call once per machine): memoize_computed, then bind_keys (whose
/// lifetime rule applies to `keys`).
void bind_trace_keys(expr::Scope& scope, const std::vector<trace::KeyEntry>& keys);

namespace detail {
struct MemoTable;
} // namespace detail

/// A MAC-I the scope's integrity function (`nia`) returned: which algorithm computed it, and the value.
struct MacUse {
    std::uint32_t alg = 0; ///< index into the spec's Nia enum (NIA0..NIA3, spec/pc5-protocol.json order)
    protocol::MacI mac{};
};

/// The memos memoize_computed gave the functions of one scope, and the log of the MAC-Is it computed.
class Memos {
  public:
    /// Empties every memo: a scope kept for the next trace starts that trace with nothing remembered,
    /// so its memos stay as small (and as fast) as a new scope's would be.
    void forget();
    /// Starts the MAC-I log of an event (see macs()).
    void begin_event();
    /// The MAC-Is the scope's `nia` returned since begin_event(), memo hits included, in call order:
    /// what replay compares with an event's logged MAC-I to say which algorithm reproduced it.
    [[nodiscard]] const std::vector<MacUse>& macs() const;

  private:
    friend Memos memoize_computed(expr::Scope& scope);
    std::vector<std::shared_ptr<detail::MemoTable>> tables_;
    /// Shared with the logging wrapper of `nia`, so that it survives moves of the memos.
    std::shared_ptr<std::vector<MacUse>> macs_;
};

/// Gives each function of `scope` that computes its value from its arguments alone (a KDF, a MAC) a
/// memo of its own, and the MAC function a log of what it returned (call once per scope).
[[nodiscard]] Memos memoize_computed(expr::Scope& scope);

/// Binds the key look-ups of `scope` to the keys a trace logged (again for each trace). The functions
/// read `keys` where they are: `keys` must outlive every call of them (the trace outlives its machine
/// and its encoding).
void bind_keys(expr::Scope& scope, const std::vector<trace::KeyEntry>& keys);

} // namespace pc5check::machine
