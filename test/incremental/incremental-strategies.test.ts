import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { cli } from '../helpers/stedi-project.js';

// `raw` holds whatever rows the run's vars give; `events` takes the rows from the newest id on, incrementally.
const MODELS = {
  'models/raw.sql': "select * from (values {{ var('rows') }}) as t(id, val)",
  'models/events.sql': `{{ config(materialized='incremental', incremental_strategy=var('strategy'), unique_key=['id'], on_schema_change=var('on_change', 'fail')) }}
select id, val{% if var('extra', false) %}, 'x' as extra{% endif %}
from {{ ref('raw') }}
{% if is_incremental() %}where id >= (select max(id) from {{ this }}){% endif %}`,
};

async function rows(dir: string): Promise<unknown[][]> {
  const adapter = await DuckDbAdapter.open({ path: 'target/fixture.duckdb', settings: {} }, dir);
  try {
    return (await adapter.query('select * from analytics.events order by all')).map((r) => Object.values(r));
  } finally {
    await adapter.close();
  }
}

async function twoRuns(vars: { first: Record<string, unknown>; second: Record<string, unknown> }) {
  const dir = fixtureProject(MODELS);
  const first = await cli(['run', '--vars', JSON.stringify({ rows: "(1, 'a'), (2, 'b')", ...vars.first })], {
    cwd: dir,
  });
  expect(first.code, first.stdout).toBe(0);
  const second = await cli(['run', '--vars', JSON.stringify({ rows: "(2, 'B'), (3, 'c')", ...vars.second })], {
    cwd: dir,
  });
  return { dir, second };
}

describe('incremental models on DuckDB', () => {
  it('append adds the new rows, keeping the rows they share a key with', async () => {
    const { dir, second } = await twoRuns({ first: { strategy: 'append' }, second: { strategy: 'append' } });
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toMatch(/OK incremental analytics\.events/);
    expect(await rows(dir)).toEqual([
      [1, 'a'],
      [2, 'B'],
      [2, 'b'],
      [3, 'c'],
    ]);
  });

  for (const strategy of ['merge', 'delete+insert']) {
    it(`${strategy} replaces the rows whose unique key comes again and adds the others`, async () => {
      const { dir, second } = await twoRuns({ first: { strategy }, second: { strategy } });
      expect(second.code, second.stdout).toBe(0);
      expect(await rows(dir)).toEqual([
        [1, 'a'],
        [2, 'B'],
        [3, 'c'],
      ]);
    });
  }

  it('on_schema_change fail stops on a new column and keeps the table as it was', async () => {
    const { dir, second } = await twoRuns({ first: { strategy: 'merge' }, second: { strategy: 'merge', extra: true } });
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('models/events.sql: events now has columns the table lacks (extra)');
    expect(await rows(dir)).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
  });

  it('on_schema_change fail stops on a column the model no longer has, instead of writing NULL into it', async () => {
    const { dir, second } = await twoRuns({ first: { strategy: 'merge', extra: true }, second: { strategy: 'merge' } });
    expect(second.code).toBe(1);
    expect(second.stdout).toContain('models/events.sql: events no longer has columns the table has (extra)');
    expect(await rows(dir)).toEqual([
      [1, 'a', 'x'],
      [2, 'b', 'x'],
    ]);
  });

  it('on_schema_change append_new_columns adds the column, NULL in the rows already there', async () => {
    const { dir, second } = await twoRuns({
      first: { strategy: 'merge', on_change: 'append_new_columns' },
      second: { strategy: 'merge', on_change: 'append_new_columns', extra: true },
    });
    expect(second.code, second.stdout).toBe(0);
    expect(await rows(dir)).toEqual([
      [1, 'a', null],
      [2, 'B', 'x'],
      [3, 'c', 'x'],
    ]);
  });

  it('--full-refresh rebuilds the table from the model alone', async () => {
    const { dir } = await twoRuns({ first: { strategy: 'append' }, second: { strategy: 'append' } });
    const refresh = await cli(
      ['run', '--full-refresh', '--vars', JSON.stringify({ rows: "(7, 'z')", strategy: 'append' })],
      { cwd: dir },
    );
    expect(refresh.code, refresh.stdout).toBe(0);
    expect(await rows(dir)).toEqual([[7, 'z']]);
  });
});

