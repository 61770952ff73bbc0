/// \file `spec lint`'s solver part: expressions that can never be true.

#include "pc5check/checker/smt.h"
#include "smt/encoder.h"

#include <z3++.h>

namespace pc5check::smt {

namespace {

/// Satisfiability of `formula` together with the encoder's side constraints.
Outcome satisfiable(z3::context& ctx, Encoder& enc, const z3::expr& formula, unsigned timeout_ms)
{
    z3::solver s(ctx);
    z3::params p(ctx);
    p.set("timeout", timeout_ms);
    s.set(p);
    s.add(enc.constraints());
    s.add(formula);
    switch (s.check()) {
    case z3::sat:
        return Outcome::holds;
    case z3::unsat:
        return Outcome::violated;
    case z3::unknown:
        break;
    }
    return Outcome::unknown;
}

} // namespace

Expected<std::vector<spec::LintFinding>> lint_expressions(const spec::Spec& spec, unsigned timeout_ms)
{
    std::vector<spec::LintFinding> findings;
    std::string where; // the expression being encoded, for error messages
    try {
        z3::context ctx;
        Encoder enc(ctx);
        const auto report = [&](Outcome o, const std::string& pointer, const std::string& never, const std::string& what) {
            if (o == Outcome::violated) {
                findings.push_back({pointer, what + " " + never});
            } else if (o == Outcome::unknown) {
                findings.push_back({pointer, what + ": the solver gave up within " + std::to_string(timeout_ms) +
                                                 " ms (inconclusive)"});
            }
        };
        for (const auto& t : spec.transitions) {
            where = t.pointer + "/guard";
            const z3::expr g = enc.encode(*t.guard);
            report(satisfiable(ctx, enc, g, timeout_ms), t.pointer + "/guard",
                   "can never fire: its guard is unsatisfiable", "transition " + t.id);
        }
        for (const auto& r : spec.rules) {
            for (const auto& c : r.checks) {
                where = c.pointer + "/when";
                const z3::expr when = enc.encode(*c.when);
                const Outcome applies = satisfiable(ctx, enc, when, timeout_ms);
                report(applies, c.pointer + "/when", "can never apply: 'when' is unsatisfiable", "a check of rule " + r.id);
                if (applies != Outcome::holds) {
                    continue;
                }
                where = c.pointer + "/assert";
                const z3::expr assertion = enc.encode(*c.assertion);
                report(satisfiable(ctx, enc, when && assertion, timeout_ms), c.pointer + "/assert",
                       "can never pass: 'when && assert' is unsatisfiable", "a check of rule " + r.id);
            }
        }
    } catch (const z3::exception& e) {
        return make_error(ErrorCode::solver_failure, std::string("z3: ") + e.msg() + " while encoding " + spec.file + " " + where);
    }
    return findings;
}

} // namespace pc5check::smt
