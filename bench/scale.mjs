// Section 2: generate-data at growing sizes and a full `build` of the STEDI project on each, as whole processes:
// wall time, landing rows per second, peak RSS of the process tree, and the slope of time against rows.
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { measureProcess } from './lib/measure-process.mjs';
import { CLI, copyStediProject, duckDbProfiles, median, progress, readJson, round, tempDir } from './lib/common.mjs';

/** DuckDB settings that let the largest size fit a 2-core, 24 GB machine (profiles.yml `settings:`). */
export const SCALE_SETTINGS = { memory_limit: '12GB', threads: 2, preserve_insertion_order: false };
/** Nodes built at once; DuckDB already uses every core inside one query, so more would only compete. */
export const SCALE_NODE_THREADS = 2;
/** Alternated pairs of (incremental run, full run) on the same data. */
const INCREMENTAL_PAIRS = 3;

/** Bytes of the files under a folder. */
function bytesUnder(dir) {
  return readdirSync(dir, { recursive: true }).reduce(
    (sum, f) => sum + (statSync(path.join(dir, f)).isFile() ? statSync(path.join(dir, f)).size : 0),
    0,
  );
}

/** Landing rows the build read: the row counts of the landing source nodes in target/run_results.json. */
function landingRows(projectDir) {
  const { results } = readJson(path.join(projectDir, 'target', 'run_results.json'));
  return results.filter((r) => r.unique_id.startsWith('source.')).reduce((sum, r) => sum + (r.rows ?? 0), 0);
}

/** The slowest nodes of the build, to show where the time goes at each size. */
function slowestNodes(projectDir, n = 3) {
  const { results } = readJson(path.join(projectDir, 'target', 'run_results.json'));
  return [...results]
    .sort((a, b) => b.execution_seconds - a.execution_seconds)
    .slice(0, n)
    .map((r) => ({ name: r.name, seconds: r.execution_seconds }));
}

/** Copies `generate-data` output for 1% more customers (another seed) into the landing folders as new files. */
export async function addOnePercent(dir, landing, customers, seed) {
  const extra = path.join(dir, `increment-${customers}-${seed}`);
  await measureProcess(
    'node',
    [
      CLI,
      'generate-data',
      '--out',
      extra,
      '--customers',
      String(Math.max(1, Math.round(customers / 100))),
      '--seed',
      String(seed),
    ],
    { sampleMs: 0 },
  );
  for (const file of readdirSync(extra, { recursive: true })) {
    const from = path.join(extra, file);
    if (statSync(from).isFile())
      copyFileSync(from, path.join(landing, path.dirname(file), `increment-${seed}-${path.basename(file)}`));
  }
  rmSync(extra, { recursive: true, force: true });
}

/**
 * Section 3: 1% new landing data (customers and their readings, another seed) added beside the existing files as new
 * files, then (a) `build` again, (b) after another 1%, `run` again, and `run --full-refresh` on the same data: the
 * incremental run's time as a fraction of the full one, and of the full build.
 */
