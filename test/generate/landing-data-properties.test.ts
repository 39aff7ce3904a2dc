// The generated data must exercise the privacy logic of the models the way the real data does.
// Each property is computed from the files read back, as the models would read them.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AccelerometerRecord,
  CustomerRecord,
  StepTrainerRecord,
} from '../../src/generate/landing-data-generator.js';
import { writeLandingData, type LandingDataSummary } from '../../src/generate/write-landing-data.js';
import { makeTempDir, readLandingLines, removeTempDirs } from './landing-files.js';

afterAll(removeTempDirs);

const CUSTOMERS = 3_000;
let summary: LandingDataSummary;
let customers: CustomerRecord[];
let phone: AccelerometerRecord[];
let steps: StepTrainerRecord[];
let customerByEmail: Map<string, CustomerRecord>;
let customerBySerial: Map<string, CustomerRecord>;

beforeAll(async () => {
  const outDir = join(await makeTempDir(), 'landing');
  summary = await writeLandingData({ outDir, customers: CUSTOMERS, seed: 2024, maxLinesPerFile: 5_000 });
  const lines = await readLandingLines(outDir);
  customers = lines.customer.map((line) => JSON.parse(line) as CustomerRecord);
  phone = lines.accelerometer.map((line) => JSON.parse(line) as AccelerometerRecord);
  steps = lines.step_trainer.map((line) => JSON.parse(line) as StepTrainerRecord);
  customerByEmail = new Map(customers.map((c) => [c.email, c]));
  customerBySerial = new Map(customers.map((c) => [c.serialNumber, c]));
});

const fraction = (part: number, whole: number): number => part / whole;

describe('generated landing data', () => {
  it('has no research consent key for about half the customers, and a few null and 0 consents', () => {
    const absent = customers.filter((c) => !('shareWithResearchAsOfDate' in c)).length;
    const nulls = customers.filter(
      (c) => 'shareWithResearchAsOfDate' in c && c.shareWithResearchAsOfDate === null,
    ).length;
    const zeros = customers.filter((c) => c.shareWithResearchAsOfDate === 0).length;
    const positive = customers.filter(
      (c) => typeof c.shareWithResearchAsOfDate === 'number' && c.shareWithResearchAsOfDate > 0,
    ).length;
    expect(fraction(absent, CUSTOMERS)).toBeGreaterThan(0.4);
    expect(fraction(absent, CUSTOMERS)).toBeLessThan(0.56);
    for (const edgeCases of [nulls, zeros]) {
      expect(fraction(edgeCases, CUSTOMERS)).toBeGreaterThan(0.005);
      expect(fraction(edgeCases, CUSTOMERS)).toBeLessThan(0.05);
    }
    expect(absent + nulls + zeros + positive).toBe(CUSTOMERS);
    expect(summary.customersWithConsent).toBe(positive);
  });

  it('repeats (user, timestamp) pairs with different x/y/z, but never repeats a whole reading', () => {
    const axesByPair = new Map<string, string[]>();
    for (const r of phone) {
      const pair = `${r.user}|${r.timestamp}`;
      axesByPair.set(pair, [...(axesByPair.get(pair) ?? []), `${r.x},${r.y},${r.z}`]);
    }
    const repeated = [...axesByPair.values()].filter((axes) => axes.length > 1);
    expect(fraction(repeated.length, axesByPair.size)).toBeGreaterThan(0.1);
    for (const axes of repeated) expect(new Set(axes).size).toBe(axes.length);
  });

  it('has different customers reading at the same millisecond a few % of the time', () => {
    const usersByTimestamp = new Map<number, Set<string>>();
    for (const r of phone) {
      if (!customerByEmail.has(r.user)) continue;
      usersByTimestamp.set(r.timestamp, (usersByTimestamp.get(r.timestamp) ?? new Set()).add(r.user));
    }
    const shared = [...usersByTimestamp.values()].filter((users) => users.size > 1).length;
    expect(fraction(shared, usersByTimestamp.size)).toBeGreaterThan(0.005);
    expect(fraction(shared, usersByTimestamp.size)).toBeLessThan(0.1);
  });

  it("has step trainer readings at most of the owner's phone reading times, and none at other times", () => {
    const phonePairs = new Set(phone.map((r) => `${r.user}|${r.timestamp}`));
    const ownedSteps = steps.filter((s) => customerBySerial.has(s.serialNumber));
    for (const s of ownedSteps) {
      expect(phonePairs.has(`${customerBySerial.get(s.serialNumber)?.email}|${s.sensorReadingTime}`)).toBe(true);
    }
    const customerPhonePairs = [...phonePairs].filter((pair) => customerByEmail.has(pair.split('|')[0] as string));
    expect(fraction(ownedSteps.length, customerPhonePairs.length)).toBeGreaterThan(0.7);
    expect(fraction(ownedSteps.length, customerPhonePairs.length)).toBeLessThan(1);
  });

  it('has readings of consenting customers both before and after their consent date', () => {
    let before = 0;
    let after = 0;
    for (const r of phone) {
      const consent = customerByEmail.get(r.user)?.shareWithResearchAsOfDate;
      if (typeof consent !== 'number' || consent <= 0) continue;
      if (r.timestamp < consent) before++;
      else after++;
    }
    expect(fraction(before, before + after)).toBeGreaterThan(0.1);
    expect(fraction(before, before + after)).toBeLessThan(0.5);
  });

  it('has a few phone readings of users and step readings of devices that belong to no customer', () => {
    const orphanPhone = phone.filter((r) => !customerByEmail.has(r.user)).length;
    const orphanSteps = steps.filter((s) => !customerBySerial.has(s.serialNumber)).length;
    expect(orphanPhone).toBe(summary.orphanAccelerometerRows);
    expect(orphanSteps).toBe(summary.orphanStepTrainerRows);
    for (const orphans of [orphanPhone, orphanSteps]) {
      expect(orphans).toBeGreaterThan(0);
      expect(fraction(orphans, CUSTOMERS)).toBeLessThan(0.1);
    }
  });

  it('has customers with no phone readings and customers with many', () => {
    const readingsPerUser = new Map<string, number>();
    for (const r of phone) readingsPerUser.set(r.user, (readingsPerUser.get(r.user) ?? 0) + 1);
    const silent = customers.filter((c) => !readingsPerUser.has(c.email)).length;
    expect(silent).toBeGreaterThan(0);
    expect(fraction(silent, CUSTOMERS)).toBeLessThan(0.2);
    expect(Math.max(...readingsPerUser.values())).toBeGreaterThanOrEqual(12);
  });
});
