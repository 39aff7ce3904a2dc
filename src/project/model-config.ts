import { z } from 'zod';
import { materializations, type ModelConfig } from '../core/model-config.js';
import { bucketPartitions, parsePartitionField, type PartitionField } from '../core/partition-field.js';

/**
 * How long rows a purge deleted stay readable by time travel and stored, on engines whose tables keep old snapshots
 * (Athena), by default: 4 hours. No Athena query runs longer (240 minutes is the highest DML timeout AWS grants), so
 * no reader of an older snapshot and no write still in progress outlives it.
 */
export const DEFAULT_SNAPSHOT_RETENTION_SECONDS = 14_400;

/**
 * The shortest retention accepted: 1 hour, twice Athena's default 30-minute DML timeout. VACUUM also deletes files
 * in the table's folder that no snapshot names and that are older than the retention, as a write still in progress
 * has them.
 */
export const MIN_SNAPSHOT_RETENTION_SECONDS = 3_600;

/**
 * Scheduled maintenance by default: after 10 commits since the last OPTIMIZE (a merge model makes one or two a run), or
 * 50 delete files, before Glue's table versions and the files a read opens pile up.
 */
export const DEFAULT_MAINTENANCE_AFTER_COMMITS = 10;
export const DEFAULT_MAINTENANCE_AFTER_DELETE_FILES = 50;

/** Athena writes at most 100 partitions per query; the buckets alone of a table must fit in one write. */
export const MAX_BUCKET_PARTITIONS = 100;

const retentionMessage = `must be a whole number of seconds, at least ${MIN_SNAPSHOT_RETENTION_SECONDS} (1 hour); the default is ${DEFAULT_SNAPSHOT_RETENTION_SECONDS} (4 hours)`;

/** A hook as dbt takes it: SQL, a `{ sql, transaction }` mapping, or a list of them. */
const hooks = z
  .union([
    z.string(),
    z.object({ sql: z.string(), transaction: z.boolean().optional() }).strict(),
    z.array(z.union([z.string(), z.object({ sql: z.string(), transaction: z.boolean().optional() }).strict()])),
  ])
  .transform((h) => [h].flat().map((one) => (typeof one === 'string' ? one : one.sql)));

/** Config keys a model may set, in the project file (`+key`), in its schema yml `config:` or with `config()`. */
export const modelConfigSchema = z
  .object({
    materialized: z.enum(materializations),
    tags: z.union([z.string(), z.array(z.string())]).transform((t) => (typeof t === 'string' ? [t] : t)),
    enabled: z.boolean(),
    alias: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier (letters, digits, _)'),
    schema: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier (letters, digits, _)'),
    description: z.string(),
    /** Zone of the lakehouse, shown in docs and used by privacy tests; defaults to the model's folder. */
    zone: z.string(),
    /** Privacy properties the model promises; its data tests prove them. */
    privacy: z.array(z.enum(['consent_filtered', 'identifier_free'])),
    /** Incremental models: the columns that identify a row; rows of the target with a key in the new rows are replaced. */
    unique_key: z.union([z.string(), z.array(z.string()).min(1)]).transform((k) => (typeof k === 'string' ? [k] : k)),
    incremental_strategy: z.enum(['append', 'merge', 'delete+insert', 'replace_where']),
    /** With incremental_strategy replace_where: a condition; the table's rows that meet it are replaced by the new rows. */
    replace_where: z.string(),
    /**
     * With merge or delete+insert: a query of unique_key values whose rows are replaced too, beside the keys the new
     * rows carry (a key whose rows all went away has no new row). Run once, before the model's query, which (like
     * the hooks) can read the keys as incremental_replaced_keys().
     */
    replace_keys: z.string(),
    on_schema_change: z.enum(['fail', 'append_new_columns', 'ignore']),
    /**
     * Incremental models: a condition on the table's rows that must be deleted before new rows are added (templated,
     * in the model's scope; e.g. the readings of a customer who withdrew consent). Deleted first, in the write's
     * transaction, and committed on its own when the write fails or an audit refuses it; on Athena it is its own
     * commit before the write, followed by snapshot expiry.
     */
    purge: z.string(),
    /** SQL run after the model is built, in the same transaction (templated); dbt's `post-hook` is the same key. */
    post_hook: hooks,
    'post-hook': hooks,
    /** SQL run before the model's build starts (templated); dbt's `pre-hook` is the same key. */
    pre_hook: hooks,
    'pre-hook': hooks,
    /**
     * Seconds that rows a purge deleted stay readable by time travel and stored, on engines whose tables keep old
     * snapshots: the Iceberg table property of this name on Athena, as dbt-athena users set it.
     */
    vacuum_max_snapshot_age_seconds: z
      .number(retentionMessage)
      .int(retentionMessage)
      .min(MIN_SNAPSHOT_RETENTION_SECONDS, retentionMessage),
    /**
     * Iceberg partition fields of the model's table (Athena): columns and transforms, as dbt-athena's partitioned_by.
     * Engines without partitioned tables (DuckDB) ignore it.
     */
    /**
     * Scheduled maintenance of an incremental model's Iceberg table (Athena): OPTIMIZE and VACUUM once this many
     * commits were made since the last OPTIMIZE (0: never on that count). A model with a purge has them every run.
     */
    maintenance_after_commits: z.number().int().min(0),
    /** ... or once the table reads this many delete files (0: never on that count). */
    maintenance_after_delete_files: z.number().int().min(0),
    /**
     * dbt's grants: privileges on the model's relation, each to a list of grantees, re-applied after every rebuild
     * (on Athena a rebuild makes a new Glue table, so Lake Formation grants on the old one are lost).
     */
    grants: z.record(
      z.string().regex(/^[A-Za-z_]+$/, 'a privilege is a word (select, describe...)'),
      z.union([z.string().min(1), z.array(z.string().min(1))]).transform((g) => (typeof g === 'string' ? [g] : g)),
    ),
    partitioned_by: z.union([z.string(), z.array(z.string()).min(1)]).transform((p, ctx): PartitionField[] => {
      const fields = (typeof p === 'string' ? [p] : p).map(parsePartitionField);
      for (const f of fields) if ('error' in f) ctx.addIssue({ code: 'custom', message: f.error });
      const parsed = fields.filter((f): f is PartitionField => !('error' in f));
      if (bucketPartitions(parsed) > MAX_BUCKET_PARTITIONS)
        ctx.addIssue({
          code: 'custom',
          message: `its buckets make ${bucketPartitions(parsed)} partitions, more than one Athena write may fill (${MAX_BUCKET_PARTITIONS}): use fewer buckets`,
        });
      return parsed;
    }),
  })
  .partial()
  .strict();

