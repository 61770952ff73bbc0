/// \file See absent_capable.h.

#include "smt/absent_capable.h"

#include "smt/cross_check.h"
#include "smt/z3_assign.h"

#include <set>

namespace pc5check::smt::detail {

namespace {

/// With --cross-check, whether the second solver confirms the unsat query `e` holds (file `name`.smt2
/// in the cross-check directory); true without --cross-check. Its "sat" throws (an internal error).
bool confirmed(SystemModel& e, const std::string& name, const SystemOptions& options,
               Clock::time_point deadline)
{
    if (!options.cross_check_dir) {
        return true;
    }
    const CrossCheckSetup setup = cross_check_setup(
        options, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    return cross_check_unsat(e.solver(), name,
                             "pc5check cross-check of the presence invariant of the induction's step case "
                             "(expected: unsat)\n" +
                                 name,
                             setup)
               .kind == CrossCheckAnswer::Kind::confirmed;
}

/// Adds to `s` every variable of `state` the solver can make absent (under what `e` asserts), asking
/// until no variable outside `s` can be; false when the solver gives up, or when the last (unsat) query
/// is not confirmed by the second solver of --cross-check (file `file`.smt2).
bool add_absent(SystemModel& e, const std::map<std::string, Term>& state, std::set<std::string>& s,
                const std::string& file, const SystemOptions& options, Clock::time_point deadline)
{
    for (;;) {
        z3::expr some = e.context().bool_val(false);
        for (const auto& [name, t] : state) {
            if (!s.contains(name)) {
                assign(some, some || !t.present);
            }
        }
        e.solver().push();
        e.solver().add(some);
        const z3::check_result r = e.solve();
        if (r != z3::sat) {
            const bool proven = r == z3::unsat && confirmed(e, file, options, deadline);
            e.solver().pop();
            return proven;
        }
        const z3::model m = e.solver().get_model();
        for (const auto& [name, t] : state) {
            if (!s.contains(name) && m.eval(!t.present, true).is_true()) {
                s.insert(name);
            }
        }
        e.solver().pop();
    }
}

} // namespace

std::optional<std::vector<std::string>> absent_capable(const spec::Spec& spec, const SystemOptions& options,
                                                       Clock::time_point deadline)
{
    try {
        std::set<std::string> s;
        {
            Search init(spec, options, deadline, false);
            if (!init.ok() || !add_absent(init.engine(), init.engine().system_state(0), s,
                                          spec.id + "-presence-initial", options, deadline)) {
                return std::nullopt;
            }
        }
        for (;;) {
            SystemOptions from_s = options;
            from_s.absent_capable = std::vector<std::string>(s.begin(), s.end());
            Search step(spec, from_s, deadline, true);
            if (!step.ok()) {
                return std::nullopt;
            }
            step.engine().system_step();
            const std::size_t before = s.size();
            if (!add_absent(step.engine(), step.engine().system_state(1), s, spec.id + "-presence-step",
                            options, deadline)) {
                return std::nullopt;
            }
            if (s.size() == before) {
                return std::vector<std::string>(s.begin(), s.end());
            }
        }
    } catch (const z3::exception&) {
        return std::nullopt; // out of solver memory: nothing is known
    }
}

SystemOptions with_absent_capable(const spec::Spec& spec, const SystemOptions& options,
                                  Clock::time_point deadline)
{
    SystemOptions out = options;
    if (options.attacker.injects() && !options.absent_capable) {
        out.absent_capable = absent_capable(spec, options, deadline);
    }
    return out;
}

} // namespace pc5check::smt::detail
