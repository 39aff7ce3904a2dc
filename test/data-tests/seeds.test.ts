import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';

const SEEDS_YML = `version: 2
seeds:
  - name: limits
    description: Limits per relation.
    config:
      column_types: { relation: string, max_rows: bigint, ratio: double, active: boolean, since: date }
`;

const LIMITS =
  'relation,max_rows,ratio,active,since,note\ncustomer,956,0.5,true,2022-06-01,"has, a comma"\nreading,,1e3,FALSE,,\n';

async function query(dir: string, sql: string) {
  const adapter = await DuckDbAdapter.open({ path: 'target/fixture.duckdb', settings: {} }, dir);
  try {
    return await adapter.query(sql);
  } finally {
    await adapter.close();
  }
}

function seedProject(csv: string, extra: Record<string, string> = {}): string {
  return fixtureProject({ 'seeds/_seeds.yml': SEEDS_YML, 'seeds/limits.csv': csv, ...extra });
}

/** The output and message of a seed run that failed, with its run_results entry. */
async function failingSeed(dir: string) {
  const run = await cli(['seed'], { cwd: dir });
  const result = (
    readTargetJson(dir, 'run_results.json').results as Array<{ name: string; status: string; message: string }>
  ).find((r) => r.name === 'limits');
  return { ...run, result };
}

