import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';

// Five scores, three of them negative: an `expression_is_true` of `score >= 0` has three failing rows.
const PEOPLE =
  "select * from (values (1, 'a', 10), (2, 'a', -1), (3, 'b', -2), (4, 'b', -3), (null, 'b', 5)) as t(id, kind, score)";

/** A fixture whose model `people` carries one declared test: `test` is the yml of its entry under `tests:`. */
function projectWithTest(test: string, people = PEOPLE): string {
  return fixtureProject({
    'models/people.sql': people,
    'models/_people.yml': `version: 2\nmodels:\n  - name: people\n    tests:\n      - ${test}\n`,
  });
}

type Result = { name: string; status: string; failures: number | null };

/** Builds the models, runs `stedi-models test`, and returns its exit code, output and the single test's result. */
async function runTest(dir: string, args: readonly string[] = []) {
  expect((await cli(['run'], { cwd: dir })).code).toBe(0);
  const run = await cli(['test', ...args], { cwd: dir });
  const results = readTargetJson(dir, 'run_results.json').results as Result[];
  expect(results).toHaveLength(1);
  return { ...run, result: results[0]! };
}

async function query(dir: string, sql: string) {
  const adapter = await DuckDbAdapter.open({ path: 'target/fixture.duckdb', settings: {} }, dir);
  try {
    return await adapter.query(sql);
  } finally {
    await adapter.close();
  }
}

const NEGATIVE = "expression_is_true: { expression: 'score >= 0', name: no_negative_scores";

describe('data test config', () => {
  it('fails an error-severity test with failing rows and exits 1, naming the test and its compiled SQL', async () => {
    const run = await runTest(projectWithTest(`${NEGATIVE} }`));
    expect(run.code).toBe(1);
    expect(run.result).toMatchObject({ name: 'no_negative_scores', status: 'fail', failures: 3 });
    expect(run.stdout).toMatch(/FAIL test no_negative_scores \.* \[3 failing rows in/);
    expect(run.stdout).toContain('no_negative_scores: 3 failing rows (error). SQL: target/compiled/');
  });

  it('reports a warn-severity test with failing rows as WARN and exits 0', async () => {
    const run = await runTest(projectWithTest(`${NEGATIVE}, severity: warn }`));
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'warn', failures: 3 });
    expect(run.stdout).toMatch(/WARN test no_negative_scores /);
  });

  it('passes a test without failing rows and exits 0', async () => {
    const run = await runTest(projectWithTest(`${NEGATIVE} }`, 'select 1 as id, 5 as score'));
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'pass', failures: 0 });
  });

  it('warns instead of failing when the failure count is under error_if (3 failures, error_if: >5)', async () => {
    const run = await runTest(projectWithTest(`${NEGATIVE}, config: { error_if: '>5' } }`));
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'warn', failures: 3 });
  });

  it('fails when the failure count meets error_if (3 failures, error_if: >=3)', async () => {
    const run = await runTest(projectWithTest(`${NEGATIVE}, error_if: '>=3' }`));
    expect(run.code).toBe(1);
    expect(run.result.status).toBe('fail');
  });

  it('passes when the failure count meets neither error_if nor warn_if (3 failures, both >5)', async () => {
    const run = await runTest(projectWithTest(`${NEGATIVE}, error_if: '>5', warn_if: '>5' }`));
    expect(run.code).toBe(0);
    expect(run.result).toMatchObject({ status: 'pass', failures: 3 });
  });

  it('never fails a warn-severity test, whatever error_if says', async () => {
    const run = await runTest(projectWithTest(`${NEGATIVE}, severity: warn, error_if: '>0' }`));
    expect(run.code).toBe(0);
    expect(run.result.status).toBe('warn');
  });

  it('rejects a threshold that is not a comparison with a whole number, naming the file and key', async () => {
    const dir = projectWithTest(`${NEGATIVE}, error_if: 'lots' }`);
    const run = await cli(['test'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('models/_people.yml');
    expect(run.stderr).toContain('error_if');
    expect(run.stderr).toContain('must be a comparison with a whole number');
  });

  it('narrows the tested rows with where', async () => {
    const onlyA = await runTest(projectWithTest(`${NEGATIVE}, where: "kind = 'a'" }`));
    expect(onlyA.result).toMatchObject({ status: 'fail', failures: 1 });
    const positive = await runTest(projectWithTest(`${NEGATIVE}, config: { where: 'score > 0' } }`));
    expect(positive.result).toMatchObject({ status: 'pass', failures: 0 });
  });

  // Under `where`, `model` is the narrowed query, yet still answers model.schema and model.identifier with the tested
  // relation's: a test reading them (like STEDI's no_identifiers) would otherwise check a table named 'undefined',
  // find nothing and pass.
  it('keeps model.schema and model.identifier of the tested relation under where', async () => {
    const dir = fixtureProject({
      'models/people.sql': 'select 1 as email',
      'tests/generic/named_like_email.sql': `{% test named_like_email(model) %}
select column_name from information_schema.columns
where table_schema = {{ sql_string(model.schema) }} and table_name = {{ sql_string(model.identifier) }} and column_name like '%email%'
{% endtest %}`,
      'models/_people.yml':
        'version: 2\nmodels:\n  - name: people\n    tests:\n      - named_like_email: { where: "1 = 1" }\n',
    });
    const run = await runTest(dir);
    expect(run.result).toMatchObject({ status: 'fail', failures: 1 });
  });

  it('counts at most limit failing rows', async () => {
    const run = await runTest(projectWithTest(`${NEGATIVE}, limit: 2 }`));
    expect(run.code).toBe(1);
    expect(run.result).toMatchObject({ status: 'fail', failures: 2 });
  });

  it('keeps failing rows in <schema>_test_failures.<test name> with store_failures, replacing them on the next run', async () => {
    const dir = projectWithTest(`${NEGATIVE}, store_failures: true }`);
    const first = await runTest(dir);
    expect(first.stdout).toContain('failing rows kept in analytics_test_failures.no_negative_scores');
    expect(await query(dir, 'select score from analytics_test_failures.no_negative_scores order by score')).toEqual([
      { score: -3 },
      { score: -2 },
      { score: -1 },
    ]);

    writeFileSync(
      path.join(dir, 'models/people.sql'),
      "select * from (values (7, 'a', -7), (8, 'a', 8)) as t(id, kind, score)",
    );
    const second = await runTest(dir);
    expect(second.result).toMatchObject({ status: 'fail', failures: 1 });
    expect(await query(dir, 'select id, score from analytics_test_failures.no_negative_scores')).toEqual([
      { id: 7, score: -7 },
    ]);

    writeFileSync(path.join(dir, 'models/people.sql'), "select 9 as id, 'a' as kind, 9 as score");
    const passing = await runTest(dir);
    expect(passing.result.status).toBe('pass');
    expect(await query(dir, 'select count(*) as n from analytics_test_failures.no_negative_scores')).toEqual([
      { n: 0 },
    ]);
  });

  it('keeps no failing rows without store_failures', async () => {
    const dir = projectWithTest(`${NEGATIVE} }`);
    await runTest(dir);
    expect(
      await query(
        dir,
        "select count(*) as n from information_schema.tables where table_schema = 'analytics_test_failures'",
      ),
    ).toEqual([{ n: 0 }]);
  });
});
