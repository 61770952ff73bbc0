/// \file `pc5check merge` of prove reports: shard I of N holds the properties at positions I, I+N,
/// I+2N, ... of the unsharded report (smt::SystemOptions::shard_index), so the merge interleaves them.

#include "merge_prove.h"

#include <map>

namespace pc5check::report {

namespace {

using nlohmann::json;

/// "I/N" of a shard report.
std::string shard_label(const json& doc)
{
    const json& s = doc.at("shard");
    return std::to_string(s.at("index").get<unsigned>()) + "/" +
           std::to_string(s.at("count").get<unsigned>());
}

/// The value of `field` in a prove report as text for a message ("shard.settings": inside `shard`).
json field_of(const json& doc, const std::string& field)
{
    return field.starts_with("shard.") ? doc.at("shard").at(field.substr(6)) : doc.at(field);
}

/// How many of `total` properties shard `index` of `count` holds: those at index, index+count, ...
std::size_t shard_size(std::size_t total, std::size_t index, std::size_t count)
{
    return index < total ? (total - index + count - 1) / count : 0;
}

} // namespace

Expected<json> merge_prove_reports(const std::vector<json>& docs, const std::vector<std::string>& names)
{
    for (std::size_t i = 0; i < docs.size(); ++i) {
        if (!docs[i].contains("shard")) {
            return make_error(ErrorCode::bad_input,
                              "merge: " + names[i] +
                                  " is a prove report without `shard`; expected the JSON reports of "
                                  "`prove --shard I/N` runs");
        }
    }
    // Everything a verdict depends on must be the same in every shard.
    for (const char* field :
         {"spec", "file", "depth", "attacker", "shard.count", "shard.properties", "shard.settings"}) {
        for (std::size_t i = 1; i < docs.size(); ++i) {
            const json a = field_of(docs.front(), field);
            const json b = field_of(docs[i], field);
            if (a != b) {
                return make_error(ErrorCode::bad_input, "merge: " + names.front() + " and " + names[i] +
                                                            " differ in " + field + " (" + a.dump() + " vs " +
                                                            b.dump() + "); expected shards of one prove run");
            }
        }
    }
    const auto count = docs.front().at("shard").at("count").get<std::size_t>();
    const auto total = docs.front().at("shard").at("properties").get<std::size_t>();
    if (count == 0) {
        return make_error(ErrorCode::bad_input,
                          "merge: " + names.front() + ": shard count 0; expected N >= 1");
    }
    std::map<std::size_t, std::size_t> by_index; // shard index -> position in docs
    for (std::size_t i = 0; i < docs.size(); ++i) {
        const auto index = docs[i].at("shard").at("index").get<std::size_t>();
        if (index >= count) {
            return make_error(ErrorCode::bad_input, "merge: " + names[i] + ": shard " + shard_label(docs[i]) +
                                                        " is not a shard (expected 0 <= I < N)");
        }
        if (const auto seen = by_index.find(index); seen != by_index.end()) {
            return make_error(ErrorCode::bad_input, "merge: shard " + shard_label(docs[i]) +
                                                        " is given twice (" + names[seen->second] + ", " +
                                                        names[i] + "); expected each shard once");
        }
        by_index[index] = i;
        const std::size_t expected = shard_size(total, index, count);
        if (docs[i].at("properties").size() != expected) {
            return make_error(ErrorCode::bad_input,
                              "merge: " + names[i] + " (shard " + shard_label(docs[i]) + ") has " +
                                  std::to_string(docs[i].at("properties").size()) + " properties; expected " +
                                  std::to_string(expected) + " of " + std::to_string(total));
        }
    }
    std::string missing;
    for (std::size_t index = 0; index < count; ++index) {
        if (!by_index.contains(index)) {
            missing += (missing.empty() ? "" : ", ") + std::to_string(index) + "/" + std::to_string(count);
        }
    }
    if (!missing.empty()) {
        return make_error(ErrorCode::bad_input, "merge: shard " + missing +
                                                    " missing; expected the reports of all " +
                                                    std::to_string(count) + " shards of the prove run");
    }
    json properties = json::array();
    for (std::size_t pos = 0; pos < total; ++pos) {
        properties.push_back(docs[by_index.at(pos % count)].at("properties").at(pos / count));
    }
    json out = docs.front();
    out["properties"] = properties;
    out.erase("shard");
    return out;
}

} // namespace pc5check::report
