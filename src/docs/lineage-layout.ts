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

/**
 * A zone's lane. Zones in the flow are columns, left to right. A zone no model reads or writes (seeds that only
 * tests read) is a band `aside` the flow, below it: a lane after curated would read as a step after curated.
 */
export interface Lane {
  zone: string;
  x: number;
  y: number;
  width: number;
  height: number;
  aside: boolean;
}

/**
 * An edge as an SVG path. `backward` edges read from a later lane: the path then runs from the reader (`to`) to
 * what it reads (`from`), left to right like every other path, and its arrow head is at its start.
 */
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
/** An aside band: its header strip, and the gap between its boxes. */
const BAND_HEADER = 40;
const BAND_GAP = 24;
/** Where an edge leaves or enters a box: straight out of its side for this far, so arrow heads sit square. */
const STUB = 10;

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

/** A smooth path through the given points. */
function smoothPath(points: ReadonlyArray<Point>): string {
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

/** An edge as dagre routed it, from its `left` box to its `right` one (a backward edge's reader is on the left). */
interface Routed {
  edge: { from: string; to: string };
  left: string;
  right: string;
  points: Point[];
}

/**
 * Moves each edge's ends onto the sides of its boxes: it leaves the right side of its left box and enters the left
 * side of its right box. Where several edges meet one side they get a point each, spread down the side in the
 * order of where they go, so no two edges share an end (a backward edge and a forward one leaving the same box
 * would otherwise meet in one point and read as a single two-headed arrow).
 */
function attachToSides(routed: readonly Routed[], boxes: ReadonlyMap<string, NodeBox>): Map<Routed, Point[]> {
  const ends = new Map<string, Array<{ r: Routed; towards: number }>>();
  const add = (key: string, r: Routed, towards: number) => ends.set(key, [...(ends.get(key) ?? []), { r, towards }]);
  for (const r of routed) {
    add(`${r.left}|right`, r, r.points[1]?.y ?? boxes.get(r.right)!.y);
    add(`${r.right}|left`, r, r.points.at(-2)?.y ?? boxes.get(r.left)!.y);
  }
  const portY = new Map<string, number>();
  for (const [key, list] of ends) {
    const box = boxes.get(key.split('|')[0]!)!;
    list.sort((a, b) => a.towards - b.towards);
    list.forEach(({ r }, i) =>
      portY.set(`${key}|${routed.indexOf(r)}`, box.y + (box.height * (i + 1)) / (list.length + 1)),
    );
  }
  return new Map(
    routed.map((r, k) => {
      const from = boxes.get(r.left)!;
      const to = boxes.get(r.right)!;
      const start = { x: from.x + from.width, y: portY.get(`${r.left}|right|${k}`)! };
      const end = { x: to.x, y: portY.get(`${r.right}|left|${k}`)! };
      const inner = r.points.slice(1, -1);
      return [r, [start, { x: start.x + STUB, y: start.y }, ...inner, { x: end.x - STUB, y: end.y }, end]];
    }),
  );
}

/** Boxes of the aside zones, a row per zone below the flow, and their bands. */
function asideBands(
  site: SiteData,
  zones: readonly string[],
  top: number,
): { lanes: Lane[]; nodes: NodeBox[]; width: number } {
  const lanes: Lane[] = [];
  const nodes: NodeBox[] = [];
  let y = top;
  let width = 0;
  for (const zone of zones) {
    let x = MARGIN + LANE_PADDING;
    for (const n of site.nodes.filter((m) => m.zone === zone)) {
      const w = nodeWidth(n.name);
      nodes.push({ id: n.id, x, y: y + BAND_HEADER + MARGIN, width: w, height: NODE_HEIGHT });
      x += w + BAND_GAP;
    }
    const height = BAND_HEADER + MARGIN * 2 + NODE_HEIGHT;
    lanes.push({ zone, x: 0, y, width: 0, height, aside: true });
    width = Math.max(width, x - BAND_GAP + LANE_PADDING);
    y += height;
  }
  return { lanes, nodes, width };
}

/**
 * Lays out the lineage with dagre, left to right, with zones as lanes. Dagre orders the nodes of each column to
 * cross few edges, places them and routes the edges; the columns themselves are fixed beforehand (layerNodes) so
 * that each zone keeps its own lane, and every box of a column gets the column's widest width so a lane's boxes
 * line up. An edge that reads from a later zone (STEDI's step_trainer_trusted reads customer_curated) cannot
 * point right: dagre routes it reversed, around the boxes, and it is drawn dashed with its arrow at the reader.
 * Zones no edge touches are laid out below the flow (asideBands).
 */
export function layoutLineage(site: SiteData): LineageLayout {
  const connected = new Set(site.nodes.filter((n) => n.parents.length > 0 || n.children.length > 0).map((n) => n.zone));
  const order = laneOrder(site);
  const flowZones = order.filter((z) => connected.has(z));
  const asideZones = order.filter((z) => !connected.has(z));
  const inFlow = site.nodes.filter((n) => connected.has(n.zone));
  const flowSite = { ...site, nodes: inFlow };
  const laneOf = new Map(inFlow.map((n) => [n.id, flowZones.indexOf(n.zone)]));
  const layers = layerNodes(flowSite, flowZones);
  const columnWidth = new Map<number, number>();
  for (const n of inFlow)
    columnWidth.set(layers.get(n.id)!, Math.max(columnWidth.get(layers.get(n.id)!) ?? 0, nodeWidth(n.name)));
  const g = new dagre.graphlib.Graph();
  // ranker 'none' keeps the preset ranks; dagre doubles ranks internally to make room for edge labels.
  g.setGraph({ rankdir: 'LR', ranker: 'none', nodesep: 24, ranksep: 56, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of inFlow)
    g.setNode(n.id, { width: columnWidth.get(layers.get(n.id)!)!, height: NODE_HEIGHT, rank: 2 * layers.get(n.id)! });
  const isBackward = (e: { from: string; to: string }) => laneOf.get(e.from)! > laneOf.get(e.to)!;
  const routedEdges = site.edges.map((edge) =>
    isBackward(edge) ? { edge, left: edge.to, right: edge.from } : { edge, left: edge.from, right: edge.to },
  );
  for (const r of routedEdges) g.setEdge(r.left, r.right);
  dagre.layout(g);

  const nodes: NodeBox[] = inFlow.map((n) => {
    const { x = 0, y = 0, width, height } = g.node(n.id);
    return { id: n.id, x: x - width / 2, y: y - height / 2 + HEADER, width, height };
  });
  const flowHeight = Math.ceil((g.graph().height ?? 0) + HEADER);
  const aside = asideBands(site, asideZones, flowHeight);
  const boxes = new Map([...nodes, ...aside.nodes].map((b) => [b.id, b]));
  const routed: Routed[] = routedEdges.map((r) => ({
    ...r,
    points: ((g.edge(r.left, r.right) as EdgeLabel | undefined)?.points ?? []).map((p: Point) => ({
      x: p.x,
      y: p.y + HEADER,
    })),
  }));
  const attached = attachToSides(routed, boxes);

  const width = Math.ceil(
    Math.max((g.graph().width ?? 0) + MARGIN, aside.width, ...nodes.map((b) => b.x + b.width + LANE_PADDING)),
  );
  const spans = flowZones.map((_, k) => {
    const members = nodes.filter((b) => laneOf.get(b.id) === k);
    return { left: Math.min(...members.map((b) => b.x)), right: Math.max(...members.map((b) => b.x + b.width)) };
  });
  // Lanes meet halfway between the last box of one zone and the first of the next, so they tile the width.
  const flowLanes: Lane[] = spans.map((s, k) => {
    const left = k === 0 ? 0 : (spans[k - 1]!.right + s.left) / 2;
    const right = k === spans.length - 1 ? width : (s.right + spans[k + 1]!.left) / 2;
    return { zone: flowZones[k]!, x: left, y: 0, width: right - left, height: flowHeight, aside: false };
  });
  const edges: EdgePath[] = routed.map((r) => ({
    ...r.edge,
    backward: isBackward(r.edge),
    d: smoothPath(attached.get(r)!),
  }));
  return {
    width,
    height: flowHeight + aside.lanes.reduce((sum, l) => sum + l.height, 0),
    laneHeaderHeight: HEADER,
    lanes: [...flowLanes, ...aside.lanes.map((l) => ({ ...l, width }))],
    nodes: [...nodes, ...aside.nodes],
    edges,
  };
}
