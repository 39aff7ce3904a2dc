import { formatCount } from '../format-count.js';
import { breakable, html, type SafeHtml } from './html.js';
import { nodeHref } from './lineage-svg.js';
import type { SiteData, SiteNode } from './site-data.js';
import type { SiteTest, SiteUnitTest } from './site-tests.js';

/** The status of a run or a test as a coloured label. */
export function statusLabel(status: string | null | undefined): SafeHtml {
  return html`<span class="status status-${status ?? 'none'}">${status ?? 'not run'}</span>`;
}

/** A status with the run's message under it, the message in the status's colour (a warning is not an error). */
export function statusWithMessage(status: string | null, message: string | null): SafeHtml {
  return html`${statusLabel(status)}${message ? html`<div class="message message-${status ?? 'none'}">${message}</div>` : ''}`;
}

const count = (n: number | null) => (n === null ? '' : formatCount(n));

function relationLinks(ids: readonly string[], byId: ReadonlyMap<string, SiteNode>): SafeHtml {
  return html`${ids.filter((id) => byId.has(id)).map((id) => html`<a class="rel" href="${nodeHref(id)}">${breakable(byId.get(id)!.name)}</a> `)}`;
}

function dataTestRow(t: SiteTest, byId: ReadonlyMap<string, SiteNode>): SafeHtml {
  return html`<tr data-test="${t.name}"><td><code>${breakable(t.name)}</code></td>
<td>${relationLinks(t.on ? [t.on] : t.reads, byId)}</td>
<td>${t.column ? html`<code>${breakable(t.column)}</code>` : ''}</td><td><code class="test">${breakable(t.definition)}</code></td>
<td>${statusWithMessage(t.status, t.message)}</td><td class="num">${count(t.failures)}</td></tr>`;
}

function unitTestRow(u: SiteUnitTest, byId: ReadonlyMap<string, SiteNode>): SafeHtml {
  return html`<tr data-unit-test="${u.name}"><td><code>${breakable(u.name)}</code></td><td>${relationLinks([u.model], byId)}</td>
<td>${u.description || html`<span class="muted">no description</span>`} <span class="muted small">(${breakable(u.filePath)})</span></td>
<td>${statusWithMessage(u.status, u.message)}</td><td class="num">${count(u.failures)}</td></tr>`;
}

