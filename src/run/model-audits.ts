import type { Graph } from '../graph/graph.js';
import type { DataTestNode } from '../graph/nodes.js';

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
export function modelAudits(graph: Graph, modelId: string, command: 'run' | 'seed' | 'test' | 'build', selected: ReadonlySet<string>): ModelAudits {
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
    const readable = others.every((d) => ancestors.has(d) || graph.nodes.get(d)?.kind === 'seed' || graph.nodes.get(d)?.kind === 'source');
    if (!readable) continue;
    tests.push(test);
    for (const d of others) if (graph.nodes.get(d)?.kind === 'seed') seeds.add(d);
  }
  return { tests, seeds: [...seeds].sort() };
}
