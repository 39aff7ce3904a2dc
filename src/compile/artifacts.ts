import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TOOL_VERSION } from '../core/tool-version.js';
import { writeFileAtomic } from '../core/write-file-atomic.js';
import { nodeFingerprint } from '../graph/state.js';
import type { ModelLineage } from '../core/column-lineage.js';
import type { Node } from '../core/nodes.js';
import type { ProjectGraph } from './compile-project.js';

/** Writes a generated file of an invocation, with secret values masked. */
export function writeArtifact(context: ProjectGraph, file: string, content: string): void {
  writeFileAtomic(path.resolve(context.project.dir, file), context.project.mask(content));
}

/** The folder of generated files (`target/` by default), absolute. */
export function targetDir(context: ProjectGraph): string {
  return path.resolve(context.project.dir, context.project.file.targetPath);
}

/** Where a node's SQL goes under target/compiled or target/run, relative to the project. */
export function nodeSqlPath(context: ProjectGraph, node: Node, stage: 'compiled' | 'run'): string {
  const file =
    node.kind === 'model'
      ? node.filePath
      : node.kind === 'source'
        ? `sources/${node.sourceName}/${node.name}.sql`
        : node.kind === 'data_test'
          ? `tests/${node.name}.sql`
          : node.kind === 'unit_test'
            ? `unit_tests/${node.name}.sql`
            : `seeds/${node.name}.sql`;
  return path.posix.join(context.project.file.targetPath, stage, file);
}

/** The text of a file, or undefined when it cannot be read (absent). */
function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The names in a folder, or an empty set when it does not exist (yet). */
function namesIn(folder: string): Set<string> {
  try {
    return new Set(readdirSync(folder));
  } catch {
    return new Set();
  }
}

/**
 * Writes each compiled SQL to target/compiled/<model path>. A file that already holds the same SQL is left alone:
 * on a re-compile most models have not changed, and reading a file costs far less than writing it. Each folder is
 * listed (and created) once, so a missing file costs no failed read; the files are written in place, not by temp
 * file and rename as the artifacts are: nothing reads target/compiled while a command writes it, and a file left
 * half-written by a crash differs from its SQL, so the next compile writes it again.
 */
export function writeCompiledSql(context: ProjectGraph, compiled: ReadonlyMap<string, string>): void {
  const folders = new Map<string, Set<string>>();
  for (const [id, sql] of compiled) {
    const node = context.graph.nodes.get(id)!;
    const file = path.resolve(context.project.dir, nodeSqlPath(context, node, 'compiled'));
    const content = context.project.mask(`${sql}\n`);
    const folder = path.dirname(file);
    let names = folders.get(folder);
    if (!names) {
      names = namesIn(folder);
      if (names.size === 0) mkdirSync(folder, { recursive: true });
      folders.set(folder, names);
    }
    if (names.has(path.basename(file)) && readIfPresent(file) === content) continue;
    writeFileSync(file, content);
  }
}

function manifestNode(
  context: ProjectGraph,
  node: Node,
  compiled: ReadonlyMap<string, string>,
  lineage: ReadonlyMap<string, ModelLineage> | undefined,
): Record<string, unknown> {
  const { dialect } = context.engine;
  const common = {
    unique_id: node.uniqueId,
    resource_type: node.kind,
    name: node.name,
    fqn: node.fqn ?? null,
    original_file_path: node.filePath,
    description: node.description,
    tags: node.tags,
    relation_name: dialect.relation(node.relation),
    fingerprint: nodeFingerprint(node, context.project, context.templates, context.engine.schema),
    database: node.relation.database ?? null,
    schema: node.relation.schema,
    alias: node.relation.identifier,
    columns: Object.fromEntries(
      node.columns.map((c) => [c.name, { name: c.name, description: c.description, data_type: c.dataType ?? null }]),
    ),
    depends_on: { nodes: [...(context.graph.parents.get(node.uniqueId) ?? [])] },
  };
  if (node.kind === 'source') {
    return { ...common, source_name: node.sourceName, external: node.external ?? null };
  }
  const sql = compiled.get(node.uniqueId);
  if (node.kind === 'seed') return { ...common, column_types: node.columnTypes };
  if (node.kind === 'unit_test') {
    return {
      ...common,
      attached_node: node.attachedTo,
      given: node.given,
      expect: node.expectRows,
      overrides: { vars: node.varOverrides },
    };
  }
  if (node.kind === 'data_test') {
    return {
      ...common,
      test_name: node.testName ?? null,
      attached_node: node.attachedTo ?? null,
      column_name: node.columnName ?? null,
      test_args: node.args,
      config: node.config,
      compiled_code: sql ?? null,
      compiled_path: sql === undefined ? null : nodeSqlPath(context, node, 'compiled'),
    };
  }
  return {
    ...common,
    config: node.config,
    raw_code: node.rawSql,
    compiled_code: sql ?? null,
    compiled_path: sql === undefined ? null : nodeSqlPath(context, node, 'compiled'),
    refs: node.refs,
    sources: node.sources,
    vars_used: node.varsUsed,
    macros_used: node.macrosUsed,
    patch_path: node.patchPath ?? null,
    column_lineage: lineage?.get(node.uniqueId) ?? null,
  };
}

/**
 * Writes target/manifest.json: every node, its config, dependencies and compiled SQL, and a model's column lineage
 * when the command computed it (null otherwise: lineage is computed only where needed, src/lineage).
 */
export function writeManifest(
  context: ProjectGraph,
  compiled: ReadonlyMap<string, string>,
  command: string,
  lineage?: ReadonlyMap<string, ModelLineage>,
): void {
  const { graph, project } = context;
  const database = context.engine.definition.localDatabase?.(project.target, project.dir);
  const manifest = {
    metadata: {
      tool: 'stedi-models',
      tool_version: TOOL_VERSION,
      generated_at: new Date().toISOString(),
      command,
      project_name: project.file.name,
      target: {
        name: project.target.name,
        type: project.target.type,
        // Where a DuckDB target's database is, so that a later `--state ... --defer` can read its relations.
        ...(database ? { database_path: database.file } : {}),
      },
      // The vars this invocation resolved: `--state` compares them with its own, since a node reading a var whose
      // value differs counts as modified.
      vars: project.vars,
    },
    nodes: Object.fromEntries(
      graph.order.map((id) => [id, manifestNode(context, graph.nodes.get(id)!, compiled, lineage)]),
    ),
    // dbt's docs blocks, by `doc.<project>.<name>`: the text descriptions include with doc().
    docs: Object.fromEntries(
      [...context.templates.docs.values()].map((block) => [
        `doc.${project.file.name}.${block.name}`,
        {
          name: block.name,
          unique_id: `doc.${project.file.name}.${block.name}`,
          package_name: project.file.name,
          original_file_path: block.file,
          block_contents: block.text,
        },
      ]),
    ),
    parent_map: Object.fromEntries(graph.order.map((id) => [id, [...graph.parents.get(id)!]])),
    child_map: Object.fromEntries(graph.order.map((id) => [id, [...graph.children.get(id)!]])),
  };
  writeArtifact(context, path.join(targetDir(context), 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
