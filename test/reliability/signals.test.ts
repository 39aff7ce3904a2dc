import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLandingData } from '../../src/generate/write-landing-data.js';
import { cli, copyStediProject, tempDir } from '../helpers/stedi-project.js';
import { compileCli, spawnCli, type CompiledCli } from './compiled-cli.js';
import { compareWithOldAndNew, databaseState, temporaryRelations } from './database-state.js';

// A model whose query runs for minutes unless it is interrupted: the statement certainly in flight when the signal lands.
const SLOW_MODEL = `-- Deliberately slow: the signal tests stop it while it runs.
select sum(hash(r.range)) as h from range(50000000000) as r
`;

const EXPECTED_CODE = { SIGINT: 130, SIGTERM: 143 } as const;

let compiled: CompiledCli;
beforeAll(() => {
  compiled = compileCli();
});

describe.each(['SIGINT', 'SIGTERM'] as const)('a run stopped with %s', (signal) => {
  let project: string;

  beforeAll(() => {
    project = copyStediProject();
    writeFileSync(path.join(project, 'models/curated/slow_model.sql'), SLOW_MODEL);
  });

  it(`stops the query in flight, keeps what was published, leaves no temporary relation and exits ${EXPECTED_CODE[signal]}`, async () => {
    const database = path.join(project, `target/${signal}-mid-query/stedi.duckdb`);
    const run = spawnCli(compiled, ['run'], { cwd: project, env: { STEDI_DUCKDB_PATH: database } });
    // The eight STEDI nodes finish quickly on the sample data; the slow model is then the only work in flight.
    await run.lineMatching(/machine_learning_curated/);
    run.child.kill(signal);
    const guard = setTimeout(() => run.child.kill('SIGKILL'), 60_000);
    const ended = await run.exited;
    clearTimeout(guard);
    expect(ended.signal, 'the query in flight was not stopped: the run had to be killed').toBeNull();
    expect(ended.code, run.stderr()).toBe(EXPECTED_CODE[signal]);
    expect(run.stdout()).toMatch(/ERROR slow_model/);
    const results = JSON.parse(readFileSync(path.join(project, 'target/run_results.json'), 'utf8')) as {
      results: Array<{ name: string; status: string; message: string | null }>;
    };
    const slow = results.results.find((r) => r.name === 'slow_model')!;
    expect(slow.status).toBe('error');
    expect(slow.message).toMatch(/cancelled/);
    // The eight STEDI nodes, and the seed identifier_columns that machine_learning_curated's audit reads.
    expect(results.results.filter((r) => r.name !== 'slow_model').map((r) => r.status)).toEqual(
      Array(9).fill('success'),
    );
    const state = await databaseState(database);
    expect(temporaryRelations(state)).toEqual([]);
    expect(state.has('stedi.slow_model')).toBe(false);
    expect(state.get('stedi.machine_learning_curated')?.rows).toBeGreaterThan(0);
    expect(run.stderr()).not.toContain('unexpected failure inside stedi-models');
  });

  it(`stopped while the landing loads run, leaves every relation with its old or new contents, exits ${EXPECTED_CODE[signal]}, and the next run completes`, async () => {
    const select = ['--exclude', 'slow_model'];
    // Old: the sample data. New: a generated set large enough that the landing loads are still running at the signal.
    const old = path.join(project, `target/${signal}-landing-old/stedi.duckdb`);
    const first = await cli(['run', ...select], { cwd: project, env: { STEDI_DUCKDB_PATH: old } });
    expect(first.code, first.stderr).toBe(0);
    const before = await databaseState(old);
    const landing = path.join(tempDir('stedi-signal-data-'), 'landing');
    await writeLandingData({ outDir: landing, customers: 3_000, seed: 77 });
    const newVars = ['--vars', JSON.stringify({ landing_root: landing })];
    const copy = (name: string) => {
      const file = path.join(project, `target/${signal}-landing-${name}/stedi.duckdb`);
      mkdirSync(path.dirname(file), { recursive: true });
      copyFileSync(old, file);
      return file;
    };
    const clean = copy('clean');
    expect((await cli(['run', ...select, ...newVars], { cwd: project, env: { STEDI_DUCKDB_PATH: clean } })).code).toBe(
      0,
    );
    const fresh = await databaseState(clean);

    const database = copy('signalled');
    const run = spawnCli(compiled, ['run', ...select, ...newVars], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: database },
    });
    await run.lineMatching(/Running \d+ nodes/);
    run.child.kill(signal);
    const ended = await run.exited;
    expect(ended.code, run.stdout() + run.stderr()).toBe(EXPECTED_CODE[signal]);
    expect(run.stdout()).toMatch(/was cancelled/);
    const after = await databaseState(database);
    expect(temporaryRelations(after)).toEqual([]);
    expect([...compareWithOldAndNew(before, after, fresh)].filter(([, v]) => v !== 'old' && v !== 'new')).toEqual([]);
    const next = await cli(['run', ...select, ...newVars], { cwd: project, env: { STEDI_DUCKDB_PATH: database } });
    expect(next.code, next.stderr).toBe(0);
    expect(await databaseState(database)).toEqual(fresh);
  });
});
