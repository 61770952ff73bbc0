#pragma once
/// \file Assigning Z3 objects without leaking references on Z3 4.8.12 (Debian 12).
///
/// That version's C++ API (z3++.h) forgets, in `ast::operator=(ast&&)`, to release the reference of the
/// value it overwrites: every `e = <temporary>` on a z3::expr, z3::sort or z3::func_decl leaks the old
/// value, which then lives until its context is deleted. An accumulator (`all = all && x`) or a state
/// variable rewritten at every step (`v = ite(c, new, v)`) leaks a chain whose every link holds the next,
/// and deleting the context frees such chains one layer per pass over all its terms: time quadratic in
/// the chain's length (a 48-event partial trace: ~9 ms of its ~350 ms; 100 events: up to 130 ms), and
/// every leaked term keeps its memory and its place in Z3's tables until then. Copy assignment counts
/// references correctly on every version, so the symbolic engine assigns z3 objects by copy only: through
/// assign(), `optional::emplace`, or a copy-based move assignment in its own types (Term).
/// docs/performance.md ("A reference leak in Z3 4.8.12's C++ API") has the measurements and the audit
/// that found every move assignment; a build with -DPC5CHECK_Z3_MOVE_GUARD=ON (CI's sanitizer build;
/// cmake/Z3MoveGuard.cmake) fails to link on any new one.

#include <z3++.h>

namespace pc5check::smt::detail {

/// `to = from` by copy: the overwritten value's reference is released (see the file comment).
inline void assign(z3::expr& to, const z3::expr& from) { to = from; }

} // namespace pc5check::smt::detail
