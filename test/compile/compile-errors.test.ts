import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, copyStediProject } from '../helpers/stedi-project.js';
import { fixtureProject } from '../helpers/fixture-project.js';

async function compile(files: Record<string, string>) {
  const dir = fixtureProject(files);
  return cli(['compile'], { cwd: dir });
}

describe('compile errors', () => {
  it('reports a cycle with its full path and files', async () => {
    const run = await compile({
      'models/a.sql': "select * from {{ ref('c') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': "select * from {{ ref('b') }}",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cycle: a > b > c > a');
    expect(run.stderr).toContain('models/a.sql');
    expect(run.stderr).toContain('models/c.sql');
  });

  it('reports a model that refs itself as a cycle', async () => {
    const run = await compile({ 'models/a.sql': "select * from {{ ref('a') }}" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cycle: a > a');
  });

  it('reports a ref to an unknown model with the nearest name', async () => {
    const run = await compile({
      'models/trusted/customer_trusted.sql': 'select 1 as id',
      'models/curated/customer_curated.sql': "select * from {{ ref('customer_trustd') }}",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "models/curated/customer_curated.sql:1:18: ref('customer_trustd') matches no model. Did you mean 'customer_trusted'?",
    );
  });

  it('reports an unknown source with the nearest declared one', async () => {
    const run = await compile({
      'models/sources.yml': 'sources:\n  - name: landing\n    tables:\n      - name: customer_landing\n',
      'models/a.sql': "select *\nfrom {{ source('landing', 'customer_landnig') }}",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("models/a.sql:2:9: source('landing', 'customer_landnig') matches no source");
    expect(run.stderr).toContain("Did you mean 'landing.customer_landing'?");
  });

  it('reports two models with one name, naming both files', async () => {
    const run = await compile({ 'models/trusted/x.sql': 'select 1 as a', 'models/curated/x.sql': 'select 2 as a' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Two models are named 'x': models/curated/x.sql and models/trusted/x.sql");
  });

  it('reports a template syntax error with file and line', async () => {
    const run = await compile({ 'models/broken.sql': 'select 1 as a\nfrom t\nwhere {% if %} x {% endif %}' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/models\/broken\.sql:3:\d+: template error: /);
  });

  it('reports a call of an undefined macro at its line, with how to define it', async () => {
    const run = await compile({ 'models/calls.sql': "select 1 as a\nfrom t\nwhere {{ no_such_macro('x') }}" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'models/calls.sql:3:23: template error: no_such_macro() is not defined: define it with {% macro no_such_macro(...) %} in macros/, or check the spelling',
    );
    expect(run.stderr).not.toContain('end of the file');
  });

  it('reports an undefined var and how to define it', async () => {
    const run = await compile({ 'models/a.sql': 'select \'{{ var("landing_rooot") }}\' as x' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("models/a.sql: var('landing_rooot') is not defined.");
    expect(run.stderr).toContain('--vars');
  });

  it('reports every problem of a project at once', async () => {
    const run = await compile({
      'models/a.sql': "select * from {{ ref('nope') }}",
      'models/b.sql': "select {{ var('missing') }}",
      'models/c.sql': 'select {{ broken',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('3 problems found');
    expect(run.stderr).toContain("ref('nope')");
    expect(run.stderr).toContain("var('missing')");
    expect(run.stderr).toContain('models/c.sql:1');
  });

  it('reports invalid schema yml with file, line and key path', async () => {
    const run = await compile({
      'models/a.sql': 'select 1 as a',
      'models/schema.yml': 'models:\n  - name: a\n    config:\n      materialized: tabel\n',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "models/schema.yml:4:21: models[0].config.materialized: expected one of 'view', 'table', 'incremental', 'ephemeral'; got 'tabel'",
    );
  });

  it('reports a folder config of stedi_project.yml at its line and column, in plain words', async () => {
    const dir = copyStediProject();
    const file = path.join(dir, 'stedi_project.yml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('+materialized: table', '+materialized: tabel'));
    const line = text.slice(0, text.indexOf('+materialized: table')).split('\n').length;
    const run = await cli(['compile'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `error: stedi_project.yml:${line}:20: models.trusted.+materialized: expected one of 'view', 'table', 'incremental', 'ephemeral'; got 'tabel'\n`,
    );
  });

  it('reports a YAML syntax error once, at its line and column, in plain words', async () => {
    const dir = copyStediProject();
    const file = path.join(dir, 'models/curated/_curated.yml');
    const lines = readFileSync(file, 'utf8').split('\n');
    const line = lines.findIndex((l) => l.includes('description: >')) + 1;
    lines[line - 1] += ' [';
    writeFileSync(file, lines.join('\n'));
    const run = await cli(['compile'], { cwd: dir });
    expect(run.code).toBe(2);
    const column = lines[line - 1]!.length;
    expect(run.stderr).toMatch(
      new RegExp(`^error: models/curated/_curated\\.yml:${line}:${column}: this YAML cannot be read: `),
    );
    expect(run.stderr.match(/_curated\.yml/g)).toHaveLength(1);
    expect(run.stderr).not.toContain('problems found');
  });

  it("says what a profile value should be in plain words, not the validation library's", async () => {
    const dir = fixtureProject({ 'models/a.sql': 'select 1 as a' });
    const profiles = path.join(dir, 'profiles.yml');
    writeFileSync(profiles, readFileSync(profiles, 'utf8').replace(/threads: \d+/, 'threads: abc'));
    const threads = await cli(['compile'], { cwd: dir });
    expect(threads.stderr).toMatch(/threads: expected a number\n$/);
    writeFileSync(profiles, readFileSync(profiles, 'utf8').replace('type: duckdb', 'type: duckbd'));
    const type = await cli(['compile'], { cwd: dir });
    expect(type.stderr).toContain("type: expected one of 'duckdb', 'athena'; got 'duckbd'");
    expect(threads.stderr + type.stderr).not.toMatch(/Invalid|received|discriminator/);
  });

  it('reports an invalid var value through a macro that refuses it', async () => {
    const dir = fixtureProject({
      'macros/choice.sql':
        "{% macro pick(name, choices) %}{% set v = var(name) %}{% if v not in choices %}{{ exceptions.raise_compiler_error('var ' ~ name ~ ' must be one of ' ~ choices | join(', ')) }}{% endif %}{{ v }}{% endmacro %}",
      'models/a.sql': "select '{{ pick('mode', ['x', 'y']) }}' as m",
    });
    const run = await cli(['compile', '--vars', '{mode: z}'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('models/a.sql: var mode must be one of x, y');
  });
});
