import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { cli, tempDir, type CliRun } from '../helpers/stedi-project.js';

/** A dbt Core project of our own writing (issue 19's "Done when"): dbt_project.yml, profiles.yml, untyped seeds. */
const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/dbt-shop');

/** A seed CSV as rows of strings (the fixture's files have no quoted fields). */
function csv(name: string): Array<Record<string, string>> {
  const [header, ...lines] = readFileSync(path.join(FIXTURE, 'seeds', `${name}.csv`), 'utf8')
    .trim()
    .split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i]!, v])));
}

const METHODS = ['credit_card', 'coupon', 'bank_transfer', 'gift_card'] as const;
const OPENING_DAY = '2024-03-01';

/** What the marts hold, computed from the seeds in TypeScript, in whole cents, without our SQL. */
function expectedMarts() {
  const orders = csv('raw_orders').filter((o) => o.ordered_on! >= OPENING_DAY);
  const payments = csv('raw_payments');
  const orderRows = orders.map((o) => {
    const paid = payments.filter((p) => p.order_id === o.id);
    const byMethod = Object.fromEntries(
      METHODS.map((m) => [m, paid.filter((p) => p.method === m).reduce((sum, p) => sum + Number(p.amount_cents), 0)]),
    );
    return {
      order_id: Number(o.id),
      customer_id: Number(o.customer_id),
      order_date: o.ordered_on!,
      status: o.status!,
      cents: byMethod,
      amount_cents: Object.values(byMethod).reduce((a, b) => a + b, 0),
    };
  });
  const customerRows = csv('raw_customers').map((c) => {
    const own = orderRows.filter((o) => o.customer_id === Number(c.id));
    const dates = own.map((o) => o.order_date).sort();
    return {
      customer_id: Number(c.id),
      first_name: c.first_name!,
      last_name: c.last_name === '' ? null : c.last_name!,
      is_member: c.is_member === 'true',
      first_order: dates[0] ?? null,
      most_recent_order: dates.at(-1) ?? null,
      number_of_orders: own.length,
      lifetime_cents: own.filter((o) => o.status !== 'returned').reduce((sum, o) => sum + o.amount_cents, 0),
    };
  });
  return { orderRows, customerRows };
}

async function query(dir: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const adapter = await DuckDbAdapter.open({ path: 'target/shop.duckdb', settings: {} }, dir);
  try {
    return await adapter.query(sql);
  } finally {
    await adapter.close();
  }
}

const cents = (dollars: unknown) => Math.round(Number(dollars) * 100);

