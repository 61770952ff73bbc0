#pragma once
/// \file What every SARIF 2.1.0 log pc5check writes shares (check, prove, query, diff): the schema URI,
/// the tool version, artifact URIs and rule names.

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pc5check::report::sarif {

/// The `$schema` of every log.
inline constexpr const char* kSchema = "https://json.schemastore.org/sarif-2.1.0.json";
/// project(VERSION) of the top CMakeLists.txt, as --version prints it (tool.driver.version).
inline constexpr const char* kToolVersion = PC5CHECK_VERSION;

/// A file as a URI reference: relative to the current directory when the file is below it (so paths
/// given relative to the repository root stay relative), else an absolute file: URI; RFC 3986
/// percent-encoded (unreserved characters and '/' kept).
[[nodiscard]] std::string artifact_uri(const std::string& file);

/// "SMC_NEW_CONTEXT" -> "SmcNewContext", "no_downgrade" -> "NoDowngrade" (reportingDescriptor.name:
/// readable, not the id).
[[nodiscard]] std::string rule_name(const std::string& id);

/// The files a log names (run.artifacts), in order of first use.
struct Artifacts {
    std::vector<std::string> uris;
    std::map<std::string, std::size_t> index; ///< file as given -> artifact index
};

/// The artifact index of `file`, added on first use.
[[nodiscard]] std::size_t add_artifact(Artifacts& artifacts, const std::string& file);

/// A physicalLocation in `file` (added to the artifacts), with a region when `line` is not 0 (and a
/// startColumn when `column` is not 0).
[[nodiscard]] nlohmann::json physical_location(Artifacts& artifacts, const std::string& file,
                                               std::size_t line, std::size_t column);

/// run.artifacts: one artifact per URI, in order.
[[nodiscard]] nlohmann::json artifact_list(const Artifacts& artifacts);

} // namespace pc5check::report::sarif