/** A partial model config as written in one place; later places override earlier ones. */
export type ModelConfigInput = z.input<typeof modelConfigSchema>;
export type PartialModelConfig = z.output<typeof modelConfigSchema>;

/** Merges partial configs in order of precedence (last wins; tags accumulate, as in dbt). */
export function mergeModelConfig(layers: readonly PartialModelConfig[]): ModelConfig {
  const merged: ModelConfig = {
    materialized: 'view',
    tags: [],
    enabled: true,
    privacy: [],
    incrementalStrategy: 'append',
    onSchemaChange: 'fail',
    postHook: [],
    preHook: [],
    vacuumMaxSnapshotAgeSeconds: DEFAULT_SNAPSHOT_RETENTION_SECONDS,
    maintenanceAfterCommits: DEFAULT_MAINTENANCE_AFTER_COMMITS,
    maintenanceAfterDeleteFiles: DEFAULT_MAINTENANCE_AFTER_DELETE_FILES,
  };
  for (const layer of layers) {
    const {
      tags,
      privacy,
      description: _description,
      unique_key,
      incremental_strategy,
      on_schema_change,
      post_hook,
      'post-hook': postHookDashed,
      pre_hook,
      'pre-hook': preHookDashed,
      replace_where,
      replace_keys,
      vacuum_max_snapshot_age_seconds,
      partitioned_by,
      grants,
      maintenance_after_commits,
      maintenance_after_delete_files,
      ...rest
    } = layer;
    if (maintenance_after_commits !== undefined) merged.maintenanceAfterCommits = maintenance_after_commits;
    if (maintenance_after_delete_files !== undefined)
      merged.maintenanceAfterDeleteFiles = maintenance_after_delete_files;
    if (partitioned_by) merged.partitionedBy = partitioned_by;
    // As in dbt, a more specific config replaces the grants of a privilege it names.
    if (grants)
      merged.grants = {
        ...merged.grants,
        ...Object.fromEntries(Object.entries(grants).map(([privilege, to]) => [privilege.toLowerCase(), to])),
      };
    if (vacuum_max_snapshot_age_seconds !== undefined)
      merged.vacuumMaxSnapshotAgeSeconds = vacuum_max_snapshot_age_seconds;
    if (replace_where) merged.replaceWhere = replace_where;
    if (replace_keys) merged.replaceKeys = replace_keys;
    Object.assign(merged, rest);
    if (unique_key) merged.uniqueKey = unique_key;
    if (incremental_strategy) merged.incrementalStrategy = incremental_strategy;
    if (on_schema_change) merged.onSchemaChange = on_schema_change;
    // Hooks add up from every place that sets them (project, folder, yml, config()), as in dbt.
    merged.postHook = [...merged.postHook, ...(post_hook ?? []), ...(postHookDashed ?? [])];
    merged.preHook = [...merged.preHook, ...(pre_hook ?? []), ...(preHookDashed ?? [])];
    if (tags) merged.tags = [...new Set([...merged.tags, ...tags])];
    if (privacy) merged.privacy = [...new Set([...merged.privacy, ...privacy])];
  }
  return merged;
}
