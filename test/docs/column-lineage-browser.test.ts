import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium, withChromium } from '../helpers/chromium.js';
import { cli, copyStediProject, REPO_ROOT } from '../helpers/stedi-project.js';

const SCREENSHOTS = path.join(REPO_ROOT, 'target/docs-screenshots');

const visiblePage = (page: Page) => page.locator('section.page:not([hidden])');
const litNames = (page: Page) =>
  page.locator('#lineage a.node.in-lineage').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-name')));
const lit = (page: Page, from: string, to: string) =>
  page
    .locator(`#lineage path.edge[data-from="${from}"][data-to="${to}"]`)
    .evaluate((e) => e.classList.contains('in-lineage'));

withChromium.describe("the docs site's column lineage in headless Chromium", () => {
  let context: BrowserContext;
  let indexUrl: string;
  let problems: string[];

  beforeAll(async () => {
    // No run: the columns are the declared ones, which is all the lineage needs.
    const project = copyStediProject();
    expect((await cli(['docs', 'generate'], { cwd: project })).code).toBe(0);
    indexUrl = pathToFileURL(path.join(project, 'target/docs/index.html')).href;
    context = await launchChromium();
  });

  afterAll(async () => {
    await context?.close();
  });

  async function open(): Promise<Page> {
    const page = await context.newPage();
    problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
    await page.goto(indexUrl);
    return page;
  }

  it("shows each column's upstream columns as links, and lights up only a clicked column's path", async () => {
    const page = await open();
    await page.click('#lineage a.node[data-name="machine_learning_curated"]');
    const shown = visiblePage(page);
    await expect.poll(() => shown.locator('h2').textContent()).toBe('machine_learning_curated');
    const x = shown.locator('tr[data-column="x"]');
    expect(await x.locator('td.column-upstream a').allTextContents()).toEqual(['accelerometer_trusted.x']);
    expect(await shown.locator('.badge.identifier').count()).toBe(0);
    // The relation's own lineage lights step_trainer_trusted too; the column's path does not.
    expect(await litNames(page)).toContain('step_trainer_trusted');
    await x.locator('a.column-link').click();
    await expect
      .poll(async () => (await litNames(page)).sort())
      .toEqual(['accelerometer_landing', 'accelerometer_trusted', 'machine_learning_curated']);
    expect(await lit(page, 'source.stedi.landing.accelerometer_landing', 'model.stedi.accelerometer_trusted')).toBe(
      true,
    );
    expect(await lit(page, 'model.stedi.accelerometer_trusted', 'model.stedi.machine_learning_curated')).toBe(true);
    expect(await lit(page, 'model.stedi.step_trainer_trusted', 'model.stedi.machine_learning_curated')).toBe(false);
    expect(await lit(page, 'model.stedi.customer_trusted', 'model.stedi.accelerometer_trusted')).toBe(false);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'column-lineage-x.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('badges the columns that carry an identifier, with their path, and follows an upstream link', async () => {
    const page = await open();
    await page.goto(`${indexUrl}#node/${encodeURIComponent('model.stedi.customer_curated')}`);
    const shown = visiblePage(page);
    await expect.poll(() => shown.locator('h2').textContent()).toBe('customer_curated');
    const badged = await shown
      .locator('tr[data-column]:has(.badge.identifier)')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-column')));
    expect(badged.sort()).toEqual(['birthday', 'customername', 'email', 'phone']);
    const title = await shown.locator('tr[data-column="email"] .badge.identifier').getAttribute('title');
    expect(title).toContain('customer_curated.email ← customer_trusted.email ← customer_landing.email');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'column-identifier-badges.png'), fullPage: true });
    await shown.locator('tr[data-column="email"] td.column-upstream a').click();
    await expect.poll(() => visiblePage(page).locator('h2').textContent()).toBe('customer_trusted');
    expect(await visiblePage(page).locator('tr.flash').getAttribute('data-column')).toBe('email');
    expect((await litNames(page)).sort()).toEqual(['customer_landing', 'customer_trusted']);
    expect(problems).toEqual([]);
  });
});
