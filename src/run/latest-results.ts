import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { targetDir, writeArtifact } from '../compile/artifacts.js';
import type { ProjectGraph } from '../compile/compile-project.js';
import { resultRecord, type NodeResult } from './node-result.js';

/**
 * target/latest_results.json: each node's result from the latest invocation that ran it. run_results.json holds the
 * last invocation only, so after a `run` (which runs no test) every test would look "not run" although the `build`
 * before it passed them; the docs site reads this file for what run_results.json does not say.
 */
export const LATEST_RESULTS_FILE = 'latest_results.json';

function previous(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { results?: Record<string, unknown> };
    return parsed.results && typeof parsed.results === 'object' ? parsed.results : {};
  } catch {
    // A damaged history only loses older statuses: this invocation's are written afresh.
    return {};
  }
}

/** Adds this invocation's results to latest_results.json; a node it did not run keeps its older result. */
export function updateLatestResults(context: ProjectGraph, command: string, results: readonly NodeResult[]): void {
  const file = path.join(targetDir(context), LATEST_RESULTS_FILE);
  const merged = previous(file);
  const invocation = { command, generated_at: new Date().toISOString() };
  for (const result of results) {
    // A node skipped for another's sake or by an interruption did not run: its last real result stands.
    if (result.skip === 'upstream' || result.skip === 'interrupted') continue;
    merged[result.uniqueId] = { ...resultRecord(result), invocation };
  }
  writeArtifact(context, file, `${JSON.stringify({ results: merged }, null, 2)}\n`);
}
