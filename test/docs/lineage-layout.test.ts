import { describe, expect, it } from 'vitest';
import { laneOrder, layoutLineage, type NodeBox } from '../../src/docs/lineage-layout.js';
import { buildSiteData } from '../../src/docs/site-data.js';
import { STEDI_SHAPE, docsInput } from './site-fixtures.js';

const site = buildSiteData(docsInput([...STEDI_SHAPE, { id: 'seed.stedi.reference_row_counts', kind: 'seed' }]));
const layout = layoutLineage(site);
const box = (name: string) => layout.nodes.find((b) => b.id.endsWith(`.${name}`))!;
const overlaps = (a: NodeBox, b: NodeBox) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('the lineage layout', () => {
  it('orders zones as data flows, with unconnected seeds last', () => {
    expect(laneOrder(site)).toEqual(['landing', 'trusted', 'curated', 'seeds']);
    expect(layout.lanes.map((l) => l.zone)).toEqual(['landing', 'trusted', 'curated', 'seeds']);
  });

  it('puts every relation inside the lane of its zone, lanes left to right without overlapping', () => {
    for (const node of site.nodes) {
      const b = box(node.name);
      const lane = layout.lanes.find((l) => l.zone === node.zone)!;
      expect(b.x, node.name).toBeGreaterThanOrEqual(lane.x);
      expect(b.x + b.width, node.name).toBeLessThanOrEqual(lane.x + lane.width);
      expect(b.y, node.name).toBeGreaterThanOrEqual(layout.laneHeaderHeight);
    }
    layout.lanes.slice(1).forEach((lane, k) => expect(lane.x).toBeCloseTo(layout.lanes[k]!.x + layout.lanes[k]!.width));
  });

  it('never draws two boxes on top of each other', () => {
    for (const a of layout.nodes) for (const b of layout.nodes) if (a !== b) expect(overlaps(a, b), `${a.id} / ${b.id}`).toBe(false);
  });

  it('draws every edge, and the one that reads a later zone as backward', () => {
    expect(layout.edges).toHaveLength(site.edges.length);
    const backward = layout.edges.filter((e) => e.backward).map((e) => `${e.from} -> ${e.to}`);
    expect(backward).toEqual(['model.stedi.customer_curated -> model.stedi.step_trainer_trusted']);
    for (const e of layout.edges) expect(e.d, `${e.from} -> ${e.to}`).toMatch(/^M[\d.-]+,[\d.-]+ .+/);
  });

  it('keeps a lane\'s dependent relations to the right of what they read', () => {
    expect(box('accelerometer_trusted').x).toBeGreaterThan(box('customer_trusted').x + box('customer_trusted').width);
  });

  it('lays out an empty project without failing', () => {
    expect(layoutLineage(buildSiteData(docsInput([])))).toMatchObject({ lanes: [], nodes: [], edges: [] });
  });
});
