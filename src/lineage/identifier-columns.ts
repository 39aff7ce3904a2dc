import { parse } from 'csv-parse/sync';
import type { Graph } from '../graph/graph.js';
import type { ColumnRef } from '../core/column-lineage.js';
import type { ProjectLineage } from './project-lineage.js';

/**
 * The seed that declares what an identifier is: `pattern,reason` rows, each pattern a SQL LIKE pattern on column
 * names. The blocking `no_identifiers` test reads it on the built table; lineage reads it on the source columns, so
 * one list decides both.
 */
export const IDENTIFIER_SEED = 'identifier_columns';

/** A pattern of the identifier seed, with why a column it matches identifies a person. */
export interface IdentifierPattern {
  pattern: string;
  reason: string;
  matches: (column: string) => boolean;
}

/** A SQL LIKE pattern as a test of column names: % is any run of characters, _ one character, case ignored (as the test). */
export function likeMatcher(pattern: string): (column: string) => boolean {
  const body = [...pattern]
    .map((ch) => (ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${body}$`, 'i');
  return (column) => regex.test(column);
}

/** The patterns of the identifier seed, or undefined when the project has no such seed. */
export function identifierPatterns(graph: Graph): IdentifierPattern[] | undefined {
  const seed = [...graph.nodes.values()].find((n) => n.kind === 'seed' && n.name === IDENTIFIER_SEED);
  if (seed?.kind !== 'seed') return undefined;
  const rows = parse(seed.csvText, { bom: true, columns: true, skip_empty_lines: true }) as Array<
    Record<string, string>
  >;
  return rows
    .filter((row) => row.pattern)
    .map((row) => ({ pattern: row.pattern!, reason: row.reason ?? '', matches: likeMatcher(row.pattern!) }));
}

/** Whether a column carries an identifier, with the path of columns down to the landing column it comes from. */
export type IdentifierStatus =
  | { kind: 'clear' }
  | { kind: 'identifier'; path: ColumnRef[]; pattern: IdentifierPattern }
  | { kind: 'unknown'; path: ColumnRef[]; reason: string };

/**
 * Decides for any column whether it carries an identifier: a source or seed column whose name matches a pattern
 * does, and a model column does when it is derived from one that does, except through pseudonym(). Filtering or
 * joining by an identifier does not make a column one. A column that cannot be traced is 'unknown', never clear.
 */
export function identifierStatusOf(
  lineage: ProjectLineage,
  patterns: readonly IdentifierPattern[],
): (ref: ColumnRef) => IdentifierStatus {
  const { graph } = lineage.context;
  const memo = new Map<string, IdentifierStatus>();
  const status = (ref: ColumnRef): IdentifierStatus => {
    const key = `${ref.node}\u0000${ref.column.toLowerCase()}`;
    const known = memo.get(key);
    if (known) return known;
    memo.set(key, { kind: 'clear' }); // a column cannot derive from itself; this only guards the recursion
    const result = computed(ref);
    memo.set(key, result);
    return result;
  };
  const computed = (ref: ColumnRef): IdentifierStatus => {
    const node = graph.nodes.get(ref.node);
    if (node?.kind !== 'model') {
      const pattern = node?.name === IDENTIFIER_SEED ? undefined : patterns.find((p) => p.matches(ref.column));
      return pattern ? { kind: 'identifier', path: [ref], pattern } : { kind: 'clear' };
    }
    const model = lineage.models.get(ref.node);
    const column = model?.columns.find((c) => c.name.toLowerCase() === ref.column.toLowerCase());
    if (!column) {
      const reason = model?.unknownColumns ?? `${node.name} has no column ${ref.column} that can be traced`;
      return { kind: 'unknown', path: [ref], reason };
    }
    let unknown: IdentifierStatus | undefined;
    for (const origin of column.derivedFrom) {
      if (origin.pseudonymised) continue;
      const upstream = status(origin);
      if (upstream.kind === 'identifier') return { ...upstream, path: [ref, ...upstream.path] };
      if (upstream.kind === 'unknown') unknown ??= { ...upstream, path: [ref, ...upstream.path] };
    }
    if (column.unknown) return { kind: 'unknown', path: [ref], reason: column.unknown };
    return unknown ?? { kind: 'clear' };
  };
  return status;
}
