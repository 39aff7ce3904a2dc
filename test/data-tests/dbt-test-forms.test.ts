import { describe, expect, it } from 'vitest';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';
import { dbtTestName } from '../../src/parse/test-names.js';

const ORDERS = {
  'models/orders.sql':
    "select * from (values (1, 'placed', 1), (2, 'shipped', 2), (3, 'lost', 9)) as t(id, status, customer_id)",
  'models/customers.sql': 'select * from (values (1), (2)) as t(id)',
};

const schema = (ordersTests: string) => `version: 2
models:
  - name: orders
    columns:
      - name: status
        data_tests:
${ordersTests}
`;

type Result = { name: string; status: string; failures: number | null };

async function build(files: Record<string, string>) {
  const dir = fixtureProject({ ...ORDERS, ...files });
  const run = await cli(['build'], { cwd: dir });
  const results = run.code === 2 ? [] : (readTargetJson(dir, 'run_results.json').results as Result[]);
  return { ...run, status: Object.fromEntries(results.map((r) => [r.name, r.status])) };
}

describe("generic tests in dbt 1.10's arguments: form, beside the classic form", () => {
  it('reads the arguments under arguments: and the config under config:', async () => {
    const run = await build({
      'models/_schema.yml': schema(`          - accepted_values:
              arguments:
                values: [placed, shipped]
              config:
                severity: warn
          - not_null`),
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.status).toMatchObject({ accepted_values_orders_status: 'warn', not_null_orders_status: 'pass' });
  });

  it('takes config keys beside arguments:, as dbt does', async () => {
    const run = await build({
      'models/_schema.yml': schema(`          - accepted_values:
              arguments: { values: [placed, shipped, lost] }
              where: "id > 1"`),
    });
    expect(run.code).toBe(0);
    expect(run.status).toMatchObject({ accepted_values_orders_status: 'pass' });
  });

  it('refuses arguments: that is not a mapping, and an argument left beside it, with file and key path', async () => {
    const notMapping = await build({
      'models/_schema.yml': schema(`          - accepted_values:
              arguments: [placed, shipped]`),
    });
    expect(notMapping.code).toBe(2);
    expect(notMapping.stderr).toContain('models/_schema.yml');
    expect(notMapping.stderr).toContain('models.orders.columns.status.tests[0]');
    expect(notMapping.stderr).toContain("accepted_values: arguments: must be a mapping of the test's arguments");
    const stray = await build({
      'models/_schema.yml': schema(`          - accepted_values:
              arguments: { quote: true }
              values: [placed]`),
    });
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain("'values' beside arguments: is not a config key; move it under arguments:");
  });
});

describe("test names, with dbt's rule where they would collide", () => {
  it("is dbt's name for jaffle_shop's tests (arguments joined by __, an MD5 from 64 characters)", () => {
    expect(
      dbtTestName('relationships', 'orders', {
        column_name: 'customer_id',
        to: "ref('customers')",
        field: 'customer_id',
      }),
    ).toBe('relationships_orders_customer_id__customer_id__ref_customers_');
    const values = ['placed', 'shipped', 'completed', 'return_pending', 'returned'];
    expect(dbtTestName('accepted_values', 'orders', { column_name: 'status', values })).toBe(
      'accepted_values_orders_1ce6ab157c285f7cd2ac656013faf758',
    );
    expect(dbtTestName('accepted_values', 'stg_orders', { column_name: 'status', values })).toBe(
      'accepted_values_stg_orders_4f514bf94b77b7ea437830eec4421c58',
    );
    expect(dbtTestName('not_null', 'orders', { column_name: 'id' })).toBe('not_null_orders_id');
  });

  it('names two tests that would share a name by their arguments, and runs both', async () => {
    const run = await build({
      'models/_schema.yml': schema(`          - accepted_values: { values: [placed, shipped], severity: warn }
          - accepted_values:
              arguments: { values: [placed, shipped, lost] }`),
    });
    expect(run.code).toBe(0);
    expect(run.status).toMatchObject({
      accepted_values_orders_status__placed__shipped: 'warn',
      accepted_values_orders_status__placed__shipped__lost: 'pass',
    });
  });

  it('refuses the same test declared twice, naming both places', async () => {
    const run = await build({
      'models/_schema.yml': schema(`          - not_null
          - not_null: { config: { severity: warn } }`),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "models.orders.columns.status.tests[1]: declares the test 'not_null_orders_status' a second time (first at models/_schema.yml models.orders.columns.status.tests[0])",
    );
  });
});
