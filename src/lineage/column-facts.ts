import type { ColumnRef } from '../core/column-lineage.js';
import { columnReach } from './column-paths.js';
import { identifierStatusOf, type IdentifierPattern } from './identifier-columns.js';
import type { ProjectLineage } from './project-lineage.js';

/** What the docs site shows of one column: where it comes from, whether it carries an identifier, its path. */
export interface ColumnFacts {
  /** The parent columns it is computed from (one step up), pseudonymised ones marked. */
  upstream: Array<ColumnRef & { pseudonymised: boolean }>;
  /** `relation.column ← … ← source.column (why)` when it carries an identifier, else null. */
  identifier: string | null;
  /** The nodes and node edges (`from>to`) on its paths down to the sources, for highlighting in the lineage graph. */
  pathNodes: string[];
  pathEdges: string[];
}

/**
 * The facts of every column of the traced models and of the source and seed columns they read, by node id and
 * column name (lower case). Identifiers are decided as the identifier_free check decides them.
 */
export function columnFacts(
  lineage: ProjectLineage,
  patterns: readonly IdentifierPattern[],
): Record<string, Record<string, ColumnFacts>> {
  const { graph } = lineage.context;
  const statusOf = identifierStatusOf(lineage, patterns);
  const facts: Record<string, Record<string, ColumnFacts>> = {};
  const nameOf = (r: ColumnRef) => `${graph.nodes.get(r.node)?.name ?? r.node}.${r.column}`;
  const add = (ref: ColumnRef, upstream: ColumnFacts['upstream']) => {
    const status = statusOf(ref);
    const reach = columnReach(lineage, ref, 'upstream');
    const edges = reach.paths.flatMap((p) => p.slice(1).map((step, i) => `${step.node}>${p[i]!.node}`));
    (facts[ref.node] ??= {})[ref.column.toLowerCase()] = {
      upstream,
      identifier:
        status.kind === 'identifier'
          ? `${status.path.map(nameOf).join(' ← ')} (${status.pattern.reason || status.pattern.pattern})`
          : null,
      pathNodes: [...new Set([ref.node, ...reach.columns.map((c) => c.node)])],
      pathEdges: [...new Set(edges)],
    };
  };
  for (const [node, model] of lineage.models) {
    for (const column of model.columns) {
      add({ node, column: column.name }, column.derivedFrom);
      for (const origin of column.derivedFrom)
        if (!lineage.models.has(origin.node) && !facts[origin.node]?.[origin.column.toLowerCase()])
          add({ node: origin.node, column: origin.column }, []);
    }
  }
  // Landing columns no model reads still carry their identifier badge.
  for (const node of graph.nodes.values()) {
    if (node.kind !== 'source') continue;
    for (const name of node.external?.columns.map((c) => c.name) ?? node.columns.map((c) => c.name))
      if (!facts[node.uniqueId]?.[name.toLowerCase()]) add({ node: node.uniqueId, column: name }, []);
  }
  return facts;
}
