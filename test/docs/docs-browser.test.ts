import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDocsServer } from '../../src/docs/docs-server.js';
import { launchChromium, withChromium } from '../helpers/chromium.js';
import { cli, copyStediProject, REPO_ROOT } from '../helpers/stedi-project.js';

const STEDI_EDGES: Array<[string, string]> = [
  ['source.stedi.landing.customer_landing', 'model.stedi.customer_trusted'],
  ['source.stedi.landing.accelerometer_landing', 'model.stedi.accelerometer_trusted'],
  ['model.stedi.customer_trusted', 'model.stedi.accelerometer_trusted'],
  ['model.stedi.customer_trusted', 'model.stedi.customer_curated'],
  ['model.stedi.accelerometer_trusted', 'model.stedi.customer_curated'],
  ['source.stedi.landing.step_trainer_landing', 'model.stedi.step_trainer_trusted'],
  ['source.stedi.landing.customer_landing', 'model.stedi.step_trainer_trusted'],
  ['model.stedi.customer_trusted', 'model.stedi.step_trainer_trusted'],
  ['model.stedi.customer_curated', 'model.stedi.step_trainer_trusted'],
  ['model.stedi.step_trainer_trusted', 'model.stedi.machine_learning_curated'],
  ['model.stedi.accelerometer_trusted', 'model.stedi.machine_learning_curated'],
];
const STEDI_NAMES = [...new Set(STEDI_EDGES.flat())].map((id) => id.split('.').at(-1)!);

/** Opens a page that records console errors, uncaught exceptions and any request that would leave the machine. */
async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on(
    'request',
    (r) => !/^(file:|http:\/\/127\.0\.0\.1[:/]|data:|about:)/.test(r.url()) && problems.push(`network: ${r.url()}`),
  );
  await page.goto(url);
  return { page, problems };
}

const visiblePage = (page: Page) => page.locator('section.page:not([hidden])');

/** How wide the document is against the window: wider means it scrolls sideways. */
const pageWidth = (page: Page) =>
  page.evaluate<{ scrollWidth: number; clientWidth: number }>(
    '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
  );

/** Screenshots for review go under the repository's own target/ (git-ignored), not the temporary project's. */
const SCREENSHOTS = path.join(REPO_ROOT, 'target/docs-screenshots');
const screenshot = (name: string) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
};

