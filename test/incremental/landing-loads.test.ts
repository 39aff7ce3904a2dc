import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { cli, copyStediProject, readTargetJson, tempDir } from '../helpers/stedi-project.js';
import { mkdirSync } from 'node:fs';

const line = (user: string, t: number) => JSON.stringify({ user, timestamp: t, x: 1, y: 0, z: -1 });

async function count(database: string, relation: string): Promise<number> {
  const adapter = await DuckDbAdapter.open({ path: database, settings: {} }, '/');
  try {
    return Number((await adapter.query(`select count(*) as n from stedi.stedi.${relation}`))[0]!.n);
  } finally {
    await adapter.close();
  }
}

function landing(): string {
  const root = path.join(tempDir('stedi-landing-files-'), 'landing');
  for (const dataset of ['customer', 'accelerometer', 'step_trainer'])
    mkdirSync(path.join(root, dataset, 'landing'), { recursive: true });
  writeFileSync(
    path.join(root, 'customer/landing/c-1.json'),
    `${JSON.stringify({ customerName: 'A', email: 'a@x.test', serialNumber: 's-a', lastUpdateDate: 1, shareWithResearchAsOfDate: 1 })}\n`,
  );
  writeFileSync(
    path.join(root, 'step_trainer/landing/s-1.json'),
    `${JSON.stringify({ sensorReadingTime: 10, serialNumber: 's-a', distanceFromObject: 1 })}\n`,
  );
  writeFileSync(
    path.join(root, 'accelerometer/landing/a-1.json'),
    `${line('a@x.test', 10)}\n${line('a@x.test', 11)}\n`,
  );
  return root;
}

function accelerometerLoad(project: string): { relation: string; files: string[] } {
  const result = readTargetJson(project, 'run_results.json').results.find(
    (r: { name: string }) => r.name === 'accelerometer_landing',
  );
  return {
    relation: result.relation,
    files: (result.landing_files ?? []).map((f: { file: string }) => path.basename(f.file)),
  };
}

describe('landing loads', () => {
  it('read only new files while every loaded file is unchanged, and everything again when one changed or went', async () => {
    const project = copyStediProject();
    const root = landing();
    const env = { STEDI_DUCKDB_PATH: path.join(project, 'target/l/stedi.duckdb') };
    const run = async (...extra: string[]) => {
      const result = await cli(
        ['run', '--select', 'source:landing', '--vars', JSON.stringify({ landing_root: root }), ...extra],
        { cwd: project, env },
      );
      expect(result.code, result.stdout).toBe(0);
      return accelerometerLoad(project);
    };
    expect(await run()).toEqual({ relation: 'table stedi.accelerometer_landing', files: ['a-1.json'] });
    expect(await run()).toEqual({ relation: 'no new landing files for stedi.accelerometer_landing', files: [] });

    writeFileSync(path.join(root, 'accelerometer/landing/a-2.json'), `${line('a@x.test', 12)}\n`);
    expect(await run()).toEqual({
      relation: 'new landing files into stedi.accelerometer_landing',
      files: ['a-2.json'],
    });
    expect(await count(env.STEDI_DUCKDB_PATH, 'accelerometer_landing')).toBe(3);

    // A file that changed since it was loaded may have changed rows already loaded: everything is read again.
    appendFileSync(path.join(root, 'accelerometer/landing/a-1.json'), `${line('a@x.test', 13)}\nnot json\n`);
    expect(await run()).toEqual({ relation: 'table stedi.accelerometer_landing', files: ['a-1.json', 'a-2.json'] });
    expect(await count(env.STEDI_DUCKDB_PATH, 'accelerometer_landing')).toBe(4);
    expect(await count(env.STEDI_DUCKDB_PATH, 'accelerometer_landing_rejects')).toBe(1);

    rmSync(path.join(root, 'accelerometer/landing/a-2.json'));
    expect(await run()).toEqual({ relation: 'table stedi.accelerometer_landing', files: ['a-1.json'] });
    expect(await count(env.STEDI_DUCKDB_PATH, 'accelerometer_landing')).toBe(3);

    expect((await run('--full-refresh')).relation).toBe('table stedi.accelerometer_landing');
  });

  it('quarantines the bad lines of a newly appended file with file, line and reason, and its lines = loaded + rejected', async () => {
    const project = copyStediProject();
    const root = landing();
    const database = path.join(project, 'target/r/stedi.duckdb');
    const run = async () => {
      const result = await cli(
        ['run', '--select', 'source:landing', '--vars', JSON.stringify({ landing_root: root })],
        { cwd: project, env: { STEDI_DUCKDB_PATH: database } },
      );
      expect(result.code, result.stdout).toBe(0);
      return result;
    };
    await run();
    // Only the new file is read (append), and one of its three lines is not JSON, one has a fraction where a whole
    // number belongs: both are kept aside, with the file and line they came from.
    writeFileSync(
      path.join(root, 'accelerometer/landing/a-2.json'),
      `${line('a@x.test', 12)}
not json
${line('a@x.test', 13.5)}
`,
    );
    const appended = await run();
    expect(accelerometerLoad(project)).toEqual({
      relation: 'new landing files into stedi.accelerometer_landing',
      files: ['a-2.json'],
    });
    expect(appended.stdout).toMatch(/2 landing lines could not be read/);
    const adapter = await DuckDbAdapter.open({ path: database, settings: {} }, '/');
    try {
      const rejects = await adapter.query(
        'select file, line_number, reason from stedi.stedi.accelerometer_landing_rejects order by line_number',
      );
      expect(rejects.map((r) => [path.basename(String(r.file)), Number(r.line_number)])).toEqual([
        ['a-2.json', 2],
        ['a-2.json', 3],
      ]);
      for (const r of rejects) expect(String(r.reason)).not.toBe('');
      const ledger = await adapter.query(
        `select loaded, rejected from stedi.stedi.accelerometer_landing__loaded_files where file like '%a-2.json'`,
      );
      expect(ledger.map((r) => [Number(r.loaded), Number(r.rejected)])).toEqual([[1, 2]]);
    } finally {
      await adapter.close();
    }
    expect(await count(database, 'accelerometer_landing')).toBe(3);
  });
});
