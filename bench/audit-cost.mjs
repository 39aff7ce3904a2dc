// Section: what write–audit–publish costs `run`. The STEDI project as shipped (its privacy tests are blocking, so
// `run` audits every trusted and curated model before publishing it) against the same project with `blocking=true`
// taken out of the tests (nothing audited in `run`: the tool as it was before audits), alternated pair by pair from
// the same saved database. Whole processes, medians of each pair's ratio.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { measureProcess } from './lib/measure-process.mjs';
import { CLI, LANDING, copyStediProject, duckDbProfiles, median, progress, round, tempDir } from './lib/common.mjs';
import { SCALE_NODE_THREADS, SCALE_SETTINGS, addOnePercent } from './scale.mjs';

/** Takes `config(blocking=true)` out of every test of a copied project: its `run` then audits nothing. */
function withoutBlockingTests(project) {
  const tests = path.join(project, 'tests');
  for (const file of readdirSync(tests, { recursive: true }).filter((f) => f.endsWith('.sql'))) {
    const full = path.join(tests, file);
    writeFileSync(full, readFileSync(full, 'utf8').replace(/\{\{ config\(blocking=true\) \}\}/g, ''));
  }
}

function project(dir, name, { settings, threads, audited }) {
  const folder = path.join(dir, name);
  mkdirSync(folder);
  copyStediProject(folder, {
    profiles: duckDbProfiles({
      dbPath: path.join(folder, 'stedi.duckdb'),
      threads,
      settings: settings && { ...settings, temp_directory: path.join(folder, 'duckdb-tmp') },
    }),
  });
  if (!audited) withoutBlockingTests(folder);
  return folder;
}

/** `pairs` alternated runs of both projects, each from a copy of `saved`; who goes first alternates. */
async function alternate({ label, saved, projects, landing, extra, pairs }) {
  const rows = [];
  for (let i = 0; i < pairs; i++) {
    const order = i % 2 === 0 ? ['audited', 'unaudited'] : ['unaudited', 'audited'];
    const row = {};
    for (const side of order) {
      const folder = projects[side];
      copyFileSync(saved, path.join(folder, 'stedi.duckdb'));
      rmSync(path.join(folder, 'stedi.duckdb.wal'), { force: true });
      const result = await measureProcess(
        'node',
        [CLI, 'run', '--project-dir', folder, '--vars', `{landing_root: ${landing}}`, '--log-format', 'json', ...extra],
        { sampleMs: 100 },
      );
      row[side] = { seconds: round(result.seconds), cpuSeconds: round(result.cpuSeconds) };
    }
    row.ratio = round(row.audited.seconds / row.unaudited.seconds);
    row.cpuRatio = row.audited.cpuSeconds && round(row.audited.cpuSeconds / row.unaudited.cpuSeconds);
    progress(
      `audits: ${label} pair ${i + 1}: ${row.audited.seconds}s audited, ${row.unaudited.seconds}s not (${row.ratio})`,
    );
    rows.push(row);
  }
  return {
    label,
    pairs: rows,
    medianAudited: round(median(rows.map((r) => r.audited.seconds))),
    medianUnaudited: round(median(rows.map((r) => r.unaudited.seconds))),
    medianRatio: round(median(rows.map((r) => r.ratio))),
    medianCpuRatio: rows.every((r) => r.cpuRatio) ? round(median(rows.map((r) => r.cpuRatio))) : null,
  };
}

/** One data set: a full run and an incremental run after 1 % new data, audited and not, alternated. */
async function measure({ dir, name, landing, customers, pairs, settings, threads }) {
  const projects = {
    audited: project(dir, `${name}-audited`, { settings, threads, audited: true }),
    unaudited: project(dir, `${name}-unaudited`, { settings, threads, audited: false }),
  };
  progress(`audits: first run on ${name}`);
  await measureProcess(
    'node',
    [CLI, 'run', '--project-dir', projects.audited, '--vars', `{landing_root: ${landing}}`],
    { sampleMs: 0 },
  );
  const saved = path.join(dir, `${name}-saved.duckdb`);
  copyFileSync(path.join(projects.audited, 'stedi.duckdb'), saved);
  const full = await alternate({
    label: `${name}: run --full-refresh`,
    saved,
    projects,
    landing,
    extra: ['--full-refresh'],
    pairs,
  });
  let incremental;
  if (customers) {
    await addOnePercent(dir, landing, customers, 4242);
    incremental = await alternate({
      label: `${name}: run after 1 % new data`,
      saved,
      projects,
      landing,
      extra: [],
      pairs,
    });
  }
  return { name, full, incremental };
}

/** Runs the section: the real data (when present) and generated data at `customers`. */
export async function benchAuditCost({ customers = 1_000_000, realPairs = 10, scalePairs = 3 } = {}) {
  const dir = tempDir('audits');
  try {
    const sets = [];
    try {
      statSync(path.join(LANDING, 'customer', 'landing'));
      sets.push(await measure({ dir, name: 'real STEDI data', landing: LANDING, pairs: realPairs, threads: 4 }));
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
      progress(`audits: no real data at ${LANDING}; measuring generated data only`);
    }
    const landing = path.join(dir, `landing-${customers}`);
    progress(`audits: generate-data --customers ${customers}`);
    await measureProcess(
      'node',
      [CLI, 'generate-data', '--out', landing, '--customers', String(customers), '--seed', '42'],
      { sampleMs: 0 },
    );
    sets.push(
      await measure({
        dir,
        name: `${customers.toLocaleString('en-US')} customers`,
        landing,
        customers,
        pairs: scalePairs,
        settings: SCALE_SETTINGS,
        threads: SCALE_NODE_THREADS,
      }),
    );
    return {
      sets,
      command:
        "node bin/stedi-models.js run [--full-refresh] --project-dir <copy of the project> --vars '{landing_root: <dir>}', the project as shipped against a copy with config(blocking=true) removed from tests/ (nothing audited in run), alternated from the same saved database",
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
