import { ListTableMetadataCommand } from '@aws-sdk/client-athena';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { cli, copyStediProject, readTargetJson } from '../helpers/stedi-project.js';
import { ATHENA_ARGS, ATHENA_ENV } from './athena-test-target.js';
import { FakeAthena } from './fake-athena.js';

const ENV = ATHENA_ENV;
const ARGS = [...ATHENA_ARGS, '--select', 'customer_trusted'];

let fake: FakeAthena;
beforeEach(() => (fake = new FakeAthena()));
afterEach(() => fake.restore());

it("refuses, before sending anything, to replace a Hive table in a model's place, naming it and the fix", async () => {
  const dir = copyStediProject();
  // A table made by hand or by another tool: a Hive (external) table, not Iceberg.
  fake.catalog.set('customer_trusted', {
    kind: 'external',
    properties: { EXTERNAL: 'TRUE', classification: 'parquet' },
  });
  const run = await cli(['run', ...ARGS], { cwd: dir, env: ENV });
  expect(run.code).toBe(1);
  const [result] = readTargetJson(dir, 'run_results.json').results;
  expect(result.status).toBe('error');
  expect(result.message).toContain(
    'stedi.customer_trusted exists as a non-Iceberg table that stedi-models did not create: customer_trusted (models/trusted/customer_trusted.sql) is built as an Iceberg table',
  );
  expect(result.message).toContain('drop it (DROP TABLE `stedi`.`customer_trusted`)');
  expect(fake.sent.filter((sql) => !/^create schema/.test(sql))).toEqual([]);
  expect(fake.catalog.get('customer_trusted')?.kind).toBe('external');
});

it('builds over an Iceberg table it made, as before, asking the catalog once to plan it', async () => {
  const dir = copyStediProject();
  expect((await cli(['run', ...ARGS], { cwd: dir, env: ENV })).code).toBe(0);
  const listed = fake.mock.commandCalls(ListTableMetadataCommand).length;
  expect((await cli(['run', ...ARGS], { cwd: dir, env: ENV })).code).toBe(0);
  // Which relations exist and the table's format come from one listing, while no query ran in between (before: two).
  const listings = fake.mock.commandCalls(ListTableMetadataCommand).slice(listed);
  expect(listings.map((c) => c.args[0].input.DatabaseName)).toEqual(['stedi']);
});
