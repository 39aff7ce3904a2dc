/** The site's stylesheet, inlined into index.html so the site needs no other file and no network. */
export const SITE_CSS = String.raw`
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f9fafb; --accent: #2563eb;
  --amber: #b45309; --amber-bg: #fef3c7; --amber-head: #fde68a;
  --blue: #1d4ed8; --blue-bg: #dbeafe; --blue-head: #bfdbfe;
  --green: #047857; --green-bg: #d1fae5; --green-head: #a7f3d0;
  --violet: #6d28d9; --violet-bg: #ede9fe; --violet-head: #ddd6fe;
  --slate: #334155; --slate-bg: #f1f5f9; --slate-head: #e2e8f0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: #fff; }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
.top { padding: 10px 20px; border-bottom: 1px solid var(--line); display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap; }
.top h1 { margin: 0; font-size: 20px; } .top h1 span { font-weight: 400; color: var(--muted); }
.top p { margin: 0; }
.layout { display: grid; grid-template-columns: 260px minmax(0, 1fr); min-height: calc(100vh - 50px); }
.sidebar { border-right: 1px solid var(--line); background: var(--bg); padding: 14px; overflow-y: auto; }
.sidebar h4 { margin: 14px 0 4px; text-transform: uppercase; font-size: 12px; letter-spacing: .06em; }
.sidebar ul { list-style: none; margin: 0; padding: 0 0 0 6px; } .sidebar li { margin: 2px 0; }
.sidebar a.active { font-weight: 700; }
.nav-top { display: block; margin: 4px 0; font-weight: 600; }
.search span { display: block; font-size: 12px; color: var(--muted); margin-bottom: 4px; }
.search input { width: 100%; padding: 7px 9px; border: 1px solid #d1d5db; border-radius: 6px; font: inherit; }
.search-results { list-style: none; margin: 6px 0 10px; padding: 0; border: 1px solid var(--line); border-radius: 6px; background: #fff; max-height: 50vh; overflow-y: auto; }
.search-results li { padding: 5px 8px; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; } .search-results li:last-child { border-bottom: 0; }
.search-results .kind { font-size: 11px; color: var(--muted); text-transform: uppercase; margin-right: 6px; }
.search-results .where { display: block; font-size: 12px; color: var(--muted); }
main { padding: 16px 24px 48px; min-width: 0; }
.lineage-panel { border: 1px solid var(--line); border-radius: 10px; margin-bottom: 18px; background: #fff; }
.lineage-scroll { overflow: auto; max-height: 70vh; }
#lineage { display: block; max-width: 100%; height: auto; margin: 0 auto; }
.lane-bg { stroke: #fff; stroke-width: 3; }
.lane-title { font-size: 19px; font-weight: 800; letter-spacing: .08em; }
.lane-count { font-size: 12px; fill: var(--muted); }
.node { cursor: pointer; }
.node-box { fill: #fff; stroke-width: 1.5; }
.node-name { font-size: 13px; font-weight: 700; fill: var(--ink); }
.node-meta { font-size: 12px; fill: var(--muted); }
.lane.aside .lane-title { font-size: 15px; }
.node-badge { font-size: 10.5px; font-weight: 700; fill: var(--green); }
.node:hover .node-box, .node:focus .node-box { stroke-width: 3; }
.edge { fill: none; stroke: #94a3b8; stroke-width: 1.6; }
.edge.backward { stroke-dasharray: 6 4; }
.arrow-head { fill: #94a3b8; }
${['amber', 'blue', 'green', 'violet', 'slate']
  .map(
    (
      c,
    ) => `.lane-${c} .lane-bg { fill: var(--${c}-bg); opacity: .55; } .lane-${c} .lane-head { fill: var(--${c}-head); }
.lane-${c} .lane-title { fill: var(--${c}); } .node.lane-${c} .node-box { stroke: var(--${c}); } .node.lane-${c} .node-stripe { fill: var(--${c}); }
h4.lane-${c} { color: var(--${c}); } .badge.zone.lane-${c} { background: var(--${c}-head); color: var(--${c}); }`,
  )
  .join('\n')}
.status-dot { stroke: #fff; stroke-width: 1.5; }
.status-dot.status-success, .status-dot.status-pass { fill: #16a34a; } .status-dot.status-error, .status-dot.status-fail { fill: #dc2626; }
.status-dot.status-warn { fill: #d97706; } .status-dot.status-skipped { fill: #9ca3af; } .status-dot.status-none { fill: #fff; stroke: #9ca3af; }
#lineage.has-focus .node, #lineage.has-focus .edge { opacity: .22; }
#lineage.has-focus .node.in-lineage, #lineage.has-focus .edge.in-lineage { opacity: 1; }
#lineage .edge.in-lineage { stroke: var(--ink); stroke-width: 2.2; }
#lineage .node.selected .node-box { stroke-width: 3.5; fill: #fffbea; }
.page-head h2 { margin: 0 0 6px; font-size: 22px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; background: #f3f4f6; font-size: 12px; margin-right: 4px; }
.badge.privacy { background: #dcfce7; color: #166534; font-weight: 600; border: 1px solid #86efac; }
.badge.warn { background: #fef3c7; color: #92400e; }
.badge.identifier { background: #fee2e2; color: #991b1b; font-weight: 600; border: 1px solid #fca5a5; margin-left: 6px; }
.status { display: inline-block; white-space: nowrap; padding: 0 7px; border-radius: 4px; font-size: 12px; font-weight: 600; background: #f3f4f6; color: var(--muted); }
.status-success, .status-pass { background: #dcfce7; color: #166534; } .status-error, .status-fail { background: #fee2e2; color: #991b1b; }
.status-warn { background: #fef3c7; color: #92400e; }
.muted { color: var(--muted); } .small { font-size: 12px; }
.note { background: #eff6ff; border-left: 3px solid var(--accent); padding: 6px 10px; }
.empty { background: var(--bg); border: 1px dashed #d1d5db; padding: 14px; border-radius: 8px; }
.message { font-size: 12px; color: #991b1b; white-space: pre-wrap; overflow-wrap: anywhere; }
.message-warn { color: #92400e; } .message-pass, .message-success, .message-skipped { color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
tr.missing td { background: #fffbeb; } tr.flash td { background: #fef9c3; }
code.test { background: #f3f4f6; padding: 0 4px; border-radius: 3px; }
table.tests { table-layout: fixed; margin-bottom: 18px; }
table.tests td, table.tests th { overflow-wrap: anywhere; } table.tests a.rel { display: inline-block; }
table.tests col.c-name { width: 26%; } table.tests col.c-on { width: 18%; } table.tests col.c-column { width: 11%; }
table.tests col.c-declared { width: 22%; } table.tests col.c-status { width: 14%; } table.tests col.c-rows { width: 9%; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
code.test.status-pass, code.test.status-success { background: #dcfce7; color: #166534; }
code.test.status-fail, code.test.status-error { background: #fee2e2; color: #991b1b; } code.test.status-warn { background: #fef3c7; color: #92400e; }
.family { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
ul.links { margin: 0; padding-left: 18px; }
ul.legend { list-style: none; padding: 0; } ul.legend.inline li { display: inline-block; margin-right: 8px; }
details.sql { margin: 6px 0; } details.sql summary { cursor: pointer; font-weight: 600; }
pre { background: #0f172a; color: #e2e8f0; padding: 12px; border-radius: 8px; overflow: auto; max-height: 480px; }
`;
