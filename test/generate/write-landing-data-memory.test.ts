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

/** Writes landing data for a number of customers; returns the bytes written and the live heap's peak growth. */
async function measuredWrite(customers: number): Promise<{ bytesWritten: number; heapGrowth: number; files: number }> {
  const outDir = join(await makeTempDir(), 'landing');
  const baseline = liveHeapBytes();
  let peak = baseline;
  const summary = await writeLandingData({
    outDir,
    customers,
    seed: 11,
    maxLinesPerFile: 50_000,
    onProgress: () => {
      peak = Math.max(peak, liveHeapBytes());
    },
  });
  expect(summary.customers).toBe(customers);
  let bytesWritten = 0;
  for (const file of summary.files) bytesWritten += (await stat(join(outDir, file.path))).size;
  return { bytesWritten, heapGrowth: peak - baseline, files: summary.files.length };
}

// Compared with a run ten times smaller rather than with a fixed bound: a writer that kept lines or customers would
// grow with the data (about 24 MB against 2.4 MB here), a streaming one stays at the same size (about 0.7 MB in both).
it('writes 20,000 customers with a live heap that does not grow with the data: ten times the bytes of 2,000, under three times the heap', async () => {
  const small = await measuredWrite(2_000);
  const large = await measuredWrite(20_000);
  expect(large.files).toBeGreaterThan(3);
  expect(large.bytesWritten).toBeGreaterThan(24 * MB);
  expect(large.bytesWritten).toBeGreaterThan(9 * small.bytesWritten);
  expect(large.heapGrowth).toBeLessThan(3 * Math.max(small.heapGrowth, 0.25 * MB));
}, 60_000);
