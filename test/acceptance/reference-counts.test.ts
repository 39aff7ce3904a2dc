import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { withRealData } from '../helpers/requirements.js';
import { REAL_LANDING, cli, copyStediProject } from '../helpers/stedi-project.js';

// The acceptance table of the STEDI project (../shared/README.md), for the default semantics and consent_cutoff: as_of.
const REFERENCE = {
  any: {
    customer_landing: 956,
    accelerometer_landing: 81_273,
    step_trainer_landing: 28_680,
    customer_trusted: 482,
    accelerometer_trusted: 40_981,
    step_trainer_trusted: 14_460,
    customer_curated: 482,
    machine_learning_curated: 43_681,
  },
  as_of: {
    customer_landing: 956,
    accelerometer_landing: 81_273,
    step_trainer_landing: 28_680,
    customer_trusted: 482,
    accelerometer_trusted: 32_025,
    step_trainer_trusted: 11_297,
    customer_curated: 464,
    machine_learning_curated: 34_253,
  },
} as const;

async function countRelations(databasePath: string, names: readonly string[]): Promise<Record<string, number>> {
  const adapter = await DuckDbAdapter.open({ path: databasePath, settings: {} }, '/');
  try {
    const counts: Record<string, number> = {};
    for (const name of names) {
      const [row] = await adapter.query(`select count(*) as n from "stedi"."stedi"."${name}"`);
      counts[name] = Number(row?.n);
    }
    return counts;
  } finally {
    await adapter.close();
  }
}

withRealData.describe('the eight STEDI relations on the real landing data', () => {
  let project: string;
  beforeAll(() => {
    project = copyStediProject();
  });

  for (const cutoff of ['any', 'as_of'] as const) {
    it(`have exactly the reference row counts with consent_cutoff: ${cutoff}`, async () => {
      const database = path.join(project, `target/reference-${cutoff}/stedi.duckdb`);
      const run = await cli(['run', '--vars', JSON.stringify({ landing_root: REAL_LANDING, consent_cutoff: cutoff })], {
        cwd: project,
        env: { STEDI_DUCKDB_PATH: database },
      });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const expected = REFERENCE[cutoff];
      expect(await countRelations(database, Object.keys(expected))).toEqual(expected);
    });
  }

  it('pairs on the same customer with ml_pairing: same_customer (40,981 rows)', async () => {
    const database = path.join(project, 'target/same-customer/stedi.duckdb');
    const run = await cli(
      [
        'run',
        '--vars',
        JSON.stringify({ landing_root: REAL_LANDING, ml_pairing: 'same_customer' }),
        '--select',
        '+machine_learning_curated',
      ],
      {
        cwd: project,
        env: { STEDI_DUCKDB_PATH: database },
      },
    );
    expect(run.code).toBe(0);
    expect(await countRelations(database, ['machine_learning_curated'])).toEqual({ machine_learning_curated: 40_981 });
  });
});
