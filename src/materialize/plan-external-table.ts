import { createHash } from 'node:crypto';
import type { Dialect } from '../adapters/adapter.js';
import type { RelationType, Statement } from '../core/statement.js';
import type { SourceNode } from '../core/nodes.js';
import { ProjectError } from '../errors.js';
import { UnsupportedPlanError } from './plan-input.js';

/** The table property that holds a fingerprint of a source's declaration, to tell when it must be recreated. */
export const DECLARATION_PROPERTY = 'stedi.declaration';

/**
 * AWS recommends the Hive JSON SerDe over OpenX for deterministic results. It matches JSON keys to columns ignoring
 * case (camelCase `customerName` fills column `customername`) and fails the query on a malformed line instead of
 * silently dropping or nulling it.
 */
export const JSON_SERDE = 'org.apache.hive.hcatalog.data.JsonSerDe';

/** A landing source cannot be declared as an Athena external table as written; says which key to change. */
export class ExternalSourceError extends ProjectError {}

/** What declaring one landing source as an external table needs. */
export interface ExternalTableInput {
  source: SourceNode;
  /** What the catalog holds under the source's name now. */
  existing: RelationType | undefined;
  /** The existing table's properties (TBLPROPERTIES), if any. */
  properties: Readonly<Record<string, string>> | undefined;
  dialect: Dialect;
}

function declarationFingerprint(source: SourceNode): string {
  const external = source.external!;
  const declaration = {
    serde: JSON_SERDE,
    location: external.location,
    columns: external.columns.map((c) => [c.name.toLowerCase(), c.type]),
  };
  return createHash('sha256').update(JSON.stringify(declaration)).digest('hex').slice(0, 16);
}

function checkDeclaration(source: SourceNode): void {
  const external = source.external!;
  const where = `${source.filePath}: source ${source.sourceName}.${source.name}`;
  if (!/^s3:\/\//.test(external.location)) {
    throw new ExternalSourceError(
      `${where}: external location '${external.location}' is not an s3:// URI; Athena reads landing files from S3.\n  Point var landing_root at the S3 prefix, e.g. --vars '{landing_root: s3://my-bucket/stedi}'.`,
    );
  }
  for (const c of external.columns) {
    if (c.name.toLowerCase() !== c.jsonKey.toLowerCase()) {
      throw new ExternalSourceError(
        `${where}: column ${c.name} reads JSON key '${c.jsonKey}', but Athena's Hive JSON SerDe fills a column only from the key of the same name (ignoring case).\n  Rename the column to ${c.jsonKey.toLowerCase()} and rename it in a model instead.`,
      );
    }
  }
}

/**
 * Plans declaring a landing source as an external table over its JSON files. `create ... if not exists` keeps an
 * unchanged table as it is; when the declaration (location, columns, types) changed, the table is dropped first and
 * recreated. Dropping an external table removes only its definition, never the landing files.
 */
export function planExternalTable(input: ExternalTableInput): Statement[] {
  const { source, dialect, existing } = input;
  if (!source.external)
    throw new UnsupportedPlanError(
      `${source.filePath}: source ${source.sourceName}.${source.name} has no external location to declare.`,
    );
  checkDeclaration(source);
  const ddl = dialect.ddl ?? dialect;
  const fingerprint = declarationFingerprint(source);
  const target = ddl.relation(source.relation);
  const stale =
    existing === 'view' || (existing === 'table' && input.properties?.[DECLARATION_PROPERTY] !== fingerprint);
  const drop: Statement[] = stale
    ? [
        existing === 'view'
          ? {
              sql: `drop view if exists ${dialect.relation(source.relation)}`,
              purpose: `drop the view ${source.name} that the external table replaces`,
            }
          : {
              sql: `drop table if exists ${target}`,
              purpose: `drop the external table ${source.name}: its declaration changed`,
            },
      ]
    : [];
  const columns = source.external.columns
    .map((c) => `  ${ddl.quoteIdentifier(c.name)} ${ddl.columnType(c.type)}`)
    .join(',\n');
  // CREATE EXTERNAL TABLE is DDL: its string literals follow the DDL grammar where the engine has one (Athena's Hive).
  const q = ddl.quoteString ?? dialect.quoteString;
  const create = [
    `create external table if not exists ${target} (`,
    columns,
    ')',
    `row format serde ${q(JSON_SERDE)}`,
    `location ${q(source.external.location)}`,
    `tblproperties (${q('classification')} = ${q('json')}, ${q(DECLARATION_PROPERTY)} = ${q(fingerprint)})`,
  ].join('\n');
  return [...drop, { sql: create, purpose: `declare the external table ${source.name} over its landing files` }];
}
