import type { Row } from '../core/statement.js';

/** A column of a `run_query()` result: `values()` as dbt's agate column. */
export class QueryColumn {
  constructor(
    readonly name: string,
    private readonly cells: readonly unknown[],
  ) {}

  values(): unknown[] {
    return [...this.cells];
  }
}

type NamedList<T> = T[] & Record<string, T>;

// bigint is what DuckDB answers for integer columns; templates compare and print numbers.
function plain(value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
}

/**
 * What `run_query(sql)` returns, shaped as the agate table dbt gives templates: `rows` (each row indexable by
 * position and by column name), `columns` (by position and by name, each with `values()`) and `column_names`.
 */
export class QueryTable {
  readonly column_names: string[];
  readonly rows: Array<NamedList<unknown>>;
  readonly columns: NamedList<QueryColumn>;

  constructor(records: readonly Row[], columnNames: readonly string[] = Object.keys(records[0] ?? {})) {
    this.column_names = [...columnNames];
    this.rows = records.map((record) => {
      const row = this.column_names.map((name) => plain(record[name])) as NamedList<unknown>;
      this.column_names.forEach((name, i) => {
        if (!(name in row)) row[name] = row[i];
      });
      return row;
    });
    const columns = this.column_names.map(
      (name, i) =>
        new QueryColumn(
          name,
          this.rows.map((row) => row[i]),
        ),
    ) as NamedList<QueryColumn>;
    for (const column of columns) if (!(column.name in columns)) columns[column.name] = column;
    this.columns = columns;
  }

  /** An empty result: what run_query() gives while parsing, when no query is sent (dbt's `execute` is false). */
  static empty(): QueryTable {
    return new QueryTable([]);
  }
}
