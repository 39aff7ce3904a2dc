import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type ColumnInfo,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import type { SdkError } from '@smithy/types';
import type { Row, Statement } from '../../core/statement.js';
import { StatementCancelledError, StatementFailedError } from '../statement-failed-error.js';
import {
  AthenaMoreRunsNeededError,
  AthenaQueryCancelledError,
  AthenaQueryFailedError,
  AthenaRetriesExhaustedError,
  athenaRequestError,
} from './athena-errors.js';
import type { QueryStatistics } from './athena-cost.js';
import { convertRows, isHeaderRow } from './athena-values.js';

/** The slice of the AWS SDK client the query client uses; tests script it with aws-sdk-client-mock. */
export type AthenaSend = Pick<AthenaClient, 'send'>;

/** Waits; rejects when the signal aborts. Injected so tests never really wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Where queries run and how patiently they are polled and retried. */
export interface AthenaQueryClientOptions {
  workGroup: string;
  /** Query results location (`s3_staging_dir`). */
  outputLocation: string;
  database: string;
  catalog: string;
  /** First wait between two GetQueryExecution calls; doubles up to `pollIntervalMaxMs`. */
  pollIntervalMs: number;
  pollIntervalMaxMs: number;
  /** Retries of one request or statement after a throttling, internal error or commit conflict. */
  maxRetries: number;
  /** First retry backoff (doubling, capped at `retryMaxMs`, with full jitter). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** At most this many queries queued or running at once from this client (Athena's quota counts queued ones). */
  maxConcurrentQueries?: number;
  sleep?: Sleep;
  random?: () => number;
  newToken?: () => string;
}

/** A query that SUCCEEDED: its id and what Athena measured. */
export interface QueryOutcome {
  queryExecutionId: string;
  statistics: QueryStatistics;
}

/** Athena rejects query strings longer than this many bytes. */
export const MAX_QUERY_BYTES = 262_144;

// Request errors that mean "not now": the request did nothing that a second one would repeat, and may be sent again.
// Classified as the AWS SDK classifies them for its own retries (which are off: maxAttempts 1): throttling, 5xx,
// and network failures with no answer (ECONNRESET, ETIMEDOUT, a request timeout). A StartQueryExecution re-sent after
// a network failure carries the same ClientRequestToken, so Athena starts the query at most once.
const RETRYABLE_REQUEST_ERRORS = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'InternalServerException',
]);

function isRetryableRequestError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sdkError = error as SdkError;
  return (
    RETRYABLE_REQUEST_ERRORS.has(error.name) ||
    isThrottlingError(sdkError) ||
    isServerError(sdkError) ||
    isTransientError(sdkError)
  );
}

// A failed query is transient when another writer won an Iceberg commit, or Athena says its own (system) error is
// retryable. Anything else is a real error: retrying it would hide it and multiply the cost.
function isTransientFailure(execution: QueryExecution): boolean {
  const status = execution.Status;
  if (failureNames(execution, 'ICEBERG_COMMIT_ERROR')) return true;
  return status?.AthenaError?.ErrorCategory === 1 && status.AthenaError.Retryable === true;
}

function failureNames(execution: QueryExecution, error: string): boolean {
  const status = execution.Status;
  return `${status?.StateChangeReason ?? ''} ${status?.AthenaError?.ErrorMessage ?? ''}`.includes(error);
}

