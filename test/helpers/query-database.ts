import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';

/** Rows of a query against a DuckDB database file, opened for this query only (so a run after it can open the file). */
export async function queryDatabase(database: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const adapter = await DuckDbAdapter.open({ path: database, settings: {} }, '/');
  try {
    return await adapter.query(sql);
  } finally {
    await adapter.close();
  }
}
