import type { Graph } from '../graph/graph.js';
import { isRunnable, type DataTestNode, type Node, type Relation } from '../core/nodes.js';

/**
 * The nodes whose relations a data test reads on the target: the tested node and every node it refs or sources. A
 * ref deferred to another state (`--defer`) reads the state's database, which is not the target's to check, so it
 * is left out; the tested relation is read on the target even then (compileDataTest does not defer it).
 */
export function nodesReadBy(
  graph: Graph,
  test: DataTestNode,
  deferredRelation?: (node: Node) => Relation | undefined,
): Node[] {
  return test.dependsOn
    .map((id) => graph.nodes.get(id)!)
    .filter((node) => node.uniqueId === test.attachedTo || !deferredRelation?.(node));
}

/** What creates the missing relations: a command, or why stedi-models never will (a disabled model, a source). */
function howToCreate(missing: readonly Node[]): string {
  const seeds = missing.some((n) => n.kind === 'seed');
  const runnable = missing.some((n) => n.kind !== 'seed' && isRunnable(n));
  const command = seeds && runnable ? 'build' : seeds ? 'seed' : runnable ? 'run' : undefined;
  const never = missing
    .filter((n) => n.kind !== 'seed' && !isRunnable(n))
    .map((n) =>
      n.kind === 'model'
        ? `model ${n.name} is disabled (enabled: false)`
        : `${n.name} is declared in ${n.filePath} but not created by stedi-models`,
    );
  return [...(command ? [`run \`stedi-models ${command}\` first`] : []), ...never].join('; ');
}

/** Why a test that reads relations that do not exist checks nothing, and what creates them. */
export function missingRelationsReason(missing: readonly Node[]): string {
  const names = missing.map((n) => `${n.relation.schema}.${n.relation.identifier}`);
  const what =
    names.length === 1
      ? `relation ${names[0]} does not exist`
      : `relations ${names.slice(0, -1).join(', ')} and ${names.at(-1)} do not exist`;
  return `${what}; ${howToCreate(missing)}`;
}
