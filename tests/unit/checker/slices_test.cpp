/// Tests of the symbolic check's slices (checker/src/smt/slices.cpp): Slices::check_each, the proofs of
/// the classification answered together, gives each target the answer a question of its own gives.

#include "smt/slices.h"

#include <doctest/doctest.h>
#include <vector>
#include <z3++.h>

namespace {

using pc5check::smt::detail::Slices;

/// Two parts that share nothing: x in [0, 3] (at least 1 under the literal `a`), and y = 2z, z in [1, 2].
struct Problem {
    z3::context ctx;
    z3::solver solver{ctx};
    z3::expr x = ctx.int_const("x");
    z3::expr y = ctx.int_const("y");
    z3::expr z = ctx.int_const("z");
    z3::expr a = ctx.bool_const("a");
    Slices slices{ctx, [](const z3::expr&) { return false; }, [](const z3::func_decl&) { return false; }};

    Problem()
    {
        solver.add(x >= 0 && x <= 3);
        solver.add(z3::implies(a, x >= 1));
        solver.add(y == 2 * z);
        solver.add(z >= 1 && z <= 2);
        slices.update(solver);
    }

    /// The answer of `target` asked alone, with the literals asserted.
    z3::check_result alone(const std::vector<z3::expr>& literals, const z3::expr& target)
    {
        z3::solver s(ctx);
        s.add(solver.assertions());
        for (const auto& l : literals) {
            s.add(l);
        }
        s.add(target);
        return s.check();
    }
};

} // namespace

TEST_SUITE("checker")
{
    TEST_CASE("slices: check_each answers every target as a question of its own does")
    {
        Problem p;
        const std::vector<z3::expr> literals{p.a};
        const std::vector<z3::expr> targets{p.x == 0, p.x == 3, p.y == 3, p.y == 4,
                                            p.y > 4,  p.x == 2, p.x < 1,  p.z == 2};
        const auto got = p.slices.check_each(
            literals, targets, [] { return 10'000U; }, 0);
        REQUIRE(got.size() == targets.size());
        const std::vector<z3::check_result> want{z3::unsat, z3::sat, z3::unsat, z3::sat,
                                                 z3::unsat, z3::sat, z3::unsat, z3::sat};
        for (std::size_t i = 0; i < targets.size(); ++i) {
            CAPTURE(targets[i].to_string());
            CHECK(got[i] == want[i]);
            CHECK(got[i] == p.alone(literals, targets[i]));
        }
    }

    TEST_CASE("slices: check_each answers unsat for every target when the literals leave no model")
    {
        Problem p;
        const z3::expr b = p.ctx.bool_const("b");
        p.solver.add(z3::implies(b, p.z > 5));
        p.slices.update(p.solver);
        const std::vector<z3::expr> literals{p.a, b};
        const std::vector<z3::expr> targets{p.x == 3, p.y == 4};
        const auto got = p.slices.check_each(
            literals, targets, [] { return 10'000U; }, 0);
        REQUIRE(got.size() == 2);
        CHECK(got[0] == z3::unsat);
        CHECK(got[1] == z3::unsat);
        CHECK(p.alone(literals, targets[0]) == z3::unsat);
    }

    TEST_CASE("slices: check_each without time answers nothing (each target is then asked alone)")
    {
        Problem p;
        const auto got = p.slices.check_each(
            {p.a}, {p.x == 3, p.y == 3}, [] { return 0U; }, 0);
        REQUIRE(got.size() == 2);
        CHECK(got[0] == z3::unknown);
        CHECK(got[1] == z3::unknown);
    }
}
