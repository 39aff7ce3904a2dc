import type { StatsSink } from '../adapters/adapter.js';
import type { Graph } from '../graph/graph.js';
import { messageOf } from '../errors.js';
import { letsDependentsRun, type NodeOutcome, type NodeResult, type RunEvent } from './node-result.js';

/** Options of one scheduled run over the DAG. */
export interface RunNodesOptions {
  graph: Graph;
  /** Selected node ids; only these run. */
  ids: readonly string[];
  /** Dependencies beyond the graph's edges (in `build`, a model's children wait for its tests). */
  extraDependencies?: ReadonlyMap<string, readonly string[]>;
  threads: number;
  /**
   * The work of one node; throws on failure (the error's message is recorded). What it reports to `measure` (the
   * engine's stats of each query) is summed into the node's stats, also when it fails.
   */
  work: (uniqueId: string, signal: AbortSignal, measure: StatsSink) => Promise<NodeOutcome>;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
  now?: () => number;
  /**
   * The outcome of a node whose upstream failed, when its work already happened inside that upstream node (a data
   * test that audited its model's rows before publishing them); otherwise it is skipped.
   */
  outcomeWhenBlocked?: (uniqueId: string) => NodeOutcome | undefined;
}

/** Each selected node's nearest selected ancestors, looking through nodes that are not selected. */
function selectedDependencies(
  graph: Graph,
  ids: readonly string[],
  extra?: ReadonlyMap<string, readonly string[]>,
): Map<string, string[]> {
  const selected = new Set(ids);
  const deps = new Map<string, string[]>();
  for (const id of ids) {
    const found = new Set<string>();
    const seen = new Set<string>();
    const stack = [...(graph.parents.get(id) ?? [])];
    while (stack.length > 0) {
      const parent = stack.pop()!;
      if (seen.has(parent)) continue;
      seen.add(parent);
      if (selected.has(parent)) found.add(parent);
      else stack.push(...(graph.parents.get(parent) ?? []));
    }
    for (const e of extra?.get(id) ?? []) if (selected.has(e)) found.add(e);
    deps.set(id, [...found]);
  }
  return deps;
}

/** Sums stats by key; undefined when there is none. */
function sumStats(...all: Array<Record<string, number> | undefined>): Record<string, number> | undefined {
  const total: Record<string, number> = {};
  for (const stats of all) for (const [k, v] of Object.entries(stats ?? {})) total[k] = (total[k] ?? 0) + v;
  return Object.keys(total).length ? total : undefined;
}

/**
 * How many nodes the longest chain of dependents starting at each node holds, itself included: the critical path
 * still ahead of it, in nodes (the runner knows no node's cost before running it).
 */
function chainLengths(
  ids: readonly string[],
  deps: ReadonlyMap<string, readonly string[]>,
  dependents: ReadonlyMap<string, readonly string[]>,
): Map<string, number> {
  const length = new Map<string, number>();
  const unresolved = new Map(ids.map((id) => [id, dependents.get(id)!.length]));
  const resolvable = ids.filter((id) => unresolved.get(id) === 0);
  while (resolvable.length > 0) {
    const id = resolvable.pop()!;
    length.set(id, 1 + dependents.get(id)!.reduce((longest, child) => Math.max(longest, length.get(child)!), 0));
    for (const parent of deps.get(id) ?? []) {
      const left = unresolved.get(parent)! - 1;
      unresolved.set(parent, left);
      if (left === 0) resolvable.push(parent);
    }
  }
  return length;
}

/**
 * Runs the selected nodes in dependency order, up to `threads` at once. A node whose upstream failed or was skipped
 * is `skipped` (not after a test its author switched off: see letsDependentsRun); independent branches go on.
 * Returns one result per node, in the order they finished.
 */
