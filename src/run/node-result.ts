/** How one node of an invocation ended. */
export type NodeStatus = 'success' | 'error' | 'skipped' | 'warn' | 'pass' | 'fail';

/** The outcome of one node: what run_results.json records and the reporter prints. */
export interface NodeResult {
  uniqueId: string;
  name: string;
  kind: string;
  status: NodeStatus;
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

/** What the work function of a node reports on success. */
export interface NodeOutcome {
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

/** Events the runner emits while it works, for reporters. */
export type RunEvent =
  | { type: 'run_started'; total: number; threads: number }
  | { type: 'node_started'; uniqueId: string; name: string; index: number; total: number }
  | { type: 'node_finished'; result: NodeResult; index: number; total: number }
  | { type: 'run_finished'; results: NodeResult[]; seconds: number };
