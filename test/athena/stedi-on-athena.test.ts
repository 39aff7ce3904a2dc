import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { executeProject } from '../../src/run/run-project.js';
import { cli, copyStediProject } from '../helpers/stedi-project.js';
import { expectGolden } from './golden-file.js';
import { athenaGrammar, athenaSyntaxProblems, statementsOfRunFile } from './athena-grammar.js';
import { FakeAthena } from './fake-athena.js';

const GOLDEN = path.join(import.meta.dirname, 'golden');
const ENV = {
  STEDI_S3_STAGING_DIR: 's3://stedi-athena-results/queries/',
  STEDI_S3_DATA_DIR: 's3://stedi-lakehouse/zones',
  STEDI_SECRET_PSEUDONYM_SALT: 'pepper-for-tests',
};
const VARS = '{landing_root: "s3://stedi-landing/stedi"}';

function runFiles(project: string): Map<string, string> {
  const dir = path.join(project, 'target/run');
  return new Map(
    globSync('**/*.sql', { cwd: dir })
      .sort()
      .map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]),
  );
}

describe('the STEDI project on Athena, planned with --dry-run', () => {
  let project: string;
  beforeAll(async () => {
    project = copyStediProject();
    await executeProject('run', {
      projectDir: project,
      targetName: 'prod',
      vars: VARS,
      env: { ...ENV, PATH: process.env.PATH },
      dryRun: true,
      newId: () => 'b0ba0001',
    });
  });

  it('writes the exact statements of the golden files (npm run golden:update rewrites them)', () => {
    const files = runFiles(project);
    expect([...files.keys()]).toEqual([
      '_schemas.sql',
      'models/curated/customer_curated.sql',
      'models/curated/machine_learning_curated.sql',
      'models/trusted/accelerometer_trusted.sql',
      'models/trusted/customer_trusted.sql',
      'models/trusted/step_trainer_trusted.sql',
      'sources/landing/accelerometer_landing.sql',
      'sources/landing/customer_landing.sql',
      'sources/landing/step_trainer_landing.sql',
    ]);
    for (const [file, text] of files) {
      const golden = path.join(GOLDEN, file);
      expectGolden(golden, text, file);
    }
  });

  it('sends only statements that parse: DDL by Hive rules in backticks, everything else by Trino rules', () => {
    const statements = [...runFiles(project).values()].flatMap(statementsOfRunFile);
    // The schema, 3 external tables, and per table model: a CTAS under a temporary name, its audits (9 in all), a
    // drop of the new table should an audit refuse it, and the rename that publishes it. The two partitioned readings
    // tables write their rows unpartitioned first, then the first batch (the CTAS) and the others (an INSERT), then
    // drop the unpartitioned rows, and drop the partly built table should a batch fail.
    expect(statements.length).toBe(1 + 3 + 5 * 3 + 9 + 2 * 4);
    expect(statements.filter((s) => athenaGrammar(s) === 'hive')).toHaveLength(4 + 5 * 2 + 2 * 2);
    const partitioned = statements.filter((s) => s.includes('partitioning = ARRAY['));
    expect(partitioned.map((s) => /partitioning = ARRAY\[[^\]]*\]/.exec(s)![0])).toEqual([
      "partitioning = ARRAY['truncate(timestamp, 86400000)']",
      "partitioning = ARRAY['truncate(sensorreadingtime, 86400000)']",
    ]);
    for (const sql of statements) expect(athenaSyntaxProblems(sql), sql).toEqual([]);
  });

  it('also parses the pseudonym and as_of variants of the models (the Athena macros)', async () => {
    const variant = copyStediProject();
    const vars =
      '{landing_root: "s3://stedi-landing/stedi", ml_customer_pseudonym: true, consent_cutoff: as_of, ml_pairing: same_customer}';
    await executeProject('run', {
      projectDir: variant,
      targetName: 'prod',
      vars,
      env: { ...ENV, PATH: process.env.PATH },
      dryRun: true,
      newId: () => 'b0ba0002',
    });
    const ml = runFiles(variant).get('models/curated/machine_learning_curated.sql')!;
    expect(ml).toContain('lower(to_hex(sha256(to_utf8(');
    for (const sql of [...runFiles(variant).values()].flatMap(statementsOfRunFile))
      expect(athenaSyntaxProblems(sql), sql).toEqual([]);
  });

  it('works through the CLI with no AWS credentials and no network, and says where the statements are', async () => {
    const dir = copyStediProject();
    const run = await cli(['run', '--target', 'prod', '--dry-run', '--vars', VARS], { cwd: dir, env: ENV });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Nothing was sent, so nothing "succeeded": each node was planned.
    expect(run.stdout).toContain('PLANNED external table stedi.customer_landing');
    expect(run.stdout).not.toMatch(/ OK |succeeded/);
    expect(run.stdout).toMatch(/Finished in .*: 8 planned, nothing sent, 0 failed, 0 skipped\./);
    expect(run.stdout).toMatch(/stedi-models \S+ run on target prod \(Athena, database stedi\) \(dry run: /);
    expect(run.stdout).toContain('Dry run: nothing was sent');
    expect(runFiles(dir).size).toBe(9);
  });

  it('warns once per source that max_rejected_rows / max_rejected_fraction are not enforced on Athena', async () => {
    const dir = copyStediProject();
    const yml = path.join(dir, 'models/landing/_landing.yml');
    const text = readFileSync(yml, 'utf8');
    writeFileSync(
      yml,
      text.replace(
        'format: json\n',
        'format: json\n          max_rejected_rows: 5\n          max_rejected_fraction: 0.01\n',
      ),
    );
    const run = await cli(['run', '--target', 'prod', '--dry-run', '--vars', VARS], { cwd: dir, env: ENV });
    expect(run.code).toBe(0);
    const warnings = run.stderr.split('\n').filter((line) => line.startsWith('warning:'));
    expect(warnings).toEqual([
      'warning: Source landing.customer_landing (models/landing/_landing.yml): max_rejected_rows and max_rejected_fraction are not enforced on athena, which keeps no rejects relation: a malformed landing line is not skipped but fails every query that reads it (HIVE_CURSOR_ERROR). Fix or remove that line in S3. On DuckDB targets the limits apply.',
    ]);
  });

  it('refuses a landing location that is not in S3, naming the var to set', async () => {
    const dir = copyStediProject();
    const run = await cli(['run', '--target', 'prod', '--dry-run', '--select', 'source:landing.customer_landing'], {
      cwd: dir,
      env: ENV,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /external location '.*data\/landing\/customer\/landing\/' is not an s3:\/\/ URI[\s\S]*landing_root/,
    );
  });
});

describe('every statement the Athena engine sends for the STEDI project (scripted Athena, no AWS)', () => {
  let fake: FakeAthena;
  beforeEach(() => (fake = new FakeAthena()));
  afterEach(() => fake.restore());
  const ARGS = ['--target', 'prod', '--vars', VARS];
  const CLI_ENV = { ...ENV, AWS_REGION: 'eu-west-1' };

  it('parses by the grammar Athena uses for it: first and later runs, data tests, declaration changes, swap repairs, an added column, a model switched to view and back', async () => {
    const dir = copyStediProject();
    const step = async (args: string[]) => {
      const run = await cli(args, { cwd: dir, env: CLI_ENV });
      expect(run.code, `${args.join(' ')}\n${run.stdout}${run.stderr}`).toBe(0);
    };
    const edit = (file: string, change: (text: string) => string) =>
      writeFileSync(path.join(dir, file), change(readFileSync(path.join(dir, file), 'utf8')));
    await step(['build', ...ARGS]); // first run: external tables, CTAS, seeds, data tests
    await step(['build', ...ARGS]); // second run: rename swaps, incremental column queries, MERGE, DELETE, INSERT
    // A changed landing declaration: the external table is dropped and created again.
    edit('models/landing/_landing.yml', (text) =>
      text.replace(
        '        columns:\n',
        '        columns:\n          - { name: note, json_key: note, data_type: string }\n',
      ),
    );
    await step(['run', ...ARGS, '--select', 'source:landing.customer_landing']);
    // A swap interrupted between its renames (schema, CTAS, two audits, rename aside, then death), repaired by the next run.
    fake.crashAt = fake.sent.length + 6;
    expect((await cli(['run', ...ARGS, '--select', 'customer_trusted'], { cwd: dir, env: CLI_ENV })).code).toBe(1);
    fake.crashAt = undefined;
    expect(fake.names().filter((n) => /__(tmp|bkp)_/.test(n))).toHaveLength(2);
    await step(['run', ...ARGS, '--select', 'customer_trusted']);
    // An incremental model that gains a column it may add to its table.
    edit('models/trusted/accelerometer_trusted.sql', (text) =>
      text
        .replace(
          "unique_key=['user', 'timestamp'])",
          "unique_key=['user', 'timestamp'], on_schema_change='append_new_columns')",
        )
        .replace('    a.z\n', '    a.z,\n    a.z as z_again\n'),
    );
    fake.columnTypes.set('z_again', 'double');
    await step(['run', ...ARGS, '--select', 'accelerometer_trusted']);
    // A table model switched to a view, and back.
    edit('models/curated/customer_curated.sql', (text) => `{{ config(materialized='view') }}\n${text}`);
    await step(['run', ...ARGS, '--select', 'customer_curated']);
    edit('models/curated/customer_curated.sql', (text) => text.replace(`{{ config(materialized='view') }}\n`, ''));
    await step(['run', ...ARGS, '--select', 'customer_curated']);

    const kinds: Array<[string, RegExp]> = [
      ['external table', /^create external table if not exists /],
      ['landing table dropped to be declared again', /^drop table if exists `stedi`.`customer_landing`$/],
      ['CTAS', /^create table "stedi"\."\w+" with \(/],
      [
        'rename aside and into place',
        /^alter table `stedi`.`customer_trusted__tmp_\w+` rename to `stedi`.`customer_trusted`$/,
      ],
      [
        'swap repair: backup restored',
        /^alter table `stedi`.`customer_trusted__bkp_\w+` rename to `stedi`.`customer_trusted`$/,
      ],
      ['swap repair: leftover dropped', /^drop table if exists `stedi`.`customer_trusted__tmp_\w+`$/],
      ['view', /^create or replace view "stedi"."customer_curated"/],
      ['view dropped for a table', /^drop view if exists "stedi"."customer_curated"$/],
      ['column query', /^select \* from \([\s\S]*\) limit 0$/],
      ['column added', /^alter table `stedi`.`accelerometer_trusted` add columns \(`z_again` \w+\)$/],
      ['merge', /^merge into /],
      ['delete', /^delete from /],
      ['replace_keys staged', /^create table "stedi"\."machine_learning_curated__stedi_new_\w+k" with \(/],
      ['data test', /^-- test: \w+\nselect count\(\*\) as failures from /],
      ['audit before publishing', /^-- audit: \w+\nselect failures, failures <> 0 as blocks from \(/],
    ];
    for (const [kind, pattern] of kinds)
      expect(
        fake.sent.some((sql) => pattern.test(sql)),
        kind,
      ).toBe(true);
    for (const sql of fake.sent) expect(athenaSyntaxProblems(sql), sql).toEqual([]);
  });
});

describe('the grammar check', () => {
  it('fails on broken statements, so passing means something', () => {
    expect(athenaSyntaxProblems('create table "s"."t" as selec 1')).not.toEqual([]);
    expect(athenaSyntaxProblems('select `user` from "s"."t"')).toEqual([
      'Trino does not accept backquoted identifiers; use double quotes',
    ]);
    expect(athenaSyntaxProblems('drop table if exists "s"."t"')).not.toEqual([]);
    expect(
      athenaSyntaxProblems("create external table `s`.`t` (`a` string) row format serde 'x' location"),
    ).not.toEqual([]);
    expect(athenaSyntaxProblems("select 'it''s `fine`' as \"x\"")).toEqual([]);
  });
});
