import { z } from 'zod';
import type { Adapter } from './adapter.js';
import type { EngineDefinition, EngineInfo, ScratchEngine } from './engine-definition.js';

import { athenaEngine } from './athena/athena-engine.js';
import { duckDbEngine, duckDbScratch } from './duckdb/duckdb-engine.js';

/** Every engine stedi-models runs on: adding one is a folder with its definition and a line here. */
export const ENGINES = [duckDbEngine, athenaEngine] as const;

type TargetOf<E> = E extends EngineDefinition<infer T> ? T : never;

/** A target of profiles.yml, on any engine, after its templated values are rendered. */
export type Target = TargetOf<(typeof ENGINES)[number]>;

/** The engine unit tests run on, whatever the target: an in-memory database, with its dialect and macro versions. */
export const UNIT_TEST_ENGINE: ScratchEngine = duckDbScratch;

/**
 * The engine column lineage is computed on, whatever the target: models are rendered with its macros and parsed by
 * its parser (`serialize` gives each SQL text's syntax tree as JSON), so lineage is the same for every target.
 */
export const LINEAGE_ENGINE = {
  info: duckDbScratch.info,
  serialize: async (sqls: readonly string[]): Promise<string[]> =>
    (await import('./duckdb/duckdb-sql-parser.js')).serializeSqlWithDuckDb(sqls),
};

/** A target of profiles.yml on any engine, told apart by `type:`. */
export const targetSchema = z.discriminatedUnion('type', [
  ENGINES[0].targetSchema,
  ...ENGINES.slice(1).map((e) => e.targetSchema),
]);

/** The engine a target runs on. */
export function engineOf(target: Target): EngineDefinition<Target> {
  const engine = ENGINES.find((e) => e.name === target.type);
  if (!engine)
    throw new Error(`no engine named '${target.type}' (profiles.yml is validated against the registered engines)`);
  // The target was validated by this engine's own schema (`type:` picked it), so it is the engine's target type.
  return engine as EngineDefinition<Target>;
}

/** The pure, connection-free facts of a target's engine. */
export function engineInfo(target: Target): EngineInfo {
  return engineOf(target).info(target);
}

/**
 * Connects to a target's engine. Each engine's module is imported only when its target is used, so a DuckDB run
 * never loads the AWS SDK.
 */
export function openAdapter(target: Target, projectDir: string): Promise<Adapter> {
  return engineOf(target).open(target, projectDir);
}
