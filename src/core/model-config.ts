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
}
