#include "pc5check/checker/report.h"

// Placeholder while the JUnit report is being written in this session.
namespace pc5check::report {
void write_junit(std::ostream& out, const checker::CheckRun& run)
{
    out << "<testsuites tests=\"" << run.traces.size() << "\"/>\n";
}
} // namespace pc5check::report
