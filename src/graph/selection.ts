import { ProjectError } from '../errors.js';
import { didYouMean } from '../core/did-you-mean.js';
import type { Graph } from './graph.js';
import type { Node } from '../core/nodes.js';
import type { PreviousState } from './state.js';
import {
  combinePicked,
  expandToTests,
  setOperations,
  type IndirectSelection,
  type Picked,
} from './indirect-selection.js';

/** A `--select` / `--exclude` expression cannot be understood. */
export class SelectorError extends ProjectError {}

const METHODS = [
  'tag',
  'path',
  'source',
  'resource_type',
  'fqn',
  'test_type',
  'test_name',
  'state',
  'result',
  'unique_id',
] as const;

interface Criterion {
  text: string;
  parents: number; // 0 none, Infinity for a bare '+'
  children: number;
  method: (typeof METHODS)[number] | 'name';
  value: string;
  atOperator: boolean;
}

const PATTERN = /^(?<at>@)?(?:(?<pd>\d*)(?<p>\+))?(?<body>[^+]+?)(?:(?<c>\+)(?<cd>\d*))?$/;

function parseCriterion(text: string): Criterion {
  const match = PATTERN.exec(text);
  if (!match?.groups?.body)
    throw new SelectorError(
      `Cannot read selector '${text}'. Examples: customer_trusted, +machine_learning_curated, customer_trusted+, tag:trusted, path:models/curated.`,
    );
  const g = match.groups;
  const body = g.body!;
  const colon = body.indexOf(':');
  let method: Criterion['method'] = 'name';
  let value = body;
  if (colon > 0) {
    const m = body.slice(0, colon);
    if (!(METHODS as readonly string[]).includes(m)) {
      throw new SelectorError(`Unknown selector method '${m}:' in '${text}'. Methods: ${METHODS.join(', ')}.`);
    }
    method = m as Criterion['method'];
    value = body.slice(colon + 1);
  }
  const depth = (plus: string | undefined, digits: string | undefined) =>
    plus ? (digits ? Number(digits) : Infinity) : 0;
  return { text, atOperator: Boolean(g.at), parents: depth(g.p, g.pd), children: depth(g.c, g.cd), method, value };
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );
}

function matches(node: Node, criterion: Criterion, options: SelectionOptions): boolean {
  const { method, value } = criterion;
  switch (method) {
    case 'name': {
      const re = globToRegExp(value);
      return re.test(node.name) || (node.kind === 'source' && re.test(`${node.sourceName}.${node.name}`));
    }
    case 'tag':
      return node.tags.some((t) => globToRegExp(value).test(t));
    case 'path': {
      const prefix = value.replace(/\/+$/, '');
      return (
        node.filePath === prefix || node.filePath.startsWith(`${prefix}/`) || globToRegExp(prefix).test(node.filePath)
      );
    }
    case 'source':
      return node.kind === 'source' && (node.sourceName === value || `${node.sourceName}.${node.name}` === value);
    case 'resource_type':
      return node.kind === value;
    case 'fqn':
      return fqnMatches(fqnOf(node), value);
    case 'test_type':
      // Unit tests are nodes of their own kind; data tests are generic (declared in yml) or singular (tests/*.sql).
      if (node.kind === 'unit_test') return value === 'unit';
      return node.kind === 'data_test' && (value === 'data' || value === (node.testName ? 'generic' : 'singular'));
    case 'test_name':
      return node.kind === 'data_test' && node.testName === value;
    case 'unique_id':
      return node.uniqueId === value;
    case 'state':
    case 'result': {
      const state = options.state;
      if (!state)
        throw new SelectorError(
          `'${method}:${value}' compares with a previous run: pass --state <folder with its manifest.json>, e.g. --state prod-artifacts/.`,
        );
      if (method === 'result') return state.previous.results.get(node.uniqueId) === value;
      const before = state.previous.fingerprints.get(node.uniqueId);
      if (value === 'new') return before === undefined;
      if (value === 'modified') return before === undefined || before !== state.fingerprint(node);
      throw new SelectorError(`Unknown state selector 'state:${value}'. Use state:new or state:modified.`);
    }
  }
}

/** A node's dotted path as dbt gives it: project, folders under its resource path, then its name. */
function fqnOf(node: Node): string[] {
  // Nodes built outside the parse pass (in tests) have no fqn; their id holds the project and the name.
  return node.fqn ?? node.uniqueId.split('.').slice(1);
}

/**
 * dbt's `fqn:` rule: the name alone matches the last part; otherwise the selector's dotted parts match the fqn's first
 * parts, exactly until the first part with a wildcard, from which the rest is one glob over the rest of the fqn.
 */
function fqnMatches(fqn: readonly string[], selector: string): boolean {
  if (fqn.at(-1) === selector) return true;
  const flat = fqn.flatMap((part) => part.split('.'));
  const parts = selector.split('.');
  if (flat.length < parts.length) return false;
  const wild = parts.findIndex((part) => /[*?[\]]/.test(part));
  const exact = wild === -1 ? parts : parts.slice(0, wild);
  if (!exact.every((part, i) => flat[i] === part)) return false;
  return wild === -1 || globToRegExp(parts.slice(wild).join('.')).test(flat.slice(wild).join('.'));
}

