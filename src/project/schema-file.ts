import { z } from 'zod';
import { columnTypes } from '../core/column-type.js';
import { modelConfigSchema } from './model-config.js';
import { seedConfigSchema } from './seed-config.js';

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and _ only');
/** Data tests are declared as a name or a one-key mapping `{ test_name: { ...args } }`; checked when tests are built. */
const dataTests = z.array(z.union([z.string(), z.record(z.string(), z.unknown())])).optional();

const columnSchema = z
  .object({
    name,
    description: z.string().optional(),
    data_type: z.string().optional(),
    /** The key in the landing JSON when it differs from the column name (camelCase keys, lowercase columns). */
    json_key: z.string().optional(),
    tests: dataTests,
    data_tests: dataTests,
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const freshnessAfter = z
  .object({ count: z.number().int().positive(), period: z.enum(['minute', 'hour', 'day']) })
  .strict();

/** dbt's `freshness:` of a source or table: how old its newest row may be; `null` switches an inherited one off. */
const freshnessSchema = z
  .object({
    warn_after: freshnessAfter.optional(),
    error_after: freshnessAfter.optional(),
    filter: z.string().optional(),
  })
  .strict()
  .nullable()
  .optional();

const sourceTableSchema = z
  .object({
    name,
    identifier: name.optional(),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    freshness: freshnessSchema,
    /** The column (or SQL expression) whose newest value says when the table was last loaded, for `freshness`. */
    loaded_at_field: z.string().optional(),
    external: z
      .object({
        location: z.string().min(1),
        format: z.literal('json'),
        /** A load with more rejected lines than this fails and keeps the previous tables. */
        max_rejected_rows: z.number().int().min(0).optional(),
        /** The same as a fraction of the lines read (0.01 = 1%). */
        max_rejected_fraction: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
    columns: z.array(columnSchema.extend({ data_type: z.enum(columnTypes).optional() })).default([]),
    tests: dataTests,
    data_tests: dataTests,
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const sourceSchema = z
  .object({
    name,
    description: z.string().optional(),
    schema: z.string().optional(),
    tags: z.array(z.string()).optional(),
    freshness: freshnessSchema,
    loaded_at_field: z.string().optional(),
    tables: z.array(sourceTableSchema).min(1),
  })
  .strict();

const modelEntrySchema = z
  .object({
    name,
    description: z.string().optional(),
    config: modelConfigSchema.optional(),
    columns: z.array(columnSchema).default([]),
    tests: dataTests,
    data_tests: dataTests,
    meta: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const seedEntrySchema = z
  .object({
    name,
    description: z.string().optional(),
    config: seedConfigSchema.optional(),
    columns: z.array(columnSchema).default([]),
    tests: dataTests,
    data_tests: dataTests,
  })
  .strict();

const fixtureRows = z.array(z.record(z.string(), z.unknown())).default([]);

/** A model unit test (dbt 1.8): given rows for each input, the rows the model must return. */
const unitTestSchema = z
  .object({
    name,
    model: name,
    description: z.string().optional(),
    given: z
      .array(
        z
          .object({
            input: z
              .string()
              .regex(/^\s*(ref|source)\s*\(.*\)\s*$/, "must be ref('model') or source('source', 'table')"),
            rows: fixtureRows,
          })
          .strict(),
      )
      .default([]),
    expect: z.object({ rows: fixtureRows }).strict(),
    overrides: z
      .object({
        vars: z.record(z.string(), z.unknown()).optional(),
        env_vars: z.record(z.string(), z.string()).optional(),
      })
      .strict()
      .optional(),
    config: z
      .object({ tags: z.array(z.string()).optional() })
      .strict()
      .optional(),
  })
  .strict();

/** A `models/**\/*.yml` file: sources and model descriptions, dbt's "schema file". */
export const schemaFileSchema = z
  .object({
    version: z.literal(2).optional(),
    sources: z.array(sourceSchema).default([]),
    models: z.array(modelEntrySchema).default([]),
    seeds: z.array(seedEntrySchema).default([]),
    unit_tests: z.array(unitTestSchema).default([]),
  })
  .strict();

export type SchemaFile = z.output<typeof schemaFileSchema>;
export type SourceEntry = SchemaFile['sources'][number];
export type SourceTableEntry = SourceEntry['tables'][number];
export type ModelEntry = SchemaFile['models'][number];
export type ColumnEntry = ModelEntry['columns'][number];
export type SeedEntry = SchemaFile['seeds'][number];
export type UnitTestEntry = SchemaFile['unit_tests'][number];
