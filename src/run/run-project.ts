import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DryRunAdapter } from '../adapters/dry-run-adapter.js';
import { openAdapter } from '../adapters/engines.js';
import { withReplacedKeysInline } from '../materialize/incremental-input.js';
import { targetDir, writeArtifact, writeCompiledSql, writeManifest } from '../compile/artifacts.js';
import { TOOL_VERSION } from '../core/tool-version.js';
import { buildProjectGraph, compileWithQueries, type ProjectGraph } from '../compile/compile-project.js';
import { checkIdentifierFree } from '../lineage/identifier-free-check.js';
import type { Graph } from '../graph/graph.js';
import { isRunnable, type Node, type Relation } from '../core/nodes.js';
import { planModelAudits } from './model-audits.js';
import type { Adapter } from '../adapters/adapter.js';
import { selectNodes, type SelectionOptions } from '../graph/selection.js';
import { planSchemas } from '../materialize/plan-node.js';
import { loadProject, type LoadProjectOptions } from '../project/load-project.js';
import { buildNode, type BuildContext } from './build-node.js';
import { landingLimitWarnings } from './landing-limit-warnings.js';
import { resultRecord, type NodeResult, type RunEvent } from './node-result.js';
import { blockedAuditOutcome, runDataTest } from './run-data-test.js';
import { runNodes } from './run-nodes.js';
import { updateLatestResults } from './latest-results.js';
import { deferTo, withState } from '../compile/state-selection.js';
import { runUnitTest } from '../unit-tests/run-unit-test.js';
import { onRunEndVariables, runProjectHooks } from './project-hooks.js';

/** The commands that execute nodes, and what each of them acts on. */
export type ExecuteCommand = 'run' | 'seed' | 'test' | 'build';

const ACTS_ON: Record<ExecuteCommand, (node: Node) => boolean> = {
  run: (n) => (n.kind === 'model' || n.kind === 'source') && isRunnable(n),
  seed: (n) => n.kind === 'seed',
  test: (n) => n.kind === 'data_test' || n.kind === 'unit_test',
  build: (n) => n.kind === 'seed' || n.kind === 'data_test' || n.kind === 'unit_test' || isRunnable(n),
};

/** Options of `run`, `seed`, `test` and `build`. */
export interface ExecuteOptions extends LoadProjectOptions, SelectionOptions {
  threads?: number;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
  newId?: () => string;
  /** Plan against an empty catalog and write the statements to target/run without connecting to the engine. */
  dryRun?: boolean;
  /** Rebuild incremental models from scratch. */
  fullRefresh?: boolean;
  /** `--state`: the folder of a previous invocation's artifacts. */
  statePath?: string;
  /** `--defer`: refs to nodes not selected read the state's relations. */
  defer?: boolean;
}

/** What an invocation did: one result per selected node. */
export interface RunOutcome {
  results: NodeResult[];
  seconds: number;
}

/**
 * The options of an invocation that change what it builds, kept in run_results.json so that `retry` repeats the
 * run as it was: re-running a failed model without its `--vars` (consent_cutoff: as_of) would rebuild it by other
 * rules.
 */
export interface Invocation {
  target: string;
  vars: string | null;
  full_refresh: boolean;
  threads: number | null;
}

/** Writes target/run_results.json for an invocation. */
export function writeRunResults(
  context: ProjectGraph,
  command: string,
  outcome: RunOutcome,
  options: Pick<ExecuteOptions, 'vars' | 'fullRefresh' | 'threads'> = {},
): void {
  const invocation: Invocation = {
    target: context.project.target.name,
    vars: options.vars ?? null,
    full_refresh: options.fullRefresh ?? false,
    threads: options.threads ?? null,
  };
  const document = {
    metadata: {
      tool: 'stedi-models',
      tool_version: TOOL_VERSION,
      generated_at: new Date().toISOString(),
      command,
      invocation,
    },
    elapsed_seconds: outcome.seconds,
    results: outcome.results.map(resultRecord),
  };
  writeArtifact(context, path.join(targetDir(context), 'run_results.json'), `${JSON.stringify(document, null, 2)}\n`);
  updateLatestResults(context, command, outcome.results);
}

/**
 * In `build`, what is downstream of a model waits for the model's tests, so a failing error-severity test stops
 * bad data from flowing on. An edge is left out where the test itself reads the downstream node.
 */
