import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTargetJson } from '../helpers/stedi-project.js';
import { expectedStatuses } from './breakage-suite.js';
import { REFERENCE_TESTS } from './breakages.js';
import {
  buildStedi,
  generatedLanding,
  notPassing,
  S,
  sqlString,
  stediTest,
  tamperedCopy,
  type StediBuild,
} from './stedi-build.js';

const seedRow = (relation: string) =>
  `relation = ${sqlString(relation)} and consent_cutoff = 'any' and ml_pairing = ${sqlString(relation === 'machine_learning_curated' ? 'timestamp' : 'any')}`;

// The generated data is not the reference data, so the seed table of the built database is first set to the counts
// the build produced: then the reference tests pass, and each way of making a count differ must fail its test.
const SEED_TO_BUILT_COUNTS = Object.keys(REFERENCE_TESTS).map(
  (relation) =>
    `update ${S}.reference_row_counts set "rows" = (select count(*) from ${S}.${relation}) where ${seedRow(relation)}`,
);
const VERIFY = { verify_reference_counts: true };
const SWITCHED_OFF =
  "verify_reference_counts is off (row counts are compared only on the reference STEDI data); turn it on with --vars '{verify_reference_counts: true}'";
const CURATED_WITHOUT_STEPS = `select email from ${S}.customer_curated where serialnumber not in (select serialnumber from ${S}.step_trainer_trusted) order by email limit 1`;

describe('reference_row_count on generated data with the seed set to the built counts', () => {
  let build: StediBuild;
  beforeAll(async () => {
    build = await buildStedi(await generatedLanding());
  });

  it('passes every reference_row_count test when each relation has its reference count', async () => {
    const run = await stediTest(build, await tamperedCopy(build, SEED_TO_BUILT_COUNTS), { vars: VERIFY });
    expect(run.code, run.stdout).toBe(0);
    for (const name of Object.values(REFERENCE_TESTS)) expect(run.statuses[name]).toBe('pass');
    expect(notPassing(run)).toEqual({ ml_cross_customer_pairs: 'warn' });
  });

  for (const [relation, name] of Object.entries(REFERENCE_TESTS)) {
    it(`fails ${name} alone when ${relation} has one row fewer than its reference count`, async () => {
      const database = await tamperedCopy(build, [
        ...SEED_TO_BUILT_COUNTS,
        `update ${S}.reference_row_counts set "rows" = "rows" + 1 where ${seedRow(relation)}`,
      ]);
      const run = await stediTest(build, database, { vars: VERIFY });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`FAIL test ${name} `));
      expect(notPassing(run)).toEqual(expectedStatuses([name], ['ml_cross_customer_pairs'], { referenceCounts: true }));
    });
  }

  it('fails reference_row_count_customer_curated when a row is deleted from customer_curated', async () => {
    const database = await tamperedCopy(build, [
      ...SEED_TO_BUILT_COUNTS,
      `delete from ${S}.customer_curated where email = (${CURATED_WITHOUT_STEPS})`,
    ]);
    const run = await stediTest(build, database, { vars: VERIFY });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL test reference_row_count_customer_curated ');
    expect(notPassing(run)).toEqual(
      expectedStatuses(['reference_row_count_customer_curated'], ['ml_cross_customer_pairs'], {
        referenceCounts: true,
      }),
    );
  });

  it('is skipped without verify_reference_counts, saying why and how to turn it on, so other data never fails it', async () => {
    const database = await tamperedCopy(build, [
      `delete from ${S}.customer_curated where email = (${CURATED_WITHOUT_STEPS})`,
    ]);
    const run = await stediTest(build, database, { args: ['--junit', 'junit.xml'] });
    expect(run.code, run.stdout).toBe(0);
    const results = readTargetJson(build.project, 'run_results.json').results as Array<{
      name: string;
      status: string;
      skip_cause?: string;
      message: string | null;
    }>;
    const junit = readFileSync(path.join(build.project, 'junit.xml'), 'utf8');
    for (const name of Object.values(REFERENCE_TESTS)) {
      expect(results.find((r) => r.name === name)).toMatchObject({
        status: 'skipped',
        skip_cause: 'switched_off',
        message: SWITCHED_OFF,
      });
      expect(run.stdout).toMatch(new RegExp(`SKIP test ${name}: verify_reference_counts is off \\(`));
      expect(junit).toContain(`<testcase classname="stedi-models test.data_test" name="${name}" time="`);
      expect(junit).toMatch(
        new RegExp(`name="${name}" time="[\\d.]+">\\s*<skipped message="verify_reference_counts is off \\(row counts`),
      );
    }
  });

  it('fails when the seed has no reference count for the relation under the run’s vars', async () => {
    const database = await tamperedCopy(build, [
      ...SEED_TO_BUILT_COUNTS,
      `delete from ${S}.reference_row_counts where ${seedRow('customer_curated')}`,
    ]);
    const run = await stediTest(build, database, { vars: VERIFY });
    expect(run.code).toBe(1);
    expect(notPassing(run)).toEqual(
      expectedStatuses(['reference_row_count_customer_curated'], ['ml_cross_customer_pairs'], {
        referenceCounts: true,
      }),
    );
  });
});