async function measureIncremental({ dir, landing, project, customers, fullBuildSeconds, timeoutMs }) {
  const base = [CLI, '--project-dir', project, '--vars', `{landing_root: ${landing}}`, '--log-format', 'json'];
  const timed = async (label, command, extra = []) => {
    progress(`incremental: ${label} at ${customers} customers`);
    const [cli, ...rest] = base;
    const result = await measureProcess('node', [cli, command, ...rest, ...extra], {
      sampleMs: 200,
      okCodes: [0, 1],
      timeoutMs,
    });
    progress(`incremental: ${label}: ${result.seconds.toFixed(1)}s`);
    return {
      seconds: round(result.seconds),
      cpuSeconds: round(result.cpuSeconds),
      slowestNodes: slowestNodes(project),
    };
  };
  await addOnePercent(dir, landing, customers, 4242);
  const build = await timed('build after 1% new landing data', 'build');
  await addOnePercent(dir, landing, customers, 4343);
  // The incremental run, a full run and a full build on the same data, alternated from the same saved database, so
  // that the machine's drift (other work on a shared 2-core machine moves single timings by 10-20 %) hits all alike.
  const database = path.join(project, 'stedi.duckdb');
  const saved = path.join(dir, 'before-incremental-run.duckdb');
  copyFileSync(database, saved);
  const restore = () => {
    copyFileSync(saved, database);
    rmSync(`${database}.wal`, { force: true });
  };
  const pairs = [];
  for (let i = 0; i < INCREMENTAL_PAIRS; i++) {
    restore();
    const run = await timed(`run after another 1% new landing data (${i + 1} of ${INCREMENTAL_PAIRS})`, 'run');
    restore();
    const fullRun = await timed(`run --full-refresh on the same data (${i + 1} of ${INCREMENTAL_PAIRS})`, 'run', [
      '--full-refresh',
    ]);
    restore();
    const fullBuild = await timed(`build --full-refresh on the same data (${i + 1} of ${INCREMENTAL_PAIRS})`, 'build', [
      '--full-refresh',
    ]);
    pairs.push({ run, fullRun, fullBuild });
  }
  rmSync(saved, { force: true });
  const medianOf = (key) =>
    pairs.map((p) => p[key]).sort((a, b) => a.seconds - b.seconds)[Math.floor(pairs.length / 2)];
  const run = medianOf('run');
  const fullRun = medianOf('fullRun');
  const fullBuild = medianOf('fullBuild');
  return {
    run,
    fullRun,
    fullBuild,
    build,
    pairs: pairs.map((p) => ({
      run: p.run.seconds,
      fullRun: p.fullRun.seconds,
      fullBuild: p.fullBuild.seconds,
      ratio: round(p.run.seconds / p.fullRun.seconds),
      buildRatio: round(p.run.seconds / p.fullBuild.seconds),
    })),
    fullBuildSeconds: round(fullBuild.seconds),
    firstBuildSeconds: round(fullBuildSeconds),
    fractionOfFullRun: round(median(pairs.map((p) => p.run.seconds / p.fullRun.seconds))),
    fractionOfFullBuild: round(median(pairs.map((p) => p.run.seconds / p.fullBuild.seconds))),
    buildFractionOfFullBuild: round(build.seconds / fullBuild.seconds),
    target: 0.1,
    command: `after the full build of the scale section: copy generate-data --customers ${Math.round(customers / 100)} --seed 4242 into the landing folders as new files, build; again with --seed 4343, save the database, then ${INCREMENTAL_PAIRS} times: restore it and run; restore it and run --full-refresh; restore it and build --full-refresh (medians, and medians of each round's ratios)`,
  };
}

