import type { Statement } from '../core/statement.js';
import { INCREMENTAL_NEW_ROWS, INCREMENTAL_REPLACED_KEYS } from '../templating/incremental-new-rows.js';
import { planAudits } from './plan-audit.js';
import { planIncrementalIceberg } from './plan-incremental-iceberg.js';
import {
  IncrementalConfigError,
  planPurge,
  replaceKeysSelect,
  replaceWhereCondition,
  SchemaChangeError,
  withReplacedKeys,
  type IncrementalInput,
} from './incremental-input.js';
import { UnsupportedPlanError } from './plan-input.js';

/**
 * Plans adding a model's new rows to its existing table in one transaction: the rows are staged, the rows they
 * replace (same unique key) deleted, the new ones inserted, then the post-hooks run (a privacy purge of customers
 * who withdrew consent). Readers see the table before or after, never in between. Engines without transactions but
 * with atomic MERGE commits (Athena's Iceberg tables) get plan-incremental-iceberg.ts instead.
 */
export function planIncremental(input: IncrementalInput): Statement[] {
  const { dialect, name } = input;
  if (!input.capabilities.transactionalDdl && !input.capabilities.mergeInto) {
    throw new UnsupportedPlanError(
      `${name}: this engine has neither transactions nor MERGE INTO, so rows cannot be added to a table safely. Materialize it as a table.`,
    );
  }
  if (input.strategy === 'replace_where' && !input.replaceWhere) {
    throw new IncrementalConfigError(
      `${input.filePath}: ${name} uses incremental_strategy 'replace_where', which needs replace_where: a condition on the rows to replace.`,
    );
  }
  if (input.replaceKeys !== undefined && input.strategy !== 'merge' && input.strategy !== 'delete+insert') {
    throw new IncrementalConfigError(
      `${input.filePath}: ${name} sets replace_keys, which only merge and delete+insert use (they replace rows by unique_key). Use incremental_strategy 'delete+insert', or remove replace_keys.`,
    );
  }
  if (
    input.replaceKeys === undefined &&
    [input.selectSql, ...input.postHooks].some((sql) => sql.includes(INCREMENTAL_REPLACED_KEYS))
  ) {
    throw new IncrementalConfigError(
      `${input.filePath}: ${name} uses incremental_replaced_keys() but sets no replace_keys: add config(replace_keys='<query of the unique_key values to replace>').`,
    );
  }
  if (
    [input.replaceKeys ?? '', input.replaceWhere ?? ''].some((sql) => sql.includes(INCREMENTAL_REPLACED_KEYS)) ||
    (input.replaceKeys ?? '').includes(INCREMENTAL_NEW_ROWS)
  ) {
    throw new IncrementalConfigError(
      `${input.filePath}: ${name}'s replace_keys or replace_where names incremental_replaced_keys() or incremental_new_rows(), which do not exist yet when it runs. Compute the keys from the model's inputs and {{ this }}.`,
    );
  }
  if ((input.purge ?? '').includes(INCREMENTAL_NEW_ROWS) || (input.purge ?? '').includes(INCREMENTAL_REPLACED_KEYS)) {
    throw new IncrementalConfigError(
      `${input.filePath}: ${name}'s purge names incremental_new_rows() or incremental_replaced_keys(), which do not exist yet when it runs: a purge runs first. State it with {{ this }} and the model's inputs.`,
    );
  }
  if ([input.selectSql, ...input.postHooks].some((sql) => sql.includes(INCREMENTAL_NEW_ROWS))) {
    throw new IncrementalConfigError(
      `${input.filePath}: ${name} uses incremental_new_rows() outside replace_where. The new rows exist only once they are staged: name them in replace_where.`,
    );
  }
  if ((input.strategy === 'merge' || input.strategy === 'delete+insert') && !input.uniqueKey?.length) {
    throw new IncrementalConfigError(
      `${input.filePath}: ${name} uses incremental_strategy '${input.strategy}', which needs unique_key. Add config(unique_key=['col', ...]) or use 'append'.`,
    );
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
  const writable = input.newColumns.filter(
    (c) => existing.has(c.name.toLowerCase()) || input.onSchemaChange === 'append_new_columns',
  );
  if (!input.capabilities.transactionalDdl)
    return planIncrementalIceberg(input, {
      writable,
      added: input.onSchemaChange === 'append_new_columns' ? added : [],
    });
  const target = dialect.relation(input.relation);
  const id = input.newId();
  const staged = dialect.quoteIdentifier(`${input.relation.identifier}__stedi_new_${id}`);
  const keys = dialect.quoteIdentifier(`${input.relation.identifier}__stedi_keys_${id}`);
  const columns = writable.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  const keyMatch = (alias: string) =>
    (input.uniqueKey ?? [])
      .map((k) => `${alias}.${dialect.quoteIdentifier(k)} = ${target}.${dialect.quoteIdentifier(k)}`)
      .join(' and ');
  // Two DELETEs rather than one with OR: each is a semi-join whose keys DuckDB also pushes into the scan as a filter.
  const replaced: Statement[] = [
    ...(input.replaceKeys === undefined
      ? []
      : [
          {
            sql: `delete from ${target} where exists (select 1 from ${keys} as k where ${keyMatch('k')})`,
            purpose: `delete the rows of ${name} whose key replace_keys names`,
          },
        ]),
    {
      sql: `delete from ${target} where exists (select 1 from ${staged} as n where ${keyMatch('n')})`,
      purpose: `delete the rows of ${name} that the new rows replace`,
    },
  ];
  const resolve = (sql: string) => withReplacedKeys(sql, keys);
  const purge = planPurge(input);
  return [
    { sql: 'begin transaction', purpose: `start adding to ${name}` },
    ...purge,
    ...(input.replaceKeys === undefined
      ? []
      : [
          {
            sql: `create temp table ${keys} as\n${replaceKeysSelect(input)}`,
            purpose: `stage the keys that replace_keys names for ${name}`,
          },
        ]),
    { sql: `create temp table ${staged} as\n${resolve(input.selectSql)}`, purpose: `stage the new rows of ${name}` },
    ...(input.onSchemaChange === 'append_new_columns'
      ? added.map((c) => ({
          sql: `alter table ${target} add column ${dialect.quoteIdentifier(c.name)} ${c.type}`,
          purpose: `add column ${c.name} to ${name}`,
        }))
      : []),
    ...(input.strategy === 'replace_where'
      ? [
          {
            sql: `delete from ${target} where ${replaceWhereCondition(input, staged)}`,
            purpose: `delete the rows of ${name} that meet replace_where`,
          },
        ]
      : input.strategy === 'append'
        ? []
        : replaced),
    {
      sql: `insert into ${target} (${columns})\nselect ${columns} from ${staged}`,
      purpose: `insert the new rows into ${name}`,
      reportsRows: true,
    },
    ...input.postHooks.map((sql, i) => ({ sql: resolve(sql), purpose: `run post-hook ${i + 1} of ${name}` })),
    // Inside the transaction the table already holds its rows after the write; nobody else sees them before commit.
    ...planAudits(input.audits ?? [], target, name),
    { sql: `drop table ${staged}`, purpose: 'drop the staged rows' },
    ...(input.replaceKeys === undefined ? [] : [{ sql: `drop table ${keys}`, purpose: 'drop the staged keys' }]),
    { sql: 'commit', purpose: `publish ${name}` },
    // When the write fails or an audit refuses it, the rollback undoes the purge too: it is committed on its own.
    ...purge.map((st): Statement => ({
      sql: st.sql,
      purpose: `${st.purpose}, on its own, as the write failed`,
      cleanup: 'on-failure',
    })),
  ];
}
