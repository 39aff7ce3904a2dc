// A test engine for the concurrency benchmark: every query takes a fixed time (a timer, no network, no CPU) and
// does nothing else, so a run's wall time is the scheduler's doing. Implements src/adapters/adapter.ts's Adapter.
import { setTimeout as sleep } from 'node:timers/promises';
import { duckDbDialect } from '../../dist/adapters/duckdb/duckdb-dialect.js';

/** An Adapter whose every query waits `latencyMs`; it records how long each caller's queries took. */
export class LatencyAdapter {
  type = 'latency';
  capabilities = { transactionalDdl: true, externalSources: 'loaded-table', renameTable: true };
  dialect = duckDbDialect;

  constructor(latencyMs) {
    this.latencyMs = latencyMs;
    this.queries = 0;
  }

  /** The same engine seen by one node: counts that node's queries and the time they took. */
  forNode(account) {
    const wait = async () => {
      const start = performance.now();
      await sleep(this.latencyMs);
      this.queries++;
      account.queries++;
      account.engineMs += performance.now() - start;
    };
    return {
      type: this.type,
      capabilities: this.capabilities,
      dialect: this.dialect,
      listRelations: async () => (await wait(), new Map()),
      listColumns: async () => (await wait(), []),
      executePlan: async (statements) => {
        const results = [];
        for (const s of statements) {
          await wait();
          results.push(s.returnsRecords ? { records: [] } : s.reportsRows ? { rows: 0 } : {});
        }
        return results;
      },
      query: async () => (await wait(), []),
      describe: async () => ({ engine: 'latency', latency_ms: String(this.latencyMs) }),
      close: async () => undefined,
    };
  }
}
