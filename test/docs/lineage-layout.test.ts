import { describe, expect, it } from 'vitest';
import { laneOrder, layoutLineage, type NodeBox } from '../../src/docs/lineage-layout.js';
import { buildSiteData } from '../../src/docs/site-data.js';
import { STEDI_SHAPE, docsInput } from './site-fixtures.js';

const site = buildSiteData(docsInput([...STEDI_SHAPE, { id: 'seed.stedi.reference_row_counts', kind: 'seed' }]));
const layout = layoutLineage(site);
const box = (name: string) => layout.nodes.find((b) => b.id.endsWith(`.${name}`))!;
/** The first and last point of an SVG path. */
const ends = (d: string): [{ x: number; y: number }, { x: number; y: number }] => {
  const numbers = [...d.matchAll(/(-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]) }));
  return [numbers[0]!, numbers.at(-1)!];
};
const overlaps = (a: NodeBox, b: NodeBox) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('the lineage layout', () => {
  it('orders zones as data flows, with seeds no model reads in a band below the flow, not a lane after curated', () => {
    expect(laneOrder(site)).toEqual(['landing', 'trusted', 'curated', 'seeds']);
    expect(layout.lanes.map((l) => [l.zone, l.aside])).toEqual([
      ['landing', false],
      ['trusted', false],
      ['curated', false],
      ['seeds', true],
    ]);
    const seeds = layout.lanes[3]!;
    for (const lane of layout.lanes.slice(0, 3)) expect(seeds.y).toBeGreaterThanOrEqual(lane.y + lane.height);
    expect(seeds).toMatchObject({ x: 0, width: layout.width });
    expect(seeds.y + seeds.height).toBe(layout.height);
  });

  it('puts every relation inside the lane of its zone, flow lanes left to right without overlapping', () => {
    for (const node of site.nodes) {
      const b = box(node.name);
      const lane = layout.lanes.find((l) => l.zone === node.zone)!;
      expect(b.x, node.name).toBeGreaterThanOrEqual(lane.x);
      expect(b.x + b.width, node.name).toBeLessThanOrEqual(lane.x + lane.width);
      expect(b.y, node.name).toBeGreaterThanOrEqual(lane.y + (lane.aside ? 32 : layout.laneHeaderHeight));
      expect(b.y + b.height, node.name).toBeLessThanOrEqual(lane.y + lane.height);
    }
    const flow = layout.lanes.filter((l) => !l.aside);
    flow.slice(1).forEach((lane, k) => expect(lane.x).toBeCloseTo(flow[k]!.x + flow[k]!.width));
  });

  it('lines up the boxes of one column of a lane: same left edge, same width', () => {
    const columns = [
      ['customer_landing', 'accelerometer_landing', 'step_trainer_landing'],
      ['accelerometer_trusted', 'step_trainer_trusted'],
      ['customer_curated', 'machine_learning_curated'],
    ];
    for (const names of columns) {
      const boxes = names.map(box);
      for (const b of boxes.slice(1)) expect([b.x, b.width], b.id).toEqual([boxes[0]!.x, boxes[0]!.width]);
    }
  });

  it('never draws two boxes on top of each other', () => {
    for (const a of layout.nodes)
      for (const b of layout.nodes) if (a !== b) expect(overlaps(a, b), `${a.id} / ${b.id}`).toBe(false);
  });

  it('draws every edge, and the one that reads a later zone as backward, from its reader', () => {
    expect(layout.edges).toHaveLength(site.edges.length);
    const backward = layout.edges.filter((e) => e.backward);
    expect(backward.map((e) => `${e.from} -> ${e.to}`)).toEqual([
      'model.stedi.customer_curated -> model.stedi.step_trainer_trusted',
    ]);
    for (const e of layout.edges) expect(e.d, `${e.from} -> ${e.to}`).toMatch(/^M[\d.-]+,[\d.-]+ .+/);
    // Its path starts at the reader's right side (the arrow head is drawn there) and ends on customer_curated's left.
    const [start, end] = ends(backward[0]!.d);
    const reader = box('step_trainer_trusted');
    const read = box('customer_curated');
    expect(start.x).toBeCloseTo(reader.x + reader.width);
    expect(end.x).toBeCloseTo(read.x);
  });

  it('gives every edge its own ends: no two edges meet a box at one point', () => {
    const points = layout.edges.flatMap((e) => ends(e.d).map((p) => ({ ...p, edge: `${e.from} -> ${e.to}` })));
    for (const [i, a] of points.entries())
      for (const b of points.slice(i + 1))
        if (a.edge !== b.edge) expect(Math.hypot(a.x - b.x, a.y - b.y), `${a.edge} / ${b.edge}`).toBeGreaterThan(10);
  });

  it("keeps a lane's dependent relations to the right of what they read", () => {
    expect(box('accelerometer_trusted').x).toBeGreaterThan(box('customer_trusted').x + box('customer_trusted').width);
  });

  it('lays out an empty project without failing', () => {
    expect(layoutLineage(buildSiteData(docsInput([])))).toMatchObject({ lanes: [], nodes: [], edges: [] });
  });
});
