import { cpSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, copyStediProject, readTargetJson, tempDir } from '../helpers/stedi-project.js';

async function count(database: string, sql: string): Promise<unknown[]> {
  const adapter = await DuckDbAdapter.open({ path: database, settings: {} }, '/');
  try {
    return (await adapter.query(sql)).map((r) => Object.values(r)[0]);
  } finally {
    await adapter.close();
  }
}

/** A production build whose artifacts are kept apart, like the artifacts a CI job downloads. */
async function production(): Promise<{ project: string; prodDb: string; state: string }> {
  const project = copyStediProject();
  const prodDb = path.join(tempDir('stedi-prod-'), 'stedi.duckdb');
  const run = await cli(['build'], { cwd: project, env: { STEDI_DUCKDB_PATH: prodDb } });
  expect(run.code).toBe(0);
  const state = path.join(tempDir('stedi-state-'), 'prod-artifacts');
  cpSync(path.join(project, 'target'), state, { recursive: true });
  return { project, prodDb, state };
}

describe('state-aware selection', () => {
  it('selects nothing as modified when nothing changed, and a model, its macro users and its descendants when they did', async () => {
    const { project, state } = await production();
    const ls = (select: string) =>
      cli(['ls', '--select', select, '--state', state, '--resource-type', 'model'], { cwd: project, env: {} });
    expect((await ls('state:modified')).stdout).toBe('');
    const file = path.join(project, 'models/curated/customer_curated.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- a comment changes the SQL\n`);
    expect((await ls('state:modified')).stdout.trim().split('\n')).toEqual(['customer_curated']);
    expect((await ls('state:modified+')).stdout.trim().split('\n').sort()).toEqual([
      'customer_curated',
      'machine_learning_curated',
      'step_trainer_trusted',
    ]);
    // A macro change marks every model that calls it (customer_curated stays modified from above): the consent
    // rules' file is called by customer_trusted (has_research_consent) and step_trainer_trusted (trusted_devices).
    const macro = path.join(project, 'macros/consent.sql');
    writeFileSync(macro, `${readFileSync(macro, 'utf8')}\n{# changed #}\n`);
    expect((await ls('state:modified')).stdout.trim().split('\n').sort()).toEqual([
      'customer_curated',
      'customer_trusted',
      'step_trainer_trusted',
    ]);
    // Also through another macro: machine_learning_curated calls ml_pairs(), which calls var_choice() of vars.sql.
    const vars = path.join(project, 'macros/vars.sql');
    writeFileSync(vars, `${readFileSync(vars, 'utf8')}\n{# changed #}\n`);
    expect((await ls('state:modified')).stdout.trim().split('\n').sort()).toEqual([
      'accelerometer_trusted',
      'customer_curated',
      'customer_trusted',
      'machine_learning_curated',
      'step_trainer_trusted',
    ]);
  });

  it('marks models that read a var whose value changed, and new models as state:new', async () => {
    const { project, state } = await production();
    const vars = ['--vars', '{ml_pairing: same_customer}'];
    const modified = await cli(
      ['ls', '--select', 'state:modified', '--state', state, ...vars, '--resource-type', 'model'],
      { cwd: project, env: {} },
    );
    expect(modified.stdout.trim()).toBe('machine_learning_curated');
    // lookback_ms is read only when the table exists (is_incremental()); the parse pass must still see it.
    const lookback = await cli(
      ['ls', '--select', 'state:modified', '--state', state, '--vars', '{lookback_ms: 5}', '--resource-type', 'model'],
      { cwd: project, env: {} },
    );
    expect(lookback.stdout.trim().split('\n').sort()).toEqual(['accelerometer_trusted', 'step_trainer_trusted']);
    writeFileSync(
      path.join(project, 'models/curated/new_model.sql'),
      "select 1 as id from {{ ref('customer_curated') }}",
    );
    const added = await cli(['ls', '--select', 'state:new', '--state', state], { cwd: project, env: {} });
    expect(added.stdout.trim()).toBe('new_model');
  });

  it('builds only state:modified+ against the production relations with --defer', async () => {
    const { project, prodDb, state } = await production();
    const file = path.join(project, 'models/curated/customer_curated.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- changed in a pull request\n`);
    const devDb = path.join(tempDir('stedi-dev-'), 'stedi.duckdb');
    const run = await cli(['build', '--select', 'state:modified+', '--state', state, '--defer'], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: devDb },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const built = readTargetJson(project, 'run_results.json')
      .results.filter((r: { resource_type: string }) => r.resource_type === 'model')
      .map((r: { name: string }) => r.name)
      .sort();
    expect(built).toEqual(['customer_curated', 'machine_learning_curated', 'step_trainer_trusted']);
    // customer_trusted and accelerometer_trusted were read from production, not built in dev.
    expect(
      await count(
        devDb,
        "select count(*) from information_schema.tables where table_name in ('customer_trusted', 'accelerometer_trusted')",
      ),
    ).toEqual([0]);
    expect(await count(devDb, 'select count(*) from stedi.stedi.machine_learning_curated')).toEqual(
      await count(prodDb, 'select count(*) from stedi.stedi.machine_learning_curated'),
    );
  });

  it("follows the README's pull-request recipe: a comment changed in customer_curated selects it and its descendants only", async () => {
    // Production builds into target/lakehouse.duckdb; its target/ is kept as prod-artifacts/, as a CI job downloads it.
    const project = copyStediProject();
    const prodVars = ['--vars', '{landing_root: data/landing}'];
    expect((await cli(['build', ...prodVars], { cwd: project, env: {} })).code).toBe(0);
    cpSync(path.join(project, 'target'), path.join(project, 'prod-artifacts'), { recursive: true });
    const file = path.join(project, 'models/curated/customer_curated.sql');
    writeFileSync(file, `-- a comment in a pull request\n${readFileSync(file, 'utf8')}`);
    // The check builds into a database of its own, whose file name (and so DuckDB catalog) differs from production's.
    const env = { STEDI_DUCKDB_PATH: 'target/pr.duckdb' };
    const ls = await cli(['ls', '--select', 'state:modified+', '--state', 'prod-artifacts', ...prodVars], {
      cwd: project,
      env,
    });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stderr).toBe('');
    const descendants = await cli(['ls', '--select', 'customer_curated+'], { cwd: project, env });
    expect(ls.stdout.trim().split('\n')).toEqual(descendants.stdout.trim().split('\n'));
    expect(ls.stdout).toContain('machine_learning_curated');
    expect(ls.stdout).not.toContain('customer_trusted\n');
  });

  it("says when the state's vars differ from this invocation's, and which models that marks modified", async () => {
    const project = copyStediProject();
    expect((await cli(['build', '--vars', '{consent_cutoff: as_of}'], { cwd: project, env: {} })).code).toBe(0);
    cpSync(path.join(project, 'target'), path.join(project, 'prod-artifacts'), { recursive: true });
    const ls = await cli(
      ['ls', '--select', 'state:modified', '--state', 'prod-artifacts', '--resource-type', 'model'],
      {
        cwd: project,
        env: { STEDI_DUCKDB_PATH: 'target/pr.duckdb' },
      },
    );
    expect(ls.stdout.trim().split('\n').sort()).toEqual(['accelerometer_trusted', 'step_trainer_trusted']);
    expect(ls.stderr).toContain(
      `warning: --state ${path.join(project, 'prod-artifacts')} was built with other vars (consent_cutoff: "as_of" there, "any" here), so`,
    );
    expect(ls.stderr).toContain(
      "count as state:modified. To compare definitions only, pass the state's vars with --vars.",
    );
  });

  it('refuses state selectors without --state and --defer without --state', async () => {
    const project = copyStediProject();
    const ls = await cli(['ls', '--select', 'state:modified'], { cwd: project, env: {} });
    expect(ls.code).toBe(2);
    expect(ls.stderr).toContain('pass --state');
    const run = await cli(['run', '--defer'], { cwd: project, env: {} });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--defer needs --state');
  });
});

describe('--defer with downloaded artifacts', () => {
  it("reads the state's database from the --state folder when it is no longer where the manifest says", async () => {
    const { project, prodDb, state } = await production();
    renameSync(prodDb, path.join(state, 'stedi.duckdb')); // as a CI job downloads them: the database beside the manifest
    const file = path.join(project, 'models/curated/customer_curated.sql');
    writeFileSync(file, `${readFileSync(file, 'utf8')}\n-- changed in a pull request\n`);
    const devDb = path.join(tempDir('stedi-dev-'), 'stedi.duckdb');
    const run = await cli(['build', '--select', 'state:modified+', '--state', state, '--defer'], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: devDb },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await count(devDb, 'select count(*) from stedi.stedi.customer_curated')).toEqual(
      await count(path.join(state, 'stedi.duckdb'), 'select count(*) from stedi.stedi.customer_curated'),
    );
  });

  it("names both places it looked when the state's database is in neither", async () => {
    const { project, prodDb, state } = await production();
    renameSync(prodDb, `${prodDb}.gone`);
    const run = await cli(['run', '--select', 'customer_curated', '--state', state, '--defer'], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: path.join(tempDir('stedi-dev-'), 'stedi.duckdb') },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `--defer: the state's database ${prodDb} does not exist, nor does ${path.join(state, 'stedi.duckdb')}`,
    );
  });

  it('warns when the build would write into the database it defers to', async () => {
    const { project, prodDb, state } = await production();
    const run = await cli(['run', '--select', 'customer_curated', '--state', state, '--defer'], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: prodDb },
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`warning: --defer: the state's database is this target's own database (${prodDb})`);
  });
});

