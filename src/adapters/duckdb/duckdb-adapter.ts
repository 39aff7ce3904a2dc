import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { messageOf, ProjectError } from '../../errors.js';
import type { DuckDbTarget } from './duckdb-target.js';
import type { Relation } from '../../core/nodes.js';
import type { Adapter, AdapterCapabilities } from '../adapter.js';
import type { RelationType, Row, Statement, StatementResult } from '../../core/statement.js';
import { StatementCancelledError, StatementFailedError } from '../statement-failed-error.js';
import { checkAudit } from '../audit-failed-error.js';
import { duckDbCapabilities, duckDbDialect } from './duckdb-dialect.js';

// @duckdb/node-api is CommonJS whose index re-exports ~100 files. An ESM `import` of it has Node lex every one of
// them for their export names before running them (≈ 0.15 s of every run); `require` just runs them.
const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof import('@duckdb/node-api');

/** The database file could not be opened (locked by another process, unreadable, not a DuckDB file). */
export class DuckDbOpenError extends ProjectError {}

function toJs(value: unknown): unknown {
  if (typeof value === 'bigint')
    return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value.toString();
  return value;
}

/** Runs plans on an embedded DuckDB database file, with one connection per concurrent node. */
export class DuckDbAdapter implements Adapter {
  readonly type = 'duckdb';
  readonly capabilities: AdapterCapabilities = duckDbCapabilities;
  readonly dialect = duckDbDialect;
  private readonly idle: DuckDBConnection[] = [];

  private constructor(
    private readonly instance: DuckDBInstance,
    readonly databasePath: string,
  ) {}

  /** Opens (creating if needed) the database file of a target; relative paths are relative to the project. */
  static async open(target: Pick<DuckDbTarget, 'path' | 'settings'>, projectDir: string): Promise<DuckDbAdapter> {
    const databasePath = target.path === ':memory:' ? ':memory:' : path.resolve(projectDir, target.path);
    if (databasePath !== ':memory:') mkdirSync(path.dirname(databasePath), { recursive: true });
    try {
      return new DuckDbAdapter(await duckdb.DuckDBInstance.create(databasePath, target.settings), databasePath);
    } catch (error) {
      const message = messageOf(error);
      const hint = /lock/i.test(message)
        ? 'Another process has it open: wait for it or close it, or point STEDI_DUCKDB_PATH at another file.'
        : 'Check the path in profiles.yml (or STEDI_DUCKDB_PATH) and that the file is a DuckDB database.';
      throw new DuckDbOpenError(`Cannot open DuckDB database ${databasePath}: ${message}\n${hint}`, { cause: error });
    }
  }

  private async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = this.idle.pop() ?? (await this.instance.connect());
    try {
      return await work(connection);
    } finally {
      this.idle.push(connection);
    }
  }

  async listRelations(schema: string): Promise<Map<string, RelationType>> {
    const rows = await this.query(
      `select table_name, table_type from information_schema.tables where table_catalog = current_database() and table_schema = ${this.dialect.quoteString(schema)}`,
    );
    return new Map(
      rows.map((r) => [String(r.table_name).toLowerCase(), r.table_type === 'VIEW' ? 'view' : 'table'] as const),
    );
  }

  async listColumns(relation: Relation): Promise<Array<{ name: string; type: string }>> {
    const q = this.dialect.quoteString;
    const rows = await this.query(
      `select column_name, data_type from information_schema.columns where table_catalog = current_database() and table_schema = ${q(relation.schema)} and table_name = ${q(relation.identifier)} order by ordinal_position`,
    );
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
  }

  async describeQuery(sql: string): Promise<Array<{ name: string; type: string }>> {
    const rows = await this.query(`describe ${sql}`);
    return rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
  }

  async attachReadOnly(databasePath: string, catalog: string): Promise<void> {
    const q = this.dialect.quoteString;
    try {
      await this.query(
        `attach if not exists ${q(databasePath)} as ${this.dialect.quoteIdentifier(catalog)} (read_only)`,
      );
    } catch (error) {
      throw new DuckDbOpenError(
        `Cannot read the state's database ${databasePath}: ${messageOf(error)}\nIt must exist and not be open for writing by another process.`,
        { cause: error },
      );
    }
  }

  /** Runs a whole plan on one connection, so a plan's transaction spans its statements. */
  async executePlan(
    statements: readonly Statement[],
    options: { signal?: AbortSignal } = {},
  ): Promise<StatementResult[]> {
    return this.withConnection(async (connection) => {
      const results: StatementResult[] = [];
      const onAbort = () => connection.interrupt();
      options.signal?.addEventListener('abort', onAbort);
      try {
        for (const statement of statements) {
          if (statement.cleanup === 'on-failure') {
            results.push({});
            continue;
          }
          if (options.signal?.aborted) throw new StatementCancelledError(statement);
          const result = await this.run(connection, statement, options.signal);
          checkAudit(statement, result.records);
          results.push(result);
        }
        return results;
      } catch (error) {
        // A failed statement inside BEGIN leaves the connection's transaction aborted; end it before reuse.
        await connection.run('rollback').catch(() => undefined);
        // What a failure leaves to clean up runs now; what only a failed write needs (a purge) not when interrupted.
        const cleanups = statements.filter(
          (s) => s.cleanup === 'always' || (s.cleanup === 'on-failure' && !options.signal?.aborted),
        );
        for (const statement of cleanups) await connection.run(statement.sql).catch(() => undefined);
        throw error;
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  private async run(
    connection: DuckDBConnection,
    statement: Statement,
    signal?: AbortSignal,
  ): Promise<StatementResult> {
    try {
      const reader = await connection.runAndReadAll(statement.sql);
      if (statement.returnsRecords || statement.audit) {
        return {
          records: reader
            .getRowObjectsJS()
            .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJs(v)]))),
        };
      }
      if (!statement.reportsRows && !statement.countsAs) return {};
      // DuckDB answers CREATE TABLE AS and INSERT with one row holding the written row count.
      const count = reader.getRowsJS()[0]?.[0];
      return { rows: Number(count ?? 0) };
    } catch (error) {
      if (signal?.aborted) throw new StatementCancelledError(statement);
      throw new StatementFailedError(statement, messageOf(error), { cause: error });
    }
  }

  async query(sql: string): Promise<Row[]> {
    return this.withConnection(async (connection) => {
      const reader = await connection.runAndReadAll(sql);
      return reader
        .getRowObjectsJS()
        .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, toJs(v)])));
    });
  }

  async describe(): Promise<Record<string, string>> {
    const [row] = await this.query('select current_database() as database');
    return { engine: 'duckdb', version: duckdb.version(), path: this.databasePath, database: String(row?.database) };
  }

  async close(): Promise<void> {
    for (const connection of this.idle.splice(0)) connection.closeSync();
    this.instance.closeSync();
  }
}
