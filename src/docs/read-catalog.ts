import { existsSync } from 'node:fs';
import type { Adapter, AdapterCapabilities } from '../adapters/adapter.js';
import type { Node } from '../core/nodes.js';
import { engineOf, type Target } from '../adapters/engines.js';
import type { Catalog, CatalogTable } from './docs-artifacts.js';

/**
 * The local database file a target would open, when it does not exist yet. Opening it would create an empty
 * database as a side effect of writing docs, so docs say "not built yet" instead. Only file-based engines have one.
 */
export function missingDatabaseFile(target: Target, projectDir: string): string | null {
  const database = engineOf(target).localDatabase?.(target, projectDir);
  if (!database || database.inMemory) return null;
  return existsSync(database.file) ? null : database.file;
}

const lower = (text: string | undefined) => text?.toLowerCase();

/**
 * Reads the columns of the given relations from the engine's `information_schema.columns` (DuckDB and Athena both
 * have it). A relation that is not there is left out: the site then shows its declared types and says why. Where
 * queries are free, each relation's rows are counted too: the last run's count is what that run wrote, which for an
 * incremental model (or a re-run with nothing new) is not what the table holds.
 */
export async function readCatalog(
  adapter: Pick<Adapter, 'query' | 'dialect'> & { capabilities?: Pick<AdapterCapabilities, 'freeQueries'> },
  nodes: readonly Node[],
  now = () => new Date(),
): Promise<Catalog> {
  const schemas = [...new Set(nodes.map((n) => n.relation.schema))];
  const byKey = new Map<string, Node[]>();
  for (const node of nodes) {
    const key = `${lower(node.relation.schema)}.${lower(node.relation.identifier)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), node]);
  }
  const catalog: Catalog = { generated_at: now().toISOString(), status: 'read', nodes: {} };
  if (schemas.length === 0) return catalog;
  const rows = await adapter.query(
    `select table_catalog, table_schema, table_name, column_name, data_type from information_schema.columns ` +
      `where table_schema in (${schemas.map((s) => adapter.dialect.quoteString(s)).join(', ')}) order by table_schema, table_name, ordinal_position`,
  );
  for (const row of rows) {
    const key = `${lower(String(row.table_schema))}.${lower(String(row.table_name))}`;
    for (const node of byKey.get(key) ?? []) {
      // DuckDB can attach several databases with the same schema names; keep only the node's own catalog.
      if (node.relation.database && lower(node.relation.database) !== lower(String(row.table_catalog))) continue;
      const table: CatalogTable = (catalog.nodes[node.uniqueId] ??= { columns: [] });
      table.columns.push({ name: String(row.column_name), type: String(row.data_type) });
    }
  }
  if (adapter.capabilities?.freeQueries) {
    for (const node of nodes) {
      const table = catalog.nodes[node.uniqueId];
      if (!table) continue;
      const [counted] = await adapter.query(`select count(*) as n from ${adapter.dialect.relation(node.relation)}`);
      table.rows = Number(counted?.n ?? 0);
    }
  }
  return catalog;
}

/** A catalog that could not be read, with the reason the site shows. */
export function unavailableCatalog(message: string, now = () => new Date()): Catalog {
  return { generated_at: now().toISOString(), status: 'unavailable', message, nodes: {} };
}
