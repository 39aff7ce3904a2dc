import type { Dialect, DdlDialect } from '../adapters/adapter.js';
import type { Relation } from '../core/nodes.js';
import { bucketPartitions, type PartitionField } from '../core/partition-field.js';
import type { Statement } from '../core/statement.js';
import { StediError } from '../errors.js';

/** A partition field cannot be split into batches as declared (a truncate over a column of undeclared type). */
export class PartitionConfigError extends StediError {}

/** What building a partitioned table needs to know. */
export interface PartitionedBuildInput {
  name: string;
  filePath?: string;
  /** The published relation (its location and properties are named after it). */
  relation: Relation;
  /** The temporary name the table is built under; the caller publishes it by rename once every batch is written. */
  into: Relation;
  buildId: string;
  selectSql: string;
  fields: readonly PartitionField[];
  /** Declared column types (schema yml data_type), by lowercase name: how a truncate field groups values. */
  columnTypes: ReadonlyMap<string, string>;
  /** The most partitions one write may fill (Athena: 100). */
  maxPartitionsPerWrite: number;
  dialect: Dialect;
  purpose: string;
}

const STRING_TYPE = /^(string|varchar|char)\b/i;
const NUMBER_TYPE = /^(tinyint|smallint|int|integer|bigint|decimal)\b/i;

/**
 * A grouping of a column's values at least as fine as the field's partitions: rows with equal keys are in one
 * partition, so a batch of at most N keys writes at most N partitions. Undefined for a bucket field, whose partitions
 * are counted instead (its hash is Iceberg's murmur3, which SQL does not give).
 */
function batchKey(input: PartitionedBuildInput, field: PartitionField, alias: string): string | undefined {
  const c = `${alias}.${input.dialect.quoteIdentifier(field.column)}`;
  switch (field.transform) {
    case 'identity':
      return c;
    case 'year':
      return `year(${c})`;
    case 'month':
    case 'day':
    case 'hour':
      return `date_trunc('${field.transform}', ${c})`;
    case 'bucket':
      return undefined;
    case 'truncate': {
      const type = input.columnTypes.get(field.column) ?? '';
      // Iceberg's truncate: a string's first W characters; a number's bin, rounded down (also below zero).
      if (STRING_TYPE.test(type)) return `substr(${c}, 1, ${field.width})`;
      if (NUMBER_TYPE.test(type)) return `${c} - ((${c} % ${field.width}) + ${field.width}) % ${field.width}`;
      throw new PartitionConfigError(
        `${input.filePath ?? input.name}: ${input.name} is partitioned by truncate(${field.width}, ${field.column}), and the column's type decides what truncate does (a string's first characters, a number's bin), but ${field.column} has ${type ? `type ${type}` : 'no declared data_type'}. Declare data_type (a string or whole-number type) for column ${field.column} in the model's schema yml.`,
      );
    }
    default: {
      const never: never = field.transform;
      return never;
    }
  }
}

/**
 * Plans building a partitioned table on an engine that writes at most N partitions per query, as dbt-athena does
 * when a write is too large: the model's rows are written once to an unpartitioned table (no limit there, and the
 * model's query, often a scan of landing JSON, runs once), then the partitioned table is created from the rows of
 * the first batch of partition keys and the other batches are inserted, one statement each. Everything is written
 * under the temporary name, so the caller publishes it only when every batch succeeded; a failed batch drops it.
 *
 * Bucket fields are not keyed (their partitions are counted instead): a batch holds N / buckets keys of the other
 * fields. A table partitioned by buckets alone fits in one write (the config refuses more than N buckets).
 */
export function planPartitionedBuild(input: PartitionedBuildInput): Statement[] {
  const { dialect, relation, into, buildId, fields } = input;
  const ddl: DdlDialect = dialect.ddl ?? dialect;
  const properties = (r: Relation, id: string, partitioning?: readonly PartitionField[]) =>
    dialect.tableProperties!(r, id, partitioning);
  const keyed = fields.flatMap((f) => (batchKey(input, f, 'r') === undefined ? [] : [f]));
  const ctas = (sql: string): Statement => ({
    sql: `create table ${dialect.relation(into)} with (${properties(relation, buildId, fields)}) as\n${sql}`,
    purpose: input.purpose,
    retryable: false,
    location: dialect.tableLocation?.(relation, buildId),
  });
  if (keyed.length === 0) return [{ ...ctas(input.selectSql), reportsRows: true }];

  const perBatch = Math.floor(input.maxPartitionsPerWrite / bucketPartitions(fields));
  const rowsId = `${buildId}r`;
  const rows: Relation = { ...into, identifier: `${into.identifier}r` };
  const rowsTable = dialect.relation(rows);
  const q = dialect.quoteIdentifier;
  const aliases = keyed.map((_, i) => q(`__stedi_k${i}`));
  const distinctKeys = `select distinct ${keyed.map((f, i) => `${batchKey(input, f, 'r')} as ${aliases[i]}`).join(', ')} from ${rowsTable} as r`;
  const batch = q('__stedi_batch');
  const batchCondition = (k: number) => `${batch} = ${k}`;
  const batchRows = (k: number) =>
    [
      `select r.* from ${rowsTable} as r`,
      'inner join (',
      `    select ${aliases.join(', ')} from (`,
      `        select ${aliases.join(', ')}, (row_number() over (order by ${aliases.join(', ')}) - 1) / ${perBatch} as ${batch}`,
      `        from (${distinctKeys}) as d`,
      '    ) as ranked',
      `    where ${batchCondition(k)}`,
      ') as b',
      // A NULL key is a partition of its own: matched with IS NOT DISTINCT FROM, which an equality would drop.
      `    on ${keyed.map((f, i) => `${batchKey(input, f, 'r')} is not distinct from b.${aliases[i]}`).join(' and ')}`,
    ].join('\n');
  return [
    {
      // Its files go in a folder of the model's, like every build's (a new one per build).
      sql: `create table ${rowsTable} with (${properties(relation, rowsId)}) as\n${input.selectSql}`,
      purpose: `${input.purpose}: write its rows once, unpartitioned`,
      reportsRows: true,
      retryable: false,
      location: dialect.tableLocation?.(relation, rowsId),
    },
    { ...ctas(batchRows(0)), purpose: `${input.purpose}: partitions of batch 1 (at most ${perBatch} keys a batch)` },
    {
      sql: `insert into ${dialect.relation(into)}\n${batchRows(1)}`,
      purpose: `${input.purpose}: partitions of each further batch`,
      eachBatch: {
        countSql: `select (count(*) + ${perBatch - 1}) / ${perBatch} as batches from (${distinctKeys}) as d`,
        marker: batchCondition(1),
        first: 1,
      },
    },
    {
      sql: `drop table if exists ${ddl.relation(into)}`,
      purpose: `drop the partly built ${input.name}`,
      cleanup: 'on-failure',
    },
    {
      sql: `drop table if exists ${ddl.relation(rows)}`,
      purpose: `drop the unpartitioned rows of ${input.name}`,
      cleanup: 'always',
      warnOnFailure: `${rows.schema}.${rows.identifier} is left; the next run of ${input.name} drops it`,
    },
  ];
}
