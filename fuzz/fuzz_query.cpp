/// \file Fuzz target: `pc5check query` on the normative spec with an arbitrary condition (the text of
/// the input), depth 2, with the attacker, a short solver time limit. The system encoder and the
/// witness writer may answer (reachable, unreachable, inconclusive) or refuse the condition as bad
/// input, never crash; a witness must carry one event per step.

#include "fuzz_support.h"
#include "pc5check/checker/system.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace pc5check;
    if (size > 512) {
        return 0; // the expression language and its limits are fuzz_expr's job; keep runs short
    }
    smt::SystemOptions options;
    options.depth = 2;
    options.timeout_ms = 300;
    options.attacker.drop = options.attacker.replay = options.attacker.forge = true;
    const auto answer = smt::query(fuzz::normative_spec(), std::string(fuzz::as_text(data, size)), options);
    if (!answer) {
        if (answer.error().code == ErrorCode::solver_failure || answer.error().code == ErrorCode::internal) {
            fuzz::fail("query failed: " + answer.error().to_string());
        }
        return 0;
    }
    if (answer->reachable) {
        if (!answer->witness) {
            fuzz::fail("reachable without a witness");
        }
        if (answer->witness->trace.events.size() != answer->depth ||
            answer->witness->steps.size() != answer->depth) {
            fuzz::fail("witness length differs from the depth");
        }
    }
    return 0;
}