describe('a dbt Core project builds unchanged (test/fixtures/dbt-shop)', () => {
  let dir: string;
  let build: CliRun;
  beforeAll(async () => {
    dir = path.join(tempDir('dbt-shop-'), 'shop');
    cpSync(FIXTURE, dir, { recursive: true });
    build = await cli(['build'], { cwd: dir });
  });

  it('builds its 3 seeds, 5 models and 23 data tests, warning only about +docs', () => {
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(build.stdout).toContain('Found 3 seeds, 5 models, 23 data tests');
    expect(build.stdout).toMatch(/31 succeeded, 0 failed, 0 skipped/);
    expect(build.stderr).toBe(
      "warning: dbt_project.yml:28:7: models.shop.+docs: dbt's 'docs' config is not supported by stedi-models yet; it is ignored.\n",
    );
  });

  it('materializes staging as views and marts as tables, from the folder configs under the project name', async () => {
    const rows = await query(
      dir,
      "select table_name, table_type from information_schema.tables where table_schema = 'analytics' order by table_name",
    );
    expect(Object.fromEntries(rows.map((r) => [r.table_name, r.table_type]))).toEqual({
      customers: 'BASE TABLE',
      orders: 'BASE TABLE',
      raw_customers: 'BASE TABLE',
      raw_orders: 'BASE TABLE',
      raw_payments: 'BASE TABLE',
      stg_customers: 'VIEW',
      stg_orders: 'VIEW',
      stg_payments: 'VIEW',
    });
  });

  it('loads the untyped seeds with the types dbt infers', async () => {
    const rows = await query(
      dir,
      "select table_name || '.' || column_name as c, data_type from information_schema.columns where table_schema = 'analytics' and table_name like 'raw_%'",
    );
    expect(Object.fromEntries(rows.map((r) => [r.c, r.data_type]))).toEqual({
      'raw_customers.id': 'INTEGER',
      'raw_customers.first_name': 'VARCHAR',
      'raw_customers.last_name': 'VARCHAR',
      'raw_customers.signed_up_on': 'DATE',
      'raw_customers.is_member': 'BOOLEAN',
      'raw_orders.id': 'INTEGER',
      'raw_orders.customer_id': 'INTEGER',
      'raw_orders.ordered_on': 'DATE',
      'raw_orders.status': 'VARCHAR',
      'raw_payments.id': 'INTEGER',
      'raw_payments.order_id': 'INTEGER',
      'raw_payments.method': 'VARCHAR',
      'raw_payments.amount_cents': 'INTEGER',
      'raw_payments.paid_at': 'TIMESTAMP',
    });
  });

  it('computes the orders mart as the seeds say: payments by method, in dollars, since the opening day (a scoped var)', async () => {
    const rows = await query(
      dir,
      'select * replace (cast(order_date as varchar) as order_date) from analytics.orders order by order_id',
    );
    const { orderRows } = expectedMarts();
    expect(rows.length).toBe(orderRows.length);
    expect(
      rows.map((r) => ({
        order_id: r.order_id,
        customer_id: r.customer_id,
        order_date: r.order_date,
        status: r.status,
        cents: Object.fromEntries(METHODS.map((m) => [m, cents(r[`${m}_amount`])])),
        amount_cents: cents(r.amount),
      })),
    ).toEqual(orderRows);
  });

  it('computes the customers mart as the seeds say, a customer without orders included', async () => {
    const rows = await query(
      dir,
      `select * replace (cast(first_order as varchar) as first_order, cast(most_recent_order as varchar) as most_recent_order)
       from analytics.customers order by customer_id`,
    );
    expect(
      rows.map((r) => ({
        customer_id: r.customer_id,
        first_name: r.first_name,
        last_name: r.last_name,
        is_member: r.is_member,
        first_order: r.first_order,
        most_recent_order: r.most_recent_order,
        number_of_orders: Number(r.number_of_orders),
        lifetime_cents: cents(r.lifetime_value),
      })),
    ).toEqual(expectedMarts().customerRows);
  });

  it("resolves doc() descriptions from the project's {% docs %} blocks into the manifest", () => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'target/manifest.json'), 'utf8'));
    const orders = manifest.nodes['model.shop.orders'];
    expect(orders.description).toBe(
      "One row per order placed since the shop's opening day, with its payments summed by method (in dollars).",
    );
    expect(orders.columns.status.description).toMatch(/^Where the order is:\n\n- \*\*placed\*\*/);
  });

  it('runs the tests written with arguments: (dbt 1.10) as the classic ones, and they fail on data that breaks them', async () => {
    expect(build.stdout).toMatch(/PASS test accepted_values_orders_status /);
    expect(build.stdout).toMatch(/PASS test relationships_orders_customer_id /);
    const broken = path.join(tempDir('dbt-shop-broken-'), 'shop');
    cpSync(FIXTURE, broken, { recursive: true });
    // The mart's list, written under arguments:, without 'returned': the returned orders must fail it.
    const yml = path.join(broken, 'models/marts/_marts.yml');
    writeFileSync(yml, readFileSync(yml, 'utf8').replace(", 'completed', 'returned']", ", 'completed']"));
    const returned = csv('raw_orders').filter((o) => o.ordered_on! >= OPENING_DAY && o.status === 'returned');
    expect(returned.length).toBeGreaterThan(0);
    const run = await cli(['build'], { cwd: broken });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/PASS test accepted_values_stg_orders_status /);
    // accepted_values counts the values it does not accept, as dbt's does: one, 'returned'.
    expect(run.stdout).toContain(
      'FAIL test accepted_values_orders_status (audited before publishing) ... [1 failing row',
    );
  });

  it('removes the clean-targets of dbt_project.yml with clean', async () => {
    const clean = await cli(['clean'], { cwd: dir });
    expect(clean.code, clean.stderr).toBe(0);
    expect(existsSync(path.join(dir, 'target'))).toBe(false);
  });
});
