import { ProjectErrors, throwIfAny, type ProjectError } from '../errors.js';
import { engineInfo, type EngineInfo } from '../adapters/engines.js';
import { Graph } from '../graph/graph.js';
import { parseProject } from '../graph/parse-project.js';
import type { Node } from '../graph/nodes.js';
import type { LoadedProject } from '../project/load-project.js';
import { newRenderScope, TemplateEngine, type RenderScope } from '../templating/template-engine.js';
import { RelationValue } from './relation-value.js';

/** A parsed project with a checked graph: what every command starts from. */
export interface ProjectGraph {
  project: LoadedProject;
  engine: EngineInfo;
  templates: TemplateEngine;
  graph: Graph;
  lookups: Lookups;
}

/** Creates the template engine of a project for its target. */
export function createTemplateEngine(project: LoadedProject, engine: EngineInfo): TemplateEngine {
  const { target } = project;
  return new TemplateEngine({
    macroFiles: project.files.macroSql,
    vars: project.vars,
    env: project.env,
    target: { name: target.name, type: target.type, schema: engine.schema, threads: target.threads, database: engine.database },
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
  return { project, engine, templates, graph: built.graph!, lookups: lookupsOf(built.graph!) };
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
export function compileScope(context: ProjectGraph, file: string, self: Node['relation'] | undefined, extra: Partial<RenderScope> = {}): RenderScope {
  const { dialect } = context.engine;
  const relationOf = (n: Node | undefined) => (n ? new RelationValue(n.relation, dialect) : '');
  return newRenderScope('compile', file, {
    self: self ? new RelationValue(self, dialect) : undefined,
    resolveRef: (name) => relationOf(context.lookups.byRefName.get(name)),
    resolveSource: (sourceName, table) => relationOf(context.lookups.bySourceKey.get(`${sourceName}.${table}`)),
    ...extra,
  });
}

/** Compiles the given models; returns SQL by node id, or throws every problem at once. */
export function compileModels(context: ProjectGraph, ids: readonly string[]): Map<string, string> {
  const problems: ProjectError[] = [];
  const compiled = new Map<string, string>();
  const files = new Map(context.project.files.modelSql.map((f) => [f.path, f]));
  for (const id of ids) {
    const node = context.graph.nodes.get(id);
    if (node?.kind !== 'model') continue;
    const scope = compileScope(context, node.filePath, node.relation);
    const sql = context.templates.render(files.get(node.filePath)!, scope);
    problems.push(...scope.problems);
    compiled.set(id, sql.trim());
  }
  if (problems.length > 0) throw new ProjectErrors(problems);
  return compiled;
}
