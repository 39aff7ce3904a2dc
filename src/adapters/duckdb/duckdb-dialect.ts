import path from 'node:path';
import type { AdapterCapabilities, Dialect } from '../adapter.js';
import type { Relation } from '../../core/nodes.js';
import type { ColumnType } from '../../core/column-type.js';
import { jsonLinesFastSql, jsonLinesSql } from './duckdb-json-lines.js';

const TYPES: Record<ColumnType, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  int: 'INTEGER',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/** DuckDB builds and swaps tables in transactions, loads landing JSON into tables, and counts rows for free. */
export const duckDbCapabilities: AdapterCapabilities = {
  transactionalDdl: true,
  externalSources: 'loaded-table',
  renameTable: true,
  freeQueries: true,
  tableDifference: true,
};

/** DuckDB names a database file's catalog after the file: `target/lakehouse.duckdb` is catalog `lakehouse`. */
export function duckDbCatalogName(databasePath: string): string {
  if (databasePath === ':memory:' || databasePath === '') return 'memory';
  const base = path.basename(databasePath);
  const dot = base.indexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

// A landing location is a folder (the S3 prefix layout); every *.json file in it is one part of the relation.
function landingPattern(location: string): string {
  return /\.json$/i.test(location) || location.includes('*') ? location : `${location.replace(/\/+$/, '')}/*.json`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** DuckDB's SQL text rules. */
export const duckDbDialect: Dialect = {
  quoteIdentifier,
  quoteString,
  // Always three parts: a schema named like the database file (stedi.stedi) is otherwise ambiguous to DuckDB.
  relation: (r: Relation) =>
    [r.database, r.schema, r.identifier]
      .filter((p): p is string => p !== undefined)
      .map(quoteIdentifier)
      .join('.'),
  columnType: (type) => TYPES[type],
  parseJsonLines: (files, columns, onlyFiles) =>
    jsonLinesSql(
      typeof files === 'string' ? landingPattern(files) : files,
      columns,
      quoteString,
      quoteIdentifier,
      (t) => TYPES[t],
      onlyFiles,
    ),
  readJsonLinesFast: (files, columns) => jsonLinesFastSql(files, columns, quoteString, quoteIdentifier),
  // read_text reads a file's content only when the content column is asked for: listing is cheap.
  listLandingFiles: (location) =>
    `select filename as file, size, epoch_ms(last_modified) as modified_ms from read_text(${quoteString(landingPattern(location))}) order by filename`,
  // read_text matches a missing folder as zero files and returns no rows; that would publish empty tables.
  checkLandingFiles: (location, sourceName) =>
    `select case when count(*) = 0 then error(${quoteString(`${sourceName}: no files found at ${landingPattern(location)}`)}) end as verdict\nfrom glob(${quoteString(landingPattern(location))})`,
  readJson(location, columns) {
    const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
    return `select ${names}\nfrom (\n${jsonLinesSql(landingPattern(location), columns, quoteString, quoteIdentifier, (t) => TYPES[t])}\n) as parsed\nwhere reason is null`;
  },
};
