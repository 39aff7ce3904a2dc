import { z } from 'zod';
import { columnTypes, type ColumnType } from '../core/column-type.js';

/** The SQL type names dbt projects write in column_types, as the engine-neutral types seeds load as. */
const TYPE_ALIASES: Record<string, ColumnType> = {
  varchar: 'string',
  text: 'string',
  integer: 'int',
  int4: 'int',
  int8: 'bigint',
  float: 'double',
  float8: 'double',
  real: 'double',
  bool: 'boolean',
  datetime: 'timestamp',
};

const columnTypeName = z.preprocess(
  (v) => (typeof v === 'string' ? (TYPE_ALIASES[v.trim().toLowerCase()] ?? v.trim().toLowerCase()) : v),
  z.enum(columnTypes),
);

/** Config keys a seed may set, in the project file (`seeds:`) or its schema yml `config:`. */
export const seedConfigSchema = z
  .object({
    /** Declared types win over the types inferred from the values. */
    column_types: z.record(z.string(), columnTypeName),
    tags: z.union([z.string(), z.array(z.string())]).transform((t) => (typeof t === 'string' ? [t] : t)),
    schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier (letters, digits, _)'),
    alias: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier (letters, digits, _)'),
    enabled: z.boolean(),
  })
  .partial()
  .strict();

export type PartialSeedConfig = z.output<typeof seedConfigSchema>;

/** Merges seed configs in order of precedence (last wins; tags accumulate and column_types merge by column, as in dbt). */
export function mergeSeedConfig(layers: readonly PartialSeedConfig[]): PartialSeedConfig & { enabled: boolean } {
  const merged: PartialSeedConfig & { enabled: boolean } = { enabled: true };
  for (const { tags, column_types, ...rest } of layers) {
    Object.assign(merged, rest);
    if (tags) merged.tags = [...new Set([...(merged.tags ?? []), ...tags])];
    if (column_types) merged.column_types = { ...merged.column_types, ...column_types };
  }
  return merged;
}
