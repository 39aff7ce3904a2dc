import type { PartitionField } from './partition-field.js';

/** How a model is materialized on the engine. */
export const materializations = ['view', 'table', 'incremental', 'ephemeral'] as const;
export type Materialization = (typeof materializations)[number];

/** The resolved config of one model. */
export interface ModelConfig {
  materialized: Materialization;
  tags: string[];
  enabled: boolean;
  alias?: string;
  schema?: string;
  zone?: string;
  privacy: string[];
  uniqueKey?: string[];
  incrementalStrategy: 'append' | 'merge' | 'delete+insert' | 'replace_where';
  replaceWhere?: string;
  replaceKeys?: string;
  purge?: string;
  onSchemaChange: 'fail' | 'append_new_columns' | 'ignore';
  postHook: string[];
  preHook: string[];
  vacuumMaxSnapshotAgeSeconds: number;
  /** Scheduled maintenance of an incremental Iceberg table: after this many commits since the last OPTIMIZE (0: never). */
  maintenanceAfterCommits: number;
  /** ... or this many delete files (0: never). */
  maintenanceAfterDeleteFiles: number;
  /** Partition fields of its table, on engines that partition tables (Athena's Iceberg); ignored elsewhere. */
  partitionedBy?: PartitionField[];
  /** Privileges on the model's relation by lowercase name (select...), each with its grantees (dbt's grants). */
  grants?: Record<string, string[]>;
}
