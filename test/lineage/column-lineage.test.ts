import { describe, expect, it } from 'vitest';
import { LINEAGE_ENGINE } from '../../src/adapters/engines.js';
import { modelLineageOf, PSEUDONYM_MARKER, type ParentTable } from '../../src/lineage/column-lineage.js';
import type { ModelLineage } from '../../src/core/column-lineage.js';

// Parent tables as the SQL names them, with their columns (undefined: not declared).
const PARENTS: Record<string, ParentTable> = {
  'stedi.customers': { node: 'c', columns: ['email', 'name', 'serial', 'consent', 'updated'] },
  'stedi.readings': { node: 'r', columns: ['user', 'ts', 'x', 'y'] },
  'stedi.devices': { node: 'd', columns: ['serial', 'ts', 'distance'] },
  'stedi.undeclared': { node: 'u' },
};

/** The lineage of one SELECT, parsed by DuckDB's parser as compile does. */
async function lineageOf(sql: string): Promise<ModelLineage> {
  const [tree] = await LINEAGE_ENGINE.serialize([sql]);
  return modelLineageOf(JSON.parse(tree!), sql, (schema, table) => PARENTS[`${schema}.${table}`]);
}

/** Each output column's derived-from columns as `node.column` (a `~` marks a pseudonymised one). */
async function derived(sql: string): Promise<Record<string, string[]>> {
  const lineage = await lineageOf(sql);
  expect(lineage.unknownColumns).toBeUndefined();
  return Object.fromEntries(
    lineage.columns.map((c) => [
      c.name,
      c.derivedFrom.map((o) => `${o.pseudonymised ? '~' : ''}${o.node}.${o.column}`).sort(),
    ]),
  );
}

async function filtered(sql: string, column: string): Promise<string[]> {
  const lineage = await lineageOf(sql);
  return lineage.columns
    .find((c) => c.name === column)!
    .filteredBy.map((r) => `${r.node}.${r.column}`)
    .sort();
}

describe('column lineage from DuckDB syntax trees', () => {
  it('follows columns through a CTE, a join and aliases', async () => {
    const sql = `with recent as (select c.email as mail, c.serial from stedi.customers as c where c.consent > 0)
      select r.mail, d.distance, d.ts from recent as r join stedi.devices as d on d.serial = r.serial`;
    expect(await derived(sql)).toEqual({ mail: ['c.email'], distance: ['d.distance'], ts: ['d.ts'] });
  });

  it('keeps the columns that only filter or join apart from those a column derives from', async () => {
    const sql = `with recent as (select c.email as mail, c.serial from stedi.customers as c where c.consent > 0)
      select r.mail from recent as r join stedi.devices as d on d.serial = r.serial
      where d.ts in (select x.ts from stedi.readings as x where x.y > 1)`;
    expect(await derived(sql)).toEqual({ mail: ['c.email'] });
    expect(await filtered(sql, 'mail')).toEqual(['c.consent', 'c.serial', 'd.serial', 'd.ts', 'r.ts', 'r.y']);
  });

  it('unions by position, taking the names of the first part', async () => {
    const sql = `select c.email as who, c.updated as at from stedi.customers as c
      union all select r."user", r.ts from stedi.readings as r`;
    expect(await derived(sql)).toEqual({ who: ['c.email', 'r.user'], at: ['c.updated', 'r.ts'] });
  });

  it('expands * and r.* from declared columns, with exclude and replace', async () => {
    expect(Object.keys(await derived('select * from stedi.readings'))).toEqual(['user', 'ts', 'x', 'y']);
    const sql = `select r.* exclude (y) replace (r.x + d.distance as x), d.serial
      from stedi.readings as r join stedi.devices as d using (ts)`;
    expect(await derived(sql)).toEqual({
      user: ['r.user'],
      ts: ['r.ts'],
      x: ['d.distance', 'r.x'],
      serial: ['d.serial'],
    });
  });

  it('traces expressions, aggregates, window functions and scalar subqueries to every column they read', async () => {
    const sql = `select lower(trim(c.email)) as k, count(*) as n, max(c.updated) as last,
        row_number() over (partition by c.serial order by c.updated) as rn,
        (select max(r.ts) from stedi.readings as r where r."user" = c.email) as latest
      from stedi.customers as c group by all`;
    expect(await derived(sql)).toEqual({
      k: ['c.email'],
      n: [],
      last: ['c.updated'],
      rn: ['c.serial', 'c.updated'],
      latest: ['r.ts'],
    });
    // The correlated condition picks the rows the subquery reads: it filters, it is not computed from.
    expect(await filtered(sql, 'latest')).toEqual(['c.email', 'r.user']);
  });

  it('traces a subquery in FROM and a column of a relation whose columns are not declared', async () => {
    const sql = `select s.total, u.anything from (select sum(d.distance) as total, d.serial from stedi.devices as d group by d.serial) as s
      join stedi.undeclared as u on u.serial = s.serial`;
    expect(await derived(sql)).toEqual({ total: ['d.distance'], anything: ['u.anything'] });
  });

  it('marks what only a pseudonym() output derives from as pseudonymised, and nothing else', async () => {
    const sql = `select ${PSEUDONYM_MARKER} sha256('salt:' || c.email) as p, lower(c.email) as plain,
      sha256('salt:' || c.name) as unmarked from stedi.customers as c`;
    expect(await derived(sql)).toEqual({ p: ['~c.email'], plain: ['c.email'], unmarked: ['c.name'] });
  });

  it('reports what it cannot trace as unknown, never guessed', async () => {
    const star = await lineageOf('select * from stedi.undeclared');
    expect(star.unknownColumns).toMatch(/columns are not declared/);
    const table = await lineageOf('select t.a from other.table_nobody_declared as t');
    expect(table.columns[0]!.unknown).toMatch(/other\.table_nobody_declared is not a ref, source or seed/);
    const ambiguous = await lineageOf('select serial from stedi.customers as c, stedi.devices as d');
    expect(ambiguous.columns[0]!.unknown).toMatch(/serial is ambiguous/);
    const missing = await lineageOf('select c.nope from stedi.customers as c');
    expect(missing.columns[0]!.unknown).toMatch(/c\.nope is not found/);
  });
});
