import type { AdapterCapabilities, DdlDialect, Dialect } from '../adapter.js';
import type { Relation } from '../../core/nodes.js';
import type { ColumnType } from '../../core/column-type.js';
import type { PartitionField } from '../../core/partition-field.js';
import { StediError } from '../../errors.js';

// Trino (queries, CTAS, views) and Hive (DDL) name the same types differently.
const TRINO_TYPES: Record<ColumnType, string> = {
  string: 'varchar',
  bigint: 'bigint',
  int: 'integer',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
};

const HIVE_TYPES: Record<ColumnType, string> = {
  string: 'string',
  bigint: 'bigint',
  int: 'int',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
};

/**
 * Athena replaces tables by renaming Iceberg tables (no transactional DDL), reads landing JSON as external tables, and
 * adds to Iceberg tables with MERGE INTO, one atomic commit per statement.
 */
export const athenaCapabilities: AdapterCapabilities = {
  transactionalDdl: false,
  externalSources: 'external-table',
  renameTable: true,
  mergeInto: true,
  // A CTAS or INSERT fails with HIVE_TOO_MANY_OPEN_PARTITIONS beyond this many partitions.
  maxPartitionsPerWrite: 100,
};

/** Where an Athena target writes table data, and how. */
export interface AthenaStorage {
  /** `s3_data_dir` of the target: tables live under `<dataDir>/<schema>/<table>/<build id>/`. */
  dataDir: string;
  /** Parquet compression of Iceberg data files (ZSTD, SNAPPY, GZIP...). */
  writeCompression: string;
}

function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

// Athena keeps catalog names lowercase; quoting a mixed-case name would not find it, so names are lowercased here.
function trinoIdentifier(name: string): string {
  return `"${name.toLowerCase().replaceAll('"', '""')}"`;
}

function hiveIdentifier(name: string): string {
  return `\`${name.toLowerCase().replaceAll('`', '``')}\``;
}

// Hive string literals escape with a backslash; '' is not an escaped quote there but two literals joined (x'y would
// become xy), and a backslash before the closing quote would end the literal somewhere else.
function hiveString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** Hive's rules, for the statements Athena parses as DDL (CREATE EXTERNAL TABLE, ALTER TABLE, DROP TABLE...). */
export const hiveDdlDialect: DdlDialect = {
  quoteIdentifier: hiveIdentifier,
  quoteString: hiveString,
  // The catalog is given by the query context, so relations are `schema`.`table`.
  relation: (r: Relation) => `${hiveIdentifier(r.schema)}.${hiveIdentifier(r.identifier)}`,
  columnType: (type) => HIVE_TYPES[type],
};

// VACUUM and OPTIMIZE quote by rules of their own: Athena documents backticks around a table name (needed when it
// starts with _), no backticks around the database, and that double quotes do not work there. Plain names go bare,
// as dbt-athena sends them.
function maintenanceRelation(r: Relation): string {
  const database = r.schema.toLowerCase();
  const table = r.identifier.toLowerCase();
  if (!/^[a-z0-9][a-z0-9_]*$/.test(database))
    throw new StediError(
      `Athena's VACUUM and OPTIMIZE cannot name the database ${r.schema}: only a name of letters, digits and _ that does not start with _ can be written there. Rename the database (profiles.yml) or the model's schema.`,
    );
  return /^[a-z0-9][a-z0-9_]*$/.test(table) ? `${database}.${table}` : `${database}.${hiveIdentifier(table)}`;
}

/**
 * A partition field as a CTAS names it in `partitioning`: Trino's Iceberg syntax, where bucket and truncate take the
 * column first (`bucket(user, 16)`), unlike Hive's PARTITIONED BY (`bucket(16, user)`). Names are bare: Athena keeps
 * them lowercase, and the field parser reads plain names.
 */
export function partitionSpec(field: PartitionField): string {
  switch (field.transform) {
    case 'identity':
      return field.column;
    case 'bucket':
    case 'truncate':
      return `${field.transform}(${field.column}, ${field.width})`;
    default:
      return `${field.transform}(${field.column})`;
  }
}

/** The S3 folder of one build of a table: fresh per build, so a failed CTAS never blocks the next one. */
export function tableLocation(storage: AthenaStorage, relation: Relation, buildId: string): string {
  return `${storage.dataDir.replace(/\/+$/, '')}/${relation.schema.toLowerCase()}/${relation.identifier.toLowerCase()}/${buildId}/`;
}

/**
 * Athena's SQL text rules: Trino quoting and types for queries, CTAS and views; Hive's for DDL. Tables are Iceberg,
 * written by CTAS to a location of their own.
 */
export function athenaDialect(storage: AthenaStorage): Dialect {
  return {
    quoteIdentifier: trinoIdentifier,
    quoteString,
    relation: (r: Relation) => `${trinoIdentifier(r.schema)}.${trinoIdentifier(r.identifier)}`,
    columnType: (type) => TRINO_TYPES[type],
    ddl: hiveDdlDialect,
    maintenanceRelation,
    tableLocation: (relation, buildId) => tableLocation(storage, relation, buildId),
    tableProperties: (relation, buildId, partitioning = []) =>
      [
        "table_type = 'ICEBERG'",
        'is_external = false',
        `location = ${quoteString(tableLocation(storage, relation, buildId))}`,
        "format = 'PARQUET'",
        `write_compression = ${quoteString(storage.writeCompression)}`,
        ...(partitioning.length > 0
          ? [`partitioning = ARRAY[${partitioning.map((f) => quoteString(partitionSpec(f))).join(', ')}]`]
          : []),
      ].join(', '),
  };
}
