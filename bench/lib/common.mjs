// Shared pieces of the benchmark sections: paths, the CLI command line, temp projects, statistics, progress.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/lib/../..). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The launcher every user runs; benchmarks time it as a whole process. */
export const CLI = path.join(REPO, 'bin', 'stedi-models.js');
/** The real STEDI landing data, read in place (never copied into the repository). */
export const LANDING = path.resolve(process.env.STEDI_LANDING_DIR ?? path.join(REPO, '..', 'shared', 'stedi-landing'));

/** Prints a progress line with the time since the benchmark started. */
const t0 = Date.now();
export function progress(message) {
  process.stderr.write(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${message}\n`);
}

/** A fresh temporary directory. */
export function tempDir(label) {
  return mkdtempSync(path.join(tmpdir(), `stedi-bench-${label}-`));
}

/** Copies the STEDI project files (not target/, not data/) into dir, with an optional profiles.yml override. */
export function copyStediProject(dir, { profiles } = {}) {
  for (const entry of ['models', 'macros', 'seeds', 'tests', 'stedi_project.yml', 'profiles.yml']) {
    cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
  }
  if (profiles) writeFileSync(path.join(dir, 'profiles.yml'), profiles);
  return dir;
}

/** A DuckDB profiles.yml for a benchmark project. */
export function duckDbProfiles({ dbPath, threads = 4, settings = {} }) {
  const settingsYaml = Object.keys(settings).length ? `\n      settings: ${JSON.stringify(settings)}` : '';
  return `stedi:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(dbPath)}\n      schema: stedi\n      threads: ${threads}${settingsYaml}\n`;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export const round = (x, digits = 3) => (x === null || x === undefined ? x : Number(x.toFixed(digits)));