function selectCriterion(graph: Graph, criterion: Criterion, options: SelectionOptions): Set<string> {
  const selected = new Set<string>();
  for (const [id, node] of graph.nodes) {
    if (!matches(node, criterion, options)) continue;
    selected.add(id);
    if (criterion.parents) for (const a of graph.ancestors(id, criterion.parents)) selected.add(a);
    if (criterion.children || criterion.atOperator) {
      for (const d of graph.descendants(id, criterion.atOperator ? Infinity : criterion.children)) {
        selected.add(d);
        // `@x` also takes the parents of every descendant, so that they can be built.
        if (criterion.atOperator) for (const a of graph.ancestors(d)) selected.add(a);
      }
    }
  }
  if (selected.size === 0) refuseMistypedName(graph, criterion);
  return selected;
}

/**
 * A plain name, path or tag that no node has is almost always a typo; running "nothing" and exiting 0 would let a
 * pull-request check pass without testing what it meant to. Patterns and state selectors may match nothing.
 */
function refuseMistypedName(graph: Graph, { method, value, text }: Criterion): void {
  if (/[*?]/.test(value)) return;
  if (method === 'tag') {
    const tags = [...new Set([...graph.nodes.values()].flatMap((n) => n.tags))].sort();
    throw new SelectorError(
      `Selector '${text}' matches no node: no node has the tag '${value}'.${didYouMean(value, tags) || (tags.length ? ` Tags: ${tags.join(', ')}.` : ' No node has a tag.')}`,
    );
  }
  if (method === 'name') {
    const names = [...new Set([...graph.nodes.values()].map((n) => n.name))];
    throw new SelectorError(
      `Selector '${text}' matches no node.${didYouMean(value, names) || ' Run `stedi-models ls` to see the names.'}`,
    );
  }
  if (method === 'path') {
    const folders = [
      ...new Set(
        [...graph.nodes.values()].flatMap((n) =>
          n.filePath.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/')),
        ),
      ),
    ];
    throw new SelectorError(
      `Selector '${text}' matches no file or folder of the project.${didYouMean(value.replace(/\/+$/, ''), folders)}`,
    );
  }
}

/** The parts of a selector expression: space-separated unions of comma-separated intersections. */
function unionsOf(expressions: readonly string[]): string[][] {
  return expressions
    .flatMap((e) => e.split(/\s+/))
    .filter(Boolean)
    .map((union) => union.split(','));
}

/** Selects from one expression, without tests brought along (they are added once, to the whole selection). */
function selectExpression(graph: Graph, expressions: readonly string[], options: SelectionOptions): Set<string> {
  return setOperations.union(
    unionsOf(expressions).map((parts) =>
      setOperations.intersection(parts.map((part) => selectCriterion(graph, parseCriterion(part), options))),
    ),
  );
}

/** Selects from one expression as dbt does with an --indirect-selection mode: each part brings its tests along. */
function pickExpression(
  graph: Graph,
  expressions: readonly string[],
  options: SelectionOptions,
  mode: IndirectSelection,
): Picked {
  const pick = (part: string) => expandToTests(graph, selectCriterion(graph, parseCriterion(part), options), mode);
  const unions = unionsOf(expressions).map((parts) =>
    combinePicked(graph, parts.map(pick), setOperations.intersection, mode),
  );
  return combinePicked(graph, unions, setOperations.union, mode);
}

/** What a command was asked to act on. */
export interface SelectionOptions {
  select?: readonly string[];
  exclude?: readonly string[];
  /**
   * dbt's rule for the tests that come with selected nodes. Without it, a test comes with the node it is declared on
   * (a singular test with any node it reads), and --exclude leaves out only what it names.
   */
  indirectSelection?: IndirectSelection;
  /** A previous invocation to compare with, for `state:` and `result:` selectors. */
  state?: { previous: PreviousState; fingerprint: (node: Node) => string };
}

/**
 * A test goes with what it tests: selecting a model selects the tests declared on it, and a singular test is
 * selected with any node it reads.
 */
function addTestsOfChosen(graph: Graph, chosen: Set<string>): void {
  for (const node of graph.nodes.values()) {
    if (node.kind === 'unit_test' && chosen.has(node.attachedTo)) chosen.add(node.uniqueId);
    if (node.kind !== 'data_test' || chosen.has(node.uniqueId)) continue;
    if (node.attachedTo ? chosen.has(node.attachedTo) : node.dependsOn.some((p) => chosen.has(p)))
      chosen.add(node.uniqueId);
  }
}

/** The ids --select minus --exclude choose, tests brought along by the --indirect-selection mode (dbt's rules). */
function chooseWithMode(graph: Graph, options: SelectionOptions, mode: IndirectSelection): Set<string> {
  const include = options.select?.length
    ? pickExpression(graph, options.select, options, mode)
    : { direct: new Set(graph.nodes.keys()), indirect: new Set<string>() };
  const exclude = options.exclude?.length
    ? pickExpression(graph, options.exclude, options, mode)
    : { direct: new Set<string>(), indirect: new Set<string>() };
  return combinePicked(graph, [include, exclude], setOperations.difference, mode).direct;
}

/** The ids chosen by `--select` minus `--exclude`, from the given candidates, in graph order. */
export function selectNodes(graph: Graph, options: SelectionOptions, candidates: (node: Node) => boolean): string[] {
  let chosen: Set<string>;
  if (options.indirectSelection) chosen = chooseWithMode(graph, options, options.indirectSelection);
  else {
    chosen = options.select?.length ? selectExpression(graph, options.select, options) : new Set(graph.nodes.keys());
    addTestsOfChosen(graph, chosen);
    const excluded = options.exclude?.length ? selectExpression(graph, options.exclude, options) : new Set<string>();
    for (const id of excluded) chosen.delete(id);
  }
  return graph.order.filter((id) => chosen.has(id) && candidates(graph.nodes.get(id)!));
}
