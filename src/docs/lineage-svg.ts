import { formatCount } from '../format-count.js';
import { html, type SafeHtml } from './html.js';
import type { LineageLayout } from './lineage-layout.js';
import type { SiteData, SiteNode } from './site-data.js';

/** Lane colours in flow order (landing amber, trusted blue, curated green, then others). */
export const LANE_COLORS = ['amber', 'blue', 'green', 'violet', 'slate'] as const;

/** The colour class of a lane by its position. */
export function laneColor(index: number): string {
  return LANE_COLORS[Math.min(index, LANE_COLORS.length - 1)]!;
}

/** The link to a node's page, for the graph, the sidebar and search results. */
export function nodeHref(id: string): string {
  return `#node/${encodeURIComponent(id)}`;
}

/** The second line of a node's box: how it is built and how many rows it holds (else, the last run wrote). */
export function nodeSummary(node: SiteNode): string {
  const rows = node.rows ?? node.lastRun?.rows;
  return rows === null || rows === undefined
    ? node.materialization
    : `${node.materialization} · ${formatCount(rows)} rows`;
}

function nodeBox(node: SiteNode, box: LineageLayout['nodes'][number], lane: number): SafeHtml {
  const status = node.lastRun?.status ?? 'none';
  const idFree = node.privacy.includes('identifier_free');
  return html`<a class="node lane-${laneColor(lane)}" href="${nodeHref(node.id)}" data-id="${node.id}" data-name="${node.name}">
<title>${node.name} (${node.zone}): ${node.description || 'no description'}</title>
<rect class="node-box" x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" rx="8"/>
<rect class="node-stripe" x="${box.x}" y="${box.y}" width="6" height="${box.height}" rx="3"/>
<text class="node-name" x="${box.x + 16}" y="${box.y + 23}">${node.name}</text>
<text class="node-meta" x="${box.x + 16}" y="${box.y + 43}">${nodeSummary(node)}</text>
<circle class="status-dot status-${status}" cx="${box.x + box.width - 14}" cy="${box.y + 14}" r="5"><title>last run: ${status === 'none' ? 'not run' : status}</title></circle>
${idFree ? html`<text class="node-badge" x="${box.x + box.width - 10}" y="${box.y + 45}" text-anchor="end">ID-free</text>` : ''}
</a>`;
}

/** The lineage graph as an SVG element: lanes per zone, edges, and a link per node. */
export function renderLineageSvg(site: SiteData, layout: LineageLayout): SafeHtml {
  const byId = new Map(site.nodes.map((n) => [n.id, n]));
  const laneIndex = new Map(layout.lanes.map((l, k) => [l.zone, k]));
  const lanes = layout.lanes.map((lane, k) => {
    const members = new Set(site.nodes.filter((n) => n.zone === lane.zone).map((n) => n.id));
    const count = `${members.size} relation${members.size === 1 ? '' : 's'}`;
    if (lane.aside) {
      // Below the flow and not numbered: no model reads these, so they are no step of it. (Which tests read them is
      // not fully known here: a test's ref() under a var that is off records no dependency.)
      const why = lane.zone === 'seeds' ? 'reference data for the data tests; no model reads it' : 'no model reads it';
      return html`<g class="lane aside lane-${laneColor(k)}" data-zone="${lane.zone}">
<rect class="lane-bg" x="${lane.x}" y="${lane.y}" width="${lane.width}" height="${lane.height}"/>
<rect class="lane-head" x="${lane.x}" y="${lane.y}" width="${lane.width}" height="32"/>
<text x="${lane.x + 16}" y="${lane.y + 22}"><tspan class="lane-title">${lane.zone.toUpperCase()}</tspan><tspan class="lane-count" dx="14">${count} · ${why}</tspan></text>
</g>`;
    }
    const cx = lane.x + lane.width / 2;
    return html`<g class="lane lane-${laneColor(k)}" data-zone="${lane.zone}">
<rect class="lane-bg" x="${lane.x}" y="${lane.y}" width="${lane.width}" height="${lane.height}"/>
<rect class="lane-head" x="${lane.x}" y="${lane.y}" width="${lane.width}" height="${layout.laneHeaderHeight - 8}"/>
<text class="lane-title" x="${cx}" y="28" text-anchor="middle">${`${k + 1} · ${lane.zone.toUpperCase()}`}</text>
<text class="lane-count" x="${cx}" y="45" text-anchor="middle">${count}</text>
</g>`;
  });
  const edges = layout.edges.map(
    (e) =>
      html`<path class="edge${e.backward ? ' backward' : ''}" data-from="${e.from}" data-to="${e.to}" d="${e.d}"${e.backward ? html` marker-start="url(#arrow)"` : html` marker-end="url(#arrow)"`}><title>${byId.get(e.from)?.name ?? e.from} → ${byId.get(e.to)?.name ?? e.to}${e.backward ? ' (reads a later zone)' : ''}</title></path>`,
  );
  const nodes = layout.nodes.map((box) => {
    const node = byId.get(box.id)!;
    return nodeBox(node, box, laneIndex.get(node.zone) ?? 0);
  });
  return html`<svg id="lineage" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img" aria-label="Lineage of ${site.project}: ${site.nodes.length} relations in ${layout.lanes.length} zones">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker></defs>
<g class="lanes">${lanes}</g>
<g class="edges">${edges}</g>
<g class="nodes">${nodes}</g>
</svg>`;
}
