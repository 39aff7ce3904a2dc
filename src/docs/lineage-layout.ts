import dagre, { type EdgeLabel, type Point } from '@dagrejs/dagre';
import type { SiteData } from './site-data.js';

/** A node's box in the lineage drawing (x, y: top-left corner). */
export interface NodeBox {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A zone's lane: a column of the drawing. */
export interface Lane {
  zone: string;
  x: number;
  width: number;
}

/** An edge as an SVG path; `backward` edges read from a later lane (drawn dashed, right to left). */
export interface EdgePath {
  from: string;
  to: string;
  d: string;
  backward: boolean;
}

/** The whole lineage drawing, in SVG user units. */
export interface LineageLayout {
  width: number;
  height: number;
  laneHeaderHeight: number;
  lanes: Lane[];
  nodes: NodeBox[];
  edges: EdgePath[];
}

const NODE_HEIGHT = 56;
const HEADER = 60;
const LANE_PADDING = 28;
const MARGIN = 16;

/** Box width for a name at the drawing's 13px font, so long model names are not clipped. */
export function nodeWidth(name: string): number {
  return Math.max(170, Math.ceil(name.length * 8) + 52);
}

/** Longest path from a root, per node: how far down the pipeline a node sits. */
function depths(site: SiteData, parentsOf: (id: string) => readonly string[]): Map<string, number> {
  const depth = new Map<string, number>();
  const visit = (id: string, seen: Set<string>): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a built graph has no cycle; guard anyway so docs can never hang
    seen.add(id);
    const parents = parentsOf(id);
    const d = parents.length === 0 ? 0 : Math.max(...parents.map((p) => visit(p, seen) + 1));
    depth.set(id, d);
    return d;
  };
  for (const n of site.nodes) visit(n.id, new Set());
  return depth;
}

/**
 * Zones ordered as data flows: by the shallowest node in each, so landing comes before trusted before curated.
 * A zone whose relations are all unconnected (seeds that only tests read) goes last, out of the flow's way.
 */
export function laneOrder(site: SiteData): string[] {
  const byId = new Map(site.nodes.map((n) => [n.id, n]));
  const depth = depths(site, (id) => byId.get(id)?.parents ?? []);
  const first = new Map<string, number>();
  const connected = new Set<string>();
  for (const n of site.nodes) {
    first.set(n.zone, Math.min(first.get(n.zone) ?? Infinity, depth.get(n.id)!));
    if (n.parents.length > 0 || n.children.length > 0) connected.add(n.zone);
  }
  const rank = (zone: string) => (connected.has(zone) ? 0 : 1);
  return [...first.keys()].sort((a, b) => rank(a) - rank(b) || first.get(a)! - first.get(b)! || a.localeCompare(b));
}

/**
 * The column of each node: lanes in order, and inside a lane the longest path over edges within the lane. Every
 * edge between lanes in flow order then points right, and no lane shares a column with another.
 */
export function layerNodes(site: SiteData, lanes: readonly string[]): Map<string, number> {
  const byId = new Map(site.nodes.map((n) => [n.id, n]));
  const inLane = (id: string) => byId.get(id)?.zone;
  const within = depths(site, (id) => (byId.get(id)?.parents ?? []).filter((p) => inLane(p) === inLane(id)));
  const layers = new Map<string, number>();
  let start = 0;
  for (const zone of lanes) {
    const members = site.nodes.filter((n) => n.zone === zone);
    for (const n of members) layers.set(n.id, start + within.get(n.id)!);
    start += Math.max(0, ...members.map((n) => within.get(n.id)!)) + 1;
  }
  return layers;
}

