import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AthenaAdapter } from '../../src/adapters/athena/athena-adapter.js';
import { athenaTestTarget } from './athena-test-target.js';
import { executeProject, type ExecuteOptions } from '../../src/run/run-project.js';
import { copyStediProject } from '../helpers/stedi-project.js';
import { expectGolden } from './golden-file.js';
import { athenaSyntaxProblems, statementsOfRunFile } from './athena-grammar.js';
import { FakeAthena } from './fake-athena.js';

const GOLDEN = path.join(import.meta.dirname, 'golden', 'incremental');
const ENV = {
  STEDI_S3_STAGING_DIR: 's3://stedi-athena-results/queries/',
  STEDI_S3_DATA_DIR: 's3://stedi-lakehouse/zones',
  STEDI_SECRET_PSEUDONYM_SALT: 'pepper-for-tests',
  PATH: process.env.PATH,
};
const VARS = '{landing_root: "s3://stedi-landing/stedi"}';
const INCREMENTAL = [
  'models/trusted/accelerometer_trusted.sql',
  'models/trusted/step_trainer_trusted.sql',
  'models/curated/machine_learning_curated.sql',
];

let fake: FakeAthena;
beforeEach(() => (fake = new FakeAthena()));
afterEach(() => fake.restore());

function run(project: string, buildId: string, extra: Partial<ExecuteOptions> = {}) {
  return executeProject('run', {
    projectDir: project,
    targetName: 'prod',
    vars: VARS,
    env: ENV,
    newId: () => buildId,
    ...extra,
  });
}

function runFile(project: string, file: string): string {
  return readFileSync(path.join(project, 'target/run', file), 'utf8');
}

describe('incremental models on Athena, a second run against existing Iceberg tables (scripted, no AWS)', () => {
  it('sends the exact statements of the golden files (npm run golden:update rewrites them), all of which parse', async () => {
    const project = copyStediProject();
    expect((await run(project, 'b0ba0001')).results.every((r) => r.status === 'success')).toBe(true);
    expect(
      (await run(project, 'b0ba0002')).results.map((r) => `${r.name}: ${r.status} ${r.message ?? ''}`.trim()),
    ).not.toContainEqual(expect.stringMatching(/error|skipped/));
    for (const file of INCREMENTAL) {
      const text = runFile(project, file);
      const golden = path.join(GOLDEN, file);
      expectGolden(golden, text, file);
      for (const sql of statementsOfRunFile(text)) expect(athenaSyntaxProblems(sql), sql).toEqual([]);
    }
  });

  it("adds to the tables in place: one MERGE per incremental table (machine_learning_curated's with its replace_keys), the purges, no leftovers", async () => {
    const project = copyStediProject();
    await run(project, 'b0ba0001');
    const writesBefore = fake.writes.length;
    const missing = new Set<string>();
    fake.observe = (catalog) => {
      for (const name of ['accelerometer_trusted', 'step_trainer_trusted', 'machine_learning_curated'])
        if (!catalog.has(name)) missing.add(name);
    };
    const second = await run(project, 'b0ba0002');
    expect(second.results.filter((r) => r.status !== 'success')).toEqual([]);
    expect(second.results.find((r) => r.name === 'accelerometer_trusted')?.description).toBe(
      'incremental stedi.accelerometer_trusted',
    );
    // The incremental tables are never absent: nothing is renamed or dropped under their names.
    expect([...missing]).toEqual([]);
    expect(
      fake.writes
        .slice(writesBefore)
        .map((w) => `${w.verb} ${w.table}`)
        .sort(),
    ).toEqual([
      'delete accelerometer_trusted', // the consent-withdrawal purge (config purge), committed before the write
      'delete step_trainer_trusted', // the untrusted-device purge (config purge)
      'merge accelerometer_trusted',
      'merge machine_learning_curated', // the changed instants (replace_keys) and the new rows, in one commit
      'merge step_trainer_trusted',
    ]);
    expect(fake.names().filter((n) => n.includes('__'))).toEqual([]);
    // The columns of the new rows were read by one LIMIT 0 query per incremental model (and, in the first run, of
    // machine_learning_curated's query, whose no_identifiers audit looks at every column).
    expect(fake.sent.filter((s) => /^select \* from \(\n[\s\S]*\n\) limit 0$/.test(s))).toHaveLength(3 + 1);
  });

  const PLAN = [
    'read the columns',
    'purge',
    'keep snapshots',
    'optimize',
    'vacuum',
    'stage',
    'audit',
    'merge',
    'drop the staged table',
  ];
  // A second run of accelerometer_trusted alone sends: create schema, describe, purge, the snapshot expiry (alter,
  // optimize, vacuum), stage, audit, merge, drop staged.
  for (const [index, step] of PLAN.entries()) {
    it(`is finished by the next run when interrupted before "${step}", and leaves no staged table`, async () => {
      const project = copyStediProject();
      await run(project, 'b0ba0001');
      const only = { select: ['accelerometer_trusted'] };
      const start = fake.sent.length;
      fake.crashAt = start + 2 + index;
      const crashed = await run(project, 'b0ba0002', only);
      expect(crashed.results[0]!.status).toBe('error');
      fake.crashAt = undefined;
      const leftover = index >= 6 ? ['accelerometer_trusted__stedi_new_b0ba0002'] : [];
      expect(fake.names().filter((n) => n.includes('__'))).toEqual(leftover);
      const writesBefore = fake.writes.length;
      const next = await run(project, 'b0ba0003', only);
      expect(next.results[0]!.status).toBe('success');
      expect(fake.names().filter((n) => n.includes('__'))).toEqual([]);
      expect(fake.writes.slice(writesBefore).map((w) => w.verb)).toEqual(['delete', 'merge']);
      const plan = statementsOfRunFile(runFile(project, 'models/trusted/accelerometer_trusted.sql'));
      expect(plan[0]).toEqual(
        leftover.length
          ? 'drop table if exists `stedi`.`accelerometer_trusted__stedi_new_b0ba0002`'
          : expect.stringMatching(/^delete from "stedi"."accelerometer_trusted"\nwhere not exists/),
      );
    });
  }

  it("describes a query by the metadata of a LIMIT 0 query, in the catalog's type names, and lists a table's columns from Glue", async () => {
    const target = athenaTestTarget();
    const adapter = AthenaAdapter.open(target, { sleep: async () => undefined });
    fake.columnTypes.set('t_time', 'bigint');
    expect(
      await adapter.describeQuery(
        'select a."user", a.x, a.sensorreadingtime as t_time -- a comment\nfrom "stedi"."r" as a',
      ),
    ).toEqual([
      { name: 'user', type: 'string' },
      { name: 'x', type: 'double' },
      { name: 't_time', type: 'bigint' },
    ]);
    expect(fake.sent).toEqual([
      'select * from (\nselect a."user", a.x, a.sensorreadingtime as t_time -- a comment\nfrom "stedi"."r" as a\n) limit 0',
    ]);
    expect(await adapter.listColumns({ schema: 'stedi', identifier: 'missing' })).toEqual([]);
  });

  it('names a bytes column binary, as Hive DDL declares it, not varbinary as the query metadata does', async () => {
    const adapter = AthenaAdapter.open(athenaTestTarget(), { sleep: async () => undefined });
    fake.columnTypes.set('digest', 'varbinary');
    expect(await adapter.describeQuery('select sha256(to_utf8(a."user")) as digest from "stedi"."r" as a')).toEqual([
      { name: 'digest', type: 'binary' },
    ]);
  });
});
