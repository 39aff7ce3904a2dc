import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { athenaCapabilities, athenaDialect } from '../../src/adapters/athena/athena-dialect.js';
import type { RelationType } from '../../src/core/statement.js';
import { planIncremental } from '../../src/materialize/plan-incremental.js';
import { SchemaChangeError, type IncrementalInput } from '../../src/materialize/incremental-input.js';
import { findStagedLeftovers } from '../../src/materialize/plan-incremental-iceberg.js';
import { athenaSyntaxProblems } from '../athena/athena-grammar.js';

const dialect = athenaDialect({ dataDir: 's3://lake/zones/', writeCompression: 'ZSTD' });
const READING = [
  { name: 'user', type: 'string' },
  { name: 'timestamp', type: 'bigint' },
  { name: 'x', type: 'double' },
];
const LOCATION =
  "table_type = 'ICEBERG', is_external = false, location = 's3://lake/zones/stedi/readings__stedi_new_n1/n1/', format = 'PARQUET', write_compression = 'ZSTD'";

function plan(extra: Partial<IncrementalInput> = {}) {
  return planIncremental({
    name: 'readings',
    filePath: 'models/readings.sql',
    relation: { schema: 'stedi', identifier: 'readings' },
    selectSql: 'select "user", "timestamp", x from "stedi"."landing"',
    strategy: 'delete+insert',
    uniqueKey: ['user', 'timestamp'],
    onSchemaChange: 'fail',
    tableColumns: READING,
    newColumns: READING,
    postHooks: [],
    catalog: new Map<string, RelationType>([['readings', 'table']]),
    dialect,
    capabilities: athenaCapabilities,
    newId: () => 'n1',
    ...extra,
  });
}

