/// Tests of the symbolic check's slices (checker/src/smt/slices.cpp): Slices::check_each, the proofs of
/// the classification answered together, gives each target the answer a question of its own gives.

#include "smt/slices.h"

#include <doctest/doctest.h>
#include <string>
#include <vector>
#include <z3++.h>

namespace {

using pc5check::smt::detail::Slices;

/// The answer of `target` asked alone: the assertions of `solver` with the literals asserted.
z3::check_result ask_alone(const z3::solver& solver, const std::vector<z3::expr>& literals,
                           const z3::expr& target)
{
    z3::solver s(solver.ctx());
    s.add(solver.assertions());
    for (const auto& l : literals) {
        s.add(l);
    }
    s.add(target);
    return s.check();
}

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

    z3::check_result alone(const std::vector<z3::expr>& literals, const z3::expr& target)
    {
        return ask_alone(solver, literals, target);
    }
};

/// One part larger than kTacticsAssertions (128 in slices.cpp), as a trace without keys makes: a chain
/// x0..x150 (x_{i+1} = x_i + 1 under the literal `e_i`, which the tactics' solve-eqs eliminates once the
/// literals are asserted), x0 in [0, 3], an uninterpreted f tying x150 to y (f(x150) = y), u, which
/// occurs once (elim-uncnstr removes it), w = x1 + 10 (x0 = 1 unless y > 100), and v = 7: propagation
/// decides a target over v alone, and an indicator that were a constant would be eliminated with it.
struct LargeProblem {
    static constexpr int kChain = 150;
    z3::context ctx;
    z3::solver solver{ctx};
    std::vector<z3::expr> x;
    std::vector<z3::expr> literals;
    z3::expr y = ctx.int_const("y");
    z3::expr u = ctx.int_const("u");
    z3::expr w = ctx.int_const("w");
    z3::expr v = ctx.int_const("v");
    z3::func_decl f = ctx.function("f", ctx.int_sort(), ctx.int_sort());
    Slices slices{ctx, [](const z3::expr&) { return false; }, [](const z3::func_decl&) { return false; }};

    LargeProblem()
    {
        for (int i = 0; i <= kChain; ++i) {
            x.push_back(ctx.int_const(("x" + std::to_string(i)).c_str()));
        }
        solver.add(x[0] >= 0 && x[0] <= 3);
        for (int i = 0; i < kChain; ++i) {
            literals.push_back(ctx.bool_const(("e" + std::to_string(i)).c_str()));
            solver.add(z3::implies(literals.back(),
                                   x[static_cast<std::size_t>(i) + 1] == x[static_cast<std::size_t>(i)] + 1));
        }
        solver.add(f(x[kChain]) == y);
        solver.add(y + u > 7 || x[0] == 2);
        solver.add(z3::implies(literals.front(), w == x[1] + 10)); // w fixed once x0 is
        solver.add(x[0] == 1 || y > 100);
        solver.add(v == 7);
        solver.add(v + x[0] >= 7);
        slices.update(solver);
    }

    z3::check_result alone(const z3::expr& target) { return ask_alone(solver, literals, target); }
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

    TEST_CASE("slices: check_each in a large slice (tactics applied once) answers as a question of its own")
    {
        LargeProblem p;
        const auto& x = p.x;
        const std::size_t last = LargeProblem::kChain;
        const std::vector<z3::expr> targets{x[last] == 150,
                                            x[last] == 153,
                                            x[last] == 154,
                                            x[75] == 76,
                                            x[75] < 75,
                                            p.f(x[last]) == p.y + 1,
                                            p.y == 5,
                                            p.u == 3,
                                            x[0] != 2 && x[last] > 152,
                                            p.w == 12 && p.y < 50,
                                            p.w == 13 && p.y < 50,
                                            p.w == 14,
                                            p.v == 8,
                                            p.v == 7};
        const auto got = p.slices.check_each(
            p.literals, targets, [] { return 10'000U; }, 0);
        REQUIRE(p.slices.size() == 1); // one part of more than 128 assertions
        REQUIRE(got.size() == targets.size());
        const std::vector<z3::check_result> want{z3::sat,   z3::sat, z3::unsat, z3::sat, z3::unsat,
                                                 z3::unsat, z3::sat, z3::sat,   z3::sat, z3::sat,
                                                 z3::unsat, z3::sat, z3::unsat, z3::sat};
        for (std::size_t i = 0; i < targets.size(); ++i) {
            CAPTURE(targets[i].to_string());
            CHECK(got[i] == want[i]);
            CHECK(got[i] == p.alone(targets[i]));
        }
    }

    TEST_CASE("slices: check_each in a large slice whose literals leave no model answers unsat")
    {
        LargeProblem p;
        const z3::expr b = p.ctx.bool_const("b");
        p.solver.add(z3::implies(b, p.x[LargeProblem::kChain] < 150));
        p.slices.update(p.solver);
        auto literals = p.literals;
        literals.push_back(b);
        const auto got = p.slices.check_each(
            literals, {p.y == 1, p.x[3] == 4}, [] { return 10'000U; }, 0);
        REQUIRE(got.size() == 2);
        CHECK(got[0] == z3::unsat);
        CHECK(got[1] == z3::unsat);
    }
}
