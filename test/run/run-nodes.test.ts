import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/graph/graph.js';
import type { ModelNode } from '../../src/core/nodes.js';
import { runNodes } from '../../src/run/run-nodes.js';
import { modelNode } from '../helpers/node-fixtures.js';

function model(name: string, refs: string[]): ModelNode {
  return modelNode(name, refs, { uniqueId: name });
}

// a -> b -> c, a -> d, e (independent); ids are the names, to keep assertions short.
const fixed = Graph.build(
  [model('a', []), model('b', ['a']), model('c', ['b']), model('d', ['a']), model('e', [])],
  [],
).graph!;

describe('runNodes', () => {
  it('skips the descendants of a failed node and runs the independent ones', async () => {
    const results = await runNodes({
      graph: fixed,
      ids: fixed.order,
      threads: 2,
      work: async (id) => {
        if (id === 'b') throw new Error('b broke');
        return { description: id };
      },
    });
    const status = Object.fromEntries(results.map((r) => [r.name, r.status]));
    expect(status).toEqual({ a: 'success', b: 'error', c: 'skipped', d: 'success', e: 'success' });
    expect(results.find((r) => r.name === 'b')!.message).toBe('b broke');
  });

  it('never runs a node before its parents finish and never more than `threads` at once', async () => {
    const done = new Set<string>();
    let running = 0;
    let peak = 0;
    await runNodes({
      graph: fixed,
      ids: fixed.order,
      threads: 2,
      work: async (id) => {
        for (const parent of fixed.parents.get(id)!) expect(done.has(parent)).toBe(true);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        done.add(id);
        return { description: id };
      },
    });
    expect(done.size).toBe(5);
    expect(peak).toBe(2);
  });

  it('waits for a selected ancestor through an unselected node', async () => {
    const order: string[] = [];
    await runNodes({
      graph: fixed,
      ids: ['a', 'c'],
      threads: 4,
      work: async (id) => {
        await new Promise((r) => setTimeout(r, id === 'a' ? 10 : 0));
        order.push(id);
        return { description: id };
      },
    });
    expect(order).toEqual(['a', 'c']);
  });

  it('runs what waits for a test switched off by its author, and skips what waits for one that could not run', async () => {
    // off -> after_off, missing -> after_missing
    const graph = Graph.build(
      [model('off', []), model('after_off', ['off']), model('missing', []), model('after_missing', ['missing'])],
      [],
    ).graph!;
    const results = await runNodes({
      graph,
      ids: graph.order,
      threads: 2,
      work: async (id) => {
        if (id === 'off') return { status: 'skipped', skip: 'switched_off', description: id, message: 'off by a var' };
        if (id === 'missing')
          return {
            status: 'skipped',
            skip: 'relation_missing',
            description: id,
            message: 'relation s.x does not exist',
          };
        return { description: id };
      },
    });
    const byName = Object.fromEntries(results.map((r) => [r.name, [r.status, r.skip]]));
    expect(byName).toEqual({
      off: ['skipped', 'switched_off'],
      after_off: ['success', undefined],
      missing: ['skipped', 'relation_missing'],
      after_missing: ['skipped', 'upstream'],
    });
    expect(results.find((r) => r.name === 'off')!.message).toBe('off by a var');
  });

  it('says why it skipped a node: an upstream failure, or the run being stopped', async () => {
    const controller = new AbortController();
    const results = await runNodes({
      graph: fixed,
      ids: fixed.order,
      threads: 1,
      signal: controller.signal,
      work: async (id) => {
        if (id === 'a') {
          controller.abort();
          throw new Error('a broke');
        }
        return { description: id };
      },
    });
    const skips = Object.fromEntries(results.filter((r) => r.status === 'skipped').map((r) => [r.name, r.skip]));
    expect(skips).toEqual({ b: 'upstream', c: 'upstream', d: 'upstream', e: 'interrupted' });
  });
});
