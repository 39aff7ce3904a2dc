import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { writeLandingData } from '../../src/generate/write-landing-data.js';
import { readLanding } from '../helpers/landing-files.js';
import { cli, copyStediProject, tempDir } from '../helpers/stedi-project.js';

type Row = Record<string, unknown>;

/** An independent computation of the eight relations from the landing files, written from the rules in the issue. */
function expectedRelations(root: string, cutoff: 'any' | 'as_of', pairing: 'timestamp' | 'same_customer') {
  const customers = readLanding(root, 'customer');
  const readings = readLanding(root, 'accelerometer');
  const steps = readLanding(root, 'step_trainer');
  const consentOf = (c: Row) => c.shareWithResearchAsOfDate as number | null | undefined;
  const trusted = customers.filter((c) => c.email != null && consentOf(c) != null && consentOf(c) !== 0);
  const consentByEmail = new Map(trusted.map((c) => [c.email as string, consentOf(c) as number]));
  const accTrusted = readings.filter((r) => {
    const consent = consentByEmail.get(r.user as string);
    return consent !== undefined && (cutoff === 'any' || (r.timestamp as number) >= consent);
  });
  const withReadings = new Set(accTrusted.map((r) => r.user as string));
  const curated = trusted.filter((c) => withReadings.has(c.email as string));
  const ownerBySerial = new Map(curated.map((c) => [c.serialNumber as string, c]));
  const stepTrusted = steps.filter((s) => {
    const owner = ownerBySerial.get(s.serialNumber as string);
    return owner !== undefined && (cutoff === 'any' || (s.sensorReadingTime as number) >= (consentOf(owner) as number));
  });
  const ml = stepTrusted.flatMap((s) =>
    accTrusted
      .filter((a) => a.timestamp === s.sensorReadingTime)
      .filter((a) => pairing === 'timestamp' || a.user === ownerBySerial.get(s.serialNumber as string)?.email)
      .map((a) => [s.sensorReadingTime, s.serialNumber, s.distanceFromObject, a.timestamp, a.x, a.y, a.z]),
  );
  const customerRow = (c: Row) => [
    c.customerName,
    c.email,
    c.phone,
    c.birthDay,
    c.serialNumber,
    c.registrationDate,
    c.lastUpdateDate,
    c.shareWithResearchAsOfDate ?? null,
    c.shareWithPublicAsOfDate ?? null,
    c.shareWithFriendsAsOfDate ?? null,
  ];
  return {
    customer_landing: customers.map(customerRow),
    customer_trusted: trusted.map(customerRow),
    customer_curated: curated.map(customerRow),
    accelerometer_trusted: accTrusted.map((r) => [r.user, r.timestamp, r.x, r.y, r.z]),
    step_trainer_trusted: stepTrusted.map((s) => [s.sensorReadingTime, s.serialNumber, s.distanceFromObject]),
    machine_learning_curated: ml,
  };
}

/** Rows as sorted canonical strings: a multiset comparison that ignores row order. */
function canonical(rows: unknown[][]): string[] {
  return rows.map((r) => JSON.stringify(r)).sort();
}

async function actualRelations(databasePath: string, names: readonly string[]): Promise<Record<string, unknown[][]>> {
  const adapter = await DuckDbAdapter.open({ path: databasePath, settings: {} }, '/');
  try {
    const out: Record<string, unknown[][]> = {};
    for (const name of names)
      out[name] = (await adapter.query(`select * from "stedi"."stedi"."${name}"`)).map((row) => Object.values(row));
    return out;
  } finally {
    await adapter.close();
  }
}

describe('stedi-models run on generated landing data', () => {
  let landing: string;
  let project: string;
  beforeAll(async () => {
    landing = path.join(tempDir('stedi-landing-'), 'landing');
    await writeLandingData({ outDir: landing, customers: 400, seed: 20261122 });
    project = copyStediProject();
  });

  const cases = [
    { cutoff: 'any', pairing: 'timestamp' },
    { cutoff: 'as_of', pairing: 'timestamp' },
    { cutoff: 'any', pairing: 'same_customer' },
    { cutoff: 'as_of', pairing: 'same_customer' },
  ] as const;

  for (const { cutoff, pairing } of cases) {
    it(`builds every relation equal to an independent computation (consent_cutoff: ${cutoff}, ml_pairing: ${pairing})`, async () => {
      const database = path.join(project, `target/${cutoff}-${pairing}/stedi.duckdb`);
      const run = await cli(
        ['run', '--vars', JSON.stringify({ landing_root: landing, consent_cutoff: cutoff, ml_pairing: pairing })],
        {
          cwd: project,
          env: { STEDI_DUCKDB_PATH: database },
        },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const expected = expectedRelations(landing, cutoff, pairing);
      const actual = await actualRelations(database, Object.keys(expected));
      for (const [name, rows] of Object.entries(expected)) {
        expect(canonical(actual[name]!), name).toEqual(canonical(rows));
      }
      // The generated data must exercise the rules, or this test proves nothing.
      expect(expected.customer_trusted.length).toBeGreaterThan(0);
      expect(expected.customer_trusted.length).toBeLessThan(expected.customer_landing.length);
      expect(expected.machine_learning_curated.length).toBeGreaterThan(0);
    });
  }
});
