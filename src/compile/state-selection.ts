import type { Adapter } from '../adapters/adapter.js';
import type { Node, Relation } from '../graph/nodes.js';
import type { SelectionOptions } from '../graph/selection.js';
import { nodeFingerprint, readState, StateError, type PreviousState } from '../graph/state.js';
import type { ProjectGraph } from './compile-project.js';

/** `--state` and `--defer` as given on the command line. */
export interface StateOptions {
  statePath?: string;
  defer?: boolean;
}

/** The catalog alias a deferred DuckDB state database is attached under. */
export const STATE_CATALOG = 'stedi_state';

/** Adds the previous invocation's state (from `--state`) to the selection options, for `state:` and `result:`. */
export function withState(context: ProjectGraph, selection: SelectionOptions, options: StateOptions): SelectionOptions & { previous?: PreviousState } {
  if (!options.statePath) {
    if (options.defer) throw new StateError('--defer needs --state <folder with the manifest.json of the target to defer to>.');
    return selection;
  }
  const previous = readState(options.statePath);
  return { ...selection, previous, state: { previous, fingerprint: (node: Node) => nodeFingerprint(node, context.project, context.templates) } };
}

/**
 * For `--defer`: refs to nodes that this invocation does not build read the state's relations instead. A DuckDB
 * state lives in another database file, which is attached read-only under its own catalog name.
 */
export async function deferTo(adapter: Adapter, previous: PreviousState | undefined, selected: ReadonlySet<string>, currentDatabasePath?: string): Promise<((node: Node) => Relation | undefined) | undefined> {
  if (!previous) return undefined;
  let database: string | undefined;
  if (previous.databasePath && previous.databasePath !== currentDatabasePath) {
    if (!adapter.attachReadOnly) throw new StateError(`--defer: this engine cannot read the state's database ${previous.databasePath}.`);
    await adapter.attachReadOnly(previous.databasePath, STATE_CATALOG);
    database = STATE_CATALOG;
  }
  return (node) => {
    if (selected.has(node.uniqueId)) return undefined;
    const relation = previous.relations.get(node.uniqueId);
    if (!relation) return undefined;
    return { database: database ?? relation.database ?? undefined, schema: relation.schema, identifier: relation.identifier };
  };
}
