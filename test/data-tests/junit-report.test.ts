import { readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';
import { buildStedi, generatedLanding, S, stediTest, tamperedCopy, type StediBuild } from './stedi-build.js';

interface TestCase {
  name: string;
  classname: string;
  time: string;
  failure?: { message: string; '#text'?: string };
  error?: { message: string; '#text'?: string };
  skipped?: { message: string };
  'system-out'?: string;
}

/** Validates the file as XML with a real parser, then reads its suite and test cases. */
function readJunit(file: string) {
  const xml = readFileSync(file, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  // XML 1.0 forbids these control characters even when escaped.
  // eslint-disable-next-line no-control-regex
  expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => name === 'testcase',
  }).parse(xml);
  const suite = parsed.testsuites.testsuite as Record<string, string> & { testcase: TestCase[] };
  return { suite, cases: suite.testcase };
}

describe('--junit on the STEDI project', () => {
  let build: StediBuild;
  beforeAll(async () => {
    build = await buildStedi(await generatedLanding());
  });

  it('writes valid JUnit XML listing every test, with a failure for each failing test and the warning as output', async () => {
    const database = await tamperedCopy(build, [
      `insert into ${S}.customer_curated select * from ${S}.customer_curated order by email limit 1`,
    ]);
    const junit = path.join(build.project, 'reports/junit.xml');
    const run = await stediTest(build, database, { args: ['--junit', 'reports/junit.xml'] });
    expect(run.code).toBe(1);
    const { suite, cases } = readJunit(junit);
    const results = readTargetJson(build.project, 'run_results.json').results as Array<{
      name: string;
      status: string;
    }>;
    expect(cases.map((c) => c.name).sort()).toEqual(results.map((r) => r.name).sort());
    expect(cases.length).toBeGreaterThanOrEqual(32);
    expect(suite.tests).toBe(String(cases.length));
    expect(suite.failures).toBe('2');

    const failed = cases
      .filter((c) => c.failure)
      .map((c) => c.name)
      .sort();
    expect(failed).toEqual(['unique_customer_curated_email', 'unique_customer_curated_serialnumber']);
    const failure = cases.find((c) => c.name === 'unique_customer_curated_email')!.failure!;
    expect(failure.message).toBe('1 failing rows');
    expect(failure['#text']).toContain('target/compiled/');
    const warned = cases.find((c) => c.name === 'ml_cross_customer_pairs')!;
    expect(warned.failure).toBeUndefined();
    expect(warned['system-out']).toMatch(/^WARN: ml_cross_customer_pairs: \d+ failing rows \(warning\)/);
    const passed = cases.find((c) => c.name === 'consented_accelerometer_trusted_user')!;
    expect(passed.failure ?? passed.error ?? passed.skipped ?? passed['system-out']).toBeUndefined();
    expect(passed.classname).toBe('stedi-models test.data_test');
  });

  it('writes a JUnit file without failures when every test passes', async () => {
    const junit = path.join(build.project, 'junit-pass.xml');
    const run = await stediTest(build, await tamperedCopy(build, []), { args: ['--junit', junit] });
    expect(run.code).toBe(0);
    const { suite, cases } = readJunit(junit);
    expect(suite.failures).toBe('0');
    expect(cases.filter((c) => c.failure || c.error)).toEqual([]);
  });
});

describe('--junit on a fixture project', () => {
  const MODELS = {
    'models/raw.sql': "{{ config(materialized='table') }}\nselect * from (values (1), (null)) as t(id)",
    'models/downstream.sql': "select * from {{ ref('raw') }}",
    'models/_schema.yml':
      'version: 2\nmodels:\n  - name: raw\n    columns:\n      - name: id\n        tests: [not_null]\n',
  };

  it('stays valid XML when messages hold markup, quotes, ampersands and control characters', async () => {
    const dir = fixtureProject({
      ...MODELS,
      'tests/hostile.sql':
        "select * from {{ ref('raw') }} where error('bad <tag attr=\"x\"> & ''quote'' ' || chr(1) || ' ]]> end') is null",
    });
    expect((await cli(['run'], { cwd: dir })).code).toBe(0);
    const run = await cli(['test', '--junit', 'junit.xml'], { cwd: dir });
    expect(run.code).toBe(1);
    const { cases } = readJunit(path.join(dir, 'junit.xml'));
    const hostile = cases.find((c) => c.name === 'hostile')!;
    expect(hostile.error!['#text']).toContain('bad <tag attr="x"> & \'quote\'');
    expect(hostile.error!['#text']).toContain(']]> end');
    expect(cases.find((c) => c.name === 'not_null_raw_id')!.failure).toBeDefined();
  });

  it('lists models, failed tests and skipped descendants when written by build', async () => {
    const dir = fixtureProject(MODELS);
    const run = await cli(['build', '--junit', 'out/build.xml'], { cwd: dir });
    expect(run.code).toBe(1);
    const { suite, cases } = readJunit(path.join(dir, 'out/build.xml'));
    expect(
      Object.fromEntries(cases.map((c) => [c.name, c.failure ? 'failure' : c.skipped ? 'skipped' : 'ok'])),
    ).toEqual({
      raw: 'ok',
      not_null_raw_id: 'failure',
      downstream: 'skipped',
    });
    expect(suite.skipped).toBe('1');
    expect(suite.name).toBe('stedi-models build');
  });

  // The JUnit file goes through the project's secret masker like the log and the artifacts: an engine message that
  // holds a STEDI_SECRET_* value must not carry it into the report a CI system keeps.
  it('keeps secret values out of the JUnit file', async () => {
    const secret = 'junit-secret-3b8e1d';
    const dir = fixtureProject({
      ...MODELS,
      'tests/leaky.sql':
        "select * from {{ ref('raw') }} where error('token {{ env_var(\"STEDI_SECRET_TOKEN\") }}') is null",
    });
    const env = { STEDI_SECRET_TOKEN: secret };
    expect((await cli(['run'], { cwd: dir, env })).code).toBe(0);
    const run = await cli(['test', '--junit', 'junit.xml'], { cwd: dir, env });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('token *****');
    expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).not.toContain(secret);
  });
});
