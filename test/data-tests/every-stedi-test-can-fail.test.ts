import { describe, expect, it } from 'vitest';
import {
  AS_OF_BREAKAGES,
  CONSENT_BREAKAGES,
  IDENTIFIER_BREAKAGES,
  KEY_BREAKAGES,
  REFERENCE_TESTS,
} from './breakages.js';
import { cli, copyStediProject } from '../helpers/stedi-project.js';

// The breakage tables are what the *-breakages test files run; ml_cross_customer_pairs is a warning, shown to
// warn on cross-customer pairs in ml-pairing-warning.test.ts.
const SHOWN_TO_FAIL = new Set([
  ...[...CONSENT_BREAKAGES, ...KEY_BREAKAGES, ...IDENTIFIER_BREAKAGES, ...AS_OF_BREAKAGES].flatMap((b) => b.fails),
  ...Object.values(REFERENCE_TESTS),
]);
const SHOWN_TO_WARN = new Set(['ml_cross_customer_pairs']);

describe('the STEDI project', () => {
  it('has no data test that some breakage of the data does not show failing', async () => {
    const project = copyStediProject();
    const ls = await cli(['ls', '--select', 'resource_type:data_test', '--output', 'json'], { cwd: project });
    expect(ls.code, ls.stderr).toBe(0);
    const declared = ls.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).name as string);
    expect(declared.length).toBeGreaterThanOrEqual(32);
    const neverBroken = declared.filter((name) => !SHOWN_TO_FAIL.has(name) && !SHOWN_TO_WARN.has(name));
    expect(neverBroken, 'add a Breakage to test/data-tests/breakages.ts for each of these').toEqual([]);
    expect(
      [...SHOWN_TO_FAIL].filter((name) => !declared.includes(name)),
      'breakages name tests that do not exist',
    ).toEqual([]);
  });
});
