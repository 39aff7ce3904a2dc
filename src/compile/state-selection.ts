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
  onWarning?: (message: string) => void;
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
  const usesState = [...(selection.select ?? []), ...(selection.exclude ?? [])].some((s) => s.includes('state:'));
  const difference = usesState ? varsDifference(context, previous) : undefined;
  if (difference) options.onWarning?.(difference);
  return {
    ...selection,
    previous,
    state: {
      previous,
      fingerprint: (node: Node) => nodeFingerprint(node, context.project, context.templates, context.engine.schema),
    },
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

const shown = (value: unknown) => (value === undefined ? 'unset' : JSON.stringify(value));

/**
 * A node that reads a var whose value differs from the state's counts as modified: rightly when the change is the
 * point, but a pull-request check run without production's vars would otherwise rebuild everything silently.
 */
function varsDifference(context: ProjectGraph, previous: PreviousState): string | undefined {
  if (!previous.vars) return undefined;
  const before = previous.vars;
  const now = context.project.vars;
  const names = [...new Set([...Object.keys(before), ...Object.keys(now)])]
    .filter((name) => JSON.stringify(before[name]) !== JSON.stringify(now[name]))
    .sort();
  if (names.length === 0) return undefined;
  const readers = [...context.graph.nodes.values()]
    .filter((n) => n.kind === 'model' && n.varsUsed.some((v) => names.includes(v)))
    .map((n) => n.name);
  const values = names.map((name) => `${name}: ${shown(before[name])} there, ${shown(now[name])} here`).join('; ');
  const marked = readers.length
    ? `so ${readers.join(', ')} count as state:modified`
    : 'no model reads them, so nothing is marked for it';
  return `--state ${previous.dir} was built with other vars (${values}), ${marked}. To compare definitions only, pass the state's vars with --vars.`;
}