describe('stedi-models seed', () => {
  it('loads a CSV as a table with the declared column types; empty cells are NULL and undeclared columns strings', async () => {
    const dir = seedProject(LIMITS);
    const run = await cli(['seed'], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/OK table analytics\.limits \.* \[2 rows written in/);
    const types = await query(
      dir,
      "select column_name, data_type from information_schema.columns where table_name = 'limits' order by ordinal_position",
    );
    expect(types.map((t) => `${t.column_name}:${t.data_type}`)).toEqual([
      'relation:VARCHAR',
      'max_rows:BIGINT',
      'ratio:DOUBLE',
      'active:BOOLEAN',
      'since:DATE',
      'note:VARCHAR',
    ]);
    const rows = await query(
      dir,
      'select relation, max_rows, ratio, active, cast(since as varchar) as since, note from analytics.limits order by relation',
    );
    expect(rows).toEqual([
      { relation: 'customer', max_rows: 956, ratio: 0.5, active: true, since: '2022-06-01', note: 'has, a comma' },
      { relation: 'reading', max_rows: null, ratio: 1000, active: false, since: null, note: null },
    ]);
  });

  it('lets models read a seed with ref()', async () => {
    const dir = seedProject(LIMITS, {
      'models/big.sql': "select relation from {{ ref('limits') }} where max_rows > 100",
    });
    const run = await cli(['build'], { cwd: dir });
    expect(run.code, run.stdout).toBe(0);
    expect(await query(dir, 'select * from analytics.big')).toEqual([{ relation: 'customer' }]);
  });

  it('rejects a ragged row with exit code 1, naming the file and line', async () => {
    const run = await failingSeed(
      seedProject('relation,max_rows,ratio,active,since,note\ncustomer,956,0.5,true,2022-06-01,x\nreading,5\n'),
    );
    expect(run.code).toBe(1);
    expect(run.result?.status).toBe('error');
    expect(run.stdout).toContain('seeds/limits.csv:3: not a valid CSV file');
    expect(run.stdout).toContain('Every row needs as many fields as the header');
  });

  it('rejects a value that is not a bigint, naming the file, line and column', async () => {
    const run = await failingSeed(
      seedProject(
        'relation,max_rows,ratio,active,since,note\ncustomer,956,0.5,true,2022-06-01,x\nreading,lots,0.5,true,2022-06-01,x\n',
      ),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("seeds/limits.csv:3: column max_rows: 'lots' is not a bigint");
    expect(run.stdout).toContain('Fix the values or the column_types of seed limits.');
  });

  // The line named is the physical line of the file, not the record's index plus the header: a blank line and a
  // quoted field spanning lines come before the bad value here (record 3, line 5).
  it('names the physical line of a bad value that follows a multi-line field and a blank line', async () => {
    const run = await failingSeed(
      seedProject(
        'relation,max_rows,ratio,active,since,note\ncustomer,1,1,true,2020-01-01,"two\nlines"\n\nreading,lots,1,true,2020-01-01,x\n',
      ),
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("seeds/limits.csv:5: column max_rows: 'lots' is not a bigint");
  });

  it('reports every bad value at once, each with its line and column', async () => {
    const run = await failingSeed(
      seedProject('relation,max_rows,ratio,active,since,note\na,1.5,0.5,yes,2022-06-01,x\nb,2,x,true,2022-13-45,y\n'),
    );
    expect(run.stdout).toContain("seeds/limits.csv:2: column max_rows: '1.5' is not a bigint");
    expect(run.stdout).toContain("seeds/limits.csv:2: column active: 'yes' is not a boolean");
    expect(run.stdout).toContain("seeds/limits.csv:3: column ratio: 'x' is not a double");
    expect(run.stdout).toContain("seeds/limits.csv:3: column since: '2022-13-45' is not a date");
  });

  it('rejects column_types that name a column missing from the header', async () => {
    const run = await failingSeed(seedProject('relation,ratio,active,since,note\ncustomer,0.5,true,2022-06-01,x\n'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "seeds/limits.csv: column_types declares 'max_rows', which is not a column of the header",
    );
  });

  it('replaces a seed with its new contents on the next run', async () => {
    const dir = seedProject(LIMITS);
    expect((await cli(['seed'], { cwd: dir })).code).toBe(0);
    writeFileSync(
      path.join(dir, 'seeds/limits.csv'),
      'relation,max_rows,ratio,active,since,note\nonly,1,1,true,2020-01-01,z\n',
    );
    expect((await cli(['seed'], { cwd: dir })).code).toBe(0);
    expect(await query(dir, 'select relation from analytics.limits')).toEqual([{ relation: 'only' }]);
  });

  it('leaves the previous table intact when a reload fails on a bad value', async () => {
    const dir = seedProject(LIMITS);
    expect((await cli(['seed'], { cwd: dir })).code).toBe(0);
    writeFileSync(
      path.join(dir, 'seeds/limits.csv'),
      'relation,max_rows,ratio,active,since,note\nnew,1,1,true,2020-01-01,z\nbroken,NaN,1,true,2020-01-01,z\n',
    );
    expect((await cli(['seed'], { cwd: dir })).code).toBe(1);
    expect(await query(dir, 'select relation from analytics.limits order by relation')).toEqual([
      { relation: 'customer' },
      { relation: 'reading' },
    ]);
  });

  it('leaves the previous table intact when the engine fails part-way through a reload', async () => {
    const dir = seedProject(LIMITS);
    expect((await cli(['seed'], { cwd: dir })).code).toBe(0);
    // A bigint that passes the file check but overflows the engine's BIGINT fails inside the load.
    writeFileSync(
      path.join(dir, 'seeds/limits.csv'),
      'relation,max_rows,ratio,active,since,note\nnew,1,1,true,2020-01-01,z\nhuge,99999999999999999999999,1,true,2020-01-01,z\n',
    );
    const run = await cli(['seed'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Seed limits (seeds/limits.csv) failed');
    expect(await query(dir, 'select relation from analytics.limits order by relation')).toEqual([
      { relation: 'customer' },
      { relation: 'reading' },
    ]);
    expect(
      await query(dir, "select count(*) as n from information_schema.tables where table_name like '%stedi_tmp%'"),
    ).toEqual([{ n: 0 }]);
  });

  it('skips what reads a seed that failed to load in build', async () => {
    const dir = seedProject('relation,max_rows,ratio,active,since,note\nx,no,1,true,2020-01-01,z\n', {
      'models/big.sql': "select relation from {{ ref('limits') }}",
    });
    const run = await cli(['build'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/SKIP big /);
  });
});