function testGates(graph: Graph, ids: readonly string[]): Map<string, string[]> {
  const selected = new Set(ids);
  const gates = new Map<string, string[]>();
  const gate = (node: string, on: string) => gates.set(node, [...(gates.get(node) ?? []), on]);
  for (const id of ids) {
    const test = graph.nodes.get(id)!;
    // A model is built only after its unit tests pass: they check its logic before it touches real data.
    if (test.kind === 'unit_test' && selected.has(test.attachedTo)) gate(test.attachedTo, id);
    if (test.kind !== 'data_test') continue;
    const tested = test.attachedTo ? [test.attachedTo] : test.dependsOn;
    const upstreamOfTest = graph.ancestors(id);
    for (const parent of tested) {
      for (const child of graph.children.get(parent) ?? []) {
        if (
          !selected.has(child) ||
          child === id ||
          upstreamOfTest.has(child) ||
          graph.nodes.get(child)!.kind === 'data_test'
        )
          continue;
        gate(child, id);
      }
    }
  }
  return gates;
}

function relationKey(relation: Relation): string {
  return `${relation.schema}.${relation.identifier}`.toLowerCase();
}

/** The tables that exist now among the schemas of the given nodes, as `schema.identifier`. */
async function existingTables(adapter: Adapter, nodes: readonly Node[]): Promise<Set<string>> {
  const tables = new Set<string>();
  const schemas = new Set(
    nodes.filter((n) => n.kind === 'model' && n.config.materialized === 'incremental').map((n) => n.relation.schema),
  );
  for (const schema of schemas) {
    for (const [identifier, type] of await adapter.listRelations(schema))
      if (type === 'table') tables.add(`${schema}.${identifier}`.toLowerCase());
  }
  return tables;
}

function mergeDependencies(...all: ReadonlyArray<ReadonlyMap<string, readonly string[]>>): Map<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const map of all) for (const [id, deps] of map) merged.set(id, [...(merged.get(id) ?? []), ...deps]);
  return merged;
}

function invocationStarted(context: ProjectGraph, command: string, selected: number, dryRun: boolean): RunEvent {
  const found: Record<string, number> = {};
  for (const node of context.graph.nodes.values()) found[node.kind] = (found[node.kind] ?? 0) + 1;
  const local = context.engine.definition.localDatabase?.(context.project.target, context.project.dir);
  return {
    type: 'invocation_started',
    command,
    version: TOOL_VERSION,
    target: context.project.target.name,
    engine: context.engine.definition.label,
    location: local
      ? path.relative(context.project.dir, local.file) || local.file
      : `database ${context.engine.schema}`,
    found,
    selected,
    dryRun,
  };
}

