import {
  AthenaClient,
  GetQueryExecutionCommand,
  StartQueryExecutionCommand,
  type StatementType,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AthenaAdapter } from '../../src/adapters/athena/athena-adapter.js';
import { AthenaQueryCancelledError } from '../../src/adapters/athena/athena-errors.js';
import { athenaTestTarget } from './athena-test-target.js';

const athena = mockClient(AthenaClient);
const MB = 1024 ** 2;
const statement = { sql: 'insert into "stedi"."t" select 1', purpose: 'insert the new rows into t' };

function cancelled(reason: string | undefined, scanned: number) {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
  athena.on(GetQueryExecutionCommand).resolves({
    QueryExecution: {
      QueryExecutionId: 'q1',
      StatementType: 'DML' as StatementType,
      Status: { State: 'CANCELLED', StateChangeReason: reason },
      Statistics: { DataScannedInBytes: scanned, EngineExecutionTimeInMillis: 1_800_000, QueryQueueTimeInMillis: 3 },
    },
  });
}

/** Runs the statement through a metered adapter and returns the error and what was measured. */
async function runMetered() {
  const measured: Array<Record<string, number>> = [];
  const adapter = AthenaAdapter.open(athenaTestTarget(), { client: new AthenaClient({ region: 'us-east-1' }) });
  const error = await adapter
    .metered((stats) => measured.push(stats))
    .executePlan([statement])
    .catch((e: unknown) => e);
  return { error, measured };
}

beforeEach(() => athena.reset());

describe('queries Athena cancelled', () => {
  it('counts what a cancelled query scanned in the cost report', async () => {
    cancelled('Query cancelled by user', 2500 * MB + 1);
    const { error, measured } = await runMetered();
    expect(error).toBeInstanceOf(AthenaQueryCancelledError);
    expect(measured).toEqual([
      expect.objectContaining({
        queries: 1,
        cancelled_queries: 1,
        bytes_scanned: 2500 * MB + 1,
        bytes_billed: 2501 * MB,
        cost_usd: ((2501 * MB) / 1024 ** 4) * 5,
      }),
    ]);
    expect((error as Error).message).toContain('was cancelled outside stedi-models');
    expect((error as Error).message).toContain('Query cancelled by user');
  });

  it('bills nothing for a cancelled query that scanned nothing', async () => {
    cancelled(undefined, 0);
    const { measured } = await runMetered();
    expect(measured).toEqual([expect.objectContaining({ bytes_billed: 0, cost_usd: 0, cancelled_queries: 1 })]);
  });

  it("names Athena's own DML timeout as such, with advice, rather than as a cancellation by someone", async () => {
    cancelled('Query exceeded the maximum allowed time of 30 minutes (Query timeout)', 40 * MB);
    const { error, measured } = await runMetered();
    expect(error).toBeInstanceOf(AthenaQueryCancelledError);
    expect((error as AthenaQueryCancelledError).timedOut).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('Athena stopped query q1 at its time limit');
    expect(message).toContain('DML query timeout');
    expect(message).not.toContain('outside stedi-models');
    expect(measured[0]).toMatchObject({ bytes_billed: 40 * MB });
  });
});
