import { beforeAll, describe, expect, it } from 'vitest';
import { expectedStatuses } from './breakage-suite.js';
import {
  buildStedi,
  generatedLanding,
  notPassing,
  S,
  stediTest,
  tamperedCopy,
  type StediBuild,
} from './stedi-build.js';

// Unit tests are left out of the same_customer build: the STEDI unit test
// pairs_step_readings_with_every_phone_reading_of_the_same_instant assumes the default ml_pairing and fails under it.
const NO_UNIT_TESTS = ['--exclude', 'test_type:unit'];

describe('the warning test ml_cross_customer_pairs', () => {
  let landing: string;
  let timestamp: StediBuild;
  let sameCustomer: StediBuild;
  beforeAll(async () => {
    landing = await generatedLanding();
    timestamp = await buildStedi(landing);
    sameCustomer = await buildStedi(landing, { ml_pairing: 'same_customer' }, NO_UNIT_TESTS);
  });

  it('reports WARN with the cross-customer rows and exits 0 in the default pairing by timestamp', async () => {
    const run = await stediTest(timestamp, await tamperedCopy(timestamp, []));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/WARN test ml_cross_customer_pairs \.* \[\d+ failing rows in/);
    expect(run.failures.ml_cross_customer_pairs).toBeGreaterThan(0);
    expect(notPassing(run)).toEqual(expectedStatuses([], ['ml_cross_customer_pairs']));
    expect(run.stdout).toMatch(/0 failed, 8 skipped, 1 warned\./);
  });

  it('passes with ml_pairing: same_customer', async () => {
    const run = await stediTest(sameCustomer, await tamperedCopy(sameCustomer, []));
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/PASS test ml_cross_customer_pairs /);
    expect(notPassing(run)).toEqual(expectedStatuses([], []));
  });

  it("warns (and still exits 0) on a same_customer build when a step reading is paired with another customer's phone reading", async () => {
    const database = await tamperedCopy(sameCustomer, [
      `insert into ${S}.machine_learning_curated
       select s.sensorreadingtime, s.serialnumber, s.distancefromobject, a."timestamp", a.x, a.y, a.z
       from (select * from ${S}.step_trainer_trusted order by all limit 1) as s,
            (select a.* from ${S}.accelerometer_trusted as a inner join ${S}.customer_curated as c on c.email = a."user"
             where c.serialnumber <> (select serialnumber from ${S}.step_trainer_trusted order by all limit 1)
             order by all limit 1) as a`,
    ]);
    const run = await stediTest(sameCustomer, database);
    expect(run.code, run.stdout).toBe(0);
    expect(run.failures.ml_cross_customer_pairs).toBe(1);
    expect(notPassing(run)).toEqual(expectedStatuses([], ['ml_cross_customer_pairs']));
  });
});
