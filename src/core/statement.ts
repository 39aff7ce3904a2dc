/** One SQL statement of a plan, with what it is for (shown in errors and in target/run files). */
export interface Statement {
  sql: string;
  purpose: string;
  /** The statement's result reports the rows it wrote (a CTAS or INSERT): the node's row count. */
  reportsRows?: boolean;
  /** The rows the statement wrote or deleted are added to the node's stats under this name (e.g. rows_deleted). */
  countsAs?: string;
  /** The statement is a query whose result rows the plan needs (e.g. per-file load counts). */
  returnsRecords?: boolean;
  /**
   * False when running it again after the engine failed it is unsafe: a CTAS whose failed attempt may have left files
   * at its location. Other statements may be retried on transient failures (commit conflicts, internal errors).
   */
  retryable?: boolean;
  /**
   * The statement drops what the plan staged outside its transaction or beside the published relation. `always`:
   * it runs in its place and again after a failure (after the rollback); `on-failure`: only after a failure.
   */
  cleanup?: 'always' | 'on-failure';
  /**
   * The statement audits the rows about to be published with one data test: a query of one row with `failures` (the
   * test's failing rows) and `blocks` (true when that count meets the test's error condition). When it blocks, or
   * answers no row, the adapter fails the plan there (AuditFailedError): nothing after it, the publishing step
   * included, is sent.
   */
  audit?: { test: string };
  /**
   * The engine may answer that the statement did part of its work and must be sent again (Athena's VACUUM and
   * OPTIMIZE fail with ICEBERG_VACUUM_MORE_RUNS_NEEDED on a table with much to do): while its failure names `error`,
   * the statement is run again, at most `maxRuns` times in all. These runs are not retries and do not use them up.
   */
  repeatWhile?: { error: string; maxRuns: number };
  /**
   * The statement only tidies up (drops an old table after the new one is published, or a leftover of an earlier
   * run): when it fails, the plan goes on and the node succeeds with a warning, this text saying what is left and
   * what will remove it. Honoured by engines without transactional DDL, where such a statement runs outside any
   * transaction; a planner for a transactional engine never sets it.
   */
  warnOnFailure?: string;
  /**
   * The storage location the statement writes a new table's files to, its build's own (an Athena CTAS). When the
   * engine fails the statement, the files it may have written there are deleted.
   */
  location?: string;
  /**
   * The statement is sent once per batch of a write split to respect an engine's limit (Athena writes at most 100
   * partitions per query): `countSql` answers one row with `batches`; the statement as planned is the first batch's,
   * `first`, and names it as `marker`, which is replaced by each later batch's number in turn (so the planned text is
   * a real statement, checked as any other). With fewer batches than `first + 1` it is not sent.
   */
  eachBatch?: { countSql: string; marker: string; first: number };
  /**
   * The statement is sent only when `sql`, a query answering one row with a boolean `due`, says so (scheduled table
   * maintenance, due after so many commits); statements of a plan with the same check share one answer.
   */
  onlyIf?: { sql: string };
  /** The statement maintains a table (OPTIMIZE, VACUUM): its cost is reported apart too. */
  maintenance?: boolean;
}

/** What the engine reported for one statement. */
export interface StatementResult {
  rows?: number;
  records?: Row[];
  /** A `warnOnFailure` statement failed: why, and what it left. */
  warning?: string;
}

/** The kind of an existing relation in the engine's catalog. */
export type RelationType = 'table' | 'view';

/** Rows of a query result, keyed by column name, with JS values. */
export type Row = Record<string, unknown>;
