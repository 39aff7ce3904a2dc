import type { Graph } from '../graph/graph.js';
import type { Adapter } from '../adapters/adapter.js';
import type { DataTestNode } from '../core/nodes.js';
import { missingRelations } from './missing-relations.js';

/** The data tests that audit one model's new rows before they are published, and the seeds they read. */
export interface ModelAudits {
  tests: DataTestNode[];
  /** Seeds the audits read: the model waits for them where they are built in the same invocation. */
  seeds: string[];
}

/**
 * The tests that must pass on a model's new rows before anyone can read them (write–audit–publish). In `build`, every
 * selected error-severity test of the model; in `run` and `build`, every blocking test (consent, identifiers), also
 * when not selected: a privacy test cannot be deselected. A test is attached to a model when it is declared on it,
 * or (singular tests) when the model is the one it reads that depends on everything else it reads (checked below).
 *
 * A test can audit only when everything else it reads is already built when the model is: ancestors of the model,
 * sources and seeds. A test that also reads a model built later or beside it runs after the model, as before.
 */
export function modelAudits(
  graph: Graph,
  modelId: string,
  command: 'run' | 'seed' | 'test' | 'build',
  selected: ReadonlySet<string>,
): ModelAudits {
  const ancestors = graph.ancestors(modelId);
  const tests: DataTestNode[] = [];
  const seeds = new Set<string>();
  for (const testId of graph.children.get(modelId) ?? []) {
    const test = graph.nodes.get(testId);
    if (test?.kind !== 'data_test' || test.config.severity !== 'error') continue;
    // A test declared on another model that reads this one (relationships) audits that other model.
    if (test.attachedTo !== undefined && test.attachedTo !== modelId) continue;
    if (!test.config.blocking && !(command === 'build' && selected.has(testId))) continue;
    const others = test.dependsOn.filter((d) => d !== modelId);
    const readable = others.every(
      (d) => ancestors.has(d) || graph.nodes.get(d)?.kind === 'seed' || graph.nodes.get(d)?.kind === 'source',
    );
    if (!readable) continue;
    tests.push(test);
    for (const d of others) if (graph.nodes.get(d)?.kind === 'seed') seeds.add(d);
  }
  return { tests, seeds: [...seeds].sort() };
}

/** The audits of each selected model, what waits for what because of them, and the seeds a `run` must load for them. */
export interface AuditPlan {
  tests: Map<string, DataTestNode[]>;
  waitFor: Map<string, string[]>;
  seedsToLoad: string[];
}

/**
 * Finds the tests that audit each selected model before it is published. A model waits for the seeds its audits
 * read where they are built in the same invocation; a `run` loads such a seed first when it does not exist yet (a
 * privacy audit that cannot read its seed would block the model).
 */
export async function planModelAudits(
  graph: Graph,
  command: 'run' | 'seed' | 'test' | 'build',
  ids: readonly string[],
  adapter: Adapter,
  dryRun: boolean,
): Promise<AuditPlan> {
  const selected = new Set(ids);
  const plan: AuditPlan = { tests: new Map(), waitFor: new Map(), seedsToLoad: [] };
  const seeds = new Set<string>();
  for (const id of ids) {
    if (graph.nodes.get(id)?.kind !== 'model') continue;
    const audits = modelAudits(graph, id, command, selected);
    if (audits.tests.length === 0) continue;
    plan.tests.set(id, audits.tests);
    plan.waitFor.set(id, audits.seeds);
    for (const seed of audits.seeds) seeds.add(seed);
  }
  if (command === 'run' && !dryRun) {
    const unselected = [...seeds]
      .sort()
      .filter((seed) => !selected.has(seed))
      .map((seed) => graph.nodes.get(seed)!);
    plan.seedsToLoad = (await missingRelations(adapter, unselected)).map((n) => n.uniqueId);
  }
  return plan;
}
