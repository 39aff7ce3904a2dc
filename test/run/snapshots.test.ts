import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureProject } from '../helpers/fixture-project.js';
import { queryDatabase } from '../helpers/query-database.js';
import { cli } from '../helpers/stedi-project.js';

const customers = (rows: string) =>
  `{{ config(materialized='table') }}\nselect * from (values ${rows}) as t(id, name, updated_at)`;
const T1 = "timestamp '2026-01-01 00:00:00'";
const T2 = "timestamp '2026-02-01 00:00:00'";

const SNAPSHOTS = `{% snapshot customers_history %}
{{ config(strategy='timestamp', unique_key='id', updated_at='updated_at', target_schema='snapshots') }}
select * from {{ ref('customers') }}
{% endsnapshot %}

{% snapshot customers_checked %}
{{ config(strategy='check', unique_key='id', check_cols=['name'], invalidate_hard_deletes=true, target_schema='snapshots') }}
select id, name from {{ ref('customers') }}
{% endsnapshot %}
`;

async function step(dir: string, rows: string) {
  writeFileSync(path.join(dir, 'models/customers.sql'), customers(rows));
  expect((await cli(['run'], { cwd: dir })).code).toBe(0);
  return cli(['snapshot'], { cwd: dir });
}

const history = (dir: string, table: string) =>
  queryDatabase(
    path.join(dir, 'target/fixture.duckdb'),
    `select id, name, dbt_valid_to is null as current, dbt_scd_id is not null as has_id,
            cast(dbt_valid_from as varchar) as valid_from
     from snapshots.${table} order by id, dbt_valid_from`,
  );

describe("snapshot, dbt's type-2 history", () => {
  it('keeps the old version of a changed row, closed, beside the new one (timestamp and check strategies)', async () => {
    const dir = fixtureProject({
      'models/customers.sql': customers(`(1, 'a', ${T1})`),
      'snapshots/customers.sql': SNAPSHOTS,
    });
    const first = await step(dir, `(1, 'a', ${T1}), (2, 'b', ${T1})`);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('OK snapshot snapshots.customers_history [2 new versions]');
    const second = await step(dir, `(1, 'a2', ${T2}), (3, 'c', ${T2})`);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('OK snapshot snapshots.customers_history [2 new versions]');
    expect(await history(dir, 'customers_history')).toEqual([
      { id: 1, name: 'a', current: false, has_id: true, valid_from: '2026-01-01 00:00:00' },
      { id: 1, name: 'a2', current: true, has_id: true, valid_from: '2026-02-01 00:00:00' },
      // Without invalidate_hard_deletes, a key the query no longer gives stays current, as in dbt.
      { id: 2, name: 'b', current: true, has_id: true, valid_from: '2026-01-01 00:00:00' },
      { id: 3, name: 'c', current: true, has_id: true, valid_from: '2026-02-01 00:00:00' },
    ]);
    const checked = (await history(dir, 'customers_checked')).map(({ id, name, current }) => ({ id, name, current }));
    expect(checked).toEqual([
      { id: 1, name: 'a', current: false },
      { id: 1, name: 'a2', current: true },
      { id: 2, name: 'b', current: false },
      { id: 3, name: 'c', current: true },
    ]);
    // An unchanged source adds nothing.
    const third = await step(dir, `(1, 'a2', ${T2}), (3, 'c', ${T2})`);
    expect(third.stdout).toContain('OK snapshot snapshots.customers_history [0 new versions]');
    expect(await history(dir, 'customers_history')).toHaveLength(4);
  });

  it('leaves the table whole when a snapshot fails, and says so', async () => {
    const dir = fixtureProject({
      'models/customers.sql': customers(`(1, 'a', ${T1})`),
      'snapshots/customers.sql': SNAPSHOTS,
    });
    expect((await step(dir, `(1, 'a', ${T1})`)).code).toBe(0);
    writeFileSync(
      path.join(dir, 'snapshots/customers.sql'),
      SNAPSHOTS.replace(
        "select id, name from {{ ref('customers') }}",
        "select id, cast(name as integer) as name from {{ ref('customers') }}",
      ),
    );
    const failed = await step(dir, `(1, 'x', ${T2})`);
    expect(failed.code).toBe(1);
    expect(failed.stdout + failed.stderr).toContain(
      'snapshots/customers.sql: snapshot customers_checked failed to read the rows of customers_checked now; its table is as it was:',
    );
    expect(await history(dir, 'customers_checked')).toEqual([
      { id: 1, name: 'a', current: true, has_id: true, valid_from: expect.any(String) },
    ]);
  });

  it('refuses a timestamp snapshot without updated_at, and an unknown strategy, naming the file and key', async () => {
    const dir = fixtureProject({
      'models/customers.sql': customers(`(1, 'a', ${T1})`),
      'snapshots/bad.sql': `{% snapshot a %}{{ config(strategy='timestamp', unique_key='id') }} select 1 as id {% endsnapshot %}
{% snapshot b %}{{ config(strategy='newest', unique_key='id') }} select 1 as id {% endsnapshot %}`,
    });
    const run = await cli(['snapshot'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('snapshots/bad.sql');
    expect(run.stderr).toContain('snapshot a config(updated_at)');
    expect(run.stderr).toContain('strategy timestamp needs updated_at: <column>');
    expect(run.stderr).toContain('snapshot b config(strategy)');
  });
});
