import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AthenaAdapter } from '../../src/adapters/athena/athena-adapter.js';
import { resolveTarget } from '../../src/project/profiles.js';
import { type AthenaTarget } from '../../src/adapters/athena/athena-target.js';
import { cli, copyStediProject, tempDir } from '../helpers/stedi-project.js';

const athena = mockClient(AthenaClient);
afterEach(() => athena.reset());

const PROD = `stedi:
  target: prod
  outputs:
    prod:
      type: athena
      region: eu-west-1
      database: stedi
      s3_staging_dir: s3://results/q/
      s3_data_dir: s3://lake/zones
`;

function prodTarget(extra: string): AthenaTarget {
  const dir = tempDir('stedi-profile-');
  writeFileSync(path.join(dir, 'profiles.yml'), `${PROD}${extra}`);
  return resolveTarget({ profilesDir: dir, profileName: 'stedi', render: (text) => text }) as AthenaTarget;
}

describe('the Athena profile', () => {
  it('sets how long the retries of a throttled request wait: retry_backoff_ms doubling up to retry_backoff_max_ms', async () => {
    const target = prodTarget(
      '      retry_backoff_ms: 200\n      retry_backoff_max_ms: 300\n      poll_interval_ms: 7\n      poll_interval_max_ms: 9\n',
    );
    expect(target).toMatchObject({
      retry_backoff_ms: 200,
      retry_backoff_max_ms: 300,
      poll_interval_ms: 7,
      poll_interval_max_ms: 9,
    });
    const throttled = () => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({ QueryExecutionId: 'q1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, StatementType: 'DDL' } });
    const sleeps: number[] = [];
    // Jitter at its maximum: each wait is the whole backoff.
    const adapter = AthenaAdapter.open(target, {
      client: new AthenaClient({ region: 'eu-west-1' }),
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 1,
    });
    await adapter.executePlan([{ sql: 'create schema if not exists `stedi`', purpose: 'create schema stedi' }]);
    expect(sleeps).toEqual([200, 300, 300, 7]);
  });

  it('defaults to a 1 s first retry backoff capped at 30 s', () => {
    expect(prodTarget('')).toMatchObject({
      retry_backoff_ms: 1000,
      retry_backoff_max_ms: 30_000,
      poll_interval_ms: 500,
      poll_interval_max_ms: 5000,
    });
  });

  it('refuses a cap below its first wait, naming the key', () => {
    expect(() => prodTarget('      retry_backoff_ms: 5000\n      retry_backoff_max_ms: 1000\n')).toThrow(
      'profiles.yml: stedi.outputs.prod.retry_backoff_max_ms: must be at least retry_backoff_ms',
    );
    expect(() => prodTarget('      poll_interval_ms: 900\n      poll_interval_max_ms: 100\n')).toThrow(
      'profiles.yml: stedi.outputs.prod.poll_interval_max_ms: must be at least poll_interval_ms',
    );
  });

  it('names every missing environment variable of the target at once, not only the first (debug --target prod)', async () => {
    const project = copyStediProject();
    const run = await cli(['debug', '--target', 'prod'], { cwd: project, env: {} });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('2 problems found');
    expect(run.stderr).toContain("(stedi.outputs.prod.s3_staging_dir): env_var('STEDI_S3_STAGING_DIR') is not set");
    expect(run.stderr).toContain("(stedi.outputs.prod.s3_data_dir): env_var('STEDI_S3_DATA_DIR') is not set");
  });

  it('reports every problem of a target at once, each with file and key path (exit 2)', async () => {
    const dir = copyStediProject();
    const profiles = path.join(dir, 'profiles-bad');
    mkdirSync(profiles);
    writeFileSync(
      path.join(profiles, 'profiles.yml'),
      `${PROD}      threads: 0\n      s3_data_dir_typo: s3://lake\n      retry_backoff_ms: soon\n`.replace(
        's3_data_dir: s3://lake/zones',
        's3_data_dir: lake/zones',
      ),
    );
    const run = await cli(['compile', '--profiles-dir', profiles], { cwd: dir, env: {} });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('4 problems found');
    for (const problem of [
      'profiles.yml: stedi.outputs.prod.s3_data_dir: must be an s3:// URI',
      'profiles.yml: stedi.outputs.prod.threads:',
      'profiles.yml: stedi.outputs.prod.retry_backoff_ms:',
      's3_data_dir_typo',
    ])
      expect(run.stderr).toContain(problem);
  });
});
