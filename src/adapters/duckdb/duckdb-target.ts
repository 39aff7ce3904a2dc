import { z } from 'zod';
import { identifierField, threadsField } from '../target-fields.js';

/** The engine's name, as profiles.yml writes it (`type: duckdb`). */
export const DUCKDB = 'duckdb';

/** A DuckDB target in profiles.yml: an embedded database file (or `:memory:`). */
export const duckDbTargetSchema = z
  .object({
    type: z.literal(DUCKDB),
    path: z.string().min(1),
    schema: identifierField.default('stedi'),
    threads: threadsField.default(4),
    /** DuckDB's own settings (memory_limit, threads, temp_directory...), passed when the database opens. */
    settings: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
  })
  .strict();

/** A DuckDB target as written in profiles.yml, after its templated values are rendered. */
export type DuckDbTarget = z.output<typeof duckDbTargetSchema> & { name: string };
