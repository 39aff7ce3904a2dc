import { beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_TESTS, type Breakage } from './breakages.js';
import {
  buildStedi,
  generatedLanding,
  landingFacts,
  notPassing,
  stediTest,
  tamperedCopy,
  type LandingFacts,
  type StediBuild,
  type Vars,
} from './stedi-build.js';

/**
 * What a run's statuses must be: the listed failures, the listed warnings, everything else passing; and the eight
 * reference_row_count tests skipped, unless the run verifies reference counts (they are switched off without it).
 */
export function expectedStatuses(
  fails: readonly string[],
  warns: readonly string[],
  options: { referenceCounts?: boolean } = {},
): Record<string, string> {
  const switchedOff = options.referenceCounts ? [] : Object.values(REFERENCE_TESTS).map((n) => [n, 'skipped']);
  return Object.fromEntries([...switchedOff, ...fails.map((n) => [n, 'fail']), ...warns.map((n) => [n, 'warn'])]);
}

/**
 * Builds the STEDI project once on generated data (with `buildVars`), checks that the untouched build passes, then
 * runs `stedi-models test` on a tampered copy of the database per breakage and checks that exactly the expected
 * tests fail, by name, with exit code 1.
 */
export function breakageSuite(
  title: string,
  breakages: readonly Breakage[],
  options: {
    buildVars?: Vars;
    args?: readonly string[];
    thenCheck?: (b: Breakage, ctx: { build: StediBuild; database: string }) => Promise<void>;
  } = {},
): void {
  describe(title, () => {
    let build: StediBuild;
    let facts: LandingFacts;
    beforeAll(async () => {
      const landing = await generatedLanding();
      facts = landingFacts(landing);
      build = await buildStedi(landing, options.buildVars, options.args);
    });

    it('passes every STEDI test on the untouched build, with only the cross-customer pairing warning', async () => {
      const run = await stediTest(build, await tamperedCopy(build, []));
      expect(run.code, run.stdout).toBe(0);
      expect(run.dataTests.length).toBeGreaterThanOrEqual(32);
      expect(notPassing(run)).toEqual(expectedStatuses([], ['ml_cross_customer_pairs']));
    });

    for (const breakage of breakages) {
      it(breakage.it, async () => {
        const database = await tamperedCopy(build, breakage.tamper(facts));
        const run = await stediTest(build, database, { vars: breakage.vars });
        expect(run.code, run.stdout + run.stderr).toBe(1);
        for (const name of breakage.fails) {
          expect(run.stdout).toMatch(new RegExp(`\\d+ of \\d+ FAIL test ${name} `));
          expect(run.failures[name]).toBeGreaterThan(0);
        }
        expect(notPassing(run)).toEqual(
          expectedStatuses(breakage.fails, breakage.warns ?? ['ml_cross_customer_pairs']),
        );
        await options.thenCheck?.(breakage, { build, database });
      });
    }
  });
}
