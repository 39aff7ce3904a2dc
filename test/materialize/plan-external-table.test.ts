import { describe, expect, it } from 'vitest';
import { athenaDialect } from '../../src/adapters/athena/athena-dialect.js';
import type { SourceNode } from '../../src/core/nodes.js';
import {
  DECLARATION_PROPERTY,
  ExternalSourceError,
  planExternalTable,
} from '../../src/materialize/plan-external-table.js';

const dialect = athenaDialect({ dataDir: 's3://lake/zones', writeCompression: 'ZSTD' });

function source(
  columns = [
    { name: 'customername', type: 'string' as const, jsonKey: 'customerName' },
    { name: 'timestamp', type: 'bigint' as const, jsonKey: 'timestamp' },
  ],
  location = 's3://landing/customer/landing/',
): SourceNode {
  return {
    kind: 'source',
    uniqueId: 'source.stedi.landing.customer_landing',
    name: 'customer_landing',
    sourceName: 'landing',
    filePath: 'models/landing/_landing.yml',
    description: '',
    tags: [],
    columns: [],
    declaredTests: [],
    relation: { schema: 'stedi', identifier: 'customer_landing' },
    external: { location, format: 'json', columns },
  } as SourceNode;
}

function fingerprintOf(statements: Array<{ sql: string }>): string {
  return /'stedi\.declaration' = '([0-9a-f]+)'/.exec(statements.at(-1)!.sql)![1]!;
}

describe('declaring a landing source as an Athena external table', () => {
  it('uses the Hive JSON SerDe, Hive quoting and types, the S3 location and a declaration fingerprint', () => {
    const [create] = planExternalTable({ source: source(), existing: undefined, properties: undefined, dialect });
    expect(create!.sql).toMatch(
      /^create external table if not exists `stedi`.`customer_landing` \(\n {2}`customername` string,\n {2}`timestamp` bigint\n\)\nrow format serde 'org.apache.hive.hcatalog.data.JsonSerDe'\nlocation 's3:\/\/landing\/customer\/landing\/'\ntblproperties \('classification' = 'json', 'stedi.declaration' = '[0-9a-f]{16}'\)$/,
    );
  });

  it('leaves an unchanged declaration alone and drops and recreates a changed one', () => {
    const fingerprint = fingerprintOf(
      planExternalTable({ source: source(), existing: undefined, properties: undefined, dialect }),
    );
    expect(
      planExternalTable({
        source: source(),
        existing: 'table',
        properties: { [DECLARATION_PROPERTY]: fingerprint },
        dialect,
      }),
    ).toHaveLength(1);
    const changed = source([
      { name: 'customername', type: 'string', jsonKey: 'customerName' },
      { name: 'timestamp', type: 'string', jsonKey: 'timestamp' },
    ]);
    const statements = planExternalTable({
      source: changed,
      existing: 'table',
      properties: { [DECLARATION_PROPERTY]: fingerprint },
      dialect,
    });
    expect(statements.map((s) => s.sql.split('\n')[0])).toEqual([
      'drop table if exists `stedi`.`customer_landing`',
      'create external table if not exists `stedi`.`customer_landing` (',
    ]);
    expect(fingerprintOf(statements)).not.toBe(fingerprint);
  });

  it('recreates a table declared by hand (no fingerprint)', () => {
    expect(planExternalTable({ source: source(), existing: 'table', properties: {}, dialect })).toHaveLength(2);
  });

  it('refuses a local landing location, naming the var to point at S3', () => {
    expect(() =>
      planExternalTable({
        source: source(undefined, 'data/landing/customer/landing/'),
        existing: undefined,
        properties: undefined,
        dialect,
      }),
    ).toThrow(ExternalSourceError);
    expect(() =>
      planExternalTable({
        source: source(undefined, 'data/landing/customer/landing/'),
        existing: undefined,
        properties: undefined,
        dialect,
      }),
    ).toThrow(/models\/landing\/_landing.yml: source landing.customer_landing[\s\S]*landing_root/);
  });

  it('refuses a column that the Hive JSON SerDe cannot fill from its key', () => {
    const renamed = source([{ name: 'full_name', type: 'string', jsonKey: 'customerName' }]);
    expect(() => planExternalTable({ source: renamed, existing: undefined, properties: undefined, dialect })).toThrow(
      /column full_name reads JSON key 'customerName'[\s\S]*Rename the column to customername/,
    );
  });
});
