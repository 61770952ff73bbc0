/// \file Shared by the subcommands: see common.h.

#include "common.h"

#include <cstdlib>
#include <filesystem>
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

std::vector<std::string> default_spec_dirs(const std::vector<std::string>& extra)
{
    std::vector<std::string> dirs = extra;
    if (const char* env = std::getenv("PC5CHECK_SPEC_PATH")) {
        std::string s = env;
        std::size_t start = 0;
        while (start <= s.size()) {
            const std::size_t end = s.find(':', start);
            const std::string part =
                s.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (!part.empty()) {
                dirs.push_back(part);
            }
            if (end == std::string::npos) {
                break;
            }
            start = end + 1;
        }
    }
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        dirs.push_back((exe.parent_path().parent_path() / "share" / "pc5check" / "spec").string());
    }
    return dirs;
}

} // namespace pc5check::cli
