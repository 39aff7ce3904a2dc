import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { parseManifest } from '../../src/docs/docs-artifacts.js';
import { resolveRequestPath, startDocsServer } from '../../src/docs/docs-server.js';
import { buildSiteData } from '../../src/docs/site-data.js';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { cli, copyStediProject, readTargetJson, tempDir } from '../helpers/stedi-project.js';

const STEDI = [
  'customer_landing',
  'accelerometer_landing',
  'step_trainer_landing',
  'customer_trusted',
  'accelerometer_trusted',
  'step_trainer_trusted',
  'customer_curated',
  'machine_learning_curated',
];

/** The HTML of one relation's page. */
function sectionOf(page: string, name: string): string {
  const start = page.search(
    new RegExp(`<section class="page node-page" id="page-[a-z]+\\.stedi\\.(landing\\.)?${name}"`),
  );
  expect(start, name).toBeGreaterThan(0);
  return page.slice(start, page.indexOf('</section>', start));
}

/** A raw GET, so the path reaches the server exactly as written (fetch would normalise `..` away). */
function rawGet(port: number, urlPath: string, method = 'GET'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: urlPath, method }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

describe('stedi-models docs generate', () => {
  it('before any run, documents declared types, says why, and creates no database', async () => {
    const project = copyStediProject();
    const result = await cli(['docs', 'generate'], { cwd: project });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('there is no database at target/lakehouse.duckdb yet');
    expect(existsSync(path.join(project, 'target/lakehouse.duckdb'))).toBe(false);
    const page = readFileSync(path.join(project, 'target/docs/index.html'), 'utf8');
    expect(page).toContain('Column types are as declared in yml');
    expect(readTargetJson(project, 'catalog.json')).toMatchObject({ status: 'unavailable', nodes: {} });
  });

  it('shows each test with its status from the latest invocation that ran it: a run after a build keeps the passes', async () => {
    const project = copyStediProject();
    expect((await cli(['build'], { cwd: project })).code).toBe(0);
    expect((await cli(['run', '--select', 'customer_trusted'], { cwd: project })).code).toBe(0);
    expect((await cli(['docs', 'generate', '--empty-catalog'], { cwd: project })).code).toBe(0);
    const page = readFileSync(path.join(project, 'target/docs/index.html'), 'utf8');
    const row = page.slice(page.indexOf('<tr data-test="not_null_customer_curated_email">'));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('<span class="status status-pass">pass</span>');
  });

  it('with --empty-catalog, does not ask the engine even when the database exists', async () => {
    const project = copyStediProject();
    expect((await cli(['run'], { cwd: project })).code).toBe(0);
    const result = await cli(['docs', 'generate', '--empty-catalog', '--log-format', 'json'], { cwd: project });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--empty-catalog was given');
    expect(readTargetJson(project, 'catalog.json')).toMatchObject({ status: 'unavailable', nodes: {} });
  });

  describe('after a run', () => {
    let project: string;
    let page: string;
    beforeAll(async () => {
      project = copyStediProject();
      expect((await cli(['run'], { cwd: project })).code).toBe(0);
      // A second run on the same data: the incremental models write (almost) nothing, though their tables are full.
      expect((await cli(['run'], { cwd: project })).code).toBe(0);
      const result = await cli(['docs', 'generate'], { cwd: project });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      page = readFileSync(path.join(project, 'target/docs/index.html'), 'utf8');
    });

    it("reads every STEDI relation's columns from the engine catalog", () => {
      const catalog = readTargetJson(project, 'catalog.json');
      expect(catalog.status).toBe('read');
      for (const name of STEDI)
        expect(
          Object.keys(catalog.nodes).some((id) => id.endsWith(`.${name}`)),
          name,
        ).toBe(true);
      const ml = catalog.nodes['model.stedi.machine_learning_curated'].columns;
      expect(ml.map((c: { name: string }) => c.name)).toEqual([
        'sensorreadingtime',
        'serialnumber',
        'distancefromobject',
        'timestamp',
        'x',
        'y',
        'z',
      ]);
      for (const name of STEDI) expect(sectionOf(page, name), name).not.toContain('Column types are as declared');
    });

    it('describes all eight STEDI relations and every column the engine built for them', () => {
      // Through the manifest and the catalog as the site reads them, so a column the yml forgot counts as well.
      const site = buildSiteData({
        manifest: parseManifest(readTargetJson(project, 'manifest.json')),
        catalog: readTargetJson(project, 'catalog.json'),
        extras: { declaredTests: {}, sourceSql: {} },
      });
      const undescribed: string[] = [];
      for (const name of STEDI) {
        const node = site.nodes.find((n) => n.name === name);
        expect(node, name).toBeDefined();
        expect(node!.columnsFrom, name).toBe('catalog');
        if (!node!.description.trim()) undescribed.push(name);
        for (const c of node!.columns) if (!c.description.trim()) undescribed.push(`${name}.${c.name}`);
      }
      for (const unit of site.unitTests) if (!unit.description?.trim()) undescribed.push(`unit test ${unit.name}`);
      expect(site.unitTests.length).toBeGreaterThanOrEqual(8);
      expect(undescribed).toEqual([]);
    });

    it('shows the rows each relation holds, counted in the database, beside what the last run wrote', async () => {
      const results = readTargetJson(project, 'run_results.json').results as Array<{
        name: string;
        rows: number | null;
      }>;
      const adapter = await DuckDbAdapter.open({ path: 'target/lakehouse.duckdb', settings: {} }, project);
      try {
        for (const name of STEDI) {
          const [held] = await adapter.query(`select count(*) as n from stedi.${name}`);
          const rows = Number(held!.n).toLocaleString('en-US');
          expect(sectionOf(page, name), name).toContain(`<dt>Rows</dt><dd>${rows} `);
        }
        const [ml] = await adapter.query('select count(*) as n from stedi.machine_learning_curated');
        const written = results.find((r) => r.name === 'machine_learning_curated')!.rows;
        expect(written, 'the second run wrote fewer rows than the table holds').toBeLessThan(Number(ml!.n));
        expect(sectionOf(page, 'machine_learning_curated')).toContain(
          ` · ${written!.toLocaleString('en-US')} rows written`,
        );
      } finally {
        await adapter.close();
      }
    });
  });
});

