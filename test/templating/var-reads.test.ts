import { describe, expect, it } from 'vitest';
import { varReads, type TestCall } from '../../src/templating/var-reads.js';

function namesRead(files: Record<string, string>, testCalls: TestCall[] = []): string[] | string {
  const reads = varReads(
    Object.entries(files).map(([file, text]) => ({ file, text })),
    testCalls,
  );
  return 'names' in reads ? [...reads.names].sort() : `untraced at ${reads.untraced}`;
}

describe('reading var names from templates without rendering them', () => {
  it('finds the literal names given to var(), also in a branch no render takes, and not in comments', () => {
    expect(
      namesRead({
        'm.sql': "{% if false %}{{ var('never_rendered') }}{% endif %}{{ var(\"plain\", 1) }}{# var('commented') #}",
      }),
    ).toEqual(['never_rendered', 'plain']);
  });

  it('follows a macro parameter that reaches var() to the literal arguments of every call of the macro', () => {
    const macros = '{% macro var_choice(name, choices) %}{% set value = var(name) %}{{ value }}{% endmacro %}';
    const model =
      "{% set a = var_choice('consent_cutoff', ['any', 'as_of']) %}{% if x %}{{ var_choice(name='ml_pairing', choices=[]) }}{% endif %}";
    expect(namesRead({ 'macros/consent.sql': macros, 'models/m.sql': model })).toEqual([
      'consent_cutoff',
      'ml_pairing',
    ]);
  });

  it('follows a name through macros that forward it, defaults, sets, literal lists and inline ifs', () => {
    const macros = [
      '{% macro inner(n) %}{{ var(n) }}{% endmacro %}',
      "{% macro outer(n='from_default') %}{{ inner(n) }}{% endmacro %}",
      "{% macro loop() %}{% for n in ['looped_a', 'looped_b'] %}{{ var(n) }}{% endfor %}{% endmacro %}",
    ].join('\n');
    const model =
      "{{ outer('forwarded') }}{{ outer() }}{% set s = 'was_set' if y else 'other_' ~ 'branch' %}{{ var(s) }}{{ loop() }}";
    expect(namesRead({ 'macros/m.sql': macros, 'models/m.sql': model })).toEqual([
      'forwarded',
      'from_default',
      'looped_a',
      'looped_b',
      'other_branch',
      'was_set',
    ]);
  });

  it('counts the calls of a macro by its plain name for each engine version of it', () => {
    const macros =
      '{% macro duckdb__read(n) %}{{ var(n) }}{% endmacro %}{% macro athena__read(n) %}{{ var(n) }}{% endmacro %}';
    expect(namesRead({ 'macros/m.sql': macros, 'models/m.sql': "{{ read('dispatched') }}" })).toEqual(['dispatched']);
  });

  it('takes the argument a schema yml gives a generic test as the name its test block passes to var()', () => {
    const test =
      "{% macro test_switched(model, column_name, switch, other='default_switch') %}{% if var(switch) or var(other) %}1{% endif %}{% endmacro %}";
    expect(namesRead({ 'tests/generic/t.sql': test }, [{ test: 'switched', args: { switch: 'from_yml' } }])).toEqual([
      'default_switch',
      'from_yml',
    ]);
    expect(namesRead({ 'tests/generic/t.sql': test }, [{ test: 'switched', args: { switch: "{{ 'x' }}" } }])).toMatch(
      /^untraced/,
    );
  });

  it('gives up, naming where, when a name is computed in a way it cannot follow', () => {
    expect(namesRead({ 'models/m.sql': "{{ var('ok') }}\n{{ var(target.name ~ '_root') }}" })).toBe(
      'untraced at models/m.sql:2',
    );
    expect(namesRead({ 'models/m.sql': '{% set read = var %}{{ read(x) }}' })).toBe('untraced at models/m.sql:1');
    expect(
      namesRead({
        'macros/m.sql': '{% macro fwd(n) %}{{ var(n) }}{% endmacro %}',
        'models/m.sql': '{% set f = fwd %}{{ f(y) }}',
      }),
    ).toMatch(/^untraced at models\/m.sql/);
    expect(
      namesRead({ 'macros/m.sql': '{% macro fwd(n) %}{{ var(n) }}{% endmacro %}', 'models/m.sql': '{{ fwd() }}' }),
    ).toMatch(/fwd\(\) without n/);
    expect(
      namesRead({
        'macros/m.sql': '{% macro fwd(n) %}{{ fwd(n ~ "x") }}{{ var(n) }}{% endmacro %}',
        'models/m.sql': "{{ fwd('a') }}",
      }),
    ).toMatch(/^untraced/);
    expect(namesRead({ 'models/m.sql': "{{ var('ok') }}{% if %}" })).toBe(
      'untraced at models/m.sql: not a valid template',
    );
  });
});
