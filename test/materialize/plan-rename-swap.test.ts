import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { athenaCapabilities, athenaDialect } from '../../src/adapters/athena/athena-dialect.js';
import type { RelationType } from '../../src/core/statement.js';
import { planRelation, planSchemas } from '../../src/materialize/plan-node.js';
import { UnsupportedPlanError, type PlanInput } from '../../src/materialize/plan-input.js';
import { findLeftovers } from '../../src/materialize/plan-rename-swap.js';

const dialect = athenaDialect({ dataDir: 's3://lake/zones/', writeCompression: 'ZSTD' });

function plan(existing: RelationType | undefined, extra: Partial<PlanInput> = {}) {
  return planRelation({
    name: 'customer_trusted',
    relation: { schema: 'stedi', identifier: 'customer_trusted' },
    materialized: 'table',
    selectSql: 'select 1 as id',
    existing,
    catalog: new Map(existing ? [['customer_trusted', existing]] : []),
    dialect,
    capabilities: athenaCapabilities,
    newId: () => 'abc123',
    ...extra,
  });
}

describe('planning a table on an engine without transactional DDL (Athena)', () => {
  it('builds a new table with one Iceberg CTAS at a fresh location, never retried', () => {
    expect(plan(undefined)).toEqual([
      {
        sql: `create table "stedi"."customer_trusted" with (table_type = 'ICEBERG', is_external = false, location = 's3://lake/zones/stedi/customer_trusted/abc123/', format = 'PARQUET', write_compression = 'ZSTD') as\nselect 1 as id`,
        purpose: 'build table customer_trusted',
        reportsRows: true,
        retryable: false,
        // Where a failed attempt's files are deleted from.
        location: 's3://lake/zones/stedi/customer_trusted/abc123/',
      },
    ]);
  });

  it('replaces a table by CTAS beside it, rename aside, rename in, drop the old one', () => {
    expect(plan('table').map((s) => s.sql.split('\n')[0]!.replace(/ with \(.*\) as$/, ' with (...) as'))).toEqual([
      'create table "stedi"."customer_trusted__tmp_abc123" with (...) as',
      'alter table `stedi`.`customer_trusted` rename to `stedi`.`customer_trusted__bkp_abc123`',
      'alter table `stedi`.`customer_trusted__tmp_abc123` rename to `stedi`.`customer_trusted`',
      'drop table if exists `stedi`.`customer_trusted__bkp_abc123`',
    ]);
  });

  it('gives every build its own location, so a failed CTAS never blocks the next one', () => {
    let n = 0;
    const locations = [1, 2].map(
      () => /location = '([^']+)'/.exec(plan('table', { newId: () => `id${++n}` })[0]!.sql)![1],
    );
    expect(locations).toEqual([
      's3://lake/zones/stedi/customer_trusted/id1/',
      's3://lake/zones/stedi/customer_trusted/id2/',
    ]);
  });

  it('turns a view into a table: build beside, drop the view (Trino quoting), rename in', () => {
    const sqls = plan('view').map((s) => s.sql.split('\n')[0]);
    expect(sqls.slice(1)).toEqual([
      'drop view if exists "stedi"."customer_trusted"',
      'alter table `stedi`.`customer_trusted__tmp_abc123` rename to `stedi`.`customer_trusted`',
    ]);
  });

  it('turns a table into a view: drop the table (Hive quoting), create or replace the view', () => {
    expect(plan('table', { materialized: 'view' }).map((s) => s.sql)).toEqual([
      'drop table if exists `stedi`.`customer_trusted`',
      'create or replace view "stedi"."customer_trusted" as\nselect 1 as id',
    ]);
  });

  it('runs post-hooks once the new table is in place, before the old one is dropped', () => {
    expect(
      plan('table', { postHooks: ['delete from "stedi"."customer_trusted" where id = 0'] })
        .map((s) => s.purpose)
        .slice(2),
    ).toEqual([
      'swap the new customer_trusted into place',
      'run post-hook 1 of customer_trusted',
      'drop the old customer_trusted',
    ]);
  });

  it('repairs leftovers first: restores a backup when the name is missing and drops the rest', () => {
    const catalog = new Map<string, RelationType>([
      ['customer_trusted__bkp_old1', 'table'],
      ['customer_trusted__tmp_old1', 'table'],
      ['customer_trusted__tmp_other', 'table'],
      ['customer_trusted_rejects', 'table'],
    ]);
    const statements = plan(undefined, { catalog });
    expect(statements.slice(0, 3).map((s) => s.sql)).toEqual([
      'alter table `stedi`.`customer_trusted__bkp_old1` rename to `stedi`.`customer_trusted`',
      'drop table if exists `stedi`.`customer_trusted__tmp_old1`',
      'drop table if exists `stedi`.`customer_trusted__tmp_other`',
    ]);
    // After the restore the name exists again, so the build is a normal swap.
    expect(statements[4]!.sql).toMatch(/^alter table `stedi`.`customer_trusted` rename to/);
  });

  it('recognises only its own leftovers, whatever other names the schema holds', () => {
    // Names built from the relation's own name, names that share a prefix or suffix with it (customer_trusted_x,
    // xcustomer_trusted, customer), and random ones; each with or without a swap suffix, some with an empty or
    // non-alphanumeric id. Random names alone would almost never produce one of its leftovers.
    const base = fc.oneof(
      { arbitrary: fc.constant('customer_trusted'), weight: 3 },
      {
        arbitrary: fc.constantFrom('customer_trusted_x', 'xcustomer_trusted', 'customer', 'customer_trusted__tmp'),
        weight: 2,
      },
      { arbitrary: fc.stringMatching(/^[a-z_]{1,20}$/), weight: 1 },
    );
    const id = fc.oneof(
      { arbitrary: fc.stringMatching(/^[a-z0-9]{1,8}$/), weight: 3 },
      { arbitrary: fc.stringMatching(/^[a-z0-9-]{0,8}$/), weight: 1 },
    );
    const suffix = fc.oneof(
      fc.constant(''),
      fc.tuple(fc.constantFrom('tmp', 'bkp', 'old'), id).map(([kind, i]) => `__${kind}_${i}`),
    );
    let ownLeftovers = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(base, suffix).map(([b, s]) => b + s)), (names) => {
        const catalog = new Map(names.map((n) => [n, 'table' as const]));
        const { temporaries, backups } = findLeftovers('customer_trusted', catalog);
        for (const t of temporaries) expect(t).toMatch(/^customer_trusted__tmp_[a-z0-9]+$/);
        for (const b of backups) expect(b).toMatch(/^customer_trusted__bkp_[a-z0-9]+$/);
        const expected = names.filter((n) => /^customer_trusted__(tmp|bkp)_[a-z0-9]+$/.test(n));
        ownLeftovers += expected.length;
        expect(new Set([...temporaries, ...backups])).toEqual(new Set(expected));
      }),
    );
    // The runs held leftovers to find, not only names to ignore.
    expect(ownLeftovers).toBeGreaterThan(20);
  });

  it('refuses an engine that can neither transact nor rename', () => {
    expect(() => plan('table', { capabilities: { ...athenaCapabilities, renameTable: false } })).toThrow(
      UnsupportedPlanError,
    );
  });

  it('creates schemas with Hive quoting on Athena', () => {
    expect(planSchemas([{ schema: 'stedi', identifier: 'x' }], dialect).map((s) => s.sql)).toEqual([
      'create schema if not exists `stedi`',
    ]);
  });
});
