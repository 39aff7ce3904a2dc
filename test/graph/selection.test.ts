import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/graph/graph.js';
import type { ModelNode, SourceNode } from '../../src/core/nodes.js';
import { selectNodes, SelectorError } from '../../src/graph/selection.js';

function source(name: string): SourceNode {
  return {
    kind: 'source',
    uniqueId: `source.p.landing.${name}`,
    name,
    sourceName: 'landing',
    filePath: 'models/landing/_landing.yml',
    description: '',
    tags: ['landing'],
    relation: { schema: 's', identifier: name },
    columns: [],
    declaredTests: [],
  };
}

function model(name: string, folder: string, refs: string[], sources: string[] = [], tags: string[] = []): ModelNode {
  return {
    kind: 'model',
    uniqueId: `model.p.${name}`,
    name,
    filePath: `models/${folder}/${name}.sql`,
    description: '',
    tags,
    rawSql: '',
    config: {
      materialized: 'table',
      tags,
      enabled: true,
      privacy: [],
      incrementalStrategy: 'append',
      onSchemaChange: 'fail',
      postHook: [],
      preHook: [],
      vacuumMaxSnapshotAgeSeconds: 14_400,
      maintenanceAfterCommits: 10,
      maintenanceAfterDeleteFiles: 50,
    },
    relation: { schema: 's', identifier: name },
    columns: [],
    dependsOn: [],
    refs,
    sources: sources.map((s) => ['landing', s]),
    varsUsed: [],
    macrosUsed: [],
    declaredTests: [],
    layerHooks: { pre: [], post: [] },
  };
}

// The STEDI DAG: three landing sources, three trusted and two curated models.
const built = Graph.build(
  [
    model('customer_trusted', 'trusted', [], ['customer_landing'], ['trusted']),
    model('accelerometer_trusted', 'trusted', ['customer_trusted'], ['accelerometer_landing'], ['trusted']),
    model('customer_curated', 'curated', ['customer_trusted', 'accelerometer_trusted'], [], ['curated']),
    model('step_trainer_trusted', 'trusted', ['customer_curated'], ['step_trainer_landing'], ['trusted']),
    model('machine_learning_curated', 'curated', ['step_trainer_trusted', 'accelerometer_trusted'], [], ['curated']),
  ],
  [source('customer_landing'), source('accelerometer_landing'), source('step_trainer_landing')],
);
const graph = built.graph!;
const names = (select?: string[], exclude?: string[]) =>
  selectNodes(graph, { select, exclude }, () => true).map((id) => graph.nodes.get(id)!.name);

describe('selection', () => {
  it('selects everything in dependency order by default', () => {
    const all = names();
    expect(all).toHaveLength(8);
    expect(all.indexOf('customer_trusted')).toBeLessThan(all.indexOf('customer_curated'));
    expect(all.indexOf('step_trainer_trusted')).toBeLessThan(all.indexOf('machine_learning_curated'));
  });
  it('selects a model by name', () => expect(names(['customer_curated'])).toEqual(['customer_curated']));
  it('selects ancestors with +name', () =>
    expect(names(['+customer_curated']).sort()).toEqual([
      'accelerometer_landing',
      'accelerometer_trusted',
      'customer_curated',
      'customer_landing',
      'customer_trusted',
    ]));
  it('selects descendants with name+', () =>
    expect(names(['step_trainer_trusted+'])).toEqual(['step_trainer_trusted', 'machine_learning_curated']));
  it('limits graph depth with 1+name', () =>
    expect(names(['1+step_trainer_trusted']).sort()).toEqual([
      'customer_curated',
      'step_trainer_landing',
      'step_trainer_trusted',
    ]));
  it('selects by tag and path', () => {
    expect(names(['tag:curated'])).toEqual(['customer_curated', 'machine_learning_curated']);
    expect(names(['path:models/trusted']).sort()).toEqual([
      'accelerometer_trusted',
      'customer_trusted',
      'step_trainer_trusted',
    ]);
  });
  it('selects sources by source: and by name', () => {
    expect(names(['source:landing']).sort()).toEqual([
      'accelerometer_landing',
      'customer_landing',
      'step_trainer_landing',
    ]);
    expect(names(['customer_landing'])).toEqual(['customer_landing']);
  });
  it('takes unions with spaces and intersections with commas', () => {
    expect(names(['customer_trusted customer_curated'])).toEqual(['customer_trusted', 'customer_curated']);
    expect(names(['tag:trusted,+customer_curated'])).toEqual(['customer_trusted', 'accelerometer_trusted']);
  });
  it('removes excluded nodes', () =>
    expect(names(['tag:trusted'], ['accelerometer_trusted'])).toEqual(['customer_trusted', 'step_trainer_trusted']));
  it('refuses an unknown selector method with the known ones', () => {
    expect(() => names(['colour:red'])).toThrow(SelectorError);
    expect(() => names(['colour:red'])).toThrow(/Methods: tag, path, source/);
  });
  it('refuses a model name that matches nothing, suggesting the nearest', () => {
    expect(() => names(['customer_trustd+'])).toThrow(
      "Selector 'customer_trustd+' matches no node. Did you mean 'customer_trusted'?",
    );
    expect(() => names(['tag:trusted'], ['acelerometer_trusted'])).toThrow(/Did you mean 'accelerometer_trusted'/);
    expect(() => names(['path:models/trustd'])).toThrow(
      "Selector 'path:models/trustd' matches no file or folder of the project. Did you mean 'models/trusted'?",
    );
  });
  it('refuses a tag that no node has, as it refuses a name, suggesting the nearest', () => {
    expect(() => names(['tag:trsuted'])).toThrow(
      "Selector 'tag:trsuted' matches no node: no node has the tag 'trsuted'. Did you mean 'trusted'?",
    );
    expect(() => names(['tag:gold'])).toThrow(/no node has the tag 'gold'\. Tags: .*trusted/);
  });
  it('lets patterns that match nothing select nothing', () => {
    expect(names(['nothing_*'])).toEqual([]);
    expect(names(['tag:gold*'])).toEqual([]);
  });
});
