import toposort from 'toposort';
import { ProjectError } from '../errors.js';
import { didYouMean } from '../core/did-you-mean.js';
import type { DataTestNode, ModelNode, Node, SeedNode, SourceNode, UnitTestNode } from '../core/nodes.js';

/** A `ref()` or `source()` names no node. */
export class UnknownRefError extends ProjectError {}

/** Models depend on each other in a circle; the message gives the full path. */
export class CycleError extends ProjectError {}

/**
 * `file:line:column` of the first call of ref() or source() with these arguments in a node's own text, so an editor
 * opens at the typo; just the file when the call is not written there (a macro made it, or a test declared in yml).
 */
function placeOf(node: ModelNode | DataTestNode, args: readonly string[]): string {
  const quoted = args.map((a) => `['"]${a.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]`).join('\\s*,\\s*');
  const match = new RegExp(`\\b(?:ref|source)\\(\\s*${quoted}\\s*\\)`).exec(node.rawSql ?? '');
  if (!match) return node.filePath;
  const before = node.rawSql!.slice(0, match.index).split('\n');
  return `${node.filePath}:${before.length}:${before.at(-1)!.length + 1}`;
}

/** The DAG of a project: nodes by id, with parent and child edges, in dependency order. */
export class Graph {
  readonly nodes = new Map<string, Node>();
  readonly parents = new Map<string, Set<string>>();
  readonly children = new Map<string, Set<string>>();
  /** Every node id, parents before children; stable for equal inputs. */
  readonly order: string[];

  private constructor(nodes: readonly Node[]) {
    for (const node of nodes) {
      this.nodes.set(node.uniqueId, node);
      this.parents.set(node.uniqueId, new Set());
      this.children.set(node.uniqueId, new Set());
    }
    const edges: Array<[string, string]> = [];
    for (const node of nodes) {
      if (node.kind !== 'model' && node.kind !== 'data_test') continue;
      for (const parent of node.dependsOn) {
        this.parents.get(node.uniqueId)!.add(parent);
        this.children.get(parent)?.add(node.uniqueId);
        edges.push([parent, node.uniqueId]);
      }
    }
    this.order = toposort.array([...this.nodes.keys()], edges);
  }

  /**
   * Resolves every model's refs and sources to node ids and checks the graph; returns every unknown ref and every
   * cycle as problems, or the graph when there are none.
   */
  static build(
    models: ModelNode[],
    sources: readonly SourceNode[],
    seeds: readonly SeedNode[] = [],
    tests: DataTestNode[] = [],
    unitTests: UnitTestNode[] = [],
  ): { graph?: Graph; problems: ProjectError[] } {
    const problems: ProjectError[] = [];
    const modelsByName = new Map<string, ModelNode | SeedNode>([...seeds, ...models].map((m) => [m.name, m]));
    const sourcesByKey = new Map(sources.map((s) => [`${s.sourceName}.${s.name}`, s]));
    for (const model of [...models, ...tests]) {
      const deps = new Set<string>();
      for (const ref of model.refs) {
        const target = modelsByName.get(ref);
        if (target) deps.add(target.uniqueId);
        else {
          const hint = didYouMean(ref, [...modelsByName.keys()]);
          const isSource = sources.find((s) => s.name === ref);
          const sourceHint = isSource ? ` '${ref}' is a source: use source('${isSource.sourceName}', '${ref}').` : '';
          const at = placeOf(model, [ref]);
          problems.push(new UnknownRefError(`${at}: ref('${ref}') matches no model.${hint}${sourceHint}`));
        }
      }
      for (const [sourceName, table] of model.sources) {
        const target = sourcesByKey.get(`${sourceName}.${table}`);
        if (target) deps.add(target.uniqueId);
        else {
          const hint = didYouMean(`${sourceName}.${table}`, [...sourcesByKey.keys()]);
          problems.push(
            new UnknownRefError(
              `${placeOf(model, [sourceName, table])}: source('${sourceName}', '${table}') matches no source table declared in a schema yml.${hint}`,
            ),
          );
        }
      }
      if (model.kind === 'data_test' && model.attachedTo) deps.add(model.attachedTo);
      model.dependsOn = [...deps].sort();
    }
    problems.push(...findCycles(models));
    if (problems.length > 0) return { problems };
    return { graph: new Graph([...sources, ...seeds, ...models, ...tests, ...unitTests]), problems };
  }

  /** Every node id upstream of a node (not including it), up to a depth. */
  ancestors(id: string, depth = Infinity): Set<string> {
    return this.walk(id, this.parents, depth);
  }

  /** Every node id downstream of a node (not including it), up to a depth. */
  descendants(id: string, depth = Infinity): Set<string> {
    return this.walk(id, this.children, depth);
  }

  private walk(start: string, edges: Map<string, Set<string>>, depth: number): Set<string> {
    const seen = new Set<string>();
    let frontier = [start];
    for (let d = 0; d < depth && frontier.length > 0; d++) {
      const next: string[] = [];
      for (const id of frontier) {
        for (const other of edges.get(id) ?? []) {
          if (!seen.has(other)) {
            seen.add(other);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
    return seen;
  }
}

/** Finds each cycle among models (one per strongly connected component) and reports its path `a > b > a`. */
function findCycles(models: readonly ModelNode[]): CycleError[] {
  const byId = new Map(models.map((m) => [m.uniqueId, m]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  // Tarjan's algorithm, iterative so that a long chain of models cannot overflow the call stack.
  for (const root of byId.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ id: string; next: number }> = [{ id: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work.at(-1)!;
      const deps = byId.get(frame.id)!.dependsOn.filter((d) => byId.has(d));
      if (frame.next < deps.length) {
        const dep = deps[frame.next++]!;
        if (!index.has(dep)) {
          index.set(dep, counter);
          low.set(dep, counter++);
          stack.push(dep);
          onStack.add(dep);
          work.push({ id: dep, next: 0 });
        } else if (onStack.has(dep)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(dep)!));
        }
        continue;
      }
      work.pop();
      const parent = work.at(-1);
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = component.length === 1 && byId.get(frame.id)!.dependsOn.includes(frame.id);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  return components.map((component) => {
    const path = cyclePath(component, byId);
    const names = path.map((id) => byId.get(id)!.name);
    const files = [...new Set(path.map((id) => byId.get(id)!.filePath))];
    return new CycleError(
      `Models depend on each other in a cycle: ${names.join(' > ')}. Files: ${files.join(', ')}. Remove one of these ref() calls to break it.`,
    );
  });
}

/** A concrete cycle through a strongly connected component, starting and ending at its first model by name. */
function cyclePath(component: readonly string[], byId: Map<string, ModelNode>): string[] {
  const members = new Set(component);
  const start = [...component].sort((a, b) => byId.get(a)!.name.localeCompare(byId.get(b)!.name))[0]!;
  // Breadth-first from the start's children back to the start gives the shortest cycle through it.
  // Edges run parent -> child; a model's dependsOn lists its parents, so follow children via reverse lookup.
  const childrenOf = (id: string) => component.filter((c) => byId.get(c)!.dependsOn.includes(id));
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const child of childrenOf(id)) {
      if (child === start) {
        const path = [start];
        for (let at: string | undefined = id; at && at !== start; at = previous.get(at)) path.push(at);
        return [...path.slice(0, 1), ...path.slice(1).reverse(), start];
      }
      if (members.has(child) && !previous.has(child)) {
        previous.set(child, id);
        queue.push(child);
      }
    }
  }
  return [start, start];
}
