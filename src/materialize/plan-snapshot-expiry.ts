import type { Dialect } from '../adapters/adapter.js';
import type { Statement } from '../core/statement.js';
import type { Relation } from '../core/nodes.js';
import { MIN_SNAPSHOT_RETENTION_SECONDS } from '../project/model-config.js';
import { UnsupportedPlanError } from './plan-input.js';

/** Runs of one OPTIMIZE or VACUUM a plan waits for while Athena answers that more are needed. */
export const MAX_MAINTENANCE_RUNS = 10;

/** When scheduled maintenance of a table is due: after this many commits since its last OPTIMIZE, or this many delete files (0: never). */
export interface MaintenanceSchedule {
  afterCommits: number;
  afterDeleteFiles: number;
}

/**
 * The query deciding whether a table's maintenance is due, from Iceberg's metadata tables (read from manifests, not
 * data): the snapshots committed since the last OPTIMIZE (whose rewrite commits as `replace`; once VACUUM has expired
 * it, every snapshot left counts), and the delete files the current snapshot reads (`content` 1 and 2: position and
 * equality deletes), which every MERGE and DELETE adds and OPTIMIZE removes.
 */
export function maintenanceDueSql(relation: Relation, schedule: MaintenanceSchedule, dialect: Dialect): string {
  const meta = (table: string) => dialect.relation({ ...relation, identifier: `${relation.identifier}$${table}` });
  const conditions = [
    ...(schedule.afterCommits > 0
      ? [
          `(select count(*) from ${meta('snapshots')} where committed_at > coalesce((select max(committed_at) from ${meta('snapshots')} where operation = 'replace'), timestamp '1970-01-01 00:00:00 UTC')) >= ${schedule.afterCommits}`,
        ]
      : []),
    ...(schedule.afterDeleteFiles > 0
      ? [`(select count(*) from ${meta('files')} where content <> 0) >= ${schedule.afterDeleteFiles}`]
      : []),
  ];
  return `select ${conditions.join('\n    or ')} as due`;
}

/**
 * Plans the maintenance of an Iceberg table on an engine whose tables keep snapshots (Athena): its properties, then
 * OPTIMIZE ... REWRITE DATA USING BIN_PACK and VACUUM, each sent again while Athena answers that more runs are
 * needed. Unconditional after a consent purge (planSnapshotExpiry); on a schedule after other incremental writes,
 * where every statement waits for one check of the table's metadata (`schedule`). Empty for a schedule that never
 * comes due.
 */
export function planTableMaintenance(
  relation: Relation,
  retentionSeconds: number,
  dialect: Dialect,
  schedule?: MaintenanceSchedule,
): Statement[] {
  if (schedule && schedule.afterCommits <= 0 && schedule.afterDeleteFiles <= 0) return [];
  const statements = planSnapshotExpiry(relation, retentionSeconds, dialect);
  if (!schedule) return statements;
  const onlyIf = { sql: maintenanceDueSql(relation, schedule, dialect) };
  const when = [
    schedule.afterCommits > 0 ? `${schedule.afterCommits} commits since the last OPTIMIZE` : '',
    schedule.afterDeleteFiles > 0 ? `${schedule.afterDeleteFiles} delete files` : '',
  ]
    .filter(Boolean)
    .join(' or ');
  return statements.map((st) => ({ ...st, purpose: `${st.purpose}, when due (${when})`, onlyIf }));
}

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
      maintenance: true,
      repeatWhile: { error: 'ICEBERG_OPTIMIZE_MORE_RUNS_NEEDED', maxRuns: MAX_MAINTENANCE_RUNS },
    },
    {
      sql: `vacuum ${table}`,
      purpose: `expire snapshots of ${name} older than ${hours(retentionSeconds)} and delete their files`,
      maintenance: true,
      repeatWhile: { error: 'ICEBERG_VACUUM_MORE_RUNS_NEEDED', maxRuns: MAX_MAINTENANCE_RUNS },
    },
  ];
}

function hours(seconds: number): string {
  const h = seconds / 3600;
  return Number.isInteger(h) ? `${h} hour${h === 1 ? '' : 's'}` : `${seconds} seconds`;
}
