import { beforeAll, expect, it } from 'vitest';
import { withRealData } from '../helpers/requirements.js';
import { REAL_LANDING, readTargetJson } from '../helpers/stedi-project.js';
import { expectedStatuses } from './breakage-suite.js';
import { buildStedi, notPassing, S, stediTest, tamperedCopy, type StediBuild } from './stedi-build.js';

type Result = { name: string; resource_type: string; status: string; failures: number | null };

withRealData.describe('stedi-models build on the real STEDI landing data with verify_reference_counts', () => {
  let build: StediBuild;
  beforeAll(async () => {
    build = await buildStedi(REAL_LANDING, { verify_reference_counts: true });
  });

  it('passes with exactly one warning: ml_cross_customer_pairs with 2,700 failing rows', () => {
    expect(build.run.code).toBe(0);
    const results = readTargetJson(build.project, 'run_results.json').results as Result[];
    expect(results.filter((r) => r.status !== 'pass' && r.status !== 'success')).toEqual([
      expect.objectContaining({ name: 'ml_cross_customer_pairs', status: 'warn', failures: 2700 }),
    ]);
    expect(results.filter((r) => r.resource_type === 'data_test').length).toBeGreaterThanOrEqual(32);
    expect(build.run.stdout).toMatch(/WARN test ml_cross_customer_pairs \.* \[2,700 failing rows in/);
    expect(build.run.stdout).toContain(
      'ml_cross_customer_pairs: 2,700 failing rows (warning). SQL: target/compiled/tests/ml_cross_customer_pairs.sql',
    );
    expect(build.run.stdout).toMatch(/0 failed, 0 skipped, 1 warned\./);
  });

  it('passes stedi-models test on the untouched build, reference row counts included', async () => {
    const run = await stediTest(build, await tamperedCopy(build, []));
    expect(run.code, run.stdout).toBe(0);
    expect(run.statuses.reference_row_count_customer_curated).toBe('pass');
    expect(notPassing(run)).toEqual({ ml_cross_customer_pairs: 'warn' });
  });

  it('fails reference_row_count_customer_curated when one row is deleted from customer_curated', async () => {
    // Every real curated customer has step trainer readings, so those readings lose their owner as well.
    const database = await tamperedCopy(build, [
      `delete from ${S}.customer_curated where email = (select min(email) from ${S}.customer_curated)`,
    ]);
    const run = await stediTest(build, database);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL test reference_row_count_customer_curated ');
    expect(notPassing(run)).toEqual(
      expectedStatuses(
        ['reference_row_count_customer_curated', 'relationships_step_trainer_trusted_serialnumber'],
        ['ml_cross_customer_pairs'],
        { referenceCounts: true },
      ),
    );
  });

  it('passes without any warning with ml_pairing: same_customer (40,981 training rows)', async () => {
    // Unit tests are left out: pairs_step_readings_with_every_phone_reading_of_the_same_instant assumes the default pairing.
    const same = await buildStedi(REAL_LANDING, { verify_reference_counts: true, ml_pairing: 'same_customer' }, [
      '--exclude',
      'test_type:unit',
    ]);
    const results = readTargetJson(same.project, 'run_results.json').results as Result[];
    expect(results.filter((r) => r.status !== 'pass' && r.status !== 'success')).toEqual([]);
    expect(results.find((r) => r.name === 'ml_cross_customer_pairs')).toMatchObject({ status: 'pass', failures: 0 });
    expect(same.run.stdout).toMatch(
      /OK table stedi\.machine_learning_curated \.* \[40,981 rows written, audited by \d+ tests in/,
    );
  });
});
