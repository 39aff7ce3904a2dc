#!/usr/bin/env node
// `npm run bench`: runs every benchmark section, prints a table per section, and writes bench/results.json and
// BENCHMARKS.md (the numbers, the machine, the commands). Not part of `npm test`; nothing here asserts a time.
//
//   node bench/run.mjs [--only plain,overhead,scale,incremental,compile,concurrency,audits] [--quick] [--render]
//
// --only runs some sections and keeps the others' last numbers from bench/results.json; --quick uses small sizes;
// --render only rewrites BENCHMARKS.md from bench/results.json and bench/findings.md (the analysis, written by hand).
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { version as duckDbVersion } from '@duckdb/node-api';
import { REPO, progress, readJson } from './lib/common.mjs';
import { benchOverhead } from './overhead.mjs';
import { benchScale } from './scale.mjs';
import { benchCompileSpeed } from './compile-speed.mjs';
import { benchConcurrency } from './concurrency.mjs';
import { benchAuditCost } from './audit-cost.mjs';
import { benchPlainBaseline } from './plain-baseline.mjs';
import { renderMarkdown, renderTables } from './report.mjs';

const SECTIONS = ['plain', 'overhead', 'scale', 'compile', 'concurrency', 'audits'];
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a, i) => args[i - 1] === '--only') ?? args.find((a) => a.startsWith('--only='))?.slice(7);
const only = onlyArg ? onlyArg.split(',').map((s) => (s === 'incremental' ? 'scale' : s)) : SECTIONS;
const RESULTS = path.join(REPO, 'bench', 'results.json');

/** Whether some model is materialized incrementally (issue 6); the incremental section measures only then. */
function hasIncrementalModels() {
  const dir = path.join(REPO, 'models');
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.sql') || f.endsWith('.yml'))
    .some((f) => /materialized\s*[:=]\s*['"]?incremental/.test(readFileSync(path.join(dir, f), 'utf8')));
}

function machine() {
  const git = (...a) => execFileSync('git', a, { cwd: REPO, encoding: 'utf8' }).trim();
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    duckdb: duckDbVersion(),
    duckdbNodeApi: readJson(path.join(REPO, 'node_modules', '@duckdb', 'node-api', 'package.json')).version,
    commit: git('rev-parse', '--short', 'HEAD'),
    uncommittedChanges: git('status', '--porcelain', '--untracked-files=no').split('\n').filter(Boolean).length,
    loadAverageAtStart: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

const findingsFile = path.join(REPO, 'bench', 'findings.md');
const findings = () => (existsSync(findingsFile) ? readFileSync(findingsFile, 'utf8') : '');
if (args.includes('--render')) {
  // Only rewrite BENCHMARKS.md from bench/results.json and bench/findings.md, measuring nothing.
  writeFileSync(path.join(REPO, 'BENCHMARKS.md'), renderMarkdown(readJson(RESULTS), findings()));
  process.exit(0);
}

const started = Date.now();
const previous = existsSync(RESULTS) ? readJson(RESULTS) : {};
const results = { ...previous, generatedAt: new Date().toISOString(), quick, machine: machine() };
progress(
  `machine: ${results.machine.cpus} cores, ${results.machine.memoryGb} GB, Node ${results.machine.node}, DuckDB ${results.machine.duckdb}; sections: ${only.join(', ')}`,
);

/** Runs one section; a section that fails is recorded as failed and the others still run. */
async function section(name, run) {
  try {
    return await run();
  } catch (error) {
    progress(`${name} failed: ${error.stack ?? error}`);
    return { failed: String(error.message ?? error).slice(0, 2000) };
  }
}

const incremental = hasIncrementalModels();
if (only.includes('plain')) results.plain = await section('plain', () => benchPlainBaseline({ quick }));
if (only.includes('overhead'))
  results.overhead = await section('overhead', () => benchOverhead({ pairs: quick ? 3 : 10 }));
if (only.includes('scale')) {
  results.scale = await section('scale', () =>
    benchScale({ sizes: quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000], incremental }),
  );
  const last = results.scale.runs?.at(-1);
  results.incremental = incremental
    ? { measured: true, ...(last?.incremental ?? { error: 'the largest scale build did not finish' }) }
    : {
        measured: false,
        pending: 'pending: incremental models (issue 6)',
        command: 'npm run bench -- --only incremental',
      };
}
if (only.includes('compile'))
  results.compile = await section('compile', () => benchCompileSpeed({ sizes: quick ? [1000] : [1000, 10000] }));
if (only.includes('concurrency')) results.concurrency = await section('concurrency', () => benchConcurrency());
if (only.includes('audits'))
  results.audits = await section('audits', () =>
    benchAuditCost({ customers: quick ? 100_000 : 1_000_000, realPairs: quick ? 3 : 10, scalePairs: 3 }),
  );
results.machine.loadAverageAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
results.benchSeconds = Math.round((Date.now() - started) / 1000);
results.sectionsRun = only;

writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(path.join(REPO, 'BENCHMARKS.md'), renderMarkdown(results, findings()));
process.stdout.write(`${renderTables(results)}\n`);
progress(`done in ${results.benchSeconds}s: wrote BENCHMARKS.md and bench/results.json`);