describe('stedi-models docs serve', () => {
  it('serves the generated site on 127.0.0.1 until interrupted', async () => {
    const project = tempDir('stedi-docs-serve-');
    writeFileSync(path.join(project, 'stedi_project.yml'), 'name: tiny\nprofile: tiny\n');
    mkdirSync(path.join(project, 'target/docs'), { recursive: true });
    writeFileSync(path.join(project, 'target/docs/index.html'), '<!doctype html><title>docs</title>');
    const controller = new AbortController();
    let stdout = '';
    let announce: (url: string) => void;
    const announced = new Promise<string>((resolve) => (announce = resolve));
    const io = {
      stdout: {
        write: (s: string) => {
          stdout += s;
          const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(stdout)?.[0];
          if (url) announce(url);
        },
      },
      stderr: { write: (s: string) => (stdout += s) },
      env: {},
      cwd: project,
      signal: controller.signal,
    };
    const exited = runCli(['docs', 'serve', '--port', '0'], io);
    const url = await announced;
    const port = Number(new URL(url).port);
    expect(await rawGet(port, '/')).toEqual({ status: 200, body: '<!doctype html><title>docs</title>' });
    expect((await rawGet(port, '/../../stedi_project.yml')).status).toBe(404);
    expect((await rawGet(port, '/%2e%2e/%2e%2e/stedi_project.yml')).status).toBe(404);
    expect((await rawGet(port, '/', 'POST')).status).toBe(405);
    controller.abort();
    expect(await exited).toBe(130);
    expect(stdout).toContain('Stopped serving the docs.');
    await expect(rawGet(port, '/')).rejects.toThrow();
  });

  it('says to generate the docs first when there are none', async () => {
    const project = copyStediProject();
    const result = await cli(['docs', 'serve', '--port', '0'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('run `stedi-models docs generate` first');
  });

  it('never resolves a request path outside the served folder', () => {
    const root = tempDir('stedi-docs-root-');
    writeFileSync(path.join(root, 'index.html'), 'x');
    expect(resolveRequestPath(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveRequestPath(root, '/index.html?x=1#y')).toBe(path.join(root, 'index.html'));
    for (const bad of ['/../etc/passwd', '/..%2f..%2fetc/passwd', '/%00', '/%E0%A4%A', '/missing.html'])
      expect(resolveRequestPath(root, bad), bad).toBeNull();
  });

  it('listens on the loopback address only, and closes', async () => {
    const server = await startDocsServer({ dir: tempDir(), port: 0 });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await server.close();
  });
});
