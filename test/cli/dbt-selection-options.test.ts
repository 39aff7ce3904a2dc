import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/stedi-project.js';
import { fixtureProject } from '../helpers/fixture-project.js';

const PROJECT = {
  'models/staging/customers.sql': 'select 1 as id',
  'models/staging/orders.sql': "select id as customer_id from {{ ref('customers') }}",
  'models/marts/report.sql': "select * from {{ ref('orders') }}",
  'models/_schema.yml': `models:
  - name: customers
    columns:
      - name: id
        tests: [unique]
  - name: orders
    columns:
      - name: customer_id
        tests:
          - relationships: { to: ref('customers'), field: id }
`,
};

const listed = async (dir: string, args: string[]) => {
  const run = await cli(['ls', ...args], { cwd: dir });
  expect(run.stderr).toBe('');
  return run.stdout.trim().split('\n').sort();
};

describe("dbt's selection options", () => {
  it('takes --models and -m as --select, and fqn: by the folders under models/', async () => {
    const dir = fixtureProject(PROJECT);
    expect(await listed(dir, ['-m', 'report'])).toEqual(['report']);
    expect(await listed(dir, ['--models', 'customers', '--indirect-selection', 'empty'])).toEqual(['customers']);
    expect(await listed(dir, ['-s', 'fqn:fixture.staging', '--indirect-selection', 'empty'])).toEqual([
      'customers',
      'orders',
    ]);
  });

  it('brings the tests of --indirect-selection along with the selected models', async () => {
    const dir = fixtureProject(PROJECT);
    expect(await listed(dir, ['-s', 'customers', '--indirect-selection', 'eager'])).toEqual([
      'customers',
      'test:relationships_orders_customer_id',
      'test:unique_customers_id',
    ]);
    expect(await listed(dir, ['-s', 'customers', '--indirect-selection', 'cautious'])).toEqual([
      'customers',
      'test:unique_customers_id',
    ]);
  });

  it('refuses an unknown --indirect-selection mode, naming the four', async () => {
    const run = await cli(['ls', '--indirect-selection', 'lazy'], { cwd: fixtureProject(PROJECT) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--indirect-selection <mode>' argument 'lazy' is invalid");
    expect(run.stderr).toContain('eager, cautious, buildable, empty');
  });
});
