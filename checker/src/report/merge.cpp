/// \file `pc5check merge`: one report from the reports of several shards (--shard I/N) of one corpus, or
/// (merge_prove.cpp) of one prove run.

#include "merge_prove.h"
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

constexpr const char* kCheckKind = "check JSON";
constexpr const char* kSarifKind = "SARIF";

/// Which report `doc` is: kCheckKind, kSarifKind, "prove JSON", or "" for none of them.
std::string report_kind(const json& doc)
{
    if (!doc.is_object()) {
        return "";
    }
    if (doc.value("format", "") == "pc5check-result/1") {
        return kCheckKind;
    }
    if (doc.value("version", "") == "2.1.0" && doc.contains("runs")) {
        return kSarifKind;
    }
    if (!doc.contains("format") && doc.contains("properties") && doc.contains("attacker") &&
        doc.contains("depth")) {
        return "prove JSON";
    }
    return "";
}

} // namespace

Expected<nlohmann::json> merge_reports(const std::vector<nlohmann::json>& docs,
                                       const std::vector<std::string>& names)
{
    if (docs.empty()) {
        return make_error(ErrorCode::usage, "merge expects at least one report");
    }
    std::vector<std::string> labels = names;
    for (std::size_t i = labels.size(); i < docs.size(); ++i) {
        labels.push_back("report " + std::to_string(i + 1));
    }
    try {
        const std::string kind = report_kind(docs.front());
        for (std::size_t i = 0; i < docs.size(); ++i) {
            const std::string other = report_kind(docs[i]);
            if (other.empty()) {
                return make_error(
                    ErrorCode::bad_input,
                    "merge: " + labels[i] +
                        ": expected a pc5check report: check --format json (pc5check-result/1), "
                        "check --format sarif or prove --format json");
            }
            if (other != kind) {
                std::string message = "merge: " + labels.front();
                message += " is a " + kind + " report and " + labels[i];
                message += " a " + other + " report; expected reports of one kind";
                return make_error(ErrorCode::bad_input, message);
            }
        }
        if (kind == kCheckKind) {
            return merge_results(docs);
        }
        if (kind == kSarifKind) {
            return merge_sarif(docs);
        }
        return merge_prove_reports(docs, labels);
    } catch (const nlohmann::json::exception& e) {
        return make_error(ErrorCode::bad_input, std::string("not a pc5check report: ") + e.what());
    }
}

} // namespace pc5check::report
