import {
  AthenaClient,
  GetDatabaseCommand,
  GetTableMetadataCommand,
  GetWorkGroupCommand,
  ListTableMetadataCommand,
  type ColumnInfo,
  type TableMetadata,
} from '@aws-sdk/client-athena';
import type { Relation } from '../../core/nodes.js';
import type { AthenaTarget } from './athena-target.js';
import type { Adapter, Dialect, QueryOptions, StatsSink } from '../adapter.js';
import type { RelationType, Row, Statement, StatementResult } from '../../core/statement.js';
import { checkAudit } from '../audit-failed-error.js';
import { StatementFailedError } from '../statement-failed-error.js';
import { deleteS3Prefix, type S3Send } from './s3-files.js';
import { lakeFormationGrants, newLakeFormationSend, type LakeFormationGrantSend } from './lake-formation-grants.js';
import { queryCostStats } from './athena-cost.js';
import { athenaCapabilities, athenaDialect } from './athena-dialect.js';
import { AthenaQueryCancelledError, AthenaRetriesExhaustedError, athenaRequestError } from './athena-errors.js';
import { AthenaQueryClient, type AthenaSend, type QueryOutcome, type Sleep } from './athena-query-client.js';

/** What an Athena adapter can be given instead of the real AWS client and clock (tests). */
export interface AthenaAdapterOptions {
  client?: AthenaSend & { destroy?: () => void };
  sleep?: Sleep;
  random?: () => number;
  newToken?: () => string;
  /** Receives the statistics and cost of every query this adapter runs (see `metered`). */
  measure?: StatsSink;
  /** The query client of the adapter this one is a metered view of: one query limit for both. */
  queries?: AthenaQueryClient;
  /** The S3 client that deletes a failed write's files; created on first use unless given (tests give a mock). */
  s3?: S3Send & { destroy?: () => void };
  /** Sends Lake Formation grants; made from the SDK on first use unless given (tests give a recorder). */
  lakeFormation?: LakeFormationGrantSend;
}

// Query results name types as Trino does; Glue (and Hive DDL) say string for varchar and int for integer.
function catalogType(column: ColumnInfo): string {
  const type = (column.Type ?? 'unknown').toLowerCase();
  if (type === 'varchar' || type === 'char') return 'string';
  if (type === 'integer') return 'int';
  if (type === 'real') return 'float';
  // Hive DDL has no varbinary; its name for bytes is binary.
  if (type === 'varbinary') return 'binary';
  if (type === 'decimal' && column.Precision !== undefined) return `decimal(${column.Precision},${column.Scale ?? 0})`;
  return type;
}

function isMissingDatabase(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'MetadataException' || /EntityNotFound|not found/i.test(error.message)) &&
    /database/i.test(error.message)
  );
}

/** An S3 client for the target's region, its module loaded only when a failed write needs one. */
async function newS3Client(region: string): Promise<S3Send & { destroy: () => void }> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  // Retries are the adapter's (one policy for every AWS call), as for the Athena client.
  return new S3Client({ region, maxAttempts: 1 });
}

// Table maintenance (OPTIMIZE, VACUUM) counts in the node's cost like any query, and apart too, so that the cost
// report can say how much of a run it was.
function withMaintenanceShare(stats: Record<string, number>): Record<string, number> {
  return {
    ...stats,
    maintenance_queries: stats.queries ?? 0,
    maintenance_bytes_scanned: stats.bytes_scanned ?? 0,
    maintenance_cost_usd: stats.cost_usd ?? 0,
  };
}

/** Runs plans on AWS Athena through the SDK; one query at a time per plan, at most `threads` queries at once. */
export class AthenaAdapter implements Adapter {
  readonly type = 'athena';
  readonly capabilities = athenaCapabilities;
  readonly dialect: Dialect;
  private readonly queries: AthenaQueryClient;

  constructor(
    private readonly target: AthenaTarget,
    private readonly client: AthenaSend & { destroy?: () => void },
    private readonly options: AthenaAdapterOptions = {},
  ) {
    this.dialect = athenaDialect({ dataDir: target.s3_data_dir, writeCompression: target.write_compression });
    this.queries =
      options.queries ??
      new AthenaQueryClient(client, {
        workGroup: target.workgroup,
        outputLocation: target.s3_staging_dir,
        database: target.database,
        catalog: target.catalog,
        pollIntervalMs: target.poll_interval_ms,
        pollIntervalMaxMs: target.poll_interval_max_ms,
        maxRetries: target.max_retries,
        retryBaseMs: target.retry_backoff_ms,
        retryMaxMs: target.retry_backoff_max_ms,
        maxConcurrentQueries: target.threads,
        sleep: options.sleep,
        random: options.random,
        newToken: options.newToken,
      });
  }

