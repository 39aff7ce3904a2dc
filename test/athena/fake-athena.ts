import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  ListTableMetadataCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type StatementType,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';

type Kind = 'table' | 'view' | 'external';

/** One relation of the fake Glue catalog. */
export interface FakeTable {
  kind: Kind;
  properties: Record<string, string>;
}

const NAME = '[`"]?([a-z0-9_]+)[`"]?\\.[`"]?([a-z0-9_]+)[`"]?';

/**
 * A scripted Athena for tests: the SDK client is mocked, and the DDL and CTAS statements the engine sends are applied
 * to an in-memory catalog, so a run's effect (and a crash in the middle of one) can be inspected without AWS.
 */
export class FakeAthena {
  readonly mock = mockClient(AthenaClient);
  readonly catalog = new Map<string, FakeTable>();
  readonly sent: string[] = [];
  /** When set, the start of the statement with this (1-based) number fails as if the process died before it. */
  crashAt?: number;
  /** Called after every applied statement, to check what readers would see at that moment. */
  observe?: (catalog: ReadonlyMap<string, FakeTable>) => void;
  private readonly types = new Map<string, StatementType>();

  constructor() {
    this.mock.on(StartQueryExecutionCommand).callsFake(async (input: { QueryString: string }) => {
      const sql = input.QueryString;
      if (this.crashAt !== undefined && this.sent.length + 1 === this.crashAt) {
        throw Object.assign(new Error('socket hang up: the process died here'), { name: 'ProcessKilled' });
      }
      this.sent.push(sql);
      const id = `q${this.sent.length}`;
      this.types.set(id, this.apply(sql));
      this.observe?.(this.catalog);
      return { QueryExecutionId: id };
    });
    this.mock.on(GetQueryExecutionCommand).callsFake(async (input: { QueryExecutionId: string }) => ({
      QueryExecution: {
        QueryExecutionId: input.QueryExecutionId,
        StatementType: this.types.get(input.QueryExecutionId),
        Status: { State: 'SUCCEEDED' },
        Statistics: { DataScannedInBytes: this.types.get(input.QueryExecutionId) === 'DDL' ? 0 : 3 * 1024 ** 2, EngineExecutionTimeInMillis: 1500, QueryQueueTimeInMillis: 10 },
      },
    }));
    this.mock.on(GetQueryResultsCommand).resolves({ UpdateCount: 42, ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } } });
    this.mock.on(StopQueryExecutionCommand).resolves({});
    this.mock.on(ListTableMetadataCommand).callsFake(async () => ({
      TableMetadataList: [...this.catalog].map(([name, t]) => ({
        Name: name,
        TableType: t.kind === 'view' ? 'VIRTUAL_VIEW' : 'EXTERNAL_TABLE',
        Parameters: t.kind === 'table' ? { table_type: 'ICEBERG', ...t.properties } : t.properties,
      })),
    }));
  }

  private apply(sql: string): StatementType {
    const text = sql.replace(/\s+/g, ' ').trim().toLowerCase();
    let m: RegExpMatchArray | null;
    if ((m = text.match(new RegExp(`^create table ${NAME} with .* as `)))) {
      if (this.catalog.has(m[2]!)) throw new Error(`table ${m[2]} already exists`);
      this.catalog.set(m[2]!, { kind: 'table', properties: {} });
      return 'DML';
    }
    if ((m = text.match(new RegExp(`^alter table ${NAME} rename to ${NAME}$`)))) {
      const from = this.catalog.get(m[2]!);
      if (!from || from.kind !== 'table' || this.catalog.has(m[4]!)) throw new Error(`cannot rename ${m[2]} to ${m[4]}`);
      this.catalog.delete(m[2]!);
      this.catalog.set(m[4]!, from);
      return 'DDL';
    }
    if ((m = text.match(new RegExp(`^drop (table|view) if exists ${NAME}$`)))) {
      this.catalog.delete(m[3]!);
      return 'DDL';
    }
    if ((m = text.match(new RegExp(`^create or replace view ${NAME} as `)))) {
      if (this.catalog.get(m[2]!)?.kind === 'table') throw new Error(`${m[2]} is a table`);
      this.catalog.set(m[2]!, { kind: 'view', properties: {} });
      return 'DML';
    }
    if ((m = text.match(new RegExp(`^create external table if not exists ${NAME} `)))) {
      const fingerprint = /'stedi\.declaration' = '([0-9a-f]+)'/.exec(text)?.[1] ?? '';
      if (!this.catalog.has(m[2]!)) this.catalog.set(m[2]!, { kind: 'external', properties: { 'stedi.declaration': fingerprint } });
      return 'DDL';
    }
    if (/^create schema if not exists /.test(text)) return 'DDL';
    throw new Error(`the fake Athena does not understand: ${text.slice(0, 80)}`);
  }

  /** Names in the catalog, sorted. */
  names(): string[] {
    return [...this.catalog.keys()].sort();
  }

  restore(): void {
    this.mock.restore();
  }
}
