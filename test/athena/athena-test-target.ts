import type { AthenaTarget } from '../../src/adapters/athena/athena-target.js';

/** An Athena target for tests against the SDK mock: polls and backs off by 1 ms, no retries unless a test asks. */
export function athenaTestTarget(overrides: Partial<AthenaTarget> = {}): AthenaTarget {
  return {
    name: 'prod',
    type: 'athena',
    region: 'us-east-1',
    workgroup: 'primary',
    s3_staging_dir: 's3://results/',
    s3_data_dir: 's3://lake/zones',
    database: 'stedi',
    catalog: 'AwsDataCatalog',
    threads: 1,
    poll_interval_ms: 1,
    poll_interval_max_ms: 1,
    max_retries: 0,
    retry_backoff_ms: 1,
    retry_backoff_max_ms: 1,
    write_compression: 'ZSTD',
    ...overrides,
  };
}

/** What the CLI needs for the prod (Athena) target of the STEDI project against the SDK mock: no AWS account. */
export const ATHENA_ENV = {
  STEDI_S3_STAGING_DIR: 's3://results/q/',
  STEDI_S3_DATA_DIR: 's3://lake/zones',
  AWS_REGION: 'eu-west-1',
};

/** `run` or `build` arguments for that target, with the landing data in S3. */
export const ATHENA_ARGS = ['--target', 'prod', '--vars', '{landing_root: "s3://landing/stedi"}'];
