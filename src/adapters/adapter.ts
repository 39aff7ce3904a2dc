import type { Relation } from '../core/nodes.js';
import type { RelationType, Row, Statement, StatementResult } from '../core/statement.js';
import type { ColumnType } from '../core/column-type.js';
import type { PartitionField } from '../core/partition-field.js';

/**
 * Receives the engine's measurements of one query (Athena: bytes scanned and billed, engine time, cost), to be summed
 * per node in run results and the cost report.
 */
export type StatsSink = (stats: Record<string, number>) => void;

/** How one query of a node is run: the node's abort signal (Ctrl-C, --timeout). */
export interface QueryOptions {
  signal?: AbortSignal;
}

/** How the engine differs, so the planner and runner can branch on abilities rather than on engine names. */
export interface AdapterCapabilities {
  /** DDL runs inside transactions: a table can be built and swapped in one atomic transaction. */
  transactionalDdl: boolean;
  /**
   * Landing JSON is loaded into a table line by line, with unreadable lines quarantined in a rejects table
   * (DuckDB), or declared as an external table that the engine reads on every query (Athena).
   */
  externalSources: 'loaded-table' | 'external-table';
  /** `ALTER TABLE ... RENAME TO` works on tables. */
  renameTable: boolean;
  /**
   * Without transactions, each `MERGE INTO` / `DELETE` / `INSERT` on a table is one atomic commit (Athena's Iceberg
   * tables): an incremental model adds its rows by staging them and merging them in one statement.
   */
  mergeInto?: boolean;
  /**
   * A query costs nothing but time (a local engine): the docs may count every relation's rows. Not on Athena, which
   * bills at least 10 MB for every query.
   */
  freeQueries?: boolean;
  /**
   * An existing table is cheaper to bring to its model's rows by deleting and inserting only the rows that differ
   * than by writing it anew (DuckDB, where writing a table's rows into the file dominates rebuilding it). Needs
   * transactional DDL. Athena replaces tables by a rename swap: a DELETE or INSERT there rewrites files anyway.
   */
  tableDifference?: boolean;
  /**
   * Tables may be partitioned (`partitioned_by`), and one query writes at most this many partitions (Athena: 100),
   * so a larger write is split into batches. Engines without it ignore `partitioned_by`.
   */
  maxPartitionsPerWrite?: number;
}

/** Quoting and types of the statements an engine parses with a separate DDL grammar (Athena: Hive's). */
export interface DdlDialect {
  quoteIdentifier(name: string): string;
  /** A string literal by the DDL grammar's rules, where they differ from the query grammar's (Hive escapes with a backslash). */
  quoteString?(value: string): string;
  relation(relation: Relation): string;
  columnType(type: ColumnType): string;
}

/** Pure, engine-specific SQL text: quoting and types. No I/O. */
export interface Dialect {
  quoteIdentifier(name: string): string;
  quoteString(value: string): string;
  relation(relation: Relation): string;
  columnType(type: ColumnType): string;
  /**
   * A SELECT over every line of newline-delimited JSON files: `file`, `line_number`, `raw_line`, `reason` (NULL when
   * the line reads as declared, else why not) and the declared columns (loaded-table engines). With `onlyFiles` (a
   * query of file names), only the lines of those files.
   */
  parseJsonLines?(
    filesOrLocation: string | readonly string[],
    columns: ReadonlyArray<{ name: string; type: ColumnType; jsonKey: string }>,
    onlyFiles?: string,
  ): string;
  /**
   * The engine's own JSON reader over landing files (`rows`: `__stedi_file_number`, the declared columns) and whole-file
   * tests (`fileChecks`: `file_number`, `file`, `clean`, `lines`) proving which files it read as `parseJsonLines`
   * would; undefined when these columns cannot be read so. A landing load then checks line by line only the others.
   */
  readJsonLinesFast?(
    files: readonly string[],
    columns: ReadonlyArray<{ name: string; type: ColumnType; jsonKey: string }>,
  ): { rows: string; fileChecks: string } | undefined;
  /** A query listing the landing files under a location: `file`, `size`, `modified_ms` (loaded-table engines). */
  listLandingFiles?(location: string): string;
  /** A statement that fails, naming the location, when no landing file is there (a mistyped landing_root must not load nothing). */
  checkLandingFiles?(location: string, sourceName: string): string;
  /** A SELECT of the declared columns of the readable lines of landing JSON files (loaded-table engines). */
  readJson?(location: string, columns: ReadonlyArray<{ name: string; type: ColumnType; jsonKey: string }>): string;
  /** DDL (create external table, alter, drop table, create schema) has its own grammar on this engine. */
  ddl?: DdlDialect;
  /**
   * The `with (...)` properties of a CTAS that writes a table to a fresh location named by a build id (Athena),
   * partitioned by `partitioning` when given.
   */
  tableProperties?(relation: Relation, buildId: string, partitioning?: readonly PartitionField[]): string;
  /** Where such a CTAS writes its files (the `location` of tableProperties). */
  tableLocation?(relation: Relation, buildId: string): string;
  /**
   * A table as the engine's snapshot maintenance statements name it (Athena's VACUUM and OPTIMIZE, which follow
   * neither its Hive nor its Trino quoting). Engines whose tables keep old snapshots readable have it.
   */
  maintenanceRelation?(relation: Relation): string;
}

/** The boundary between stedi-models and an engine: the same contract for DuckDB and Athena. */
export interface Adapter {
  readonly type: string;
  readonly capabilities: AdapterCapabilities;
  readonly dialect: Dialect;
  /** Relations that exist in a schema, by identifier (lowercase). An absent schema has none. */
  listRelations(schema: string): Promise<Map<string, RelationType>>;
  /** Table properties of the relations in a schema (Athena's TBLPROPERTIES), by identifier; for declaration fingerprints. */
  listTableProperties?(schema: string): Promise<Map<string, Record<string, string>>>;
  /**
   * Runs the statements of one node's plan in order, in one session (a transaction may span them), and returns
   * a result per statement. A failure throws StatementFailedError naming the statement; an abort stops the plan.
   */
  executePlan(statements: readonly Statement[], options?: QueryOptions): Promise<StatementResult[]>;
  /** Columns of a relation, in order, with the engine's type names; empty when it does not exist. */
  listColumns?(relation: Relation): Promise<Array<{ name: string; type: string }>>;
  /** Columns a query would return, without running it (incremental schema checks). */
  describeQuery?(sql: string, options?: QueryOptions): Promise<Array<{ name: string; type: string }>>;
  /** Makes another database readable under a catalog name (DuckDB files for `--defer`). */
  attachReadOnly?(databasePath: string, catalog: string): Promise<void>;
  /** Runs a query and returns its rows (data tests, debug, docs). */
  query(sql: string, options?: QueryOptions): Promise<Row[]>;
  /**
   * The same engine, with every query sent through the returned adapter measured into `sink`, whether the caller
   * then succeeds or fails: how a node's cost counts all of its queries. Engines that measure nothing omit it.
   * The returned adapter shares the connection (and its query limit); close the original, not it.
   */
  metered?(sink: StatsSink): Adapter;
  /**
   * Grants privileges on a relation just built (dbt's `grants`, by lowercase privilege), where the engine keeps
   * permissions apart from the relation's SQL (Athena: Lake Formation). Engines without it ignore grants.
   */
  applyGrants?(relation: Relation, grants: Readonly<Record<string, readonly string[]>>): Promise<void>;
  /** Facts shown by `stedi-models debug` (engine version, database...). */
  describe(): Promise<Record<string, string>>;
  close(): Promise<void>;
}
