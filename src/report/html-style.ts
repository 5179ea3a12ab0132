// The stylesheet of the HTML report, inlined into every report so it works offline. Colours keep
// enough contrast on paper; print rules drop the navigation and keep cards and charts whole.

export const REPORT_CSS = `
:root {
  --fg: #1f2328; --muted: #59636e; --line: #d8dee4; --bg: #ffffff; --panel: #f6f8fa;
  --critical: #8e0b0b; --high: #c62828; --medium: #b26a00; --low: #57606a;
  --failure: #b71c1c; --degraded: #b26a00; --healthy: #1b7f3b; --inconclusive: #5b4a9e;
  --onset: #c62828;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--fg); background: var(--bg);
  font: 14px/1.5 system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif;
}
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, Liberation Mono, monospace; font-size: 12.5px; }
code { background: var(--panel); border-radius: 4px; padding: 0 4px; overflow-wrap: anywhere; }
pre { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 6px 0;
  white-space: pre-wrap; overflow-wrap: anywhere; }
pre code { background: none; padding: 0; }
header.verdict { display: flex; gap: 20px; align-items: center; padding: 20px 32px; color: #fff; }
.verdict-failure { background: var(--failure); }
.verdict-degraded { background: var(--degraded); }
.verdict-healthy { background: var(--healthy); }
.verdict-inconclusive { background: var(--inconclusive); }
header .badge { margin: 0; font-size: 26px; font-weight: 800; letter-spacing: 0.06em; padding: 6px 14px;
  border: 2px solid rgba(255,255,255,0.8); border-radius: 8px; }
header h1 { margin: 0; font-size: 20px; font-weight: 600; }
header p { margin: 2px 0 0; }
header .meta { opacity: 0.85; font-size: 13px; }
nav { position: sticky; top: 0; z-index: 1; background: var(--bg); border-bottom: 1px solid var(--line);
  padding: 8px 32px; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; }
nav a { color: var(--muted); text-decoration: none; }
nav a:hover { color: var(--fg); text-decoration: underline; }
main { max-width: 1040px; margin: 0 auto; padding: 8px 32px 32px; }
section { margin-top: 28px; }
h2 { font-size: 18px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
h4 { font-size: 13px; margin: 14px 0 6px; text-transform: uppercase; letter-spacing: 0.04em; color: var(--muted); }
.facts { margin: 4px 0; color: var(--muted); }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 110px; }
.tile span { display: block; font-size: 12px; color: var(--muted); }
.tile strong { font-size: 18px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:first-child td { font-weight: inherit; }
.bad { color: var(--high); font-weight: 600; }
.ok { color: var(--healthy); font-weight: 600; }
dl.extra, dl.facts-list { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 8px 0; }
dt { color: var(--muted); }
dd { margin: 0; }
.pair { white-space: nowrap; margin-right: 10px; }
.chart-key { color: var(--muted); margin: 4px 0; }
ul.onsets { list-style: none; padding: 0; margin: 4px 0 10px; display: flex; flex-wrap: wrap; gap: 4px 18px; }
.onset-key { color: var(--onset); font-weight: 700; border-left: 2px dashed var(--onset); padding-left: 6px; }
figure.chart { margin: 14px 0; border: 1px solid var(--line); border-radius: 8px; padding: 8px; background: #fff; }
figure.chart figcaption { font-size: 12.5px; color: var(--muted); margin: 0 4px 4px; }
figure.chart figcaption strong { color: var(--fg); margin-right: 4px; }
figure.chart .svg svg { display: block; width: 100%; height: auto; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 0 14px; }
.sev { display: inline-block; font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em;
  padding: 1px 7px; border-radius: 10px; color: #fff; vertical-align: middle; }
.sev-critical { background: var(--critical); }
.sev-high { background: var(--high); }
.sev-medium { background: var(--medium); }
.sev-low { background: var(--low); }
article.finding { border: 1px solid var(--line); border-left: 5px solid var(--low); border-radius: 8px;
  padding: 4px 18px 12px; margin: 14px 0; }
.sev-border-critical { border-left-color: var(--critical) !important; }
.sev-border-high { border-left-color: var(--high) !important; }
.sev-border-medium { border-left-color: var(--medium) !important; }
article.finding h3 { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; font-size: 16px; }
.rank { color: var(--muted); }
.confidence { margin-left: auto; font-size: 12.5px; font-weight: 500; color: var(--muted); display: inline-flex; align-items: center; gap: 6px; }
.confidence .bar { display: inline-block; width: 80px; height: 8px; background: var(--panel); border: 1px solid var(--line); border-radius: 4px; overflow: hidden; }
.confidence .bar span { display: block; height: 100%; background: var(--fg); }
.onset { color: var(--onset); font-weight: 600; }
.expected { color: var(--healthy); }
.observed { color: var(--high); font-weight: 600; }
ul.signals { list-style: none; padding: 0; margin: 0; }
ul.signals li { margin: 3px 0; }
.weight { display: inline-block; min-width: 48px; font-variant-numeric: tabular-nums; font-weight: 700; }
.weight.up { color: var(--high); }
.weight.down { color: var(--healthy); }
ol.checks li, ol.remediation li { margin: 4px 0; }
.needs { color: var(--medium); font-weight: 600; }
footer { max-width: 1040px; margin: 0 auto; padding: 16px 32px 32px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); }
@media (max-width: 720px) {
  header.verdict { flex-direction: column; align-items: flex-start; padding: 16px; }
  main, nav, footer { padding-left: 16px; padding-right: 16px; }
  .grid { grid-template-columns: 1fr; }
}
@media print {
  @page { margin: 14mm; }
  body { font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav { display: none; }
  main, footer { max-width: none; padding: 0; }
  header.verdict { padding: 10px 14px; }
  section { break-inside: auto; }
  article.finding, figure.chart, tr { break-inside: avoid; }
  h2, h3, h4 { break-after: avoid; }
  .grid { grid-template-columns: 1fr 1fr; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
`.trim();
