import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeLandingData } from '../../src/generate/write-landing-data.js';
import { cli, copyStediProject, tempDir } from '../helpers/stedi-project.js';
import { compileCli, spawnCli, type CompiledCli } from './compiled-cli.js';
import { compareWithOldAndNew, databaseState, temporaryRelations, type RelationChecksum } from './database-state.js';

// Big enough that a child run takes about a second on a small CI machine (startup, then landing loads dominate),
// small enough that 26 killed runs and 26 recovery runs stay well under a minute.
const CUSTOMERS = 2_000;
const TIMED_KILLS = 14;
// The moments given by the run's own output (spawn, the "Running" line, "1 of 8" to "8 of 8", the summary): they come
// first in the list of moments.
const LINE_MOMENTS = 11;

type State = Map<string, RelationChecksum>;

/** How one killed run was stopped, and what the database held afterwards. */
interface Trial {
  moment: string;
  /** Whether SIGKILL ended the process (a late moment may find it already exited). */
  killed: boolean;
  /** Milliseconds from the "Running" line to the exit, when the run ended by itself. */
  finishedAfter?: number;
  verdicts: Map<string, 'old' | 'new' | 'missing' | 'partial'>;
  /** Relations the run had reported OK on stdout before it was killed: their commit must have survived. */
  reportedOk: string[];
  leftovers: string[];
}

const OK_LINE = /\bOK \S+ (\S+)\.(\S+)/;

