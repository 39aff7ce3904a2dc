import { describe, expect, it } from 'vitest';
import { duckDbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import { fixtureSelectSql, UnitTestFixtureError } from '../../src/unit-tests/fixture-sql.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';

const MODELS = {
  'models/sources.yml': `sources:
  - name: raw
    tables:
      - name: people
        external: { location: data/people/, format: json }
        columns:
          - { name: id, data_type: bigint }
          - { name: name, data_type: string }
          - { name: age, data_type: bigint }
`,
  'models/adults.sql':
    "{{ config(materialized='table') }}\nselect id, name from {{ source('raw', 'people') }} where age >= {{ var('adult_age', 18) }}",
  'models/named.sql': "select id from {{ ref('adults') }} where name is not null",
};

function unitTests(expectIds: number[], extra = ''): string {
  return `unit_tests:
  - name: keeps_adults
    model: adults
    given:
      - input: source('raw', 'people')
        rows:
          - { id: 1, name: ann, age: 30 }
          - { id: 2, name: bob, age: 17 }
          - { id: 3, age: 18 }
    expect:
      rows:
${expectIds.map((id) => `        - { id: ${id} }`).join('\n')}
${extra}`;
}

describe('model unit tests', () => {
  it('pass when the model returns the expected rows, without any landing data', async () => {
    const dir = fixtureProject({ ...MODELS, 'models/unit.yml': unitTests([1, 3]) });
    const run = await cli(['test', '--select', 'test_type:unit'], { cwd: dir });
    expect(run.stdout).toMatch(/PASS unit test adults\.keeps_adults/);
    expect(run.code).toBe(0);
  });

  it('fail with exit 1 and show the rows that differ', async () => {
    const dir = fixtureProject({ ...MODELS, 'models/unit.yml': unitTests([1, 2]) });
    const run = await cli(['test', '--select', 'test_type:unit'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL unit test adults\.keeps_adults/);
    expect(run.stdout).toContain('expected but missing:\n      [2]');
    expect(run.stdout).toContain('returned but not expected:\n      [3]');
    const results = readTargetJson(dir, 'run_results.json').results;
    expect(results).toEqual([expect.objectContaining({ resource_type: 'unit_test', status: 'fail', failures: 2 })]);
  });

  it('apply var overrides', async () => {
    const overrides = '    overrides:\n      vars: { adult_age: 21 }\n';
    const dir = fixtureProject({
      ...MODELS,
      'models/unit.yml': unitTests([1]).replace('    given:', `${overrides}    given:`),
    });
    expect((await cli(['test'], { cwd: dir })).code).toBe(0);
  });

  it('report an input the model reads but the test does not give', async () => {
    const yml = `unit_tests:
  - name: no_inputs
    model: named
    given: []
    expect: { rows: [] }
`;
    const dir = fixtureProject({ ...MODELS, 'models/unit.yml': yml });
    const run = await cli(['test', '--select', 'named'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("unit test no_inputs gives no rows for ref('adults'), which named reads");
  });

  it('run before their model in build, and a failure skips the model and its descendants', async () => {
    const dir = fixtureProject({
      ...MODELS,
      'models/unit.yml': unitTests([99]),
      'data/people/p.json': '{"id": 1, "name": "ann", "age": 40}\n',
    });
    const run = await cli(['build'], { cwd: dir });
    expect(run.code).toBe(1);
    const status = Object.fromEntries(
      readTargetJson(dir, 'run_results.json').results.map((r: { name: string; status: string }) => [r.name, r.status]),
    );
    expect(status).toMatchObject({ people: 'success', keeps_adults: 'fail', adults: 'skipped', named: 'skipped' });
  });

  it('build fixtures with declared types, inferred types, and untyped all-NULL columns', () => {
    const sql = fixtureSelectSql(
      't',
      [{ id: 1, score: 1.5, note: null }],
      [
        { name: 'id', type: 'BIGINT' },
        { name: 'name', type: 'VARCHAR' },
      ],
      duckDbDialect,
    );
    expect(sql).toBe(
      'select cast(1 as BIGINT) as "id", cast(null as VARCHAR) as "name", cast(1.5 as DOUBLE) as "score", null as "note"',
    );
    expect(() => fixtureSelectSql('t', [], [], duckDbDialect)).toThrow(UnitTestFixtureError);
  });
});
