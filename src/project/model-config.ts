import { z } from 'zod';

/** How a model is materialized on the engine. */
export const materializations = ['view', 'table'] as const;
export type Materialization = (typeof materializations)[number];

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
  })
  .partial()
  .strict();

/** A partial model config as written in one place; later places override earlier ones. */
export type ModelConfigInput = z.input<typeof modelConfigSchema>;
export type PartialModelConfig = z.output<typeof modelConfigSchema>;

/** The resolved config of one model. */
export interface ModelConfig {
  materialized: Materialization;
  tags: string[];
  enabled: boolean;
  alias?: string;
  schema?: string;
  zone?: string;
  privacy: string[];
}

/** Merges partial configs in order of precedence (last wins; tags accumulate, as in dbt). */
export function mergeModelConfig(layers: readonly PartialModelConfig[]): ModelConfig {
  const merged: ModelConfig = { materialized: 'view', tags: [], enabled: true, privacy: [] };
  for (const layer of layers) {
    const { tags, privacy, description: _description, ...rest } = layer;
    Object.assign(merged, rest);
    if (tags) merged.tags = [...new Set([...merged.tags, ...tags])];
    if (privacy) merged.privacy = [...new Set([...merged.privacy, ...privacy])];
  }
  return merged;
}