describe('a run killed with SIGKILL', () => {
  let compiled: CompiledCli;
  let project: string;
  let oldDatabase: string;
  let oldState: State;
  let newState: State;
  let varsB: string;
  /** Milliseconds from the "Running" line to the process's exit, measured on an uninterrupted run. */
  let runSpan: number;

  beforeAll(async () => {
    compiled = compileCli();
    const data = tempDir('stedi-crash-data-');
    await writeLandingData({ outDir: path.join(data, 'a'), customers: CUSTOMERS, seed: 101 });
    await writeLandingData({ outDir: path.join(data, 'b'), customers: CUSTOMERS, seed: 202 });
    varsB = JSON.stringify({ landing_root: path.join(data, 'b') });
    project = copyStediProject();
    // "Old": the database as a completed run on data set A left it.
    oldDatabase = path.join(project, 'target/old/stedi.duckdb');
    const old = await cli(['run', '--vars', JSON.stringify({ landing_root: path.join(data, 'a') })], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: oldDatabase },
    });
    expect(old.code, old.stderr).toBe(0);
    oldState = await databaseState(oldDatabase);
    // "New": the same database after a completed run on data set B, timed in a child process like the killed ones.
    const cleanDatabase = copyOld('clean');
    const run = spawnCli(compiled, ['run', '--vars', varsB], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: cleanDatabase },
    });
    await run.lineMatching(/Running \d+ nodes/);
    const running = Date.now();
    const { code } = await run.exited;
    runSpan = Date.now() - running;
    expect(code, run.stderr()).toBe(0);
    newState = await databaseState(cleanDatabase);
  });

  function copyOld(name: string): string {
    const file = path.join(project, 'target/trials', name, 'stedi.duckdb');
    mkdirSync(path.dirname(file), { recursive: true });
    copyFileSync(oldDatabase, file);
    return file;
  }

  async function killedRun(
    name: string,
    killWhen: (run: ReturnType<typeof spawnCli>) => Promise<void>,
  ): Promise<{ trial: Trial; database: string }> {
    const database = copyOld(name);
    const run = spawnCli(compiled, ['run', '--vars', varsB], { cwd: project, env: { STEDI_DUCKDB_PATH: database } });
    let running: number | undefined;
    // Killed before the line, the run never prints it: then `running` stays unset.
    void run.lineMatching(/Running \d+ nodes/).then(
      () => (running = Date.now()),
      () => {},
    );
    await Promise.race([killWhen(run), run.exited]);
    run.child.kill('SIGKILL');
    const ended = await run.exited;
    const killed = ended.signal === 'SIGKILL';
    const reportedOk = run
      .stdout()
      .split('\n')
      .map((line) => OK_LINE.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]}.${m[2]}`);
    const after = await databaseState(database);
    return {
      database,
      trial: {
        moment: `${name} (${ended.signal ?? `exit ${ended.code}`})`,
        killed,
        finishedAfter: !killed && running !== undefined ? Date.now() - running : undefined,
        verdicts: compareWithOldAndNew(oldState, after, newState),
        reportedOk,
        leftovers: temporaryRelations(after),
      },
    };
  }

  it('the two data sets give different contents in every zone relation', () => {
    const differing = [...oldState]
      .filter(([name, old]) => newState.get(name)?.checksum !== old.checksum)
      .map(([name]) => name);
    // The rejects tables are empty in both, and the seed identifier_columns (loaded for machine_learning_curated's
    // audit) is the same CSV; every other relation must differ, or "old or new" would prove nothing.
    expect(differing.sort()).toEqual(
      [...oldState.keys()].filter((n) => !n.endsWith('_rejects') && n !== 'stedi.identifier_columns').sort(),
    );
    expect(temporaryRelations(newState)).toEqual([]);
  });

  it('leaves each relation with its complete old or complete new contents, at 26 moments across the run; the next run completes like a clean one', async () => {
    let span = runSpan;
    const moments: Array<[string, (run: ReturnType<typeof spawnCli>) => Promise<void>]> = [
      // While Node starts and the project compiles, before the database is opened.
      ['at spawn', async () => undefined],
      // When the nth line appears: the run has started, or n nodes have reported, or the summary is printed.
      ...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((n): [string, (run: ReturnType<typeof spawnCli>) => Promise<void>] => [
        n === 0 ? 'at the "Running" line' : `at the line "${n} of 8"`,
        (run) => run.lineMatching(n === 0 ? /Running \d+ nodes/ : new RegExp(`\\b${n} of \\d+ `)),
      ]),
      ['at the summary line', (run) => run.lineMatching(/Finished in/)],
      // Timed: while Node starts and the project compiles.
      ['at 150 ms after spawn', () => sleep(150)],
      // Spread evenly from the "Running" line to the end of an uninterrupted run (closing and checkpoint included).
      // The length of a run is measured, and measured again whenever a late moment finds the run already ended,
      // since a loaded machine makes it vary.
      ...Array.from({ length: TIMED_KILLS }, (_, i): [string, (run: ReturnType<typeof spawnCli>) => Promise<void>] => {
        const fraction = (i + 0.5) / TIMED_KILLS;
        return [
          `at ${(fraction * 100).toFixed(0)}% of the run`,
          async (run) => {
            await run.lineMatching(/Running \d+ nodes/);
            await sleep(Math.round(fraction * span));
          },
        ];
      }),
    ];
    const trials: Trial[] = [];
    const started = Date.now();
    for (const [index, [moment, killWhen]] of moments.entries()) {
      const { trial, database } = await killedRun(`t${index}`, killWhen);
      trial.moment = `${moment}: ${trial.moment}`;
      trials.push(trial);
      if (trial.finishedAfter !== undefined) span = Math.min(span, trial.finishedAfter);
      const bad = [...trial.verdicts].filter(([, v]) => v === 'missing' || v === 'partial');
      expect(bad, trial.moment).toEqual([]);
      for (const name of trial.reportedOk)
        expect(trial.verdicts.get(name), `${trial.moment}: ${name} was reported OK`).toBe('new');
      // The next run repairs everything: it completes, and the database equals a clean run's, leftovers gone.
      const next = await cli(['run', '--vars', varsB], { cwd: project, env: { STEDI_DUCKDB_PATH: database } });
      expect(next.code, `${trial.moment}: ${next.stderr}`).toBe(0);
      expect(await databaseState(database), trial.moment).toEqual(newState);
    }
    const newCounts = trials.map((t) => [...t.verdicts.values()].filter((v) => v === 'new').length);
    const kills = trials.filter((t) => t.killed).length;
    console.log(
      `crash safety: ${kills} kills (${trials.length} attempts) over a run of ${runSpan} ms, last measured ${span} ms (${CUSTOMERS} customers per data set); ` +
        `kills, checks and recovery runs took ${((Date.now() - started) / 1000).toFixed(1)} s\n` +
        trials
          .map(
            (t, i) =>
              `  ${t.moment}: ${newCounts[i]} of ${t.verdicts.size} relations new${t.leftovers.length ? `, leftovers ${t.leftovers.join(', ')}` : ''}`,
          )
          .join('\n'),
    );
    // What the order of events guarantees, whatever the machine's speed: a run killed at spawn published nothing; a
    // run killed at the line "n of 8" was still running (8 nodes had not all reported) and had published at least
    // the n relations it reported (checked above for each), so the kills cover every stage from nothing to all but
    // the last. The timed moments add kills inside statements; how many land there depends on the clock, so no
    // assertion counts them.
    const ordered = trials.slice(0, LINE_MOMENTS);
    expect(newCounts[0], ordered[0]!.moment).toBe(0);
    expect(
      ordered
        .filter((t) => /"[1-7] of 8"|"Running"|at spawn/.test(t.moment))
        .map((t) => `${t.moment}: ${t.killed ? 'killed' : 'ended'}`),
    ).toEqual(
      ordered.filter((t) => /"[1-7] of 8"|"Running"|at spawn/.test(t.moment)).map((t) => `${t.moment}: killed`),
    );
    for (let n = 1; n <= 7; n++)
      expect(newCounts[trials.findIndex((t) => t.moment.includes(`"${n} of 8"`))]).toBeGreaterThanOrEqual(n);
  }, 600_000); // 26 killed runs and their recoveries: a bound on a hung run, not a speed check
});
