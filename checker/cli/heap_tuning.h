#pragma once
/// \file The pc5check process's own heap settings (glibc, Linux): the program, not the library, decides
/// how its process allocates (the library keeps no global state, STYLE.md).

namespace pc5check::cli {

/// Lets the memory each Z3 context fills come in 2 MB pages. Z3 4.8.12 fills two tables of 8.5 MB when
/// it makes a context; on a virtual machine whose page faults are slow (the development machine: ~25 us
/// per 4 KB page) those first touches were about half the CPU time of `check` on one partial capture
/// (docs/performance.md, "Symbolic check latency"). Called once, first thing in main(): the main heap
/// serves allocations of up to 32 MB (glibc's own mmap threshold reaches that after the first large
/// frees anyway), keeps up to 64 MB free instead of returning it, and a free 30 MB range at its top is
/// marked MADV_HUGEPAGE (transparent huge pages in "madvise" mode; advice only). Only the calling
/// thread's allocations use the main heap: with -j N the workers' arenas are left as they are.
/// Elsewhere than glibc on Linux it does nothing.
void tune_heap_for_solver_contexts();

} // namespace pc5check::cli
