import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HiveSQL } from 'dt-sql-parser';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { athenaSyntaxProblems, statementsOfRunFile } from '../athena/athena-grammar.js';
import { REPO_ROOT, cli, copyStediProject, tempDir, type CliRun } from '../helpers/stedi-project.js';

// Every string here could end a SQL literal or identifier, or start a comment or a second statement.
const PAYLOAD = `x'"; drop table stedi.stedi.sentinel; --`;
const CRASH = 'unexpected failure inside stedi-models';
const SAMPLE_CUSTOMERS = readFileSync(
  path.join(REPO_ROOT, 'data/landing/customer/landing/customer-1690000000000.json'),
  'utf8',
)
  .trim()
  .split('\n').length;

async function query(database: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const adapter = await DuckDbAdapter.open({ path: database, settings: {} }, '/');
  try {
    return await adapter.query(sql);
  } finally {
    await adapter.close();
  }
}

/** A user mistake ends with exit 2 and a message naming where it is, never a stack trace. */
function expectUsageError(run: CliRun, ...mentions: string[]): void {
  expect(run.stderr + run.stdout).not.toContain(CRASH);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.code, run.stderr).toBe(2);
  for (const text of mentions) expect(run.stderr).toContain(text);
}

function edit(project: string, file: string, from: string | RegExp, to: string): void {
  const full = path.join(project, file);
  const text = readFileSync(full, 'utf8');
  const changed = text.replace(from, to);
  expect(changed, `${file} has ${String(from)}`).not.toBe(text);
  writeFileSync(full, changed);
}

