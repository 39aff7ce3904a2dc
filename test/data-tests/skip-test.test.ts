import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';

type Result = { name: string; status: string; skip_cause?: string; message: string | null; sql_path: string | null };

const RAW = { 'models/raw.sql': "{{ config(materialized='table') }}\nselect * from (values (1), (null)) as t(id)" };

// A generic test that checks only where a var says the data allows it, as reference_row_count does.
const CHECKED_WHEN_ASKED = `{% test null_free_when_asked(model, column_name) %}
{%- if not var('check_nulls', false) %}{{ skip_test("check_nulls is off; turn it on with --vars '{check_nulls: true}'") }}{% endif %}
select * from {{ model }} where {{ column_name }} is null
{% endtest %}
`;
const SCHEMA =
  'version: 2\nmodels:\n  - name: raw\n    columns:\n      - name: id\n        tests: [null_free_when_asked]\n';

async function test(dir: string, args: readonly string[] = []) {
  const run = await cli(['test', ...args], { cwd: dir });
  const results = readTargetJson(dir, 'run_results.json').results as Result[];
  return { ...run, results, byName: Object.fromEntries(results.map((r) => [r.name, r])) };
}

describe('skip_test(reason) in a data test', () => {
  it('reports a singular test that calls it as skipped with its reason, in the line, run_results.json and JUnit, and exits 0', async () => {
    const dir = fixtureProject({
      ...RAW,
      'tests/ids_known.sql':
        "{{ skip_test('ids are checked by the upstream system') }}\nselect * from {{ ref('raw') }} where id is null",
    });
    expect((await cli(['run'], { cwd: dir })).code).toBe(0);
    const run = await test(dir, ['--junit', 'junit.xml']);
    expect(run.code, run.stdout).toBe(0);
    expect(run.byName.ids_known).toMatchObject({
      status: 'skipped',
      skip_cause: 'switched_off',
      message: 'ids are checked by the upstream system',
    });
    expect(run.stdout).toMatch(/1 of 1 SKIP test ids_known: ids are checked by the upstream system \.+ \[/);
    expect(run.stdout).toMatch(/0 succeeded, 0 failed, 1 skipped\./);
    expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).toContain(
      '<skipped message="ids are checked by the upstream system"/>',
    );
    // The compiled file says why nothing ran, instead of holding SQL that was never sent.
    expect(readFileSync(path.join(dir, run.byName.ids_known!.sql_path!), 'utf8')).toBe(
      '-- Not run: skip_test() was called.\n-- ids are checked by the upstream system\n',
    );
  });

  it('skips a generic test switched off by a var, and runs it when the var turns it on', async () => {
    const dir = fixtureProject({
      ...RAW,
      'tests/generic/null_free_when_asked.sql': CHECKED_WHEN_ASKED,
      'models/_schema.yml': SCHEMA,
    });
    expect((await cli(['run'], { cwd: dir })).code).toBe(0);
    const off = await test(dir);
    expect(off.code).toBe(0);
    expect(off.byName.null_free_when_asked_raw_id).toMatchObject({
      status: 'skipped',
      message: "check_nulls is off; turn it on with --vars '{check_nulls: true}'",
    });
    const on = await test(dir, ['--vars', '{check_nulls: true}']);
    expect(on.code).toBe(1);
    expect(on.byName.null_free_when_asked_raw_id).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('1 failing row'),
    });
  });

  it('refuses a call in a model, naming the file, before anything runs', async () => {
    const dir = fixtureProject({ 'models/m.sql': "{{ skip_test('not today') }}\nselect 1 as a" });
    const run = await cli(['run'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/models\/m\.sql(:\d+:\d+)?: skip_test\(\) can be called only in a data test/);
  });

  it('refuses a call without a reason', async () => {
    const dir = fixtureProject({ ...RAW, 'tests/quiet.sql': "{{ skip_test('  ') }}\nselect * from {{ ref('raw') }}" });
    const run = await cli(['test'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/tests\/quiet\.sql(:\d+:\d+)?: skip_test\(\) needs a reason/);
  });
});

describe('a data test whose relation does not exist', () => {
  it('is skipped with the relation and the command that builds it, and the test command exits 1', async () => {
    const dir = fixtureProject({
      ...RAW,
      'tests/generic/null_free_when_asked.sql': CHECKED_WHEN_ASKED,
      'models/_schema.yml': SCHEMA.replace('null_free_when_asked', 'not_null'),
    });
    const run = await test(dir, ['--junit', 'junit.xml']);
    expect(run.code).toBe(1);
    expect(run.byName.not_null_raw_id).toMatchObject({
      status: 'skipped',
      skip_cause: 'relation_missing',
      message: 'relation analytics.raw does not exist; run `stedi-models run` first',
    });
    expect(run.stdout).toMatch(
      /SKIP test not_null_raw_id: relation analytics\.raw does not exist; run `stedi-models run` first \.+ \[/,
    );
    expect(run.stdout).toContain(
      '1 test could not run because a relation it reads does not exist (see the SKIP lines). A check that did not run is not a pass: the run fails.',
    );
    expect(run.stdout).not.toMatch(/Catalog Error|ERROR/);
    const junit = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(junit).toContain('<skipped message="relation analytics.raw does not exist; run `stedi-models run` first"/>');
    expect(junit).toContain('errors="0"');
  });

  it('names every missing relation, and the seed command when a seed is missing', async () => {
    const dir = fixtureProject({
      ...RAW,
      'seeds/codes.csv': 'id\n1\n',
      'tests/ids_are_codes.sql': "select * from {{ ref('raw') }} where id not in (select id from {{ ref('codes') }})",
      'tests/codes_present.sql': "select 1 from (select count(*) as n from {{ ref('codes') }}) as c where n = 0",
    });
    const run = await test(dir);
    expect(run.code).toBe(1);
    expect(run.byName.ids_are_codes!.message).toBe(
      'relations analytics.raw and analytics.codes do not exist; run `stedi-models build` first',
    );
    expect(run.byName.codes_present!.message).toBe(
      'relation analytics.codes does not exist; run `stedi-models seed` first',
    );
  });

  it('runs as before once the relations exist', async () => {
    const dir = fixtureProject({ ...RAW, 'models/_schema.yml': SCHEMA.replace('null_free_when_asked', 'not_null') });
    expect((await cli(['run'], { cwd: dir })).code).toBe(0);
    const run = await test(dir);
    expect(run.code).toBe(1);
    expect(run.byName.not_null_raw_id).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('1 failing row'),
    });
  });
});
