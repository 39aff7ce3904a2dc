import { describe, expect, it, vi } from 'vitest';
import { cli, copyStediProject } from '../helpers/stedi-project.js';

// Unit tests run on an in-memory DuckDB, never on the target: loading the AWS SDK at all fails the runs of this file.
vi.mock('@aws-sdk/client-athena', () => {
  throw new Error('the AWS SDK was loaded by an invocation of unit tests only');
});

// What the prod profile reads from the environment, and the pseudonym's salt; no AWS credentials.
const PROD_ENV = {
  STEDI_S3_STAGING_DIR: 's3://stedi-athena-results/queries/',
  STEDI_S3_DATA_DIR: 's3://stedi-lakehouse/zones',
  STEDI_SECRET_PSEUDONYM_SALT: 'pepper-for-tests',
};

describe('unit tests with --target prod (Athena)', () => {
  it('render machine_learning_curated with the DuckDB version of the pseudonym macro and pass on DuckDB, without the AWS SDK', async () => {
    const project = copyStediProject();
    const run = await cli(
      ['test', '--target', 'prod', '--select', 'test_type:unit', '--vars', '{ml_customer_pseudonym: true}'],
      { cwd: project, env: PROD_ENV },
    );
    for (const name of [
      'pairs_step_readings_with_every_phone_reading_of_the_same_instant',
      'pairs_only_the_owners_phone_with_same_customer',
      'gives_each_customer_a_salted_pseudonym',
    ]) {
      expect(run.stdout).toMatch(new RegExp(`PASS unit test machine_learning_curated\\.${name}`));
    }
    expect(run.stdout + run.stderr).not.toMatch(/FAIL|ERROR|to_utf8/);
    expect(run.code).toBe(0);
  });
});
