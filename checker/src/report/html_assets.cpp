#include "report/html_assets.h"

#include "report/html_escape.h"

namespace pc5check::report::html {

std::string_view stylesheet()
{
    return R"CSS(
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--ok:#1a7f37;--ok-bg:#dafbe1;--bad:#cf222e;
--bad-bg:#ffebe9;--warn:#9a6700;--warn-bg:#fff8c5;--badin:#8250df;--badin-bg:#fbefff;--link:#0969da;
--sans:system-ui,-apple-system,"Segoe UI","Liberation Sans","DejaVu Sans",Arial,sans-serif;
--mono:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
html{background:#fff}
body{margin:0;color:var(--fg);font:14px/1.45 var(--sans)}
a{color:var(--link);text-decoration:none}
a:hover{text-decoration:underline}
code,.mono{font-family:var(--mono);font-size:12.5px}
.page{max-width:1240px;margin:0 auto;padding:0 24px 48px}
header.top{background:#1f2328;color:#fff;margin-bottom:20px}
header.top .page{padding-top:18px;padding-bottom:16px}
header.top h1{margin:0;font-size:20px;font-weight:600;letter-spacing:.2px}
header.top h1 .tool{font-family:var(--mono);font-weight:700}
header.top .sub{color:#c9d1d9;font-size:13px;margin-top:4px}
header.top .sub code{color:#fff}
h2{font-size:17px;margin:28px 0 10px}
h3{font-size:14px;margin:18px 0 8px;color:var(--fg)}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:4px 0 14px}
.card{flex:1 1 150px;border:1px solid var(--line);border-radius:6px;padding:10px 14px;background:#fff;
border-top:4px solid var(--muted)}
.card .n{display:block;font-size:26px;font-weight:600;line-height:1.15;font-variant-numeric:tabular-nums}
.card .l{color:var(--muted);font-size:12.5px;text-transform:uppercase;letter-spacing:.4px}
.card.conforms{border-top-color:var(--ok)}.card.conforms .n{color:var(--ok)}
.card.violation{border-top-color:var(--bad)}.card.violation .n{color:var(--bad)}
.card.bad-input{border-top-color:var(--badin)}.card.bad-input .n{color:var(--badin)}
.tally{margin:0 0 14px;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:6px}
.tally li{border:1px solid var(--line);border-radius:12px;padding:1px 9px;font-size:12px;background:var(--soft)}
.tally li b{font-family:var(--mono);font-weight:600}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.3px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.summary td.trace{font-family:var(--mono);font-size:12.5px;white-space:nowrap}
table.summary td.title{color:var(--muted);max-width:0;width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
table.summary td.spec{white-space:nowrap}
table.summary tr:hover td{background:#f0f6ff}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;line-height:19px;
border:1px solid transparent;white-space:nowrap}
.badge.conforms{color:var(--ok);background:var(--ok-bg);border-color:#aceebb}
.badge.violation{color:var(--bad);background:var(--bad-bg);border-color:#ffcecb}
.badge.inconclusive{color:var(--warn);background:var(--warn-bg);border-color:#f5e0a0}
.badge.bad-input{color:var(--badin);background:var(--badin-bg);border-color:#ecd8ff}
.rid{font-family:var(--mono);font-size:12px;font-weight:600}
.rid.warn{color:var(--warn)}
.toolbar{display:flex;gap:8px;align-items:center;margin:18px 0 0;font-size:13px}
.toolbar button{font:inherit;font-size:12.5px;border:1px solid var(--line);background:var(--soft);border-radius:6px;
padding:3px 10px;cursor:pointer}
.toolbar button:hover{background:#eaeef2}
.toolbar label{color:var(--muted);margin-left:6px}
section.trace{border:1px solid var(--line);border-radius:6px;margin:14px 0;background:#fff;
border-left:4px solid var(--muted)}
section.trace[data-verdict=conforms]{border-left-color:var(--ok)}
section.trace[data-verdict=violation]{border-left-color:var(--bad)}
section.trace[data-verdict=inconclusive]{border-left-color:var(--warn)}
section.trace[data-verdict=bad-input]{border-left-color:var(--badin)}
section.trace>details>summary{cursor:pointer;padding:9px 14px;display:flex;gap:10px;align-items:baseline;
flex-wrap:wrap;list-style:none}
section.trace>details>summary::-webkit-details-marker{display:none}
section.trace>details>summary::before{content:"\25B8";color:var(--muted);width:10px;display:inline-block}
section.trace>details[open]>summary::before{content:"\25BE"}
section.trace>details[open]>summary{border-bottom:1px solid var(--line);background:var(--soft)}
summary .tname{font-family:var(--mono);font-size:13px;font-weight:600}
summary .ttitle{color:var(--muted);font-size:13px;flex:1 1 300px;min-width:0}
.tbody{padding:4px 16px 16px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:10px 0;font-size:13px}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0}
table.findings td.ev{white-space:nowrap;font-family:var(--mono)}
table.findings tr.violation td:first-child{box-shadow:inset 3px 0 0 var(--bad)}
table.findings tr.warning td:first-child{box-shadow:inset 3px 0 0 var(--warn)}
table.findings tr:target td{background:var(--warn-bg)}
table.findings .rtext{color:var(--muted);font-size:12px;margin-top:2px}
table.findings .exp,table.findings .obs{font-size:12.5px}
table.findings .k{display:inline-block;min-width:64px;color:var(--muted);font-size:11.5px;text-transform:uppercase;
letter-spacing:.3px}
table.findings .obs{color:var(--bad)}
table.findings tr.warning .obs{color:var(--warn)}
.clause{white-space:nowrap;font-size:12.5px}
.clause .note{color:var(--muted);font-size:11.5px;white-space:normal}
.offender{font-weight:600}
figure.chart{margin:14px 0 6px}
figure.chart figcaption{font-size:12.5px;color:var(--muted);margin-bottom:6px;display:flex;flex-wrap:wrap;gap:4px 14px;
align-items:center}
figure.chart figcaption b{color:var(--fg)}
.legend{display:inline-flex;gap:10px;flex-wrap:wrap}
.legend span::before{content:"";display:inline-block;width:9px;height:9px;border-radius:2px;margin-right:4px;
vertical-align:-1px;background:currentColor}
.legend .verified{color:var(--ok)}.legend .failed{color:var(--bad)}.legend .warning{color:#bc4c00}
.legend .unverified{color:var(--warn)}.legend .unprotected{color:var(--badin)}.legend .not-logged{color:#818b98}
.cap-note{background:var(--warn-bg);border:1px solid #f5e0a0;border-radius:6px;padding:6px 10px;font-size:12.5px;
margin:6px 0}
.scroll{overflow-x:auto}
svg.msc{display:block;border:1px solid var(--line);border-radius:6px;background:#fff;font-family:var(--sans)}
.msc .lifeline{stroke:#818b98;stroke-width:1.5}
.msc .head rect,.msc .foot rect{fill:#f6f8fa;stroke:#59636e;stroke-width:1.2}
.msc .head.lane-initiator rect,.msc .foot.lane-initiator rect{fill:#ddf4ff;stroke:#0969da}
.msc .head.lane-target rect,.msc .foot.lane-target rect{fill:#fbefff;stroke:#8250df}
.msc .lane-title{font-size:13px;font-weight:700;text-anchor:middle;fill:var(--fg)}
.msc .lane-sub{font-size:11px;text-anchor:middle;fill:var(--muted)}
.msc .event .bg{fill:#fff;fill-opacity:0}
.msc .event.odd .bg{fill:#8c959f;fill-opacity:.07}
.msc .event:hover .bg{fill:#0969da;fill-opacity:.07}
.msc .event.violation .bg{fill:var(--bad);fill-opacity:.10}
.msc .event.warning .bg{fill:#d4a72c;fill-opacity:.14}
.msc .event:target .bg{fill:#d4a72c;fill-opacity:.35}
.msc .arrow{stroke:#1f2328;stroke-width:1.6}
.msc .head-tip,.msc path.head{fill:#1f2328}
.msc .event.violation .arrow{stroke:var(--bad);stroke-width:2.6}
.msc .event.violation path.head{fill:var(--bad)}
.msc .event.warning .arrow{stroke:#bc4c00;stroke-width:2.2}
.msc .event.warning path.head{fill:#bc4c00}
.msc .event.unprotected .arrow,.msc .event.not-logged .arrow{stroke-dasharray:6 4}
.msc .msg{font-size:12.5px;font-weight:600;text-anchor:middle;fill:var(--fg);font-family:var(--mono)}
.msc .event.violation .msg{fill:#a40e26}
.msc .sec{font-size:11px;text-anchor:middle;fill:var(--muted);font-family:var(--mono)}
.msc .status{font-weight:700}
.msc .status.verified{fill:var(--ok)}.msc .status.failed{fill:var(--bad)}.msc .status.warning{fill:#bc4c00}
.msc .status.unverified{fill:var(--warn)}.msc .status.unprotected{fill:var(--badin)}
.msc .status.not-logged{fill:#818b98;font-weight:400;font-style:italic}
.msc .idx{font-size:12px;font-weight:700;font-family:var(--mono);fill:var(--fg)}
.msc .time{font-size:11px;font-family:var(--mono);fill:var(--muted)}
.msc .marker circle{fill:var(--bad)}
.msc .event.warning .marker circle{fill:#bc4c00}
.msc .marker text{fill:#fff;font-size:13px;font-weight:800;text-anchor:middle}
.msc .note{font-size:11px;fill:var(--muted);font-family:var(--mono)}
.msc .note.rule{fill:var(--bad);font-weight:700}
.msc .note.warn{fill:#9a6700}
.msc .note.unv{fill:var(--warn);font-weight:600}
.msc a:hover .note{text-decoration:underline}
.msc .gap rect{fill:#f6f8fa;stroke:#afb8c1;stroke-dasharray:4 3}
.msc .gap text{font-size:11.5px;fill:var(--muted);text-anchor:middle;font-style:italic}
details.sub{margin:12px 0 0;border:1px solid var(--line);border-radius:6px}
details.sub>summary{cursor:pointer;padding:6px 10px;font-weight:600;font-size:13px;background:var(--soft)}
details.sub[open]>summary{border-bottom:1px solid var(--line)}
details.sub>.inner{padding:8px 10px}
table.state td{font-family:var(--mono);font-size:11.5px;word-break:break-all;padding:2px 8px}
p.dir{margin:0 0 6px;color:var(--muted);font-size:12.5px}
table.state td.var{white-space:nowrap;word-break:normal;color:var(--fg)}
table.state tr.diff td.val{background:#fff8c5}
table.state tr.group td{background:var(--soft);font-family:var(--sans);font-weight:600;color:var(--muted);
font-size:12px}
table.unverified td.reason{color:var(--warn)}
ul.plain{margin:4px 0;padding-left:18px;font-size:13px}
ul.passes{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:6px}
ul.passes li{font-size:12px;border:1px solid #aceebb;background:var(--ok-bg);border-radius:10px;padding:0 8px}
.error-box{border:1px solid #ecd8ff;background:var(--badin-bg);border-radius:6px;padding:8px 12px;margin:10px 0}
.error-box dl{margin:0}
.error-box .msgtext{font-weight:600;color:#5a32a3}
.empty{color:var(--muted);font-style:italic}
footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line);margin-top:30px;padding-top:10px}
.msc .event.attacker .arrow{stroke:#bf3989;stroke-dasharray:3 3}
.msc .event.attacker path.head{fill:#bf3989}
.msc .attacker-mark rect{fill:#ffeff7;stroke:#bf3989;stroke-width:1.2}
.msc .attacker-mark text{fill:#bf3989;font-size:11px;font-weight:700;text-anchor:middle}
.legend .attacker{color:#bf3989}
table.props td.num{white-space:nowrap}
table.cti tr.changed td{background:var(--bad-bg);font-weight:600}
section.trace.ok{border-left-color:var(--ok)}
section.trace.bad{border-left-color:var(--bad)}
section.trace.unsure{border-left-color:var(--warn)}
section.witness{border-top:1px dashed var(--line);margin-top:14px;padding-top:4px}
table.props td.id,table.diff td.id{font-family:var(--mono);font-weight:600;white-space:nowrap}
table.diff tr.regression td{background:var(--bad-bg)}
table.diff tr.regression td:first-child{box-shadow:inset 3px 0 0 var(--bad)}
table.steps tr.attacker td{background:#ffeff7}
code.formula,code.command{display:block;white-space:pre-wrap;word-break:break-word;background:var(--soft);
border:1px solid var(--line);border-radius:4px;padding:4px 8px}
.gate{font-weight:700;border-radius:6px;padding:8px 12px;margin:6px 0 14px}
.gate.fail{color:var(--bad);background:var(--bad-bg);border:1px solid #ffcecb}
.gate.ok{color:var(--ok);background:var(--ok-bg);border:1px solid #aceebb}
@media print{.toolbar{display:none}section.trace{break-inside:avoid-page}}
)CSS";
}

std::string_view script()
{
    return R"JS(
(function () {
  "use strict";
  function traces() { return Array.prototype.slice.call(document.querySelectorAll("section.trace")); }
  function setOpen(open) {
    traces().forEach(function (s) { var d = s.querySelector("details"); if (d && s.style.display !== "none") { d.open = open; } });
  }
  // The toolbar is on pages with traces to filter (check); links to an element work on every page.
  var bar = document.getElementById("toolbar");
  if (bar) {
    bar.hidden = false;
    document.getElementById("expand-all").addEventListener("click", function () { setOpen(true); });
    document.getElementById("collapse-all").addEventListener("click", function () { setOpen(false); });
    document.getElementById("only-failing").addEventListener("change", function (ev) {
      var only = ev.target.checked;
      traces().forEach(function (s) { s.style.display = only && s.dataset.verdict === "conforms" ? "none" : ""; });
    });
  }
  function reveal() {
    if (!location.hash) { return; }
    var el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    for (var p = el; p; p = p.parentElement) { if (p.tagName === "DETAILS") { p.open = true; } }
    if (el) { el.scrollIntoView({block: "center"}); }
  }
  window.addEventListener("hashchange", reveal);
  reveal();
})();
)JS";
}

void write_page_start(std::ostream& out, std::string_view title, std::string_view heading,
                      std::string_view sub_html)
{
    out << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        << "<meta name=\"generator\" content=\"pc5check\">\n"
        << "<title>" << escape(title) << "</title>\n<style>" << stylesheet() << "</style>\n</head>\n<body>\n"
        << R"(<header class="top"><div class="page"><h1><span class="tool">pc5check</span> )"
        << escape(heading) << "</h1><div class=\"sub\">" << sub_html
        << "</div></div></header>\n<main class=\"page\">\n";
}

void write_page_end(std::ostream& out, std::string_view footer_html)
{
    out << "<footer>" << footer_html << "</footer>\n</main>\n<script>" << script()
        << "</script>\n</body>\n</html>\n";
}

} // namespace pc5check::report::html
