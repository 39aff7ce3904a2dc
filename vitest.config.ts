import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // DuckDB is a native addon; separate processes keep each test file's database handles apart.
    pool: 'forks',
    // fast-check's seed: pinned in CI, replayable with STEDI_PROPERTY_SEED (test/setup/property-seed.ts).
    setupFiles: ['test/setup/property-seed.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
