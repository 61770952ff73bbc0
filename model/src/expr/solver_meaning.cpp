#include "pc5check/expr/expr.h"

namespace pc5check::expr {

bool SolverMeaning::integers_in_range(const std::vector<Value>& args) const
{
    for (std::size_t i = 0; i < args.size() && i < domains.size(); ++i) {
        if (const auto* n = std::get_if<std::int64_t>(&args[i].data);
            n != nullptr && (*n < domains[i].min || *n > domains[i].max)) {
            return false;
        }
    }
    return true;
}

} // namespace pc5check::expr
