/** Athena's price per byte scanned: 5 USD per TB (binary units, as the megabyte rounding below). */
export const USD_PER_TB = 5;
const MB = 1024 ** 2;
const TB = 1024 ** 4;
/** Athena bills at least 10 MB for every query that scans data. */
export const MINIMUM_BILLED_BYTES = 10 * MB;

/** What Athena reported about one successful query. */
export interface QueryStatistics {
  statementType: string | undefined;
  dataScannedBytes: number;
  engineMillis: number;
  queueMillis: number;
}

/**
 * Bytes Athena bills for one query that succeeded or was cancelled: scanned bytes rounded up to the MB, at least 10 MB;
 * DDL is free, and so is a cancelled query that scanned nothing.
 */
export function billedBytes(stats: QueryStatistics, cancelled = false): number {
  if (stats.statementType === 'DDL') return 0;
  if (cancelled && stats.dataScannedBytes === 0) return 0;
  return Math.max(Math.ceil(stats.dataScannedBytes / MB) * MB, MINIMUM_BILLED_BYTES);
}

/**
 * The stats of one query as summed per model in run results: bytes scanned and billed, engine and queue time, and
 * the cost in USD. Failed queries are not billed and never get here; cancelled ones are billed for what they scanned
 * (`cancelled`, counted under cancelled_queries too).
 */
export function queryCostStats(stats: QueryStatistics, cancelled = false): Record<string, number> {
  const billed = billedBytes(stats, cancelled);
  return {
    queries: 1,
    bytes_scanned: stats.dataScannedBytes,
    bytes_billed: billed,
    engine_ms: stats.engineMillis,
    queue_ms: stats.queueMillis,
    cost_usd: (billed / TB) * USD_PER_TB,
    ...(cancelled ? { cancelled_queries: 1 } : {}),
  };
}
