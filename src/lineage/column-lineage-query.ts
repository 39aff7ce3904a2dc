import { ProjectError } from '../errors.js';
import type { ProjectGraph } from '../compile/compile-project.js';
import { columnReach } from './column-paths.js';
import type { ColumnRef } from '../core/column-lineage.js';
import { computeLineage } from './project-lineage.js';

/** What `stedi-models lineage` prints for one column: the columns it reaches, the paths there, what is unknown. */
export interface ColumnLineageAnswer {
  column: string;
  direction: 'upstream' | 'downstream';
  columns: string[];
  paths: string[][];
  /** The columns that only filter or join the asked column's rows (upstream only; not followed further). */
  filteredBy: string[];
  unknown: Array<{ column: string; reason: string }>;
}

/** A column named `relation.column` (a model, source or seed name), checked against the project. */
function columnNamed(context: ProjectGraph, written: string): ColumnRef {
  const dot = written.lastIndexOf('.');
  const relation = written.slice(0, dot);
  const column = written.slice(dot + 1);
  const nodes = [...context.graph.nodes.values()].filter(
    (n) => (n.kind === 'model' || n.kind === 'source' || n.kind === 'seed') && n.name === relation,
  );
  if (dot <= 0 || !column || nodes.length !== 1) {
    const why =
      nodes.length > 1
        ? `${relation} names ${nodes.length} relations`
        : `no model, source or seed is named '${relation}'`;
    throw new ProjectError(
      `lineage ${written}: ${dot <= 0 ? 'expected <relation>.<column>' : why}. Name a column as <relation>.<column>, e.g. machine_learning_curated.x (stedi-models ls lists the relations).`,
    );
  }
  return { node: nodes[0]!.uniqueId, column };
}

/** The lineage of one column, upstream down to the sources or downstream to every model it feeds. */
export async function columnLineageAnswer(
  context: ProjectGraph,
  written: string,
  direction: 'upstream' | 'downstream',
): Promise<ColumnLineageAnswer> {
  const start = columnNamed(context, written);
  const models = direction === 'upstream' ? [start.node] : [...context.graph.descendants(start.node)];
  const lineage = await computeLineage(context, models);
  const name = (r: ColumnRef) => `${context.graph.nodes.get(r.node)!.name}.${r.column}`;
  const model = lineage.models.get(start.node);
  const own = model?.columns.find((c) => c.name.toLowerCase() === start.column.toLowerCase());
  const node = context.graph.nodes.get(start.node)!;
  const declared = node.kind === 'source' ? node.external?.columns.map((c) => c.name) : node.columns.map((c) => c.name);
  if (model && !model.unknownColumns && !own) {
    throw new ProjectError(
      `lineage ${written}: ${node.name} has no column '${start.column}'; its columns: ${model.columns.map((c) => c.name).join(', ')}.`,
    );
  }
  if (
    !model &&
    declared &&
    declared.length > 0 &&
    !declared.some((c) => c.toLowerCase() === start.column.toLowerCase())
  ) {
    throw new ProjectError(
      `lineage ${written}: ${node.name} declares no column '${start.column}'; its columns: ${declared.join(', ')}.`,
    );
  }
  const reach = columnReach(lineage, { node: start.node, column: own?.name ?? start.column }, direction);
  return {
    column: written,
    direction,
    columns: reach.columns.map(name),
    paths: reach.paths.map((p) => p.map(name)),
    filteredBy: direction === 'upstream' ? (own?.filteredBy ?? []).map(name) : [],
    unknown: reach.unknown.map((u) => ({ column: name(u.column), reason: u.reason })),
  };
}

/** The answer as text: one `relation.column` a line, then each path, what only filters, and what is unknown. */
export function lineageText(answer: ColumnLineageAnswer): string {
  const arrow = answer.direction === 'upstream' ? ' ← ' : ' → ';
  const lines = [...answer.columns];
  if (answer.columns.length === 0)
    lines.push(
      `(no ${answer.direction} column: ${answer.column} is ${answer.direction === 'upstream' ? 'computed from no column' : 'read by no model'})`,
    );
  lines.push('', ...answer.paths.map((p) => `path: ${p.join(arrow)}`));
  if (answer.filteredBy.length > 0)
    lines.push(`filtered or joined by (not derived from): ${answer.filteredBy.join(', ')}`);
  for (const u of answer.unknown) lines.push(`unknown: ${u.column} cannot be fully traced: ${u.reason}`);
  return `${lines.join('\n')}\n`;
}
