#pragma once
/// \file The shipped specs, each loaded once per test executable (checker tests).

#include "pc5check/spec/spec.h"

#include <doctest/doctest.h>
#include <string>

namespace pc5check::test {

/// spec/FILE of the source tree, loaded (the test fails when it does not load).
[[nodiscard]] inline spec::Spec load_shipped_spec(const std::string& file)
{
    auto loaded = spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/spec/" + file);
    REQUIRE(loaded.has_value());
    return std::move(*loaded);
}

/// spec/ts33536-r17.json of the source tree.
[[nodiscard]] inline const spec::Spec& normative_spec()
{
    static const spec::Spec s = load_shipped_spec("ts33536-r17.json");
    return s;
}

/// spec/tr33847-sol.json of the source tree (the seed).
[[nodiscard]] inline const spec::Spec& seed_spec()
{
    static const spec::Spec s = load_shipped_spec("tr33847-sol.json");
    return s;
}

} // namespace pc5check::test
