import type { Relation } from '../graph/nodes.js';
import type { ColumnType } from '../project/schema-file.js';

/** One SQL statement of a plan, with what it is for (shown in errors and in target/run files). */
export interface Statement {
  sql: string;
  purpose: string;
  /** The statement's result reports the rows it wrote (a CTAS or INSERT): the node's row count. */
  reportsRows?: boolean;
}

/** What the engine reported for one statement. */
export interface StatementResult {
  rows?: number;
  /** Engine-specific measurements (bytes scanned, engine time...), summed per node in run results. */
  stats?: Record<string, number>;
}

/** The kind of an existing relation in the engine's catalog. */
export type RelationType = 'table' | 'view';

/** How the engine differs, so the planner and runner can branch on abilities rather than on engine names. */
export interface AdapterCapabilities {
  /** DDL runs inside transactions: a table can be built and swapped in one atomic transaction. */
  transactionalDdl: boolean;
  /** Landing JSON is read by a table function in a view (DuckDB) or declared as an external table (Athena). */
  externalSources: 'reader-view' | 'external-table';
  /** `ALTER TABLE ... RENAME TO` works on tables. */
  renameTable: boolean;
}

/** Pure, engine-specific SQL text: quoting and types. No I/O. */
export interface Dialect {
  quoteIdentifier(name: string): string;
  quoteString(value: string): string;
  relation(relation: Relation): string;
  columnType(type: ColumnType): string;
  /** A SELECT that reads newline-delimited JSON files with declared columns (reader-view engines). */
  readJson?(location: string, columns: ReadonlyArray<{ name: string; type: ColumnType; jsonKey: string }>): string;
}

/** Rows of a query result, keyed by column name, with JS values. */
export type Row = Record<string, unknown>;

/** The boundary between stedi-models and an engine: the same contract for DuckDB and Athena. */
export interface Adapter {
  readonly type: string;
  readonly capabilities: AdapterCapabilities;
  readonly dialect: Dialect;
  /** Relations that exist in a schema, by identifier (lowercase). An absent schema has none. */
  listRelations(schema: string): Promise<Map<string, RelationType>>;
  /**
   * Runs the statements of one node's plan in order, in one session (a transaction may span them), and returns
   * a result per statement. A failure throws StatementFailedError naming the statement; an abort stops the plan.
   */
  executePlan(statements: readonly Statement[], options?: { signal?: AbortSignal }): Promise<StatementResult[]>;
  /** Columns of a relation, in order, with the engine's type names; empty when it does not exist. */
  listColumns?(relation: Relation): Promise<Array<{ name: string; type: string }>>;
  /** Runs a query and returns its rows (tests, debug, docs). */
  query(sql: string): Promise<Row[]>;
  /** Facts shown by `stedi-models debug` (engine version, database...). */
  describe(): Promise<Record<string, string>>;
  close(): Promise<void>;
}
