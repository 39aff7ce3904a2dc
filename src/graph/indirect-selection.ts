import type { Graph } from './graph.js';
import type { Node } from '../core/nodes.js';

/** dbt's `--indirect-selection` modes: which tests come along with the nodes a selector picks. */
export const INDIRECT_SELECTION_MODES = ['eager', 'cautious', 'buildable', 'empty'] as const;
export type IndirectSelection = (typeof INDIRECT_SELECTION_MODES)[number];

/**
 * What one part of a selector picked: `direct` is selected; `indirect` holds tests with a parent selected but not
 * all of them, kept aside in case another part of the expression selects the rest (cautious and buildable).
 */
export interface Picked {
  direct: Set<string>;
  indirect: Set<string>;
}

/** The parents of a test (data test or unit test), or undefined for a node that is not a test. */
function testParents(node: Node): readonly string[] | undefined {
  if (node.kind === 'data_test') return node.dependsOn;
  if (node.kind === 'unit_test') return [node.attachedTo];
  return undefined;
}

function within(ids: readonly string[], set: ReadonlySet<string>): boolean {
  return ids.every((id) => set.has(id));
}

/** The selected nodes with their parents (and, as dbt has it for buildable tests, every source). */
function selectedAndParents(graph: Graph, selected: ReadonlySet<string>, withSources: boolean): Set<string> {
  const result = new Set(selected);
  for (const id of selected) for (const parent of graph.ancestors(id)) result.add(parent);
  if (withSources) for (const node of graph.nodes.values()) if (node.kind === 'source') result.add(node.uniqueId);
  return result;
}

/**
 * The tests a set of selected nodes brings along, by dbt's rule: eager takes every test with a selected parent;
 * cautious only those whose parents are all selected; buildable also those whose other parents are upstream of the
 * selection (they will exist once it is built); empty takes none. The others are set aside as `indirect`.
 */
export function expandToTests(graph: Graph, selected: ReadonlySet<string>, mode: IndirectSelection): Picked {
  const picked: Picked = { direct: new Set(selected), indirect: new Set() };
  if (mode === 'empty') return picked;
  const buildable = mode === 'buildable' ? selectedAndParents(graph, selected, true) : undefined;
  for (const node of graph.nodes.values()) {
    const parents = testParents(node);
    if (!parents || selected.has(node.uniqueId) || !parents.some((p) => selected.has(p))) continue;
    const take = mode === 'eager' || within(parents, selected) || (buildable && within(parents, buildable));
    (take ? picked.direct : picked.indirect).add(node.uniqueId);
  }
  return picked;
}

/**
 * Combines the picks of an expression's parts (union, intersection or difference) as dbt does: the selected sets are
 * combined, and so are selected-or-set-aside; a test set aside is then taken once all its parents (cautious), or all
 * its parents not upstream of the combined selection (buildable), are selected.
 */
export function combinePicked(
  graph: Graph,
  parts: readonly Picked[],
  combine: (sets: ReadonlyArray<ReadonlySet<string>>) => Set<string>,
  mode: IndirectSelection,
): Picked {
  const direct = combine(parts.map((p) => p.direct));
  const indirect = combine(parts.map((p) => new Set([...p.direct, ...p.indirect])));
  if (mode === 'cautious' || mode === 'buildable') {
    const reach = mode === 'buildable' ? selectedAndParents(graph, direct, false) : new Set(direct);
    for (const id of indirect) {
      const node = graph.nodes.get(id);
      // dbt incorporates data tests only here: a unit test has one parent, so it was never set aside.
      if (node?.kind === 'data_test' && within(node.dependsOn, reach)) direct.add(id);
    }
  }
  return { direct, indirect };
}

/** Set operations for combinePicked. */
export const setOperations = {
  union: (sets: ReadonlyArray<ReadonlySet<string>>) => new Set(sets.flatMap((s) => [...s])),
  intersection: ([first, ...rest]: ReadonlyArray<ReadonlySet<string>>) =>
    new Set([...(first ?? [])].filter((id) => rest.every((s) => s.has(id)))),
  difference: ([first, ...rest]: ReadonlyArray<ReadonlySet<string>>) =>
    new Set([...(first ?? [])].filter((id) => !rest.some((s) => s.has(id)))),
};
