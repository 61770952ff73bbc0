/// \file `pc5check merge`: one report from the reports of several shards (--shard I/N) of one corpus.

#include "pc5check/checker/report.h"

#include <algorithm>
#include <tuple>

namespace pc5check::report {

namespace {

using nlohmann::json;

Expected<json> merge_results(const std::vector<json>& docs)
{
    json traces = json::array();
    json errors = json::array();
    for (const auto& d : docs) {
        for (const auto& t : d.at("traces")) {
            traces.push_back(t);
        }
        for (const auto& e : d.at("errors")) {
            if (std::find(errors.begin(), errors.end(), e) == errors.end()) {
                errors.push_back(e);
            }
        }
    }
    // Shards hold disjoint traces; an unsharded run lists them by file (sorted walk) and line.
    std::stable_sort(traces.begin(), traces.end(), [](const json& a, const json& b) {
        return std::tie(a.at("file").get_ref<const std::string&>(),
                        a.at("line").get_ref<const json::number_unsigned_t&>()) <
               std::tie(b.at("file").get_ref<const std::string&>(),
                        b.at("line").get_ref<const json::number_unsigned_t&>());
    });
    for (std::size_t i = 1; i < traces.size(); ++i) {
        if (traces[i].at("file") == traces[i - 1].at("file") &&
            traces[i].at("line") == traces[i - 1].at("line")) {
            return make_error(ErrorCode::bad_input,
                              "trace " + traces[i].at("file").get<std::string>() + ":" +
                                  std::to_string(traces[i].at("line").get<std::size_t>()) +
                                  " is in two reports; expected reports of disjoint shards");
        }
    }
    json summary = {{"traces", traces.size()},
                    {"conforms", 0},
                    {"violation", 0},
                    {"inconclusive", 0},
                    {"bad_input", errors.size()}};
    for (const auto& t : traces) {
        const std::string verdict = t.at("verdict").get<std::string>();
        const std::string key = verdict == "bad-input" ? "bad_input" : verdict;
        summary[key] = summary[key].get<std::size_t>() + 1;
    }
    json out = docs.front();
    out["traces"] = traces;
    out["errors"] = errors;
    out["summary"] = summary;
    return out;
}

Expected<json> merge_sarif(const std::vector<json>& docs)
{
    // SARIF allows several runs in one log: each shard's run is kept as it is.
    json out = docs.front();
    out["runs"] = json::array();
    for (const auto& d : docs) {
        for (const auto& run : d.at("runs")) {
            out["runs"].push_back(run);
        }
    }
    return out;
}

} // namespace

Expected<nlohmann::json> merge_reports(const std::vector<nlohmann::json>& docs)
{
    if (docs.empty()) {
        return make_error(ErrorCode::usage, "merge expects at least one report");
    }
    try {
        const bool results = docs.front().value("format", "") == "pc5check-result/1";
        const bool sarif = docs.front().value("version", "") == "2.1.0" && docs.front().contains("runs");
        for (const auto& d : docs) {
            if ((results && d.value("format", "") != "pc5check-result/1") ||
                (sarif && d.value("version", "") != "2.1.0")) {
                return make_error(
                    ErrorCode::bad_input,
                    "merge expects reports of one kind (all --format json or all --format sarif)");
            }
        }
        if (results) {
            return merge_results(docs);
        }
        if (sarif) {
            return merge_sarif(docs);
        }
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorCode::bad_input, std::string("not a pc5check report: ") + e.what());
    }
    return make_error(ErrorCode::bad_input,
                      "expected pc5check --format json (pc5check-result/1) or --format sarif reports");
}

} // namespace pc5check::report
