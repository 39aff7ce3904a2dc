import { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { executeProject } from '../../src/run/run-project.js';
import { fixtureProject } from '../helpers/fixture-project.js';

// Four independent models. Their CREATE TABLE statements are recognised by the marker in their query.
const MODELS = Object.fromEntries(
  ['a', 'b', 'c', 'd'].map((name) => [
    `models/${name}.sql`,
    `{{ config(materialized='table') }}\nselect '${name}' as model, 'thread-marker' as marker`,
  ]),
);
const isModelWrite = (sql: string) => /^create table [\s\S]*'thread-marker'/i.test(sql);

/**
 * Watches the statements DuckDB runs, through every connection: how many model writes were running at one moment
 * (started, not yet answered). With a barrier of n, each model write waits until n are running before it goes on, so
 * the run completes only if n really run at once; a run that never gets there fails after the wait, saying so. No
 * clock decides the result.
 */
function watchModelWrites(barrier?: number): { most: () => number; seen: () => number } {
  const original = DuckDBConnection.prototype.runAndReadAll;
  let running = 0;
  let most = 0;
  let seen = 0;
  let release: () => void = () => undefined;
  const allThere = new Promise<void>((resolve) => (release = resolve));
  // One wait for the whole run: once it is over, every write still waiting fails at once.
  const broken = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`only ${most} model writes ever ran at once, not ${barrier}`)), 30_000).unref(),
  );
  broken.catch(() => undefined);
  vi.spyOn(DuckDBConnection.prototype, 'runAndReadAll').mockImplementation(async function (
    this: DuckDBConnection,
    ...args: Parameters<DuckDBConnection['runAndReadAll']>
  ) {
    if (!isModelWrite(String(args[0]))) return original.apply(this, args);
    seen++;
    most = Math.max(most, ++running);
    try {
      if (barrier !== undefined) {
        if (running >= barrier) release();
        await Promise.race([allThere, broken]);
      }
      return await original.apply(this, args);
    } finally {
      running--;
    }
  });
  return { most: () => most, seen: () => seen };
}

afterEach(() => vi.restoreAllMocks());

describe('--threads on DuckDB', () => {
  it('runs four independent models at the same time with --threads 4, each on its own connection', async () => {
    const dir = fixtureProject(MODELS);
    const watch = watchModelWrites(4);
    const outcome = await executeProject('run', { projectDir: dir, threads: 4 });
    expect(outcome.results.map((r) => [r.name, r.status]).sort()).toEqual(
      ['a', 'b', 'c', 'd'].map((name) => [name, 'success']),
    );
    expect(watch.most()).toBe(4);
  });

  it('runs them one after another with --threads 1', async () => {
    const dir = fixtureProject(MODELS);
    const watch = watchModelWrites();
    const outcome = await executeProject('run', { projectDir: dir, threads: 1 });
    expect(outcome.results.filter((r) => r.status === 'success')).toHaveLength(4);
    expect(watch.seen()).toBe(4);
    expect(watch.most()).toBe(1);
  });
});
