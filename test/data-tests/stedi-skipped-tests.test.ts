import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseManifest, parseRunResults } from '../../src/docs/docs-artifacts.js';
import { buildSiteData } from '../../src/docs/site-data.js';
import { cli, copyStediProject, readTargetJson, tempDir, type CliRun } from '../helpers/stedi-project.js';
import { REFERENCE_TESTS } from './breakages.js';

type Result = { name: string; resource_type: string; status: string; skip_cause?: string; message: string | null };

const SWITCHED_OFF =
  "verify_reference_counts is off (row counts are compared only on the reference STEDI data); turn it on with --vars '{verify_reference_counts: true}'";
const REFERENCE = new Set(Object.values(REFERENCE_TESTS));

/** Runs the CLI in a copy of the STEDI project on its own database file, and reads the results it wrote. */
async function stedi(
  project: string,
  database: string,
  args: readonly string[],
): Promise<CliRun & { results: Result[] }> {
  const run = await cli(args, { cwd: project, env: { STEDI_DUCKDB_PATH: database } });
  return { ...run, results: readTargetJson(project, 'run_results.json').results as Result[] };
}

describe('stedi-models build on the sample data, where verify_reference_counts is off', () => {
  let project: string;
  let database: string;
  let build: CliRun & { results: Result[] };
  beforeAll(async () => {
    project = copyStediProject();
    database = path.join(tempDir('stedi-db-'), 'stedi.duckdb');
    build = await stedi(project, database, ['build', '--junit', 'junit.xml']);
  });

  it('reports the eight reference_row_count tests as skipped, saying why, in the terminal, run_results.json and JUnit', () => {
    expect(build.code, build.stdout).toBe(0);
    const skipped = build.results.filter((r) => r.status === 'skipped');
    expect(skipped.map((r) => r.name).sort()).toEqual([...REFERENCE].sort());
    for (const r of skipped) expect(r).toMatchObject({ skip_cause: 'switched_off', message: SWITCHED_OFF });
    for (const name of REFERENCE) expect(build.stdout).toContain(`SKIP test ${name}: ${SWITCHED_OFF} ...`);
    expect(build.stdout).toMatch(/, 0 failed, 8 skipped/);
    const junit = readFileSync(path.join(project, 'junit.xml'), 'utf8');
    expect(junit).toContain('skipped="8"');
    expect(
      junit.match(
        /<skipped message="verify_reference_counts is off \(row counts are compared only on the reference STEDI data\); turn it on with --vars '\{verify_reference_counts: true\}'"\/>/g,
      ),
    ).toHaveLength(8);
  });

  it('still builds every relation downstream of the switched-off tests', () => {
    const built = build.results.filter(
      (r) => r.resource_type === 'model' || r.resource_type === 'source' || r.resource_type === 'seed',
    );
    expect(built.length).toBeGreaterThanOrEqual(10);
    expect(built.filter((r) => r.status !== 'success')).toEqual([]);
    expect(built.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        'customer_trusted',
        'accelerometer_trusted',
        'customer_curated',
        'step_trainer_trusted',
        'machine_learning_curated',
      ]),
    );
  });

  it('shows the skipped tests with their reason on the docs site', async () => {
    expect((await cli(['docs', 'generate'], { cwd: project, env: { STEDI_DUCKDB_PATH: database } })).code).toBe(0);
    const site = buildSiteData({
      manifest: parseManifest(readTargetJson(project, 'manifest.json')),
      catalog: readTargetJson(project, 'catalog.json'),
      runResults: parseRunResults(readTargetJson(project, 'run_results.json')),
      extras: { declaredTests: {}, sourceSql: {} },
    });
    const reference = site.tests.filter((t) => REFERENCE.has(t.name));
    expect(reference).toHaveLength(8);
    for (const t of reference) expect(t).toMatchObject({ status: 'skipped', message: SWITCHED_OFF, failures: null });
    const page = readFileSync(path.join(project, 'target/docs/index.html'), 'utf8');
    expect(page).toMatch(
      /<tr data-test="reference_row_count_customer_trusted">[\s\S]*?<span class="status status-skipped">skipped<\/span><div class="message message-skipped">verify_reference_counts is off/,
    );
  });
});

describe('stedi-models test on an empty database', () => {
  it('skips the reference_row_count tests as switched off, and exits 0 when they are all that is selected', async () => {
    const project = copyStediProject();
    const run = await stedi(project, path.join(tempDir('stedi-db-'), 'stedi.duckdb'), [
      'test',
      '--select',
      'test_name:reference_row_count',
      '--junit',
      'junit.xml',
    ]);
    expect(run.code, run.stdout).toBe(0);
    expect(run.results.map((r) => [r.name, r.status, r.skip_cause]).sort()).toEqual(
      [...REFERENCE].sort().map((name) => [name, 'skipped', 'switched_off']),
    );
    expect(run.stdout).toContain(`SKIP test reference_row_count_customer_trusted: ${SWITCHED_OFF}`);
    expect(readFileSync(path.join(project, 'junit.xml'), 'utf8')).toContain('skipped="8"');
  });

  it('skips every other data test, naming the relations to build, and fails: nothing was checked', async () => {
    const project = copyStediProject();
    const run = await stedi(project, path.join(tempDir('stedi-db-'), 'stedi.duckdb'), [
      'test',
      '--exclude',
      'test_type:unit',
    ]);
    expect(run.code).toBe(1);
    const others = run.results.filter((r) => !REFERENCE.has(r.name));
    expect(others.length).toBeGreaterThanOrEqual(24);
    for (const r of others) {
      expect(r, r.name).toMatchObject({ status: 'skipped', skip_cause: 'relation_missing' });
      expect(r.message, r.name).toMatch(
        /^relations? stedi\.\w+.* (does|do) not exist; run `stedi-models (run|build)` first$/,
      );
    }
    const message = (name: string) => run.results.find((r) => r.name === name)!.message;
    expect(message('consented_customer_trusted_email')).toBe(
      'relations stedi.customer_trusted and stedi.customer_landing do not exist; run `stedi-models run` first',
    );
    // no_identifiers also reads the seed identifier_columns, which `run` does not load.
    expect(message('no_identifiers_machine_learning_curated')).toBe(
      'relations stedi.machine_learning_curated and stedi.identifier_columns do not exist; run `stedi-models build` first',
    );
    expect(run.stdout).toContain(`${others.length} tests could not run because a relation they read does not exist`);
    expect(run.stdout).not.toMatch(/ERROR|Catalog Error/);
  });
});
