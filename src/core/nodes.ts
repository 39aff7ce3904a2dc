import type { ModelConfig } from './model-config.js';
import type { ColumnType } from './column-type.js';

/** Where a relation lives on the engine. */
export interface Relation {
  /** The catalog, where the engine needs it to tell a schema from a database of the same name (DuckDB). */
  database?: string;
  schema: string;
  identifier: string;
}

/** A column as documented in a schema yml (and, for sources, as declared). */
export interface ColumnInfo {
  name: string;
  description: string;
  dataType?: string;
  /** For JSON sources: the key in the file (camelCase) the column reads. */
  jsonKey?: string;
  tests: unknown[];
}

interface BaseNode {
  /** Unique id for maps and dependencies, e.g. `model.stedi.customer_trusted`. */
  uniqueId: string;
  /** Name people use in selectors, refs and output. */
  name: string;
  /**
   * dbt's fully qualified name, for `fqn:` selectors: the project, the folders under the node's resource path, then
   * its name (a source: its source and table names). Set by the parse pass.
   */
  fqn?: string[];
  /** Path of the defining file relative to the project. */
  filePath: string;
  description: string;
  tags: string[];
  relation: Relation;
  columns: ColumnInfo[];
}

/** A SQL model file. */
export interface ModelNode extends BaseNode {
  kind: 'model';
  rawSql: string;
  config: ModelConfig;
  /** Unique ids of the nodes this model reads (refs and sources). */
  dependsOn: string[];
  refs: string[];
  sources: Array<[string, string]>;
  varsUsed: string[];
  macrosUsed: string[];
  /** Schema-yml file that documents this model, if any. */
  patchPath?: string;
  /** Data tests declared on the model and its columns, as written; built by the data-test stage. */
  declaredTests: unknown[];
  /**
   * The hooks of the project file and schema yml alone: config() calls may write others, which the compile pass
   * renders again and adds after these (a call may run at compile time only, under `execute`).
   */
  layerHooks: { pre: string[]; post: string[] };
}

/** A source table; with an external location it is created over landing files (JSON). */
export interface SourceNode extends BaseNode {
  kind: 'source';
  sourceName: string;
  external?: {
    location: string;
    format: 'json';
    maxRejectedRows?: number;
    maxRejectedFraction?: number;
    columns: Array<{ name: string; type: ColumnType; jsonKey: string }>;
  };
  /** dbt's freshness criteria, for `source freshness` (the table's own, else its source's). */
  freshness?: SourceFreshness;
  declaredTests: unknown[];
}

/** A span of dbt's freshness criteria, e.g. 12 hours. */
export interface FreshnessSpan {
  count: number;
  period: 'minute' | 'hour' | 'day';
}

/** When a source's newest row is too old: warn after one span, fail after another. */
export interface SourceFreshness {
  warnAfter?: FreshnessSpan;
  errorAfter?: FreshnessSpan;
  /** A SQL condition: only rows that meet it count. */
  filter?: string;
  /** The column (or SQL expression) whose maximum is the last load time. */
  loadedAtField?: string;
}

/** Severity of a data test: an `error` fails the invocation and blocks what depends on the tested model. */
export type TestSeverity = 'error' | 'warn';

/** Config of one data test (dbt's names). */
export interface DataTestConfig {
  severity: TestSeverity;
  /** Conditions on the failure count, e.g. `!=0`, `>10`. */
  warnIf: string;
  errorIf: string;
  /** A SQL condition that filters the tested relation first. */
  where?: string;
  /** At most this many failing rows are counted and stored. */
  limit?: number;
  storeFailures: boolean;
  tags: string[];
  /** Audits its model's new rows before they are published in `run` too, not only in `build` (privacy tests). */
  blocking: boolean;
}

/** A data test: SQL that selects failing rows, generic (from a yml declaration) or singular (tests/*.sql). */
export interface DataTestNode extends BaseNode {
  kind: 'data_test';
  /** The generic test's name (`not_null`, `consented`...), or undefined for a singular test. */
  testName?: string;
  /** The node the test is declared on (generic tests), for `--select <model>` and for blocking its children. */
  attachedTo?: string;
  columnName?: string;
  /** Arguments as written in yml (strings may hold templates such as `ref('x')`). */
  args: Record<string, unknown>;
  config: DataTestConfig;
  /** For singular tests, the SQL file's template text. */
  rawSql?: string;
  dependsOn: string[];
  refs: string[];
  sources: Array<[string, string]>;
}

/** A CSV file loaded as a table by `seed`. */
export interface SeedNode extends BaseNode {
  kind: 'seed';
  csvText: string;
  /** Declared column types (seed yml or project file `column_types`); other columns are inferred from their values when loaded. */
  columnTypes: Record<string, string>;
  declaredTests: unknown[];
}

/** Rows of a unit test fixture, as written in yml. */
export type FixtureRow = Record<string, unknown>;

/** A model unit test: the model's SQL run on an in-memory DuckDB against given input rows, compared with expected rows. */
export interface UnitTestNode extends BaseNode {
  kind: 'unit_test';
  /** The model under test. */
  attachedTo: string;
  given: Array<{ input: string; rows: FixtureRow[] }>;
  expectRows: FixtureRow[];
  varOverrides: Record<string, unknown>;
  envOverrides: Record<string, string>;
  dependsOn: string[];
}

/** Every kind of node in the graph. */
export type Node = ModelNode | SourceNode | DataTestNode | SeedNode | UnitTestNode;

/** Nodes that the `run` command materializes: models (not ephemeral ones), and sources with an external location. */
export function isRunnable(node: Node): boolean {
  switch (node.kind) {
    case 'model':
      // An ephemeral model is never built: the models that read it hold its query as a CTE.
      return node.config.enabled && node.config.materialized !== 'ephemeral';
    case 'source':
      return node.external !== undefined;
    case 'data_test':
    case 'seed':
    case 'unit_test':
      return false;
    default: {
      const never: never = node;
      return never;
    }
  }
}

/** The id of a model, from the project name and model name. */
export function modelId(project: string, name: string): string {
  return `model.${project}.${name}`;
}

/** The id of a seed. */
export function seedId(project: string, name: string): string {
  return `seed.${project}.${name}`;
}

/** The id of a data test. */
export function testId(project: string, name: string): string {
  return `test.${project}.${name}`;
}

/** The id of a source table. */
export function sourceId(project: string, sourceName: string, table: string): string {
  return `source.${project}.${sourceName}.${table}`;
}
