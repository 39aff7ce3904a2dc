import { createHash } from 'node:crypto';
import { SITE_CSS } from './assets/site-css.js';
import { SITE_SCRIPT } from './assets/site-script.js';
import { html, SafeHtml, scriptJson } from './html.js';
import { layoutLineage } from './lineage-layout.js';
import { laneColor, nodeHref, renderLineageSvg } from './lineage-svg.js';
import { PRIVACY_BADGES, privacyBadge, renderNodePage } from './render-node-page.js';
import { renderTestsPage, statusLabel, testsNavLabel } from './render-tests.js';
import type { SiteData } from './site-data.js';

/** One entry of the search index the page's script filters: a relation or a column of one. */
export interface SearchEntry {
  kind: string;
  name: string;
  nodeId: string;
  nodeName: string;
  text: string;
}

/** The search index: every relation and every column, with its description. */
export function searchIndex(site: SiteData): SearchEntry[] {
  return site.nodes.flatMap((n) => [
    { kind: n.kind, name: n.name, nodeId: n.id, nodeName: n.name, text: n.description },
    ...n.columns.map((c) => ({ kind: 'column', name: c.name, nodeId: n.id, nodeName: n.name, text: c.description })),
  ]);
}

function overviewPage(site: SiteData): SafeHtml {
  const notes = [site.catalogNote, site.runResultsNote].filter((n): n is string => n !== null);
  return html`<section class="page" id="page-overview" data-page="overview"><header class="page-head"><h2>${site.project}</h2></header>
<p>Data flows left to right through the zones of the lakehouse. Click a relation in the graph to see what it holds, where each column comes from and what it promises; its ancestors and descendants light up.</p>
${notes.map((n) => html`<p class="note">${n}</p>`)}
<h3>Privacy badges</h3><ul class="legend">${Object.keys(PRIVACY_BADGES).map((p) => html`<li>${privacyBadge(p)} ${PRIVACY_BADGES[p]!.meaning}</li>`)}</ul>
<h3>Lineage</h3><ul class="legend"><li>A solid edge: a relation reads one of an earlier zone (the arrow points at the reader).</li>
<li class="legend-backward">A dashed edge: a relation reads one of a later zone (step_trainer_trusted reads customer_curated), so the edge runs back, its arrow still at the reader.</li></ul>
<h3>Status of the last run</h3><ul class="legend inline"><li>${statusLabel('success')}</li><li>${statusLabel('error')}</li><li>${statusLabel('skipped')}</li><li>${statusLabel(null)}</li></ul>
</section>`;
}

function sidebar(site: SiteData, lanes: readonly string[]): SafeHtml {
  const groups = lanes.map(
    (zone, k) =>
      html`<h4 class="lane-${laneColor(k)}">${zone}</h4><ul>${site.nodes
        .filter((n) => n.zone === zone)
        .map((n) => html`<li><a href="${nodeHref(n.id)}" data-nav="${n.id}">${n.name}</a></li>`)}</ul>`,
  );
  return html`<nav class="sidebar"><label class="search"><span>Search models and columns</span>
<input id="search" type="search" placeholder="e.g. email, timestamp" autocomplete="off" spellcheck="false"></label>
<ol id="search-results" class="search-results" hidden></ol>
<a class="nav-top" href="#overview">Overview and lineage</a><a class="nav-top" href="#tests" id="nav-tests">${testsNavLabel(site)}</a>
${groups}</nav>`;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The page's content security policy: only our own inline script and stylesheet (by hash) may run, and nothing may
 * be fetched. It holds from file:// as well as from a server, and any injected script would be refused.
 */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; script-src ${sha256(SITE_SCRIPT)}; style-src ${sha256(SITE_CSS)}; img-src data:; base-uri 'none'; form-action 'none'`;

/** The whole documentation site as one self-contained HTML document (no network, works from file://). */
export function renderSite(site: SiteData): string {
  const layout = layoutLineage(site);
  const laneIndex = new Map(layout.lanes.map((l, k) => [l.zone, k]));
  const clientData = {
    nodes: site.nodes.map((n) => ({ id: n.id, name: n.name })),
    edges: site.edges,
    search: searchIndex(site),
  };
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>${site.project} · stedi-models docs</title><style>${new SafeHtml(SITE_CSS)}</style></head>
<body><header class="top"><h1>${site.project} <span>documentation</span></h1>
<p class="muted">target ${site.target} · generated ${site.generatedAt}${site.lastRunAt ? ` · last run ${site.lastRunAt}` : ' · not run yet'}</p></header>
<div class="layout">${sidebar(
    site,
    layout.lanes.map((l) => l.zone),
  )}
<main><section class="lineage-panel" id="lineage-panel"><div class="lineage-scroll">${renderLineageSvg(site, layout)}</div></section>
${overviewPage(site)}${renderTestsPage(site)}${site.nodes.map((n) => renderNodePage(n, site, laneIndex.get(n.zone) ?? 0))}</main></div>
<script type="application/json" id="site-data">${scriptJson(clientData)}</script>
<script>${/* our own script, written in this repository */ new SafeHtml(SITE_SCRIPT)}</script></body></html>
`;
  return page.text;
}