/** Generates and builds each size in turn; a size that exceeds its time budget is reported as such. */
export async function benchScale({
  sizes = [10_000, 100_000, 1_000_000],
  buildTimeoutSeconds = 900,
  incremental = false,
} = {}) {
  const dir = tempDir('scale');
  const runs = [];
  try {
    for (const customers of sizes) {
      const landing = path.join(dir, `landing-${customers}`);
      progress(`scale: generate-data --customers ${customers}`);
      const generate = await measureProcess(
        'node',
        [CLI, 'generate-data', '--out', landing, '--customers', String(customers), '--seed', '42'],
        { sampleMs: 200 },
      );
      const project = path.join(dir, `project-${customers}`);
      mkdirSync(project);
      const profiles = duckDbProfiles({
        dbPath: path.join(project, 'stedi.duckdb'),
        threads: SCALE_NODE_THREADS,
        settings: { ...SCALE_SETTINGS, temp_directory: path.join(project, 'duckdb-tmp') },
      });
      copyStediProject(project, { profiles });
      progress(`scale: build on ${customers} customers (budget ${buildTimeoutSeconds}s)`);
      const args = [
        CLI,
        'build',
        '--project-dir',
        project,
        '--vars',
        `{landing_root: ${landing}}`,
        '--log-format',
        'json',
      ];
      let build;
      try {
        // Exit 1 is a failed data test, not a failed benchmark: generated data is not the reference data.
        build = await measureProcess('node', args, {
          sampleMs: 200,
          okCodes: [0, 1],
          timeoutMs: buildTimeoutSeconds * 1000,
        });
      } catch (error) {
        runs.push({
          customers,
          generateSeconds: round(generate.seconds),
          error: `build did not finish: ${String(error.message).split('\n')[0]}`,
          buildSeconds: error.result ? round(error.result.seconds) : null,
        });
        progress(`scale: build on ${customers} customers did not finish within ${buildTimeoutSeconds}s`);
        break;
      }
      const rows = landingRows(project);
      runs.push({
        customers,
        landingRows: rows,
        landingMb: Math.round(bytesUnder(landing) / 1e6),
        generateSeconds: round(generate.seconds),
        buildSeconds: round(build.seconds),
        buildCpuSeconds: round(build.cpuSeconds),
        buildExitCode: build.code,
        rowsPerSecond: Math.round(rows / build.seconds),
        peakRssMb: Math.round(build.peakRssMb),
        slowestNodes: slowestNodes(project),
      });
      progress(
        `scale: ${customers} customers: ${rows.toLocaleString('en-US')} landing rows built in ${build.seconds.toFixed(1)}s, peak RSS ${Math.round(build.peakRssMb)} MB`,
      );
      if (incremental && customers === sizes.at(-1)) {
        runs.at(-1).incremental = await measureIncremental({
          dir,
          landing,
          project,
          customers,
          fullBuildSeconds: build.seconds,
          timeoutMs: buildTimeoutSeconds * 1000,
        });
      }
      rmSync(landing, { recursive: true, force: true });
      rmSync(project, { recursive: true, force: true });
    }
  } finally {
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  }
  // Slope between consecutive sizes: (Δ time / Δ rows) relative to the first size's time per row. 1 is linear,
  // below 1 is better than linear (fixed costs amortised), above 1 super-linear.
  const done = runs.filter((r) => r.buildSeconds && r.landingRows);
  const perRowFirst = done[0] ? done[0].buildSeconds / done[0].landingRows : undefined;
  const slopes = done.slice(1).map((r, i) => ({
    from: done[i].customers,
    to: r.customers,
    timeRatio: round(r.buildSeconds / done[i].buildSeconds, 2),
    rowsRatio: round(r.landingRows / done[i].landingRows, 2),
    elasticity: round(
      Math.log(r.buildSeconds / done[i].buildSeconds) / Math.log(r.landingRows / done[i].landingRows),
      2,
    ),
    cpuTimeRatio: r.buildCpuSeconds ? round(r.buildCpuSeconds / done[i].buildCpuSeconds, 2) : undefined,
    cpuElasticity: r.buildCpuSeconds
      ? round(Math.log(r.buildCpuSeconds / done[i].buildCpuSeconds) / Math.log(r.landingRows / done[i].landingRows), 2)
      : undefined,
  }));
  return {
    settings: SCALE_SETTINGS,
    nodeThreads: SCALE_NODE_THREADS,
    runs,
    slopes,
    secondsPerMillionRowsAtFirstSize: perRowFirst ? round(perRowFirst * 1e6, 2) : undefined,
    commands: {
      generate: 'node bin/stedi-models.js generate-data --out <dir> --customers N --seed 42',
      build: `node bin/stedi-models.js build --project-dir <copy of the project> --vars '{landing_root: <dir>}' --log-format json   (profiles.yml: threads ${SCALE_NODE_THREADS}, settings ${JSON.stringify(SCALE_SETTINGS)})`,
    },
  };
}
