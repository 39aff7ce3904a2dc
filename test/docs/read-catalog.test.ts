import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/core/statement.js';
import { duckDbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import type { Node } from '../../src/core/nodes.js';
import { missingDatabaseFile, readCatalog } from '../../src/docs/read-catalog.js';
import { tempDir } from '../helpers/stedi-project.js';

const node = (uniqueId: string, identifier: string, database?: string) =>
  ({ uniqueId, relation: { schema: 'stedi', identifier, database } }) as unknown as Node;
const now = () => new Date('2026-01-02T00:00:00Z');

describe('reading the engine catalog', () => {
  it('groups columns by relation in table order, matching names without regard to case', async () => {
    const queries: string[] = [];
    const rows: Row[] = [
      {
        table_catalog: 'stedi',
        table_schema: 'stedi',
        table_name: 'ml',
        column_name: 'sensorreadingtime',
        data_type: 'BIGINT',
      },
      { table_catalog: 'stedi', table_schema: 'STEDI', table_name: 'ML', column_name: 'x', data_type: 'DOUBLE' },
      {
        table_catalog: 'other',
        table_schema: 'stedi',
        table_name: 'ml',
        column_name: 'from_another_database',
        data_type: 'INTEGER',
      },
      {
        table_catalog: 'stedi',
        table_schema: 'stedi',
        table_name: 'not_a_node',
        column_name: 'y',
        data_type: 'DOUBLE',
      },
    ];
    const adapter = { dialect: duckDbDialect, query: async (sql: string) => (queries.push(sql), rows) };
    const catalog = await readCatalog(
      adapter,
      [node('model.stedi.ml', 'ml', 'stedi'), node('model.stedi.unbuilt', 'unbuilt', 'stedi')],
      now,
    );
    expect(catalog).toEqual({
      generated_at: '2026-01-02T00:00:00.000Z',
      status: 'read',
      nodes: {
        'model.stedi.ml': {
          columns: [
            { name: 'sensorreadingtime', type: 'BIGINT' },
            { name: 'x', type: 'DOUBLE' },
          ],
        },
      },
    });
    expect(queries).toEqual([
      expect.stringContaining("from information_schema.columns where table_schema in ('stedi')"),
    ]);
  });

  it('counts the rows of each relation it found only where queries are free (not on Athena, which bills each one)', async () => {
    const columns: Row[] = [
      { table_catalog: 'stedi', table_schema: 'stedi', table_name: 'ml', column_name: 'x', data_type: 'DOUBLE' },
    ];
    const answer = (queries: string[]) => async (sql: string) => (
      queries.push(sql),
      sql.startsWith('select count(*)') ? [{ n: 43681 }] : columns
    );
    const local: string[] = [];
    const free = await readCatalog(
      { dialect: duckDbDialect, capabilities: { freeQueries: true }, query: answer(local) },
      [node('model.stedi.ml', 'ml', 'stedi'), node('model.stedi.unbuilt', 'unbuilt', 'stedi')],
      now,
    );
    expect(free.nodes).toEqual({ 'model.stedi.ml': { columns: [{ name: 'x', type: 'DOUBLE' }], rows: 43681 } });
    expect(local).toEqual([
      expect.stringContaining('information_schema.columns'),
      'select count(*) as n from "stedi"."stedi"."ml"',
    ]);
    const billed: string[] = [];
    const athena = await readCatalog(
      { dialect: duckDbDialect, capabilities: { freeQueries: false }, query: answer(billed) },
      [node('model.stedi.ml', 'ml', 'stedi')],
      now,
    );
    expect(athena.nodes['model.stedi.ml']!.rows).toBeUndefined();
    expect(billed).toHaveLength(1);
  });

  it('asks nothing when there is nothing to document', async () => {
    const adapter = { dialect: duckDbDialect, query: async () => expect.fail('no query expected') };
    expect((await readCatalog(adapter, [], now)).nodes).toEqual({});
  });

  it('knows a DuckDB file that does not exist yet, so docs do not create an empty one', () => {
    const dir = tempDir();
    const target = {
      type: 'duckdb',
      name: 'dev',
      path: 'target/stedi.duckdb',
      schema: 'stedi',
      threads: 1,
      settings: {},
    } as const;
    expect(missingDatabaseFile(target, dir)).toBe(`${dir}/target/stedi.duckdb`);
    expect(missingDatabaseFile({ ...target, path: ':memory:' }, dir)).toBeNull();
  });
});
