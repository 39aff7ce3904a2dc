import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
  InternalServerException,
  InvalidRequestException,
  AthenaServiceException,
  type QueryExecutionState,
  type StatementType,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaQueryClient, type AthenaQueryClientOptions } from '../../src/adapters/athena/athena-query-client.js';
import {
  AthenaMoreRunsNeededError,
  AthenaQueryFailedError,
  AthenaRetriesExhaustedError,
} from '../../src/adapters/athena/athena-errors.js';
import { StatementCancelledError } from '../../src/adapters/statement-failed-error.js';

const athena = mockClient(AthenaClient);
const statement = { sql: 'select 1', purpose: 'build table customer_trusted' };

function execution(id: string, state: QueryExecutionState, extra: Record<string, unknown> = {}) {
  return {
    QueryExecution: {
      QueryExecutionId: id,
      Status: { State: state, ...extra },
      StatementType: 'DML' as StatementType,
      Statistics: { DataScannedInBytes: 2048, EngineExecutionTimeInMillis: 120, QueryQueueTimeInMillis: 5 },
    },
  };
}

/** A client whose sleeps are recorded instead of waited, with jitter fixed at its maximum. */
function queryClient(overrides: Partial<AthenaQueryClientOptions> = {}) {
  const sleeps: number[] = [];
  let tokens = 0;
  const client = new AthenaQueryClient(new AthenaClient({ region: 'us-east-1' }), {
    workGroup: 'primary',
    outputLocation: 's3://results/',
    database: 'stedi',
    catalog: 'AwsDataCatalog',
    pollIntervalMs: 100,
    pollIntervalMaxMs: 350,
    maxRetries: 3,
    retryBaseMs: 1000,
    retryMaxMs: 5000,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 1,
    newToken: () => `token-${++tokens}`,
    ...overrides,
  });
  return { client, sleeps };
}

/**
 * A sleep that waits until the signal aborts, and aborts it once it is waiting: the run is interrupted during this
 * wait. A wait given no signal could not be interrupted, so it fails the test instead of hanging.
 */
function interruptedSleep(controller: AbortController, sleeps: number[]) {
  return (ms: number, signal?: AbortSignal) => {
    sleeps.push(ms);
    if (!signal) return Promise.reject(new Error(`a ${ms} ms wait that Ctrl-C cannot interrupt`));
    return new Promise<void>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      queueMicrotask(() => controller.abort());
    });
  };
}

beforeEach(() => athena.reset());

