import type { Target } from '../project/profiles.js';
import type { Adapter, AdapterCapabilities, Dialect } from './adapter.js';
import { athenaCapabilities, athenaDialect } from './athena/athena-dialect.js';
import { duckDbCatalogName, duckDbDialect } from './duckdb/duckdb-dialect.js';

/** What compiling needs from an engine without connecting to it: its SQL text rules and where relations live. */
export interface EngineInfo {
  /** The engine's name as profiles write it (`type:`): the `<type>__` prefix of its macro versions, `target.type` in templates. */
  type: Target['type'];
  dialect: Dialect;
  /** The catalog to name in relations, when the engine needs it. */
  database?: string;
  /** The default schema of the target. */
  schema: string;
  /** The engine's abilities, where they are known without connecting (what `--dry-run` plans with). */
  capabilities?: AdapterCapabilities;
}

/** The pure, connection-free facts of a target's engine. */
export function engineInfo(target: Target): EngineInfo {
  switch (target.type) {
    case 'duckdb':
      return { type: target.type, dialect: duckDbDialect, database: duckDbCatalogName(target.path), schema: target.schema };
    case 'athena':
      // The Glue database is the schema; the catalog is named by the query context, so relations have two parts.
      return {
        type: target.type,
        dialect: athenaDialect({ dataDir: target.s3_data_dir, writeCompression: target.write_compression }),
        schema: target.schema ?? target.database,
        capabilities: athenaCapabilities,
      };
    default: {
      const never: never = target;
      return never;
    }
  }
}

/**
 * The engine unit tests run on, whatever the target: an in-memory DuckDB. Their models render with its macro versions
 * and quoting, since that is where their SQL runs.
 */
export const UNIT_TEST_ENGINE: EngineInfo = { type: 'duckdb', dialect: duckDbDialect, schema: 'main' };

/**
 * Connects to a target's engine. Each engine's module is imported only when its target is used, so a DuckDB run
 * never loads the AWS SDK.
 */
export async function openAdapter(target: Target, projectDir: string): Promise<Adapter> {
  switch (target.type) {
    case 'duckdb': {
      const { DuckDbAdapter } = await import('./duckdb/duckdb-adapter.js');
      return DuckDbAdapter.open(target, projectDir);
    }
    case 'athena': {
      const { AthenaAdapter } = await import('./athena/athena-adapter.js');
      return AthenaAdapter.open(target);
    }
    default: {
      const never: never = target;
      return never;
    }
  }
}
