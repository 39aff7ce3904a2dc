import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCount as thousands } from '../../src/format-count.js';

describe('reporter number formatting', () => {
  it('writes counts with thousands separators exactly as en-US does', () => {
    expect(thousands(0)).toBe('0');
    expect(thousands(999)).toBe('999');
    expect(thousands(43681)).toBe('43,681');
    expect(thousands(14148898)).toBe('14,148,898');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (n) => thousands(n) === n.toLocaleString('en-US'),
      ),
    );
  });
});
