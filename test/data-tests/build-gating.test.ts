import { describe, expect, it } from 'vitest';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';

// raw -> clean -> report, and an independent model; raw has a null id.
const MODELS = {
  'models/raw.sql': "{{ config(materialized='table') }}\nselect * from (values (1, 'a'), (null, 'b')) as t(id, label)",
  'models/clean.sql': "{{ config(materialized='table') }}\nselect * from {{ ref('raw') }} where id is not null",
  'models/report.sql': "select count(*) as n from {{ ref('clean') }}",
  'models/independent.sql': 'select 42 as answer',
};

function schema(rawTest: string): string {
  return `version: 2
models:
  - name: raw
    columns:
      - name: id
        tests:
          - ${rawTest}
  - name: clean
    columns:
      - name: id
        tests: [not_null, { relationships: { to: ref('raw'), field: id } }]
`;
}

type Result = {
  unique_id: string;
  name: string;
  resource_type: string;
  status: string;
  failures: number | null;
  message: string | null;
};

async function build(files: Record<string, string>) {
  const dir = fixtureProject({ ...MODELS, ...files });
  const run = await cli(['build'], { cwd: dir });
  const results = readTargetJson(dir, 'run_results.json').results as Result[];
  return { ...run, dir, results, status: Object.fromEntries(results.map((r) => [r.name, r.status])) };
}

describe('stedi-models build', () => {
  it('does not publish a model whose error-severity test fails on its new rows, skips everything downstream, runs independent models, and exits 1', async () => {
    const run = await build({ 'models/_schema.yml': schema('not_null') });
    expect(run.code).toBe(1);
    expect(run.status).toEqual({
      raw: 'error',
      not_null_raw_id: 'fail',
      clean: 'skipped',
      not_null_clean_id: 'skipped',
      relationships_clean_id: 'skipped',
      report: 'skipped',
      independent: 'success',
    });
    expect(run.stdout).toMatch(/FAIL test not_null_raw_id \(audited before publishing\) \.+ \[1 failing row in/);
    expect(run.stdout).toMatch(/SKIP clean /);
    expect(run.results.find((r) => r.name === 'raw')!.message).toContain(
      'Model raw (models/raw.sql) was not published: test not_null_raw_id found 1 failing row in its new rows.',
    );
    expect(run.results.find((r) => r.name === 'clean')!.message).toContain('skipped because upstream raw failed');
  });

  it('builds downstream models when the failing test is only a warning, and exits 0', async () => {
    const run = await build({ 'models/_schema.yml': schema('not_null: { severity: warn }') });
    expect(run.code).toBe(0);
    expect(run.status).toEqual({
      raw: 'success',
      not_null_raw_id: 'warn',
      clean: 'success',
      not_null_clean_id: 'pass',
      relationships_clean_id: 'pass',
      report: 'success',
      independent: 'success',
    });
  });

  it('skips the children of the models a failing singular test reads', async () => {
    const run = await build({
      'models/_schema.yml': schema('not_null: { severity: warn }'),
      'tests/raw_labels_are_known.sql': "select * from {{ ref('raw') }} where label not in ('a')",
    });
    expect(run.code).toBe(1);
    expect(run.status).toMatchObject({
      raw_labels_are_known: 'fail',
      clean: 'skipped',
      report: 'skipped',
      independent: 'success',
    });
  });

  it('builds what waits for a test switched off with skip_test(), and exits 0', async () => {
    const run = await build({
      'models/_schema.yml': schema('not_null: { severity: warn }'),
      'tests/raw_labels_are_known.sql':
        "{{ skip_test('labels are checked upstream') }}\nselect * from {{ ref('raw') }} where label not in ('a')",
    });
    expect(run.code).toBe(0);
    expect(run.status).toMatchObject({ raw_labels_are_known: 'skipped', clean: 'success', report: 'success' });
  });

  it('holds back what waits for a test that could not run because a relation it reads does not exist, and exits 1', async () => {
    const dir = fixtureProject({
      ...MODELS,
      'models/codes.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      'models/_schema.yml': schema("relationships: { to: ref('codes'), field: id }"),
    });
    const run = await cli(['build', '--exclude', 'codes'], { cwd: dir });
    expect(run.code).toBe(1);
    const results = readTargetJson(dir, 'run_results.json').results as Result[];
    const status = Object.fromEntries(results.map((r) => [r.name, r.status]));
    expect(status).toMatchObject({
      raw: 'success',
      relationships_raw_id: 'skipped',
      clean: 'skipped',
      report: 'skipped',
      independent: 'success',
    });
    expect(results.find((r) => r.name === 'relationships_raw_id')!.message).toBe(
      'relation analytics.codes does not exist; run `stedi-models run` first',
    );
    expect(results.find((r) => r.name === 'clean')!.message).toBe(
      'skipped because upstream relationships_raw_id was skipped',
    );
  });

  it('runs a model only after its tests: a test of a model comes before its children in run_results.json', async () => {
    const run = await build({ 'models/_schema.yml': schema('not_null: { severity: warn }') });
    const order = run.results.map((r) => r.name);
    expect(order.indexOf('raw')).toBeLessThan(order.indexOf('not_null_raw_id'));
    expect(order.indexOf('not_null_raw_id')).toBeLessThan(order.indexOf('clean'));
  });

  it('records every test in target/run_results.json with its status and failure count', async () => {
    const run = await build({ 'models/_schema.yml': schema('not_null: { severity: warn }') });
    const tests = run.results.filter((r) => r.resource_type === 'data_test');
    expect(tests.map((r) => [r.unique_id, r.status, r.failures]).sort()).toEqual([
      ['test.fixture.not_null_clean_id', 'pass', 0],
      ['test.fixture.not_null_raw_id', 'warn', 1],
      ['test.fixture.relationships_clean_id', 'pass', 0],
    ]);
    const warned = tests.find((r) => r.name === 'not_null_raw_id')!;
    expect(warned.message).toContain('not_null_raw_id: 1 failing row (warning)');
  });

  it('records tests it ran with stedi-models test as well, and the summary counts them', async () => {
    const { dir } = await build({ 'models/_schema.yml': schema('not_null: { severity: warn }') });
    const run = await cli(['test'], { cwd: dir });
    expect(run.code).toBe(0);
    const results = readTargetJson(dir, 'run_results.json') as { metadata: { command: string }; results: Result[] };
    expect(results.metadata.command).toBe('test');
    expect(results.results.map((r) => r.name).sort()).toEqual([
      'not_null_clean_id',
      'not_null_raw_id',
      'relationships_clean_id',
    ]);
    expect(run.stdout).toMatch(/Finished in .*: 2 succeeded, 0 failed, 0 skipped, 1 warned\./);
  });
});