/** Loads and compiles the project, then executes the selected nodes of a command in DAG order. */
export async function executeProject(command: ExecuteCommand, options: ExecuteOptions): Promise<RunOutcome> {
  const started = Date.now();
  const context = buildProjectGraph(loadProject(options));
  const selection = withState(context, options, options);
  const ids = [...selectNodes(context.graph, selection, ACTS_ON[command])];
  // --threads bounds the engine's queries as well as the nodes at once (Athena's quota counts queued queries).
  const target = { ...context.project.target, threads: options.threads ?? context.project.target.threads };
  // Unit tests run on their own in-memory DuckDB: when nothing else is selected, an engine whose abilities are known
  // without connecting (Athena) is not opened, so `test --select test_type:unit` needs no AWS SDK, credentials or network.
  // Before any connection: a model promised identifier_free that carries an identifier stops every command (exit 2),
  // whatever is selected, as a parse error would.
  const lineage = await checkIdentifierFree(context);
  const onlyUnitTests = ids.every((id) => context.graph.nodes.get(id)!.kind === 'unit_test');
  const offline = options.dryRun || (onlyUnitTests && context.engine.definition.plansOffline);
  options.onEvent?.(invocationStarted(context, command, ids.length, options.dryRun === true));
  const adapter: Adapter = offline ? new DryRunAdapter(context.engine) : await openAdapter(target, context.project.dir);
  for (const warning of landingLimitWarnings(
    ids.map((id) => context.graph.nodes.get(id)!),
    adapter.capabilities,
    target.type,
  ))
    options.onWarning?.(warning);
  let results: NodeResult[];
  let endFailure: unknown;
  try {
    // is_incremental() depends on what exists: read the catalog before compiling.
    const tables = await existingTables(
      adapter,
      ids.map((id) => context.graph.nodes.get(id)!),
    );
    const audits = await planModelAudits(context.graph, command, ids, adapter, options.dryRun === true);
    ids.push(...audits.seedsToLoad);
    const deferredRelation = options.defer
      ? await deferTo(
          adapter,
          selection.previous,
          new Set(ids),
          context.engine.definition.localDatabase?.(target, context.project.dir).file,
          options.onWarning,
        )
      : undefined;
    const compiled = await compileWithQueries(
      context,
      ids,
      { tableExists: (n) => tables.has(relationKey(n.relation)), fullRefresh: options.fullRefresh, deferredRelation },
      (sql) => adapter.query(sql, { signal: options.signal }),
    );
    // target/compiled holds SQL that runs on its own: the keys of replace_keys are written inline there.
    const readable = new Map(
      [...compiled].map(([id, { sql, replaceKeys }]) => {
        const node = context.graph.nodes.get(id);
        return [
          id,
          replaceKeys === undefined || node?.kind !== 'model'
            ? sql
            : withReplacedKeysInline(sql, { replaceKeys, uniqueKey: node.config.uniqueKey, dialect: adapter.dialect }),
        ];
      }),
    );
    writeCompiledSql(context, readable);
    writeManifest(context, readable, command, lineage?.models);
    const relations = ids
      .map((id) => context.graph.nodes.get(id)!)
      .filter((n) => n.kind !== 'data_test' && n.kind !== 'unit_test')
      .map((n) => n.relation);
    const schemas = planSchemas(relations, adapter.dialect);
    writeArtifact(
      context,
      path.join(targetDir(context), 'run', '_schemas.sql'),
      `${schemas.map((s) => `-- ${s.purpose}\n${s.sql}`).join('\n;\n\n')}\n;\n`,
    );
    await adapter.executePlan(schemas, { signal: options.signal });
    await runProjectHooks(context, adapter, 'on-run-start', {}, options.signal);
    const audited = new Map<string, { failures: number; blocked: boolean; model: string }>();
    const build: BuildContext = {
      context,
      adapter,
      compiled,
      deferredRelation,
      audits: audits.tests,
      onAudited: (id, failures, blocked, model) => audited.set(id, { failures, blocked, model }),
      fullRefresh: options.fullRefresh ?? false,
      newId: options.newId ?? (() => randomBytes(4).toString('hex')),
    };
    results = await runNodes({
      graph: context.graph,
      ids,
      extraDependencies: mergeDependencies(
        command === 'build' ? testGates(context.graph, ids) : new Map(),
        audits.waitFor,
      ),
      threads: target.threads,
      signal: options.signal,
      // The reporter names the engine in its cost line as the engine's definition does.
      onEvent:
        options.onEvent &&
        ((event) =>
          options.onEvent!(
            event.type === 'run_finished' ? { ...event, engine: context.engine.definition.label } : event,
          )),
      work: (id, signal, measure) => {
        const kind = context.graph.nodes.get(id)!.kind;
        if (kind === 'unit_test') return runUnitTest(context, id);
        // Each node's queries are measured on their way to the engine, whichever step sends them.
        const nodeBuild = { ...build, adapter: adapter.metered?.(measure) ?? adapter };
        return kind === 'data_test'
          ? runDataTest(nodeBuild, id, signal, audited.get(id)?.failures)
          : buildNode(nodeBuild, id, signal);
      },
      // A test whose audit kept its model from being published failed there: it is reported as failed, not skipped.
      outcomeWhenBlocked: (id) =>
        audited.get(id)?.blocked ? blockedAuditOutcome(context, id, audited.get(id)!) : undefined,
    });
    // The results are written whether or not on-run-end succeeds; its failure then fails the invocation.
    await runProjectHooks(
      context,
      adapter,
      'on-run-end',
      onRunEndVariables(context, ids, results),
      options.signal,
    ).catch((error: unknown) => (endFailure = error));
  } finally {
    await adapter.close();
  }
  const outcome = { results, seconds: (Date.now() - started) / 1000 };
  writeRunResults(context, command, outcome, options);
  if (endFailure !== undefined) throw endFailure;
  return outcome;
}
