import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The benchmarks import the compiled tool from dist/ (built by npm ci); a module moved in src/ without its benchmark
// import following breaks `npm run bench` long after the change. Every benchmark module must load. run.mjs and
// replay-statements.mjs, lineage-cost.mjs and plain-script.mjs run when loaded; run.mjs imports the section modules checked here.
const BENCH = path.resolve(import.meta.dirname, '../../bench');
const SCRIPTS = new Set(['run.mjs', 'replay-statements.mjs', 'lineage-cost.mjs', 'plain-script.mjs']);
const modules = [
  ...readdirSync(BENCH).filter((f) => f.endsWith('.mjs') && !SCRIPTS.has(f)),
  ...readdirSync(path.join(BENCH, 'lib')).map((f) => `lib/${f}`),
];

describe('the benchmark modules', () => {
  it.each(modules)('%s loads', async (file) => {
    await expect(import(path.join(BENCH, file))).resolves.toBeDefined();
  });
});
