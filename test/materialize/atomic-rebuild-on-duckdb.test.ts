import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureProject } from '../helpers/fixture-project.js';
import { queryDatabase } from '../helpers/query-database.js';
import { cli } from '../helpers/stedi-project.js';

// A table rebuilt whole (CTAS beside the old one, drop, rename) whose post-hook then fails: the rebuild must roll
// back as one transaction. Without begin/commit around it (src/materialize/plan-node.ts) the old table would already
// be dropped and the new one in its place when the hook fails.
const FAILING_HOOK = `post_hook="select error('post-hook fails on purpose')"`;
const model = (columns: string, hook = '') =>
  `{{ config(materialized='table'${hook ? `, ${hook}` : ''}) }}\nselect * from (values ${columns}) as t(id, label)`;

async function rows(dir: string): Promise<unknown[]> {
  return (
    await queryDatabase(path.join(dir, 'target/fixture.duckdb'), 'select * from analytics.people order by id')
  ).map((r) => Object.values(r));
}

describe('a table rebuilt whole on DuckDB is replaced in one transaction', () => {
  const cases: Array<[string, string, string[]]> = [
    ['with --full-refresh', model("(1, 'a'), (2, 'b'), (3, 'c')", FAILING_HOOK), ['run', '--full-refresh']],
    [
      'when its columns changed',
      model("(1, 'a', 10), (2, 'b', 20)", FAILING_HOOK).replace('t(id, label)', 't(id, label, score)'),
      ['run'],
    ],
  ];
  for (const [when, failing, args] of cases) {
    it(`keeps the old table, rows and columns, when the rebuild fails at its post-hook (${when})`, async () => {
      const dir = fixtureProject({ 'models/people.sql': model("(1, 'a'), (2, 'b')") });
      expect((await cli(['run'], { cwd: dir })).code).toBe(0);
      const before = await rows(dir);
      writeFileSync(path.join(dir, 'models/people.sql'), failing);
      const run = await cli(args, { cwd: dir });
      expect(run.code, run.stdout).toBe(1);
      expect(run.stdout).toContain('post-hook fails on purpose');
      expect(await rows(dir)).toEqual(before);
      const tables = await queryDatabase(
        path.join(dir, 'target/fixture.duckdb'),
        "select table_name from information_schema.tables where table_schema = 'analytics' order by 1",
      );
      expect(tables.map((t) => t.table_name)).toEqual(['people']);
    });
  }
});
