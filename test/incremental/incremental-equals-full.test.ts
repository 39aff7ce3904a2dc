import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { cli, copyStediProject, readTargetJson, tempDir } from '../helpers/stedi-project.js';

const RELATIONS = [
  'customer_trusted',
  'accelerometer_trusted',
  'customer_curated',
  'step_trainer_trusted',
  'machine_learning_curated',
];

type Customer = { email: string; serial: string; consent?: number | null; updated: number };
const customer = (c: Customer) =>
  JSON.stringify({
    customerName: c.email.split('@')[0],
    email: c.email,
    phone: '555',
    birthDay: '2000-01-01',
    serialNumber: c.serial,
    registrationDate: 1,
    lastUpdateDate: c.updated,
    ...(c.consent === undefined ? {} : { shareWithResearchAsOfDate: c.consent }),
  });
const reading = (user: string, t: number, x: number) => JSON.stringify({ user, timestamp: t, x, y: 0.5, z: -1 });
const step = (serial: string, t: number, d: number) =>
  JSON.stringify({ sensorReadingTime: t, serialNumber: serial, distanceFromObject: d });

/** Landing data arriving in batches; each batch adds files to the landing folders. */
const BATCHES: Array<{ what: string; files: Record<string, string[]> }> = [
  {
    what: 'a first load',
    files: {
      'customer/landing/customer-1.json': [
        customer({ email: 'ann@x.test', serial: 's-ann', consent: 1_000, updated: 1 }),
        customer({ email: 'bob@x.test', serial: 's-bob', updated: 1 }),
        customer({ email: 'cat@x.test', serial: 's-cat', consent: 1_000, updated: 1 }),
        customer({ email: 'dan@x.test', serial: 's-dan', consent: 0, updated: 1 }),
      ],
      'accelerometer/landing/accelerometer-1.json': [
        reading('ann@x.test', 10_000, 1),
        reading('ann@x.test', 10_000, 2),
        reading('ann@x.test', 11_000, 3),
        reading('bob@x.test', 10_000, 4),
        reading('bob@x.test', 12_000, 5),
        reading('cat@x.test', 11_000, 6),
        reading('cat@x.test', 13_000, 7),
        reading('dan@x.test', 13_000, 8),
      ],
      'step_trainer/landing/step_trainer-1.json': [
        step('s-ann', 10_000, 100),
        step('s-ann', 11_000, 101),
        step('s-bob', 12_000, 102),
        step('s-cat', 11_000, 103),
        step('s-cat', 13_000, 104),
      ],
    },
  },
  {
    what: 'new readings and a new consenting customer whose history predates the lookback window',
    files: {
      'customer/landing/customer-2.json': [
        customer({ email: 'bob@x.test', serial: 's-bob', consent: 20_000, updated: 2 }),
      ],
      'accelerometer/landing/accelerometer-2.json': [
        reading('ann@x.test', 30_000, 9),
        reading('cat@x.test', 30_000, 10),
        reading('bob@x.test', 31_000, 11),
      ],
      'step_trainer/landing/step_trainer-2.json': [step('s-ann', 30_000, 105), step('s-bob', 31_000, 106)],
    },
  },
  {
    what: 'a late file, older than the newest reading but inside the lookback window',
    files: {
      'accelerometer/landing/accelerometer-3-late.json': [
        reading('ann@x.test', 30_200, 12),
        reading('cat@x.test', 30_500, 13),
      ],
      'step_trainer/landing/step_trainer-3-late.json': [step('s-ann', 30_200, 107), step('s-cat', 30_500, 108)],
    },
  },
  {
    what: 'a newer snapshot that withdraws a customer\u2019s consent',
    files: {
      'customer/landing/customer-4.json': [customer({ email: 'cat@x.test', serial: 's-cat', consent: 0, updated: 3 })],
      'accelerometer/landing/accelerometer-4.json': [reading('ann@x.test', 32_000, 14)],
    },
  },
];

async function snapshot(database: string): Promise<Record<string, string[]>> {
  const adapter = await DuckDbAdapter.open({ path: database, settings: {} }, '/');
  try {
    const out: Record<string, string[]> = {};
    for (const name of RELATIONS)
      out[name] = (await adapter.query(`select * from stedi.stedi.${name}`))
        .map((r) => JSON.stringify(Object.values(r)))
        .sort();
    return out;
  } finally {
    await adapter.close();
  }
}

describe('incremental models', () => {
  const variants = [
    { cutoff: 'any', pairing: 'timestamp' },
    { cutoff: 'as_of', pairing: 'timestamp' },
    { cutoff: 'any', pairing: 'same_customer' },
  ] as const;
  for (const { cutoff, pairing } of variants) {
    it(`loaded batch by batch equal one full build after every batch (consent_cutoff: ${cutoff}, ml_pairing: ${pairing})`, async () => {
      const project = copyStediProject();
      const landing = path.join(tempDir('stedi-batches-'), 'landing');
      const vars = [
        '--vars',
        JSON.stringify({ landing_root: landing, lookback_ms: 1_000, consent_cutoff: cutoff, ml_pairing: pairing }),
      ];
      const incremental = path.join(project, 'target/incremental/stedi.duckdb');
      for (const [i, batch] of BATCHES.entries()) {
        for (const [file, lines] of Object.entries(batch.files)) {
          mkdirSync(path.dirname(path.join(landing, file)), { recursive: true });
          writeFileSync(path.join(landing, file), `${lines.join('\n')}\n`);
        }
        const run = await cli(['run', ...vars], { cwd: project, env: { STEDI_DUCKDB_PATH: incremental } });
        expect(run.code, run.stdout + run.stderr).toBe(0);
        if (i > 0) {
          const kinds = readTargetJson(project, 'run_results.json').results.filter(
            (r: { name: string }) => r.name === 'accelerometer_trusted',
          );
          expect(kinds[0].relation, 'later runs add to the table').toMatch(/^incremental /);
        }
        const full = path.join(project, `target/full-${i}/stedi.duckdb`);
        expect((await cli(['run', ...vars], { cwd: project, env: { STEDI_DUCKDB_PATH: full } })).code).toBe(0);
        expect(await snapshot(incremental), `after batch ${i + 1}: ${batch.what}`).toEqual(await snapshot(full));
      }
      const final = await snapshot(incremental);
      // The batches exercise what they claim: bob's early reading arrived, cat's rows are gone everywhere.
      expect(final.accelerometer_trusted!.some((r) => r.includes('bob@x.test') && r.includes('12000'))).toBe(
        cutoff === 'any',
      );
      for (const name of RELATIONS)
        expect(
          final[name]!.some((r) => r.includes('cat@x.test') || r.includes('s-cat')),
          name,
        ).toBe(false);
    });
  }

  it('rebuild from scratch with --full-refresh', async () => {
    const project = copyStediProject();
    const env = { STEDI_DUCKDB_PATH: path.join(project, 'target/fr/stedi.duckdb') };
    expect((await cli(['run'], { cwd: project, env })).code).toBe(0);
    const run = await cli(['run', '--full-refresh', '--select', 'accelerometer_trusted'], { cwd: project, env });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/OK table stedi\.accelerometer_trusted/);
  });
});
