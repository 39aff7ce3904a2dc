import type { ColumnInfo, Row as AthenaRow } from '@aws-sdk/client-athena';
import type { Row } from '../../core/statement.js';

const INTEGER = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOAT = new Set(['double', 'float', 'real']);

/**
 * Converts one value of GetQueryResults (always text, or absent for NULL) by its column's Athena type: integers to
 * numbers (to strings beyond 2^53, as the DuckDB engine does), doubles and decimals to numbers, booleans to booleans.
 * Dates, timestamps, arrays and maps stay text as Athena prints them.
 */
export function convertValue(text: string | undefined, type: string | undefined): unknown {
  if (text === undefined) return null;
  const base = (type ?? 'varchar').toLowerCase().replace(/\(.*$/, '');
  if (INTEGER.has(base)) {
    const big = BigInt(text);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : text;
  }
  if (FLOAT.has(base) || base === 'decimal') return Number(text);
  if (base === 'boolean') return text === 'true';
  return text;
}

/** Rows of one GetQueryResults page as objects keyed by column name, with converted values. */
export function convertRows(rows: readonly AthenaRow[], columns: readonly ColumnInfo[]): Row[] {
  return rows.map((row) =>
    Object.fromEntries(
      columns.map((column, i) => [column.Name ?? `_col${i}`, convertValue(row.Data?.[i]?.VarCharValue, column.Type)]),
    ),
  );
}

/** A SELECT's first result row repeats the column names; other statements (SHOW, DESCRIBE) have no header. */
export function isHeaderRow(row: AthenaRow | undefined, columns: readonly ColumnInfo[]): boolean {
  if (!row?.Data || row.Data.length !== columns.length) return false;
  return columns.every((column, i) => row.Data![i]?.VarCharValue === column.Name);
}
