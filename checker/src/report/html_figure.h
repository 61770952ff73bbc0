#pragma once
/// \file One message sequence chart with its caption (legend, and a note when events were left out):
/// the figure every HTML report (check, prove, query, diff) draws a trace with.

#include "report/html_msc.h"

#include <ostream>
#include <string>
#include <vector>

namespace pc5check::report::html {

/// Writes `<figure class="chart">` holding `write_chart(out, anchor, t, marks, selection, options)`,
/// a legend of the check statuses (and of attacker steps when `options.attacker` has any) and, when
/// not every event is drawn, a note saying which were.
void write_chart_figure(std::ostream& out, const std::string& anchor, const checker::TraceResult& t,
                        const std::vector<EventMarks>& marks, const std::vector<std::size_t>& selection,
                        const ChartOptions& options);

} // namespace pc5check::report::html
