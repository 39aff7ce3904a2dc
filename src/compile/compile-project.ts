import { messageOf, ProjectError, ProjectErrors, StediError, throwIfAny } from '../errors.js';
import { engineInfo } from '../adapters/engines.js';
import type { EngineInfo } from '../adapters/engine-definition.js';
import { Graph, UnknownRefError } from '../graph/graph.js';
import { parseProject } from '../parse/parse-project.js';
import type { CompiledModel } from '../core/compiled-model.js';
import type { ModelNode, Node } from '../core/nodes.js';
import type { Row } from '../core/statement.js';
import type { ProjectFileText } from '../core/project-file-text.js';
import { QueryTable } from '../templating/query-table.js';
import { readDocBlocks } from '../templating/doc-blocks.js';
import { EphemeralModels, isEphemeral } from './ephemeral-models.js';
import type { LoadedProject } from '../project/load-project.js';
import { newRenderScope, TemplateEngine, type RenderScope } from '../templating/template-engine.js';
import { RelationValue } from '../templating/relation-value.js';

/** A parsed project with a checked graph: what every command starts from. */
export interface ProjectGraph {
  project: LoadedProject;
  engine: EngineInfo;
  templates: TemplateEngine;
  graph: Graph;
  lookups: Lookups;
}

/** Creates the template engine of a project for the engine its SQL runs on (the target's, or DuckDB for unit tests). */
export function createTemplateEngine(project: LoadedProject, engine: EngineInfo): TemplateEngine {
  const { target } = project;
  const { docs, problems } = readDocBlocks(project.files.docsMd);
  const templates = new TemplateEngine({
    macroFiles: project.files.macroSql,
    vars: project.vars,
    env: project.env,
    target: {
      name: target.name,
      type: engine.definition.name,
      schema: engine.schema,
      threads: target.threads,
      database: engine.database,
    },
    macroDispatch: engine.definition.macroDispatch,
    quoteString: engine.dialect.quoteString,
    quoteIdentifier: engine.dialect.quoteIdentifier,
    report: project.report,
    docs,
  });
  // Reported with the parse pass's problems, as the macro files' are.
  templates.macroProblems.push(...problems);
  return templates;
}

/** Parses every file and builds the DAG; throws every problem found, all at once. */
export function buildProjectGraph(project: LoadedProject): ProjectGraph {
  const engine = engineInfo(project.target);
  const templates = createTemplateEngine(project, engine);
  const parsed = parseProject(project, templates, engine);
  const built = Graph.build(parsed.models, parsed.sources, parsed.seeds, parsed.tests, parsed.unitTests);
  throwIfAny([...parsed.problems, ...built.problems]);
  throwIfAny(testsOfEphemeralModels(built.graph!));
  return { project, engine, templates, graph: built.graph!, lookups: lookupsOf(built.graph!) };
}

/** A test reads an ephemeral model, which is never built: there is no relation for it to query. */
export class EphemeralTestError extends ProjectError {}

/** Every test that reads an ephemeral model (declared on it, or reading it with ref()), refused as dbt does. */
function testsOfEphemeralModels(graph: Graph): ProjectError[] {
  return [...graph.nodes.values()].flatMap((test) => {
    if (test.kind !== 'data_test' && test.kind !== 'unit_test') return [];
    const parents = test.kind === 'unit_test' ? [test.attachedTo] : test.dependsOn;
    return parents
      .map((id) => graph.nodes.get(id)!)
      .filter(isEphemeral)
      .map(
        (model) =>
          new EphemeralTestError(
            `${test.filePath}: test ${test.name} reads ${model.name}, an ephemeral model (${model.filePath}), which is never built, so there is nothing to test. Test the models that read it, or make it a view (materialized: view).`,
          ),
      );
  });
}

/** Nodes by the names templates use for them, for resolving ref() and source() while compiling. */
export interface Lookups {
  byRefName: Map<string, Node>;
  bySourceKey: Map<string, Node>;
}

