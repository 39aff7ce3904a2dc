import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { duckDbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import { planTableDifference } from '../../src/materialize/plan-table-difference.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli } from '../helpers/stedi-project.js';

// `people` is a table whose rows the run's vars give; a post-hook can be made to fail.
const MODELS = {
  'models/people.sql': `{{ config(materialized='table', post_hook=var('hook', 'select 1')) }}
select * from (values {{ var('rows') }}) as t(id, name)`,
};

async function query(dir: string, sql: string): Promise<unknown[][]> {
  const adapter = await DuckDbAdapter.open({ path: 'target/fixture.duckdb', settings: {} }, dir);
  try {
    return (await adapter.query(sql)).map((r) => Object.values(r));
  } finally {
    await adapter.close();
  }
}

const people = (dir: string) => query(dir, 'select id, name from analytics.people order by all');

function lastStats(dir: string): Record<string, number> | undefined {
  const { results } = JSON.parse(readFileSync(path.join(dir, 'target', 'run_results.json'), 'utf8'));
  return results.find((r: { name: string }) => r.name === 'people').stats;
}

async function runs(...rowsPerRun: string[]): Promise<{ dir: string; last: Awaited<ReturnType<typeof cli>> }> {
  const dir = fixtureProject(MODELS);
  let last!: Awaited<ReturnType<typeof cli>>;
  for (const rows of rowsPerRun) {
    last = await cli(['run', '--vars', JSON.stringify({ rows })], { cwd: dir });
    expect(last.code, last.stdout).toBe(0);
  }
  return { dir, last };
}

describe('a table written as the difference to its model (DuckDB)', () => {
  it('ends with exactly the model rows, writing only the rows that changed', async () => {
    const { dir } = await runs("(1, 'a'), (2, 'b'), (3, 'c'), (4, NULL)", "(1, 'a'), (2, 'B'), (4, NULL), (5, 'e')");
    expect(await people(dir)).toEqual([
      [1, 'a'],
      [2, 'B'],
      [4, null],
      [5, 'e'],
    ]);
    // 2 'b' changed and 3 left: two rows deleted; 2 'B' and 5 added; 1 and the NULL row (NULLs compare equal) kept.
    expect(lastStats(dir)).toEqual({ rows_deleted: 2, rows_inserted: 2 });
    expect(readFileSync(path.join(dir, 'target/run/models/people.sql'), 'utf8')).toMatch(
      /delete the rows of people that the model no longer gives/,
    );
  });

  it('keeps a row the model gives twice twice, and a row it gives once once', async () => {
    // Deleting and inserting by value alone would keep one 'x' (already there) and two 'y' (both there): the check
    // after the writes sees the count or the repeated row and writes the table anew.
    const { dir } = await runs("(1, 'x'), (2, 'y'), (2, 'y')", "(1, 'x'), (1, 'x'), (2, 'y')");
    expect(await people(dir)).toEqual([
      [1, 'x'],
      [1, 'x'],
      [2, 'y'],
    ]);
    const { dir: other } = await runs("(1, 'x'), (1, 'x')", "(1, 'x'), (1, 'x'), (3, 'z')");
    expect(await people(other)).toEqual([
      [1, 'x'],
      [1, 'x'],
      [3, 'z'],
    ]);
  });

  it('rebuilds the table when a column changes type, and with --full-refresh', async () => {
    const { dir } = await runs("(1, 'a')", '(1, 42)');
    expect(
      await query(
        dir,
        "select data_type from information_schema.columns where table_name = 'people' and column_name = 'name'",
      ),
    ).toEqual([['INTEGER']]);
    expect(await people(dir)).toEqual([[1, 42]]);
    expect(lastStats(dir)).not.toHaveProperty('rows_deleted');
    const refresh = await cli(['run', '--full-refresh', '--vars', JSON.stringify({ rows: '(7, 8)' })], { cwd: dir });
    expect(refresh.code, refresh.stdout).toBe(0);
    expect(await people(dir)).toEqual([[7, 8]]);
    expect(lastStats(dir)).not.toHaveProperty('rows_deleted');
  });

  it('leaves the table as it was when a step fails, and names the step', async () => {
    const { dir } = await runs("(1, 'a'), (2, 'b')");
    const failed = await cli(
      ['run', '--vars', JSON.stringify({ rows: "(3, 'c')", hook: 'select * from no_such_table' })],
      { cwd: dir },
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/Model people \(models\/people\.sql\) failed to run post-hook 1 of people/);
    expect(await people(dir)).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });
});

describe('the difference plan on any rows (property)', () => {
  // Rows from small pools, so repeated rows, rows repeated a different number of times and NULLs are frequent.
  const row = fc.tuple(fc.constantFrom(1, 2, 3, null), fc.constantFrom('a', 'b', null));
  const rowsSql = (rows: Array<[number | null, string | null]>) =>
    rows.length === 0
      ? 'select 1::integer as id, null::varchar as name where false'
      : `select * from (values ${rows.map(([id, name]) => `(${id ?? 'null'}::integer, ${name === null ? 'null' : `'${name}'`}::varchar)`).join(', ')}) as t(id, name)`;
  const sorted = (rows: unknown[][]) => rows.map((r) => JSON.stringify(r)).sort();

  it('leaves the table holding exactly the model rows, as a multiset, whatever it held before', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 8 }), fc.array(row, { maxLength: 8 }), async (before, after) => {
        await connection.run(`create or replace table main.people as ${rowsSql(before)}`);
        const statements = planTableDifference({
          name: 'people',
          relation: { schema: 'main', identifier: 'people' },
          selectSql: rowsSql(after),
          columns: [
            { name: 'id', type: 'INTEGER' },
            { name: 'name', type: 'VARCHAR' },
          ],
          dialect: duckDbDialect,
          newId: () => 'p1',
        });
        for (const s of statements) await connection.run(s.sql);
        const held = (await connection.runAndReadAll('select id, name from main.people')).getRowsJS();
        expect(sorted(held)).toEqual(sorted(after));
      }),
      { numRuns: 300 },
    );
  });
});

