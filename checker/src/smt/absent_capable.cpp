/// \file See absent_capable.h.

#include "smt/absent_capable.h"

#include <set>

namespace pc5check::smt::detail {

namespace {

/// Adds to `s` every variable of `state` the solver can make absent (under what `e` asserts), asking
/// until no variable outside `s` can be; false when the solver gives up.
bool add_absent(SystemModel& e, const std::map<std::string, Term>& state, std::set<std::string>& s)
{
    for (;;) {
        z3::expr some = e.context().bool_val(false);
        for (const auto& [name, t] : state) {
            if (!s.contains(name)) {
                some = some || !t.present;
            }
        }
        e.solver().push();
        e.solver().add(some);
        const z3::check_result r = e.solve();
        if (r != z3::sat) {
            e.solver().pop();
            return r == z3::unsat;
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
            if (!init.ok() || !add_absent(init.engine(), init.engine().system_state(0), s)) {
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
            if (!add_absent(step.engine(), step.engine().system_state(1), s)) {
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

} // namespace pc5check::smt::detail