/** A smooth path through dagre's edge points. */
function smoothPath(points: ReadonlyArray<{ x: number; y: number }>): string {
  const [start, ...rest] = points;
  if (!start) return '';
  let d = `M${start.x.toFixed(1)},${start.y.toFixed(1)}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i]!;
    const q = rest[i + 1]!;
    d += ` Q${p.x.toFixed(1)},${p.y.toFixed(1)} ${((p.x + q.x) / 2).toFixed(1)},${((p.y + q.y) / 2).toFixed(1)}`;
  }
  const end = rest.at(-1) ?? start;
  return `${d} L${end.x.toFixed(1)},${end.y.toFixed(1)}`;
}

/** From the left side of `from` back to the right side of `to`, for an edge against the lane order. */
function backwardPath(from: NodeBox, to: NodeBox): string {
  const sx = from.x;
  const sy = from.y + from.height / 2;
  const tx = to.x + to.width;
  const ty = to.y + to.height / 2;
  const bend = Math.max(40, (sx - tx) / 2);
  return `M${sx},${sy} C${sx - bend},${sy} ${tx + bend},${ty} ${tx},${ty}`;
}

/**
 * Lays out the lineage with dagre, left to right, with zones as lanes. Dagre orders the nodes of each column to
 * cross few edges, places them and routes the edges; the columns themselves are fixed beforehand (layerNodes) so
 * that each zone keeps its own lane. An edge that reads from a later zone (STEDI's step_trainer_trusted reads
 * customer_curated) cannot point right, so it is left out of dagre and drawn dashed, right to left.
 */
export function layoutLineage(site: SiteData): LineageLayout {
  const lanes = laneOrder(site);
  const laneOf = new Map(site.nodes.map((n) => [n.id, lanes.indexOf(n.zone)]));
  const layers = layerNodes(site, lanes);
  const g = new dagre.graphlib.Graph();
  // ranker 'none' keeps the preset ranks; dagre doubles ranks internally to make room for edge labels.
  g.setGraph({ rankdir: 'LR', ranker: 'none', nodesep: 20, ranksep: 44, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of site.nodes) g.setNode(n.id, { width: nodeWidth(n.name), height: NODE_HEIGHT, rank: 2 * layers.get(n.id)! });
  const forward = site.edges.filter((e) => laneOf.get(e.from)! <= laneOf.get(e.to)!);
  for (const e of forward) g.setEdge(e.from, e.to);
  dagre.layout(g);

  const nodes: NodeBox[] = site.nodes.map((n) => {
    const { x = 0, y = 0, width, height } = g.node(n.id);
    return { id: n.id, x: x - width / 2, y: y - height / 2 + HEADER, width, height };
  });
  const boxes = new Map(nodes.map((b) => [b.id, b]));
  const spans = lanes.map((_, k) => {
    const members = nodes.filter((b) => laneOf.get(b.id) === k);
    return { left: Math.min(...members.map((b) => b.x)), right: Math.max(...members.map((b) => b.x + b.width)) };
  });
  const graphWidth = (g.graph().width ?? 0) + MARGIN;
  // Lanes meet halfway between the last box of one zone and the first of the next, so they tile the width.
  const bounds = spans.map((s, k) => ({
    left: k === 0 ? 0 : (spans[k - 1]!.right + s.left) / 2,
    right: k === spans.length - 1 ? Math.max(graphWidth, s.right + LANE_PADDING) : (s.right + spans[k + 1]!.left) / 2,
  }));
  const edges: EdgePath[] = site.edges.map((e) => {
    const backward = laneOf.get(e.from)! > laneOf.get(e.to)!;
    if (backward) return { ...e, backward, d: backwardPath(boxes.get(e.from)!, boxes.get(e.to)!) };
    const label: EdgeLabel | undefined = g.edge(e.from, e.to);
    const points = (label?.points ?? []).map((p: Point) => ({ x: p.x, y: p.y + HEADER }));
    return { ...e, backward, d: smoothPath(points) };
  });
  return {
    width: Math.ceil(bounds.at(-1)?.right ?? graphWidth),
    height: Math.ceil((g.graph().height ?? 0) + HEADER),
    laneHeaderHeight: HEADER,
    lanes: lanes.map((zone, k) => ({ zone, x: bounds[k]!.left, width: bounds[k]!.right - bounds[k]!.left })),
    nodes,
    edges,
  };
}
