import { expect } from 'vitest';
import { breakageSuite, expectedStatuses } from './breakage-suite.js';
import { AS_OF_BREAKAGES } from './breakages.js';
import { notPassing, stediTest } from './stedi-build.js';

// With consent_cutoff: as_of the consent tests with a reading time also reject readings taken before consent;
// the same tampered data passes under consent_cutoff: any, so it is the cutoff that fails them.
breakageSuite('stedi-models test on readings taken before consent (consent_cutoff: as_of)', AS_OF_BREAKAGES, {
  buildVars: { consent_cutoff: 'as_of' },
  // The unit test keeps_readings_of_consenting_customers_only expects a pre-consent reading to stay whatever the
  // run's consent_cutoff (models/trusted/_trusted_unit_tests.yml has no vars override), so it fails under as_of.
  args: ['--exclude', 'test_type:unit'],
  thenCheck: async (_breakage, { build, database }) => {
    const any = await stediTest(build, database, { vars: { consent_cutoff: 'any' } });
    expect(any.code, any.stdout).toBe(0);
    expect(notPassing(any)).toEqual(expectedStatuses([], ['ml_cross_customer_pairs']));
  },
});
