#pragma once
/// \file A second opinion on Z3's proofs (prove/query --cross-check, issue #17 point 3): the base-case
/// and step-case queries of a k-induction proof are written as self-contained SMT-LIB 2 files and given
/// to another solver (cvc5), which must also answer unsat. Private to checker/src/smt.

#include "pc5check/checker/system.h"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <z3++.h>

namespace pc5check::smt::detail {

/// Where the queries go and which solver reads them (SystemOptions::cross_check_*).
struct CrossCheckSetup {
    std::string dir;             ///< existing directory the .smt2 files are written to
    std::string solver = "cvc5"; ///< program name or path; called as SOLVER --lang=smt2 --tlimit=MS FILE
    unsigned timeout_ms = 60'000;
};

/// The setup --cross-check asks for (`options.cross_check_dir` set), giving the second solver `ms_left` of
/// the caller's time, but at least a second.
[[nodiscard]] CrossCheckSetup cross_check_setup(const SystemOptions& options, long long ms_left);

/// What the second solver said about one query Z3 answered unsat.
struct CrossCheckAnswer {
    enum class Kind : std::uint8_t {
        confirmed, ///< unsat too
        unknown,   ///< no answer (time limit, resource out): the proof is not counted
    };
    Kind kind = Kind::unknown;
    std::string file;   ///< the query as written
    std::string detail; ///< the solver's answer line, or why there is none
};

/// The second solver found a query Z3 answered unsat satisfiable, or could not read the file: one of the
/// two solvers (or the export) is wrong, which is an internal error (exit 3) naming the file.
class CrossCheckDisagreement : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Writes what `solver` asserts to `setup.dir`/`name`.smt2, with `comment` as its first lines (and Z3's
/// `subset` on arrays written as its definition, a quantifier over the elements), and asks
/// `setup.solver` about it. Throws CrossCheckDisagreement on "sat" or an unreadable file.
[[nodiscard]] CrossCheckAnswer cross_check_unsat(z3::solver& solver, const std::string& name,
                                                 const std::string& comment, const CrossCheckSetup& setup);

/// Runs `solver --version`: empty when it ran, else why not (for a clear usage error before proving).
[[nodiscard]] std::string cross_check_solver_problem(const std::string& solver);

} // namespace pc5check::smt::detail
