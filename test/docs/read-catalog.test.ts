import { describe, expect, it } from 'vitest';
import type { Row } from '../../src/adapters/adapter.js';
import { duckDbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import type { Node } from '../../src/graph/nodes.js';
import { missingDatabaseFile, readCatalog } from '../../src/docs/read-catalog.js';
import { tempDir } from '../helpers/stedi-project.js';

const node = (uniqueId: string, identifier: string, database?: string) => ({ uniqueId, relation: { schema: 'stedi', identifier, database } }) as unknown as Node;
const now = () => new Date('2026-01-02T00:00:00Z');

describe('reading the engine catalog', () => {
  it('groups columns by relation in table order, matching names without regard to case', async () => {
    const queries: string[] = [];
    const rows: Row[] = [
      { table_catalog: 'stedi', table_schema: 'stedi', table_name: 'ml', column_name: 'sensorreadingtime', data_type: 'BIGINT' },
      { table_catalog: 'stedi', table_schema: 'STEDI', table_name: 'ML', column_name: 'x', data_type: 'DOUBLE' },
      { table_catalog: 'other', table_schema: 'stedi', table_name: 'ml', column_name: 'from_another_database', data_type: 'INTEGER' },
      { table_catalog: 'stedi', table_schema: 'stedi', table_name: 'not_a_node', column_name: 'y', data_type: 'DOUBLE' },
    ];
    const adapter = { dialect: duckDbDialect, query: async (sql: string) => (queries.push(sql), rows) };
    const catalog = await readCatalog(adapter, [node('model.stedi.ml', 'ml', 'stedi'), node('model.stedi.unbuilt', 'unbuilt', 'stedi')], now);
    expect(catalog).toEqual({
      generated_at: '2026-01-02T00:00:00.000Z',
      status: 'read',
      nodes: { 'model.stedi.ml': { columns: [{ name: 'sensorreadingtime', type: 'BIGINT' }, { name: 'x', type: 'DOUBLE' }] } },
    });
    expect(queries).toEqual([expect.stringContaining("from information_schema.columns where table_schema in ('stedi')")]);
  });

  it('asks nothing when there is nothing to document', async () => {
    const adapter = { dialect: duckDbDialect, query: async () => expect.fail('no query expected') };
    expect((await readCatalog(adapter, [], now)).nodes).toEqual({});
  });

  it('knows a DuckDB file that does not exist yet, so docs do not create an empty one', () => {
    const dir = tempDir();
    const target = { type: 'duckdb', name: 'dev', path: 'target/stedi.duckdb', schema: 'stedi', threads: 1, settings: {} } as const;
    expect(missingDatabaseFile(target, dir)).toBe(`${dir}/target/stedi.duckdb`);
    expect(missingDatabaseFile({ ...target, path: ':memory:' }, dir)).toBeNull();
  });
});