/** Runs statements on Athena: start with an idempotency token, poll with backoff, retry only what is safe, stop on abort. */
export class AthenaQueryClient {
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly newToken: () => string;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly client: AthenaSend,
    private readonly options: AthenaQueryClientOptions,
  ) {
    this.sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
    this.random = options.random ?? Math.random;
    this.newToken = options.newToken ?? randomUUID;
  }

  /** Runs one statement to SUCCEEDED; throws AthenaQueryFailedError, StatementCancelledError or a request error. */
  async execute(statement: Statement, signal?: AbortSignal): Promise<QueryOutcome> {
    const bytes = Buffer.byteLength(statement.sql, 'utf8');
    if (bytes > MAX_QUERY_BYTES) {
      throw new StatementFailedError(
        statement,
        `the statement is ${bytes} bytes; Athena accepts at most ${MAX_QUERY_BYTES}. Split the model, or move long literal lists into a seed.`,
      );
    }
    await this.acquire(statement, signal);
    try {
      let runs = 0;
      for (let attempt = 0; ;) {
        const execution = await this.runOnce(statement, signal);
        runs++;
        const id = execution.QueryExecutionId!;
        const state = execution.Status?.State;
        if (state === 'SUCCEEDED') return { queryExecutionId: id, statistics: statisticsOf(execution) };
        if (state === 'CANCELLED')
          throw new AthenaQueryCancelledError(
            statement,
            id,
            execution.Status?.StateChangeReason,
            statisticsOf(execution),
          );
        const { StateChangeReason: reason, AthenaError: athenaError } = execution.Status ?? {};
        // Each such answer means the run made progress (VACUUM removed a batch of files), so it is sent again at
        // once; the bound only stops a table with more work than one stedi-models run should wait for.
        const repeat = statement.repeatWhile;
        if (repeat && failureNames(execution, repeat.error)) {
          if (runs >= repeat.maxRuns) throw new AthenaMoreRunsNeededError(statement, runs, id, reason, athenaError);
          continue;
        }
        const failure = new AthenaQueryFailedError(statement, id, reason, athenaError);
        if (statement.retryable === false || !isTransientFailure(execution) || attempt >= this.options.maxRetries)
          throw failure;
        await this.pause(this.backoff(attempt++), statement, signal);
      }
    } finally {
      this.release();
    }
  }

  /** The rows a statement wrote (CTAS, INSERT), from GetQueryResults' UpdateCount. */
  async updateCount(queryExecutionId: string, signal?: AbortSignal): Promise<number | undefined> {
    const page = await this.request(
      'GetQueryResults',
      () => this.client.send(new GetQueryResultsCommand({ QueryExecutionId: queryExecutionId, MaxResults: 1 })),
      signal,
    );
    return page.UpdateCount;
  }

  /** The columns of a query's result (names and Athena types), from the metadata of its first result page. */
  async resultColumns(queryExecutionId: string, signal?: AbortSignal): Promise<ColumnInfo[]> {
    const page = await this.request(
      'GetQueryResults',
      () => this.client.send(new GetQueryResultsCommand({ QueryExecutionId: queryExecutionId, MaxResults: 1 })),
      signal,
    );
    return page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
  }

  /** Every row of a query's result, page by page, with values converted by column type. */
  async fetchRows(queryExecutionId: string, statementType?: string, signal?: AbortSignal): Promise<Row[]> {
    const rows: Row[] = [];
    let nextToken: string | undefined;
    let first = true;
    do {
      const page = await this.request(
        'GetQueryResults',
        () =>
          this.client.send(
            new GetQueryResultsCommand({ QueryExecutionId: queryExecutionId, NextToken: nextToken, MaxResults: 1000 }),
          ),
        signal,
      );
      const columns = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      let pageRows = page.ResultSet?.Rows ?? [];
      if (first && statementType === 'DML' && isHeaderRow(pageRows[0], columns)) pageRows = pageRows.slice(1);
      rows.push(...convertRows(pageRows, columns));
      nextToken = page.NextToken;
      first = false;
    } while (nextToken);
    return rows;
  }

  private async runOnce(statement: Statement, signal?: AbortSignal): Promise<QueryExecution> {
    if (signal?.aborted) throw new StatementCancelledError(statement);
    // One token per attempt: throttled re-sends of this start reuse it, so Athena runs the query at most once.
    const token = this.newToken();
    const started = await this.request(
      'StartQueryExecution',
      () =>
        this.client.send(
          new StartQueryExecutionCommand({
            QueryString: statement.sql,
            ClientRequestToken: token,
            WorkGroup: this.options.workGroup,
            QueryExecutionContext: { Database: this.options.database, Catalog: this.options.catalog },
            ResultConfiguration: { OutputLocation: this.options.outputLocation },
          }),
        ),
      signal,
    ).catch((error: unknown) => {
      // Aborted while waiting to re-send a refused start: no query was started, so there is none to stop.
      if (signal?.aborted) throw new StatementCancelledError(statement);
      throw error;
    });
    const id = started.QueryExecutionId!;
    return this.waitFor(id, statement, signal);
  }

  private async waitFor(id: string, statement: Statement, signal?: AbortSignal): Promise<QueryExecution> {
    let interval = this.options.pollIntervalMs;
    for (;;) {
      if (signal?.aborted) return this.stop(id, statement);
      let execution: QueryExecution | undefined;
      try {
        ({ QueryExecution: execution } = await this.request(
          'GetQueryExecution',
          () => this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
          signal,
        ));
      } catch (error) {
        if (signal?.aborted) return this.stop(id, statement);
        throw error;
      }
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED')
        return { ...execution, QueryExecutionId: id };
      try {
        await this.sleep(interval, signal);
      } catch {
        return this.stop(id, statement);
      }
      interval = Math.min(interval * 2, this.options.pollIntervalMaxMs);
    }
  }

  // Ctrl-C or --timeout: the query must not keep running (and costing) after stedi-models exits.
  private async stop(id: string, statement: Statement): Promise<never> {
    await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
    throw new StatementCancelledError(statement);
  }

  /**
   * Sends a request, re-sending it after throttling or internal errors with jittered, capped exponential backoff.
   * The waits end at once when the signal aborts (the sleep rejects), so Ctrl-C never sits out a backoff.
   */
  private async request<T>(action: string, send: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.retrying(action, send, signal, (error) => athenaRequestError(action, error));
  }

  /**
   * Sends one AWS request (Athena's or the Glue catalog's through it) under the retry policy every call shares:
   * what may be sent again is, with backoff and jitter, up to max_retries; any other error is thrown as it came, for
   * the caller to read (a MetadataException is "no such table", not a failure).
   */
  async retrying<T>(
    action: string,
    send: () => Promise<T>,
    signal?: AbortSignal,
    refused: (error: unknown) => unknown = (error) => error,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (!isRetryableRequestError(error)) throw refused(error);
        if (attempt >= this.options.maxRetries) {
          throw new AthenaRetriesExhaustedError(
            `Athena ${action} was refused ${attempt + 1} times (${(error as Error).name}: ${(error as Error).message}). Lower --threads, or raise max_retries in profiles.yml.`,
            { cause: error },
          );
        }
        await this.sleep(this.backoff(attempt), signal);
      }
    }
  }

  private backoff(attempt: number): number {
    const cap = Math.min(this.options.retryMaxMs ?? 30_000, (this.options.retryBaseMs ?? 1000) * 2 ** attempt);
    return Math.round(this.random() * cap);
  }

  private async pause(ms: number, statement: Statement, signal?: AbortSignal): Promise<void> {
    try {
      await this.sleep(ms, signal);
    } catch {
      throw new StatementCancelledError(statement);
    }
  }

  private async acquire(statement: Statement, signal?: AbortSignal): Promise<void> {
    const limit = this.options.maxConcurrentQueries ?? Number.POSITIVE_INFINITY;
    while (this.running >= limit) {
      if (signal?.aborted) throw new StatementCancelledError(statement);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running++;
  }

  private release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}

function statisticsOf(execution: QueryExecution): QueryStatistics {
  const s = execution.Statistics;
  return {
    statementType: execution.StatementType,
    dataScannedBytes: s?.DataScannedInBytes ?? 0,
    engineMillis: s?.EngineExecutionTimeInMillis ?? 0,
    queueMillis: s?.QueryQueueTimeInMillis ?? 0,
  };
}
