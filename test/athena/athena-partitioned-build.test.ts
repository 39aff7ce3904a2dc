import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePartitionField } from '../../src/core/partition-field.js';
import { cli, copyStediProject, readTargetJson } from '../helpers/stedi-project.js';
import { athenaSyntaxProblems } from './athena-grammar.js';
import { ATHENA_ARGS, ATHENA_ENV } from './athena-test-target.js';
import { FakeAthena } from './fake-athena.js';

const ENV = ATHENA_ENV;
const ARGS = ATHENA_ARGS;
const BATCH = /"__stedi_batch" = (\d+)\n/;

let fake: FakeAthena;
beforeEach(() => (fake = new FakeAthena()));
afterEach(() => fake.restore());

function editModel(dir: string, file: string, change: (text: string) => string): void {
  const at = path.join(dir, file);
  writeFileSync(at, change(readFileSync(at, 'utf8')));
}

describe('partitioned_by on Athena: a write of more partitions than one query may fill goes in batches', () => {
  it('writes the rows once, creates the table from the first batch, inserts each further batch, then publishes', async () => {
    const dir = copyStediProject();
    fake.partitionBatches = 3;
    const run = await cli(['run', ...ARGS, '--select', 'accelerometer_trusted'], { cwd: dir, env: ENV });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const sent = fake.sent.map((sql) => sql.split('\n')[0]!.slice(0, 70));
    const rows = fake.sent.findIndex((sql) => /^create table "stedi"\."accelerometer_trusted__tmp_\w+r" /.test(sql));
    const first = fake.sent.findIndex((sql) => sql.includes("partitioning = ARRAY['truncate(timestamp, 86400000)']"));
    const count = fake.sent.findIndex((sql) => /^select \(count\(\*\) \+ 99\) \/ 100 as batches from/.test(sql));
    const inserts = fake.sent.filter((sql) => /^insert into "stedi"\."accelerometer_trusted__tmp_\w+"\n/.test(sql));
    const publish = fake.sent.findIndex((sql) => /rename to `stedi`.`accelerometer_trusted`$/.test(sql));
    expect(rows, sent.join('\n')).toBeGreaterThan(0);
    expect(first).toBeGreaterThan(rows);
    expect(BATCH.exec(fake.sent[first]!)![1]).toBe('0');
    expect(count).toBeGreaterThan(first);
    expect(inserts.map((sql) => BATCH.exec(sql)![1])).toEqual(['1', '2']);
    expect(publish).toBeGreaterThan(fake.sent.indexOf(inserts[1]!));
    // The unpartitioned rows are dropped; only the published table is left.
    expect(fake.names().filter((n) => n.startsWith('accelerometer_trusted'))).toEqual(['accelerometer_trusted']);
    // Every statement sent, the batch count included, parses as Athena will parse it.
    for (const sql of fake.sent) expect(athenaSyntaxProblems(sql), sql).toEqual([]);
  });

  it('sends no INSERT when the first batch holds every partition', async () => {
    const dir = copyStediProject();
    fake.partitionBatches = 1;
    expect((await cli(['run', ...ARGS, '--select', 'accelerometer_trusted'], { cwd: dir, env: ENV })).code).toBe(0);
    expect(fake.sent.filter((sql) => sql.startsWith('insert into'))).toEqual([]);
  });

  it('publishes nothing when a batch fails: the partly built table and the rows are dropped, the old table stays', async () => {
    const dir = copyStediProject();
    expect((await cli(['run', ...ARGS, '--select', 'accelerometer_trusted'], { cwd: dir, env: ENV })).code).toBe(0);
    const before = fake.catalog.get('accelerometer_trusted');
    fake.partitionBatches = 3;
    fake.failing = {
      pattern: /"__stedi_batch" = 2\n/,
      message: 'HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers for partitions/buckets',
      times: 1,
    };
    const run = await cli(['run', ...ARGS, '--select', 'accelerometer_trusted', '--full-refresh'], {
      cwd: dir,
      env: ENV,
    });
    expect(run.code).toBe(1);
    expect(fake.catalog.get('accelerometer_trusted')).toBe(before);
    expect(fake.names().filter((n) => n.startsWith('accelerometer_trusted'))).toEqual(['accelerometer_trusted']);
    const [result] = readTargetJson(dir, 'run_results.json').results;
    expect(result.message).toMatch(
      /partitions of each further batch \(batch 3 of 3\):\n\s+HIVE_TOO_MANY_OPEN_PARTITIONS/,
    );
  });

  it('says how to get past the limit when an incremental MERGE (one statement) spans more than 100 partitions', async () => {
    const dir = copyStediProject();
    const args = ['run', ...ARGS, '--select', 'accelerometer_trusted'];
    expect((await cli(args, { cwd: dir, env: ENV })).code).toBe(0);
    fake.failing = {
      pattern: /^merge into "stedi"\."accelerometer_trusted"/,
      message: 'HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers for partitions/buckets',
      times: 1,
    };
    expect((await cli(args, { cwd: dir, env: ENV })).code).toBe(1);
    const [result] = readTargetJson(dir, 'run_results.json').results;
    expect(result.message).toContain('Athena writes at most 100 partitions per query');
    expect(result.message).toContain('rebuild the model with --full-refresh');
  });

  it('stops compile on a partition field it cannot read or buckets beyond one write, naming the file and key', async () => {
    const dir = copyStediProject();
    editModel(dir, 'models/trusted/accelerometer_trusted.sql', (text) =>
      text.replace("partitioned_by=['truncate(86400000, timestamp)']", "partitioned_by=['weekly(timestamp)']"),
    );
    editModel(dir, 'models/trusted/step_trainer_trusted.sql', (text) =>
      text.replace(
        "partitioned_by=['truncate(86400000, sensorreadingtime)']",
        "partitioned_by=['bucket(16, serialnumber)', 'bucket(serialnumber, 8)']",
      ),
    );
    const run = await cli(['compile', ...ARGS], { cwd: dir, env: ENV });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'weekly(timestamp)' is not a partition field");
    expect(run.stderr).toContain('accelerometer_trusted.sql');
    expect(run.stderr).toContain('its buckets make 128 partitions, more than one Athena write may fill (100)');
  });

  it('refuses a truncate over a column of undeclared type when planning, saying what to declare', async () => {
    const dir = copyStediProject();
    editModel(dir, 'models/trusted/_trusted.yml', (text) => text.replace(/\n {8}data_type: bigint/g, ''));
    const run = await cli(['run', ...ARGS, '--dry-run', '--select', 'accelerometer_trusted'], { cwd: dir, env: ENV });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(
      /truncate\(86400000, timestamp\)[\s\S]*no declared data_type[\s\S]*Declare data_type .* for column timestamp/,
    );
  });
});

describe('partition fields as a config writes them', () => {
  it('reads transforms in Iceberg order and in dbt-athena order, and refuses anything else', () => {
    expect(parsePartitionField('Day(ts)')).toEqual({ transform: 'day', column: 'ts' });
    expect(parsePartitionField('country')).toEqual({ transform: 'identity', column: 'country' });
    expect(parsePartitionField('bucket(16, user)')).toEqual({ transform: 'bucket', column: 'user', width: 16 });
    expect(parsePartitionField('bucket(user, 16)')).toEqual({ transform: 'bucket', column: 'user', width: 16 });
    expect(parsePartitionField('truncate(10, name)')).toEqual({ transform: 'truncate', column: 'name', width: 10 });
    for (const bad of ['bucket(0, user)', 'day(a, b)', 'week(ts)', '"quoted"', 'bucket(user)'])
      expect(parsePartitionField(bad), bad).toHaveProperty('error');
  });
});
