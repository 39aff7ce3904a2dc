import path from 'node:path';
import type { EngineDefinition, EngineInfo, ScratchEngine } from '../engine-definition.js';
import { DUCKDB, duckDbTargetSchema, type DuckDbTarget } from './duckdb-target.js';
import { duckDbCapabilities, duckDbCatalogName, duckDbDialect } from './duckdb-dialect.js';

const IN_MEMORY = ':memory:';

/** DuckDB: embedded, local, transactional; the engine unit tests run on. */
export const duckDbEngine: EngineDefinition<DuckDbTarget> = {
  name: DUCKDB,
  label: 'DuckDB',
  targetSchema: duckDbTargetSchema,
  capabilities: duckDbCapabilities,
  plansOffline: false,
  macroDispatch: DUCKDB,
  info: (target) => ({
    definition: duckDbEngine,
    dialect: duckDbDialect,
    database: duckDbCatalogName(target.path),
    schema: target.schema,
  }),
  localDatabase: (target, projectDir) => ({
    file: path.resolve(projectDir, target.path),
    inMemory: target.path === IN_MEMORY,
  }),
  async open(target, projectDir) {
    const { DuckDbAdapter } = await import('./duckdb-adapter.js');
    return DuckDbAdapter.open(target, projectDir);
  },
};

const scratchInfo: EngineInfo = { definition: duckDbEngine, dialect: duckDbDialect, schema: 'main' };

/** An in-memory DuckDB: where unit tests run, with its dialect and macro versions. */
export const duckDbScratch: ScratchEngine = {
  info: scratchInfo,
  async open(projectDir) {
    const { DuckDbAdapter } = await import('./duckdb-adapter.js');
    return DuckDbAdapter.open({ path: IN_MEMORY, settings: {} }, projectDir);
  },
};
