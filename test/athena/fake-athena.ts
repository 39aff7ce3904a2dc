import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetTableMetadataCommand,
  MetadataException,
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
  /** Column names of a table built by CTAS (from its SELECT list) or given by ALTER TABLE ADD COLUMNS. */
  columns?: string[];
}

/** What a fake query wrote, for assertions: the statement and, for INSERT/MERGE/DELETE, the table it changed. */
export interface FakeWrite {
  verb: 'insert' | 'merge' | 'delete';
  table: string;
}

// Skips a quoted run ('...', "...", `...`) starting at i; returns the index after it.
function skipQuoted(sql: string, i: number): number {
  const quote = sql[i]!;
  for (let j = i + 1; j < sql.length; j++) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) j++;
      else return j + 1;
    }
  }
  return sql.length;
}

/** Splits SQL at top-level occurrences of a pattern (outside parentheses, quotes and comments). */
function topLevelPieces(sql: string, separator: RegExp): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < sql.length;) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') i = skipQuoted(sql, i);
    else if (c === '-' && sql[i + 1] === '-') i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (c === '(' || c === ')') {
      depth += c === '(' ? 1 : -1;
      i++;
    } else {
      const m = depth === 0 ? separator.exec(sql.slice(i)) : null;
      // A keyword separator must start a word; punctuation (a comma) may follow anything.
      if (m && m.index === 0 && (/^\W/.test(m[0]) || /\W/.test(sql[i - 1] ?? ' '))) {
        pieces.push(sql.slice(start, i));
        i += m[0].length;
        start = i;
      } else i++;
    }
  }
  pieces.push(sql.slice(start));
  return pieces;
}

/**
 * The column names a SELECT returns, read from its top-level select list (aliases, or the last part of a qualified
 * name). Enough for the STEDI models, whose outer select lists name their columns.
 */
