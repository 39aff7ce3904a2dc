import { describe, expect, it } from 'vitest';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';

// Tables whose newest row is 10 minutes, 3 hours and 3 days old when the check runs (the engine's clock decides).
const loadedAgo = (interval: string) =>
  `{{ config(materialized='table') }}\nselect cast(current_timestamp as timestamp) - interval '${interval}' as loaded_at, 1 as kept`;

const PROJECT = {
  'models/fresh_events.sql': loadedAgo('10 minutes'),
  'models/late_events.sql': loadedAgo('3 hours'),
  'models/old_events.sql': loadedAgo('3 days'),
  'models/_sources.yml': `sources:
  - name: raw
    schema: analytics
    loaded_at_field: loaded_at
    freshness:
      warn_after: { count: 1, period: hour }
      error_after: { count: 1, period: day }
    tables:
      - name: fresh
        identifier: fresh_events
      - name: late
        identifier: late_events
      - name: old
        identifier: old_events
      - name: filtered
        identifier: old_events
        freshness:
          warn_after: { count: 1, period: hour }
          filter: kept = 0
      - name: unchecked
        identifier: old_events
        freshness: null
`,
};

describe('source freshness, as dbt', () => {
  it('passes, warns and fails by warn_after and error_after, writes target/sources.json, and exits 1 on an error', async () => {
    const dir = fixtureProject(PROJECT);
    expect((await cli(['run'], { cwd: dir })).code).toBe(0);
    const run = await cli(['source', 'freshness'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/PASS freshness of raw\.fresh \(newest row \d+s old/);
    expect(run.stdout + run.stderr).toMatch(/WARN freshness of raw\.late/);
    expect(run.stdout + run.stderr).toMatch(/ERROR freshness of raw\.old/);
    expect(run.stdout + run.stderr).toContain(
      'ERROR freshness of raw.filtered: raw.filtered has no row with a loaded_at.',
    );
    const results = readTargetJson(dir, 'sources.json').results as Array<Record<string, unknown>>;
    const byId = Object.fromEntries(results.map((r) => [r.unique_id, r]));
    expect(Object.keys(byId).sort()).toEqual(
      ['filtered', 'fresh', 'late', 'old'].map((t) => `source.fixture.raw.${t}`),
    );
    expect(byId['source.fixture.raw.late']).toMatchObject({
      status: 'warn',
      criteria: { warn_after: { count: 1, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: null },
    });
    const late = byId['source.fixture.raw.late']!.max_loaded_at_time_ago_in_s as number;
    expect(late).toBeGreaterThanOrEqual(3 * 3600);
    expect(byId['source.fixture.raw.old']).toMatchObject({ status: 'error' });
    expect(byId['source.fixture.raw.fresh']).toMatchObject({ status: 'pass' });

    const passing = await cli(['source', 'freshness', '--select', 'source:raw.fresh', '-o', 'fresh.json'], {
      cwd: dir,
    });
    expect(passing.code).toBe(0);
    expect(readTargetJson(dir, '../fresh.json').results).toHaveLength(1);
  });

  it('reports a table it cannot query as a runtime error naming it, and a missing loaded_at_field with the fix', async () => {
    const dir = fixtureProject({
      'models/_sources.yml': `sources:
  - name: raw
    schema: analytics
    freshness: { warn_after: { count: 1, period: hour } }
    tables:
      - name: nowhere
        loaded_at_field: loaded_at
      - name: unstamped
`,
    });
    const run = await cli(['source', 'freshness'], { cwd: dir });
    expect(run.code).toBe(1);
    const out = run.stdout + run.stderr;
    expect(out).toMatch(/RUNTIME ERROR freshness of raw\.nowhere: raw\.nowhere: .*nowhere/);
    expect(out).toContain(
      'models/_sources.yml: source raw.unstamped has freshness but no loaded_at_field; add loaded_at_field: <timestamp column> to the table or its source.',
    );
  });

  it('refuses a freshness period dbt does not know, with the file and key path', async () => {
    const dir = fixtureProject({
      'models/_sources.yml': `sources:
  - name: raw
    tables:
      - name: events
        freshness: { warn_after: { count: 1, period: hours } }
`,
    });
    const run = await cli(['source', 'freshness'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('models/_sources.yml');
    expect(run.stderr).toContain('freshness.warn_after.period');
  });
});
