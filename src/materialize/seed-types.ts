import type { ColumnType } from '../core/column-type.js';

const INT32_MAX = 2_147_483_647;

/** A calendar date as written (YYYY-MM-DD) that exists: 2024-02-30 is not one, though Date.parse rolls it over. */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const INTEGER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?$/;
const BOOLEAN = /^(true|false)$/i;

/**
 * The type of an undeclared seed column, inferred from its values as dbt (agate) does: the first of integer, decimal,
 * date, timestamp, boolean that every non-empty value reads as, else text. Integers that all fit 32 bits are `int`
 * (dbt's integer), wider ones `bigint` where dbt would overflow. A column with no value is text.
 */
export function inferSeedColumnType(values: readonly string[]): ColumnType {
  const present = values.filter((v) => v !== '');
  if (present.length === 0) return 'string';
  if (present.every((v) => INTEGER.test(v)))
    return present.every((v) => Math.abs(Number(v)) <= INT32_MAX) ? 'int' : 'bigint';
  if (present.every((v) => DECIMAL.test(v))) return 'double';
  if (present.every((v) => DATE.test(v) && isCalendarDate(v))) return 'date';
  if (present.every((v) => TIMESTAMP.test(v) && isCalendarDate(v))) return 'timestamp';
  if (present.every((v) => BOOLEAN.test(v))) return 'boolean';
  return 'string';
}