function lookupsOf(graph: Graph): Lookups {
  const lookups: Lookups = { byRefName: new Map(), bySourceKey: new Map() };
  for (const n of graph.nodes.values()) {
    if (n.kind === 'model' || n.kind === 'seed') lookups.byRefName.set(n.name, n);
    else if (n.kind === 'source') lookups.bySourceKey.set(`${n.sourceName}.${n.name}`, n);
  }
  return lookups;
}

/** A compile-pass render scope for a file: `ref()` and `source()` resolve to relations, `this` to `self`. */
export function compileScope(
  context: ProjectGraph,
  file: string,
  self: Node['relation'] | undefined,
  extra: Partial<RenderScope> = {},
  relationFor: (node: Node) => Node['relation'] | RelationValue = (node) => node.relation,
): RenderScope {
  const { dialect } = context.engine;
  const valueOf = (relation: Node['relation'] | RelationValue) =>
    relation instanceof RelationValue ? relation : new RelationValue(relation, dialect);
  // The parse pass has checked every ref() it saw; a name unknown here was in a part only the compile pass renders
  // (an is_incremental() branch, replace_where, a hook): a problem, not an empty string in the SQL.
  const relationOf = (n: Node | undefined, missing: string) => {
    if (n) return valueOf(relationFor(n));
    scope.problems.push(new UnknownRefError(`${file}: ${missing} matches nothing in the project.`));
    return '';
  };
  const scope: RenderScope = newRenderScope('compile', file, {
    self: self ? new RelationValue(self, dialect) : undefined,
    resolveRef: (name) => relationOf(context.lookups.byRefName.get(name), `ref('${name}')`),
    resolveSource: (sourceName, table) =>
      relationOf(context.lookups.bySourceKey.get(`${sourceName}.${table}`), `source('${sourceName}', '${table}')`),
    ...extra,
  });
  return scope;
}

/** How the compile pass sees the target, for `is_incremental()`. */
export interface CompileOptions {
  /** Whether a model's relation exists as a table now (an incremental model then adds to it). */
  tableExists?: (node: Node) => boolean;
  /** `--full-refresh`: incremental models are rebuilt from scratch. */
  fullRefresh?: boolean;
  /** `--defer`: where refs to nodes that are not being built point instead (the state's relations). */
  deferredRelation?: (node: Node) => Node['relation'] | undefined;
}

/** Compiles the given models; returns SQL by node id, or throws every problem at once. */
export function compileModels(
  context: ProjectGraph,
  ids: readonly string[],
  options: CompileOptions = {},
): Map<string, string> {
  return compiledSql(compileModelRecords(context, ids, options));
}

/** The SQL of compiled models by node id: what target/compiled and the manifest hold. */
function compiledSql(models: ReadonlyMap<string, CompiledModel>): Map<string, string> {
  return new Map([...models].map(([id, model]) => [id, model.sql]));
}

/** A hook value as config() wrote it (SQL, `{ sql }`, or a list of them) as SQL templates. */
function hookTexts(written: unknown): string[] {
  return [written]
    .flat()
    .map((hook) => (hook && typeof hook === 'object' && 'sql' in hook ? String(hook.sql) : String(hook)));
}

/**
 * Compiles the given models into one record each (SQL, hooks, incremental parts), or throws every problem at once.
 * Without a connection, run_query() answers an empty result (docs, lineage); compileWithQueries sends the queries.
 */
export function compileModelRecords(
  context: ProjectGraph,
  ids: readonly string[],
  options: CompileOptions = {},
): Map<string, CompiledModel> {
  const problems: ProjectError[] = [];
  const compiled = new Map<string, CompiledModel>();
  const ephemerals = ephemeralModels(context, options, problems);
  for (const id of ids) {
    const node = context.graph.nodes.get(id);
    if (node?.kind !== 'model') continue;
    const { record, scope } = compileModel(context, node, { ...options, ephemerals });
    // Collected after the incremental parts are rendered in the same scope too: a ref() to nothing there is as much
    // a problem as one in the model's SQL.
    problems.push(...scope.problems);
    context.templates.emitMessages(scope);
    compiled.set(id, record);
  }
  if (problems.length > 0) throw new ProjectErrors(problems);
  return compiled;
}

