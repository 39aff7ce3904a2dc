import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureProject } from '../helpers/fixture-project.js';
import { queryDatabase } from '../helpers/query-database.js';
import { cli, readTargetJson } from '../helpers/stedi-project.js';

const LOG = 'analytics.hook_log';

const projectFile = (hooks: string, folderHook = false) => `name: fixture
profile: fixture
${hooks}
${folderHook ? `models:\n  +post-hook: "insert into ${LOG} (what) select 'folder post-hook'"` : ''}
`;

const START = `on-run-start:
  - "create schema if not exists analytics"
  - "create table if not exists ${LOG} (what varchar)"
`;
const START_WITH_SEQ = `on-run-start:
  - "create schema if not exists analytics"
  - "create sequence if not exists hook_seq"
  - "create table if not exists ${LOG} (n integer default nextval('hook_seq'), what varchar)"
  - "insert into ${LOG} (what) select 'start on {{ target.name }}'"
on-run-end: "insert into ${LOG} (what) select 'end: {{ results | length }} results, {{ results[0].status }}, schemas {{ schemas | join(',') }}'"
`;

const MODEL = `{{ config(pre_hook="insert into ${LOG} (what) select 'config pre_hook'", post_hook=["insert into ${LOG} (what) select 'config post_hook'"]) }}
select 1 as id`;

const SCHEMA = `models:
  - name: hooked
    config:
      pre-hook: "insert into ${LOG} (what) select 'yml pre-hook'"
      post_hook: { sql: "insert into ${LOG} (what) select 'yml post_hook'" }
`;

const logged = async (dir: string) =>
  (await queryDatabase(path.join(dir, 'target/fixture.duckdb'), `select what from ${LOG} order by n`)).map(
    (r) => r.what,
  );

describe("dbt's hooks", () => {
  it('runs every spelling of pre- and post-hooks, and on-run-start and on-run-end once, in order', async () => {
    const dir = fixtureProject(
      { 'models/hooked.sql': MODEL, 'models/_schema.yml': SCHEMA },
      { projectFile: projectFile(START_WITH_SEQ, true) },
    );
    const run = await cli(['run'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await logged(dir)).toEqual([
      'start on dev',
      'yml pre-hook',
      'config pre_hook',
      'folder post-hook',
      'yml post_hook',
      'config post_hook',
      'end: 1 results, success, schemas analytics',
    ]);
    // A second invocation runs them once more, not twice.
    await cli(['run'], { cwd: dir });
    expect((await logged(dir)).filter((w) => w === 'start on dev')).toHaveLength(2);
  });

  it('fails the invocation when on-run-start fails, naming the hook, and runs no node', async () => {
    const dir = fixtureProject(
      { 'models/plain.sql': 'select 1 as id' },
      { projectFile: projectFile(`on-run-start: "select * from no_such_table"`) },
    );
    const run = await cli(['run'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stedi_project.yml on-run-start[0] failed:');
    expect(run.stderr).toContain('no_such_table');
    expect(run.stderr).toContain('no node was run');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).not.toContain('OK view');
  });

  it('fails the invocation when on-run-end fails, after recording the results', async () => {
    const dir = fixtureProject(
      { 'models/plain.sql': 'select 1 as id' },
      { projectFile: projectFile(`on-run-end: ["select 1", "select * from no_such_table"]`) },
    );
    const run = await cli(['run'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stedi_project.yml on-run-end[1] failed:');
    expect(readTargetJson(dir, 'run_results.json').results[0]).toMatchObject({ status: 'success' });
  });

  it("keeps the project's and the yml's hooks when config() writes its own only at compile time (under execute)", async () => {
    const dir = fixtureProject(
      {
        'models/hooked.sql': `{% if execute %}{{ config(post_hook="insert into ${LOG} (what) select 'config post_hook'") }}{% endif %}
select 1 as id`,
      },
      { projectFile: projectFile(START_WITH_SEQ, true) },
    );
    const run = await cli(['run'], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await logged(dir)).toEqual([
      'start on dev',
      'folder post-hook',
      'config post_hook',
      'end: 1 results, success, schemas analytics',
    ]);
  });

  it('answers run_query() and log() in project hooks, and names dbt_project.yml when one fails', async () => {
    const hooks = `${START}on-run-end:
  - "{% set r = run_query('select count(*) as n from ${LOG}') %}{{ log('rows before the end: ' ~ r.rows[0][0], info=True) }}insert into ${LOG} (what) select 'rows before the end: {{ r.rows[0][0] }}'"
  - "select * from no_such_table"
`;
    const dir = fixtureProject(
      { 'models/plain.sql': `{{ config(post_hook="insert into ${LOG} (what) select 'post'") }}\nselect 1 as id` },
      { projectFile: projectFile(hooks), projectFileName: 'dbt_project.yml' },
    );
    const run = await cli(['run'], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toContain('rows before the end: 1');
    expect(run.stderr).toContain('dbt_project.yml on-run-end[1] failed:');
    expect(run.stderr).toContain('Fix the hook in dbt_project.yml.');
    const rows = await queryDatabase(path.join(dir, 'target/fixture.duckdb'), `select what from ${LOG} order by what`);
    expect(rows.map((r) => r.what)).toEqual(['post', 'rows before the end: 1']);
  });

  it('fails a model whose pre-hook fails, before it is built, naming the hook', async () => {
    const dir = fixtureProject(
      { 'models/plain.sql': `{{ config(pre_hook="select * from no_such_table") }}\nselect 1 as id` },
      { projectFile: projectFile(START) },
    );
    const run = await cli(['run'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('failed to run pre-hook 1 of plain');
  });

  it('refuses a hook that is not SQL, with the file and key', async () => {
    const dir = fixtureProject(
      {
        'models/plain.sql': 'select 1 as id',
        'models/_schema.yml': 'models:\n  - name: plain\n    config:\n      pre-hook: 5\n',
      },
      { projectFile: projectFile('') },
    );
    const run = await cli(['compile'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('models/_schema.yml');
    expect(run.stderr).toContain('pre-hook');
  });
});
