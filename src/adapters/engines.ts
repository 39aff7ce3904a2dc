import type { Target } from '../project/profiles.js';
import type { Adapter, Dialect } from './adapter.js';
import { duckDbCatalogName, duckDbDialect } from './duckdb/duckdb-dialect.js';

/** What compiling needs from an engine without connecting to it: its SQL text rules and where relations live. */
export interface EngineInfo {
  dialect: Dialect;
  /** The catalog to name in relations, when the engine needs it. */
  database?: string;
  /** The default schema of the target. */
  schema: string;
}

/** The pure, connection-free facts of a target's engine. */
export function engineInfo(target: Target): EngineInfo {
  switch (target.type) {
    case 'duckdb':
      return { dialect: duckDbDialect, database: duckDbCatalogName(target.path), schema: target.schema };
    case 'athena':
      throw new Error('The Athena engine is not available in this version yet.');
    default: {
      const never: never = target;
      return never;
    }
  }
}

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
    case 'athena':
      throw new Error('The Athena engine is not available in this version yet.');
    default: {
      const never: never = target;
      return never;
    }
  }
}
