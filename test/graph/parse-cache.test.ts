import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProjectGraph } from '../../src/compile/compile-project.js';
import { PARSE_CACHE_FILE } from '../../src/parse/parse-cache.js';
import type { ModelNode } from '../../src/core/nodes.js';
import { loadProject } from '../../src/project/load-project.js';
import { TemplateEngine } from '../../src/templating/template-engine.js';
import { fixtureProject } from '../helpers/fixture-project.js';

// The models read var('greeting'), which the project file sets.
const GREETING = { vars: { greeting: 'hello' } };

const FILES = {
  'macros/m.sql': '{% macro plus_one(x) %}{{ x }} + 1{% endmacro %}',
  'models/a.sql':
    "{{ config(materialized='table', tags=['t']) }}select {{ plus_one(1) }} as id, '{{ var('greeting') }}' as g",
  'models/b.sql': "select * from {{ ref('a') }} join {{ ref('c') }} using (id)",
  'models/c.sql': 'select 1 as id',
  'models/_schema.yml':
    'models:\n  - name: c\n    description: The c model.\n    columns:\n      - name: id\n        tests: [not_null, unique]\n',
};

/** Parses a project and returns its models and the files the parse pass rendered. */
function parse(dir: string, options: { vars?: string; env?: Record<string, string> } = {}) {
  const render = vi.spyOn(TemplateEngine.prototype, 'render');
  try {
    const context = buildProjectGraph(loadProject({ projectDir: dir, vars: options.vars, env: options.env ?? {} }));
    const rendered = render.mock.calls
      .filter(([, scope]) => scope.mode === 'parse')
      .map(([file]) => file.path)
      .sort();
    const models = [...context.graph.nodes.values()].filter((n): n is ModelNode => n.kind === 'model');
    const tests = [...context.graph.nodes.values()].filter((n) => n.kind === 'data_test');
    return { rendered, models: models.map(({ rawSql: _raw, ...rest }) => rest), tests };
  } finally {
    render.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('parse cache (target/partial_parse.json)', () => {
  it('renders only the model files that changed since the previous parse, with the same nodes and tests as a full parse', () => {
    const dir = fixtureProject(FILES, GREETING);
    const cold = parse(dir);
    expect(cold.rendered).toEqual(['models/a.sql', 'models/b.sql', 'models/c.sql']);
    expect(existsSync(path.join(dir, 'target', PARSE_CACHE_FILE))).toBe(true);

    const warm = parse(dir);
    expect(warm.rendered).toEqual([]);
    expect(warm.models).toEqual(cold.models);
    expect(warm.tests).toEqual(cold.tests);
    expect(warm.tests).toHaveLength(2);
    const cached = JSON.parse(readFileSync(path.join(dir, 'target', PARSE_CACHE_FILE), 'utf8')).files;
    expect(Object.keys(cached).sort()).toEqual(['models/_schema.yml', 'models/a.sql', 'models/b.sql', 'models/c.sql']);

    writeFileSync(path.join(dir, 'models', 'c.sql'), "select 2 as id from {{ ref('a') }}");
    const edited = parse(dir);
    expect(edited.rendered).toEqual(['models/c.sql']);
    expect(edited.models.find((m) => m.name === 'c')?.dependsOn).toEqual(['model.fixture.a']);
  });

  it('renders every file again when a var or a macro changes', () => {
    const dir = fixtureProject(FILES, GREETING);
    parse(dir);
    expect(parse(dir, { vars: '{greeting: hi}' }).rendered).toHaveLength(3);
    writeFileSync(path.join(dir, 'macros', 'm.sql'), '{% macro plus_one(x) %}{{ x }} + 2{% endmacro %}');
    expect(parse(dir, { vars: '{greeting: hi}' }).rendered).toHaveLength(3);
  });

  it('renders a file again when an env var it names changes, and never caches one named by an expression or a failed render', () => {
    const dir = fixtureProject({
      'models/e.sql': "select '{{ env_var('STEDI_REGION', 'eu') }}' as region",
      'models/d.sql': "{% set name = 'STEDI_REGION' %}select '{{ env_var(name, 'eu') }}' as region",
      'models/u.sql': "select '{{ var('undefined_var') }}' as x",
      'models/ok.sql': 'select 1 as id',
    });
    expect(() => parse(dir)).toThrow(/undefined_var/);
    writeFileSync(path.join(dir, 'models', 'u.sql'), 'select 1 as x');
    expect(parse(dir, { env: { STEDI_REGION: 'us' } }).rendered).toEqual([
      'models/d.sql',
      'models/e.sql',
      'models/u.sql',
    ]);
    expect(parse(dir, { env: { STEDI_REGION: 'us' } }).rendered).toEqual(['models/d.sql']);
    expect(parse(dir, { env: { STEDI_REGION: 'ap' } }).rendered).toEqual(['models/d.sql', 'models/e.sql']);
  });

  it('writes no secret into the cache, and caches nothing when a macro names an env var by an expression', () => {
    const dir = fixtureProject({
      'macros/salt.sql': "{% macro salt() %}{{ env_var('STEDI_SECRET_SALT') }}{% endmacro %}",
      'models/a.sql': "select '{{ env_var('STEDI_SECRET_SALT') }}' as s",
    });
    parse(dir, { env: { STEDI_SECRET_SALT: 'pepper-9f8e7d' } });
    expect(parse(dir, { env: { STEDI_SECRET_SALT: 'pepper-9f8e7d' } }).rendered).toEqual([]);
    expect(readFileSync(path.join(dir, 'target', PARSE_CACHE_FILE), 'utf8')).not.toContain('pepper');

    writeFileSync(path.join(dir, 'macros', 'salt.sql'), '{% macro salt(n) %}{{ env_var(n) }}{% endmacro %}');
    expect(parse(dir, { env: { STEDI_SECRET_SALT: 'x' } }).rendered).toEqual(['models/a.sql']);
    expect(parse(dir, { env: { STEDI_SECRET_SALT: 'x' } }).rendered).toEqual(['models/a.sql']);
  });
});
