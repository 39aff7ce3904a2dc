import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, readTargetJson } from '../helpers/stedi-project.js';
import { fixtureProject } from '../helpers/fixture-project.js';

const FILES = {
  'models/staging/orders.sql': 'select 1 as order_id',
  'models/marts/totals.sql': "select count(*) as n from {{ ref('orders') }}",
  'models/marts/_marts.yml':
    'version: 2\nmodels:\n  - name: totals\n    columns:\n      - name: n\n        tests: [not_null]\n',
  'seeds/codes.csv': 'code\n1\n',
};

describe('stedi-models parse', () => {
  it('parses the project, writes target/manifest.json and reports the counts, without touching the database', async () => {
    const dir = fixtureProject(FILES);
    const run = await cli(['parse'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^Parsed 2 models, 1 seeds, 1 data tests, 0 unit tests, 0 sources in \d+\.\d\ds; wrote target\/manifest\.json\n$/,
    );
    const manifest = readTargetJson(dir, 'manifest.json');
    expect(manifest.metadata.command).toBe('parse');
    expect(Object.keys(manifest.nodes)).toContain('model.fixture.totals');
    expect(existsSync(path.join(dir, 'target/fixture.duckdb'))).toBe(false);
  });

  it('exits 2 naming every problem, and writes no manifest, when the project does not parse', async () => {
    const dir = fixtureProject({ ...FILES, 'models/marts/totals.sql': "select * from {{ ref('order') }}" });
    const run = await cli(['parse'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("ref('order') matches no model. Did you mean 'orders'?");
    expect(existsSync(path.join(dir, 'target/manifest.json'))).toBe(false);
  });
});
