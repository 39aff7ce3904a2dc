import { formatCount } from '../format-count.js';
import { html, type SafeHtml } from './html.js';
import { laneColor, nodeHref } from './lineage-svg.js';
import { renderNodeTests, statusLabel, testsSummary } from './render-tests.js';
import type { SiteColumn, SiteData, SiteNode, TestOnNode } from './site-data.js';

/** What each privacy property promises, in the words a data scientist needs. */
export const PRIVACY_BADGES: Record<string, { label: string; meaning: string }> = {
  consent_filtered: {
    label: 'Consent-filtered',
    meaning: 'Only customers who agreed to share their data for research.',
  },
  identifier_free: { label: 'Identifier-free', meaning: 'No direct identifier (name, email, phone, birthday).' },
};

/** A privacy badge; an unknown property is still shown, under its own name. */
export function privacyBadge(property: string): SafeHtml {
  const badge = PRIVACY_BADGES[property] ?? {
    label: property,
    meaning: 'A privacy property declared in the model config.',
  };
  return html`<span class="badge privacy" title="${badge.meaning}">${badge.label}</span>`;
}

/** Paragraphs of a description, kept as text (newlines inside a paragraph are folded by CSS). */
export function descriptionBlock(text: string, empty = 'No description yet.'): SafeHtml {
  if (!text.trim()) return html`<p class="muted">${empty}</p>`;
  return html`${text.split(/\n\s*\n/).map((p) => html`<p>${p.trim()}</p>`)}`;
}

/** A test on a relation or column: its declaration, coloured by its last status. */
function testChip(test: TestOnNode): SafeHtml {
  return html`<code class="test status-${test.status ?? 'none'}" title="last run: ${test.status ?? 'not run'}">${test.definition}</code> `;
}

function nodeLinks(ids: readonly string[], byId: ReadonlyMap<string, SiteNode>, none: string): SafeHtml {
  if (ids.length === 0) return html`<p class="muted">${none}</p>`;
  return html`<ul class="links">${ids.map((id) => {
    const n = byId.get(id);
    return html`<li><a href="${nodeHref(id)}">${n?.name ?? id}</a> <span class="muted">${n ? `${n.zone} · ${n.materialization}` : ''}</span></li>`;
  })}</ul>`;
}

function lastRun(node: SiteNode): SafeHtml {
  const run = node.lastRun;
  if (!run) return html`<span class="muted">not in the last run</span>`;
  const rows = run.rows === null ? '' : ` · ${formatCount(run.rows)} rows written`;
  return html`${statusLabel(run.status)}${rows}${run.completedAt ? ` · ${run.completedAt}` : ''}${run.message ? html`<div class="message">${run.message}</div>` : ''}`;
}

/** The link to a column of a node's page: opens the page at the column and lights up the column's path. */
function columnHref(id: string, column: string): string {
  return `${nodeHref(id)}/${encodeURIComponent(column)}`;
}

/** A badge on a column that carries an identifier, with the path to the landing column as its title. */
function columnIdentifierBadge(c: SiteColumn): SafeHtml {
  if (!c.lineage?.identifier) return html``;
  return html` <span class="badge identifier" title="Carries an identifier: ${c.lineage.identifier}">Identifier</span>`;
}

/** The parent columns a column is computed from, as links; pseudonymised ones say so. */
function upstreamLinks(c: SiteColumn): SafeHtml {
  if (!c.lineage) return html`<span class="muted small">not traced</span>`;
  if (c.lineage.upstream.length === 0) return html`<span class="muted small">no parent column</span>`;
  return html`${c.lineage.upstream.map(
    (u) =>
      html`<a class="upstream" href="${columnHref(u.id, u.column)}"><code>${u.name}.${u.column}</code></a>${u.pseudonymised ? html` <span class="muted small">(pseudonymised)</span>` : ''} `,
  )}`;
}

