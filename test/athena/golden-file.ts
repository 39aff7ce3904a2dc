import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

/** Whether this run rewrites golden files: only `npm run golden:update` asks for it, and never in CI. */
const WRITING = process.env.STEDI_WRITE_GOLDEN === '1' && !process.env.CI;

/**
 * Compares text with its golden file. The golden is written only by `npm run golden:update` (then review the diff);
 * a missing golden fails, so a test never passes by comparing a file with itself.
 */
export function expectGolden(golden: string, text: string, label = path.basename(golden)): void {
  if (WRITING) {
    mkdirSync(path.dirname(golden), { recursive: true });
    writeFileSync(golden, text);
    return;
  }
  if (!existsSync(golden))
    throw new Error(`golden file ${golden} is missing: run \`npm run golden:update\` and review what it writes`);
  expect(text, label).toBe(readFileSync(golden, 'utf8'));
}
