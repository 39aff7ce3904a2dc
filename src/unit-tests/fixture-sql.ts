import type { Dialect } from '../adapters/adapter.js';
import type { FixtureRow } from '../core/nodes.js';
import { ProjectError } from '../errors.js';

/** A unit test's given rows cannot be turned into a relation. */
export class UnitTestFixtureError extends ProjectError {}

/** A column of a fixture: its name and its engine type, or undefined when nothing says (all values NULL). */
export interface FixtureColumn {
  name: string;
  type?: string;
}

function inferType(rows: readonly FixtureRow[], column: string): string | undefined {
  const value = rows.map((r) => r[column]).find((v) => v !== null && v !== undefined);
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'number') return Number.isInteger(value) ? 'BIGINT' : 'DOUBLE';
  return 'VARCHAR';
}

function literal(value: unknown, dialect: Dialect): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return dialect.quoteString(typeof value === 'string' ? value : JSON.stringify(value));
}

/**
 * The SELECT that yields a fixture's rows: declared columns keep their types (missing values are NULL), other
 * columns take the type of their values. A column with only NULLs stays untyped, so it compares with anything.
 */
export function fixtureSelectSql(
  label: string,
  rows: readonly FixtureRow[],
  declared: readonly FixtureColumn[],
  dialect: Dialect,
): string {
  const names = [...new Set([...declared.map((c) => c.name), ...rows.flatMap((r) => Object.keys(r))])];
  if (names.length === 0) {
    throw new UnitTestFixtureError(
      `${label}: no rows and no declared columns, so its shape is unknown. Give at least one row, or declare its columns in yml.`,
    );
  }
  const types = new Map(names.map((n) => [n, declared.find((c) => c.name === n)?.type ?? inferType(rows, n)]));
  const cell = (value: unknown, name: string) => {
    const type = types.get(name);
    const text = literal(value, dialect);
    return `${type ? `cast(${text} as ${type})` : text} as ${dialect.quoteIdentifier(name)}`;
  };
  if (rows.length === 0) return `select ${names.map((n) => cell(null, n)).join(', ')} where false`;
  return rows.map((row) => `select ${names.map((n) => cell(row[n], n)).join(', ')}`).join('\nunion all\n');
}

/** A value as unit tests compare it: DuckDB's bigints as numbers, everything else as JSON sees it. */
export function comparable(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value === undefined) return null;
  return value;
}

/** Rows reduced to the given columns, as sorted canonical strings: a multiset that ignores row order. */
export function canonicalRows(rows: readonly FixtureRow[], columns: readonly string[]): string[] {
  return rows.map((row) => JSON.stringify(columns.map((c) => comparable(row[c])))).sort();
}
