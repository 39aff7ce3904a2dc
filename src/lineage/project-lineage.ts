import { parse } from 'csv-parse/sync';
import { LINEAGE_ENGINE } from '../adapters/engines.js';
import { compileModelRecords, createTemplateEngine, type ProjectGraph } from '../compile/compile-project.js';
import type { Node } from '../core/nodes.js';
import { isEphemeral } from '../compile/ephemeral-models.js';
import { modelLineageOf, type ParentResolver, type ParentTable } from './column-lineage.js';
import type { ModelLineage } from '../core/column-lineage.js';

/** The column lineage of models by node id, with the graph it refers to. */
export interface ProjectLineage {
  context: ProjectGraph;
  models: ReadonlyMap<string, ModelLineage>;
}

/** The given models and every model upstream of them: a model's columns are known from its parents' lineage. */
function withUpstreamModels(context: ProjectGraph, ids: readonly string[]): string[] {
  const wanted = new Set<string>();
  const visit = (id: string) => {
    if (wanted.has(id) || context.graph.nodes.get(id)?.kind !== 'model') return;
    wanted.add(id);
    for (const parent of context.graph.parents.get(id) ?? []) visit(parent);
  };
  ids.forEach(visit);
  return context.graph.order.filter((id) => wanted.has(id));
}

/**
 * The nodes a model's SQL can read: its parents, and the parents of each ephemeral parent, whose query it holds as a
 * CTE (so a column is traced through the CTE to the table the ephemeral model reads).
 */
function readableParents(context: ProjectGraph, id: string): Set<string> {
  const parents = new Set<string>();
  const add = (parent: string) => {
    if (parents.has(parent)) return;
    parents.add(parent);
    const node = context.graph.nodes.get(parent);
    if (node && isEphemeral(node)) for (const grand of context.graph.parents.get(parent) ?? []) add(grand);
  };
  for (const parent of context.graph.parents.get(id) ?? []) add(parent);
  return parents;
}

/** The columns a source or seed declares (a seed: its CSV header); undefined when it declares none. */
function declaredColumns(node: Node): string[] | undefined {
  if (node.kind === 'source' && node.external) return node.external.columns.map((c) => c.name);
  if (node.kind === 'seed') {
    const [header] = parse(node.csvText, { bom: true, to_line: 1 }) as string[][];
    return header;
  }
  return node.columns.length > 0 ? node.columns.map((c) => c.name) : undefined;
}

/**
 * Computes the column lineage of the given models (and of the models upstream of them, which it needs) from their
 * SQL as DuckDB runs it, built whole: the lineage of what a model computes, not of one incremental step, whatever the
 * target. Loads DuckDB's parser; costs ≈ 0.7 ms per model (BENCHMARKS.md), so commands compute it only when needed.
 * `builtWhole` is SQL of models already rendered for the target with is_incremental() false, used when the target's
 * engine is the lineage engine.
 */
export async function computeLineage(
  context: ProjectGraph,
  ids: readonly string[],
  builtWhole?: ReadonlyMap<string, string>,
): Promise<ProjectLineage> {
  const order = withUpstreamModels(context, ids);
  // Rendering is most of a cold compile: SQL the caller already rendered the same way is not rendered again.
  const reusable = context.engine.definition.name === LINEAGE_ENGINE.info.definition.name ? builtWhole : undefined;
  const missing = order.filter((id) => !reusable?.has(id));
  const duckdb = {
    ...context,
    engine: LINEAGE_ENGINE.info,
    templates: missing.length > 0 ? createTemplateEngine(context.project, LINEAGE_ENGINE.info) : context.templates,
  };
  const compiled = compileModelRecords(duckdb, missing);
  const sqls = order.map((id) => reusable?.get(id) ?? compiled.get(id)!.sql);
  const trees = await LINEAGE_ENGINE.serialize(sqls);
  const byRelation = new Map<string, Node>();
  const byName = new Map<string, Node[]>();
  for (const node of context.graph.nodes.values()) {
    if (node.kind === 'data_test' || node.kind === 'unit_test') continue;
    byRelation.set(`${node.relation.schema}.${node.relation.identifier}`.toLowerCase(), node);
    byName.set(node.relation.identifier.toLowerCase(), [
      ...(byName.get(node.relation.identifier.toLowerCase()) ?? []),
      node,
    ]);
  }
  const models = new Map<string, ModelLineage>();
  const tableOf = (node: Node): ParentTable => {
    const lineage = models.get(node.uniqueId);
    const columns =
      node.kind === 'model'
        ? lineage && !lineage.unknownColumns
          ? lineage.columns.map((c) => c.name)
          : declaredColumns(node)
        : declaredColumns(node);
    return { node: node.uniqueId, columns };
  };
  order.forEach((id, i) => {
    const parents = readableParents(context, id);
    // Only a parent can be read: a table of another name (the model itself, a staging table) is not traced.
    const resolve: ParentResolver = (schema, table) => {
      const node = schema
        ? byRelation.get(`${schema}.${table}`.toLowerCase())
        : byName.get(table.toLowerCase())?.find((n) => parents.has(n.uniqueId));
      return node && parents.has(node.uniqueId) ? tableOf(node) : undefined;
    };
    models.set(id, modelLineageOf(JSON.parse(trees[i]!) as unknown, sqls[i]!, resolve));
  });
  return { context, models };
}