describe('AthenaQueryClient', () => {
  it('starts a query with workgroup, result location, context and token, and polls with backoff until it succeeds', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('q1', 'QUEUED'))
      .resolvesOnce(execution('q1', 'RUNNING'))
      .resolvesOnce(execution('q1', 'RUNNING'))
      .resolvesOnce(execution('q1', 'RUNNING'))
      .resolves(execution('q1', 'SUCCEEDED'));
    const { client, sleeps } = queryClient();
    const outcome = await client.execute(statement);
    expect(outcome).toEqual({
      queryExecutionId: 'q1',
      statistics: { statementType: 'DML', dataScannedBytes: 2048, engineMillis: 120, queueMillis: 5 },
    });
    expect(sleeps).toEqual([100, 200, 350, 350]);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toEqual({
      QueryString: 'select 1',
      ClientRequestToken: 'token-1',
      WorkGroup: 'primary',
      QueryExecutionContext: { Database: 'stedi', Catalog: 'AwsDataCatalog' },
      ResultConfiguration: { OutputLocation: 's3://results/' },
    });
  });

  it('fails with the purpose, StateChangeReason and AthenaError in full, without retrying a user error', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q2' });
    const reason =
      "COLUMN_NOT_FOUND: line 3:8: Column 'no_such_column' cannot be resolved or requester is not authorized to access requested resources";
    athena.on(GetQueryExecutionCommand).resolves(
      execution('q2', 'FAILED', {
        StateChangeReason: reason,
        AthenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: reason },
      }),
    );
    const { client } = queryClient();
    const error = await client.execute(statement).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaQueryFailedError);
    expect((error as Error).message).toContain('build table customer_trusted failed');
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).toContain('AthenaError: category 2 (USER), type 1006, retryable false');
    expect((error as Error).message).toContain('q2');
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  it('re-sends a throttled start with the same token and jittered, capped, growing backoff', async () => {
    const throttled = () => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({ QueryExecutionId: 'q3' });
    athena.on(GetQueryExecutionCommand).resolves(execution('q3', 'SUCCEEDED'));
    const { client, sleeps } = queryClient({ random: () => 0.5 });
    await client.execute(statement);
    const tokens = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken);
    expect(tokens).toEqual(['token-1', 'token-1', 'token-1', 'token-1']);
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('gives up on throttling after max_retries with a hint', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const { client, sleeps } = queryClient({ maxRetries: 2 });
    const error = await client.execute(statement).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaRetriesExhaustedError);
    expect((error as Error).message).toMatch(/refused 3 times.*Lower --threads/);
    expect(sleeps).toHaveLength(2);
  });

  it('retries a statement that failed with ICEBERG_COMMIT_ERROR as a new query with a new token', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q4a' })
      .resolves({ QueryExecutionId: 'q4b' });
    athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'q4a' }).resolves(
      execution('q4a', 'FAILED', {
        StateChangeReason: 'ICEBERG_COMMIT_ERROR: Failed to commit Iceberg update to table',
      }),
    );
    athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'q4b' }).resolves(execution('q4b', 'SUCCEEDED'));
    const { client, sleeps } = queryClient();
    const outcome = await client.execute({ sql: 'insert into t select 1', purpose: 'insert' });
    expect(outcome.queryExecutionId).toBe('q4b');
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken)).toEqual([
      'token-1',
      'token-2',
    ]);
    // The failed query answered on its first status check, so the one wait is the backoff before the retry.
    expect(sleeps).toEqual([1000]);
  });

  it('re-sends a request refused with InternalServerException', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(new InternalServerException({ message: 'Internal error', $metadata: { httpStatusCode: 500 } }))
      .resolves({ QueryExecutionId: 'q9' });
    athena.on(GetQueryExecutionCommand).resolves(execution('q9', 'SUCCEEDED'));
    const { client, sleeps } = queryClient();
    expect((await client.execute(statement)).queryExecutionId).toBe('q9');
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken)).toEqual([
      'token-1',
      'token-1',
    ]);
    expect(sleeps).toEqual([1000]);
  });

  it('re-sends a request that got an HTTP 5xx answer of any name', async () => {
    const unavailable = new AthenaServiceException({
      name: 'ServiceUnavailable',
      $fault: 'server',
      message: 'Service Unavailable',
      $metadata: { httpStatusCode: 503 },
    });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q10' });
    athena.on(GetQueryExecutionCommand).rejectsOnce(unavailable).resolves(execution('q10', 'SUCCEEDED'));
    const { client, sleeps } = queryClient();
    expect((await client.execute(statement)).queryExecutionId).toBe('q10');
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(2);
    expect(sleeps).toEqual([1000]);
  });

  // With the SDK's own retries off, a connection reset or a request timeout reaches the client with no answer from
  // Athena. The start is sent again with its token, so Athena starts the query at most once even if the first arrived.
  for (const [kind, lost] of [
    ['a connection reset (ECONNRESET)', () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    [
      'a request timeout (TimeoutError)',
      () => Object.assign(new Error('Connection timed out after 2000 ms'), { name: 'TimeoutError' }),
    ],
  ] as const) {
    it(`re-sends a start lost to ${kind} with the same token`, async () => {
      athena.on(StartQueryExecutionCommand).rejectsOnce(lost()).resolves({ QueryExecutionId: 'q11' });
      athena.on(GetQueryExecutionCommand).resolves(execution('q11', 'SUCCEEDED'));
      const { client, sleeps } = queryClient();
      expect((await client.execute(statement)).queryExecutionId).toBe('q11');
      const tokens = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken);
      expect(tokens).toEqual(['token-1', 'token-1']);
      expect(sleeps).toEqual([1000]);
    });
  }

  it('retries a query that FAILED with a SYSTEM error Athena calls retryable, as a new query after a backoff', async () => {
    const systemError = {
      StateChangeReason: 'GENERIC_INTERNAL_ERROR: worker lost',
      AthenaError: { ErrorCategory: 1, ErrorType: 401, Retryable: true },
    };
    athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q11a' })
      .resolves({ QueryExecutionId: 'q11b' });
    athena
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q11a' })
      .resolves(execution('q11a', 'FAILED', systemError));
    athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'q11b' }).resolves(execution('q11b', 'SUCCEEDED'));
    const { client, sleeps } = queryClient();
    expect((await client.execute(statement)).queryExecutionId).toBe('q11b');
    expect(athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.ClientRequestToken)).toEqual([
      'token-1',
      'token-2',
    ]);
    expect(sleeps).toEqual([1000]);
  });

  it('does not retry a SYSTEM failure that Athena says is not retryable', async () => {
    const systemError = {
      StateChangeReason: 'HIVE_CURSOR_ERROR: Row is not a valid JSON Object',
      AthenaError: { ErrorCategory: 1, ErrorType: 1003, Retryable: false },
    };
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q12' });
    athena.on(GetQueryExecutionCommand).resolves(execution('q12', 'FAILED', systemError));
    const { client, sleeps } = queryClient();
    await expect(client.execute(statement)).rejects.toThrow(
      /HIVE_CURSOR_ERROR[\s\S]*category 1 \(SYSTEM\), type 1003, retryable false/,
    );
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('never retries a failed CTAS, whose attempt may have left files at its location', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q5' });
    athena.on(GetQueryExecutionCommand).resolves(
      execution('q5', 'FAILED', {
        StateChangeReason: 'ICEBERG_COMMIT_ERROR: conflict',
        AthenaError: { ErrorCategory: 1, Retryable: true },
      }),
    );
    const { client } = queryClient();
    await expect(
      client.execute({ sql: 'create table x as select 1', purpose: 'build', retryable: false }),
    ).rejects.toBeInstanceOf(AthenaQueryFailedError);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
  });

  describe('a statement Athena asks to be sent again (VACUUM on a table with many files to remove)', () => {
    const vacuum = {
      sql: 'vacuum stedi.accelerometer_trusted',
      purpose: 'expire snapshots of accelerometer_trusted',
      repeatWhile: { error: 'ICEBERG_VACUUM_MORE_RUNS_NEEDED', maxRuns: 3 },
    };
    // As Athena answers it (reported in dbt-athena#703): a USER error that Athena itself calls not retryable.
    const reason =
      'ICEBERG_VACUUM_MORE_RUNS_NEEDED: Removed 20000 files in this round of vacuum, but there are more files remaining. Please run another VACUUM command to process the remaining files';
    const moreRuns = (id: string) =>
      execution(id, 'FAILED', {
        StateChangeReason: reason,
        AthenaError: { ErrorCategory: 2, ErrorType: 233, Retryable: false, ErrorMessage: reason },
      });

    it('is sent again at once while Athena answers ICEBERG_VACUUM_MORE_RUNS_NEEDED: two such answers, three VACUUMs', async () => {
      athena
        .on(StartQueryExecutionCommand)
        .resolvesOnce({ QueryExecutionId: 'v1' })
        .resolvesOnce({ QueryExecutionId: 'v2' })
        .resolves({ QueryExecutionId: 'v3' });
      athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'v1' }).resolves(moreRuns('v1'));
      athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'v2' }).resolves(moreRuns('v2'));
      athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'v3' }).resolves(execution('v3', 'SUCCEEDED'));
      // No retries allowed: the runs Athena asks for are not retries of a failure.
      const { client, sleeps } = queryClient({ maxRetries: 0 });
      expect((await client.execute(vacuum)).queryExecutionId).toBe('v3');
      const starts = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
      expect(starts.map((s) => s.QueryString)).toEqual([
        'vacuum stedi.accelerometer_trusted',
        'vacuum stedi.accelerometer_trusted',
        'vacuum stedi.accelerometer_trusted',
      ]);
      expect(starts.map((s) => s.ClientRequestToken)).toEqual(['token-1', 'token-2', 'token-3']);
      expect(sleeps).toEqual([]);
    });

    it("fails after its most runs, naming the statement, the table and the runs, with Athena's answer in full", async () => {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'v9' });
      athena.on(GetQueryExecutionCommand).resolves(moreRuns('v9'));
      const { client } = queryClient();
      const error = await client.execute(vacuum).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AthenaMoreRunsNeededError);
      expect((error as Error).message).toContain(
        'expire snapshots of accelerometer_trusted failed: Athena still answered ICEBERG_VACUUM_MORE_RUNS_NEEDED after 3 runs of `vacuum stedi.accelerometer_trusted`',
      );
      expect((error as Error).message).toContain('the next stedi-models run goes on from there');
      expect((error as Error).message).toContain(reason);
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
    });

    it('is not sent again for any other failure, nor is a statement without repeatWhile for this one', async () => {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'v5' });
      athena.on(GetQueryExecutionCommand).resolves(
        execution('v5', 'FAILED', {
          StateChangeReason: 'GENERIC_INTERNAL_ERROR: Path missing in file system location: s3://bucket',
          AthenaError: { ErrorCategory: 2, Retryable: false },
        }),
      );
      const { client } = queryClient();
      await expect(client.execute(vacuum)).rejects.toThrow(/Path missing/);
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
      athena.reset();
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'v6' });
      athena.on(GetQueryExecutionCommand).resolves(moreRuns('v6'));
      await expect(client.execute({ sql: vacuum.sql, purpose: vacuum.purpose })).rejects.toBeInstanceOf(
        AthenaQueryFailedError,
      );
      expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    });
  });

  it('fails at once on a request error that is not transient (invalid request)', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new InvalidRequestException({ message: 'WorkGroup nope is not found', $metadata: {} }));
    const { client, sleeps } = queryClient();
    await expect(client.execute(statement)).rejects.toThrow(
      /WorkGroup nope is not found[\s\S]*Check `workgroup` in profiles.yml/,
    );
    expect(sleeps).toEqual([]);
  });

  it('stops the query in flight with StopQueryExecution when the run is aborted', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q6' });
    athena.on(GetQueryExecutionCommand).resolves(execution('q6', 'RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const controller = new AbortController();
    const { client } = queryClient({
      sleep: async (_ms, signal) => {
        controller.abort();
        if (signal?.aborted) throw new Error('aborted');
      },
    });
    await expect(client.execute(statement, controller.signal)).rejects.toBeInstanceOf(StatementCancelledError);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q6' },
    ]);
  });

  it('stops at once when aborted while waiting to re-check a throttled query, and stops that query', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q13' });
    athena
      .on(GetQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    athena.on(StopQueryExecutionCommand).resolves({});
    const controller = new AbortController();
    const sleeps: number[] = [];
    const { client } = queryClient({ sleep: interruptedSleep(controller, sleeps), retryMaxMs: 30_000 });
    await expect(client.execute(statement, controller.signal)).rejects.toBeInstanceOf(StatementCancelledError);
    expect(sleeps).toEqual([1000]);
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(1);
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q13' },
    ]);
  });

  it('stops at once when aborted while waiting to re-send a throttled start, which started nothing to stop', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const controller = new AbortController();
    const sleeps: number[] = [];
    const { client } = queryClient({ sleep: interruptedSleep(controller, sleeps) });
    await expect(client.execute(statement, controller.signal)).rejects.toBeInstanceOf(StatementCancelledError);
    expect(sleeps).toEqual([1000]);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(0);
  });

  it('refuses a statement longer than Athena accepts before sending it', async () => {
    const { client } = queryClient();
    await expect(client.execute({ sql: `select '${'x'.repeat(262_144)}'`, purpose: 'huge' })).rejects.toThrow(
      /at most 262144/,
    );
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it('never has more queries in flight than its limit', async () => {
    let inFlight = 0;
    let most = 0;
    athena.on(StartQueryExecutionCommand).callsFake(async () => {
      most = Math.max(most, ++inFlight);
      return { QueryExecutionId: 'q' };
    });
    athena.on(GetQueryExecutionCommand).callsFake(async () => {
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return execution('q', 'SUCCEEDED');
    });
    const { client } = queryClient({ maxConcurrentQueries: 2 });
    await Promise.all(Array.from({ length: 6 }, () => client.execute(statement)));
    expect(most).toBe(2);
  });

  it('reads every page of a result, drops the header row and converts values by column type', async () => {
    const columns = [
      { Name: 'email', Type: 'varchar' },
      { Name: 'n', Type: 'bigint' },
      { Name: 'x', Type: 'double' },
      { Name: 'ok', Type: 'boolean' },
      { Name: 'big', Type: 'bigint' },
    ];
    const row = (...values: Array<string | undefined>) => ({
      Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })),
    });
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [row('email', 'n', 'x', 'ok', 'big'), row('a@x', '1', '0.5', 'true', '9007199254740993')],
        },
        NextToken: 't2',
      })
      .resolvesOnce({
        ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row(undefined, '2', undefined, 'false', '3')] },
      });
    const { client } = queryClient();
    expect(await client.fetchRows('q7', 'DML')).toEqual([
      { email: 'a@x', n: 1, x: 0.5, ok: true, big: '9007199254740993' },
      { email: null, n: 2, x: null, ok: false, big: 3 },
    ]);
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      't2',
    ]);
  });
});
