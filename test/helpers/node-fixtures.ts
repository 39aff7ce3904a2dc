import { mergeModelConfig } from '../../src/project/model-config.js';
import type { ModelNode } from '../../src/core/nodes.js';

/** A parsed model node for graph tests: project `p`, a table with the default config, reading the given refs. */
export function modelNode(name: string, refs: string[], extra: Partial<ModelNode> = {}): ModelNode {
  return {
    kind: 'model',
    uniqueId: `model.p.${name}`,
    name,
    filePath: `models/${name}.sql`,
    description: '',
    tags: [],
    rawSql: '',
    config: { ...mergeModelConfig([]), materialized: 'table' },
    relation: { schema: 's', identifier: name },
    columns: [],
    dependsOn: [],
    refs,
    sources: [],
    varsUsed: [],
    macrosUsed: [],
    declaredTests: [],
    layerHooks: { pre: [], post: [] },
    ...extra,
  };
}
