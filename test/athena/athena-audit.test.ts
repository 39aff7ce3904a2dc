import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, copyStediProject, readTargetJson } from '../helpers/stedi-project.js';
import { athenaSyntaxProblems } from './athena-grammar.js';
import { FakeAthena } from './fake-athena.js';

const ENV = {
  STEDI_S3_STAGING_DIR: 's3://stedi-athena-results/queries/',
  STEDI_S3_DATA_DIR: 's3://stedi-lakehouse/zones',
  AWS_REGION: 'eu-west-1',
  PATH: process.env.PATH,
};
const ARGS = ['--target', 'prod', '--vars', '{landing_root: "s3://stedi-landing/stedi"}'];

let fake: FakeAthena;
beforeEach(() => (fake = new FakeAthena()));
afterEach(() => fake.restore());

/** The statements sent from `from` on, after the one that matches `pattern` (inclusive of nothing before it). */
function sentAfter(from: number, pattern: RegExp): string[] {
  const sent = fake.sent.slice(from);
  return sent.slice(sent.findIndex((s) => pattern.test(s)) + 1);
}

describe('write–audit–publish on Athena (scripted, no AWS)', () => {
  it('builds a new table under a temporary name, and when its audit fails, drops it without renaming anything', async () => {
    const dir = copyStediProject();
    fake.auditFailures.set('consented_customer_trusted_email', 2);
    const run = await cli(['run', ...ARGS, '--select', 'customer_trusted'], { cwd: dir, env: ENV });
    expect(run.code).toBe(1);
    const after = sentAfter(0, /^-- audit: consented_customer_trusted_email\n/);
    expect(after.filter((s) => /rename to|^merge into/.test(s))).toEqual([]);
    expect(after).toEqual([expect.stringMatching(/^drop table if exists `stedi`.`customer_trusted__tmp_\w+`$/)]);
    expect(fake.names().filter((n) => n.startsWith('customer_trusted'))).toEqual([]);
    const [result] = readTargetJson(dir, 'run_results.json').results;
    expect(result).toMatchObject({ name: 'customer_trusted', status: 'error' });
    expect(result.message).toContain(
      'was not published: test consented_customer_trusted_email found 2 failing rows in its new rows',
    );
  });

  it('keeps the published table when the audit of its replacement fails: no rename, the temporary table dropped', async () => {
    const dir = copyStediProject();
    expect((await cli(['run', ...ARGS, '--select', 'customer_trusted'], { cwd: dir, env: ENV })).code).toBe(0);
    const published = fake.catalog.get('customer_trusted');
    const start = fake.sent.length;
    fake.auditFailures.set('consented_customer_trusted_serialnumber', 1);
    const run = await cli(['run', ...ARGS, '--select', 'customer_trusted'], { cwd: dir, env: ENV });
    expect(run.code).toBe(1);
    const after = sentAfter(start, /^-- audit: consented_customer_trusted_serialnumber\n/);
    expect(after).toEqual([expect.stringMatching(/^drop table if exists `stedi`.`customer_trusted__tmp_\w+`$/)]);
    expect(fake.catalog.get('customer_trusted')).toBe(published);
    expect(fake.names().filter((n) => n.startsWith('customer_trusted'))).toEqual(['customer_trusted']);
  });

  it("sends no MERGE when an incremental model's audit fails; the purge is committed before, the staged rows dropped after", async () => {
    const dir = copyStediProject();
    expect((await cli(['run', ...ARGS], { cwd: dir, env: ENV })).code).toBe(0);
    const start = fake.sent.length;
    const writes = fake.writes.length;
    fake.auditFailures.set('consented_accelerometer_trusted_user', 3);
    const run = await cli(['run', ...ARGS, '--select', 'accelerometer_trusted'], { cwd: dir, env: ENV });
    expect(run.code).toBe(1);
    expect(fake.writes.slice(writes)).toEqual([{ verb: 'delete', table: 'accelerometer_trusted' }]);
    const sent = fake.sent.slice(start);
    expect(sent.some((s) => /^merge into/.test(s))).toBe(false);
    expect(sentAfter(start, /^-- audit: consented_accelerometer_trusted_user\n/)).toEqual([
      expect.stringMatching(/^drop table if exists `stedi`.`accelerometer_trusted__stedi_new_\w+`$/),
    ]);
    expect(fake.names().filter((n) => n.includes('__'))).toEqual([]);
    for (const sql of sent) expect(athenaSyntaxProblems(sql), sql).toEqual([]);
    expect(run.stdout).toContain('found 3 failing rows in its new rows');
  });
});
