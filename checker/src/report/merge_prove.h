#pragma once
/// \file `pc5check merge` of `prove --shard I/N` JSON reports (docs/scale-out.md).

#include "pc5check/common/error.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pc5check::report {

/// The unsharded `prove --format json` report from the reports of all N shards of one run (`docs[i]`
/// read from `names[i]`): the properties in the unsharded order, `shard` dropped. Error (naming the
/// files): a report without `shard`, shards of different runs (spec, file, depth, attacker, shard
/// count, property count or settings differ), a shard given twice or missing, a shard with the wrong
/// number of properties.
[[nodiscard]] Expected<nlohmann::json> merge_prove_reports(const std::vector<nlohmann::json>& docs,
                                                           const std::vector<std::string>& names);

} // namespace pc5check::report