export async function runNodes(options: RunNodesOptions): Promise<NodeResult[]> {
  const { graph, ids, onEvent, now = Date.now } = options;
  const threads = Math.max(1, options.threads);
  const deps = selectedDependencies(graph, ids, options.extraDependencies);
  const waitingOn = new Map(ids.map((id) => [id, new Set(deps.get(id))]));
  const dependents = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [id, parents] of deps) for (const p of parents) dependents.get(p)!.push(id);
  const outcome = new Map<string, NodeResult>();
  const results: NodeResult[] = [];
  // Of the nodes ready to start, the one with the longest chain of dependents goes first (then DAG order): a free
  // thread spent on a short branch while the critical path waits for it makes the whole run longer.
  const chain = chainLengths(ids, deps, dependents);
  const position = new Map(ids.map((id, i) => [id, i]));
  const before = (a: string, b: string) =>
    (chain.get(b) ?? 1) - (chain.get(a) ?? 1) || position.get(a)! - position.get(b)!;
  const ready: string[] = [];
  const makeReady = (id: string) => {
    let at = ready.length;
    while (at > 0 && before(id, ready[at - 1]!) < 0) at--;
    ready.splice(at, 0, id);
  };
  for (const id of ids) if (waitingOn.get(id)!.size === 0) makeReady(id);
  const controller = new AbortController();
  options.signal?.addEventListener('abort', () => controller.abort(options.signal?.reason), { once: true });
  let started = 0;
  let finished = 0;
  const runStart = now();
  onEvent?.({ type: 'run_started', total: ids.length, threads });

  const finish = (result: NodeResult) => {
    outcome.set(result.uniqueId, result);
    results.push(result);
    onEvent?.({ type: 'node_finished', result, index: ++finished, total: ids.length });
    for (const child of dependents.get(result.uniqueId) ?? []) {
      const waiting = waitingOn.get(child)!;
      waiting.delete(result.uniqueId);
      if (waiting.size === 0) makeReady(child);
    }
  };

  const runOne = async (id: string): Promise<void> => {
    const node = graph.nodes.get(id)!;
    const blocked = (deps.get(id) ?? []).map((p) => outcome.get(p)!).find((r) => !letsDependentsRun(r));
    const doneUpstream = blocked ? options.outcomeWhenBlocked?.(id) : undefined;
    if (doneUpstream) {
      finish({
        uniqueId: id,
        name: node.name,
        kind: node.kind,
        ...doneUpstream,
        status: doneUpstream.status ?? 'success',
        seconds: 0,
      });
      return;
    }
    if (blocked || controller.signal.aborted) {
      finish({
        uniqueId: id,
        name: node.name,
        kind: node.kind,
        status: 'skipped',
        skip: blocked ? 'upstream' : 'interrupted',
        description: node.name,
        seconds: 0,
        message: blocked
          ? `skipped because upstream ${blocked.name} ${blocked.status === 'skipped' ? 'was skipped' : 'failed'}`
          : 'skipped because the run was interrupted',
      });
      return;
    }
    onEvent?.({ type: 'node_started', uniqueId: id, name: node.name, index: ++started, total: ids.length });
    const start = now();
    const startedAt = new Date(start).toISOString();
    const measured: Array<Record<string, number>> = [];
    try {
      const done = await options.work(id, controller.signal, (stats) => void measured.push(stats));
      const stats = sumStats(done.status === 'skipped' ? undefined : done.stats, ...measured);
      finish({
        uniqueId: id,
        name: node.name,
        kind: node.kind,
        ...done,
        stats,
        status: done.status ?? 'success',
        seconds: (now() - start) / 1000,
        startedAt,
        completedAt: new Date(now()).toISOString(),
      });
    } catch (error) {
      finish({
        uniqueId: id,
        name: node.name,
        kind: node.kind,
        status: 'error',
        description: node.name,
        seconds: (now() - start) / 1000,
        startedAt,
        completedAt: new Date(now()).toISOString(),
        message: messageOf(error),
        sqlPath: (error as { sqlPath?: string }).sqlPath,
        // The queries that succeeded before the failure were billed all the same.
        stats: sumStats(...measured),
      });
    }
  };

  const inFlight = new Set<Promise<void>>();
  while (ready.length > 0 || inFlight.size > 0) {
    while (ready.length > 0 && inFlight.size < threads) {
      const id = ready.shift()!;
      const task: Promise<void> = runOne(id).finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    if (inFlight.size > 0) await Promise.race(inFlight);
  }
  onEvent?.({ type: 'run_finished', results, seconds: (now() - runStart) / 1000 });
  return results;
}
