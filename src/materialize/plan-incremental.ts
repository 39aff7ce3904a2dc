import type { AdapterCapabilities, Dialect, RelationType, Statement } from '../adapters/adapter.js';
import { ProjectError } from '../errors.js';
import type { Relation } from '../graph/nodes.js';
import { INCREMENTAL_NEW_ROWS, INCREMENTAL_REPLACED_KEYS } from '../templating/incremental-new-rows.js';
import { planAudits, type AuditQuery } from './plan-audit.js';
import { planIncrementalIceberg } from './plan-incremental-iceberg.js';
import { planSnapshotExpiry } from './plan-snapshot-expiry.js';
import { DEFAULT_SNAPSHOT_RETENTION_SECONDS } from '../project/model-config.js';
import { UnsupportedPlanError } from './plan-node.js';

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
  for (const [standIn, macro] of [[INCREMENTAL_NEW_ROWS, 'incremental_new_rows()'], [INCREMENTAL_REPLACED_KEYS, 'incremental_replaced_keys()']] as const) {
    if (sqls.some((sql) => sql.includes(standIn))) {
      throw new IncrementalConfigError(`${node.filePath}: ${node.name} uses ${macro} where the whole table is built (a first build, --full-refresh, a table or a view), so nothing is staged. Use it only inside {% if is_incremental() %}.`);
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
export function withReplacedKeysInline(sql: string, input: Pick<IncrementalInput, 'replaceKeys' | 'uniqueKey' | 'dialect'>): string {
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
 * Plans adding a model's new rows to its existing table in one transaction: the rows are staged, the rows they
 * replace (same unique key) deleted, the new ones inserted, then the post-hooks run (a privacy purge of customers
 * who withdrew consent). Readers see the table before or after, never in between. Engines without transactions but
 * with atomic MERGE commits (Athena's Iceberg tables) get plan-incremental-iceberg.ts instead.
 */
export function planIncremental(input: IncrementalInput): Statement[] {
  const { dialect, name } = input;
  if (!input.capabilities.transactionalDdl && !input.capabilities.mergeInto) {
    throw new UnsupportedPlanError(`${name}: this engine has neither transactions nor MERGE INTO, so rows cannot be added to a table safely. Materialize it as a table.`);
  }
  if (input.strategy === 'replace_where' && !input.replaceWhere) {
    throw new IncrementalConfigError(`${input.filePath}: ${name} uses incremental_strategy 'replace_where', which needs replace_where: a condition on the rows to replace.`);
  }
  if (input.replaceKeys !== undefined && input.strategy !== 'merge' && input.strategy !== 'delete+insert') {
    throw new IncrementalConfigError(`${input.filePath}: ${name} sets replace_keys, which only merge and delete+insert use (they replace rows by unique_key). Use incremental_strategy 'delete+insert', or remove replace_keys.`);
  }
  if (input.replaceKeys === undefined && [input.selectSql, ...input.postHooks].some((sql) => sql.includes(INCREMENTAL_REPLACED_KEYS))) {
    throw new IncrementalConfigError(`${input.filePath}: ${name} uses incremental_replaced_keys() but sets no replace_keys: add config(replace_keys='<query of the unique_key values to replace>').`);
  }
  if ([input.replaceKeys ?? '', input.replaceWhere ?? ''].some((sql) => sql.includes(INCREMENTAL_REPLACED_KEYS)) || (input.replaceKeys ?? '').includes(INCREMENTAL_NEW_ROWS)) {
    throw new IncrementalConfigError(`${input.filePath}: ${name}'s replace_keys or replace_where names incremental_replaced_keys() or incremental_new_rows(), which do not exist yet when it runs. Compute the keys from the model's inputs and {{ this }}.`);
  }
  if ((input.purge ?? '').includes(INCREMENTAL_NEW_ROWS) || (input.purge ?? '').includes(INCREMENTAL_REPLACED_KEYS)) {
    throw new IncrementalConfigError(`${input.filePath}: ${name}'s purge names incremental_new_rows() or incremental_replaced_keys(), which do not exist yet when it runs: a purge runs first. State it with {{ this }} and the model's inputs.`);
  }
  if ([input.selectSql, ...input.postHooks].some((sql) => sql.includes(INCREMENTAL_NEW_ROWS))) {
    throw new IncrementalConfigError(`${input.filePath}: ${name} uses incremental_new_rows() outside replace_where. The new rows exist only once they are staged: name them in replace_where.`);
  }
  if ((input.strategy === 'merge' || input.strategy === 'delete+insert') && !input.uniqueKey?.length) {
    throw new IncrementalConfigError(`${input.filePath}: ${name} uses incremental_strategy '${input.strategy}', which needs unique_key. Add config(unique_key=['col', ...]) or use 'append'.`);
  }
  const existing = new Set(input.tableColumns.map((c) => c.name.toLowerCase()));
  const added = input.newColumns.filter((c) => !existing.has(c.name.toLowerCase()));
  if (added.length > 0 && input.onSchemaChange === 'fail') {
    throw new SchemaChangeError(
      `${input.filePath}: ${name} now has columns the table lacks (${added.map((c) => c.name).join(', ')}). Rebuild it with --full-refresh, or set on_schema_change: append_new_columns.`,
    );
  }
  // A column the model dropped would be left NULL in every new row: a divergence `fail` is there to stop. (Types are
  // not compared: the catalog and a query's result name them differently on Athena, string against varchar.)
  const produced = new Set(input.newColumns.map((c) => c.name.toLowerCase()));
  const dropped = input.tableColumns.filter((c) => !produced.has(c.name.toLowerCase()));
  if (dropped.length > 0 && input.onSchemaChange === 'fail') {
    throw new SchemaChangeError(
      `${input.filePath}: ${name} no longer has columns the table has (${dropped.map((c) => c.name).join(', ')}); their new rows would be NULL. Rebuild it with --full-refresh, or set on_schema_change: append_new_columns to keep the columns.`,
    );
  }
  const writable = input.newColumns.filter((c) => existing.has(c.name.toLowerCase()) || input.onSchemaChange === 'append_new_columns');
  if (!input.capabilities.transactionalDdl) return planIncrementalIceberg(input, { writable, added: input.onSchemaChange === 'append_new_columns' ? added : [] });
  const target = dialect.relation(input.relation);
  const id = input.newId();
  const staged = dialect.quoteIdentifier(`${input.relation.identifier}__stedi_new_${id}`);
  const keys = dialect.quoteIdentifier(`${input.relation.identifier}__stedi_keys_${id}`);
  const columns = writable.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  const keyMatch = (alias: string) => (input.uniqueKey ?? []).map((k) => `${alias}.${dialect.quoteIdentifier(k)} = ${target}.${dialect.quoteIdentifier(k)}`).join(' and ');
  // Two DELETEs rather than one with OR: each is a semi-join whose keys DuckDB also pushes into the scan as a filter.
  const replaced: Statement[] = [
    ...(input.replaceKeys === undefined ? [] : [{ sql: `delete from ${target} where exists (select 1 from ${keys} as k where ${keyMatch('k')})`, purpose: `delete the rows of ${name} whose key replace_keys names` }]),
    { sql: `delete from ${target} where exists (select 1 from ${staged} as n where ${keyMatch('n')})`, purpose: `delete the rows of ${name} that the new rows replace` },
  ];
  const resolve = (sql: string) => withReplacedKeys(sql, keys);
  const purge = planPurge(input);
  return [
    { sql: 'begin transaction', purpose: `start adding to ${name}` },
    ...purge,
    ...(input.replaceKeys === undefined ? [] : [{ sql: `create temp table ${keys} as\n${replaceKeysSelect(input)}`, purpose: `stage the keys that replace_keys names for ${name}` }]),
    { sql: `create temp table ${staged} as\n${resolve(input.selectSql)}`, purpose: `stage the new rows of ${name}` },
    ...(input.onSchemaChange === 'append_new_columns'
      ? added.map((c) => ({ sql: `alter table ${target} add column ${dialect.quoteIdentifier(c.name)} ${c.type}`, purpose: `add column ${c.name} to ${name}` }))
      : []),
    ...(input.strategy === 'replace_where'
      ? [{ sql: `delete from ${target} where ${replaceWhereCondition(input, staged)}`, purpose: `delete the rows of ${name} that meet replace_where` }]
      : input.strategy === 'append'
        ? []
        : replaced),
    { sql: `insert into ${target} (${columns})\nselect ${columns} from ${staged}`, purpose: `insert the new rows into ${name}`, reportsRows: true },
    ...input.postHooks.map((sql, i) => ({ sql: resolve(sql), purpose: `run post-hook ${i + 1} of ${name}` })),
    // Inside the transaction the table already holds its rows after the write; nobody else sees them before commit.
    ...planAudits(input.audits ?? [], target, name),
    { sql: `drop table ${staged}`, purpose: 'drop the staged rows' },
    ...(input.replaceKeys === undefined ? [] : [{ sql: `drop table ${keys}`, purpose: 'drop the staged keys' }]),
    { sql: 'commit', purpose: `publish ${name}` },
    // When the write fails or an audit refuses it, the rollback undoes the purge too: it is committed on its own.
    ...purge.map((st): Statement => ({ sql: st.sql, purpose: `${st.purpose}, on its own, as the write failed`, cleanup: 'on-failure' })),
  ];
}

/**
 * The purge of an incremental model: one DELETE of the rows its `purge` condition names. With transactions it opens
 * the write's transaction, so a crash leaves the table as before or after the whole run, and the plan commits it on
 * its own when the write then fails or an audit refuses it. Without transactions (Athena) it is its own commit, before
 * the write, followed by the expiry of the snapshots that still hold the deleted rows.
 */
export function planPurge(input: Pick<IncrementalInput, 'name' | 'relation' | 'purge' | 'snapshotRetentionSeconds' | 'dialect' | 'capabilities'>): Statement[] {
  if (!input.purge) return [];
  const del: Statement = { sql: `delete from ${input.dialect.relation(input.relation)}\nwhere ${input.purge}`, purpose: `purge the rows of ${input.name} that may no longer be kept`, countsAs: 'rows_purged' };
  if (input.capabilities.transactionalDdl) return [del];
  // Where a DELETE leaves the rows in older snapshots (Iceberg), they are expired so the purge reaches storage.
  const expiry = input.dialect.maintenanceRelation ? planSnapshotExpiry(input.relation, input.snapshotRetentionSeconds ?? DEFAULT_SNAPSHOT_RETENTION_SECONDS, input.dialect) : [];
  return [del, ...expiry];
}
