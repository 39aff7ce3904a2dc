import { z } from 'zod';
import type { DataTestConfig } from '../core/nodes.js';

const condition = z
  .union([z.string(), z.number()])
  .transform(String)
  .refine(
    (c) => /^\s*(==|=|!=|<>|>=|<=|>|<)\s*\d+\s*$/.test(c),
    'must be a comparison with a whole number, e.g. ">0", "!=0", ">=10"',
  );

/** Config keys a data test may set, in yml (at the top of the test or under `config:`) or with `config()`. */
export const testConfigSchema = z
  .object({
    severity: z.enum(['error', 'warn', 'ERROR', 'WARN']).transform((s) => s.toLowerCase() as 'error' | 'warn'),
    warn_if: condition,
    error_if: condition,
    where: z.string(),
    limit: z.number().int().positive(),
    store_failures: z.boolean(),
    tags: z.union([z.string(), z.array(z.string())]).transform((t) => (typeof t === 'string' ? [t] : t)),
    enabled: z.boolean(),
    /**
     * The test guards a promise no command may break (consent, identifiers): it audits its model's new rows before
     * they are published in `run` as well as in `build` (where every error-severity test does). Needs severity error.
     */
    blocking: z.boolean(),
  })
  .partial()
  .strict();

/** A partial data test config as written in one place; later places override earlier ones. */
export type PartialTestConfig = z.output<typeof testConfigSchema>;

/** The config keys, so declarations can tell config from test arguments. */
export const TEST_CONFIG_KEYS = new Set(Object.keys(testConfigSchema.shape));

/** A test's full config from partial layers (later wins). */
export function resolveTestConfig(
  layers: ReadonlyArray<z.output<typeof testConfigSchema>>,
): DataTestConfig & { enabled: boolean } {
  const config: DataTestConfig & { enabled: boolean } = {
    severity: 'error',
    warnIf: '!=0',
    errorIf: '!=0',
    storeFailures: false,
    tags: [],
    enabled: true,
    blocking: false,
  };
  for (const layer of layers) {
    if (layer.severity) config.severity = layer.severity;
    if (layer.warn_if) config.warnIf = layer.warn_if;
    if (layer.error_if) config.errorIf = layer.error_if;
    if (layer.where) config.where = layer.where;
    if (layer.limit) config.limit = layer.limit;
    if (layer.store_failures !== undefined) config.storeFailures = layer.store_failures;
    if (layer.enabled !== undefined) config.enabled = layer.enabled;
    if (layer.blocking !== undefined) config.blocking = layer.blocking;
    if (layer.tags) config.tags = [...new Set([...config.tags, ...layer.tags])];
  }
  return config;
}
