import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/stedi-project.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { queryDatabase } from '../helpers/query-database.js';

const MACROS = `
{% macro make_flags(names) %}
  {% do run_query("create schema if not exists analytics") %}
  {% do run_query("create or replace table analytics.flags (name varchar)") %}
  {% for n in names %}{% do run_query("insert into analytics.flags values ('" ~ n ~ "')") %}{% endfor %}
  {% set counted = run_query("select count(*) as n from analytics.flags") %}
  {% if execute %}{{ log("flags: " ~ counted.columns[0].values()[0], info=True) }}{% endif %}
{% endmacro %}
{% macro noisy() %}{{ log("debug only") }}{{ exceptions.warn("watch out") }}{% endmacro %}
{% macro refuse(reason) %}{{ exceptions.raise_compiler_error("refused: " ~ reason) }}{% endmacro %}
`;

describe('run-operation', () => {
  it('calls a macro with the target connected: run_query() writes and reads, log(info=True) prints', async () => {
    const dir = fixtureProject({ 'macros/ops.sql': MACROS });
    const run = await cli(['run-operation', 'make_flags', '--args', '{names: [a, b, c]}'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('flags: 3');
    const rows = await queryDatabase(
      path.join(dir, 'target/fixture.duckdb'),
      'select name from analytics.flags order by name',
    );
    expect(rows.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    const noisy = await cli(['run-operation', 'noisy'], { cwd: dir });
    expect(noisy.code).toBe(0);
    expect(noisy.stdout + noisy.stderr).not.toContain('debug only');
    expect(noisy.stdout + noisy.stderr).toContain('run-operation noisy: watch out');
  });

  it('names an unknown macro with the nearest one, and a raised error with its message', async () => {
    const dir = fixtureProject({ 'macros/ops.sql': MACROS });
    const typo = await cli(['run-operation', 'make_flag'], { cwd: dir });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("run-operation: no macro named 'make_flag' in macros. Did you mean 'make_flags'?");
    const refused = await cli(['run-operation', 'refuse', '--args', '{reason: nope}'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('run-operation refuse');
    expect(refused.stderr).toContain('refused: nope');
    const badArgs = await cli(['run-operation', 'refuse', '--args', '[1]'], { cwd: dir });
    expect(badArgs.code).toBe(2);
    expect(badArgs.stderr).toContain("--args: expected a mapping of the macro's argument names to values");
  });

  it('fails naming the query when the engine refuses a run_query()', async () => {
    const dir = fixtureProject({
      'macros/ops.sql': '{% macro broken() %}{% do run_query("select * from nowhere") %}{% endmacro %}',
    });
    const run = await cli(['run-operation', 'broken'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('run-operation broken: run_query() failed');
    expect(run.stderr).toContain('query: select * from nowhere');
  });
});

describe('run_query() in a model', () => {
  it('is answered by the engine when the model is compiled to run, and `this` has its parts', async () => {
    const dir = fixtureProject({
      'models/colors.sql': "select * from (values ('red'), ('blue')) as t(color)",
      'models/pivot.sql': [
        "{{ config(materialized='table') }}",
        "{% set colors = run_query(\"select color from (values ('red'), ('blue')) as t(color) order by color\") %}",
        '{% set names = colors.columns[0].values() if execute else [] %}',
        "select '{{ this.schema }}' as s, '{{ this.identifier }}' as i, '{{ this.name }}' as n",
        '{% for c in names %}, 1 as {{ c }}{% endfor %}',
      ].join('\n'),
    });
    const run = await cli(['run'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const rows = await queryDatabase(path.join(dir, 'target/fixture.duckdb'), 'select * from analytics.pivot');
    expect(rows).toEqual([{ s: 'analytics', i: 'pivot', n: 'pivot', blue: 1, red: 1 }]);
  });
});