export function selectListColumns(sql: string): string[] {
  const afterSelect = topLevelPieces(sql, /^select\b/i);
  if (afterSelect.length < 2) throw new Error(`the fake Athena finds no top-level select in: ${sql.slice(0, 80)}`);
  const list = topLevelPieces(afterSelect[1]!, /^from\b/i)[0]!;
  return topLevelPieces(list, /^,/).map((item) => {
    const text = item.replace(/--[^\n]*/g, '').trim();
    const alias = /\bas\s+("?)([a-z0-9_]+)\1$/i.exec(text);
    const name = alias ? alias[2]! : text.split('.').at(-1)!.replace(/"/g, '');
    if (name === '*') throw new Error('the fake Athena cannot describe select *');
    return name.toLowerCase();
  });
}

// The Athena types of the STEDI models' columns, as a describe query reports them.
const STEDI_COLUMN_TYPES: Record<string, string> = {
  ...Object.fromEntries(['x', 'y', 'z'].map((c) => [c, 'double'])),
  ...Object.fromEntries(
    [
      'timestamp',
      'sensorreadingtime',
      'distancefromobject',
      'registrationdate',
      'lastupdatedate',
      'sharewithresearchasofdate',
      'sharewithpublicasofdate',
      'sharewithfriendsasofdate',
    ].map((c) => [c, 'bigint']),
  ),
  ...Object.fromEntries(
    [
      'user',
      'serialnumber',
      'customername',
      'email',
      'phone',
      'birthday',
      'customer_key',
      'customer_pseudonym',
      '__source_file',
    ].map((c) => [c, 'varchar']),
  ),
};

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
  /** Rows written by INSERT, MERGE and DELETE statements, in order. */
  readonly writes: FakeWrite[] = [];
  /** Status checks that answer RUNNING before a query SUCCEEDED (0: it has succeeded by the first check). */
  runningChecks = 0;
  /** Queries whose SQL matches run until they are stopped. */
  hang?: RegExp;
  /** Called at each status check of a query that hangs (a test's clock can run out there). */
  onHang?: () => void;
  /**
   * Runs of maintenance statements (`vacuum`, `optimize`) that fail as Athena does on a table with more work than one
   * run does (ICEBERG_VACUUM_MORE_RUNS_NEEDED), before one succeeds: e.g. `{ vacuum: 2 }`.
   */
  moreRunsNeeded: Partial<Record<'vacuum' | 'optimize', number>> = {};
  /** Table properties set with ALTER TABLE SET TBLPROPERTIES (Athena keeps an Iceberg table's in its metadata, not in Glue). */
  readonly icebergProperties = new Map<string, Record<string, string>>();
  /**
   * Statements that fail as Athena would fail them, without changing the catalog: the first `times` statements whose
   * SQL matches `pattern` fail with `message` (e.g. a DROP of a large Iceberg table that runs out of time).
   */
  failing?: { pattern: RegExp; message: string; times: number };
  /** What a check of scheduled table maintenance (`select ... as due`) answers. */
  maintenanceDue = false;
  // Maintenance checks by id.
  private readonly dueChecks = new Set<string>();
  /** What a split write's count of batches answers (a partitioned build: `select ... as batches`). */
  partitionBatches = 1;
  // Batch-count queries by id.
  private readonly batchCounts = new Set<string>();
  /** Ids of queries stopped with StopQueryExecution, in order. */
  readonly stopped: string[] = [];
  /** The most queries there were at once between their start and the status check that saw them end. */
  mostInFlight = 0;
  private readonly inFlight = new Set<string>();
  private readonly checks = new Map<string, number>();
  private readonly types = new Map<string, StatementType>();
  private readonly failures = new Map<string, string>();
  // Queries that describe a SELECT (`select * from (...) limit 0`), with the columns they return.
  private readonly described = new Map<string, string[]>();
  /** Failing rows the audit of a test (by name) counts; a test not named here counts none. */
  readonly auditFailures = new Map<string, number>();
  // Audit queries by id, with the test they audit.
  private readonly audits = new Map<string, string>();
  /**
   * What a data test's count query (`-- test: <name>`) answers: its failing rows, or 'no rows' for an answer without
   * a count. A test not named here counts none, answered as a row like any other.
   */
  readonly testFailures = new Map<string, number | 'no rows'>();
  // Data-test queries by id, with the test they count.
  private readonly tests = new Map<string, string>();
  /**
   * Rows a statement writes into a relation (CTAS, INSERT, MERGE), by the relation's published name: a table built
   * as `<name>__tmp_<id>` or staged as `<name>__stedi_new_<id>` counts as <name>. Athena answers every DML with its
   * row count; a relation not given here has none in the answer, so the run shows no count rather than a made-up one.
   */
  readonly rowsWritten = new Map<string, number>();
  /**
   * The types a describe query (`select * from (...) limit 0`) reports, by column name: the STEDI models' columns, and
   * whatever a test adds. A column not listed is refused, named, rather than given a type the engine would not give.
   */
  readonly columnTypes = new Map(Object.entries(STEDI_COLUMN_TYPES));
  // The relation each writing query wrote, by query id.
  private readonly written = new Map<string, string>();

  constructor() {
    this.mock.on(StartQueryExecutionCommand).callsFake(async (input: { QueryString: string }) => {
      const sql = input.QueryString;
      if (this.crashAt !== undefined && this.sent.length + 1 === this.crashAt) {
        throw Object.assign(new Error('socket hang up: the process died here'), { name: 'ProcessKilled' });
      }
      this.sent.push(sql);
      const id = `q${this.sent.length}`;
      const describe = /^select \* from \(\n([\s\S]*)\n\) limit 0$/.exec(sql);
      if (describe) this.described.set(id, selectListColumns(describe[1]!));
      const audit = /^-- audit: ([a-z0-9_]+)\n/i.exec(sql);
      if (audit) this.audits.set(id, audit[1]!);
      const test = /^-- test: ([a-z0-9_]+)\nselect count\(\*\) as failures from /i.exec(sql);
      if (test) this.tests.set(id, test[1]!);
      const batchCount = /^select \(count\(\*\) \+ \d+\) \/ \d+ as batches from /.test(sql);
      if (batchCount) this.batchCounts.add(id);
      const dueCheck = /^select [\s\S]* as due$/.test(sql);
      if (dueCheck) this.dueChecks.add(id);
      const target = new RegExp(`^(?:create table|insert into|merge into) ${NAME}`, 'i').exec(
        sql.replace(/^(--[^\n]*\n)+/, ''),
      );
      if (target) this.written.set(id, target[2]!.toLowerCase().replace(/__(tmp|stedi_new)_\w+$/, ''));
      const failing = this.failing;
      if (failing && failing.times > 0 && failing.pattern.test(sql)) {
        failing.times--;
        this.failures.set(id, failing.message);
        this.types.set(id, 'DDL');
      } else
        this.types.set(
          id,
          describe ? 'DML' : this.apply(sql, audit !== null || test !== null || batchCount || dueCheck),
        );
      const maintenance = /^(vacuum|optimize) /i.exec(sql)?.[1]?.toLowerCase() as 'vacuum' | 'optimize' | undefined;
      if (maintenance && (this.moreRunsNeeded[maintenance] ?? 0) > 0) {
        this.moreRunsNeeded[maintenance]!--;
        // The answer Athena gives (as reported by users: dbt-athena#703), with its AthenaError.
        this.failures.set(
          id,
          `ICEBERG_${maintenance.toUpperCase()}_MORE_RUNS_NEEDED: Removed 20000 files in this round of ${maintenance}, but there are more files remaining. Please run another ${maintenance.toUpperCase()} command to process the remaining files`,
        );
      }
      this.observe?.(this.catalog);
      this.inFlight.add(id);
      this.mostInFlight = Math.max(this.mostInFlight, this.inFlight.size);
      return { QueryExecutionId: id };
    });
    this.mock.on(GetQueryExecutionCommand).callsFake(async (input: { QueryExecutionId: string }) => {
      const id = input.QueryExecutionId;
      const checks = (this.checks.get(id) ?? 0) + 1;
      this.checks.set(id, checks);
      const sql = this.sent[Number(id.slice(1)) - 1] ?? '';
      const failure = this.failures.get(id);
      const state = this.stopped.includes(id)
        ? 'CANCELLED'
        : this.hang?.test(sql) || checks <= this.runningChecks
          ? 'RUNNING'
          : failure
            ? 'FAILED'
            : 'SUCCEEDED';
      if (state !== 'RUNNING') this.inFlight.delete(id);
      else if (this.hang?.test(sql)) this.onHang?.();
      const status =
        state === 'FAILED'
          ? {
              State: state,
              StateChangeReason: failure,
              AthenaError: { ErrorCategory: 2, ErrorType: 233, Retryable: false, ErrorMessage: failure },
            }
          : { State: state };
      return {
        QueryExecution: {
          QueryExecutionId: id,
          StatementType: this.types.get(id),
          Status: status,
          Statistics: {
            DataScannedInBytes: this.types.get(id) === 'DDL' ? 0 : 3 * 1024 ** 2,
            EngineExecutionTimeInMillis: 1500,
            QueryQueueTimeInMillis: 10,
          },
        },
      };
    });
    this.mock.on(GetQueryResultsCommand).callsFake(async (input: { QueryExecutionId: string }) => {
      const audited = this.audits.get(input.QueryExecutionId);
      if (audited !== undefined) {
        const failures = this.auditFailures.get(audited) ?? 0;
        const columns = [
          { Name: 'failures', Type: 'bigint' },
          { Name: 'blocks', Type: 'boolean' },
        ];
        const header = { Data: columns.map((c) => ({ VarCharValue: c.Name })) };
        return {
          ResultSet: {
            Rows: [header, { Data: [{ VarCharValue: String(failures) }, { VarCharValue: String(failures !== 0) }] }],
            ResultSetMetadata: { ColumnInfo: columns },
          },
        };
      }
      if (this.dueChecks.has(input.QueryExecutionId)) {
        const columns = [{ Name: 'due', Type: 'boolean' }];
        const rows = [{ Data: [{ VarCharValue: 'due' }] }, { Data: [{ VarCharValue: String(this.maintenanceDue) }] }];
        return { ResultSet: { Rows: rows, ResultSetMetadata: { ColumnInfo: columns } } };
      }
      if (this.batchCounts.has(input.QueryExecutionId)) {
        const columns = [{ Name: 'batches', Type: 'bigint' }];
        const rows = [
          { Data: [{ VarCharValue: 'batches' }] },
          { Data: [{ VarCharValue: String(this.partitionBatches) }] },
        ];
        return { ResultSet: { Rows: rows, ResultSetMetadata: { ColumnInfo: columns } } };
      }
      const tested = this.tests.get(input.QueryExecutionId);
      if (tested !== undefined) {
        const failures = this.testFailures.get(tested) ?? 0;
        const columns = [{ Name: 'failures', Type: 'bigint' }];
        const header = { Data: [{ VarCharValue: 'failures' }] };
        const rows = failures === 'no rows' ? [header] : [header, { Data: [{ VarCharValue: String(failures) }] }];
        return { ResultSet: { Rows: rows, ResultSetMetadata: { ColumnInfo: columns } } };
      }
      const described = this.described.get(input.QueryExecutionId);
      if (!described) {
        const table = this.written.get(input.QueryExecutionId);
        const count = table === undefined ? undefined : this.rowsWritten.get(table);
        return {
          ...(count === undefined ? {} : { UpdateCount: count }),
          ResultSet: { Rows: [], ResultSetMetadata: { ColumnInfo: [] } },
        };
      }
      const columns = described.map((name) => ({ Name: name, Type: this.columnType(name) }));
      return {
        ResultSet: {
          Rows: [{ Data: columns.map((c) => ({ VarCharValue: c.Name })) }],
          ResultSetMetadata: { ColumnInfo: columns },
        },
      };
    });
    this.mock.on(GetTableMetadataCommand).callsFake(async (input: { TableName: string }) => {
      const table = this.catalog.get(input.TableName);
      if (!table) throw new MetadataException({ message: `Table ${input.TableName} not found`, $metadata: {} });
      return {
        TableMetadata: {
          Name: input.TableName,
          TableType: 'EXTERNAL_TABLE',
          Columns: (table.columns ?? []).map((name) => ({ Name: name, Type: 'string' })),
        },
      };
    });
    this.mock.on(StopQueryExecutionCommand).callsFake(async (input: { QueryExecutionId: string }) => {
      this.stopped.push(input.QueryExecutionId);
      this.inFlight.delete(input.QueryExecutionId);
      return {};
    });
    this.mock.on(ListTableMetadataCommand).callsFake(async () => ({
      TableMetadataList: [...this.catalog].map(([name, t]) => ({
        Name: name,
        TableType: t.kind === 'view' ? 'VIRTUAL_VIEW' : 'EXTERNAL_TABLE',
        Parameters: t.kind === 'table' ? { table_type: 'ICEBERG', ...t.properties } : t.properties,
      })),
    }));
  }

  private table(name: string, verb: string): FakeTable {
    const table = this.catalog.get(name);
    if (table?.kind !== 'table') throw new Error(`cannot ${verb} ${name}: no such Iceberg table`);
    return table;
  }

  private apply(sql: string, counts: boolean): StatementType {
    const text = sql
      .replace(/^(--[^\n]*\n)+/, '')
      .replace(/\s+/g, ' ')
      .trim()
      .toLowerCase();
    let m: RegExpMatchArray | null;
    if ((m = text.match(new RegExp(`^create table ${NAME} with .* as `)))) {
      if (this.catalog.has(m[2]!)) throw new Error(`table ${m[2]} already exists`);
      // Columns are only needed for incremental models; a `select *` model (customer_curated) keeps them unknown.
      let columns: string[] | undefined;
      // A partitioned build's batch copies the columns of the unpartitioned rows it selects from.
      const copied = new RegExp(`\\) as select r\\.\\* from ${NAME} as r `).exec(text);
      try {
        columns = copied
          ? [...(this.table(copied[2]!, 'read').columns ?? [])]
          : selectListColumns(sql.slice(sql.indexOf(') as\n') + 5));
      } catch {
        columns = undefined;
      }
      this.catalog.set(m[2]!, { kind: 'table', properties: {}, columns });
      return 'DML';
    }
    if ((m = text.match(new RegExp(`^(insert into|merge into|delete from) ${NAME}`)))) {
      this.table(m[3]!, m[1]!);
      this.writes.push({ verb: m[1]!.split(' ')[0] as FakeWrite['verb'], table: m[3]! });
      return 'DML';
    }
    if ((m = text.match(new RegExp(`^alter table ${NAME} add columns \\(\`([a-z0-9_]+)\` [a-z0-9(),]+\\)$`)))) {
      this.table(m[2]!, 'alter').columns?.push(m[3]!);
      return 'DDL';
    }
    if ((m = text.match(new RegExp(`^alter table ${NAME} set tblproperties \\((.*)\\)$`)))) {
      this.table(m[2]!, 'alter');
      const properties = Object.fromEntries([...m[3]!.matchAll(/'([a-z_]+)' = '([^']*)'/g)].map((p) => [p[1]!, p[2]!]));
      this.icebergProperties.set(m[2]!, { ...this.icebergProperties.get(m[2]!), ...properties });
      return 'DDL';
    }
    // Maintenance of an Iceberg table: it changes no rows. Athena runs it under the DML timeout; its type is assumed.
    if ((m = text.match(/^(vacuum|optimize) ([a-z0-9_]+)\.`?([a-z0-9_]+)`?( rewrite data using bin_pack)?$/))) {
      this.table(m[3]!, m[1]!);
      return 'DML';
    }
    if ((m = text.match(new RegExp(`^alter table ${NAME} rename to ${NAME}$`)))) {
      const from = this.catalog.get(m[2]!);
      if (!from || from.kind !== 'table' || this.catalog.has(m[4]!))
        throw new Error(`cannot rename ${m[2]} to ${m[4]}`);
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
      if (!this.catalog.has(m[2]!))
        this.catalog.set(m[2]!, { kind: 'external', properties: { 'stedi.declaration': fingerprint } });
      return 'DDL';
    }
    if (/^create schema if not exists /.test(text)) return 'DDL';
    // A data test's count of failing rows, or an audit's: it reads and changes nothing; its answer is scripted.
    if (counts && /^(select|with) /.test(text)) return 'DML';
    throw new Error(`the fake Athena does not understand: ${text.slice(0, 80)}`);
  }

  private columnType(name: string): string {
    const type = this.columnTypes.get(name);
    if (type === undefined)
      throw new Error(`the fake Athena has no type for column ${name}: set it in fake.columnTypes`);
    return type;
  }

  /** Names in the catalog, sorted. */
  names(): string[] {
    return [...this.catalog.keys()].sort();
  }

  restore(): void {
    this.mock.restore();
  }
}
