import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { writeLandingData } from '../../src/generate/write-landing-data.js';
import { readLanding } from '../helpers/landing-files.js';
import { cli, copyStediProject, readTargetJson, tempDir, type CliRun } from '../helpers/stedi-project.js';

/** Vars of a STEDI invocation (landing_root is added by the helpers). */
export type Vars = Record<string, unknown>;

/** A STEDI project built once on some landing data, whose database the cases copy and tamper with. */
export interface StediBuild {
  project: string;
  landingRoot: string;
  /** The built database; never written after the build, cases work on copies. */
  database: string;
  vars: Vars;
  /** Extra arguments of every `test` run against this build (e.g. an --exclude). */
  args: readonly string[];
  run: CliRun;
}

/** What `stedi-models test` printed, with the status and failure count of every test from run_results.json. */
export interface TestRun extends CliRun {
  /** Every test of the run (data and unit tests) by name. */
  statuses: Record<string, string>;
  failures: Record<string, number | null>;
  /** Names of the data tests that ran. */
  dataTests: string[];
}

/** Generates synthetic landing data (300 customers unless told) into a temp folder and returns its root. */
export async function generatedLanding(customers = 300, seed = 20260311): Promise<string> {
  const root = path.join(tempDir('stedi-landing-'), 'landing');
  await writeLandingData({ outDir: root, customers, seed });
  return root;
}

/** Runs `stedi-models build` of a fresh copy of the STEDI project into `<tmp>/stedi.duckdb` and throws unless it exits 0. */
export async function buildStedi(
  landingRoot: string,
  vars: Vars = {},
  args: readonly string[] = [],
): Promise<StediBuild> {
  const project = copyStediProject();
  const database = path.join(tempDir('stedi-db-'), 'stedi.duckdb');
  const run = await cli(['build', '--vars', JSON.stringify({ landing_root: landingRoot, ...vars }), ...args], {
    cwd: project,
    env: { STEDI_DUCKDB_PATH: database },
  });
  if (run.code !== 0)
    throw new Error(`build of the STEDI project failed (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  return { project, landingRoot, database, vars, args, run };
}

/** Opens a DuckDB file, does some work and always closes it, so the next CLI invocation can open the file. */
export async function withDatabase<T>(database: string, work: (adapter: DuckDbAdapter) => Promise<T>): Promise<T> {
  const adapter = await DuckDbAdapter.open({ path: database, settings: {} }, '/');
  try {
    return await work(adapter);
  } finally {
    await adapter.close();
  }
}

/** Copies the built database to a new `<tmp>/stedi.duckdb` and runs the tampering statements on the copy. */
export async function tamperedCopy(build: StediBuild, statements: readonly string[]): Promise<string> {
  const database = path.join(tempDir('stedi-case-'), 'stedi.duckdb');
  copyFileSync(build.database, database);
  if (existsSync(`${build.database}.wal`)) copyFileSync(`${build.database}.wal`, `${database}.wal`);
  if (statements.length > 0) {
    await withDatabase(database, (adapter) =>
      adapter.executePlan(statements.map((sql, i) => ({ sql, purpose: `tamper ${i + 1}` }))),
    );
  }
  return database;
}

/** Runs `stedi-models test` of the build's project against a database, with the build's vars and any overrides. */
export async function stediTest(
  build: StediBuild,
  database: string,
  options: { vars?: Vars; args?: readonly string[] } = {},
): Promise<TestRun> {
  const vars = { landing_root: build.landingRoot, ...build.vars, ...options.vars };
  // A stale run_results.json must never stand in for this run's.
  rmSync(path.join(build.project, 'target', 'run_results.json'), { force: true });
  const run = await cli(['test', '--vars', JSON.stringify(vars), ...build.args, ...(options.args ?? [])], {
    cwd: build.project,
    env: { STEDI_DUCKDB_PATH: database },
  });
  const written = existsSync(path.join(build.project, 'target', 'run_results.json'));
  const results = (written ? readTargetJson(build.project, 'run_results.json').results : []) as Array<{
    name: string;
    resource_type: string;
    status: string;
    failures: number | null;
  }>;
  return {
    ...run,
    statuses: Object.fromEntries(results.map((r) => [r.name, r.status])),
    failures: Object.fromEntries(results.map((r) => [r.name, r.failures])),
    dataTests: results.filter((r) => r.resource_type === 'data_test').map((r) => r.name),
  };
}

/** The tests of a run that did not pass, with their status: what a case compares with its expectation. */
export function notPassing(run: TestRun): Record<string, string> {
  return Object.fromEntries(Object.entries(run.statuses).filter(([, status]) => status !== 'pass'));
}

/** The schema of the built relations: the database file is stedi.duckdb and the schema stedi, so names need both. */
export const S = 'stedi.stedi';

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** One landing customer record, as written in the JSON file. */
export type LandingCustomer = Record<string, unknown> & {
  email: string;
  serialNumber: string;
  customerName: string;
  phone: string;
};

/** Landing customers of each consent kind, read from the JSON files independently of the tool. */
export interface LandingFacts {
  /** No shareWithResearchAsOfDate key at all. */
  keyAbsent: LandingCustomer;
  /** shareWithResearchAsOfDate: null. */
  consentNull: LandingCustomer;
  /** shareWithResearchAsOfDate: 0. */
  consentZero: LandingCustomer;
}

/**
 * Picks, for each kind of missing consent, the first landing customer who has phone and step trainer readings
 * (so a case can copy a real reading of theirs), and fails if the data has none of a kind.
 */
export function landingFacts(root: string): LandingFacts {
  const users = new Set(readLanding(root, 'accelerometer').map((r) => r.user));
  const devices = new Set(readLanding(root, 'step_trainer').map((r) => r.serialNumber));
  const customers = (readLanding(root, 'customer') as LandingCustomer[]).filter(
    (c) => users.has(c.email) && devices.has(c.serialNumber),
  );
  const first = (what: string, keep: (c: LandingCustomer) => boolean): LandingCustomer => {
    const found = customers.find(keep);
    if (!found) throw new Error(`the landing data has no customer with readings whose ${what}; pick another seed`);
    return found;
  };
  return {
    keyAbsent: first('consent key is absent', (c) => !('shareWithResearchAsOfDate' in c)),
    consentNull: first(
      'consent is null',
      (c) => 'shareWithResearchAsOfDate' in c && c.shareWithResearchAsOfDate === null,
    ),
    consentZero: first('consent is 0', (c) => c.shareWithResearchAsOfDate === 0),
  };
}