  /** Creates the SDK client for a target; credentials come from the SDK's default provider chain. */
  static open(target: AthenaTarget, options: AthenaAdapterOptions = {}): AthenaAdapter {
    // Under Node 20 the SDK prints a multi-line NodeVersionSupportWarning to stderr on every run (its releases after
    // January 2027 will need Node 22). stedi-models supports node >=20 (package.json) with the SDK version its lock file
    // holds, so for a user the notice is noise in every run's output; whoever upgrades the SDK meets its Node
    // requirement in npm. AWS documents this variable to turn off that one warning (aws/aws-sdk-js-v3#7983); a value
    // the user set is kept.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    // The query client owns retries (only safe ones, with backoff); the SDK's own retries would multiply them.
    const client = options.client ?? new AthenaClient({ region: target.region, maxAttempts: 1 });
    return new AthenaAdapter(target, client, options);
  }

  /**
   * A schema's tables, listed once for the questions asked about them while no query starts or ends (planning a node
   * asks which relations exist, then a table's properties: one ListTableMetadata answers both). A query may create,
   * rename or drop tables, so each one sent makes the next question list again.
   */
  private tablesOf(schema: string): Promise<TableMetadata[]> {
    const key = schema.toLowerCase();
    const last = this.listing;
    if (last?.schema === key && last.queries === this.queriesSent) return last.tables;
    const tables = this.listTables(schema);
    const listing = { schema: key, queries: this.queriesSent, tables };
    this.listing = listing;
    // A failed listing is not kept: the next question asks again.
    tables.catch(() => {
      if (this.listing === listing) this.listing = undefined;
    });
    return tables;
  }

  private listing?: { schema: string; queries: number; tables: Promise<TableMetadata[]> };
  /** Counts queries started and ended, so that a listing older than the last of them is not reused. */
  private queriesSent = 0;

