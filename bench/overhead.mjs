// Section 1: what `stedi-models run` costs on top of DuckDB on the real STEDI data. Both sides are whole processes
// on the same machine, alternated pair by pair so drift (cache, thermal, other load) hits both equally.
//
// Two modes: `--full-refresh`, where every run rebuilds everything (the work the target is about), and a plain re-run
// with no new landing files, where incremental loads and models have almost nothing to do and the tool's fixed
// start-up cost is what is measured.
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { alternatedPairs, measureProcess } from './lib/measure-process.mjs';
import {
  CLI,
  LANDING,
  REPO,
  copyStediProject,
  duckDbProfiles,
  median,
  progress,
  readJson,
  round,
  tempDir,
} from './lib/common.mjs';

const THREADS = 4;

/** The nodes of the last run in DAG order, with their target/run files, for bench/replay-statements.mjs. */
function writeReplayPlan(projectDir, planPath) {
  const manifest = readJson(path.join(projectDir, 'target', 'manifest.json'));
  const results = readJson(path.join(projectDir, 'target', 'run_results.json')).results;
  const ran = new Set(results.map((r) => r.unique_id));
  const nodes = results.map((r) => ({
    id: r.unique_id,
    file: path.join(projectDir, r.sql_path),
    deps: (manifest.nodes[r.unique_id]?.depends_on?.nodes ?? []).filter((d) => ran.has(d)),
  }));
  writeFileSync(
    planPath,
    JSON.stringify(
      { threads: THREADS, schemas: path.join(projectDir, 'target', 'run', '_schemas.sql'), nodes },
      null,
      2,
    ),
  );
  return nodes.length;
}

async function measureMode(mode, extraArgs, pairs) {
  const dir = tempDir(`overhead-${mode}`);
  // The catalog is named after the file, and the statements name it: both databases are called stedi.duckdb.
  mkdirSync(path.join(dir, 'tool'));
  mkdirSync(path.join(dir, 'replay'));
  const toolDb = path.join(dir, 'tool', 'stedi.duckdb');
  const replayDb = path.join(dir, 'replay', 'stedi.duckdb');
  copyStediProject(dir, { profiles: duckDbProfiles({ dbPath: toolDb, threads: THREADS }) });
  const toolArgs = [CLI, 'run', '--project-dir', dir, '--vars', `{landing_root: ${LANDING}}`, ...extraArgs];
  progress(`overhead (${mode}): warming up in ${dir}`);
  // Two runs: the second plans against existing tables (the steady state every later run sees), and its
  // target/run/**.sql are the statements the baseline replays.
  await measureProcess('node', toolArgs, { sampleMs: 0 });
  await measureProcess('node', toolArgs, { sampleMs: 0 });
  const planPath = path.join(dir, 'replay-plan.json');
  const nodes = writeReplayPlan(dir, planPath);
  copyFileSync(toolDb, replayDb);
  const replayArgs = [path.join(REPO, 'bench', 'replay-statements.mjs'), replayDb, planPath];
  await measureProcess('node', replayArgs, { sampleMs: 0 });

  const measured = (
    await alternatedPairs(
      pairs,
      () => measureProcess('node', toolArgs, { sampleMs: 0 }),
      () => measureProcess('node', replayArgs, { sampleMs: 0 }),
      ({ tool, baseline: replay }, i) =>
        progress(
          `overhead (${mode}) pair ${i + 1}/${pairs}: stedi-models ${tool.seconds.toFixed(2)}s, replay ${replay.seconds.toFixed(2)}s, ratio ${(tool.seconds / replay.seconds).toFixed(2)}`,
        ),
    )
  ).map(({ tool, baseline: replay }) => ({
    tool: round(tool.seconds),
    replay: round(replay.seconds),
    ratio: round(tool.seconds / replay.seconds),
    toolCpu: round(tool.cpuSeconds),
    replayCpu: round(replay.cpuSeconds),
    cpuRatio: tool.cpuSeconds && replay.cpuSeconds ? round(tool.cpuSeconds / replay.cpuSeconds) : undefined,
  }));
  rmSync(dir, { recursive: true, force: true });
  const cpu = measured[0]?.cpuRatio !== undefined;
  return {
    mode,
    nodes,
    threads: THREADS,
    pairs: measured,
    medianToolSeconds: round(median(measured.map((p) => p.tool))),
    medianReplaySeconds: round(median(measured.map((p) => p.replay))),
    medianRatio: round(median(measured.map((p) => p.ratio))),
    medianCpuRatio: cpu ? round(median(measured.map((p) => p.cpuRatio))) : undefined,
    medianToolCpuSeconds: cpu ? round(median(measured.map((p) => p.toolCpu))) : undefined,
    medianReplayCpuSeconds: cpu ? round(median(measured.map((p) => p.replayCpu))) : undefined,
    commands: {
      tool: `node bin/stedi-models.js run --project-dir <copy of the project> --vars '{landing_root: ../shared/stedi-landing}'${extraArgs.length ? ` ${extraArgs.join(' ')}` : ''}   (profiles.yml: duckdb, threads ${THREADS})`,
      replay:
        'node bench/replay-statements.mjs <copy of the database> <plan.json: target/run/**.sql of the previous run, in DAG order>',
    },
  };
}

/** Runs the overhead benchmark in both modes; returns their numbers. */
export async function benchOverhead({ pairs = 10 } = {}) {
  if (!existsSync(LANDING)) return { skipped: `no landing data at ${LANDING}` };
  const full = await measureMode('full rebuild', ['--full-refresh'], pairs);
  const rerun = await measureMode('re-run, no new data', [], pairs);
  return { ...full, target: 1.3, rerun };
}
