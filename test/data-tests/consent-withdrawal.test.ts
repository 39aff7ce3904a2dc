import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLanding } from '../helpers/landing-files.js';
import { expectedStatuses } from './breakage-suite.js';
import {
  buildStedi,
  generatedLanding,
  notPassing,
  S,
  sqlString,
  stediTest,
  tamperedCopy,
  type LandingCustomer,
  type StediBuild,
} from './stedi-build.js';

// A consenting customer with phone and step trainer readings whose newer landing record withdraws consent: the
// newest record wins, so the models drop them and every consent test must reject their data.
describe('data of a customer whose newest landing record withdraws consent', () => {
  let build: StediBuild;
  let withdrawn: LandingCustomer;
  beforeAll(async () => {
    const landing = await generatedLanding();
    const users = new Set(readLanding(landing, 'accelerometer').map((r) => r.user));
    const devices = new Set(readLanding(landing, 'step_trainer').map((r) => r.serialNumber));
    withdrawn = (readLanding(landing, 'customer') as LandingCustomer[]).find(
      (c) =>
        typeof c.shareWithResearchAsOfDate === 'number' &&
        c.shareWithResearchAsOfDate > 0 &&
        users.has(c.email) &&
        devices.has(c.serialNumber),
    )!;
    const withdrawal = {
      ...withdrawn,
      lastUpdateDate: (withdrawn.lastUpdateDate as number) + 1000,
      shareWithResearchAsOfDate: 0,
    };
    appendFileSync(path.join(landing, 'customer/landing/customer-withdrawals.json'), `${JSON.stringify(withdrawal)}\n`);
    build = await buildStedi(landing);
  });

  it('is left out by the models, and the build passes', async () => {
    const run = await stediTest(build, await tamperedCopy(build, []));
    expect(run.code).toBe(0);
    expect(notPassing(run)).toEqual(expectedStatuses([], ['ml_cross_customer_pairs']));
  });

  it('fails every consented test when the withdrawn customer and their readings are put back', async () => {
    const email = sqlString(withdrawn.email);
    const serial = sqlString(withdrawn.serialNumber);
    const database = await tamperedCopy(build, [
      `insert into ${S}.customer_trusted select * from ${S}.customer_landing where email = ${email} and sharewithresearchasofdate <> 0`,
      `insert into ${S}.customer_curated select * from ${S}.customer_landing where email = ${email} and sharewithresearchasofdate <> 0`,
      `insert into ${S}.accelerometer_trusted select * from ${S}.accelerometer_landing where "user" = ${email}`,
      `insert into ${S}.step_trainer_trusted select * from ${S}.step_trainer_landing where serialnumber = ${serial}`,
      `insert into ${S}.machine_learning_curated select sensorreadingtime, ${serial}, distancefromobject, "timestamp", x, y, z from ${S}.machine_learning_curated order by all limit 1`,
    ]);
    const run = await stediTest(build, database);
    expect(run.code).toBe(1);
    const consented = [
      'consented_customer_trusted_email',
      'consented_customer_trusted_serialnumber',
      'consented_customer_curated_email',
      'consented_customer_curated_serialnumber',
      'consented_accelerometer_trusted_user',
      'consented_step_trainer_trusted_serialnumber',
      'consented_machine_learning_curated_serialnumber',
    ];
    expect(notPassing(run)).toEqual(expectedStatuses(consented, ['ml_cross_customer_pairs']));
  });

  // ml_phone_readings_are_consented judges a phone reading by the user's newest landing record, as the consented
  // test and the models do: a newer record that withdraws consent outweighs an older one that granted it. Paired by
  // timestamp with a consenting customer's device, such a row passes every other STEDI test.
  it("fails ml_phone_readings_are_consented on a withdrawn customer's phone reading paired with a consenting device", async () => {
    const database = await tamperedCopy(build, [
      `insert into ${S}.machine_learning_curated
       select ml.sensorreadingtime, ml.serialnumber, ml.distancefromobject, a."timestamp", a.x, a.y, a.z
       from (select * from ${S}.machine_learning_curated order by all limit 1) as ml,
            (select * from ${S}.accelerometer_landing where "user" = ${sqlString(withdrawn.email)} order by all limit 1) as a`,
    ]);
    const run = await stediTest(build, database);
    expect(run.code).toBe(1);
    expect(notPassing(run)).toEqual(expectedStatuses(['ml_phone_readings_are_consented'], ['ml_cross_customer_pairs']));
  });
});
