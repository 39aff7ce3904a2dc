import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryDatabase } from '../helpers/query-database.js';
import { writeLandingData } from '../../src/generate/write-landing-data.js';
import { readLanding } from '../helpers/landing-files.js';
import { cli, copyStediProject, readTargetJson, tempDir } from '../helpers/stedi-project.js';

type Row = Record<string, unknown>;

const query = queryDatabase;

const q = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Rows of one customer in each trusted and curated relation: by email, by device serial number, or by phone reading. */
function rowsOfCustomerSql(email: string, serial: string): Record<string, string> {
  // A phone reading in machine_learning_curated is (timestamp, x, y, z); it is the customer's when only their
  // landing readings have it.
  const phoneReadingOfCustomer = `exists (
      select 1 from stedi.stedi.accelerometer_landing as l
      where l."timestamp" = m."timestamp" and l.x = m.x and l.y = m.y and l.z = m.z and l."user" = ${q(email)}
        and not exists (select 1 from stedi.stedi.accelerometer_landing as o
                        where o."timestamp" = l."timestamp" and o.x = l.x and o.y = l.y and o.z = l.z and o."user" <> l."user"))`;
  return {
    customer_trusted: `select count(*) as n from stedi.stedi.customer_trusted where email = ${q(email)} or serialnumber = ${q(serial)}`,
    accelerometer_trusted: `select count(*) as n from stedi.stedi.accelerometer_trusted where "user" = ${q(email)}`,
    customer_curated: `select count(*) as n from stedi.stedi.customer_curated where email = ${q(email)} or serialnumber = ${q(serial)}`,
    step_trainer_trusted: `select count(*) as n from stedi.stedi.step_trainer_trusted where serialnumber = ${q(serial)}`,
    machine_learning_curated: `select count(*) as n from stedi.stedi.machine_learning_curated as m where m.serialnumber = ${q(serial)} or ${phoneReadingOfCustomer}`,
  };
}

async function countsOf(database: string, sqlByRelation: Record<string, string>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [relation, sql] of Object.entries(sqlByRelation))
    out[relation] = Number((await query(database, sql))[0]!.n);
  return out;
}

async function totals(database: string): Promise<Record<string, number>> {
  return countsOf(
    database,
    Object.fromEntries(RELATIONS.map((r) => [r, `select count(*) as n from stedi.stedi.${r}`])),
  );
}

const RELATIONS = [
  'customer_trusted',
  'accelerometer_trusted',
  'customer_curated',
  'step_trainer_trusted',
  'machine_learning_curated',
] as const;

/** How a newer landing record withdraws consent: the key left out, written as null, or 0. */
const WITHDRAWALS = {
  'removes the key': (record: Row) => {
    const { shareWithResearchAsOfDate: _, ...rest } = record;
    return rest;
  },
  'sets it to null': (record: Row) => ({ ...record, shareWithResearchAsOfDate: null }),
  'sets it to 0': (record: Row) => ({ ...record, shareWithResearchAsOfDate: 0 }),
} as const;

describe.each(Object.keys(WITHDRAWALS) as Array<keyof typeof WITHDRAWALS>)(
  'a newer customer snapshot that %s of sharewithresearchasofdate',
  (withdrawal) => {
    let database: string;
    let before: Record<string, number>;
    let after: Record<string, number>;
    let totalsBefore: Record<string, number>;
    let totalsAfter: Record<string, number>;
    let secondRunMaterializations: Record<string, string>;

    beforeAll(async () => {
      const landing = path.join(tempDir('stedi-revocation-'), 'landing');
      await writeLandingData({ outDir: landing, customers: 300, seed: 5150 });
      const project = copyStediProject();
      database = path.join(project, 'target/revocation/stedi.duckdb');
      const vars = ['--vars', JSON.stringify({ landing_root: landing })];
      const first = await cli(['run', ...vars], { cwd: project, env: { STEDI_DUCKDB_PATH: database } });
      expect(first.code, first.stderr).toBe(0);

      // The consenting customer with the most rows in machine_learning_curated: present in every relation.
      const [chosen] = await query(
        database,
        `select c.email, c.serialnumber, count(*) as n from stedi.stedi.machine_learning_curated as m
       join stedi.stedi.customer_curated as c on c.serialnumber = m.serialnumber
       group by all order by n desc, c.email limit 1`,
      );
      const email = String(chosen!.email);
      const serial = String(chosen!.serialnumber);
      const sql = rowsOfCustomerSql(email, serial);
      before = await countsOf(database, sql);
      totalsBefore = await totals(database);

      // A newer snapshot of that customer arrives in an added landing file; the old file stays.
      const record = readLanding(landing, 'customer').find((c) => c.email === email)!;
      const newer = WITHDRAWALS[withdrawal]({ ...record, lastUpdateDate: Number(record.lastUpdateDate) + 60_000 });
      writeFileSync(path.join(landing, 'customer/landing/customer-9999999999999.json'), `${JSON.stringify(newer)}\n`);

      const second = await cli(['run', ...vars], { cwd: project, env: { STEDI_DUCKDB_PATH: database } });
      expect(second.code, second.stderr).toBe(0);
      const results = readTargetJson(project, 'run_results.json').results as Array<{ name: string; relation: string }>;
      secondRunMaterializations = Object.fromEntries(results.map((r) => [r.name, r.relation.split(' ')[0]!]));
      after = await countsOf(database, sql);
      totalsAfter = await totals(database);
    });

    it('covers incremental models: the second run added to the reading tables rather than rebuilding them', () => {
      for (const relation of ['accelerometer_trusted', 'step_trainer_trusted', 'machine_learning_curated'])
        expect(secondRunMaterializations[relation], relation).toBe('incremental');
    });

    it.each(RELATIONS)('removes every row of that customer from %s on the next run', (relation) => {
      expect(before[relation], `the customer had rows in ${relation} before`).toBeGreaterThan(0);
      expect(after[relation], relation).toBe(0);
      // Only that customer's rows went.
      expect(totalsAfter[relation]).toBe(totalsBefore[relation]! - before[relation]!);
    });
  },
);
