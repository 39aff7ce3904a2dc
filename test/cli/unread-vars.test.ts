import { describe, expect, it } from 'vitest';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli, copyStediProject } from '../helpers/stedi-project.js';

const MACROS = {
  'macros/choice.sql':
    '{% macro pick(name, choices) %}{% set value = var(name) %}{{ value if value in choices else choices[0] }}{% endmacro %}',
};

describe('vars set that nothing reads', () => {
  it('a typo in --vars stops every command with exit 2, naming the var, where it was set and the var it meant', async () => {
    const project = copyStediProject();
    for (const command of [['ls'], ['compile'], ['run'], ['test', '--select', 'test_type:unit']]) {
      const run = await cli([...command, '--vars', '{consent_cutof: as_of}'], { cwd: project });
      expect(run.code, command[0]).toBe(2);
      expect(run.stderr).toContain(
        "--vars: var 'consent_cutof' is read by no model, macro, test, schema yml or project file",
      );
      expect(run.stderr).toContain("Did you mean 'consent_cutoff'?");
    }
  });

  it('every var the STEDI project reads is accepted: in models, macros, tests, yml, through var_choice and var_whole_number', async () => {
    const vars =
      '{landing_root: data/landing, consent_cutoff: as_of, ml_pairing: same_customer, lookback_ms: 1000, ml_customer_pseudonym: true, verify_reference_counts: true}';
    const run = await cli(['ls', '--vars', vars], {
      cwd: copyStediProject(),
      env: { STEDI_SECRET_PSEUDONYM_SALT: 'pepper-for-tests' },
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('a project var nobody reads is rejected too, naming the project file', async () => {
    const dir = fixtureProject(
      { ...MACROS, 'models/m.sql': "select {{ pick('colour', ['red']) }} as c" },
      { vars: { colour: 'red', colours: 'blue' } },
    );
    const run = await cli(['ls'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("stedi_project.yml (vars.colours): var 'colours' is read by no model");
    expect(run.stderr).toContain("Did you mean 'colour'?");
    expect(run.stderr).not.toContain("var 'colour' ");
  });

  it('a var read only in a branch no render takes, or only through a macro that forwards its argument to var(), is accepted', async () => {
    const dir = fixtureProject({
      ...MACROS,
      'models/m.sql':
        "select {{ pick('forwarded', ['a', 'b']) }} as c{% if var('switch', false) %}, {{ var('only_when_switched') }} as d{% endif %}",
      'models/_schema.yml':
        'models:\n  - name: m\n    config:\n      post_hook: "{% if false %}select {{ pick(\'in_a_hook\', []) }}{% endif %}"\n',
    });
    const run = await cli(['ls', '--vars', '{forwarded: a, only_when_switched: 1, in_a_hook: x}'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('nothing is rejected when a template gives var() a name that cannot be traced', async () => {
    const dir = fixtureProject({ 'models/m.sql': "select '{{ var(target.name ~ '_colour', 'red') }}' as c" });
    expect((await cli(['ls', '--vars', '{dev_colour: blue, anything: 1}'], { cwd: dir })).code).toBe(0);
  });
});
