import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { cli, copyStediProject } from '../helpers/stedi-project.js';

// One build of the STEDI project on the profile's default database, as a new user's `npx stedi-models build`.
let project: string;
beforeAll(async () => {
  project = copyStediProject();
  const build = await cli(['build'], { cwd: project, env: {} });
  expect(build.code, build.stdout + build.stderr).toBe(0);
}, 120_000);

const show = (args: string[]) => cli(['show', ...args], { cwd: project, env: {} });

describe('stedi-models show', () => {
  it('prints five rows of a model as a table by default, as dbt show does', async () => {
    const run = await show(['--select', 'machine_learning_curated']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\| sensorreadingtime +\| serialnumber +\|/);
    expect(lines[1]).toMatch(/^\|-+\|/);
    expect(lines.slice(2, -1)).toHaveLength(5);
    expect(lines.at(-1)).toBe('5 rows of machine_learning_curated (--limit 5)');
  });

  it('runs an inline query with ref() and prints JSON or CSV', async () => {
    const json = await show([
      '--inline',
      "select count(*) as n from {{ ref('customer_curated') }}",
      '--output',
      'json',
    ]);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { node: string; show: Array<{ n: number }> };
    expect(parsed.node).toBe('inline_query');
    expect(parsed.show[0]!.n).toBeGreaterThan(0);
    const csv = await show(['--select', 'customer_curated', '--limit', '2', '--output', 'csv']);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]!.split(',')).toContain('serialnumber');
    expect(lines).toHaveLength(3);
  });

  it('names the nearest model when --select or a ref() of --inline matches none, and exits 2', async () => {
    const select = await show(['--select', 'customer_curatd']);
    expect(select.code).toBe(2);
    expect(select.stderr).toContain(
      "show --select 'customer_curatd' matches no model, seed or source. Did you mean 'customer_curated'?",
    );
    const inline = await show(['--inline', "select * from {{ ref('customer_curatd') }}"]);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toContain(
      "--inline: ref('customer_curatd') matches nothing in the project. Did you mean 'customer_curated'?",
    );
  });

  it("answers the README's plain query of the default DuckDB file: schema.relation, no catalog needed", async () => {
    const adapter = await DuckDbAdapter.open(
      { path: path.join(project, 'target/lakehouse.duckdb'), settings: {} },
      '/',
    );
    try {
      const rows = await adapter.query('select * from stedi.machine_learning_curated limit 5');
      expect(rows).toHaveLength(5);
    } finally {
      await adapter.close();
    }
  });
});
