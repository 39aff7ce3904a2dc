import type { EngineDefinition } from '../engine-definition.js';
import { athenaCapabilities, athenaDialect } from './athena-dialect.js';
import { ATHENA, athenaTargetSchema, type AthenaTarget } from './athena-target.js';

/** AWS Athena (Trino over Iceberg tables on S3): remote, billed per query, without transactions. */
export const athenaEngine: EngineDefinition<AthenaTarget> = {
  name: ATHENA,
  label: 'Athena',
  targetSchema: athenaTargetSchema,
  capabilities: athenaCapabilities,
  plansOffline: true,
  macroDispatch: ATHENA,
  // The Glue database is the schema; the catalog is named by the query context, so relations have two parts.
  info: (target) => ({
    definition: athenaEngine,
    dialect: athenaDialect({ dataDir: target.s3_data_dir, writeCompression: target.write_compression }),
    schema: target.schema ?? target.database,
  }),
  // The AWS SDK is loaded only here: a DuckDB run never loads it.
  async open(target) {
    const { AthenaAdapter } = await import('./athena-adapter.js');
    return AthenaAdapter.open(target);
  },
};
