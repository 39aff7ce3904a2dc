import type { ColumnRef } from '../core/column-lineage.js';
import type { ProjectLineage } from './project-lineage.js';

/** The columns one column reaches through lineage, nearest first, each path from the start to a column with no further step. */
export interface ColumnReach {
  columns: ColumnRef[];
  paths: ColumnRef[][];
  /** Columns on the way whose lineage is (partly) unknown, with why. */
  unknown: Array<{ column: ColumnRef; reason: string }>;
}

const keyOf = (r: ColumnRef) => `${r.node}\u0000${r.column.toLowerCase()}`;

/** The edges of "derived from", upstream (a column to the parent columns it is computed from) or downstream. */
function edgesOf(lineage: ProjectLineage, direction: 'upstream' | 'downstream'): Map<string, ColumnRef[]> {
  const edges = new Map<string, ColumnRef[]>();
  const add = (from: ColumnRef, to: ColumnRef) => edges.set(keyOf(from), [...(edges.get(keyOf(from)) ?? []), to]);
  for (const [node, model] of lineage.models) {
    for (const column of model.columns) {
      const self = { node, column: column.name };
      for (const o of column.derivedFrom) {
        const parent = { node: o.node, column: o.column };
        if (direction === 'upstream') add(self, parent);
        else add(parent, self);
      }
    }
  }
  return edges;
}

/** Every column a column derives from (upstream) or that derives from it (downstream), transitively, with the paths. */
export function columnReach(
  lineage: ProjectLineage,
  start: ColumnRef,
  direction: 'upstream' | 'downstream',
): ColumnReach {
  const edges = edgesOf(lineage, direction);
  const seen = new Set([keyOf(start)]);
  const columns: ColumnRef[] = [];
  const paths: ColumnRef[][] = [];
  const unknown: ColumnReach['unknown'] = [];
  const unknownOf = (ref: ColumnRef) => {
    const model = lineage.models.get(ref.node);
    if (!model || direction === 'downstream') return undefined;
    if (model.unknownColumns) return model.unknownColumns;
    return model.columns.find((c) => c.name.toLowerCase() === ref.column.toLowerCase())?.unknown;
  };
  // Breadth first: nearer columns are listed before farther ones; a path ends where a column has no next step.
  let frontier: ColumnRef[][] = [[start]];
  while (frontier.length > 0) {
    const next: ColumnRef[][] = [];
    for (const path of frontier) {
      const last = path.at(-1)!;
      const reason = unknownOf(last);
      if (reason) unknown.push({ column: last, reason });
      const steps = (edges.get(keyOf(last)) ?? []).filter((s) => !path.some((p) => keyOf(p) === keyOf(s)));
      if (steps.length === 0 && path.length > 1) paths.push(path);
      for (const step of steps) {
        if (!seen.has(keyOf(step))) {
          seen.add(keyOf(step));
          columns.push(step);
        }
        next.push([...path, step]);
      }
    }
    frontier = next;
  }
  return { columns, paths, unknown };
}
