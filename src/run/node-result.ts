/** How one node of an invocation ended. */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'warn' | 'pass' | 'fail';

/**
 * Why a node was skipped. The runner skips a node whose upstream failed or was skipped (`upstream`) and what had not
 * started when the run was stopped (`interrupted`). A data test skips itself when it checks nothing: its author
 * switched it off with skip_test() (`switched_off`), or a relation it reads does not exist (`relation_missing`).
 */
export type SkipCause = 'upstream' | 'interrupted' | 'switched_off' | 'relation_missing';

/** The outcome of one node: what run_results.json records and the reporter prints. */
export interface NodeResult {
  uniqueId: string;
  name: string;
  kind: string;
  status: NodeStatus;
  /** Why it was skipped; set exactly when the status is `skipped`. */
  skip?: SkipCause;
  /** What was built, as people read it: `table stedi.customer_trusted`. */
  description: string;
  rows?: number;
  /** Failing rows of a data test. */
  failures?: number;
  seconds: number;
  startedAt?: string;
  completedAt?: string;
  message?: string;
  /** The file with the compiled SQL or the executed statements, relative to the project. */
  sqlPath?: string;
  stats?: Record<string, number>;
  /** For a landing load: lines loaded and rejected per file. */
  landingFiles?: LandingFileCount[];
  /** The data tests that audited a model's new rows before they were published, with the failing rows each found. */
  audits?: AuditCount[];
}

/** One audit of a model's new rows: the test and the failing rows it counted (below its error condition). */
export interface AuditCount {
  test: string;
  failures: number;
}

/** Lines of one landing file that were loaded and rejected. */
export interface LandingFileCount {
  file: string;
  loaded: number;
  rejected: number;
}

/** What the work function of a node reports: it ran, or (a data test) it checked nothing and says why. */
export type NodeOutcome = RanOutcome | SkippedTestOutcome;

/** What the work function of a node that ran reports. */
export interface RanOutcome {
  status?: 'success' | 'warn' | 'pass' | 'fail' | 'error';
  description: string;
  rows?: number;
  failures?: number;
  message?: string;
  sqlPath?: string;
  stats?: Record<string, number>;
  landingFiles?: LandingFileCount[];
  audits?: AuditCount[];
}

/** A data test that checked nothing: the message says why, and how to make it check. */
export interface SkippedTestOutcome {
  status: 'skipped';
  skip: 'switched_off' | 'relation_missing';
  description: string;
  message: string;
  sqlPath?: string;
}

/**
 * Whether a node that ended this way lets the nodes that wait for it run. A test its author switched off checks
 * nothing by design and holds nothing back. A test that could not run (a relation it reads is missing) holds back
 * what it guards, as an error does, whatever its severity.
 */
export function letsDependentsRun(result: Pick<NodeResult, 'status' | 'skip'>): boolean {
  if (result.status === 'error' || result.status === 'fail') return false;
  return result.status !== 'skipped' || result.skip === 'switched_off';
}

/**
 * Whether a node that ended this way fails the invocation (exit 1): an error, a failing error-severity test, or a
 * test that could not run because a relation it reads does not exist (a check that did not run is not a pass; dbt
 * errors there too). A switched-off test does not; a node skipped for another's sake follows from that one's result.
 */
export function failsInvocation(result: Pick<NodeResult, 'status' | 'skip'>): boolean {
  return (
    result.status === 'error' ||
    result.status === 'fail' ||
    (result.status === 'skipped' && result.skip === 'relation_missing')
  );
}

/** What an invocation is about to do, before it connects: the run's header. */
export interface InvocationStarted {
  type: 'invocation_started';
  command: string;
  version: string;
  target: string;
  /** The engine's label (DuckDB, Athena) and where the target's relations are (a database file, a database). */
  engine: string;
  location: string;
  /** Nodes of the project by kind, and how many of them this invocation selected. */
  found: Record<string, number>;
  selected: number;
  /** `--dry-run`: every statement is planned and written down, none is sent. */
  dryRun: boolean;
}

/** Events the runner emits while it works, for reporters. */
export type RunEvent =
  | InvocationStarted
  | { type: 'run_started'; total: number; threads: number }
  | { type: 'node_started'; uniqueId: string; name: string; index: number; total: number }
  | { type: 'node_finished'; result: NodeResult; index: number; total: number }
  /** `engine`: the label of the engine the nodes ran on (its definition's), for the cost line. */
  | { type: 'run_finished'; results: NodeResult[]; seconds: number; engine?: string };

/**
 * A node's result as run_results.json records it, in snake_case. `relation` there is what was built as people read
 * it (`table stedi.customer_trusted`), kept for the readers of earlier files.
 */
export function resultRecord(r: NodeResult): Record<string, unknown> {
  return {
    unique_id: r.uniqueId,
    name: r.name,
    resource_type: r.kind,
    status: r.status,
    ...(r.skip ? { skip_cause: r.skip } : {}),
    relation: r.description,
    rows: r.rows ?? null,
    failures: r.failures ?? null,
    execution_seconds: r.seconds,
    started_at: r.startedAt ?? null,
    completed_at: r.completedAt ?? null,
    message: r.message ?? null,
    sql_path: r.sqlPath ?? null,
    stats: r.stats ?? {},
    ...(r.audits ? { audits: r.audits } : {}),
    ...(r.landingFiles ? { landing_files: r.landingFiles } : {}),
  };
}
