import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  GetDatabaseCommand,
  GetWorkGroupCommand,
  ListTableMetadataCommand,
  MetadataException,
} from '@aws-sdk/client-athena';
import { billedBytes, queryCostStats } from '../../src/adapters/athena/athena-cost.js';
import { cli, copyStediProject, readTargetJson } from '../helpers/stedi-project.js';
import { ATHENA_ARGS, ATHENA_ENV } from './athena-test-target.js';
import { FakeAthena } from './fake-athena.js';

const ENV = { ...ATHENA_ENV, STEDI_SECRET_PSEUDONYM_SALT: 'pepper-for-tests' };
const ARGS = ATHENA_ARGS;
const MB = 1024 ** 2;

let fake: FakeAthena;
beforeEach(() => (fake = new FakeAthena()));
afterEach(() => fake.restore());

/** The --timeout clock of a test: it runs out (200 ms, as asked) once a query that hangs has been checked on. */
function timeoutWhenHung(ms: number): AbortSignal {
  expect(ms).toBe(200);
  const controller = new AbortController();
  fake.onHang = () => controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
  return controller.signal;
}

describe('stedi-models run --target prod (Athena scripted, no AWS)', () => {
  it('declares the landing tables, builds the zones; the next run swaps the table models and adds to the incremental ones', async () => {
    const dir = copyStediProject();
    const first = await cli(['run', ...ARGS], { cwd: dir, env: ENV });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // identifier_columns: the seed that machine_learning_curated's no_identifiers audit reads, loaded by run when missing.
    const zones = [
      'accelerometer_trusted',
      'customer_curated',
      'customer_trusted',
      'identifier_columns',
      'machine_learning_curated',
      'step_trainer_trusted',
    ];
    expect(fake.names()).toEqual(
      ['accelerometer_landing', 'customer_landing', 'step_trainer_landing', ...zones].sort(),
    );
    const firstRun = fake.sent.length;
    // What Athena answers as the rows the staged CTAS wrote: the run reports it as the model's rows.
    fake.rowsWritten.set('accelerometer_trusted', 40_981);
    const second = await cli(['run', ...ARGS], { cwd: dir, env: ENV });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(
      /OK incremental stedi.accelerometer_trusted \.+ \[40,981 rows written, audited by 1 test in/,
    );
    expect(fake.names()).toEqual(
      ['accelerometer_landing', 'customer_landing', 'step_trainer_landing', ...zones].sort(),
    );
    const sent = fake.sent.slice(firstRun);
    // An unchanged landing declaration is not dropped; the table models are swapped in by rename.
    expect(sent.filter((s) => /^drop table if exists `stedi`.`\w+_landing`/.test(s))).toEqual([]);
    expect(
      sent.filter((s) => /^alter table .* rename to `stedi`.`(customer_trusted|customer_curated)`$/.test(s)),
    ).toHaveLength(2);
    // The incremental models are never renamed: they are purged, then their new rows are staged, audited and merged in place.
    expect(
      sent.filter((s) =>
        /rename to `stedi`.`(accelerometer_trusted|step_trainer_trusted|machine_learning_curated)`/.test(s),
      ),
    ).toEqual([]);
    expect(
      sent
        .map((s) => /^(merge into|delete from|insert into) "stedi"."(\w+)"/.exec(s)?.slice(1).join(' '))
        .filter(Boolean),
    ).toEqual([
      'delete from accelerometer_trusted',
      'merge into accelerometer_trusted',
      'delete from step_trainer_trusted',
      'merge into step_trainer_trusted',
      'merge into machine_learning_curated',
    ]);
  });

  it('shows bytes scanned and cost per model and in the summary, and records them in run_results.json', async () => {
    const dir = copyStediProject();
    fake.rowsWritten.set('customer_trusted', 482);
    const run = await cli(['run', ...ARGS, '--select', 'customer_trusted'], { cwd: dir, env: ENV });
    expect(run.code).toBe(0);
    // The fake scans 3 MB per query that reads (the CTAS and the two consent audits), each billed as the 10 MB
    // minimum at 5 USD per TB; the rename that publishes the table is DDL, free.
    const cost = ((10 * MB) / 1024 ** 4) * 5;
    expect(run.stdout).toMatch(
      /OK table stedi.customer_trusted \.+ \[482 rows written, audited by 2 tests in [\d.]+s, 9.00 MB scanned, \$0.000143\]/,
    );
    expect(run.stdout).toContain('Athena, 9.00 MB scanned, $0.000143, over 4 queries.');
    const [result] = readTargetJson(dir, 'run_results.json').results;
    expect(result.stats).toEqual({
      queries: 4,
      bytes_scanned: 9 * MB,
      bytes_billed: 30 * MB,
      engine_ms: 4 * 1500,
      queue_ms: 4 * 10,
      cost_usd: 3 * cost,
    });
  });

  it('counts every query a model sends in its cost, the column query of an incremental model too', async () => {
    const dir = copyStediProject();
    expect((await cli(['run', ...ARGS], { cwd: dir, env: ENV })).code).toBe(0);
    const before = fake.sent.length;
    const second = await cli(['run', ...ARGS, '--select', 'accelerometer_trusted'], { cwd: dir, env: ENV });
    expect(second.code).toBe(0);
    const sent = fake.sent.slice(before).filter((s) => !/^create schema/.test(s));
    expect(sent.some((s) => /^select \* from \([\s\S]*\) limit 0$/.test(s))).toBe(true);
    const [result] = readTargetJson(dir, 'run_results.json').results;
    expect(result.stats.queries).toBe(sent.length);
    // The purge's OPTIMIZE and VACUUM are among them, and their share is said apart.
    expect(second.stdout).toMatch(
      new RegExp(`over ${sent.length} queries; table maintenance 2 of them, \\$0\\.\\d+\\.\\n`),
    );
  });

  it('gives data tests their cost, in their line, run_results.json and the summary', async () => {
    const dir = copyStediProject();
    // The landing tables too: the consent tests of customer_trusted read customer_landing.
    expect((await cli(['run', ...ARGS, '--select', '+customer_trusted'], { cwd: dir, env: ENV })).code).toBe(0);
    const run = await cli(['test', ...ARGS, '--select', 'customer_trusted'], { cwd: dir, env: ENV });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // Unit tests run locally on fixtures and cost nothing; each data test sends one query to Athena, except the
    // reference row count, switched off here, which sends none.
    const all = readTargetJson(dir, 'run_results.json').results.filter(
      (r: { resource_type: string }) => r.resource_type === 'data_test',
    );
    expect(all.find((r: { name: string }) => r.name === 'reference_row_count_customer_trusted')).toMatchObject({
      status: 'skipped',
      stats: {},
    });
    const results = all.filter((r: { status: string }) => r.status !== 'skipped');
    expect(results.length).toBeGreaterThan(0);
    // The fake scans 3 MB for every query that reads: billed as the 10 MB minimum.
    for (const r of results)
      expect(r.stats, r.name).toMatchObject({ queries: 1, bytes_scanned: 3 * MB, bytes_billed: 10 * MB });
    expect(run.stdout).toMatch(/PASS test \w+ \.+ \[[\d.]+s, 3.00 MB scanned, \$0.000048\]/);
    expect(run.stdout).toContain(`over ${results.length} queries.`);
  });

  it('keeps the cost of the statements that succeeded when a later one fails', async () => {
    const dir = copyStediProject();
    expect((await cli(['run', ...ARGS, '--select', 'customer_trusted'], { cwd: dir, env: ENV })).code).toBe(0);
    // The next run creates the schema, builds the new table by CTAS (billed), then dies at its first audit.
    fake.crashAt = fake.sent.length + 3;
    const run = await cli(['run', ...ARGS, '--select', 'customer_trusted'], { cwd: dir, env: ENV });
    expect(run.code).toBe(1);
    const [result] = readTargetJson(dir, 'run_results.json').results;
    expect(result.status).toBe('error');
    expect(result.stats).toMatchObject({ queries: 1, bytes_scanned: 3 * MB, bytes_billed: 10 * MB });
    expect(run.stdout).toMatch(/ERROR customer_trusted \.+ \[[\d.]+s, 3.00 MB scanned, \$0.000048\]/);
    expect(run.stdout).toContain('Athena, 3.00 MB scanned, $0.000048, over 1 queries.');
  });

  it('--timeout stops the query in flight with StopQueryExecution, skips what had not started and fails the run', async () => {
    const dir = copyStediProject();
    fake.hang = /^create table "stedi"."customer_trusted(__tmp_\w+)?"/;
    const run = await cli(['run', ...ARGS, '--select', 'customer_trusted+', '--timeout', '0.2'], {
      cwd: dir,
      env: ENV,
      timeoutSignal: timeoutWhenHung,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Stopped after --timeout 0.2s: queries in flight were cancelled.');
    const ctas = fake.sent.findIndex((s) => fake.hang!.test(s));
    expect(fake.stopped).toEqual([`q${ctas + 1}`]);
    const results = readTargetJson(dir, 'run_results.json').results;
    expect(results.find((r: { name: string }) => r.name === 'customer_trusted')).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/cancelled/),
    });
    expect(
      results.filter((r: { name: string }) => r.name !== 'customer_trusted').map((r: { status: string }) => r.status),
    ).toEqual(expect.arrayContaining(['skipped']));
    // The seed that machine_learning_curated's audit reads is loaded beside the models; every model stopped.
    expect(
      results
        .filter((r: { resource_type: string }) => r.resource_type === 'model')
        .every((r: { status: string }) => r.status === 'error' || r.status === 'skipped'),
    ).toBe(true);
  });

  it('--timeout also stops the create schema statement that comes before every node', async () => {
    fake.hang = /^create schema/;
    const run = await cli(['run', ...ARGS, '--select', 'customer_trusted', '--timeout', '0.2'], {
      cwd: copyStediProject(),
      env: ENV,
      timeoutSignal: timeoutWhenHung,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Stopped after --timeout 0.2s');
    expect(run.stderr).toContain('create schema stedi was cancelled');
    expect(fake.stopped).toEqual(['q1']);
  }, 15_000);

  it("--threads N bounds the queries in flight to N, above or below the profile's threads", async () => {
    const dir = copyStediProject();
    // The profile says one query at a time; --threads 3 wins. Each query is still running at its first status check.
    const profiles = path.join(dir, 'profiles.yml');
    writeFileSync(
      profiles,
      readFileSync(profiles, 'utf8').replace(
        /threads: 4\n(\s+)poll_interval_ms: 500/,
        'threads: 1\n$1poll_interval_ms: 1',
      ),
    );
    fake.runningChecks = 1;
    const landing = ['--select', 'source:landing'];
    expect((await cli(['run', ...ARGS, ...landing, '--threads', '3'], { cwd: dir, env: ENV })).code).toBe(0);
    expect(fake.mostInFlight).toBe(3);
    fake.mostInFlight = 0;
    expect((await cli(['run', ...ARGS, ...landing, '--threads', '2'], { cwd: dir, env: ENV })).code).toBe(0);
    expect(fake.mostInFlight).toBe(2);
  });

  it('debug checks the workgroup and the database', async () => {
    fake.mock.on(GetWorkGroupCommand).resolves({
      WorkGroup: {
        Name: 'primary',
        State: 'ENABLED',
        Configuration: { EngineVersion: { EffectiveEngineVersion: 'Athena engine version 3' } },
      },
    });
    fake.mock
      .on(GetDatabaseCommand)
      .rejects(new MetadataException({ message: 'Database stedi not found', $metadata: {} }));
    const run = await cli(['debug', '--target', 'prod'], { cwd: copyStediProject(), env: ENV });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /connection: engine=athena, region=eu-west-1, workgroup=primary, engine_version=Athena engine version 3, catalog=AwsDataCatalog, database=stedi \(will be created by the first run\) OK/,
    );
  });

  it('treats a database that does not exist yet as an empty schema', async () => {
    fake.mock
      .on(ListTableMetadataCommand)
      .rejects(new MetadataException({ message: 'Database stedi not found.', $metadata: {} }));
    const run = await cli(['run', ...ARGS, '--select', 'source:landing.customer_landing'], {
      cwd: copyStediProject(),
      env: ENV,
    });
    expect(run.code).toBe(0);
    expect(fake.sent.at(-1)).toMatch(/^create external table if not exists `stedi`.`customer_landing`/);
  });
});

describe('Athena cost', () => {
  it('bills scanned bytes rounded up to the MB with a 10 MB minimum, and DDL for nothing', () => {
    const stats = (bytes: number, statementType = 'DML') => ({
      statementType,
      dataScannedBytes: bytes,
      engineMillis: 0,
      queueMillis: 0,
    });
    expect(billedBytes(stats(0))).toBe(10 * MB);
    expect(billedBytes(stats(10 * MB + 1))).toBe(11 * MB);
    expect(billedBytes(stats(5 * MB, 'DDL'))).toBe(0);
    expect(queryCostStats(stats(1024 ** 4)).cost_usd).toBe(5);
  });
});
