#pragma once
/// \file Shared by the fuzz targets: the shipped specs, loaded once, and a failure that libFuzzer
/// records as a crash (an abort with the broken property on stderr).

#include "pc5check/spec/spec.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>

namespace pc5check::fuzz {

/// Stops the run: libFuzzer saves the input as a crash artifact.
[[noreturn]] inline void fail(const std::string& what)
{
    std::fprintf(stderr, "fuzz property violated: %s\n", what.c_str());
    std::abort();
}

/// A spec of spec/ (PC5CHECK_SPEC_DIR); a shipped spec that does not load is a broken build, not a
/// finding.
[[nodiscard]] inline spec::Spec load_shipped_spec(const std::string& id)
{
    const std::string path = std::string(PC5CHECK_SPEC_DIR) + "/" + id + ".json";
    auto loaded = spec::load_spec(path);
    if (!loaded) {
        fail("cannot load " + path + ": " + loaded.error().to_string());
    }
    return std::move(*loaded);
}

/// The normative spec (TS 33.536 Rel-17), loaded on first use.
[[nodiscard]] inline const spec::Spec& normative_spec()
{
    static const spec::Spec s = load_shipped_spec("ts33536-r17");
    return s;
}

/// The seed solution (TR 33.847), loaded on first use.
[[nodiscard]] inline const spec::Spec& seed_spec()
{
    static const spec::Spec s = load_shipped_spec("tr33847-sol");
    return s;
}

/// The fuzzer's bytes as text.
[[nodiscard]] inline std::string_view as_text(const std::uint8_t* data, std::size_t size)
{
    return {reinterpret_cast<const char*>(data), size};
}

} // namespace pc5check::fuzz
