import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Adapter } from '../adapters/adapter.js';
import type { Node, Relation } from '../core/nodes.js';
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
export function withState(
  context: ProjectGraph,
  selection: SelectionOptions,
  options: StateOptions,
): SelectionOptions & { previous?: PreviousState } {
  if (!options.statePath) {
    if (options.defer)
      throw new StateError('--defer needs --state <folder with the manifest.json of the target to defer to>.');
    return selection;
  }
  const previous = readState(options.statePath);
  return {
    ...selection,
    previous,
    state: { previous, fingerprint: (node: Node) => nodeFingerprint(node, context.project, context.templates) },
  };
}

/**
 * For `--defer`: refs to nodes that this invocation does not build read the state's relations instead. A DuckDB
 * state lives in another database file, which is attached read-only under its own catalog name.
 */
export async function deferTo(
  adapter: Adapter,
  previous: PreviousState | undefined,
  selected: ReadonlySet<string>,
  currentDatabasePath?: string,
  onWarning: (message: string) => void = () => {},
): Promise<((node: Node) => Relation | undefined) | undefined> {
  if (!previous) return undefined;
  let database: string | undefined;
  const statePath = previous.databasePath && stateDatabaseFile(previous.databasePath, previous.dir);
  if (statePath && statePath === currentDatabasePath) {
    onWarning(
      `--defer: the state's database is this target's own database (${statePath}), so the selected models are rebuilt in it. For a pull-request check, give the build a database of its own, e.g. STEDI_DUCKDB_PATH=target/pr.duckdb.`,
    );
  } else if (statePath) {
    if (!adapter.attachReadOnly)
      throw new StateError(`--defer: this engine cannot read the state's database ${statePath}.`);
    await adapter.attachReadOnly(statePath, STATE_CATALOG);
    database = STATE_CATALOG;
  }
  return (node) => {
    if (selected.has(node.uniqueId)) return undefined;
    const relation = previous.relations.get(node.uniqueId);
    if (!relation) return undefined;
    return {
      database: database ?? relation.database ?? undefined,
      schema: relation.schema,
      identifier: relation.identifier,
    };
  };
}

/**
 * The manifest records the database file where it was on the machine that wrote it; artifacts downloaded by a CI
 * job hold a copy beside the manifest instead (target/ keeps both).
 */
function stateDatabaseFile(recorded: string, stateDir: string): string {
  if (existsSync(recorded)) return recorded;
  const beside = path.join(stateDir, path.basename(recorded));
  if (existsSync(beside)) return beside;
  throw new StateError(
    `--defer: the state's database ${recorded} does not exist, nor does ${beside}. Copy the database file into the --state folder, or run where the state's database is.`,
  );
}
