import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AthenaAdapter } from '../../src/adapters/athena/athena-adapter.js';
import { planRelation } from '../../src/materialize/plan-node.js';
import { athenaTestTarget } from './athena-test-target.js';
import { FakeAthena } from './fake-athena.js';

const TARGET = athenaTestTarget({ threads: 4 });

let fake: FakeAthena;
beforeEach(() => (fake = new FakeAthena()));
afterEach(() => fake.restore());

/** What buildNode does for one table model: list the schema, plan against it, run the plan. */
async function buildTable(buildId: string): Promise<void> {
  const adapter = AthenaAdapter.open(TARGET, { sleep: async () => undefined });
  const catalog = await adapter.listRelations('stedi');
  const statements = planRelation({
    name: 'customer_trusted',
    relation: { schema: 'stedi', identifier: 'customer_trusted' },
    materialized: 'table',
    selectSql: 'select 1 as id',
    existing: catalog.get('customer_trusted'),
    catalog,
    dialect: adapter.dialect,
    capabilities: adapter.capabilities,
    newId: () => buildId,
  });
  await adapter.executePlan(statements);
}

describe('replacing an Iceberg table on Athena', () => {
  it('swaps a new build in by renames and drops the old one', async () => {
    await buildTable('aaaa');
    const missing: number[] = [];
    fake.observe = (catalog) => void (catalog.has('customer_trusted') || missing.push(fake.sent.length));
    await buildTable('bbbb');
    expect(fake.names()).toEqual(['customer_trusted']);
    expect(fake.sent.slice(1).map((s) => s.split(/\s/).slice(0, 3).join(' '))).toEqual([
      'create table "stedi"."customer_trusted__tmp_bbbb"',
      'alter table `stedi`.`customer_trusted`',
      'alter table `stedi`.`customer_trusted__tmp_bbbb`',
      'drop table if',
    ]);
    // Only between the two renames is the name absent.
    expect(missing).toEqual([3]);
  });

  // A crash before statement 2, 3, 4 or 5 of the second build: after the CTAS, after moving the old table aside,
  // after the swap (before the drop), and before the CTAS itself.
  for (const crashAt of [2, 3, 4, 5]) {
    it(`is repaired by the next run when interrupted before statement ${crashAt}, and the repair is safe to repeat`, async () => {
      await buildTable('aaaa');
      fake.crashAt = crashAt;
      await expect(buildTable('bbbb')).rejects.toThrow(/process died/);
      fake.crashAt = undefined;
      await buildTable('cccc');
      expect(fake.names()).toEqual(['customer_trusted']);
      await buildTable('dddd');
      expect(fake.names()).toEqual(['customer_trusted']);
    });
  }

  it('restores the last published table first when a crash left the name missing', async () => {
    await buildTable('aaaa');
    fake.crashAt = 4; // the old table is aside as __bkp_bbbb, the new one still __tmp_bbbb
    await expect(buildTable('bbbb')).rejects.toThrow();
    expect(fake.names()).toEqual(['customer_trusted__bkp_bbbb', 'customer_trusted__tmp_bbbb']);
    fake.crashAt = 7; // the next run repairs (4, 5), builds (6) and dies before moving the table aside
    await expect(buildTable('cccc')).rejects.toThrow();
    expect(fake.names()).toEqual(['customer_trusted', 'customer_trusted__tmp_cccc']);
    expect(fake.sent.slice(-3).map((s) => s.replace(/\s+/g, ' '))).toEqual([
      'alter table `stedi`.`customer_trusted__bkp_bbbb` rename to `stedi`.`customer_trusted`',
      'drop table if exists `stedi`.`customer_trusted__tmp_bbbb`',
      expect.stringMatching(/^create table "stedi"."customer_trusted__tmp_cccc"/),
    ]);
  });
});
