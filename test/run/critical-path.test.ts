import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/graph/graph.js';
import type { ModelNode } from '../../src/core/nodes.js';
import { runNodes } from '../../src/run/run-nodes.js';
import { modelNode } from '../helpers/node-fixtures.js';

/** A clock that only moves when every running query waits on it: wall time measured without waiting. */
class VirtualClock {
  now = 0;
  private timers: Array<{ at: number; wake: () => void }> = [];

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.timers.push({ at: this.now + ms, wake }));
  }

  /** Drives time forward until the work settles: whenever nothing can progress, jump to the next wake-up. */
  async drive<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    void work.finally(() => (settled = true));
    while (!settled) {
      await new Promise((r) => setImmediate(r));
      if (settled || this.timers.length === 0) continue;
      const next = Math.min(...this.timers.map((t) => t.at));
      this.now = next;
      const due = this.timers.filter((t) => t.at === next);
      this.timers = this.timers.filter((t) => t.at !== next);
      for (const t of due) t.wake();
    }
    return work;
  }
}

function model(name: string, refs: string[]): ModelNode {
  return modelNode(name, refs, { uniqueId: name });
}

/** The STEDI DAG, with the landing sources as models so that every node is a query. */
const STEDI = Graph.build(
  [
    model('customer_landing', []),
    model('accelerometer_landing', []),
    model('step_trainer_landing', []),
    model('customer_trusted', ['customer_landing']),
    model('accelerometer_trusted', ['accelerometer_landing', 'customer_trusted']),
    model('customer_curated', ['customer_trusted', 'accelerometer_trusted']),
    model('step_trainer_trusted', ['step_trainer_landing', 'customer_curated']),
    model('machine_learning_curated', ['step_trainer_trusted', 'accelerometer_trusted']),
  ],
  [],
).graph!;

/** 200 models: 10 independent chains of 20, each chain fanning in to one final model (201 in all). */
const WIDE = Graph.build(
  [
    ...Array.from({ length: 10 }, (_, c) =>
      Array.from({ length: 20 }, (_, i) => model(`c${c}_m${i}`, i === 0 ? [] : [`c${c}_m${i - 1}`])),
    ).flat(),
    model(
      'fan_in',
      Array.from({ length: 10 }, (_, c) => `c${c}_m19`),
    ),
  ],
  [],
).graph!;

/** The longest path through the DAG, in nodes: no schedule can beat it. */
function criticalPathLength(graph: Graph): number {
  const depth = new Map<string, number>();
  for (const id of graph.order)
    depth.set(id, 1 + Math.max(0, ...[...graph.parents.get(id)!].map((p) => depth.get(p)!)));
  return Math.max(...depth.values());
}

async function virtualWallTime(graph: Graph, threads: number, latency: number): Promise<number> {
  const clock = new VirtualClock();
  let running = 0;
  let peak = 0;
  await clock.drive(
    runNodes({
      graph,
      ids: graph.order,
      threads,
      now: () => clock.now,
      work: async (id) => {
        peak = Math.max(peak, ++running);
        await clock.sleep(latency);
        running--;
        return { description: id };
      },
    }),
  );
  expect(peak).toBeLessThanOrEqual(threads);
  return clock.now;
}

describe('concurrent execution', () => {
  const latency = 100;
  it('takes the critical path of the STEDI DAG, not the sum of its models, with enough threads', async () => {
    expect(criticalPathLength(STEDI)).toBe(6);
    expect(await virtualWallTime(STEDI, 16, latency)).toBe(6 * latency);
    expect(await virtualWallTime(STEDI, 4, latency)).toBe(6 * latency);
    expect(await virtualWallTime(STEDI, 1, latency)).toBe(8 * latency);
  });

  it('scales a 200-model DAG with the threads until the critical path bounds it', async () => {
    expect(criticalPathLength(WIDE)).toBe(21);
    expect(await virtualWallTime(WIDE, 1, latency)).toBe(201 * latency);
    expect(await virtualWallTime(WIDE, 16, latency)).toBe(21 * latency);
    const four = await virtualWallTime(WIDE, 4, latency);
    expect(four).toBeGreaterThanOrEqual(Math.ceil(201 / 4) * latency);
    expect(four).toBeLessThan(201 * latency);
  });

  it('starts the ready node with the longest chain of dependents first, so the critical path never waits for a free thread', async () => {
    // Two threads; every node takes 100 except accelerometer_landing (150). When customer_landing is done, both
    // customer_trusted (4 nodes after it) and step_trainer_landing (2 after it) are ready and one thread is free:
    // taking them in DAG order would start step_trainer_landing and leave customer_trusted waiting until 150 (650 in all).
    const clock = new VirtualClock();
    const startedAt = new Map<string, number>();
    await clock.drive(
      runNodes({
        graph: STEDI,
        ids: STEDI.order,
        threads: 2,
        now: () => clock.now,
        work: async (id) => {
          startedAt.set(id, clock.now);
          await clock.sleep(id === 'accelerometer_landing' ? 150 : latency);
          return { description: id };
        },
      }),
    );
    expect(startedAt.get('customer_trusted')).toBe(100);
    expect(startedAt.get('step_trainer_landing')).toBeGreaterThan(100);
    expect(clock.now).toBe(600);
  });
});
