import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { openAdapter } from '../adapters/engines.js';
import { targetDir, writeArtifact, writeCompiledSql, writeManifest, TOOL_VERSION } from '../compile/artifacts.js';
import { buildProjectGraph, compileModels, type ProjectGraph } from '../compile/compile-project.js';
import { isRunnable } from '../graph/nodes.js';
import { selectNodes, type SelectionOptions } from '../graph/selection.js';
import { planSchemas } from '../materialize/plan-node.js';
import { loadProject, type LoadProjectOptions } from '../project/load-project.js';
import { buildNode } from './build-node.js';
import type { NodeResult, RunEvent } from './node-result.js';
import { runNodes } from './run-nodes.js';

/** Options of `stedi-models run`. */
export interface RunProjectOptions extends LoadProjectOptions, SelectionOptions {
  threads?: number;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
  newId?: () => string;
}

/** What a run did: one result per selected node. */
export interface RunOutcome {
  results: NodeResult[];
  seconds: number;
}

/** Writes target/run_results.json for an invocation. */
export function writeRunResults(context: ProjectGraph, command: string, outcome: RunOutcome): void {
  const document = {
    metadata: { tool: 'stedi-models', tool_version: TOOL_VERSION, generated_at: new Date().toISOString(), command },
    elapsed_seconds: outcome.seconds,
    results: outcome.results.map((r) => ({
      unique_id: r.uniqueId,
      name: r.name,
      resource_type: r.kind,
      status: r.status,
      relation: r.description,
      rows: r.rows ?? null,
      execution_seconds: r.seconds,
      started_at: r.startedAt ?? null,
      completed_at: r.completedAt ?? null,
      message: r.message ?? null,
      sql_path: r.sqlPath ?? null,
      stats: r.stats ?? {},
    })),
  };
  writeArtifact(context, path.join(targetDir(context), 'run_results.json'), `${JSON.stringify(document, null, 2)}\n`);
}

/** Loads, compiles and materializes the selected models and landing sources in DAG order. */
export async function runProject(options: RunProjectOptions): Promise<RunOutcome> {
  const started = Date.now();
  const context = buildProjectGraph(loadProject(options));
  const ids = selectNodes(context.graph, options, isRunnable);
  const compiled = compileModels(context, ids);
  writeCompiledSql(context, compiled);
  writeManifest(context, compiled, 'run');
  const adapter = await openAdapter(context.project.target, context.project.dir);
  let results: NodeResult[];
  try {
    const relations = ids.map((id) => context.graph.nodes.get(id)!.relation);
    await adapter.executePlan(planSchemas(relations, adapter.dialect));
    results = await runNodes({
      graph: context.graph,
      ids,
      threads: options.threads ?? context.project.target.threads,
      signal: options.signal,
      onEvent: options.onEvent,
      work: (id, signal) => buildNode({ context, adapter, compiled, newId: options.newId ?? (() => randomBytes(4).toString('hex')) }, id, signal),
    });
  } finally {
    await adapter.close();
  }
  const outcome = { results, seconds: (Date.now() - started) / 1000 };
  writeRunResults(context, 'run', outcome);
  return outcome;
}