describe('replace_keys on DuckDB', () => {
  // `tally` redoes the ids from 2 on and every id that left `raw`; the keys come from a macro, as a config value.
  const FILES = {
    'models/raw.sql': "select * from (values {{ var('rows') }}) as t(id, val)",
    'macros/redo.sql':
      "{% macro ids_to_redo() %}select id from {{ ref('raw') }} where id >= 2 union select id from {{ this }} where id not in (select id from {{ ref('raw') }}){% endmacro %}",
    'models/tally.sql': `{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['id'], replace_keys=ids_to_redo()) }}
select id, val from {{ ref('raw') }}
{% if is_incremental() %}where id in (select id from {{ incremental_replaced_keys() }}){% endif %}`,
  };

  it('refuses incremental_replaced_keys() outside is_incremental(), where a first build stages nothing', async () => {
    const dir = fixtureProject({
      ...FILES,
      'models/tally.sql': FILES['models/tally.sql'].replace('{% if is_incremental() %}', '').replace('{% endif %}', ''),
    });
    const first = await cli(['run', '--vars', JSON.stringify({ rows: "(1, 'a')" })], { cwd: dir });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain(
      'models/tally.sql: tally uses incremental_replaced_keys() where the whole table is built (a first build, --full-refresh, a table or a view), so nothing is staged.',
    );
  });

  it('replaces the rows of every key it names, deleting those that have no new row, and compiles to SQL that runs alone', async () => {
    const dir = fixtureProject(FILES);
    const first = await cli(['run', '--vars', JSON.stringify({ rows: "(1, 'a'), (2, 'b'), (3, 'c')" })], { cwd: dir });
    expect(first.code, first.stdout).toBe(0);
    const second = await cli(['run', '--vars', JSON.stringify({ rows: "(1, 'z'), (2, 'B')" })], { cwd: dir });
    expect(second.code, second.stdout).toBe(0);
    // 1 is not redone (its new value is not taken), 2 is replaced, 3 left raw and is deleted although it has no new row.
    const adapter = await DuckDbAdapter.open({ path: 'target/fixture.duckdb', settings: {} }, dir);
    try {
      expect(
        (await adapter.query('select id, val from analytics.tally order by id')).map((r) => Object.values(r)),
      ).toEqual([
        [1, 'a'],
        [2, 'B'],
      ]);
      const compiled = readFileSync(path.join(dir, 'target/compiled/models/tally.sql'), 'utf8');
      expect(compiled).not.toContain('__stedi_');
      expect((await adapter.query(`${compiled} order by id`)).map((r) => Object.values(r))).toEqual([[2, 'B']]);
    } finally {
      await adapter.close();
    }
  });
});

describe('the incremental parts of a model are compiled like its SQL', () => {
  it('stops on a ref() to no model in replace_where, naming the model, instead of running without the condition', async () => {
    const dir = fixtureProject({
      'models/raw.sql': "select * from (values {{ var('rows') }}) as t(id, val)",
      'models/events.sql': `{{ config(materialized='incremental', incremental_strategy='replace_where', replace_where="id >= (select min(id) from {{ ref('no_such_model') if is_incremental() else ref('raw') }})") }}
select id, val from {{ ref('raw') }}`,
    });
    const first = await cli(['run', '--vars', JSON.stringify({ rows: "(1, 'a')" })], { cwd: dir });
    expect(first.code, first.stdout).toBe(0);
    const second = await cli(['run', '--vars', JSON.stringify({ rows: "(2, 'b')" })], { cwd: dir });
    expect(second.code, second.stdout).not.toBe(0);
    expect(second.stdout + second.stderr).toContain(
      "models/events.sql: ref('no_such_model') matches nothing in the project.",
    );
  });
});