withChromium.describe('the docs site in headless Chromium', () => {
  let project: string;
  let context: BrowserContext;
  let indexUrl: string;

  beforeAll(async () => {
    project = copyStediProject();
    expect((await cli(['run'], { cwd: project })).code).toBe(0);
    expect((await cli(['docs', 'generate'], { cwd: project })).code).toBe(0);
    indexUrl = pathToFileURL(path.join(project, 'target/docs/index.html')).href;
    context = await launchChromium();
  });

  afterAll(async () => {
    await context?.close();
  });

  it('loads from file:// without a console error and draws the eight STEDI relations and their edges', async () => {
    const { page, problems } = await openPage(context, indexUrl);
    const names = await page
      .locator('#lineage a.node')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-name')));
    expect(names).toEqual(expect.arrayContaining(STEDI_NAMES));
    for (const [from, to] of STEDI_EDGES) {
      const edge = page.locator(`#lineage path.edge[data-from="${from}"][data-to="${to}"]`);
      expect(await edge.count(), `${from} -> ${to}`).toBe(1);
      expect((await edge.boundingBox())?.width ?? 0, `${from} -> ${to}`).toBeGreaterThan(10);
    }
    const lanes = await page
      .locator('#lineage .lane')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-zone')));
    expect(lanes.slice(0, 3)).toEqual(['landing', 'trusted', 'curated']);
    await page.screenshot({ path: screenshot('lineage.png') });
    expect(problems).toEqual([]);
  });

  it('marks the relations that hold direct identifiers, and not the identifier-free one', async () => {
    const { page } = await openPage(context, indexUrl);
    await page.click('#lineage a.node[data-name="customer_curated"]');
    const badge = visiblePage(page).locator('.badge.identifiers');
    await expect.poll(() => badge.textContent()).toBe('Direct identifiers: customername, email, phone, birthday');
    expect(await badge.getAttribute('title')).toContain('email: an email address identifies a person');
    // What each test checks is a sentence, not the yml that declares it.
    const checks = visiblePage(page).locator('tr[data-test^="consented_customer_curated"] .sentence').first();
    expect(await checks.textContent()).toMatch(
      /^Every row belongs to a customer who agreed to share data for research/,
    );
    const notNull = visiblePage(page).locator('tr[data-test="not_null_customer_curated_email"] .sentence');
    expect(await notNull.textContent()).toBe('No row has a null email.');
    await page.click('#lineage a.node[data-name="machine_learning_curated"]');
    await expect.poll(() => visiblePage(page).locator('h2').textContent()).toBe('machine_learning_curated');
    expect(await visiblePage(page).locator('.badge.identifiers').count()).toBe(0);
  });

  it('explains the dashed edge in a legend on the overview', async () => {
    const { page } = await openPage(context, indexUrl);
    expect(await visiblePage(page).locator('li.legend-backward').textContent()).toContain('A dashed edge');
    expect(await page.locator('#lineage path.edge.backward').count()).toBeGreaterThan(0);
  });

  it("keeps the graph's labels readable in a narrow window: the graph scrolls sideways, the page does not", async () => {
    const { page, problems } = await openPage(context, indexUrl);
    for (const width of [1024, 1280, 1600]) {
      await page.setViewportSize({ width, height: 800 });
      // On-screen size of a box's second line: its font size times the factor the SVG is drawn at.
      const metaPx = await page.evaluate<number>(
        "(() => { const svg = document.getElementById('lineage'); const meta = svg.querySelector('.node-meta'); " +
          'return parseFloat(getComputedStyle(meta).fontSize) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width; })()',
      );
      expect(metaPx, `subtitle size at ${width}px`).toBeGreaterThanOrEqual(10);
      const { scrollWidth, clientWidth } = await pageWidth(page);
      expect(scrollWidth, `page width at ${width}px`).toBeLessThanOrEqual(clientWidth);
    }
    await page.setViewportSize({ width: 1024, height: 800 });
    await page.screenshot({ path: screenshot('lineage-1024.png') });
    expect(problems).toEqual([]);
  });

  it("shows machine_learning_curated's columns and parents when it is clicked, and lights up its lineage", async () => {
    const { page, problems } = await openPage(context, indexUrl);
    await page.click('#lineage a.node[data-name="machine_learning_curated"]');
    const shown = visiblePage(page);
    await expect.poll(() => shown.locator('h2').textContent()).toBe('machine_learning_curated');
    const columns = await shown
      .locator('table.columns tbody tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-column')));
    expect(columns).toEqual(['sensorreadingtime', 'serialnumber', 'distancefromobject', 'timestamp', 'x', 'y', 'z']);
    const parents = await shown.locator('.family > div:first-child li a').allTextContents();
    expect(parents.sort()).toEqual(['accelerometer_trusted', 'step_trainer_trusted']);
    expect(await shown.textContent()).toContain('Identifier-free');
    // Which pairing built it: a data scientist cannot tell ml_pairing: timestamp from same_customer otherwise.
    expect(await shown.locator('dd.vars').textContent()).toMatch(/^target dev \(duckdb\) · .*ml_pairing: "timestamp"/);
    // Every test that reads it, the singular ones declared on no model included.
    const tests = await shown
      .locator('table.node-tests tbody tr[data-test]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-test')));
    expect(tests).toEqual(
      expect.arrayContaining([
        'ml_cross_customer_pairs',
        'ml_phone_readings_are_consented',
        'no_identifiers_machine_learning_curated',
      ]),
    );
    expect(await shown.locator('table.node-tests tbody tr[data-unit-test]').count()).toBeGreaterThan(0);
    const litNodes = await page
      .locator('#lineage a.node.in-lineage')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-name')));
    expect(litNodes).toContain('customer_landing');
    expect(litNodes).not.toContain('reference_row_counts');
    await page.screenshot({ path: screenshot('machine-learning-curated.png'), fullPage: true });

    // From the sidebar to accelerometer_trusted: only edges on a path through it light up.
    await page.click('nav a[data-nav="model.stedi.accelerometer_trusted"]');
    const lit = (from: string, to: string) =>
      page
        .locator(`#lineage path.edge[data-from="${from}"][data-to="${to}"]`)
        .evaluate((e) => e.classList.contains('in-lineage'));
    await expect.poll(() => lit('model.stedi.customer_trusted', 'model.stedi.accelerometer_trusted')).toBe(true);
    expect(await lit('model.stedi.customer_curated', 'model.stedi.step_trainer_trusted')).toBe(true);
    expect(await lit('source.stedi.landing.customer_landing', 'model.stedi.step_trainer_trusted')).toBe(false);
    expect(await lit('source.stedi.landing.step_trainer_landing', 'model.stedi.step_trainer_trusted')).toBe(false);
    expect(problems).toEqual([]);
  });

  it('finds a column by name and opens its relation at that column', async () => {
    const { page, problems } = await openPage(context, indexUrl);
    await page.fill('#search', 'distancefrom');
    const hit = page.locator('#search-results li', { hasText: 'in machine_learning_curated' });
    await expect.poll(() => hit.count()).toBe(1);
    expect(await hit.locator('a').textContent()).toBe('distancefromobject');
    await hit.locator('a').click();
    await expect.poll(() => visiblePage(page).locator('h2').textContent()).toBe('machine_learning_curated');
    expect(await visiblePage(page).locator('tr.flash').getAttribute('data-column')).toBe('distancefromobject');
    // A long name wraps inside the sidebar instead of being cut off at its edge, and its title holds it whole.
    await page.fill('#search', 'machine_learning');
    const model = page.locator('#search-results li', { hasText: 'model' }).first();
    expect(await model.locator('a').getAttribute('title')).toBe('machine_learning_curated');
    const overflowing = await page
      .locator('#search-results li')
      .evaluateAll((items) => items.filter((li) => li.scrollWidth > li.clientWidth).map((li) => li.textContent));
    expect(overflowing).toEqual([]);
    const list = (await page.locator('#search-results').boundingBox())!;
    const sidebar = (await page.locator('nav.sidebar').boundingBox())!;
    expect(list.x + list.width).toBeLessThanOrEqual(sidebar.x + sidebar.width);
    await page.screenshot({ path: screenshot('search.png') });
    await page.fill('#search', 'no-such-thing-anywhere');
    expect(await page.locator('#search-results').textContent()).toContain('Nothing matches');
    expect(problems).toEqual([]);
  });

  it('works from a plain web server too, with the tests page listing every data test and unit test', async () => {
    const server = await startDocsServer({ dir: path.join(project, 'target/docs'), port: 0 });
    try {
      const { page, problems } = await openPage(context, `${server.url}#tests`);
      await expect.poll(() => visiblePage(page).locator('h2').textContent()).toBe('Tests');
      expect(await page.locator('#lineage-panel').isHidden()).toBe(true);
      expect(await page.locator('table.data-tests tbody tr').count()).toBeGreaterThan(20);
      expect(await page.locator('table.unit-tests tbody tr').count()).toBe(9);
      expect(await visiblePage(page).textContent()).not.toContain('{{');
      // The table fits the window: nothing scrolls sideways and the last column is on screen.
      for (const width of [1280, 1440, 1600]) {
        await page.setViewportSize({ width, height: 900 });
        const { scrollWidth, clientWidth } = await pageWidth(page);
        expect(scrollWidth, `page width at ${width}px`).toBeLessThanOrEqual(clientWidth);
        const lastHeader = (await page.locator('table.data-tests th').last().boundingBox())!;
        expect(lastHeader.x + lastHeader.width, `failing rows column at ${width}px`).toBeLessThanOrEqual(clientWidth);
      }
      await page.screenshot({ path: screenshot('tests.png'), fullPage: true });
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await server.close();
    }
  });
});
