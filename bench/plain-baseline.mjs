// Section 0: a full `stedi-models run` into a fresh database against an independent plain script
// (bench/plain-script.mjs: read_json with the declared columns and the eight relations' plain SQL), both whole
// processes, alternated pair by pair (who goes first alternates), on the real data, the real data ×20 with people,
// devices and times made distinct, and generate-data at 100,000 and 1,000,000 customers. The data sets other than
// the real one are made at bench time in a temp dir and removed afterwards; nothing of them is committed.
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { once } from 'node:events';
import { alternatedPairs, measureProcess } from './lib/measure-process.mjs';
import {
  CLI,
  LANDING,
  REPO,
  copyStediProject,
  duckDbProfiles,
  median,
  progress,
  round,
  tempDir,
} from './lib/common.mjs';

const THREADS = 4;
const TIME_KEYS = [
  'registrationDate',
  'lastUpdateDate',
  'shareWithResearchAsOfDate',
  'shareWithPublicAsOfDate',
  'shareWithFriendsAsOfDate',
  'timestamp',
  'sensorReadingTime',
];

/**
 * The real landing files `copies` times: copy i renames every email (customer email, accelerometer user) and serial
 * number with a suffix i and moves every time by i years, so each copy is new people, devices and readings that
 * still join among themselves as the real data does (0 stays 0: no consent stays no consent).
 */
async function writeRealTimes(out, copies) {
  const shift = 366 * 24 * 3600 * 1000;
  for (const dataset of ['customer', 'accelerometer', 'step_trainer']) {
    const from = path.join(LANDING, dataset, 'landing');
    mkdirSync(path.join(out, dataset, 'landing'), { recursive: true });
    for (const file of readdirSync(from)) {
      for (let i = 0; i < copies; i++) {
        const target = createWriteStream(path.join(out, dataset, 'landing', `${i}-${file}`));
        const lines = readline.createInterface({ input: createReadStream(path.join(from, file)) });
        for await (const line of lines) {
          if (!line.trim()) continue;
          const record = JSON.parse(line);
          for (const key of ['email', 'user'])
            if (typeof record[key] === 'string') record[key] = record[key].replace('@', `.${i}@`);
          if (typeof record.serialNumber === 'string') record.serialNumber = `${record.serialNumber}-${i}`;
          for (const key of TIME_KEYS)
            if (typeof record[key] === 'number' && record[key] !== 0) record[key] += i * shift;
          if (!target.write(`${JSON.stringify(record)}\n`)) await once(target, 'drain');
        }
        target.end();
        await once(target, 'finish');
      }
    }
  }
}

async function measureDataSet(label, root, pairs) {
  const dir = tempDir('plain');
  mkdirSync(path.join(dir, 'tool'));
  mkdirSync(path.join(dir, 'plain'));
  const toolDb = path.join(dir, 'tool', 'stedi.duckdb');
  const plainDb = path.join(dir, 'plain', 'stedi.duckdb');
  copyStediProject(dir, { profiles: duckDbProfiles({ dbPath: toolDb, threads: THREADS }) });
  const toolArgs = [CLI, 'run', '--project-dir', dir, '--vars', `{landing_root: ${root}}`];
  const plainArgs = [path.join(REPO, 'bench', 'plain-script.mjs'), plainDb, root];
  const fresh = (db) => {
    for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
  };
  // One warm-up each (page cache, the parse cache in target/), not measured.
  fresh(toolDb);
  await measureProcess('node', toolArgs, { sampleMs: 0 });
  fresh(plainDb);
  await measureProcess('node', plainArgs, { sampleMs: 0 });
  const run = async (tool) => {
    fresh(tool ? toolDb : plainDb);
    return measureProcess('node', tool ? toolArgs : plainArgs, { sampleMs: 100 });
  };
  const measured = (
    await alternatedPairs(
      pairs,
      () => run(true),
      () => run(false),
      ({ tool, baseline: plain }, i) =>
        progress(
          `plain baseline (${label}) pair ${i + 1}/${pairs}: stedi-models ${tool.seconds.toFixed(2)}s, plain ${plain.seconds.toFixed(2)}s, ratio ${(tool.seconds / plain.seconds).toFixed(2)}, peak ${Math.round(tool.peakRssMb)}/${Math.round(plain.peakRssMb)} MB`,
        ),
    )
  ).map(({ tool, baseline: plain }) => ({
    tool: round(tool.seconds),
    plain: round(plain.seconds),
    ratio: round(tool.seconds / plain.seconds),
    toolCpu: round(tool.cpuSeconds),
    plainCpu: round(plain.cpuSeconds),
    cpuRatio: tool.cpuSeconds && plain.cpuSeconds ? round(tool.cpuSeconds / plain.cpuSeconds) : undefined,
    toolPeakMb: Math.round(tool.peakRssMb),
    plainPeakMb: Math.round(plain.peakRssMb),
    memoryRatio: round(tool.peakRssMb / plain.peakRssMb),
  }));
  rmSync(dir, { recursive: true, force: true });
  const med = (key) => round(median(measured.map((p) => p[key]).filter((x) => x !== undefined)));
  return {
    label,
    pairs: measured,
    medianToolSeconds: med('tool'),
    medianPlainSeconds: med('plain'),
    medianRatio: med('ratio'),
    medianCpuRatio: med('cpuRatio'),
    medianToolPeakMb: med('toolPeakMb'),
    medianPlainPeakMb: med('plainPeakMb'),
    medianMemoryRatio: med('memoryRatio'),
  };
}

/** Runs section 0 on each data set; returns their numbers. */
export async function benchPlainBaseline({ quick = false } = {}) {
  if (!existsSync(LANDING)) return { skipped: `no landing data at ${LANDING}` };
  const work = tempDir('plain-data');
  const sets = [];
  try {
    sets.push(await measureDataSet('real data (110,909 lines)', LANDING, quick ? 3 : 10));
    const times20 = path.join(work, 'real-x20');
    progress('plain baseline: writing the real data ×20');
    await writeRealTimes(times20, 20);
    sets.push(await measureDataSet('real data ×20 (2.2 M lines)', times20, quick ? 3 : 5));
    for (const [customers, pairs] of quick
      ? [[100_000, 3]]
      : [
          [100_000, 5],
          [1_000_000, 3],
        ]) {
      const out = path.join(work, `gen-${customers}`);
      await measureProcess(
        'node',
        [CLI, 'generate-data', '--out', out, '--customers', String(customers), '--seed', '42'],
        {
          sampleMs: 0,
        },
      );
      sets.push(await measureDataSet(`generate-data, ${customers.toLocaleString('en-US')} customers`, out, pairs));
      rmSync(out, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return {
    sets,
    threads: THREADS,
    commands: {
      tool: `rm -f <db>; node bin/stedi-models.js run --project-dir <copy of the project> --vars '{landing_root: <dir>}'   (profiles.yml: duckdb, threads ${THREADS}, DuckDB settings default)`,
      plain: 'rm -f <db>; node bench/plain-script.mjs <db> <dir>',
      data: 'real ×20: bench/plain-baseline.mjs writeRealTimes (emails and serial numbers suffixed, times moved by a year per copy); generate-data: node bin/stedi-models.js generate-data --out <dir> --customers N --seed 42',
    },
  };
}
