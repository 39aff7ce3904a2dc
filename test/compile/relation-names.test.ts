import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/stedi-project.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { queryDatabase } from '../helpers/query-database.js';

const MODELS = {
  'models/plain.sql': 'select 1 as x',
  'models/marts/revenue.sql': "{{ config(schema='marts', materialized='table') }}select 2 as x",
  'models/marts/_marts.yml': 'version: 2\nmodels:\n  - name: renamed\n    config:\n      alias: revenue_v2\n',
  'models/marts/renamed.sql': 'select 3 as x',
};

describe('generate_schema_name and generate_alias_name', () => {
  it("puts a model with a schema config in <target schema>_<schema>, as dbt's default does", async () => {
    const dir = fixtureProject(MODELS);
    const run = await cli(['run'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const database = path.join(dir, 'target/fixture.duckdb');
    expect(await queryDatabase(database, 'select x from analytics_marts.revenue')).toEqual([{ x: 2 }]);
    expect(await queryDatabase(database, 'select x from analytics.plain')).toEqual([{ x: 1 }]);
    expect(await queryDatabase(database, 'select x from analytics.revenue_v2')).toEqual([{ x: 3 }]);
  });

  it("follows the project's own macros, which read the node", async () => {
    const dir = fixtureProject({
      ...MODELS,
      'macros/naming.sql': [
        '{% macro generate_schema_name(custom_schema_name, node) -%}',
        '{%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}',
        '{%- endmacro %}',
        '{% macro generate_alias_name(custom_alias_name=none, node=none) -%}',
        "{%- if custom_alias_name -%}{{ custom_alias_name }}{%- else -%}{{ node.fqn[1:] | join('_') }}{%- endif -%}",
        '{%- endmacro %}',
      ].join('\n'),
    });
    const run = await cli(['run'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const database = path.join(dir, 'target/fixture.duckdb');
    expect(await queryDatabase(database, 'select x from marts.marts_revenue')).toEqual([{ x: 2 }]);
    expect(await queryDatabase(database, 'select x from analytics.plain')).toEqual([{ x: 1 }]);
    expect(await queryDatabase(database, 'select x from analytics.revenue_v2')).toEqual([{ x: 3 }]);
  });

  it('stops naming the model when the macro gives no identifier or raises', async () => {
    const empty = fixtureProject({
      ...MODELS,
      'macros/naming.sql': '{% macro generate_schema_name(custom_schema_name, node) %}{% endmacro %}',
    });
    const run = await cli(['compile'], { cwd: empty });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'models/plain.sql: generate_schema_name() gave "" for model plain; it must give a plain identifier',
    );
    const raising = fixtureProject({
      ...MODELS,
      'macros/naming.sql':
        "{% macro generate_schema_name(custom_schema_name, node) %}{{ exceptions.raise_compiler_error('no schema for ' ~ node.name) }}{% endmacro %}",
    });
    const raised = await cli(['compile'], { cwd: raising });
    expect(raised.code).toBe(2);
    expect(raised.stderr).toContain('no schema for revenue');
  });
});
