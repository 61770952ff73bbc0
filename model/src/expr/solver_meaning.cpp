#include "pc5check/expr/expr.h"

#include <string>

namespace pc5check::expr {

std::string SolverMeaning::outside_domain(const std::vector<Value>& args) const
{
    const bool null_algorithm = null_algorithm_waives_octets && !args.empty() &&
                                std::holds_alternative<EnumValue>(args[0].data) &&
                                std::get<EnumValue>(args[0].data).index == 0;
    for (std::size_t i = 0; i < args.size() && i < domains.size(); ++i) {
        const ArgumentDomain& d = domains[i];
        if (const auto* b = std::get_if<std::vector<std::uint8_t>>(&args[i].data)) {
            if (d.octets != 0 && b->size() != d.octets && !null_algorithm) {
                return "argument " + std::to_string(i + 1) + " has " + std::to_string(b->size()) +
                       " octets, expected " + std::to_string(d.octets);
            }
        } else if (const auto* n = std::get_if<std::int64_t>(&args[i].data)) {
            if (*n < d.min || *n > d.max) {
                return "argument " + std::to_string(i + 1) + " is " + std::to_string(*n) + ", outside " +
                       std::to_string(d.min) + ".." + std::to_string(d.max);
            }
        }
    }
    return {};
}

} // namespace pc5check::expr
