#include "report/html_figure.h"

#include <algorithm>

namespace pc5check::report::html {

void write_chart_figure(std::ostream& out, const std::string& anchor, const checker::TraceResult& t,
                        const std::vector<EventMarks>& marks, const std::vector<std::size_t>& selection,
                        const ChartOptions& options)
{
    out << R"(<figure class="chart"><figcaption><b>Message sequence chart</b><span class="legend">)"
        << R"(<span class="verified">verified</span><span class="failed">failed</span>)"
        << R"(<span class="warning">warning</span><span class="unverified">unverified</span>)"
        << R"(<span class="unprotected">unprotected</span><span class="not-logged">not logged</span>)"
        << (options.attacker.empty() ? "" : R"(<span class="attacker">attacker step</span>)")
        << "</span></figcaption>\n";
    // Reports keep the summaries of the first events only (CheckOptions::max_event_summaries).
    const std::size_t total = std::max(t.event_count, t.events.size());
    if (selection.size() < total) {
        out << R"(<p class="cap-note" data-cap=")" << options.max_events << "\">Chart limited to the first "
            << options.max_events << " of " << total << " events";
        if (selection.size() > std::min(options.max_events, t.events.size())) {
            out << ", plus " << options.violation_context
                << " events either side of each later violation (up to " << options.max_violation_windows
                << ")";
        }
        out << "; " << selection.size() << " drawn. The JSON report has every event's findings.</p>\n";
    }
    if (t.events.empty()) {
        out << "<p class=\"empty\">The trace has no events.</p>\n";
    }
    out << "<div class=\"scroll\">";
    write_chart(out, anchor, t, marks, selection, options);
    out << "</div></figure>\n";
}

} // namespace pc5check::report::html