describe('a model query that the engine cannot describe on a later run', () => {
  it('fails the node naming the model, its file, the step and its compiled SQL, and leaves the table as it was', async () => {
    const dir = fixtureProject({
      'models/people.sql':
        "{{ config(materialized='table') }}\nselect * from {{ var('from', '(values (1)) as t(id)') }}",
    });
    const first = await cli(['run'], { cwd: dir });
    expect(first.code, first.stdout).toBe(0);
    const broken = await cli(['run', '--vars', JSON.stringify({ from: 'no_such_table' })], { cwd: dir });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(
      /Model people \(models\/people\.sql\) failed to read the columns of its query:\n\s+Catalog Error: Table with name no_such_table does not exist[\s\S]*Compiled SQL: target\/compiled\/models\/people\.sql/,
    );
    expect(await query(dir, 'select id from analytics.people')).toEqual([[1]]);
  });
});

describe('the staged rows of a failed difference', () => {
  it('are dropped after the rollback, although they were created outside the transaction', async () => {
    const adapter = await DuckDbAdapter.open({ path: ':memory:', settings: {} }, '.');
    try {
      await adapter.query("create table main.people as select * from (values (1, 'a')) as t(id, name)");
      const statements = planTableDifference({
        name: 'people',
        relation: { schema: 'main', identifier: 'people' },
        selectSql: "select * from (values (2, 'b')) as t(id, name)",
        columns: [
          { name: 'id', type: 'INTEGER' },
          { name: 'name', type: 'VARCHAR' },
        ],
        postHooks: ['select * from no_such_table'],
        dialect: duckDbDialect,
        newId: () => 'f1',
      });
      await expect(adapter.executePlan(statements)).rejects.toThrow(/no_such_table/);
      expect(
        await adapter.query("select table_name from duckdb_tables() where table_name like 'people__stedi_%'"),
      ).toEqual([]);
      expect(await adapter.query('select id, name from main.people')).toEqual([{ id: 1, name: 'a' }]);
    } finally {
      await adapter.close();
    }
  });
});
