import { describe, expect, it } from 'vitest';
import { newRenderScope, TemplateEngine, type RenderScope } from '../../src/templating/template-engine.js';
import { QueryTable } from '../../src/templating/query-table.js';

function engine(macros: Record<string, string> = {}): TemplateEngine {
  return new TemplateEngine({
    now: () => new Date('2026-03-04T05:06:07.089Z'),
    macroFiles: Object.entries(macros).map(([path, text]) => ({ path, text })),
    vars: {},
    env: {},
    target: { name: 'dev', type: 'duckdb', schema: 'main', threads: 1 },
    macroDispatch: 'duckdb',
    quoteString: (s) => `'${s.replaceAll("'", "''")}'`,
    quoteIdentifier: (s) => `"${s}"`,
  });
}

let files = 0;
/** Renders a template as a model file (each call a file of its own: templates are cached by path). */
function render(
  templates: TemplateEngine,
  text: string,
  extra: Partial<RenderScope> = {},
): { out: string; scope: RenderScope } {
  const scope = newRenderScope(extra.mode ?? 'compile', `models/m${++files}.sql`, extra);
  const out = templates.render({ path: scope.file, text }, scope);
  return { out: out.trim(), scope };
}

function problems(scope: RenderScope): string {
  return scope.problems.map((p) => p.message).join('\n');
}

describe('Python methods on strings, lists and dicts', () => {
  it('gives strings the Python methods dbt projects call', () => {
    const { out, scope } = render(
      engine(),
      [
        "{{ 'Ab'.upper() }} {{ 'Ab'.lower() }} [{{ '  x '.strip() }}] [{{ 'xxaxx'.strip('x') }}]",
        "{{ 'a-b-c'.replace('-', '+') }} {{ 'a b  c'.split() | join('|') }} {{ 'a,b,c'.split(',', 1) | join('|') }}",
        "{{ 'stg_x'.startswith('stg_') }} {{ 'x_tmp'.endswith(('_a', '_tmp')) }} {{ '{} and {name}'.format(1, name='n') }}",
        "{{ ', '.join(['a', 'b']) }} {{ 'hello world'.title() }} {{ 'abcabc'.count('b') }}",
      ].join('\n'),
    );
    expect(problems(scope)).toBe('');
    expect(out.split('\n')).toEqual(['AB ab [x] [a]', 'a+b+c a|b|c a|b,c', 'true true 1 and n', 'a, b Hello World 2']);
  });

  it('gives lists and dicts their Python methods, without touching JavaScript prototypes', () => {
    const { out, scope } = render(
      engine(),
      [
        '{% set xs = [1] %}{% do xs.append(2) %}{% do xs.extend([3, 4]) %}{{ xs | join(",") }}',
        "{% set d = {'a': 1} %}{% do d.update({'b': 2}) %}{% for k, v in d.items() %}{{ k }}={{ v }} {% endfor %}",
        "{{ d.keys() | join(',') }} {{ d.values() | join(',') }} {{ d.get('a') }} {{ d.get('z', 'none') }}",
      ].join('\n'),
    );
    expect(problems(scope)).toBe('');
    expect(out.split('\n')).toEqual(['1,2,3,4', 'a=1 b=2 ', 'a,b 1,2 1 none']);
    expect((String.prototype as unknown as Record<string, unknown>).upper).toBeUndefined();
    expect((Array.prototype as unknown as Record<string, unknown>).append).toBeUndefined();
    expect((Object.prototype as unknown as Record<string, unknown>).items).toBeUndefined();
  });

  it('names the method when a template calls one that does not exist', () => {
    const { scope } = render(engine(), "{{ 'a'.shout() }}");
    expect(problems(scope)).toMatch(/^models\/m\d+\.sql:1(:\d+)?: template error: \.shout\(\) is not a method/);
  });
});

describe('{% do %}, namespace() and return()', () => {
  it('assigns attributes of a namespace inside a loop, as Jinja does', () => {
    const { out, scope } = render(
      engine(),
      '{% set ns = namespace(total=0, found=False) %}{% for x in [1, 2, 3] %}{% set ns.total = ns.total + x %}{% endfor %}{{ ns.total }} {{ ns.found }}',
    );
    expect(problems(scope)).toBe('');
    expect(out).toBe('6 false');
  });

  it('refuses attribute assignment on anything but a namespace, saying how to make one', () => {
    const { scope } = render(engine(), "{% set d = {'a': 1} %}{% set d.a = 2 %}");
    expect(problems(scope)).toMatch(/cannot assign attribute 'a'.*namespace\(a=\.\.\.\)/);
    const polluted = render(engine(), '{% set ns = namespace() %}{% set ns.__proto__ = 1 %}');
    expect(problems(polluted.scope)).toMatch(/cannot assign attribute '__proto__'/);
  });

  it("gives a macro's returned value, not its text, through nested macro calls and loops", () => {
    const templates = engine({
      'macros/cols.sql': [
        "{% macro quoted(c) %}ignored text{{ return('\"' ~ c ~ '\"') }}{% endmacro %}",
        '{% macro columns(xs) %}{% set out = [] %}{% for x in xs %}{% do out.append(quoted(x)) %}{% endfor %}',
        '{% do return(out) %}{{ exceptions.raise_compiler_error("not reached") }}{% endmacro %}',
      ].join('\n'),
    });
    const { out, scope } = render(
      templates,
      "{% for c in columns(['a', 'b']) %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %} {{ columns(['z']) | length }}",
    );
    expect(problems(scope)).toBe('');
    expect(out).toBe('"a", "b" 1');
  });

  it('refuses return() outside a macro', () => {
    const { scope } = render(engine(), '{{ return(1) }}');
    expect(problems(scope)).toMatch(/return\(\) can only be called inside a \{% macro %\}/);
  });

  it('names the tag when {% do %} has no expression', () => {
    const { scope } = render(engine(), '{% do %}');
    expect(problems(scope)).toMatch(/models\/m\d+\.sql:1/);
  });
});

