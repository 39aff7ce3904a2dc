import { describe, expect, it } from 'vitest';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';

// Four independent models, each long enough that the others start before it ends when they run at once.
const MODELS = Object.fromEntries(['a', 'b', 'c', 'd'].map((name) => [`models/${name}.sql`, "{{ config(materialized='table') }}\nselect sum(i % 7) as s from range(20000000) as t(i)"]));

type Timed = { name: string; started_at: string; completed_at: string };

/** The largest number of nodes that were running at one moment, from run_results.json. */
function mostAtOnce(results: readonly Timed[]): number {
  const spans = results.map((r) => [Date.parse(r.started_at), Date.parse(r.completed_at)] as const);
  return Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length));
}

describe('--threads on DuckDB', () => {
  it('runs independent models at the same time, up to --threads', async () => {
    const dir = fixtureProject(MODELS);
    for (const [threads, expected] of [[1, 1], [4, 4]] as const) {
      const run = await cli(['run', '--threads', String(threads)], { cwd: dir });
      expect(run.code, run.stdout).toBe(0);
      expect(run.stdout).toContain(`Running 4 nodes with ${threads} thread`);
      expect(mostAtOnce(readTargetJson(dir, 'run_results.json').results), `threads ${threads}`).toBe(expected);
    }
  });
});
