import {
  AthenaClient,
  AthenaServiceException,
  GetTableMetadataCommand,
  ListTableMetadataCommand,
  MetadataException,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AthenaAdapter } from '../../src/adapters/athena/athena-adapter.js';
import { AthenaRetriesExhaustedError } from '../../src/adapters/athena/athena-errors.js';
import { athenaTestTarget } from './athena-test-target.js';

const athena = mockClient(AthenaClient);
afterEach(() => athena.reset());

const target = athenaTestTarget({ max_retries: 3 });

function adapter(): { adapter: AthenaAdapter; sleeps: number[] } {
  const sleeps: number[] = [];
  return { adapter: AthenaAdapter.open(target, { sleep: async (ms) => void sleeps.push(ms) }), sleeps };
}

const throttled = () => new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
const unavailable = () =>
  new AthenaServiceException({
    name: 'ServiceUnavailable',
    $fault: 'server',
    message: 'Service Unavailable',
    $metadata: { httpStatusCode: 503 },
  });

// The catalog calls are sent for every node (what exists, its columns): one throttle or 5xx must not fail a node.
describe('Glue catalog calls through Athena, under the retry policy of every AWS call', () => {
  it('re-sends a throttled GetTableMetadata and reads the columns', async () => {
    athena
      .on(GetTableMetadataCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(unavailable())
      .resolves({ TableMetadata: { Name: 'r', Columns: [{ Name: 'email', Type: 'string' }] } });
    const { adapter: a, sleeps } = adapter();
    expect(await a.listColumns({ schema: 'stedi', identifier: 'r' })).toEqual([{ name: 'email', type: 'string' }]);
    expect(athena.commandCalls(GetTableMetadataCommand)).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it('re-sends a ListTableMetadata page lost to a connection reset, with the same page token', async () => {
    athena
      .on(ListTableMetadataCommand)
      .resolvesOnce({ TableMetadataList: [{ Name: 'a', TableType: 'EXTERNAL_TABLE' }], NextToken: 'page-2' })
      .rejectsOnce(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .resolves({ TableMetadataList: [{ Name: 'b', TableType: 'VIRTUAL_VIEW' }] });
    const { adapter: a } = adapter();
    expect([...(await a.listRelations('stedi'))]).toEqual([
      ['a', 'table'],
      ['b', 'view'],
    ]);
    expect(athena.commandCalls(ListTableMetadataCommand).map((c) => c.args[0].input.NextToken)).toEqual([
      undefined,
      'page-2',
      'page-2',
    ]);
  });

  it('still reads a missing table as no columns, without retrying', async () => {
    athena.on(GetTableMetadataCommand).rejects(new MetadataException({ message: 'Table r not found', $metadata: {} }));
    const { adapter: a, sleeps } = adapter();
    expect(await a.listColumns({ schema: 'stedi', identifier: 'r' })).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  it('gives up after max_retries with the hint to lower --threads', async () => {
    athena.on(ListTableMetadataCommand).rejects(throttled());
    const { adapter: a, sleeps } = adapter();
    const error = await a.listRelations('stedi').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AthenaRetriesExhaustedError);
    expect((error as Error).message).toMatch(/listing the tables of stedi was refused 4 times.*Lower --threads/);
    expect(sleeps).toHaveLength(3);
  });
});