/** Sends a run_query() query to the engine: its rows, in column order. */
export type RunQuery = (sql: string) => Promise<Row[]>;

/** How many times a render may ask for queries whose SQL depends on the results of earlier ones. */
const MAX_QUERY_ROUNDS = 10;

/**
 * Renders a template whose run_query() calls need the engine: templates render synchronously, so a render that asks
 * for a query without a result gets an empty one, the queries are sent, and the render is repeated with their
 * results until it asks for nothing new. Each distinct SQL text is sent once per invocation.
 */
export async function renderWithQueries(
  render: (results: ReadonlyMap<string, QueryTable>) => RenderScope,
  runQuery: RunQuery,
  results: Map<string, QueryTable> = new Map(),
): Promise<RenderScope> {
  for (let round = 0; ; round++) {
    const scope = render(results);
    // A render that asked for new queries is not final, and what failed in it may be the empty stand-in result
    // (`r.rows[0][0]` of a query not yet sent): its problems count only once its queries have answered.
    if (scope.pendingQueries.length === 0) return scope;
    if (round === MAX_QUERY_ROUNDS)
      throw new RunQueryError(
        `${scope.file}: run_query() was still asked for new queries after ${MAX_QUERY_ROUNDS} rounds; a query's SQL must not change with every result.`,
      );
    for (const sql of scope.pendingQueries) {
      try {
        results.set(sql, new QueryTable(await runQuery(sql)));
      } catch (error) {
        throw new RunQueryError(`${scope.file}: run_query() failed: ${messageOf(error)}\n  query: ${sql}`, {
          cause: error,
        });
      }
    }
  }
}

/** A run_query() query that the engine refused, naming the file that sent it. */
export class RunQueryError extends StediError {}

/** compileModelRecords with run_query() answered by the engine (run, build, compile). */
export async function compileWithQueries(
  context: ProjectGraph,
  ids: readonly string[],
  options: CompileOptions,
  runQuery: RunQuery,
): Promise<Map<string, CompiledModel>> {
  const problems: ProjectError[] = [];
  const compiled = new Map<string, CompiledModel>();
  const results = new Map<string, QueryTable>();
  const ephemerals = ephemeralModels(context, options, problems, results);
  for (const id of ids) {
    const node = context.graph.nodes.get(id);
    if (node?.kind !== 'model') continue;
    let record: CompiledModel | undefined;
    const scope = await renderWithQueries(
      (queryResults) => {
        const done = compileModel(context, node, { ...options, queryResults, ephemerals });
        record = done.record;
        return done.scope;
      },
      runQuery,
      results,
    );
    problems.push(...scope.problems);
    context.templates.emitMessages(scope);
    compiled.set(id, record!);
  }
  if (problems.length > 0) throw new ProjectErrors(problems);
  return compiled;
}

const filesByPath = new WeakMap<ProjectGraph, Map<string, ProjectFileText>>();

function modelFiles(context: ProjectGraph): Map<string, ProjectFileText> {
  let files = filesByPath.get(context);
  if (!files) {
    files = new Map(context.project.files.modelSql.map((f) => [f.path, f]));
    filesByPath.set(context, files);
  }
  return files;
}

/** The ephemeral models of one compile, and the run_query() SQL their renders wait for. */
interface Ephemerals {
  models: EphemeralModels;
  /** The queries ephemeral models asked for since the last call, for the reading model's render to send. */
  takePending(): string[];
}

