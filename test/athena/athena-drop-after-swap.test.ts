import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, copyStediProject, readTargetJson } from '../helpers/stedi-project.js';
import { ATHENA_ARGS, ATHENA_ENV } from './athena-test-target.js';
import { FakeAthena } from './fake-athena.js';

const ENV = ATHENA_ENV;
const ARGS = [...ATHENA_ARGS, '--select', 'customer_trusted'];
// What users of dbt-athena report for a DROP of a large Iceberg table, whose files are deleted inside the DDL call.
const TIMEOUT = 'Query timeout: the DROP TABLE ran out of time deleting the table files';

let fake: FakeAthena;
beforeEach(() => (fake = new FakeAthena()));
afterEach(() => fake.restore());

describe('dropping the old table after a swap on Athena (scripted, no AWS)', () => {
  it('a drop that times out after the new table is published leaves exit 0 and a warning; the next run drops the leftover', async () => {
    const dir = copyStediProject();
    expect((await cli(['run', ...ARGS], { cwd: dir, env: ENV })).code).toBe(0);
    fake.failing = {
      pattern: /^drop table if exists `stedi`.`customer_trusted__bkp_\w+`$/,
      message: TIMEOUT,
      times: 1,
    };
    const swapped = await cli(['run', ...ARGS], { cwd: dir, env: ENV });
    expect(swapped.code, swapped.stdout).toBe(0);
    expect(swapped.stdout).toMatch(/WARN table stedi\.customer_trusted/);
    expect(swapped.stdout).toMatch(
      /could not drop the old customer_trusted \(Query timeout[^)]*\): the new customer_trusted is published; the old table is left as stedi\.customer_trusted__bkp_\w+ until the next run of customer_trusted drops it/,
    );
    expect(readTargetJson(dir, 'run_results.json').results[0]).toMatchObject({
      name: 'customer_trusted',
      status: 'warn',
    });
    const leftover = fake.names().filter((n) => n.startsWith('customer_trusted__bkp_'));
    expect(leftover).toHaveLength(1);
    expect(fake.names()).toContain('customer_trusted');

    const next = await cli(['run', ...ARGS], { cwd: dir, env: ENV });
    expect(next.code).toBe(0);
    expect(next.stdout).not.toContain('WARN');
    expect(fake.names().filter((n) => n.startsWith('customer_trusted'))).toEqual(['customer_trusted']);
  });

  it('a leftover that cannot be dropped either does not stop the build: warned again, dropped by a later run', async () => {
    const dir = copyStediProject();
    expect((await cli(['run', ...ARGS], { cwd: dir, env: ENV })).code).toBe(0);
    fake.failing = {
      pattern: /^drop table if exists `stedi`.`customer_trusted__bkp_\w+`$/,
      message: TIMEOUT,
      times: 2,
    };
    expect((await cli(['run', ...ARGS], { cwd: dir, env: ENV })).code).toBe(0);
    const repaired = await cli(['run', ...ARGS], { cwd: dir, env: ENV });
    expect(repaired.code, repaired.stdout).toBe(0);
    expect(repaired.stdout).toMatch(
      /could not repair an interrupted swap: drop the leftover customer_trusted__bkp_\w+/,
    );
    const last = await cli(['run', ...ARGS], { cwd: dir, env: ENV });
    expect(last.code).toBe(0);
    expect(fake.names().filter((n) => n.startsWith('customer_trusted'))).toEqual(['customer_trusted']);
  });
});
