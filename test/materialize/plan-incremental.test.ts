import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { athenaCapabilities, athenaDialect } from '../../src/adapters/athena/athena-dialect.js';
import type { AdapterCapabilities } from '../../src/adapters/adapter.js';
import type { RelationType } from '../../src/core/statement.js';
import { duckDbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import { planIncremental } from '../../src/materialize/plan-incremental.js';
import { IncrementalConfigError, type IncrementalInput } from '../../src/materialize/incremental-input.js';
import { newRenderScope, TemplateEngine } from '../../src/templating/template-engine.js';
import { INCREMENTAL_NEW_ROWS, INCREMENTAL_REPLACED_KEYS } from '../../src/templating/incremental-new-rows.js';
import { findStagedLeftovers } from '../../src/materialize/plan-incremental-iceberg.js';
import { athenaSyntaxProblems } from '../athena/athena-grammar.js';

const DUCKDB: AdapterCapabilities = { transactionalDdl: true, externalSources: 'loaded-table', renameTable: true };
const READING = [
  { name: 'instant', type: 'BIGINT' },
  { name: 'v', type: 'INTEGER' },
];
const CONDITION = `instant in (select instant from ${INCREMENTAL_NEW_ROWS}) or instant < 0`;

function plan(extra: Partial<IncrementalInput> = {}) {
  return planIncremental({
    name: 'pairs',
    filePath: 'models/pairs.sql',
    relation: { schema: 'main', identifier: 'pairs' },
    selectSql: 'select instant, v from main.changed',
    strategy: 'replace_where',
    replaceWhere: CONDITION,
    onSchemaChange: 'fail',
    tableColumns: READING,
    newColumns: READING,
    postHooks: [],
    catalog: new Map<string, RelationType>([['pairs', 'table']]),
    dialect: duckDbDialect,
    capabilities: DUCKDB,
    newId: () => 'n1',
    ...extra,
  });
}

describe('replace_where naming the new rows with incremental_new_rows()', () => {
  it('renders incremental_new_rows() as the stand-in that the planner resolves', () => {
    const engine = new TemplateEngine({
      macroFiles: [],
      vars: {},
      env: {},
      target: { type: 'duckdb', name: 'dev', schema: 'main', threads: 1 },
      quoteString: (s) => `'${s}'`,
      quoteIdentifier: (s) => `"${s}"`,
    });
    const scope = newRenderScope('compile', 'models/pairs.sql');
    expect(engine.renderString('instant in (select instant from {{ incremental_new_rows() }})', scope)).toBe(
      `instant in (select instant from ${INCREMENTAL_NEW_ROWS})`,
    );
    expect(scope.problems).toEqual([]);
  });

  it('deletes by the staged rows on DuckDB: the rows at their keys and those the rest of the condition names', async () => {
    const statements = plan();
    const remove = statements.find((s) => s.purpose.startsWith('delete the rows'))!;
    expect(remove.sql).toBe(
      'delete from "main"."pairs" where instant in (select instant from "pairs__stedi_new_n1") or instant < 0',
    );
    // Run on a table: the row at a key of the new rows and the one meeting the rest go; the others stay.
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    await connection.run(
      'create table main.pairs (instant bigint, v integer); insert into main.pairs values (1, 10), (2, 20), (-1, 30), (3, 40)',
    );
    await connection.run(
      'create table main.changed as select * from (values (2, 21), (2, 22), (5, 50)) as c(instant, v)',
    );
    for (const s of statements) await connection.run(s.sql);
    const rows = (await connection.runAndReadAll('select instant, v from main.pairs order by instant, v')).getRowsJS();
    expect(rows).toEqual([
      [1n, 10],
      [2n, 21],
      [2n, 22],
      [3n, 40],
      [5n, 50],
    ]);
  });

  it('deletes by the staged table on Athena, in Trino syntax', () => {
    const dialect = athenaDialect({ dataDir: 's3://lake/zones/', writeCompression: 'ZSTD' });
    const statements = plan({
      dialect,
      capabilities: athenaCapabilities,
      relation: { schema: 'stedi', identifier: 'pairs' },
    });
    const remove = statements.find((s) => s.purpose.startsWith('delete the rows'))!;
    expect(remove.sql).toBe(
      'delete from "stedi"."pairs"\nwhere instant in (select instant from "stedi"."pairs__stedi_new_n1") or instant < 0',
    );
    expect(athenaSyntaxProblems(remove.sql)).toEqual([]);
  });

  it('refuses incremental_new_rows() in the model query or a post-hook, where no new rows are staged yet', () => {
    expect(() => plan({ selectSql: `select instant, v from ${INCREMENTAL_NEW_ROWS}` })).toThrow(
      /models\/pairs.sql: pairs uses incremental_new_rows\(\) outside replace_where/,
    );
    expect(() =>
      plan({ postHooks: [`delete from main.pairs where instant in (select instant from ${INCREMENTAL_NEW_ROWS})`] }),
    ).toThrow(/outside replace_where/);
  });
});

describe('replace_keys: keys to replace beside those the new rows carry', () => {
  const KEYS = 'select gone from main.gone union all select instant from main.changed';
  const keyed = (extra: Partial<IncrementalInput> = {}) =>
    plan({
      strategy: 'delete+insert',
      uniqueKey: ['instant'],
      replaceWhere: undefined,
      replaceKeys: KEYS,
      selectSql: `select instant, v from main.changed where instant in (select instant from ${INCREMENTAL_REPLACED_KEYS})`,
      ...extra,
    });

  it('stages the keys first, lets the model read them, and deletes every row at a staged key on DuckDB', async () => {
    const statements = keyed();
    expect(statements.map((s) => s.purpose)).toEqual([
      'start adding to pairs',
      'stage the keys that replace_keys names for pairs',
      'stage the new rows of pairs',
      'delete the rows of pairs whose key replace_keys names',
      'delete the rows of pairs that the new rows replace',
      'insert the new rows into pairs',
      'drop the staged rows',
      'drop the staged keys',
      'publish pairs',
    ]);
    expect(statements[2]!.sql).toContain('where instant in (select instant from "pairs__stedi_keys_n1")');
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    // 4 went away (a key with no new row: only deleted), 2 changed, 1 and 3 stay; the keys query names 4 as `gone`.
    await connection.run(
      'create table main.pairs (instant bigint, v integer); insert into main.pairs values (1, 10), (2, 20), (3, 30), (4, 40)',
    );
    await connection.run(
      'create table main.gone as select 4 as gone; create table main.changed as select * from (values (2, 21), (2, 22), (5, 50)) as c(instant, v)',
    );
    for (const s of statements) await connection.run(s.sql);
    expect((await connection.runAndReadAll('select instant, v from main.pairs order by all')).getRowsJS()).toEqual([
      [1n, 10],
      [2n, 21],
      [2n, 22],
      [3n, 30],
      [5n, 50],
    ]);
    expect(
      (
        await connection.runAndReadAll("select count(*) from duckdb_tables() where table_name like 'pairs__stedi_%'")
      ).getRowsJS(),
    ).toEqual([[0n]]);
  });

  it('stages the keys on Athena as a table the next run would drop, and replaces their rows in the one MERGE', () => {
    const dialect = athenaDialect({ dataDir: 's3://lake/zones/', writeCompression: 'ZSTD' });
    const statements = keyed({
      dialect,
      capabilities: athenaCapabilities,
      relation: { schema: 'stedi', identifier: 'pairs' },
      postHooks: [
        `delete from "stedi"."pairs" where instant in (select instant from ${INCREMENTAL_REPLACED_KEYS}) and v < 0`,
      ],
    });
    expect(statements.map((s) => s.sql.split('\n')[0])).toEqual([
      expect.stringMatching(
        /^create table "stedi"."pairs__stedi_new_n1k" with \(.*location = 's3:\/\/lake\/zones\/stedi\/pairs__stedi_new_n1k\/n1k\/'/,
      ),
      expect.stringMatching(/^create table "stedi"."pairs__stedi_new_n1" with/),
      'merge into "stedi"."pairs" as t',
      'delete from "stedi"."pairs" where instant in (select instant from "stedi"."pairs__stedi_new_n1k") and v < 0',
      'drop table if exists `stedi`.`pairs__stedi_new_n1`',
      'drop table if exists `stedi`.`pairs__stedi_new_n1k`',
    ]);
    expect(statements[2]!.sql).toContain(
      'from (select "instant" from "stedi"."pairs__stedi_new_n1" union select "instant" from "stedi"."pairs__stedi_new_n1k") as n',
    );
    for (const s of statements) expect(athenaSyntaxProblems(s.sql), s.sql).toEqual([]);
    expect(findStagedLeftovers('pairs', new Map([['pairs__stedi_new_n1k', 'table']]))).toEqual([
      'pairs__stedi_new_n1k',
    ]);
  });

  it('matches a key of several columns by position, whatever the query names them', async () => {
    const statements = keyed({
      uniqueKey: ['instant', 'v'],
      replaceKeys: 'select t, w from main.gone',
      selectSql: `select instant, v from main.changed where (instant, v) in (select instant, v from ${INCREMENTAL_REPLACED_KEYS})`,
    });
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    // (1, 10) is named and has no new row: deleted. (1, 11) is not named: kept. (2, 20) is named and comes again.
    await connection.run(
      'create table main.pairs (instant bigint, v integer); insert into main.pairs values (1, 10), (1, 11), (2, 20)',
    );
    await connection.run(
      'create table main.gone as select * from (values (1, 10), (2, 20)) as g(t, w); create table main.changed as select * from (values (2, 20), (3, 30)) as c(instant, v)',
    );
    for (const s of statements) await connection.run(s.sql);
    expect((await connection.runAndReadAll('select instant, v from main.pairs order by all')).getRowsJS()).toEqual([
      [1n, 11],
      [2n, 20],
    ]);
  });

  it('refuses replace_keys where nothing is replaced by key, and incremental_replaced_keys() without replace_keys', () => {
    expect(() => keyed({ strategy: 'append' })).toThrow(IncrementalConfigError);
    expect(() => keyed({ strategy: 'append' })).toThrow(
      /models\/pairs.sql: pairs sets replace_keys, which only merge and delete\+insert use/,
    );
    expect(() => keyed({ strategy: 'replace_where', replaceWhere: 'instant < 0' })).toThrow(/sets replace_keys/);
    expect(() => keyed({ replaceKeys: undefined })).toThrow(
      /models\/pairs.sql: pairs uses incremental_replaced_keys\(\) but sets no replace_keys/,
    );
    expect(() => keyed({ replaceKeys: `select instant from ${INCREMENTAL_NEW_ROWS}` })).toThrow(
      /do not exist yet when it runs/,
    );
  });
});