function columnsTable(node: SiteNode): SafeHtml {
  const note = node.columnsNote
    ? html`<p class="note">${node.columnsNote}</p>`
    : html`<p class="muted small">Types as the engine reports them.</p>`;
  if (node.columns.length === 0) return html`${note}<p class="muted">No columns documented.</p>`;
  const rows = node.columns.map(
    (
      c,
    ) => html`<tr data-column="${c.name}"${c.missingFromRelation ? html` class="missing"` : ''}${c.lineage ? html` data-path-nodes="${c.lineage.pathNodes.join(' ')}" data-path-edges="${c.lineage.pathEdges.join(' ')}"` : ''}>
<td><a class="column-link" href="${columnHref(node.id, c.name)}" title="Light up its path in the lineage graph"><code>${c.name}</code></a>${columnIdentifierBadge(c)}</td><td><code>${c.type ?? '?'}</code></td>
<td>${c.description || html`<span class="muted">undocumented</span>`}${c.missingFromRelation ? html` <span class="badge warn">not in the built relation</span>` : ''}</td>
<td class="column-upstream">${upstreamLinks(c)}</td>
<td>${c.tests.map(testChip)}</td></tr>`,
  );
  return html`${note}<table class="columns"><thead><tr><th>Column</th><th>Type</th><th>Description</th><th>Derived from</th><th>Tests</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function sqlBlock(title: string, sql: string | null, open: boolean): SafeHtml {
  if (sql === null) return html``;
  return html`<details class="sql"${open ? html` open` : ''}><summary>${title}</summary><pre><code>${sql}</code></pre></details>`;
}

/** A warning on a relation that holds direct identifiers: reading it is reading who each person is. */
function relationIdentifierBadge(node: SiteNode): SafeHtml | string {
  if (node.identifiers.length === 0) return '';
  const title = node.identifiers.map((i) => `${i.column}: ${i.reason}`).join('; ');
  return html`<span class="badge warn identifiers" title="${title}">Direct identifiers: ${node.identifiers.map((i) => i.column).join(', ')}</span>`;
}

/** The page of one model, source or seed: everything a reader needs without opening the SQL files. */
export function renderNodePage(node: SiteNode, site: SiteData, laneIndex: number): SafeHtml {
  const byId = new Map(site.nodes.map((n) => [n.id, n]));
  const privacy =
    node.privacy.length > 0
      ? node.privacy.map(privacyBadge)
      : html`<span class="muted small">no privacy promise declared</span>`;
  return html`<section class="page node-page" id="page-${node.id}" data-page="node" data-id="${node.id}" hidden>
<header class="page-head"><h2>${node.name}</h2>
<div class="chips"><span class="badge zone lane-${laneColor(laneIndex)}">${node.zone}</span><span class="badge">${node.kind}</span><span class="badge">${node.materialization}</span>${privacy}${relationIdentifierBadge(node)}</div></header>
${descriptionBlock(node.description)}
<dl class="facts">
<dt>Relation</dt><dd><code>${node.relation}</code></dd>
<dt>Defined in</dt><dd><code>${node.filePath}</code></dd>
${node.location ? html`<dt>Reads files at</dt><dd><code>${node.location}</code></dd>` : ''}
${node.rows === null ? '' : html`<dt>Rows</dt><dd>${formatCount(node.rows)} <span class="muted">(counted when the docs were generated)</span></dd>`}
${node.vars.length > 0 ? html`<dt>Built with</dt><dd class="vars">target ${site.target} · ${node.vars.map((v) => html`<code>${v.name}: ${v.value}</code> `)}<span class="muted small">(what this relation holds depends on these vars)</span></dd>` : ''}
<dt>Last run</dt><dd>${lastRun(node)}</dd>
${node.tags.length > 0 ? html`<dt>Tags</dt><dd>${node.tags.map((t) => html`<span class="badge">${t}</span>`)}</dd>` : ''}
<dt>Tests</dt><dd>${testsSummary(node)}</dd>
</dl>
<h3>Columns</h3>${columnsTable(node)}
<h3>Tests</h3>${renderNodeTests(node, site)}
<div class="family"><div><h3>Parents</h3>${nodeLinks(node.parents, byId, 'None: this is where data enters.')}</div>
<div><h3>Children</h3>${nodeLinks(node.children, byId, 'None: nothing reads it yet.')}</div></div>
<h3>SQL</h3>${node.rawSql === null && node.compiledSql === null ? html`<p class="muted">No SQL: the relation is declared, not built from a model.</p>` : ''}
${sqlBlock('Model SQL as written', node.rawSql, false)}
${sqlBlock(node.kind === 'source' ? 'SQL that reads the landing files' : 'Compiled SQL (what runs on the engine)', node.compiledSql, node.rawSql === null)}
</section>`;
}
