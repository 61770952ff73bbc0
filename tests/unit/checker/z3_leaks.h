#pragma once

// Z3 4.8.12 does not free everything it allocated when a query stops at a resource limit: a
// memory-out, or a cancellation such as Spacer's time limit (fixedpoint engine). Under
// LeakSanitizer those blocks are reported as leaks of libz3 at exit, some runs and not others
// (it depends on where the limit interrupts the engine). A test that drives Z3 into such a limit
// on purpose holds an IgnoreZ3LimitLeaks for the call: allocations of this thread while it lives
// are not reported (a no-op in builds without LeakSanitizer). Keep the scope to that one call, so
// that leaks of pc5check's own code elsewhere in the test are still reported.

#if defined(__SANITIZE_ADDRESS__)
#define PC5CHECK_TEST_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PC5CHECK_TEST_LSAN 1
#endif
#endif
#ifdef PC5CHECK_TEST_LSAN
#include <sanitizer/lsan_interface.h>
#endif

namespace pc5check::test {

struct IgnoreZ3LimitLeaks {
#ifdef PC5CHECK_TEST_LSAN
    IgnoreZ3LimitLeaks() { __lsan_disable(); }
    ~IgnoreZ3LimitLeaks() { __lsan_enable(); }
    IgnoreZ3LimitLeaks(const IgnoreZ3LimitLeaks&) = delete;
    IgnoreZ3LimitLeaks& operator=(const IgnoreZ3LimitLeaks&) = delete;
    IgnoreZ3LimitLeaks(IgnoreZ3LimitLeaks&&) = delete;
    IgnoreZ3LimitLeaks& operator=(IgnoreZ3LimitLeaks&&) = delete;
#endif
};

} // namespace pc5check::test