describe('log(), exceptions and execute', () => {
  it('records log(info=True) and exceptions.warn() when compiling, not while parsing', () => {
    const text = "{{ log('quiet') }}{{ log('hello', info=True) }}{% do exceptions.warn('careful') %}{{ execute }}";
    const compiled = render(engine(), text);
    expect(compiled.out).toBe('true');
    expect(compiled.scope.messages).toEqual([
      { level: 'info', message: 'hello' },
      { level: 'warn', message: `${compiled.scope.file}: careful` },
    ]);
    const parsed = render(engine(), text, { mode: 'parse' });
    expect(parsed.out).toBe('false');
    expect(parsed.scope.messages).toEqual([]);
  });

  it('stops with the file and the message of exceptions.raise_compiler_error()', () => {
    const { scope } = render(engine(), "{% if true %}{{ exceptions.raise_compiler_error('bad input') }}{% endif %}");
    expect(problems(scope)).toMatch(/^models\/m\d+\.sql(:1:\d+)?: bad input$/);
  });
});

describe('run_query()', () => {
  const text =
    "{% set r = run_query('select 1 as a') %}{% if execute %}{{ r.columns[0].values() | join(',') }}|{{ r.rows[0].a }}|{{ r.column_names | join(',') }}{% endif %}";

  it('records the query while it has no result, and reads the result, by position and name, once it has', () => {
    const first = render(engine(), text);
    expect(first.scope.pendingQueries).toEqual(['select 1 as a']);
    const results = new Map([
      [
        'select 1 as a',
        new QueryTable([
          { a: 1n, b: 'x' },
          { a: 2n, b: 'y' },
        ]),
      ],
    ]);
    const second = render(engine(), text, { queryResults: results });
    expect(second.scope.pendingQueries).toEqual([]);
    expect(second.out).toBe('1,2|1|a,b');
  });

  it('sends nothing while parsing', () => {
    const parsed = render(engine(), text, { mode: 'parse' });
    expect(parsed.scope.pendingQueries).toEqual([]);
    expect(parsed.out).toBe('');
  });

  it('refuses a call without SQL', () => {
    const { scope } = render(engine(), '{% set r = run_query("") %}');
    expect(problems(scope)).toMatch(/run_query\(\) got no SQL/);
  });
});

describe('adapter.dispatch()', () => {
  const macros = {
    'macros/d.sql': [
      '{% macro default__cast_text(x) %}cast({{ x }} as varchar){% endmacro %}',
      '{% macro athena__cast_text(x) %}cast({{ x }} as varchar(100)){% endmacro %}',
      '{% macro duckdb__only_here() %}duckdb{% endmacro %}',
    ].join('\n'),
  };

  it("resolves the engine's version, else the default one", () => {
    const { out, scope } = render(
      engine(macros),
      "{{ adapter.dispatch('cast_text', 'my_project')('c') }} {{ adapter.dispatch('only_here')() }}",
    );
    expect(problems(scope)).toBe('');
    expect(out).toBe('cast(c as varchar) duckdb');
    expect([...scope.macrosUsed]).toEqual(['default__cast_text', 'duckdb__only_here']);
  });

  it('names both macros it looked for when neither exists', () => {
    const { scope } = render(engine(macros), "{{ adapter.dispatch('nothing', 'my_project')() }}");
    expect(problems(scope)).toMatch(/adapter.dispatch\('nothing'\) found no macro duckdb__nothing or default__nothing/);
  });
});

describe('modules.datetime', () => {
  it('gives now(), utcnow() and date.today() with strftime() and isoformat(), from the clock', () => {
    const { out, scope } = render(
      engine(),
      [
        "{{ modules.datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M:%S.%f day %j %%') }}",
        '{{ modules.datetime.datetime.utcnow().isoformat() }} {{ modules.datetime.datetime.utcnow().year }}',
        '{{ modules.datetime.datetime.utcnow().date() }} {{ modules.datetime.datetime.utcnow() }}',
        "{{ modules.datetime.date.today().strftime('%Y') }} {{ modules.datetime.datetime.now().month }}",
      ].join('\n'),
    );
    expect(problems(scope)).toBe('');
    expect(out.split('\n')).toEqual([
      '2026-03-04 05:06:07.089000 day 063 %',
      '2026-03-04T05:06:07.089000 2026',
      '2026-03-04 2026-03-04 05:06:07.089000',
      '2026 3',
    ]);
  });

  it('names what is missing when a template reaches for a module that is not there', () => {
    const { scope } = render(engine(), "{{ modules.re.match('a', 'b') }}");
    expect(problems(scope)).toMatch(/\.match\(\) is not a method/);
  });
});
