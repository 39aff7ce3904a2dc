import type { Dialect } from '../adapters/adapter.js';
import type { Statement } from '../core/statement.js';
import type { Relation } from '../core/nodes.js';
import { MIN_SNAPSHOT_RETENTION_SECONDS } from '../project/model-config.js';
import { UnsupportedPlanError } from './plan-input.js';

/** Runs of one OPTIMIZE or VACUUM a plan waits for while Athena answers that more are needed. */
export const MAX_MAINTENANCE_RUNS = 10;

/**
 * Plans what makes the rows a DELETE removed from an Iceberg table unreadable and unstored once they are older than
 * `retentionSeconds`, for engines whose tables keep old snapshots (Athena). Run after a purge:
 *
 * 1. The table's properties: snapshots are kept for the retention, and only one is kept by count, so the snapshot
 *    before the purge is not kept because of a minimum; OPTIMIZE rewrites every data file that has a delete file.
 * 2. OPTIMIZE ... REWRITE DATA: Athena's DELETE and MERGE only write delete files beside the data files, so the
 *    deleted rows are still in data files the current snapshot reads. Rewriting those files leaves them only in
 *    older snapshots.
 * 3. VACUUM: expires the snapshots older than the retention and deletes the files only they named, and orphan files
 *    older than the retention.
 *
 * A snapshot younger than the retention survives this VACUUM: the rows leave time travel and S3 at the first VACUUM
 * after the retention has passed, so at the next run that is at least that much later.
 */
export function planSnapshotExpiry(relation: Relation, retentionSeconds: number, dialect: Dialect): Statement[] {
  if (!dialect.maintenanceRelation)
    throw new UnsupportedPlanError(`${relation.identifier}: this engine keeps no table snapshots to expire.`);
  if (!Number.isInteger(retentionSeconds) || retentionSeconds < MIN_SNAPSHOT_RETENTION_SECONDS) {
    throw new RangeError(
      `snapshot retention must be a whole number of seconds, at least ${MIN_SNAPSHOT_RETENTION_SECONDS}; got ${retentionSeconds}`,
    );
  }
  const ddl = dialect.ddl ?? dialect;
  const quote = ddl.quoteString ?? dialect.quoteString;
  const name = relation.identifier;
  const table = dialect.maintenanceRelation(relation);
  const properties: Record<string, number> = {
    vacuum_max_snapshot_age_seconds: retentionSeconds,
    vacuum_min_snapshots_to_keep: 1,
    optimize_rewrite_delete_file_threshold: 1,
    optimize_rewrite_data_file_threshold: 1,
  };
  const list = Object.entries(properties)
    .map(([key, value]) => `${quote(key)} = ${quote(String(value))}`)
    .join(', ');
  return [
    // Set on every run rather than at creation: a retention changed in the project applies to existing tables too.
    {
      sql: `alter table ${ddl.relation(relation)} set tblproperties (${list})`,
      purpose: `keep snapshots of ${name} for ${hours(retentionSeconds)}`,
    },
    {
      sql: `optimize ${table} rewrite data using bin_pack`,
      purpose: `rewrite the data files of ${name} that hold deleted rows`,
      repeatWhile: { error: 'ICEBERG_OPTIMIZE_MORE_RUNS_NEEDED', maxRuns: MAX_MAINTENANCE_RUNS },
    },
    {
      sql: `vacuum ${table}`,
      purpose: `expire snapshots of ${name} older than ${hours(retentionSeconds)} and delete their files`,
      repeatWhile: { error: 'ICEBERG_VACUUM_MORE_RUNS_NEEDED', maxRuns: MAX_MAINTENANCE_RUNS },
    },
  ];
}

function hours(seconds: number): string {
  const h = seconds / 3600;
  return Number.isInteger(h) ? `${h} hour${h === 1 ? '' : 's'}` : `${seconds} seconds`;
}
