/// Tests of the SMT-LIB 2 export behind prove --cross-check (checker/src/smt/cross_check.h): the file a
/// second solver reads must be self-contained SMT-LIB 2. Z3 prints its `subset` on arrays under a name
/// SMT-LIB does not have, so the export writes it as its definition; cvc5 (the CI's second solver) then
/// reads and answers the query.

#include "smt/cross_check.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

using pc5check::smt::detail::cross_check_solver_problem;
using pc5check::smt::detail::cross_check_unsat;
using pc5check::smt::detail::CrossCheckAnswer;
using pc5check::smt::detail::CrossCheckSetup;

std::string read_file(const std::filesystem::path& p)
{
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("cross-check: a query using Z3's subset is exported as SMT-LIB 2 and confirmed by cvc5")
    {
        // quickstart.sh test installs cvc5 (apt-get install cvc5), as the prove --cross-check tests need.
        REQUIRE_MESSAGE(cross_check_solver_problem("cvc5").empty(), "cvc5 is not installed");
        const auto dir = std::filesystem::temp_directory_path() / "pc5check-cross-check-unit";
        std::filesystem::remove_all(dir);
        std::filesystem::create_directories(dir);

        z3::context ctx;
        const z3::sort set = ctx.array_sort(ctx.int_sort(), ctx.bool_sort());
        const z3::expr a = ctx.constant("a", set);
        const z3::expr b = ctx.constant("b", set);
        const z3::expr x = ctx.int_const("x");
        z3::solver s(ctx);
        // a is a subset of b, x is in a and not in b: unsat by the definition of subset only.
        s.add(z3::set_subset(a, b));
        s.add(z3::select(a, x));
        s.add(!z3::select(b, x));
        REQUIRE(s.check() == z3::unsat);
        REQUIRE(s.to_smt2().find("subset") != std::string::npos); // what cvc5 could not read before

        CrossCheckSetup setup;
        setup.dir = dir.string();
        const CrossCheckAnswer answer =
            cross_check_unsat(s, "subset", "the definition of a set inclusion", setup);
        const std::string text = read_file(answer.file);
        CHECK(text.find("(subset") == std::string::npos);
        CHECK(text.find("forall") != std::string::npos);
        CHECK(answer.detail == "unsat");
        CHECK(answer.kind == CrossCheckAnswer::Kind::confirmed);

        // The rewrite keeps the meaning: without `x not in b` the query is satisfiable, and cvc5 must not
        // confirm it (it answers sat, a disagreement with Z3's unsat that throws, or, as quantified
        // queries that are satisfiable often get, unknown).
        z3::solver sat(ctx);
        sat.add(z3::set_subset(a, b));
        sat.add(z3::select(a, x));
        REQUIRE(sat.check() == z3::sat);
        bool confirmed = false;
        try {
            confirmed = cross_check_unsat(sat, "subset-sat", "satisfiable", setup).kind ==
                        CrossCheckAnswer::Kind::confirmed;
        } catch (const pc5check::smt::detail::CrossCheckDisagreement& e) {
            CHECK(std::string(e.what()).find("disagree") != std::string::npos);
        }
        CHECK_FALSE(confirmed);
        std::filesystem::remove_all(dir);
    }
}
