import type { AdapterCapabilities, Dialect } from '../adapters/adapter.js';
import type { RelationType, Statement } from '../core/statement.js';
import { ProjectError } from '../errors.js';
import type { Relation } from '../core/nodes.js';
import { INCREMENTAL_NEW_ROWS, INCREMENTAL_REPLACED_KEYS } from '../templating/incremental-new-rows.js';
import type { AuditQuery } from './plan-audit.js';
import { planSnapshotExpiry, type MaintenanceSchedule } from './plan-snapshot-expiry.js';
import { DEFAULT_SNAPSHOT_RETENTION_SECONDS } from '../project/model-config.js';

/** The new rows of an incremental model have other columns than its table, and the model says to fail. */
export class SchemaChangeError extends ProjectError {}

/**
 * An incremental model's config cannot be planned: a strategy without what it needs (replace_where, unique_key), or
 * incremental_new_rows() / incremental_replaced_keys() named where that relation does not exist.
 */
export class IncrementalConfigError extends ProjectError {}

/** A column as the engine reports it. */
export interface ColumnShape {
  name: string;
  type: string;
}

/** What adding to an existing incremental table needs to know. */
export interface IncrementalInput {
  name: string;
  filePath: string;
  relation: Relation;
  selectSql: string;
  strategy: 'append' | 'merge' | 'delete+insert' | 'replace_where';
  /** For replace_where: the rendered condition on the table's rows to replace (may name incremental_new_rows()). */
  replaceWhere?: string;
  /** For merge and delete+insert: the rendered query of further unique_key values to replace (replace_keys). */
  replaceKeys?: string;
  uniqueKey?: readonly string[];
  onSchemaChange: 'fail' | 'append_new_columns' | 'ignore';
  /** Columns of the existing table and of the model's new rows. */
  tableColumns: readonly ColumnShape[];
  newColumns: readonly ColumnShape[];
  postHooks: readonly string[];
  /**
   * The rendered `purge` condition: the table's rows that must go before anything is added (a customer who withdrew
   * consent). Deleted first: in the write's transaction, and committed on its own when the write then fails or an
   * audit refuses it (on Athena, its own commit before the write), so that a refused write does not keep them.
   */
  purge?: string;
  /**
   * How long rows the purge deleted may stay readable by time travel and stored, on engines whose tables keep old
   * snapshots (Athena): the purge is followed by snapshot expiry (plan-snapshot-expiry.ts).
   */
  snapshotRetentionSeconds?: number;
  /**
   * When the table is maintained (OPTIMIZE, VACUUM) after a write without a purge, on engines whose tables keep
   * snapshots; a purge brings maintenance every run.
   */
  maintenance?: MaintenanceSchedule;
  /** Data tests the table, as it will be after the write, must pass before the write is published. */
  audits?: readonly AuditQuery[];
  /** Every relation of the schema, by lowercase identifier: where an interrupted run's staged leftovers are found. */
  catalog?: ReadonlyMap<string, RelationType>;
  dialect: Dialect;
  capabilities: AdapterCapabilities;
  newId: () => string;
}

/**
 * The replace_where condition with `incremental_new_rows()` resolved to the staged rows, so that a condition can name
 * the keys the new rows carry instead of computing them again (the staged rows are still there when it runs).
 */
export function replaceWhereCondition(input: Pick<IncrementalInput, 'replaceWhere'>, staged: string): string {
  return (input.replaceWhere ?? '').split(INCREMENTAL_NEW_ROWS).join(staged);
}

/**
 * Refuses the stand-ins of staged relations in a model built whole (a first build, `--full-refresh`, a table or a
 * view): nothing is staged then, and the engine would only say that a strange table does not exist.
 */
export function refuseStandInsWhenBuiltWhole(node: { filePath: string; name: string }, sqls: readonly string[]): void {
  for (const [standIn, macro] of [
    [INCREMENTAL_NEW_ROWS, 'incremental_new_rows()'],
    [INCREMENTAL_REPLACED_KEYS, 'incremental_replaced_keys()'],
  ] as const) {
    if (sqls.some((sql) => sql.includes(standIn))) {
      throw new IncrementalConfigError(
        `${node.filePath}: ${node.name} uses ${macro} where the whole table is built (a first build, --full-refresh, a table or a view), so nothing is staged. Use it only inside {% if is_incremental() %}.`,
      );
    }
  }
}

/** SQL with `incremental_replaced_keys()` resolved to `keys`: the staged keys' relation, or a subquery of them. */
export function withReplacedKeys(sql: string, keys: string): string {
  return sql.split(INCREMENTAL_REPLACED_KEYS).join(keys);
}

/**
 * SQL with `incremental_replaced_keys()` written as the replace_keys query itself, before any keys are staged: to
 * describe the model's columns, and in target/compiled so the file runs on its own.
 */
export function withReplacedKeysInline(
  sql: string,
  input: Pick<IncrementalInput, 'replaceKeys' | 'uniqueKey' | 'dialect'>,
): string {
  return withReplacedKeys(sql, `(${replaceKeysSelect(input)})`);
}

/**
 * The replace_keys query with its columns named as the unique key, by position (`as k(col, ...)`), so the staged
 * keys can be matched by name whatever the query calls them.
 */
export function replaceKeysSelect(input: Pick<IncrementalInput, 'replaceKeys' | 'uniqueKey' | 'dialect'>): string {
  const names = (input.uniqueKey ?? []).map((k) => input.dialect.quoteIdentifier(k)).join(', ');
  return `select * from (\n${input.replaceKeys}\n) as k(${names})`;
}

/**
 * The purge of an incremental model: one DELETE of the rows its `purge` condition names. With transactions it opens
 * the write's transaction, so a crash leaves the table as before or after the whole run, and the plan commits it on
 * its own when the write then fails or an audit refuses it. Without transactions (Athena) it is its own commit, before
 * the write, followed by the expiry of the snapshots that still hold the deleted rows.
 */
export function planPurge(
  input: Pick<
    IncrementalInput,
    'name' | 'relation' | 'purge' | 'snapshotRetentionSeconds' | 'dialect' | 'capabilities'
  >,
): Statement[] {
  if (!input.purge) return [];
  const del: Statement = {
    sql: `delete from ${input.dialect.relation(input.relation)}\nwhere ${input.purge}`,
    purpose: `purge the rows of ${input.name} that may no longer be kept`,
    countsAs: 'rows_purged',
  };
  if (input.capabilities.transactionalDdl) return [del];
  // Where a DELETE leaves the rows in older snapshots (Iceberg), they are expired so the purge reaches storage.
  const expiry = input.dialect.maintenanceRelation
    ? planSnapshotExpiry(
        input.relation,
        input.snapshotRetentionSeconds ?? DEFAULT_SNAPSHOT_RETENTION_SECONDS,
        input.dialect,
      )
    : [];
  return [del, ...expiry];
}
