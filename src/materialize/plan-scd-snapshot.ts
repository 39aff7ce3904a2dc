import type { Dialect } from '../adapters/adapter.js';
import type { Relation } from '../core/nodes.js';
import type { Statement } from '../core/statement.js';

/** How a snapshot tells that a row changed: a newer `updated_at`, or a difference in `check_cols`. */
export type SnapshotStrategy =
  { kind: 'timestamp'; updatedAt: string } | { kind: 'check'; checkCols: readonly string[] };

/** What planning a snapshot needs: where it is kept, the query of the rows now, and how rows are matched and compared. */
export interface SnapshotPlanInput {
  name: string;
  relation: Relation;
  /** The snapshot's SELECT, rendered. */
  selectSql: string;
  uniqueKey: readonly string[];
  strategy: SnapshotStrategy;
  /** A current row whose key the query no longer gives is closed (dbt's invalidate_hard_deletes). */
  invalidateHardDeletes: boolean;
  /** Whether the snapshot table exists already. */
  exists: boolean;
  dialect: Dialect;
}

/**
 * Plans one snapshot run, dbt's type-2 history: the first run copies the rows with dbt_scd_id, dbt_updated_at,
 * dbt_valid_from and an empty dbt_valid_to; later runs close the current version of each changed (and, when asked,
 * deleted) key and add the new versions. All in one transaction: a failure leaves the table as it was.
 */
export function planScdSnapshot(input: SnapshotPlanInput): Statement[] {
  const { dialect, name, strategy } = input;
  const q = (column: string) => dialect.quoteIdentifier(column);
  const target = dialect.relation(input.relation);
  // Within a transaction DuckDB's current_timestamp is the transaction's start: one instant for the whole run.
  const now = 'cast(current_timestamp as timestamp)';
  const keyText = (alias: string) =>
    input.uniqueKey.map((k) => `coalesce(cast(${alias}.${q(k)} as varchar), '')`).join(" || '|' || ");
  const changedAt = (alias: string) =>
    strategy.kind === 'timestamp' ? `cast(${alias}.${q(strategy.updatedAt)} as timestamp)` : now;
  const versions = (from: string) =>
    `select s.*, md5(${keyText('s')} || '|' || cast(${changedAt('s')} as varchar)) as dbt_scd_id, ${changedAt('s')} as dbt_updated_at, ${changedAt('s')} as dbt_valid_from, cast(null as timestamp) as dbt_valid_to\nfrom ${from} as s`;
  const begin: Statement = { sql: 'begin transaction', purpose: `start snapshot ${name}` };
  const commit: Statement = { sql: 'commit', purpose: `publish snapshot ${name}` };
  if (!input.exists)
    return [
      begin,
      {
        sql: `create table ${target} as\n${versions(`(\n${input.selectSql}\n)`)}`,
        purpose: `build snapshot ${name}`,
        reportsRows: true,
      },
      commit,
    ];
  const source = dialect.relation({
    ...input.relation,
    identifier: `${input.relation.identifier}__stedi_snapshot_rows`,
  });
  const sameKey = input.uniqueKey.map((k) => `t.${q(k)} = s.${q(k)}`).join(' and ');
  const changed =
    strategy.kind === 'timestamp'
      ? `${changedAt('s')} > t.dbt_updated_at`
      : `(${strategy.checkCols.map((c) => `t.${q(c)} is distinct from s.${q(c)}`).join(' or ')})`;
  const hardDeletes: Statement[] = input.invalidateHardDeletes
    ? [
        {
          sql: `update ${target} as t set dbt_valid_to = ${now}\nwhere t.dbt_valid_to is null and not exists (select 1 from ${source} as s where ${sameKey})`,
          purpose: `close the rows of ${name} whose key is gone`,
        },
      ]
    : [];
  return [
    begin,
    { sql: `drop table if exists ${source}`, purpose: `drop rows a failed snapshot of ${name} left` },
    { sql: `create table ${source} as\n${input.selectSql}`, purpose: `read the rows of ${name} now` },
    {
      sql: `update ${target} as t set dbt_valid_to = ${changedAt('s')}\nfrom ${source} as s\nwhere ${sameKey} and t.dbt_valid_to is null and ${changed}`,
      purpose: `close the changed rows of ${name}`,
    },
    ...hardDeletes,
    {
      sql: `insert into ${target} by name\n${versions(source)}\nwhere not exists (select 1 from ${target} as t where ${sameKey} and t.dbt_valid_to is null)`,
      purpose: `add the new versions of ${name}`,
      reportsRows: true,
    },
    { sql: `drop table ${source}`, purpose: `drop the rows of ${name} read now` },
    commit,
  ];
}