/**
 * The ephemeral models of one compile, each rendered once where a model first reads it (never incremental); their
 * problems and messages go with the compile's. With `queryResults` (a compile that can send queries), a render that
 * asks run_query() for SQL not yet answered is not kept: its queries go to the reading model's render, which sends them
 * and renders again.
 */
function ephemeralModels(
  context: ProjectGraph,
  options: CompileOptions,
  problems: ProjectError[],
  queryResults?: ReadonlyMap<string, QueryTable>,
): Ephemerals {
  const pending: string[] = [];
  const models = new EphemeralModels(
    context.engine.dialect,
    (n) => options.deferredRelation?.(n) ?? n.relation,
    (node, relationFor) => {
      const scope = compileScope(context, node.filePath, node.relation, { queryResults }, relationFor);
      const sql = context.templates.render(modelFiles(context).get(node.filePath)!, scope).trim();
      if (queryResults && scope.pendingQueries.length > 0) {
        pending.push(...scope.pendingQueries);
        return { sql, final: false };
      }
      problems.push(...scope.problems);
      context.templates.emitMessages(scope);
      return { sql, final: true };
    },
  );
  return { models, takePending: () => pending.splice(0) };
}

/** Renders one model, its hooks and incremental parts in one scope, with the CTEs of the ephemeral models it reads. */
function compileModel(
  context: ProjectGraph,
  node: ModelNode,
  options: CompileOptions & { queryResults?: ReadonlyMap<string, QueryTable>; ephemerals: Ephemerals },
): { record: CompiledModel; scope: RenderScope } {
  const file = modelFiles(context).get(node.filePath)!;
  const isIncremental =
    node.config.materialized === 'incremental' && !options.fullRefresh && (options.tableExists?.(node) ?? false);
  const reads: ModelNode[] = [];
  const scope = compileScope(
    context,
    node.filePath,
    node.relation,
    { isIncremental, queryResults: options.queryResults },
    options.ephemerals.models.recording(reads),
  );
  const sql = options.ephemerals.models.inline(context.templates.render(file, scope).trim(), reads);
  for (const query of options.ephemerals.takePending())
    if (!scope.pendingQueries.includes(query)) scope.pendingQueries.push(query);
  // A config() call inside the model renders with refs resolved only now, in the compile pass: prefer its values.
  const inFile = (key: string) =>
    scope.configs
      .map((c) => c[key])
      .filter((v) => v !== undefined)
      .at(-1);
  // Hooks are templates too, rendered in the model's scope (`this`, refs, `is_incremental()`). They add up from
  // the project, the yml and config(): the project's and the yml's first, then the ones config() writes in this
  // render (with refs resolved; a call under `execute` writes hooks only now, so the parse pass's count may differ).
  const renderHooks = (underscored: string, dashed: string, layered: readonly string[]) => {
    const written = scope.configs.flatMap((c) =>
      [c[underscored], c[dashed]].filter((h) => h !== undefined).flatMap(hookTexts),
    );
    return [...layered, ...written]
      .map((hook) => context.templates.renderString(hook, scope).trim())
      .filter((h) => h !== '');
  };
  const postHooks = renderHooks('post_hook', 'post-hook', node.layerHooks.post);
  const preHooks = renderHooks('pre_hook', 'pre-hook', node.layerHooks.pre);
  const replaceWhere = String(inFile('replace_where') ?? node.config.replaceWhere ?? '');
  const replaceKeys = String(inFile('replace_keys') ?? node.config.replaceKeys ?? '');
  const purge = String(inFile('purge') ?? node.config.purge ?? '');
  const render = (text: string) =>
    isIncremental && text ? context.templates.renderString(text, scope).trim() : undefined;
  const record: CompiledModel = {
    sql,
    postHooks,
    ...(preHooks.length > 0 ? { preHooks } : {}),
    replaceWhere: render(replaceWhere),
    replaceKeys: render(replaceKeys),
    // A purge deletes from the table as it is: there is nothing to purge when the table is built whole.
    purge: render(purge),
  };
  return { record, scope };
}
