#include "report/sarif_parts.h"

#include "pc5check/common/hex.h"

#include <cctype>
#include <filesystem>

namespace pc5check::report::sarif {

namespace {

std::string percent_encode(const std::string& path)
{
    std::string out;
    for (const char c : path) {
        const auto u = static_cast<unsigned char>(c);
        const bool keep = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                          c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (keep) {
            out += c;
        } else {
            out += '%';
            append_hex(out, u, true);
        }
    }
    return out;
}

} // namespace

std::string artifact_uri(const std::string& file)
{
    namespace fs = std::filesystem;
    const fs::path p = fs::path(file).lexically_normal();
    if (!p.is_absolute()) {
        return percent_encode(p.generic_string());
    }
    std::error_code ec;
    const fs::path cwd = fs::current_path(ec);
    if (!ec) {
        const fs::path rel = p.lexically_relative(cwd);
        if (!rel.empty() && *rel.begin() != "..") {
            return percent_encode(rel.generic_string());
        }
    }
    return "file://" + percent_encode(p.generic_string());
}

std::string rule_name(const std::string& id)
{
    std::string out;
    bool upper = true;
    for (const char c : id) {
        if (c == '_' || c == '-' || c == '.') {
            upper = true;
            continue;
        }
        const auto u = static_cast<unsigned char>(c);
        out += static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
        upper = false;
    }
    return out;
}

std::size_t add_artifact(Artifacts& artifacts, const std::string& file)
{
    const auto [it, inserted] = artifacts.index.try_emplace(file, artifacts.uris.size());
    if (inserted) {
        artifacts.uris.push_back(artifact_uri(file));
    }
    return it->second;
}

nlohmann::json physical_location(Artifacts& artifacts, const std::string& file, std::size_t line,
                                 std::size_t column)
{
    const std::size_t i = add_artifact(artifacts, file);
    nlohmann::json loc = {{"artifactLocation", {{"uri", artifacts.uris[i]}, {"index", i}}}};
    if (line != 0) {
        loc["region"] = {{"startLine", line}};
        if (column != 0) {
            loc["region"]["startColumn"] = column;
        }
    }
    return loc;
}

nlohmann::json artifact_list(const Artifacts& artifacts)
{
    nlohmann::json list = nlohmann::json::array();
    for (const auto& uri : artifacts.uris) {
        list.push_back({{"location", {{"uri", uri}}}});
    }
    return list;
}

} // namespace pc5check::report::sarif
