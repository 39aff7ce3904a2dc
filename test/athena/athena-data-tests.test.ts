import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, copyStediProject, readTargetJson } from '../helpers/stedi-project.js';
import { ATHENA_ARGS, ATHENA_ENV } from './athena-test-target.js';
import { FakeAthena } from './fake-athena.js';

const ENV = ATHENA_ENV;
const ARGS = ATHENA_ARGS;

let fake: FakeAthena;
beforeEach(() => (fake = new FakeAthena()));
afterEach(() => fake.restore());

/** A project whose relations the fake Athena holds (a completed run), ready for `stedi-models test`. */
async function builtProject(): Promise<string> {
  const dir = copyStediProject();
  const run = await cli(['run', ...ARGS], { cwd: dir, env: ENV });
  expect(run.code, run.stdout).toBe(0);
  return dir;
}

type Result = { name: string; status: string; failures: number | null; message: string | null };
const resultOf = (dir: string, name: string): Result =>
  readTargetJson(dir, 'run_results.json').results.find((r: Result) => r.name === name);

describe('data tests on Athena (scripted, no AWS)', () => {
  it('reports a test whose query counts failing rows as failed, by name and row count, in the log, the artifacts and JUnit', async () => {
    const dir = await builtProject();
    fake.testFailures.set('unique_customer_trusted_email', 3);
    const run = await cli(['test', ...ARGS, '--junit', 'junit.xml'], { cwd: dir, env: ENV });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL test unique_customer_trusted_email \.+ \[3 failing rows in /);
    expect(run.stdout).toContain('unique_customer_trusted_email: 3 failing rows (error)');
    expect(resultOf(dir, 'unique_customer_trusted_email')).toMatchObject({ status: 'fail', failures: 3 });
    // Every other test was asked, and answered with a count of zero; the reference row counts switch themselves off
    // for landing data other than the reference's.
    const others = readTargetJson(dir, 'run_results.json').results.filter(
      (r: Result) => r.name !== 'unique_customer_trusted_email',
    );
    expect(others.filter((r: Result) => r.status === 'pass').length).toBeGreaterThan(10);
    expect(others.filter((r: Result) => r.status !== 'pass').map((r: Result) => `${r.name} ${r.status}`)).toEqual(
      others.filter((r: Result) => r.name.startsWith('reference_row_count_')).map((r: Result) => `${r.name} skipped`),
    );
    expect(
      fake.sent.filter((sql) =>
        /^-- test: unique_customer_trusted_email\nselect count\(\*\) as failures from/.test(sql),
      ),
    ).toHaveLength(1);
    const junit = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(junit).toMatch(
      /<testcase [^>]*name="unique_customer_trusted_email"[^>]*>\s*<failure message="3 failing rows"/,
    );
  });

  it('reports a warn-severity test with failing rows as a warning, and the run still succeeds', async () => {
    const dir = await builtProject();
    fake.testFailures.set('ml_cross_customer_pairs', 7);
    const run = await cli(['test', ...ARGS], { cwd: dir, env: ENV });
    expect(run.code).toBe(0);
    expect(resultOf(dir, 'ml_cross_customer_pairs')).toMatchObject({ status: 'warn', failures: 7 });
  });

  it('reports a test whose query answers no count as an error, never as zero failures', async () => {
    const dir = await builtProject();
    fake.testFailures.set('not_null_customer_trusted_email', 'no rows');
    const run = await cli(['test', ...ARGS], { cwd: dir, env: ENV });
    expect(run.code).toBe(1);
    const result = resultOf(dir, 'not_null_customer_trusted_email');
    expect(result.status).toBe('error');
    expect(result.message).toContain('Test not_null_customer_trusted_email');
    expect(result.message).toContain('answered the count of failing rows with 0 row(s) and no count');
  });
});