/** How many tests ended how: `31 pass, 1 warn`. */
function statusCounts(tests: ReadonlyArray<{ status: string | null }>): string {
  const counts = new Map<string, number>();
  for (const t of tests) counts.set(t.status ?? 'not run', (counts.get(t.status ?? 'not run') ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}

// Fixed layout with set column widths: long names and declarations wrap inside their column instead of widening
// the table past the window, so the last columns (status, failing rows) are always on screen.
const DATA_TEST_COLUMNS = html`<colgroup><col class="c-name"><col class="c-on"><col class="c-column"><col class="c-declared"><col class="c-status"><col class="c-rows"></colgroup>
<thead><tr><th>Test</th><th>On</th><th>Column</th><th>Declared as</th><th>Last status</th><th class="num">Failing rows</th></tr></thead>`;
const UNIT_TEST_COLUMNS = html`<colgroup><col class="c-name"><col class="c-on"><col class="c-checks"><col class="c-status"><col class="c-rows"></colgroup>
<thead><tr><th>Unit test</th><th>Model</th><th>What it checks</th><th>Last status</th><th class="num">Mismatched rows</th></tr></thead>`;

/** The label of the tests page in the sidebar. */
export function testsNavLabel(site: SiteData): string {
  return `Tests (${site.tests.length} data, ${site.unitTests.length} unit)`;
}

/** The page listing every data test and every unit test with its last status. */
export function renderTestsPage(site: SiteData): SafeHtml {
  const byId = new Map(site.nodes.map((n) => [n.id, n]));
  const dataTests =
    site.tests.length === 0
      ? html`<p class="empty">No data tests are declared yet. Declare them under <code>tests:</code> of a model, a source or a column in <code>models/**/*.yml</code>; each one is listed here with the status of its last run.</p>`
      : html`<table class="tests data-tests">${DATA_TEST_COLUMNS}<tbody>${site.tests.map((t) => dataTestRow(t, byId))}</tbody></table>`;
  const unitTests =
    site.unitTests.length === 0
      ? html`<p class="empty">No unit tests yet. Declare them under <code>unit_tests:</code> in <code>models/**/*.yml</code>: given input rows, the rows a model must return.</p>`
      : html`<table class="tests unit-tests">${UNIT_TEST_COLUMNS}<tbody>${site.unitTests.map((u) => unitTestRow(u, byId))}</tbody></table>`;
  const summary = (tests: ReadonlyArray<{ status: string | null }>, what: string) =>
    `${tests.length} ${what}${tests.length === 1 ? '' : 's'}${tests.length > 0 ? ` · ${statusCounts(tests)}` : ''}`;
  return html`<section class="page" id="page-tests" data-page="tests" hidden><header class="page-head"><h2>Tests</h2>
<p class="muted">${summary(site.tests, 'data test')} · ${summary(site.unitTests, 'unit test')}${site.lastRunAt ? ` · last run ${site.lastRunAt}` : ''}</p></header>
<h3 id="data-tests">Data tests <span class="muted">(${site.tests.length})</span></h3>
<p class="muted small">SQL that selects failing rows from the built relations, run by <code>stedi-models test</code> and <code>build</code>.</p>${dataTests}
<h3 id="unit-tests">Unit tests <span class="muted">(${site.unitTests.length})</span></h3>
<p class="muted small">A model's SQL run on rows given in yml and compared with the rows expected; no built data is read.</p>${unitTests}</section>`;
}

/** What a data test checks, as its relation's page says it: on which column, or which other relations it reads. */
function checksOf(t: SiteTest, node: SiteNode, byId: ReadonlyMap<string, SiteNode>): SafeHtml {
  // The sentence says what is promised; the declaration stays beside it, small, for whoever edits the yml.
  const declaration = t.sentence
    ? html`<span class="sentence">${t.sentence}</span> <code class="test small" title="as declared">${breakable(t.definition)}</code>`
    : html`<code class="test">${breakable(t.definition)}</code>`;
  if (t.on === node.id)
    return t.column ? html`column <code>${t.column}</code>: ${declaration}` : html`the relation: ${declaration}`;
  if (t.on)
    return html`declared on ${relationLinks([t.on], byId)}${t.column ? html`<code>${t.column}</code>` : ''}: ${declaration}`;
  const others = t.reads.filter((id) => id !== node.id && byId.has(id));
  return html`${declaration}${others.length > 0 ? html` <span class="muted">also reads</span> ${relationLinks(others, byId)}` : ''}`;
}

/** The one-line summary on a relation's page: how many tests read it and how they ended. */
export function testsSummary(node: SiteNode): SafeHtml {
  const all = [...node.testsReadingIt, ...node.unitTests];
  if (all.length === 0) return html`<span class="muted">no test reads it</span>`;
  const what = [`${node.testsReadingIt.length} data test${node.testsReadingIt.length === 1 ? '' : 's'}`];
  if (node.unitTests.length > 0)
    what.push(`${node.unitTests.length} unit test${node.unitTests.length === 1 ? '' : 's'}`);
  return html`${what.join(' and ')} · ${statusCounts(all)} <span class="muted">(listed under Tests below)</span>`;
}

/** Every test that reads a relation, data tests and its unit tests, with status and failing rows. */
export function renderNodeTests(node: SiteNode, site: SiteData): SafeHtml {
  const byId = new Map(site.nodes.map((n) => [n.id, n]));
  if (node.testsReadingIt.length === 0 && node.unitTests.length === 0)
    return html`<p class="muted">No test reads this relation.</p>`;
  const dataRows = node.testsReadingIt.map(
    (t) => html`<tr data-test="${t.name}"><td><code>${breakable(t.name)}</code></td><td>${checksOf(t, node, byId)}</td>
<td>${statusWithMessage(t.status, t.message)}</td><td class="num">${count(t.failures)}</td></tr>`,
  );
  const unitRows = node.unitTests.map(
    (
      u,
    ) => html`<tr data-unit-test="${u.name}"><td><code>${breakable(u.name)}</code></td><td><span class="badge">unit test</span> ${u.description || html`<span class="muted">no description</span>`}</td>
<td>${statusWithMessage(u.status, u.message)}</td><td class="num">${count(u.failures)}</td></tr>`,
  );
  return html`<table class="tests node-tests"><colgroup><col class="c-name"><col class="c-checks"><col class="c-status"><col class="c-rows"></colgroup>
<thead><tr><th>Test</th><th>What it checks</th><th>Last status</th><th class="num">Failing rows</th></tr></thead><tbody>${dataRows}${unitRows}</tbody></table>`;
}
