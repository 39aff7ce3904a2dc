import type { Dialect } from '../adapters/adapter.js';
import type { Statement } from '../core/statement.js';
import type { Relation } from '../core/nodes.js';
import { planAudits, type AuditQuery } from './plan-audit.js';
import type { ColumnShape } from './incremental-input.js';

/** What rewriting an existing table as the difference to its model's rows needs to know. */
export interface TableDifferenceInput {
  name: string;
  relation: Relation;
  selectSql: string;
  /** The table's columns, which are also the model's (the caller checks names and types match, in order). */
  columns: readonly ColumnShape[];
  postHooks?: readonly string[];
  /** Data tests the table's new rows must pass before the transaction publishes them. */
  audits?: readonly AuditQuery[];
  dialect: Dialect;
  newId: () => string;
}

/** True when a table can take its model's new rows as a difference: the same column names and types, in order. */
export function sameColumns(table: readonly ColumnShape[], query: readonly ColumnShape[]): boolean {
  return (
    table.length > 0 &&
    table.length === query.length &&
    table.every(
      (c, i) =>
        c.name.toLowerCase() === query[i]!.name.toLowerCase() && c.type.toLowerCase() === query[i]!.type.toLowerCase(),
    )
  );
}

/**
 * Plans replacing an existing table's rows with its model's rows by writing only the difference: the rows the model
 * no longer gives are deleted, the rows it gives that the table lacks are inserted, the others are left in place.
 * On a run where a few customers changed, that writes a few rows instead of the whole table into the database file
 * (on DuckDB, writing ≈ 480,000 rows costs more than computing them, and their blocks must be checkpointed).
 *
 * Rows are compared on every column with IS NOT DISTINCT FROM (NULLs equal), and named by DuckDB's rowid: the
 * engines with this capability are DuckDB's. Deleting and inserting by value is exact
 * as long as the model gives no row twice and the table holds no row twice; a check after the writes (a row count,
 * and the number of distinct row hashes, which a collision can only lower) rewrites the whole table from the staged
 * rows when either may not hold. Either way the table ends equal to the model's rows, in one transaction.
 *
 * The rows are staged before the transaction begins: DuckDB scans a temporary table created inside a transaction
 * (transaction-local storage) several times slower, and nothing else writes this table while its node runs.
 */
export function planTableDifference(input: TableDifferenceInput): Statement[] {
  const { dialect, name } = input;
  const target = dialect.relation(input.relation);
  const id = input.newId();
  const staged = dialect.quoteIdentifier(`${input.relation.identifier}__stedi_rows_${id}`);
  const check = dialect.quoteIdentifier(`${input.relation.identifier}__stedi_check_${id}`);
  const pairs = dialect.quoteIdentifier(`${input.relation.identifier}__stedi_pairs_${id}`);
  const columns = input.columns.map((c) => dialect.quoteIdentifier(c.name));
  const list = columns.join(', ');
  const sameRow = (a: string, b: string) =>
    columns.map((c) => `${a}.${c} is not distinct from ${b}.${c}`).join(' and ');
  return [
    {
      sql: `create temp table ${staged} as\n${input.selectSql}`,
      purpose: `compute the rows of ${name}`,
      reportsRows: true,
    },
    { sql: 'begin transaction', purpose: `start updating ${name}` },
    // One full outer join pairs equal rows; the unpaired ones are the difference, named by rowid (stable inside the
    // transaction). Cheaper than an anti-join each way, which would hash both sides' rows twice.
    {
      sql: `create temp table ${pairs} as select old.rowid as old_row, new.rowid as new_row from ${target} as old full outer join ${staged} as new on ${sameRow('old', 'new')}`,
      purpose: `pair the rows of ${name} with the model's equal rows`,
    },
    {
      sql: `delete from ${target} where rowid in (select old_row from ${pairs} where new_row is null)`,
      purpose: `delete the rows of ${name} that the model no longer gives`,
      countsAs: 'rows_deleted',
    },
    {
      sql: `insert into ${target} (${list})\nselect ${list} from ${staged} where rowid in (select new_row from ${pairs} where old_row is null)`,
      purpose: `insert the rows of ${name} that it lacks`,
      countsAs: 'rows_inserted',
    },
    {
      sql: `create temp table ${check} as select (select count(*) from ${target}) <> (select count(*) from ${staged}) or (select count(distinct hash(${list})) from ${staged}) <> (select count(*) from ${staged}) as rewrite`,
      purpose: `check that ${name} now holds exactly the model's rows (no row given twice)`,
    },
    {
      sql: `delete from ${target} where (select rewrite from ${check})`,
      purpose: `empty ${name} if the check failed`,
      countsAs: 'rows_deleted',
    },
    {
      sql: `insert into ${target} (${list})\nselect ${list} from ${staged} where (select rewrite from ${check})`,
      purpose: `write every row of ${name} if the check failed`,
      countsAs: 'rows_inserted',
    },
    ...(input.postHooks ?? []).map((sql, i) => ({ sql, purpose: `run post-hook ${i + 1} of ${name}` })),
    ...planAudits(input.audits ?? [], target, name),
    { sql: `drop table ${check}`, purpose: 'drop the check' },
    { sql: `drop table ${pairs}`, purpose: 'drop the pairs' },
    { sql: 'commit', purpose: `publish ${name}` },
    // Also run after a failure: the staged rows were created outside the transaction that the failure rolls back.
    { sql: `drop table if exists ${staged}`, purpose: 'drop the staged rows', cleanup: 'always' },
  ];
}
