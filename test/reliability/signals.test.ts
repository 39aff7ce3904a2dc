import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, copyStediProject } from '../helpers/stedi-project.js';
import { compileCli, spawnCli, type CompiledCli } from './compiled-cli.js';
import { databaseState, temporaryRelations } from './database-state.js';

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
    const results = JSON.parse(readFileSync(path.join(project, 'target/run_results.json'), 'utf8')) as { results: Array<{ name: string; status: string; message: string | null }> };
    const slow = results.results.find((r) => r.name === 'slow_model')!;
    expect(slow.status).toBe('error');
    expect(slow.message).toMatch(/cancelled/);
    expect(results.results.filter((r) => r.name !== 'slow_model').map((r) => r.status)).toEqual(Array(8).fill('success'));
    const state = await databaseState(database);
    expect(temporaryRelations(state)).toEqual([]);
    expect(state.has('stedi.slow_model')).toBe(false);
    expect(state.get('stedi.machine_learning_curated')?.rows).toBeGreaterThan(0);
    expect(run.stderr()).not.toContain('unexpected failure inside stedi-models');
  });

  it('stopped while the landing loads run, leaves every relation complete (old or new) and the next run completes', async () => {
    const database = path.join(project, `target/${signal}-landing/stedi.duckdb`);
    const select = ['--exclude', 'slow_model'];
    const first = await cli(['run', ...select], { cwd: project, env: { STEDI_DUCKDB_PATH: database } });
    expect(first.code, first.stderr).toBe(0);
    const before = await databaseState(database);
    const run = spawnCli(compiled, ['run', ...select, '--vars', '{landing_root: data/landing}'], { cwd: project, env: { STEDI_DUCKDB_PATH: database } });
    await run.lineMatching(/Running \d+ nodes/);
    run.child.kill(signal);
    const ended = await run.exited;
    // The signal may land after the small sample run finished (exit 0); when it lands during the run, the code is 128 + n.
    expect([0, EXPECTED_CODE[signal]], run.stderr()).toContain(ended.code);
    const after = await databaseState(database);
    // Same landing data: old and new contents are equal, so every relation must be exactly as before.
    expect(after).toEqual(before);
    const next = await cli(['run', ...select], { cwd: project, env: { STEDI_DUCKDB_PATH: database } });
    expect(next.code, next.stderr).toBe(0);
    expect(await databaseState(database)).toEqual(before);
  });
});
