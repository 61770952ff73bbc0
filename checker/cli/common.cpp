/// \file Shared by the subcommands: see common.h.

#include "common.h"

#include <iostream>

namespace pc5check::cli {

int fail(const Error& e)
{
    std::cerr << "pc5check: " << e.to_string() << "\n";
    return e.code == ErrorCode::internal || e.code == ErrorCode::solver_failure ? kExitInternal
                                                                                : kExitBadInput;
}

Expected<spec::ParameterOverrides> parse_params(const std::vector<std::string>& params)
{
    spec::ParameterOverrides out;
    for (const auto& p : params) {
        const auto eq = p.find('=');
        if (eq == std::string::npos || eq == 0) {
            return make_error(ErrorCode::usage, "--param expects ID=VALUE, found '" + p + "'");
        }
        out[p.substr(0, eq)] = p.substr(eq + 1);
    }
    return out;
}

} // namespace pc5check::cli