  // ListTableMetadata answers from the catalog without running a query: no cost, no result files, and it tells
  // views (VIRTUAL_VIEW) from tables and carries the table properties (declaration fingerprints).
  private async listTables(schema: string): Promise<TableMetadata[]> {
    const tables: TableMetadata[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const token = nextToken;
        const page = await this.queries.retrying(`listing the tables of ${schema}`, () =>
          this.client.send(
            new ListTableMetadataCommand({
              CatalogName: this.target.catalog,
              DatabaseName: schema.toLowerCase(),
              NextToken: token,
              MaxResults: 50,
            }),
          ),
        );
        tables.push(...(page.TableMetadataList ?? []));
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (error) {
      if (isMissingDatabase(error)) return [];
      if (error instanceof AthenaRetriesExhaustedError) throw error;
      throw athenaRequestError(`listing the tables of ${schema}`, error);
    }
    return tables;
  }

  async listRelations(schema: string): Promise<Map<string, RelationType>> {
    const tables = await this.tablesOf(schema);
    return new Map(
      tables.map((t) => [t.Name!.toLowerCase(), t.TableType === 'VIRTUAL_VIEW' ? 'view' : 'table'] as const),
    );
  }

  async listTableProperties(schema: string): Promise<Map<string, Record<string, string>>> {
    const tables = await this.tablesOf(schema);
    return new Map(tables.map((t) => [t.Name!.toLowerCase(), t.Parameters ?? {}] as const));
  }

  async listColumns(relation: Relation): Promise<Array<{ name: string; type: string }>> {
    try {
      const { TableMetadata: table } = await this.queries.retrying(
        `describing ${relation.schema}.${relation.identifier}`,
        () =>
          this.client.send(
            new GetTableMetadataCommand({
              CatalogName: this.target.catalog,
              DatabaseName: relation.schema.toLowerCase(),
              TableName: relation.identifier.toLowerCase(),
            }),
          ),
      );
      return [...(table?.Columns ?? []), ...(table?.PartitionKeys ?? [])].map((c) => ({
        name: c.Name!,
        type: c.Type ?? 'unknown',
      }));
    } catch (error) {
      if (error instanceof Error && error.name === 'MetadataException') return [];
      if (error instanceof AthenaRetriesExhaustedError) throw error;
      throw athenaRequestError(`describing ${relation.schema}.${relation.identifier}`, error);
    }
  }

  /**
   * Columns a model's SELECT returns, without running it: `select * from (<sql>) limit 0` is planned, resolved and
   * answered with no rows and no data read; its result metadata names and types the columns. Still one query, so
   * Athena may bill its 10 MB minimum (about $0.00005). Types are given in the catalog's (Hive) names, as listColumns
   * gives them, so that a column added to a table is declared in the DDL's vocabulary.
   */
  async describeQuery(sql: string, options: QueryOptions = {}): Promise<Array<{ name: string; type: string }>> {
    const outcome = await this.run(
      { sql: `select * from (\n${sql}\n) limit 0`, purpose: 'read the columns of the new rows' },
      options.signal,
    );
    const columns = await this.queries.resultColumns(outcome.queryExecutionId, options.signal);
    return columns.map((c) => ({ name: c.Name!, type: catalogType(c) }));
  }

  /**
   * Runs a plan's statements one after another. When one fails (or an audit blocks), the plan's cleanup statements
   * still run: they drop what it staged (a table built beside the published one), so rows that failed an audit are
   * not left readable under another name.
   */
  async executePlan(statements: readonly Statement[], options: QueryOptions = {}): Promise<StatementResult[]> {
    const results: StatementResult[] = [];
    // Checks of scheduled maintenance, by their SQL: asked once per plan, however many statements wait for them.
    const due = new Map<string, Promise<boolean>>();
    try {
      for (const statement of statements) {
        if (statement.cleanup === 'on-failure') {
          results.push({});
          continue;
        }
        if (statement.onlyIf) {
          const check = statement.onlyIf.sql;
          if (!due.has(check))
            due.set(
              check,
              this.query(check, options).then(([row]) => row?.due === true),
            );
          if (!(await due.get(check))) {
            results.push({});
            continue;
          }
        }
        if (statement.warnOnFailure) {
          results.push(await this.tidy(statement, options.signal));
          continue;
        }
        if (statement.eachBatch) {
          results.push(await this.runBatches(statement, statement.eachBatch, options.signal));
          continue;
        }
        const outcome = await this.run(statement, options.signal);
        const rows = statement.reportsRows
          ? await this.queries.updateCount(outcome.queryExecutionId, options.signal)
          : undefined;
        const records =
          statement.returnsRecords || statement.audit
            ? await this.queries.fetchRows(outcome.queryExecutionId, outcome.statistics.statementType, options.signal)
            : undefined;
        checkAudit(statement, records);
        results.push({ rows, records });
      }
    } catch (error) {
      // An interrupted run sends nothing more; the next run's repair drops what was staged.
      const failed = statements[results.length];
      const notRun = statements.slice(results.length + 1);
      if (options.signal?.aborted) throw error;
      for (const statement of notRun.filter((s) => s.cleanup)) await this.run(statement).catch(() => undefined);
      if (failed?.location && error instanceof StatementFailedError)
        throw await this.withFilesDeleted(error, failed.location);
      throw error;
    }
    return results;
  }

  /**
   * Runs a statement that only tidies up. When Athena runs it and it fails (a DROP of a large table that runs out of
   * time), that is a warning, not an error; a request that never reached a verdict (refused, interrupted) is still an
   * error, as for any statement.
   */
  private async tidy(statement: Statement, signal?: AbortSignal): Promise<StatementResult> {
    try {
      await this.run(statement, signal);
      return {};
    } catch (error) {
      if (signal?.aborted || !(error instanceof StatementFailedError)) throw error;
      return {
        warning: `could not ${statement.purpose} (${error.engineMessage.split('\n')[0]}): ${statement.warnOnFailure}`,
      };
    }
  }

  /**
   * Sends a statement once per further batch of a split write: the number of batches is read first (a query billed
   * as any other), then each batch's statement is its planned text with the batch's number in place of the first's.
   */
  private async runBatches(
    statement: Statement,
    batches: NonNullable<Statement['eachBatch']>,
    signal?: AbortSignal,
  ): Promise<StatementResult> {
    const [answer] = await this.query(batches.countSql, { signal });
    const count = Number(answer?.batches ?? 0);
    const marker = /(\d+)$/.exec(batches.marker)!;
    let rows: number | undefined;
    for (let batch = batches.first; batch < count; batch++) {
      const sql = statement.sql.replace(batches.marker, `${batches.marker.slice(0, marker.index)}${batch}`);
      const outcome = await this.run(
        { ...statement, sql, purpose: `${statement.purpose} (batch ${batch + 1} of ${count})` },
        signal,
      );
      const written = statement.reportsRows
        ? await this.queries.updateCount(outcome.queryExecutionId, signal)
        : undefined;
      if (written !== undefined) rows = (rows ?? 0) + written;
    }
    return { rows };
  }

  async query(sql: string, options: QueryOptions = {}): Promise<Row[]> {
    const outcome = await this.run({ sql, purpose: 'run a query' }, options.signal);
    return this.queries.fetchRows(outcome.queryExecutionId, outcome.statistics.statementType, options.signal);
  }

  metered(measure: StatsSink): AthenaAdapter {
    const view = new AthenaAdapter(this.target, this.client, { ...this.options, queries: this.queries, measure });
    view.files = this.files;
    return view;
  }

  // One S3 client and one Lake Formation client for the adapter and its metered views, made when first needed.
  private files: {
    s3?: S3Send & { destroy?: () => void };
    lakeFormation?: Promise<{ send: LakeFormationGrantSend; destroy?: () => void }>;
  } = {};

  /**
   * Re-applies a relation's grants through Lake Formation: a rebuild (CTAS and rename) makes a new Glue table, and
   * Lake Formation keeps permissions by table, so those on the old one are gone. A grant that exists already is
   * granted again without error, so this is safe to repeat.
   */
  async applyGrants(relation: Relation, grants: Readonly<Record<string, readonly string[]>>): Promise<void> {
    const requests = lakeFormationGrants(relation, grants);
    if (requests.length === 0) return;
    const given = this.options.lakeFormation;
    this.files.lakeFormation ??= given ? Promise.resolve({ send: given }) : newLakeFormationSend(this.target.region);
    const { send } = await this.files.lakeFormation;
    for (const request of requests) {
      const action = `granting ${request.Permissions.join(', ')} on ${relation.schema}.${relation.identifier} to ${request.Principal.DataLakePrincipalIdentifier}`;
      await this.queries
        .retrying(action, () => send(request))
        .catch((error: unknown) => {
          if (error instanceof AthenaRetriesExhaustedError) throw error;
          throw athenaRequestError(action, error);
        });
    }
  }

  /**
   * Deletes the files a failed CTAS may have left at its build's own location (Athena does not delete a failed
   * query's partial results), and says so in the error. The location is never used again (each build has its own),
   * so this is tidying; if it fails, the error says where the files are.
   */
  private async withFilesDeleted(error: StatementFailedError, location: string): Promise<StatementFailedError> {
    let note: string;
    try {
      const s3 = (this.files.s3 ??= this.options.s3 ?? (await newS3Client(this.target.region)));
      const deleted = await deleteS3Prefix(s3, location, (action, send) => this.queries.retrying(action, send));
      note =
        deleted > 0
          ? `Its partial files were deleted (${deleted} under ${location}).`
          : `It left no files at ${location}.`;
    } catch (cleanup) {
      note = `Its partial files under ${location} could not be deleted (${cleanup instanceof Error ? cleanup.message : String(cleanup)}): delete them, or keep them, they are in nobody's way.`;
    }
    return new StatementFailedError(error.statement, `${error.engineMessage}\n${note}`, { cause: error });
  }

  // Every query the adapter sends passes here, so what it measures is counted once and never lost: a plan's
  // statements (also those that succeeded before one failed), an incremental model's column query, a data test's count.
  // A query Athena cancelled (its own timeout, or someone in the console) was billed for what it scanned: counted too.
  private async run(statement: Statement, signal?: AbortSignal): Promise<QueryOutcome> {
    const measure = (stats: Record<string, number>) =>
      this.options.measure?.(statement.maintenance ? withMaintenanceShare(stats) : stats);
    this.queriesSent++;
    const outcome = await this.queries
      .execute(statement, signal)
      .catch((error: unknown) => {
        if (error instanceof AthenaQueryCancelledError) measure(queryCostStats(error.statistics, true));
        throw error;
      })
      .finally(() => this.queriesSent++);
    measure(queryCostStats(outcome.statistics));
    return outcome;
  }

  /** Checks that the workgroup and the database exist (`stedi-models debug`). */
  async describe(): Promise<Record<string, string>> {
    const { target } = this;
    let engine = 'unknown';
    try {
      const { WorkGroup: workGroup } = await this.client.send(new GetWorkGroupCommand({ WorkGroup: target.workgroup }));
      if (workGroup?.State === 'DISABLED') throw new Error(`WorkGroup ${target.workgroup} is disabled`);
      engine = workGroup?.Configuration?.EngineVersion?.EffectiveEngineVersion ?? engine;
    } catch (error) {
      throw athenaRequestError(`checking workgroup ${target.workgroup}`, error);
    }
    let database = `${target.database} (will be created by the first run)`;
    try {
      await this.client.send(new GetDatabaseCommand({ CatalogName: target.catalog, DatabaseName: target.database }));
      database = target.database;
    } catch (error) {
      if (!isMissingDatabase(error)) throw athenaRequestError(`checking database ${target.database}`, error);
    }
    return {
      engine: 'athena',
      region: target.region,
      workgroup: target.workgroup,
      engine_version: engine,
      catalog: target.catalog,
      database,
    };
  }

  async close(): Promise<void> {
    this.client.destroy?.();
    if (!this.options.s3) this.files.s3?.destroy?.();
    (await this.files.lakeFormation?.catch(() => undefined))?.destroy?.();
  }
}