describe('values that reach SQL are quoted by the engine rules', () => {
  let project: string;
  let database: string;
  const env = () => ({ STEDI_DUCKDB_PATH: database });

  beforeAll(async () => {
    project = copyStediProject();
    database = path.join(project, 'target/hostile/stedi.duckdb');
    const first = await cli(['run'], { cwd: project, env: env() });
    expect(first.code, first.stderr).toBe(0);
    // A table a successful injection would drop.
    await query(database, 'create table stedi.stedi.sentinel as select 42 as answer');
  });

  async function sentinelStands(): Promise<void> {
    expect(await query(database, 'select answer from stedi.stedi.sentinel')).toEqual([{ answer: 42 }]);
  }

  it(`reads a landing_root with ' " ; and -- in it as the literal folder`, async () => {
    const root = path.join(tempDir('stedi-hostile-'), PAYLOAD);
    cpSync(path.join(REPO_ROOT, 'data/landing'), root, { recursive: true });
    const run = await cli(['run', '--vars', JSON.stringify({ landing_root: root })], { cwd: project, env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect((await query(database, 'select count(*) as n from stedi.stedi.customer_landing'))[0]!.n).toBe(
      SAMPLE_CUSTOMERS,
    );
    // The executed statement holds the path as one string literal, its quote doubled.
    const statements = readFileSync(path.join(project, 'target/run/sources/landing/customer_landing.sql'), 'utf8');
    // The files are read from the listing taken before the load: each path one literal, its quote doubled.
    expect(statements).toContain(
      `read_text(['${root.replaceAll("'", "''")}/customer/landing/customer-1690000000000.json']::varchar[])`,
    );
    await sentinelStands();
  });

  it('fails cleanly, naming the folder, when such a landing_root does not exist, and keeps the previous tables', async () => {
    const before = (await query(database, 'select count(*) as n from stedi.stedi.customer_landing'))[0]!.n;
    const root = `/nonexistent/${PAYLOAD}`;
    const run = await cli(['run', '--vars', JSON.stringify({ landing_root: root })], { cwd: project, env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`customer_landing: no files found at ${root}/customer/landing/*.json`);
    expect(run.stdout).toContain('check var landing_root');
    expect(run.stdout + run.stderr).not.toContain(CRASH);
    expect((await query(database, 'select count(*) as n from stedi.stedi.customer_landing'))[0]!.n).toBe(before);
    await sentinelStands();
  });

  it(`keeps model and column descriptions with ' " ; and -- out of the statements`, async () => {
    const hostile = copyStediProject();
    edit(hostile, 'models/trusted/_trusted.yml', 'Customers who agreed', `${PAYLOAD} Customers who agreed`);
    edit(
      hostile,
      'models/trusted/_trusted.yml',
      "description: Customer's full name (direct identifier).",
      `description: "${PAYLOAD.replaceAll('"', '\\"')}"`,
    );
    const db = path.join(hostile, 'target/db/stedi.duckdb');
    const run = await cli(['run'], { cwd: hostile, env: { STEDI_DUCKDB_PATH: db } });
    expect(run.code, run.stderr).toBe(0);
    // The compiled SQL is exactly that of the unchanged project: descriptions reach the manifest and docs only.
    const plain = copyStediProject();
    for (const dir of [hostile, plain]) expect((await cli(['compile'], { cwd: dir, env: {} })).code).toBe(0);
    for (const model of [
      'trusted/customer_trusted',
      'trusted/accelerometer_trusted',
      'curated/customer_curated',
      'trusted/step_trainer_trusted',
      'curated/machine_learning_curated',
    ]) {
      const file = `target/compiled/models/${model}.sql`;
      expect(readFileSync(path.join(hostile, file), 'utf8'), file).toBe(readFileSync(path.join(plain, file), 'utf8'));
    }
    const manifest = readFileSync(path.join(hostile, 'target/manifest.json'), 'utf8');
    expect(JSON.parse(manifest).nodes['model.stedi.customer_trusted'].description).toContain(PAYLOAD);
    const docs = await cli(['docs', 'generate'], { cwd: hostile, env: { STEDI_DUCKDB_PATH: db } });
    expect(docs.code, docs.stderr).toBe(0);
    expect(readFileSync(path.join(hostile, 'target/docs/index.html'), 'utf8')).not.toContain(PAYLOAD);
  });

  it("quotes the pseudonym salt as one string literal: the pseudonym is sha256 of the salt's exact characters", async () => {
    const salt = `pe'pp"er; --`;
    const db = path.join(project, 'target/pseudonym/stedi.duckdb');
    const run = await cli(['run', '--vars', '{ml_customer_pseudonym: true}'], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: db, STEDI_SECRET_PSEUDONYM_SALT: salt },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const [row] = await query(
      db,
      `select m.customer_pseudonym as p, a."user" as u from stedi.stedi.machine_learning_curated as m
       join stedi.stedi.accelerometer_trusted as a using ("timestamp", x, y, z) limit 1`,
    );
    expect(row!.p).toBe(
      createHash('sha256')
        .update(`${salt}:${String(row!.u)}`)
        .digest('hex'),
    );
    await sentinelStands();
  });

  it('stops a var that is written into SQL as a number when it is not a whole number, naming the var', async () => {
    for (const lookback of [PAYLOAD, '0 from stedi.stedi.sentinel) or exists (select 1', 1.5, -1]) {
      const run = await cli(['run', '--vars', JSON.stringify({ lookback_ms: lookback })], { cwd: project, env: env() });
      expectUsageError(run, 'var lookback_ms must be a whole number of at least 0');
    }
    expect((await cli(['run', '--vars', '{lookback_ms: 5000}'], { cwd: project, env: env() })).code).toBe(0);
    await sentinelStands();
  });

  it('stops a var that must be one of a set of values before any statement, naming the var', async () => {
    const run = await cli(['run', '--vars', JSON.stringify({ consent_cutoff: PAYLOAD })], { cwd: project, env: env() });
    expectUsageError(run, 'var consent_cutoff must be one of any, as_of');
    // At the model's line, in our words: not nunjucks' wrapper naming the error class.
    const line =
      readFileSync(path.join(project, 'models/trusted/accelerometer_trusted.sql'), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes('var_choice(')) + 1;
    expect(run.stderr).toMatch(
      new RegExp(`models/trusted/accelerometer_trusted\\.sql:${line}:\\d+: var consent_cutoff must be one of`),
    );
    expect(run.stderr).not.toContain('CompilerErrorRaised');
    await sentinelStands();
  });
});

describe('on Athena, the landing location is quoted by Hive rules in CREATE EXTERNAL TABLE', () => {
  it.each([
    ['a quote', `s3://landing-bucket/it's`],
    ['a backslash before a quote, a semicolon and a comment', `s3://landing-bucket/x\\'; drop table t; --`],
    ['a backslash before a closing parenthesis and a property', `s3://landing-bucket/x\\' ) tblproperties ('evil'='1`],
  ])('with %s, the statement parses and its location is the literal path', async (_, root) => {
    const project = copyStediProject();
    const env = { STEDI_S3_STAGING_DIR: 's3://results-bucket/athena/', STEDI_S3_DATA_DIR: 's3://data-bucket/stedi/' };
    const run = await cli(
      [
        'run',
        '--target',
        'prod',
        '--dry-run',
        '--select',
        'customer_landing',
        '--vars',
        JSON.stringify({ landing_root: root }),
      ],
      { cwd: project, env },
    );
    expect(run.code, run.stderr).toBe(0);
    const [create] = statementsOfRunFile(
      readFileSync(path.join(project, 'target/run/sources/landing/customer_landing.sql'), 'utf8'),
    ).filter((s) => /^create external table/i.test(s));
    expect(athenaSyntaxProblems(create!)).toEqual([]);
    const tokens = new HiveSQL()
      .getAllTokens(create!)
      .map((t) => t.text ?? '')
      .filter((t) => t.trim() !== '');
    const literal = tokens[tokens.findIndex((t) => /^location$/i.test(t)) + 1]!;
    // Hive reads a string literal by removing its quotes and resolving backslash escapes.
    expect(literal.slice(1, -1).replace(/\\(.)/g, '$1')).toBe(`${root}/customer/landing/`);
    expect(tokens[tokens.findIndex((t) => /^location$/i.test(t)) + 2]).toMatch(/^tblproperties$/i);
  });
});

describe('invalid names, paths and vars give a clear error, never a stack trace', () => {
  it.each([
    ['a model file', 'models/curated/bad name;--.sql', 'select 1 as a'],
    ['a model file with a quote', 'models/curated/bad"name.sql', 'select 1 as a'],
    ['a model file starting with a digit', 'models/curated/1st_model.sql', 'select 1 as a'],
    ['a singular test file', "tests/no rows';.sql", 'select 1 where false'],
    ['a seed file', 'seeds/bad-seed.csv', 'a\n1\n'],
  ])('%s named with characters a relation cannot have: exit 2 naming the file', async (_, file, text) => {
    const project = copyStediProject();
    writeFileSync(path.join(project, file), text);
    const run = await cli(['compile'], { cwd: project, env: {} });
    expectUsageError(run, `${file}: a `, 'name comes from its file name and must be letters, digits and _ only');
  });

  it('a model name in a schema yml with a quote: exit 2 naming the file and key', async () => {
    const project = copyStediProject();
    edit(project, 'models/trusted/_trusted.yml', '- name: customer_trusted', `- name: "customer_trusted'; --"`);
    expectUsageError(
      await cli(['compile'], { cwd: project, env: {} }),
      'models/trusted/_trusted.yml:4:11: models[0].name: must be letters, digits and _ only',
    );
  });

  it('a source column name with a quote: exit 2 naming the file and key', async () => {
    const project = copyStediProject();
    edit(project, 'models/landing/_landing.yml', 'name: customername,', 'name: "customer\\"name; --",');
    expectUsageError(
      await cli(['compile'], { cwd: project, env: {} }),
      'models/landing/_landing.yml:24:21: sources[0].tables[0].columns[0].name: must be letters, digits and _ only',
    );
  });

  it('a schema with a quote in profiles.yml: exit 2 naming the key', async () => {
    const project = copyStediProject();
    edit(project, 'profiles.yml', 'schema: stedi', `schema: "st'edi"`);
    expectUsageError(
      await cli(['compile'], { cwd: project, env: {} }),
      'profiles.yml: stedi.outputs.dev.schema: must be letters, digits and _ only',
    );
  });

  it('a DuckDB setting DuckDB refuses in profiles.yml: exit 2, the database named', async () => {
    const project = copyStediProject();
    edit(
      project,
      'profiles.yml',
      'threads: 4\n',
      `threads: 4\n      settings: { memory_limit: "1GB'; drop table x; --" }\n`,
    );
    expectUsageError(await cli(['run'], { cwd: project, env: {} }), 'Cannot open DuckDB database');
  });

  it.each([
    ['--vars that is not a mapping', ['run', '--vars', '[1, 2]'], '--vars: expected a mapping'],
    ['--vars that is not YAML', ['run', '--vars', '{a: ['], '--vars: not valid YAML or JSON'],
    ['a null landing_root', ['run', '--vars', '{landing_root: null}'], 'models/landing/_landing.yml'],
    [
      '--threads that is not a number',
      ['run', '--threads', 'many'],
      "option '--threads <n>' argument 'many' is invalid",
    ],
    [
      '--timeout that is not a number',
      ['run', '--timeout', 'soon'],
      "option '--timeout <seconds>' argument 'soon' is invalid",
    ],
    [
      '--customers that is not a number',
      ['generate-data', '--out', 'x', '--customers', 'lots'],
      "argument 'lots' is invalid",
    ],
    ['an unknown target', ['run', '--target', `x'; --`], "no target named 'x'; --'"],
    ['an unknown command option', ['run', '--frobnicate'], "unknown option '--frobnicate'"],
    [
      'a --junit path under a file',
      ['build', '--select', 'customer_landing', '--junit', '/dev/null/junit.xml'],
      "'/dev/null",
    ],
    [
      'a generate-data --out under a file',
      ['generate-data', '--out', '/dev/null/landing', '--customers', '1'],
      "'/dev/null",
    ],
  ])('%s: exit 2 naming it', async (_, args, message) => {
    const project = copyStediProject();
    expectUsageError(await cli(args, { cwd: project, env: {} }), message);
  });

  it('a landing_root that is not a string is read as text and, pointing nowhere, fails naming the folder', async () => {
    const project = copyStediProject();
    const run = await cli(['run', '--vars', '{landing_root: {a: 1}}'], { cwd: project, env: {} });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('no files found at');
    expect(run.stdout + run.stderr).not.toContain(CRASH);
  });
});
