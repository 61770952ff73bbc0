#include "pc5check/common/error.h"

#include <cstdio>
#include <cstdlib>

namespace pc5check::detail {

void assert_fail(const char* cond, const char* file, int line)
{
    std::fprintf(stderr, "pc5check: internal error: assertion '%s' failed at %s:%d\n", cond, file, line);
    std::abort();
}

} // namespace pc5check::detail
