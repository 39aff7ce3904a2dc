import { parse } from 'csv-parse/sync';
import { ProjectError } from '../errors.js';
import type { Dialect } from '../adapters/adapter.js';
import type { SeedNode } from '../core/nodes.js';
import type { ColumnType } from '../core/column-type.js';
import { inferSeedColumnType } from './seed-types.js';

/** A seed CSV cannot be loaded as declared; names the file, line and column. */
export class SeedFileError extends ProjectError {}

const VALID: Record<ColumnType, (v: string) => boolean> = {
  string: () => true,
  bigint: (v) => /^-?\d+$/.test(v),
  int: (v) => /^-?\d+$/.test(v) && Math.abs(Number(v)) <= 2_147_483_647,
  double: (v) => v.trim() !== '' && Number.isFinite(Number(v)),
  boolean: (v) => /^(true|false)$/i.test(v),
  date: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)),
  timestamp: (v) => !Number.isNaN(Date.parse(v)),
};

/**
 * The SELECT that produces a seed's rows: every value checked against its declared type first (undeclared columns
 * take the type their values infer, empty cells are NULL), so a bad file fails before anything is written.
 */
export function seedSelectSql(seed: SeedNode, dialect: Dialect): string {
  let parsed: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // info: true gives each record the line it ends on, so errors name the line an editor shows.
    parsed = parse(seed.csvText, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      info: true,
    }) as unknown as typeof parsed;
  } catch (error) {
    const e = error as { lines?: number; message: string };
    throw new SeedFileError(
      `${seed.filePath}${e.lines ? `:${e.lines}` : ''}: not a valid CSV file: ${e.message}. Every row needs as many fields as the header; quote fields that contain commas.`,
    );
  }
  const records = parsed.map((p) => p.record);
  const lines = parsed.map((p) => p.info.lines);
  const [header, ...rows] = records;
  if (!header || header.length === 0)
    throw new SeedFileError(`${seed.filePath}: empty file; a seed needs a header line with column names.`);
  // Declared column_types win; other columns take the type their values infer, as in dbt.
  const types = header.map(
    (name, c) => (seed.columnTypes[name] as ColumnType | undefined) ?? inferSeedColumnType(rows.map((r) => r[c]!)),
  );
  for (const declared of Object.keys(seed.columnTypes)) {
    if (!header.includes(declared))
      throw new SeedFileError(
        `${seed.filePath}: column_types declares '${declared}', which is not a column of the header (${header.join(', ')}).`,
      );
  }
  const problems: string[] = [];
  rows.forEach((row, r) =>
    row.forEach((value, c) => {
      if (value !== '' && !VALID[types[c]!](value))
        problems.push(`${seed.filePath}:${lines[r + 1]}: column ${header[c]}: '${value}' is not a ${types[c]}`);
    }),
  );
  if (problems.length > 0)
    throw new SeedFileError(
      `${problems.slice(0, 20).join('\n')}${problems.length > 20 ? `\n(and ${problems.length - 20} more)` : ''}\nFix the values or the column_types of seed ${seed.name}.`,
    );
  const cell = (value: string, c: number) =>
    `cast(${value === '' ? 'null' : dialect.quoteString(value)} as ${dialect.columnType(types[c]!)})`;
  const columns = header.map((name, c) => `${cell('', c)} as ${dialect.quoteIdentifier(name)}`).join(', ');
  if (rows.length === 0) return `select ${columns} where false`;
  const selects = rows.map(
    (row) => `select ${row.map((v, c) => `${cell(v, c)} as ${dialect.quoteIdentifier(header[c]!)}`).join(', ')}`,
  );
  return selects.join('\nunion all\n');
}