describe('retry', () => {
  it('re-runs what failed and was skipped last time, with the same command', async () => {
    const project = copyStediProject();
    const env = { STEDI_DUCKDB_PATH: path.join(project, 'target/db/stedi.duckdb') };
    const file = path.join(project, 'models/curated/customer_curated.sql');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('select c.*', 'select c.*, no_such_column'));
    expect((await cli(['run'], { cwd: project, env })).code).toBe(1);
    const failedSelectors = await cli(
      ['ls', '--select', 'result:error', '--state', path.join(project, 'target'), '--resource-type', 'model'],
      { cwd: project, env },
    );
    expect(failedSelectors.stdout.trim()).toBe('customer_curated');
    writeFileSync(file, good);
    const retry = await cli(['retry'], { cwd: project, env });
    expect(retry.code).toBe(0);
    const names = readTargetJson(project, 'run_results.json')
      .results.map((r: { name: string }) => r.name)
      .sort();
    expect(names).toEqual(['customer_curated', 'machine_learning_curated', 'step_trainer_trusted']);
  });

  it('repeats the last run with its vars and target, so a retried model is built by the same consent rules', async () => {
    const project = copyStediProject();
    const database = path.join(project, 'target/db/stedi.duckdb');
    const env = { STEDI_DUCKDB_PATH: database };
    const asOf = ['--vars', '{consent_cutoff: as_of}'];
    expect((await cli(['run', ...asOf], { cwd: project, env })).code).toBe(0);
    const sql = 'select count(*) from stedi.stedi.step_trainer_trusted';
    const clean = await count(database, sql);
    const file = path.join(project, 'models/curated/customer_curated.sql');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('select c.*', 'select c.*, no_such_column'));
    expect((await cli(['run', '--full-refresh', ...asOf], { cwd: project, env })).code).toBe(1);
    writeFileSync(file, good);
    const retry = await cli(['retry'], { cwd: project, env });
    expect(retry.code, retry.stdout).toBe(0);
    expect(await count(database, sql)).toEqual(clean);
    expect(retry.stdout).toContain("with its options: --target dev --vars '{consent_cutoff: as_of}' --full-refresh");
    expect(readTargetJson(project, 'run_results.json').metadata.invocation).toEqual({
      target: 'dev',
      vars: '{consent_cutoff: as_of}',
      full_refresh: true,
      threads: null,
    });
  });

  it('selects a failed data test with result:fail, and retry runs it again with the model it kept from publishing and the models it gates', async () => {
    const test = (expression: string) =>
      `version: 2\nmodels:\n  - name: scores\n    tests:\n      - expression_is_true: { expression: '${expression}', name: no_small_scores }\n`;
    const dir = fixtureProject({
      'models/scores.sql': 'select * from (values (1), (2)) as t(score)',
      'models/report.sql': "select count(*) as n from {{ ref('scores') }}",
      'models/_scores.yml': test('score >= 5'),
    });
    expect((await cli(['build'], { cwd: dir })).code).toBe(1);
    const ls = async (selector: string) =>
      (await cli(['ls', '--select', selector, '--state', path.join(dir, 'target')], { cwd: dir })).stdout.trim();
    expect(await ls('result:fail')).toBe('test:no_small_scores');
    expect(await ls('result:skipped')).toBe('report');
    writeFileSync(path.join(dir, 'models/_scores.yml'), test('score >= 0'));
    const retry = await cli(['retry'], { cwd: dir });
    expect(retry.code, retry.stdout).toBe(0);
    const statuses = Object.fromEntries(
      readTargetJson(dir, 'run_results.json').results.map((r: { name: string; status: string }) => [r.name, r.status]),
    );
    expect(statuses).toEqual({ scores: 'success', no_small_scores: 'pass', report: 'success' });
  });
});
