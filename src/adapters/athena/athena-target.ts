import { z } from 'zod';
import { identifierField, threadsField } from '../target-fields.js';

/** The engine's name, as profiles.yml writes it (`type: athena`). */
export const ATHENA = 'athena';

/** An Athena target in profiles.yml: a workgroup, S3 locations and a Glue database. */
export const athenaTargetSchema = z
  .object({
    type: z.literal(ATHENA),
    region: z.string().min(1),
    workgroup: z.string().min(1).default('primary'),
    s3_staging_dir: z.string().regex(/^s3:\/\//, 'must be an s3:// URI'),
    s3_data_dir: z.string().regex(/^s3:\/\//, 'must be an s3:// URI'),
    database: identifierField,
    schema: identifierField.optional(),
    catalog: z.string().default('AwsDataCatalog'),
    threads: threadsField.default(4),
    /** First wait between two status checks of a query; doubles up to poll_interval_max_ms. */
    poll_interval_ms: z.coerce.number().int().min(1).default(500),
    poll_interval_max_ms: z.coerce.number().int().min(1).default(5000),
    /** Retries of a throttled request, an internal error or an ICEBERG_COMMIT_ERROR. */
    max_retries: z.coerce.number().int().min(0).default(5),
    /** Most the first retry waits (jittered); doubles per retry up to retry_backoff_max_ms. */
    retry_backoff_ms: z.coerce.number().int().min(1).default(1000),
    retry_backoff_max_ms: z.coerce.number().int().min(1).default(30_000),
    write_compression: z.string().default('ZSTD'),
  })
  .strict()
  .refine((t) => t.poll_interval_max_ms >= t.poll_interval_ms, {
    path: ['poll_interval_max_ms'],
    message: 'must be at least poll_interval_ms',
  })
  .refine((t) => t.retry_backoff_max_ms >= t.retry_backoff_ms, {
    path: ['retry_backoff_max_ms'],
    message: 'must be at least retry_backoff_ms',
  });

/** An Athena target as written in profiles.yml, after its templated values are rendered. */
export type AthenaTarget = z.output<typeof athenaTargetSchema> & { name: string };
