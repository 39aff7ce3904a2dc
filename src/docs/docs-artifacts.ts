import type { ColumnFacts } from '../lineage/column-facts.js';
import { z } from 'zod';
import { ProjectError } from '../errors.js';

// Typed views of the artifacts the site is built from. They are loose on purpose: the manifest gains fields as
// the tool grows (data tests, seeds, engines), and docs should read what it knows and ignore the rest.

const columnSchema = z.looseObject({
  name: z.string(),
  description: z.string().default(''),
  data_type: z.string().nullable().default(null),
});

const manifestNodeSchema = z.looseObject({
  unique_id: z.string(),
  resource_type: z.string(),
  name: z.string(),
  original_file_path: z.string().default(''),
  description: z.string().default(''),
  tags: z.array(z.string()).default([]),
  relation_name: z.string().default(''),
  database: z.string().nullable().optional(),
  schema: z.string().default(''),
  alias: z.string().default(''),
  columns: z.record(z.string(), columnSchema).default({}),
  config: z
    .looseObject({
      materialized: z.string().optional(),
      zone: z.string().optional(),
      privacy: z.array(z.string()).optional(),
    })
    .optional(),
  raw_code: z.string().nullable().optional(),
  compiled_code: z.string().nullable().optional(),
  source_name: z.string().optional(),
  external: z.looseObject({ location: z.string(), format: z.string() }).nullable().optional(),
  // Seeds: types declared in yml `config.column_types`; other columns load as strings.
  column_types: z.record(z.string(), z.string()).optional(),
  // Data tests (generic: the name and arguments as declared in yml).
  test_name: z.string().nullable().optional(),
  attached_node: z.string().nullable().optional(),
  column_name: z.string().nullable().optional(),
  test_args: z.record(z.string(), z.unknown()).optional(),
  // Models: the vars their SQL reads, whose values (metadata.vars) decided what the relation holds.
  vars_used: z.array(z.string()).optional(),
});

const manifestSchema = z.looseObject({
  metadata: z.looseObject({
    generated_at: z.string(),
    project_name: z.string(),
    target: z.looseObject({ name: z.string(), type: z.string() }),
    vars: z.record(z.string(), z.unknown()).optional(),
  }),
  nodes: z.record(z.string(), manifestNodeSchema),
  parent_map: z.record(z.string(), z.array(z.string())),
  child_map: z.record(z.string(), z.array(z.string())),
});

const runResultsSchema = z.looseObject({
  metadata: z.looseObject({ generated_at: z.string(), command: z.string().optional() }),
  results: z.array(
    z.looseObject({
      unique_id: z.string(),
      status: z.string(),
      rows: z.number().nullable().optional(),
      failures: z.number().nullable().optional(),
      message: z.string().nullable().optional(),
      completed_at: z.string().nullable().optional(),
    }),
  ),
});

/** target/manifest.json as docs reads it. */
export type Manifest = z.output<typeof manifestSchema>;
export type ManifestNode = z.output<typeof manifestNodeSchema>;
/** target/run_results.json as docs reads it. */
export type RunResults = z.output<typeof runResultsSchema>;

/** Columns of one relation as the engine's catalog reports them, in table order. */
export interface CatalogTable {
  columns: Array<{ name: string; type: string }>;
  /** Rows in the relation when the docs were generated, where the engine counts for free. */
  rows?: number;
}

/** target/catalog.json: what the engine says exists, or why it could not be asked. */
export interface Catalog {
  generated_at: string;
  /** `read`: the engine answered; `unavailable`: it could not be asked (no database yet, engine error). */
  status: 'read' | 'unavailable';
  message?: string;
  /** By node unique id; a node missing here does not exist on the engine (not built yet). */
  nodes: Record<string, CatalogTable>;
}

/** Tests and SQL that the manifest does not carry, taken from the parsed project. */
export interface ProjectExtras {
  /** Tests declared on a node and on its columns, as written in yml. */
  declaredTests: Record<string, { node: unknown[]; columns: Record<string, unknown[]> }>;
  /** The SELECT a source's view runs (reader-view engines), by unique id. */
  sourceSql: Record<string, string>;
  /** Column lineage and identifier facts by node id and lower-case column name (src/lineage/column-facts.ts). */
  columnFacts?: Record<string, Record<string, ColumnFacts>>;
  /** Column name patterns (SQL LIKE) of direct identifiers, from the seed identifier_columns the privacy audit reads. */
  identifierPatterns?: Array<{ pattern: string; reason: string }>;
  /** The first sentence of the comment opening each generic test's file, by test name: what the test promises. */
  testDescriptions?: Record<string, string>;
}

/** Everything the site is built from. */
export interface DocsInput {
  manifest: Manifest;
  catalog: Catalog;
  runResults?: RunResults;
  /** Why run_results.json was not used, when it exists but could not be read. */
  runResultsProblem?: string;
  /** Each node's result from the latest invocation that ran it (target/latest_results.json), by unique id. */
  latestResults?: Record<
    string,
    RunResults['results'][number] & { invocation?: { command: string; generated_at: string } }
  >;
  extras: ProjectExtras;
}

/** An artifact under target/ is not what this version of stedi-models writes. */
export class ArtifactFormatError extends ProjectError {}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, file: string, fix: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new ArtifactFormatError(
    `${file}: not a file this version of stedi-models can read (${problems.join('; ')}). ${fix}`,
  );
}

/** Checks a parsed target/manifest.json. */
export function parseManifest(value: unknown, file = 'target/manifest.json'): Manifest {
  return parseWith(manifestSchema, value, file, 'Run `stedi-models compile` to write it again.');
}

/** Checks a parsed target/run_results.json. */
export function parseRunResults(value: unknown, file = 'target/run_results.json'): RunResults {
  return parseWith(runResultsSchema, value, file, 'Run `stedi-models run` to write it again.');
}
