#pragma once
/// \file The shipped normative spec, loaded once per test executable (checker tests).

#include "pc5check/spec/spec.h"

#include <doctest/doctest.h>
#include <string>

namespace pc5check::test {

/// spec/ts33536-r17.json of the source tree.
[[nodiscard]] inline const spec::Spec& normative_spec()
{
    static const spec::Spec s = [] {
        auto loaded = spec::load_spec(std::string(PC5CHECK_SOURCE_DIR) + "/spec/ts33536-r17.json");
        REQUIRE(loaded.has_value());
        return std::move(*loaded);
    }();
    return s;
}

} // namespace pc5check::test
