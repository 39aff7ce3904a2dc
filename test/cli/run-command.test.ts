import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';

// The models read var('greeting'), which the project file sets.
const GREETING = { vars: { greeting: 'hello' } };

const GOOD = {
  'models/base.sql': "select 1 as id, '{{ var(\"greeting\") }}' as word union all select 2, 'there'",
  'models/doubled.sql': "select id * 2 as id from {{ ref('base') }}",
  'models/leaf.sql': "select count(*) as n from {{ ref('doubled') }}",
  'models/independent.sql': 'select 42 as answer',
};

async function query(dir: string, sql: string) {
  const adapter = await DuckDbAdapter.open({ path: 'target/fixture.duckdb', settings: {} }, dir);
  try {
    return await adapter.query(sql);
  } finally {
    await adapter.close();
  }
}

describe('stedi-models run', () => {
  it('builds models in dependency order, prints a line per model and exits 0', async () => {
    const dir = fixtureProject(GOOD, GREETING);
    const run = await cli(['run'], { cwd: dir });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n').filter((l) => / OK /.test(l));
    expect(lines).toHaveLength(4);
    expect(lines.findIndex((l) => l.includes('analytics.base'))).toBeLessThan(
      lines.findIndex((l) => l.includes('analytics.doubled')),
    );
    expect(run.stdout).toMatch(/Finished in .*: 4 succeeded, 0 failed, 0 skipped\./);
    expect(await query(dir, 'select * from analytics.leaf')).toEqual([{ n: 2 }]);
  });

  it('starts with a header: version, command, target, engine, where, and what it found and selected', async () => {
    const dir = fixtureProject(GOOD, GREETING);
    const run = await cli(['run', '--select', 'leaf'], { cwd: dir });
    const [first, second] = run.stdout.split('\n');
    expect(first).toMatch(
      /^\d\d:\d\d:\d\d {2}stedi-models \d+\.\d+\.\d+ run on target dev \(DuckDB, target\/fixture\.duckdb\)$/,
    );
    expect(second).toMatch(/^\d\d:\d\d:\d\d {2}Found 4 models; 1 selected$/);
  });

  it('says what a row count counts: the rows a model wrote', async () => {
    const dir = fixtureProject({
      'models/two.sql': "{{ config(materialized='table') }} select 1 as id union all select 2",
    });
    const run = await cli(['run'], { cwd: dir });
    expect(run.stdout).toMatch(/OK table analytics\.two .*\[2 rows written in /);
  });

  it('skips the descendants of a failed model, runs independent ones, and exits 1 naming the model, file and engine error', async () => {
    const dir = fixtureProject(
      { ...GOOD, 'models/doubled.sql': "select id * 2 as id, no_such_column from {{ ref('base') }}" },
      GREETING,
    );
    const run = await cli(['run'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ERROR .*doubled/);
    expect(run.stdout).toMatch(/SKIP leaf/);
    expect(run.stdout).toMatch(/OK table|OK view analytics.independent/);
    expect(run.stdout).toContain('Model doubled (models/doubled.sql) failed');
    expect(run.stdout).toContain('no_such_column');
    expect(run.stdout).toContain('Compiled SQL: target/compiled/models/doubled.sql');
    const results = readTargetJson(dir, 'run_results.json').results as Array<{
      name: string;
      status: string;
      message: string | null;
    }>;
    expect(Object.fromEntries(results.map((r) => [r.name, r.status]))).toEqual({
      base: 'success',
      doubled: 'error',
      leaf: 'skipped',
      independent: 'success',
    });
    expect(results.find((r) => r.name === 'leaf')!.message).toContain('upstream doubled failed');
  });

  it('keeps the previous table intact when its rebuild fails', async () => {
    const dir = fixtureProject({
      'models/kept.sql': "{{ config(materialized='table') }}\nselect 1 as id union all select 2",
    });
    expect((await cli(['run'], { cwd: dir })).code).toBe(0);
    // The new version fails half-way through (a division error while rows are being written).
    writeFileSync(
      path.join(dir, 'models/kept.sql'),
      "{{ config(materialized='table') }}\nselect case when id = 999999 then cast(error('boom at row ' || id) as bigint) else id end as id from range(1000000) t(id)",
    );
    const failed = await cli(['run'], { cwd: dir });
    expect(failed.code).toBe(1);
    expect(await query(dir, 'select id from analytics.kept order by id')).toEqual([{ id: 1 }, { id: 2 }]);
    const leftovers = await query(
      dir,
      "select table_name from information_schema.tables where table_name like '%stedi_tmp%'",
    );
    expect(leftovers).toEqual([]);
  });

  it('replaces a view with a table and a table with a view', async () => {
    const dir = fixtureProject({ 'models/shape.sql': "{{ config(materialized='view') }}\nselect 1 as id" });
    expect((await cli(['run'], { cwd: dir })).code).toBe(0);
    writeFileSync(path.join(dir, 'models/shape.sql'), "{{ config(materialized='table') }}\nselect 2 as id");
    expect((await cli(['run'], { cwd: dir })).code).toBe(0);
    expect(await query(dir, "select table_type from information_schema.tables where table_name = 'shape'")).toEqual([
      { table_type: 'BASE TABLE' },
    ]);
    writeFileSync(path.join(dir, 'models/shape.sql'), "{{ config(materialized='view') }}\nselect 3 as id");
    expect((await cli(['run'], { cwd: dir })).code).toBe(0);
    expect(await query(dir, "select table_type from information_schema.tables where table_name = 'shape'")).toEqual([
      { table_type: 'VIEW' },
    ]);
    expect(await query(dir, 'select id from analytics.shape')).toEqual([{ id: 3 }]);
  });

  it('writes manifest.json with nodes, dependencies, config and compiled SQL', async () => {
    const dir = fixtureProject(GOOD, GREETING);
    await cli(['run', '--select', 'doubled'], { cwd: dir, env: {} });
    const manifest = readTargetJson(dir, 'manifest.json');
    const doubled = manifest.nodes['model.fixture.doubled'];
    expect(doubled.depends_on.nodes).toEqual(['model.fixture.base']);
    expect(doubled.config.materialized).toBe('view');
    expect(doubled.compiled_code).toBe('select id * 2 as id from "fixture"."analytics"."base"');
    expect(manifest.child_map['model.fixture.base']).toContain('model.fixture.doubled');
  });

  it('prints one JSON event per line with --log-format json', async () => {
    const dir = fixtureProject(GOOD, GREETING);
    const run = await cli(['run', '--log-format', 'json'], { cwd: dir });
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events[0].type).toBe('invocation_started');
    expect(events[0]).toMatchObject({ target: 'dev', engine: 'DuckDB', selected: 4, dry_run: false });
    expect(events[1].type).toBe('run_started');
    expect(events.filter((e) => e.type === 'node_finished').map((e) => e.result.status)).toEqual([
      'success',
      'success',
      'success',
      'success',
    ]);
    expect(events.at(-1).type).toBe('run_finished');
  });

  it('with --log-format json, writes every event as one JSON line on stdout with snake_case keys, errors included', async () => {
    const dir = fixtureProject(GOOD, GREETING);
    const lines = (text: string) =>
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const keys = (value: unknown): string[] =>
      value && typeof value === 'object'
        ? Object.entries(value).flatMap(([k, v]) => [...(Array.isArray(value) ? [] : [k]), ...keys(v)])
        : [];
    const run = await cli(['run', '--log-format', 'json', '--select', 'nothing_*'], { cwd: dir });
    const ran = await cli(['run', '--log-format', 'json'], { cwd: dir });
    writeFileSync(path.join(dir, 'models/leaf.sql'), "select * from {{ ref('doubld') }}");
    const broken = await cli(['run', '--log-format', 'json'], { cwd: dir });
    const usage = await cli(['run', '--log-format', 'json', '--no-such-option'], { cwd: dir });
    for (const invocation of [run, ran, broken, usage]) {
      expect(invocation.stderr).toBe('');
      for (const event of lines(invocation.stdout)) {
        expect(event.level).toMatch(/^(info|warn|error)$/);
        for (const key of keys(event)) expect(key).toMatch(/^[a-z0-9_]+$/);
      }
    }
    expect(lines(run.stdout).find((e) => e.type === 'warning')?.message).toContain('Nothing selected');
    const finished = lines(ran.stdout).find((e) => e.type === 'node_finished')!.result as Record<string, unknown>;
    expect(finished).toMatchObject({
      unique_id: expect.stringMatching(/^model\.fixture\./),
      status: 'success',
      resource_type: 'model',
    });
    expect(lines(broken.stdout)).toEqual([
      expect.objectContaining({ type: 'error', level: 'error', message: expect.stringContaining("ref('doubld')") }),
    ]);
    expect(broken.code).toBe(2);
    expect(lines(usage.stdout)[0]).toMatchObject({
      type: 'error',
      message: expect.stringContaining('--no-such-option'),
    });
    expect(usage.code).toBe(2);
  });

  it('exits 2 with a clear message on a usage error or a missing project', async () => {
    const dir = fixtureProject(GOOD, GREETING);
    const usage = await cli(['run', '--no-such-option'], { cwd: dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("unknown option '--no-such-option'");
    const missing = await cli(['run', '--project-dir', path.join(dir, 'nowhere')], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No stedi_project.yml found');
    const badVars = await cli(['run', '--vars', '[1, 2]'], { cwd: dir });
    expect(badVars.code).toBe(2);
    expect(badVars.stderr).toContain('--vars: expected a mapping');
    const badTarget = await cli(['run', '--target', 'nope'], { cwd: dir });
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toContain("no target named 'nope'");
    const noTag = await cli(['run', '-s', 'tag:trsuted'], { cwd: dir });
    expect(noTag.code).toBe(2);
    expect(noTag.stderr).toContain("Selector 'tag:trsuted' matches no node: no node has the tag 'trsuted'.");
  });

  it('compiles to target/compiled without connecting, and lists nodes as JSON', async () => {
    const dir = fixtureProject(GOOD, GREETING);
    const compiled = await cli(['compile'], { cwd: dir });
    expect(compiled.code).toBe(0);
    expect(readFileSync(path.join(dir, 'target/compiled/models/leaf.sql'), 'utf8')).toContain(
      'from "fixture"."analytics"."doubled"',
    );
    expect(existsSync(path.join(dir, 'target/fixture.duckdb'))).toBe(false);
    const ls = await cli(['ls', '--select', '+leaf', '--output', 'json'], { cwd: dir });
    expect(
      ls.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).name),
    ).toEqual(['base', 'doubled', 'leaf']);
  });

  it('checks the profile and the connection with debug, and removes target/ with clean', async () => {
    const dir = fixtureProject(GOOD, GREETING);
    const debug = await cli(['debug'], { cwd: dir });
    expect(debug.code).toBe(0);
    expect(debug.stdout).toContain('connection: engine=duckdb');
    expect(debug.stdout).toContain('All checks passed.');
    expect((await cli(['clean'], { cwd: dir })).code).toBe(0);
    expect(existsSync(path.join(dir, 'target'))).toBe(false);
  });
});
