import { ProjectErrors, throwIfAny, type ProjectError } from '../errors.js';
import { engineInfo, type EngineInfo } from '../adapters/engines.js';
import { Graph } from '../graph/graph.js';
import { parseProject } from '../graph/parse-project.js';
import type { Node } from '../graph/nodes.js';
import type { LoadedProject } from '../project/load-project.js';
import { newRenderScope, TemplateEngine } from '../templating/template-engine.js';
import { RelationValue } from './relation-value.js';

/** A parsed project with a checked graph: what every command starts from. */
export interface ProjectGraph {
  project: LoadedProject;
  engine: EngineInfo;
  templates: TemplateEngine;
  graph: Graph;
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
  });
}

/** Parses every file and builds the DAG; throws every problem found, all at once. */
export function buildProjectGraph(project: LoadedProject): ProjectGraph {
  const engine = engineInfo(project.target);
  const templates = createTemplateEngine(project, engine);
  const parsed = parseProject(project, templates, engine);
  const built = Graph.build(parsed.models, parsed.sources);
  throwIfAny([...parsed.problems, ...built.problems]);
  return { project, engine, templates, graph: built.graph! };
}

/** The compile pass for one model: renders it with `ref()` and `source()` resolved to relations. */
interface Lookups {
  models: Map<string, Node>;
  sources: Map<string, Node>;
  files: Map<string, { path: string; text: string }>;
}

function compileModel(context: ProjectGraph, lookups: Lookups, node: Node & { kind: 'model' }, problems: ProjectError[]): string {
  const { engine, templates } = context;
  const relationOf = (n: Node | undefined) => (n ? new RelationValue(n.relation, engine.dialect) : '');
  const scope = newRenderScope('compile', node.filePath, {
    self: new RelationValue(node.relation, engine.dialect),
    resolveRef: (name) => relationOf(lookups.models.get(name)),
    resolveSource: (sourceName, table) => relationOf(lookups.sources.get(`${sourceName}.${table}`)),
  });
  const sql = templates.render(lookups.files.get(node.filePath)!, scope);
  problems.push(...scope.problems);
  return sql.trim();
}

/** Compiles the given models; returns SQL by node id, or throws every problem at once. */
export function compileModels(context: ProjectGraph, ids: readonly string[]): Map<string, string> {
  const problems: ProjectError[] = [];
  const compiled = new Map<string, string>();
  const lookups: Lookups = { models: new Map(), sources: new Map(), files: new Map(context.project.files.modelSql.map((f) => [f.path, f])) };
  for (const n of context.graph.nodes.values()) {
    if (n.kind === 'model') lookups.models.set(n.name, n);
    else lookups.sources.set(`${n.sourceName}.${n.name}`, n);
  }
  for (const id of ids) {
    const node = context.graph.nodes.get(id);
    if (node?.kind === 'model') compiled.set(id, compileModel(context, lookups, node, problems));
  }
  if (problems.length > 0) throw new ProjectErrors(problems);
  return compiled;
}
