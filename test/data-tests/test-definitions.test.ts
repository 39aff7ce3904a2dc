import { describe, expect, it } from 'vitest';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';

const MODELS = {
  'models/orders.sql': 'select * from (values (1, 10), (2, 15), (3, 20), (4, 21)) as t(id, amount)',
  'models/refunds.sql': 'select * from (values (1, -5), (2, 3)) as t(order_id, amount)',
};

const EVEN = `{#- Every value of the column is a multiple of a divisor. -#}
{% test divisible(model, column_name, by=2) %}
select {{ column_name }} from {{ model }} where {{ column_name }} % {{ by }} <> 0
{% endtest %}
`;

const SCHEMA = `version: 2
models:
  - name: orders
    columns:
      - name: id
        tests: [not_null, unique]
      - name: amount
        tests:
          - divisible
          - divisible: { by: 5, name: amount_in_fives }
  - name: refunds
    columns:
      - name: order_id
        tests:
          - relationships: { to: ref('orders'), field: id }
`;

const PROJECT = {
  ...MODELS,
  'models/_schema.yml': SCHEMA,
  'tests/generic/divisible.sql': EVEN,
  'tests/refunds_are_positive.sql':
    "-- A refund gives money back.\nselect * from {{ ref('refunds') }} where amount <= 0",
};

type Result = { name: string; status: string; failures: number | null };

async function testRun(dir: string, args: readonly string[] = []) {
  const run = await cli(['test', ...args], { cwd: dir });
  const results = run.code === 2 ? [] : (readTargetJson(dir, 'run_results.json').results as Result[]);
  return {
    ...run,
    statuses: Object.fromEntries(results.map((r) => [r.name, r.status])),
    failures: Object.fromEntries(results.map((r) => [r.name, r.failures])),
  };
}

async function builtProject(files: Record<string, string> = PROJECT): Promise<string> {
  const dir = fixtureProject(files);
  const run = await cli(['run'], { cwd: dir });
  expect(run.code, run.stdout + run.stderr).toBe(0);
  return dir;
}

describe('declaring data tests', () => {
  it('runs a custom generic test from tests/generic with its default and given arguments, and a singular test from tests/', async () => {
    const run = await testRun(await builtProject());
    expect(run.code).toBe(1);
    expect(run.statuses).toEqual({
      not_null_orders_id: 'pass',
      unique_orders_id: 'pass',
      divisible_orders_amount: 'fail',
      amount_in_fives: 'fail',
      relationships_refunds_order_id: 'pass',
      refunds_are_positive: 'fail',
    });
    // 15 and 21 are odd; 21 is no multiple of 5; one refund is not positive.
    expect(run.failures).toMatchObject({ divisible_orders_amount: 2, amount_in_fives: 1, refunds_are_positive: 1 });
    expect(run.stdout).toMatch(/FAIL test refunds_are_positive /);
  });

  it('takes a custom generic test from macros/ as well', async () => {
    const { 'tests/generic/divisible.sql': _moved, ...rest } = PROJECT;
    const run = await testRun(await builtProject({ ...rest, 'macros/divisible.sql': EVEN }));
    expect(run.statuses.divisible_orders_amount).toBe('fail');
    expect(run.failures.amount_in_fives).toBe(1);
  });

  it('fails relationships on a child row whose parent is missing', async () => {
    const dir = await builtProject({
      ...PROJECT,
      'models/refunds.sql': 'select * from (values (1, 5), (9, 3)) as t(order_id, amount)',
    });
    const run = await testRun(dir, ['--select', 'refunds']);
    expect(run.statuses).toEqual({ relationships_refunds_order_id: 'fail', refunds_are_positive: 'pass' });
    expect(run.failures.relationships_refunds_order_id).toBe(1);
  });

  it('rejects an unknown test name with a did-you-mean, its file and key path, and exit code 2', async () => {
    const dir = fixtureProject({
      ...PROJECT,
      'models/_schema.yml': SCHEMA.replace('tests: [not_null, unique]', 'tests: [not_nul, unique]'),
    });
    const run = await cli(['test'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('models/_schema.yml');
    expect(run.stderr).toContain('models.orders.columns.id.tests[0]');
    expect(run.stderr).toContain("no generic test named 'not_nul'. Did you mean 'not_null'?");
  });

  it('rejects an unknown argument and a missing one, saying what the test takes', async () => {
    const dir = fixtureProject({
      ...PROJECT,
      'models/_schema.yml': SCHEMA.replace(
        '- divisible: { by: 5, name: amount_in_fives }',
        '- divisible: { by: 5, name: amount_in_fives, byy: 3 }',
      ).replace("relationships: { to: ref('orders'), field: id }", "relationships: { to: ref('orders') }"),
    });
    const run = await cli(['test'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("divisible: unknown argument 'byy'. It takes: by");
    expect(run.stderr).toContain("relationships: missing argument 'field'");
    expect(run.stderr).toContain('models.refunds.columns.order_id.tests[0]');
  });

  it("runs only a model's tests with --select <model>", async () => {
    const run = await testRun(await builtProject(), ['--select', 'orders']);
    expect(Object.keys(run.statuses).sort()).toEqual([
      'amount_in_fives',
      'divisible_orders_amount',
      'not_null_orders_id',
      'unique_orders_id',
    ]);
  });

  it('selects singular tests with test_type:singular and declared ones with test_type:generic', async () => {
    const dir = await builtProject();
    const singular = await testRun(dir, ['--select', 'test_type:singular']);
    expect(Object.keys(singular.statuses)).toEqual(['refunds_are_positive']);
    expect(singular.code).toBe(1);
    const generic = await testRun(dir, ['--select', 'test_type:generic']);
    expect(Object.keys(generic.statuses).sort()).toEqual([
      'amount_in_fives',
      'divisible_orders_amount',
      'not_null_orders_id',
      'relationships_refunds_order_id',
      'unique_orders_id',
    ]);
  });

  it('selects a test by its name or by the generic test it uses', async () => {
    const dir = await builtProject();
    expect(Object.keys((await testRun(dir, ['--select', 'amount_in_fives'])).statuses)).toEqual(['amount_in_fives']);
    expect(Object.keys((await testRun(dir, ['--select', 'test_name:divisible'])).statuses).sort()).toEqual([
      'amount_in_fives',
      'divisible_orders_amount',
    ]);
  });

  it('reports a test whose SQL the engine rejects as an error naming the test and its compiled SQL', async () => {
    const dir = await builtProject({
      ...PROJECT,
      'tests/refunds_are_positive.sql': "select no_such_column from {{ ref('refunds') }}",
    });
    const run = await testRun(dir, ['--select', 'test_type:singular']);
    expect(run.code).toBe(1);
    expect(run.statuses).toEqual({ refunds_are_positive: 'error' });
    expect(run.stdout).toContain('Test refunds_are_positive (tests/refunds_are_positive.sql) could not run');
    expect(run.stdout).toContain('no_such_column');
  });
});
