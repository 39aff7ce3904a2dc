import type { Adapter } from '../adapters/adapter.js';
import type { Node } from '../core/nodes.js';

/** The nodes whose relations do not exist on the engine now, asked of its catalog once per schema. */
export async function missingRelations(adapter: Adapter, nodes: readonly Node[]): Promise<Node[]> {
  const schemas = [...new Set(nodes.map((n) => n.relation.schema))];
  const catalogs = new Map(
    await Promise.all(schemas.map(async (schema) => [schema, await adapter.listRelations(schema)] as const)),
  );
  return nodes.filter((n) => !catalogs.get(n.relation.schema)!.has(n.relation.identifier.toLowerCase()));
}
