// Streaming must keep memory flat: live heap is sampled (after a forced GC) while a run writes far more
// bytes than the allowed growth, so a writer that held customers or lines in memory would fail.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, expect, it } from 'vitest';
import { writeLandingData } from '../../src/generate/write-landing-data.js';
import { makeTempDir, removeTempDirs } from './landing-files.js';

afterAll(removeTempDirs);

// Expose V8's gc() at run time, so the test needs no special flags from the runner.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function liveHeapBytes(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const MB = 1024 * 1024;

it('writes 20,000 customers while its live heap grows by far less than the bytes it writes', async () => {
  const outDir = join(await makeTempDir(), 'landing');
  const baseline = liveHeapBytes();
  let peak = baseline;
  const summary = await writeLandingData({
    outDir,
    customers: 20_000,
    seed: 11,
    maxLinesPerFile: 50_000,
    onProgress: () => {
      peak = Math.max(peak, liveHeapBytes());
    },
  });

  let bytesWritten = 0;
  for (const file of summary.files) bytesWritten += (await stat(join(outDir, file.path))).size;
  expect(summary.customers).toBe(20_000);
  expect(summary.files.length).toBeGreaterThan(3);
  expect(bytesWritten).toBeGreaterThan(24 * MB);
  expect(peak - baseline).toBeLessThan(12 * MB);
}, 60_000);
