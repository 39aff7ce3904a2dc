import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ProjectError } from '../errors.js';
import type { LoadedProject } from '../project/load-project.js';
import type { TemplateEngine } from '../templating/template-engine.js';
import type { Node, Relation } from '../core/nodes.js';

/** A `--state` folder cannot be used (no manifest, unreadable). */
export class StateError extends ProjectError {}

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Where a node's relation is, as far as the project decides it. The database (on DuckDB, the file's name) and the
 * target's default schema are the target's choice, not the node's: a pull-request build writes into a database of
 * its own, and counting that would mark every node modified (dbt's "env-aware" comparison drops them too). So is
 * the target schema prefixed to a custom schema (`<target schema>_marts`, dbt's generate_schema_name default).
 */
function placement(relation: Relation, targetSchema: string): unknown {
  const { schema } = relation;
  const prefix = `${targetSchema}_`;
  return {
    schema:
      schema === targetSchema ? null : schema.startsWith(prefix) ? `<target>_${schema.slice(prefix.length)}` : schema,
    identifier: relation.identifier,
  };
}

/** What a node's definition depends on, so that a change to any of it marks the node `state:modified`. */
function definition(node: Node, targetSchema: string): unknown {
  switch (node.kind) {
    case 'model':
      return { sql: node.rawSql, config: node.config, relation: placement(node.relation, targetSchema) };
    case 'source':
      return {
        external: node.external ?? null,
        relation: placement(node.relation, targetSchema),
        columns: node.columns.map((c) => [c.name, c.dataType ?? null]),
      };
    case 'seed':
      return { csv: node.csvText, types: node.columnTypes, relation: placement(node.relation, targetSchema) };
    case 'data_test':
      return {
        test: node.testName ?? null,
        sql: node.rawSql ?? null,
        args: node.args,
        config: node.config,
        on: node.attachedTo ?? null,
        column: node.columnName ?? null,
      };
    case 'unit_test':
      return { given: node.given, expect: node.expectRows, vars: node.varOverrides, on: node.attachedTo };
    default: {
      const never: never = node;
      return never;
    }
  }
}

/**
 * A checksum of everything that defines a node: its own text and config, the values of the vars it reads, and the
 * files of the macros it calls (a generic test: its test macro's file). `targetSchema` is the target's default
 * schema, which does not count (see placement()).
 */
export function nodeFingerprint(
  node: Node,
  project: LoadedProject,
  templates: TemplateEngine,
  targetSchema: string,
): string {
  const macroNames =
    node.kind === 'model'
      ? node.macrosUsed
      : node.kind === 'data_test' && node.testName
        ? [`test_${node.testName}`]
        : [];
  const macroFiles = [...new Set(macroNames.flatMap((m) => [...(templates.macroFiles.get(m) ?? [])]))].sort();
  const hashes = macroFileHashes(project);
  const vars = node.kind === 'model' ? Object.fromEntries(node.varsUsed.map((v) => [v, project.vars[v] ?? null])) : {};
  return sha(
    JSON.stringify({
      definition: definition(node, targetSchema),
      vars,
      macros: macroFiles.map((f) => [f, hashes.get(f) ?? sha(f)]),
    }),
  );
}

const macroHashesByFiles = new WeakMap<LoadedProject['files']['macroSql'], Map<string, string>>();

/** The hash of each macro file's text by path, computed once per project rather than once per node that calls it. */
function macroFileHashes(project: LoadedProject): Map<string, string> {
  let hashes = macroHashesByFiles.get(project.files.macroSql);
  if (!hashes) {
    hashes = new Map();
    // The first file of a path wins, as a lookup with find() would.
    for (const file of project.files.macroSql) if (!hashes.has(file.path)) hashes.set(file.path, sha(file.text));
    macroHashesByFiles.set(project.files.macroSql, hashes);
  }
  return hashes;
}

/** A previous invocation's artifacts, read from `--state DIR`: what `state:` and `result:` selectors compare with. */
export interface PreviousState {
  dir: string;
  fingerprints: Map<string, string>;
  /** Relation names of the previous target's nodes, for `--defer`. */
  relations: Map<string, { database: string | null; schema: string; identifier: string }>;
  /** The previous target's DuckDB file, when it was DuckDB (deferred refs attach it). */
  databasePath?: string;
  /** Status of each node in the previous run_results.json, when there is one. */
  results: Map<string, string>;
  /** The vars the state was built with (absent from manifests written before they were recorded). */
  vars?: Record<string, unknown>;
}

/** Reads `manifest.json` (and `run_results.json` when present) of a previous invocation. */
export function readState(dir: string): PreviousState {
  const manifestPath = path.join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new StateError(
      `--state ${dir}: no manifest.json there. Point --state at the target/ folder of the run to compare with (e.g. production's artifacts).`,
    );
  }
  let manifest: {
    metadata?: { target?: { database_path?: string }; vars?: Record<string, unknown> };
    nodes?: Record<string, { fingerprint?: string; database?: string | null; schema: string; alias: string }>;
  };
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new StateError(`--state ${manifestPath}: not valid JSON (${(error as Error).message}).`);
  }
  const nodes = Object.entries(manifest.nodes ?? {});
  const resultsPath = path.join(dir, 'run_results.json');
  const results = existsSync(resultsPath)
    ? new Map(
        (JSON.parse(readFileSync(resultsPath, 'utf8')).results as Array<{ unique_id: string; status: string }>).map(
          (r) => [r.unique_id, r.status],
        ),
      )
    : new Map<string, string>();
  return {
    dir,
    fingerprints: new Map(nodes.filter(([, n]) => n.fingerprint).map(([id, n]) => [id, n.fingerprint!])),
    relations: new Map(
      nodes.map(([id, n]) => [id, { database: n.database ?? null, schema: n.schema, identifier: n.alias }]),
    ),
    databasePath: manifest.metadata?.target?.database_path,
    results,
    vars: manifest.metadata?.vars,
  };
}
