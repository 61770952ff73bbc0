#include "heap_tuning.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#if defined(__GLIBC__) && defined(__linux__)
#include <malloc.h>
#include <sys/mman.h>
#endif

namespace pc5check::cli {

namespace {
/// Allocations the main heap serves (larger ones are mmap'd); the range marked for huge pages is the
/// same size: more than the ~17 MB a context fills.
constexpr std::size_t kHeapServedBytes = std::size_t{32} << 20U;
constexpr std::size_t kHugePage = std::size_t{2} << 20U;
} // namespace

void tune_heap_for_solver_contexts()
{
#if defined(__GLIBC__) && defined(__linux__)
    (void)mallopt(M_MMAP_THRESHOLD, static_cast<int>(kHeapServedBytes));
    (void)mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * kHeapServedBytes));
    // A range taken from the heap and given back at once: it stays free at the heap's top (below the
    // trim threshold), marked, and later allocations are carved from it.
    void* range = std::malloc(kHeapServedBytes - kHugePage);
    if (range == nullptr) {
        return;
    }
    const auto address = reinterpret_cast<std::uintptr_t>(range);
    const std::size_t offset = (kHugePage - address % kHugePage) % kHugePage;
    const std::size_t length = (kHeapServedBytes - kHugePage - offset) / kHugePage * kHugePage;
    if (length > 0) {
        // Advice only: without transparent huge pages it fails and nothing changes.
        (void)madvise(static_cast<char*>(range) + offset, length, MADV_HUGEPAGE);
    }
    std::free(range);
#endif
}

} // namespace pc5check::cli
