// Section 5: the scheduler (src/run/run-nodes.ts runNodes, with buildNode as in `stedi-models run`) on an engine
// with a fixed latency per query, at 1, 4 and 16 threads, against the critical-path lower bound: the longest chain
// of engine time through the DAG, or the total engine time divided by the threads, whichever is longer.
import { rmSync } from 'node:fs';
import { buildProjectGraph, compileModels } from '../dist/compile/compile-project.js';
import { isRunnable } from '../dist/core/nodes.js';
import { selectNodes } from '../dist/graph/selection.js';
import { loadProject } from '../dist/project/load-project.js';
import { buildNode } from '../dist/run/build-node.js';
import { runNodes } from '../dist/run/run-nodes.js';
import { copyStediProject, progress, round, tempDir } from './lib/common.mjs';
import { generateProject } from './lib/generate-project.mjs';
import { LatencyAdapter } from './lib/latency-adapter.mjs';

const LATENCY_MS = 10;
const THREADS = [1, 4, 16];

/** The longest path of engine time through the selected nodes' DAG. */
function criticalPathMs(graph, ids, engineMs) {
  const selected = new Set(ids);
  const finish = new Map();
  for (const id of graph.order) {
    if (!selected.has(id)) continue;
    const parents = [...(graph.parents.get(id) ?? [])].filter((p) => selected.has(p));
    finish.set(id, Math.max(0, ...parents.map((p) => finish.get(p) ?? 0)) + (engineMs.get(id) ?? 0));
  }
  return Math.max(0, ...finish.values());
}

async function runDag(label, projectDir, vars) {
  const context = buildProjectGraph(loadProject({ projectDir, vars, env: process.env }));
  const ids = selectNodes(context.graph, {}, (n) => (n.kind === 'model' || n.kind === 'source') && isRunnable(n));
  const compiled = compileModels(context, ids);
  const rows = [];
  for (const threads of THREADS) {
    const engine = new LatencyAdapter(LATENCY_MS);
    const accounts = new Map(ids.map((id) => [id, { queries: 0, engineMs: 0 }]));
    let n = 0;
    const build = {
      context,
      adapter: engine.forNode({ queries: 0, engineMs: 0 }),
      compiled,
      newId: () => String(++n).padStart(8, '0'),
    };
    const started = performance.now();
    const results = await runNodes({
      graph: context.graph,
      ids,
      threads,
      work: (id, signal) => buildNode({ ...build, adapter: engine.forNode(accounts.get(id)) }, id, signal),
    });
    const wallMs = performance.now() - started;
    const failed = results.filter((r) => r.status === 'error');
    if (failed.length)
      throw new Error(`${label}: ${failed.length} nodes failed on the latency engine: ${failed[0].message}`);
    const engineMs = new Map([...accounts].map(([id, a]) => [id, a.engineMs]));
    const totalEngineMs = [...engineMs.values()].reduce((a, b) => a + b, 0);
    const pathMs = criticalPathMs(context.graph, ids, engineMs);
    const boundMs = Math.max(pathMs, totalEngineMs / threads);
    rows.push({
      threads,
      wallSeconds: round(wallMs / 1000),
      lowerBoundSeconds: round(boundMs / 1000),
      criticalPathSeconds: round(pathMs / 1000),
      ratio: round(wallMs / boundMs),
      queries: engine.queries,
    });
    progress(
      `concurrency: ${label} threads ${threads}: ${(wallMs / 1000).toFixed(2)}s, lower bound ${(boundMs / 1000).toFixed(2)}s`,
    );
  }
  return { dag: label, nodes: ids.length, rows };
}

/** Runs the STEDI DAG and a generated 200-model DAG on the latency engine. */
export async function benchConcurrency() {
  const stedi = copyStediProject(tempDir('concurrency-stedi'));
  const generated = tempDir('concurrency-generated');
  generateProject(generated, 200);
  const dags = [
    await runDag('STEDI (run: 3 landing sources, 5 models)', stedi, '{landing_root: /nonexistent}'),
    await runDag('generated, 200 models', generated),
  ];
  for (const dir of [stedi, generated]) rmSync(dir, { recursive: true, force: true });
  return {
    latencyMs: LATENCY_MS,
    dags,
    commands: {
      run: `node bench/run.mjs --only concurrency   (bench/concurrency.mjs: runNodes + buildNode on bench/lib/latency-adapter.mjs, ${LATENCY_MS} ms per query)`,
    },
  };
}