describe('adding rows to an Iceberg table on Athena (no transactions, one commit per statement)', () => {
  it('stages the new rows, then replaces the rows of their keys in one MERGE, then drops the staged table', () => {
    expect(plan({ postHooks: ['delete from "stedi"."readings" where x < 0'] })).toEqual([
      {
        sql: `create table "stedi"."readings__stedi_new_n1" with (${LOCATION}) as\nselect "user", "timestamp", x from "stedi"."landing"`,
        purpose: 'stage the new rows of readings',
        reportsRows: true,
        retryable: false,
        location: 's3://lake/zones/stedi/readings__stedi_new_n1/n1/',
      },
      {
        sql: [
          'merge into "stedi"."readings" as t',
          'using (',
          '    select n."user", n."timestamp", n."x", false as "__stedi_replaces" from "stedi"."readings__stedi_new_n1" as n',
          '    union all',
          '    select distinct n."user", n."timestamp", null, true from "stedi"."readings__stedi_new_n1" as n',
          ') as s',
          'on s."__stedi_replaces" and s."user" = t."user" and s."timestamp" = t."timestamp"',
          'when matched then delete',
          'when not matched and not s."__stedi_replaces" then insert ("user", "timestamp", "x") values (s."user", s."timestamp", s."x")',
        ].join('\n'),
        purpose: 'replace the rows of readings whose unique key the new rows carry',
      },
      { sql: 'delete from "stedi"."readings" where x < 0', purpose: 'run post-hook 1 of readings' },
      { sql: 'drop table if exists `stedi`.`readings__stedi_new_n1`', purpose: 'drop the staged rows of readings' },
    ]);
  });

  it('plans merge like delete+insert: a key with several new rows replaces all rows of that key', () => {
    expect(plan({ strategy: 'merge' })).toEqual(plan());
  });

  it('appends with one INSERT straight from the model: nothing staged, nothing to leave behind', () => {
    expect(plan({ strategy: 'append', uniqueKey: undefined })).toEqual([
      {
        sql: 'insert into "stedi"."readings" ("user", "timestamp", "x")\nselect "user", "timestamp", "x" from (\nselect "user", "timestamp", x from "stedi"."landing"\n) as n',
        purpose: 'insert the new rows into readings',
        reportsRows: true,
      },
    ]);
  });

  it('replaces the rows meeting replace_where by DELETE then INSERT of the staged rows', () => {
    const statements = plan({ strategy: 'replace_where', uniqueKey: undefined, replaceWhere: '"timestamp" >= 100' });
    expect(statements.map((s) => s.sql.split('\n')[0])).toEqual([
      'create table "stedi"."readings__stedi_new_n1" with (' + LOCATION + ') as',
      'delete from "stedi"."readings"',
      'insert into "stedi"."readings" ("user", "timestamp", "x")',
      'drop table if exists `stedi`.`readings__stedi_new_n1`',
    ]);
    expect(statements[1]!.sql).toBe('delete from "stedi"."readings"\nwhere "timestamp" >= 100');
    expect(statements[2]!.sql).toBe(
      'insert into "stedi"."readings" ("user", "timestamp", "x")\nselect "user", "timestamp", "x" from "stedi"."readings__stedi_new_n1"',
    );
  });

  it("first drops what an interrupted run left: staged tables and a swap's __tmp_/__bkp_ tables", () => {
    const catalog = new Map<string, RelationType>([
      ['readings', 'table'],
      ['readings__stedi_new_0a0a', 'table'],
      ['readings__bkp_0b0b', 'table'],
      ['readings_other__stedi_new_0c0c', 'table'],
    ]);
    expect(findStagedLeftovers('readings', catalog)).toEqual(['readings__stedi_new_0a0a']);
    expect(
      plan({ catalog })
        .slice(0, 3)
        .map((s) => s.sql.split('\n')[0]),
    ).toEqual([
      'drop table if exists `stedi`.`readings__bkp_0b0b`',
      'drop table if exists `stedi`.`readings__stedi_new_0a0a`',
      `create table "stedi"."readings__stedi_new_n1" with (${LOCATION}) as`,
    ]);
  });

  it('adds new columns with Hive DDL before writing, when on_schema_change says so', () => {
    const newColumns = [...READING, { name: 'z', type: 'double' }];
    expect(() => plan({ newColumns })).toThrow(SchemaChangeError);
    const statements = plan({ newColumns, onSchemaChange: 'append_new_columns' });
    expect(statements[1]).toEqual({
      sql: 'alter table `stedi`.`readings` add columns (`z` double)',
      purpose: 'add column z to readings',
    });
    expect(statements[2]!.sql).toContain('insert ("user", "timestamp", "x", "z")');
    const ignored = plan({ newColumns, onSchemaChange: 'ignore' });
    expect(ignored[1]!.sql).toContain('insert ("user", "timestamp", "x")');
  });

  // Athena's query metadata names complex types by kind alone ('array'), which Hive DDL cannot declare; its bytes
  // type is varbinary where DDL says binary (mapped when columns are described).
  it('refuses to add a column whose full type Athena does not report (array, map, row), naming it and the fix', () => {
    const newColumns = [...READING, { name: 'tags', type: 'array' }, { name: 'z', type: 'double' }];
    expect(() => plan({ newColumns, onSchemaChange: 'append_new_columns' })).toThrow(
      /models\/readings.sql: readings adds tags \(array\) to its table, and Athena reports only the kind of such a column.*--full-refresh/,
    );
    // Left out of the table, it needs no declaration.
    expect(plan({ newColumns, onSchemaChange: 'ignore' }).some((s) => s.sql.includes('tags'))).toBe(false);
  });

  it('refuses a unique_key that is not a column of the new rows, naming the file', () => {
    expect(() => plan({ uniqueKey: ['email'] })).toThrow(
      /models\/readings.sql: readings's unique_key email is not a column/,
    );
  });

  it('writes statements that Athena parses: Trino for CTAS, MERGE, DELETE and INSERT; Hive for DROP and ALTER', () => {
    const newColumns = [...READING, { name: 'z', type: 'double' }];
    const catalog = new Map<string, RelationType>([
      ['readings', 'table'],
      ['readings__stedi_new_0a0a', 'table'],
    ]);
    for (const strategy of ['append', 'delete+insert', 'merge', 'replace_where'] as const) {
      for (const s of plan({
        strategy,
        replaceWhere: '"timestamp" in (select t from "stedi"."changed")',
        newColumns,
        onSchemaChange: 'append_new_columns',
        catalog,
      })) {
        expect(athenaSyntaxProblems(s.sql), s.sql).toEqual([]);
      }
    }
  });

  it('keeps every new row of a key and removes every old row of it, with each table row matching one source row', async () => {
    // DuckDB runs the same MERGE text; Athena additionally fails when a table row matches two source rows, which the
    // one marker row per key rules out (checked below with the MERGE's own source and ON condition).
    const merge = plan()[1]!.sql;
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    const rows = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson();
    await rows('create schema stedi; create table stedi.readings ("user" varchar, "timestamp" bigint, x double)');
    await rows("insert into stedi.readings values ('ann', 1, 1), ('ann', 1, 2), ('ann', 2, 3), ('bob', 1, 4)");
    await rows(
      "create table stedi.readings__stedi_new_n1 as select * from (values ('ann', 1, 10.0), ('ann', 1, 11.0), ('ann', 1, 12.0), ('cat', 5, 13.0)) as v(\"user\", \"timestamp\", x)",
    );
    const source = /using \(([\s\S]*)\) as s\non ([^\n]*)/.exec(merge)!;
    const matches = await rows(
      `select count(*) as n from stedi.readings as t join (${source[1]}) as s on ${source[2]} group by t."user", t."timestamp", t.x`,
    );
    expect(matches.map((m) => Number(m.n))).toEqual([1, 1]);
    await rows(merge);
    expect(await rows('select "user", "timestamp", x from stedi.readings order by all')).toEqual([
      { user: 'ann', timestamp: '1', x: 10 },
      { user: 'ann', timestamp: '1', x: 11 },
      { user: 'ann', timestamp: '1', x: 12 },
      { user: 'ann', timestamp: '2', x: 3 },
      { user: 'bob', timestamp: '1', x: 4 },
      { user: 'cat', timestamp: '5', x: 13 },
    ]);
    connection.closeSync();
  });
});
