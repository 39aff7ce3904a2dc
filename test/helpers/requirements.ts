import { describe, it } from 'vitest';
import { HAS_REAL_LANDING, NO_REAL_LANDING_REASON } from './stedi-project.js';

/** CI runs with CI=true: there, what a test needs must be present, or the run is not the check it claims to be. */
const IN_CI = Boolean(process.env.CI);

/**
 * describe() and it() for tests that need something a machine may lack (the real STEDI data, Chromium). Where it is
 * present they run; in CI its absence fails, naming what is missing; on a developer's machine they skip, saying why.
 * Never a passing placeholder.
 */
export function needing(available: boolean, missing: string) {
  const failInCi = () => {
    throw new Error(`${missing}. CI (CI=true) must provide it: tests that need it would otherwise check nothing.`);
  };
  return {
    describe(title: string, body: () => void): void {
      if (available) describe(title, body);
      else if (IN_CI) describe(title, () => it('has what it needs', failInCi));
      else {
        console.warn(`skipped: ${title}: ${missing}`);
        describe.skip(title, body);
      }
    },
    it(title: string, body: () => Promise<void> | void, timeout?: number): void {
      if (available) it(title, body, timeout);
      else if (IN_CI) it(title, failInCi);
      else {
        console.warn(`skipped: ${title}: ${missing}`);
        it.skip(title, body);
      }
    },
  };
}

/** Tests on the real STEDI landing data (../shared/stedi-landing or $STEDI_LANDING_DIR). */
export const withRealData = needing(HAS_REAL_LANDING, NO_REAL_LANDING_REASON);
