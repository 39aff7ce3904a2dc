/** An Iceberg partition transform: how a column's values are grouped into partitions. */
export type PartitionTransform = 'identity' | 'year' | 'month' | 'day' | 'hour' | 'bucket' | 'truncate';

/** One field of a table's partitioning (`partitioned_by`), parsed from what the config says. */
export interface PartitionField {
  transform: PartitionTransform;
  /** The column, lowercase (as the Glue catalog keeps names). */
  column: string;
  /** bucket: the number of buckets; truncate: the width (a length for strings, a bin width for numbers). */
  width?: number;
}

const COLUMN = '([a-z_][a-z0-9_]*)';

/**
 * Reads one `partitioned_by` entry: a column (identity), `year|month|day|hour(col)`, `bucket(n, col)` or
 * `truncate(n, col)`; bucket and truncate also take dbt-athena's order, `bucket(col, n)`. Returns why not when it
 * is none of these.
 */
export function parsePartitionField(text: string): PartitionField | { error: string } {
  const entry = text.trim().toLowerCase();
  if (new RegExp(`^${COLUMN}$`).test(entry)) return { transform: 'identity', column: entry };
  const time = new RegExp(`^(year|month|day|hour)\\(\\s*${COLUMN}\\s*\\)$`).exec(entry);
  if (time) return { transform: time[1] as PartitionTransform, column: time[2]! };
  const numberFirst = new RegExp(`^(bucket|truncate)\\(\\s*(\\d+)\\s*,\\s*${COLUMN}\\s*\\)$`).exec(entry);
  const columnFirst = new RegExp(`^(bucket|truncate)\\(\\s*${COLUMN}\\s*,\\s*(\\d+)\\s*\\)$`).exec(entry);
  const [transform, width, column] = numberFirst
    ? [numberFirst[1]!, numberFirst[2]!, numberFirst[3]!]
    : columnFirst
      ? [columnFirst[1]!, columnFirst[3]!, columnFirst[2]!]
      : [];
  if (transform && Number(width) >= 1)
    return { transform: transform as PartitionTransform, column: column!, width: Number(width) };
  return {
    error: `'${text}' is not a partition field: write a column name, year(col), month(col), day(col), hour(col), bucket(n, col) or truncate(n, col)`,
  };
}

/** How many partitions a bucket field can make: the product of the bucket counts (1 without buckets). */
export function bucketPartitions(fields: readonly PartitionField[]): number {
  return fields.filter((f) => f.transform === 'bucket').reduce((n, f) => n * f.width!, 1);
}
