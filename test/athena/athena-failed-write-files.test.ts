import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, copyStediProject, readTargetJson } from '../helpers/stedi-project.js';
import { ATHENA_ARGS, ATHENA_ENV } from './athena-test-target.js';
import { FakeAthena } from './fake-athena.js';

const ENV = ATHENA_ENV;
const ARGS = [...ATHENA_ARGS, '--select', 'customer_trusted'];
const CTAS = /^create table "stedi"\."customer_trusted__tmp_\w+"/;

let fake: FakeAthena;
const s3 = mockClient(S3Client);
beforeEach(() => {
  fake = new FakeAthena();
  s3.reset();
});
afterEach(() => fake.restore());

describe('the files of a failed Athena write (scripted Athena, S3 through the SDK mock)', () => {
  it('deletes what a failed CTAS left at its build location, page by page, and says so', async () => {
    const dir = copyStediProject();
    fake.failing = {
      pattern: CTAS,
      message: 'HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers',
      times: 1,
    };
    s3.on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: 'a' }, { Key: 'b' }], IsTruncated: true, NextContinuationToken: 'next' })
      .resolves({ Contents: [{ Key: 'c' }], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});
    const run = await cli(['run', ...ARGS], { cwd: dir, env: ENV });
    expect(run.code).toBe(1);
    const lists = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(lists).toEqual([
      {
        Bucket: 'lake',
        Prefix: expect.stringMatching(/^zones\/stedi\/customer_trusted\/\w+\/$/),
        ContinuationToken: undefined,
      },
      { Bucket: 'lake', Prefix: lists[0]!.Prefix, ContinuationToken: 'next' },
    ]);
    // The folder is the failed CTAS's own, named in its statement.
    expect(fake.sent.find((sql) => CTAS.test(sql))).toContain(`location = 's3://lake/${lists[0]!.Prefix}'`);
    expect(
      s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete!.Objects!.map((o) => o.Key)),
    ).toEqual([['a', 'b'], ['c']]);
    const [result] = readTargetJson(dir, 'run_results.json').results;
    expect(result.status).toBe('error');
    expect(result.message).toContain('HIVE_TOO_MANY_OPEN_PARTITIONS');
    expect(result.message).toMatch(
      /Its partial files were deleted \(3 under s3:\/\/lake\/zones\/stedi\/customer_trusted\/\w+\/\)/,
    );
  });

  it('still reports the failure, and where the files are, when S3 refuses to delete them', async () => {
    const dir = copyStediProject();
    fake.failing = { pattern: CTAS, message: 'GENERIC_INTERNAL_ERROR: query failed', times: 1 };
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'a' }] });
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: 'a', Code: 'AccessDenied', Message: 'Access Denied' }] });
    const run = await cli(['run', ...ARGS], { cwd: dir, env: ENV });
    expect(run.code).toBe(1);
    const [result] = readTargetJson(dir, 'run_results.json').results;
    expect(result.message).toContain('GENERIC_INTERNAL_ERROR: query failed');
    expect(result.message).toMatch(
      /Its partial files under s3:\/\/lake\/zones\/stedi\/customer_trusted\/\w+\/ could not be deleted \(S3 refused to delete 1 files, first a: AccessDenied Access Denied\)/,
    );
  });

  it('sends nothing to S3 when the write succeeds', async () => {
    const dir = copyStediProject();
    expect((await cli(['run', ...ARGS], { cwd: dir, env: ENV })).code).toBe(0);
    expect(s3.calls()).toHaveLength(0);
  });
});
