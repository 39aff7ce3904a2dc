import { ProjectError, ProjectErrors, throwIfAny } from '../errors.js';
import { engineInfo } from '../adapters/engines.js';
import type { EngineInfo } from '../adapters/engine-definition.js';
import { Graph } from '../graph/graph.js';
import { parseProject } from '../parse/parse-project.js';
import type { CompiledModel } from '../core/compiled-model.js';
import type { ModelNode, Node } from '../core/nodes.js';
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
  return new TemplateEngine({
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
  });
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
  const relationOf = (n: Node | undefined) => (n ? valueOf(relationFor(n)) : '');
  return newRenderScope('compile', file, {
    self: self ? new RelationValue(self, dialect) : undefined,
    resolveRef: (name) => relationOf(context.lookups.byRefName.get(name)),
    resolveSource: (sourceName, table) => relationOf(context.lookups.bySourceKey.get(`${sourceName}.${table}`)),
    ...extra,
  });
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

/** Compiles the given models into one record each (SQL, hooks, incremental parts), or throws every problem at once. */
export function compileModelRecords(
  context: ProjectGraph,
  ids: readonly string[],
  options: CompileOptions = {},
): Map<string, CompiledModel> {
  const problems: ProjectError[] = [];
  const compiled = new Map<string, CompiledModel>();
  const files = new Map(context.project.files.modelSql.map((f) => [f.path, f]));
  // An ephemeral model is rendered as it is read (never incremental), and its problems are reported once.
  const ephemerals = new EphemeralModels(
    context.engine.dialect,
    (n) => options.deferredRelation?.(n) ?? n.relation,
    (node, relationFor) => {
      const scope = compileScope(context, node.filePath, node.relation, {}, relationFor);
      const sql = context.templates.render(files.get(node.filePath)!, scope);
      problems.push(...scope.problems);
      return sql.trim();
    },
  );
  for (const id of ids) {
    const node = context.graph.nodes.get(id);
    if (node?.kind !== 'model') continue;
    const isIncremental =
      node.config.materialized === 'incremental' && !options.fullRefresh && (options.tableExists?.(node) ?? false);
    const reads: ModelNode[] = [];
    const scope = compileScope(context, node.filePath, node.relation, { isIncremental }, ephemerals.recording(reads));
    const sql = ephemerals.inline(context.templates.render(files.get(node.filePath)!, scope).trim(), reads);
    // A config() call inside the model renders with refs resolved only now, in the compile pass: prefer its values.
    const inFile = (key: string) =>
      scope.configs
        .map((c) => c[key])
        .filter((v) => v !== undefined)
        .at(-1);
    // Hooks are templates too, rendered in the model's scope (`this`, refs, `is_incremental()`). They add up from
    // the project, the yml and config(): the ones config() wrote, rendered now with refs resolved, replace the parse
    // pass's renders of the same calls, which close the merged list.
    const renderHooks = (underscored: string, dashed: string, parsed: readonly string[]) => {
      const written = scope.configs.flatMap((c) =>
        [c[underscored], c[dashed]].filter((h) => h !== undefined).flatMap(hookTexts),
      );
      const templates = [...parsed.slice(0, Math.max(0, parsed.length - written.length)), ...written];
      return templates.map((hook) => context.templates.renderString(hook, scope).trim()).filter((h) => h !== '');
    };
    const hooks = renderHooks('post_hook', 'post-hook', node.config.postHook);
    const preHooks = renderHooks('pre_hook', 'pre-hook', node.config.preHook);
    const replaceWhere = String(inFile('replace_where') ?? node.config.replaceWhere ?? '');
    const replaceKeys = String(inFile('replace_keys') ?? node.config.replaceKeys ?? '');
    const purge = String(inFile('purge') ?? node.config.purge ?? '');
    problems.push(...scope.problems);
    const render = (text: string) =>
      isIncremental && text ? context.templates.renderString(text, scope).trim() : undefined;
    compiled.set(id, {
      sql,
      postHooks: hooks,
      ...(preHooks.length > 0 ? { preHooks } : {}),
      replaceWhere: render(replaceWhere),
      replaceKeys: render(replaceKeys),
      // A purge deletes from the table as it is: there is nothing to purge when the table is built whole.
      purge: render(purge),
    });
  }
  if (problems.length > 0) throw new ProjectErrors(problems);
  return compiled;
}
