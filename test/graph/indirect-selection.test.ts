import { describe, expect, it } from 'vitest';
import { Graph } from '../../src/graph/graph.js';
import type { DataTestNode, ModelNode, UnitTestNode } from '../../src/core/nodes.js';
import { selectNodes } from '../../src/graph/selection.js';
import { modelNode } from '../helpers/node-fixtures.js';
import type { IndirectSelection } from '../../src/graph/indirect-selection.js';

function model(name: string, refs: string[], fqn: string[]): ModelNode {
  return modelNode(name, refs, { fqn, filePath: `models/${fqn.slice(1, -1).join('/')}/${name}.sql` });
}

function test(name: string, attachedTo: string | undefined, refs: string[]): DataTestNode {
  return {
    kind: 'data_test',
    uniqueId: `test.p.${name}`,
    name,
    filePath: 'models/_schema.yml',
    description: '',
    tags: [],
    relation: { schema: 's', identifier: name },
    columns: [],
    testName: attachedTo ? name.split('_')[0] : undefined,
    attachedTo: attachedTo && `model.p.${attachedTo}`,
    args: {},
    config: { severity: 'error', warnIf: '!=0', errorIf: '!=0', storeFailures: false, tags: [], blocking: false },
    dependsOn: [],
    refs,
    sources: [],
  };
}

const unit: UnitTestNode = {
  kind: 'unit_test',
  uniqueId: 'unit_test.p.orders.adds_up',
  name: 'adds_up',
  filePath: 'models/_schema.yml',
  description: '',
  tags: [],
  relation: { schema: 's', identifier: 'orders' },
  columns: [],
  attachedTo: 'model.p.orders',
  given: [],
  expectRows: [],
  varOverrides: {},
  envOverrides: {},
  dependsOn: [],
};

// customers <- orders <- report; a relationships test on orders points at customers; a singular test reads both.
const built = Graph.build(
  [
    model('customers', [], ['p', 'staging', 'customers']),
    model('orders', ['customers'], ['p', 'staging', 'orders']),
    model('report', ['orders'], ['p', 'marts', 'finance', 'report']),
  ],
  [],
  [],
  [
    test('unique_customers_id', 'customers', []),
    test('relationships_orders_customer_id', 'orders', ['customers']),
    test('orders_match_customers', undefined, ['orders', 'customers']),
  ],
  [unit],
);
const graph = built.graph!;
const names = (select: string[] | undefined, mode?: IndirectSelection, exclude?: string[]) =>
  selectNodes(graph, { select, exclude, indirectSelection: mode }, () => true)
    .map((id) => graph.nodes.get(id)!.name)
    .sort();

describe('--indirect-selection, as dbt', () => {
  it('eager brings every test with a selected parent, a relationships test pointing at the model too', () =>
    expect(names(['customers'], 'eager')).toEqual([
      'customers',
      'orders_match_customers',
      'relationships_orders_customer_id',
      'unique_customers_id',
    ]));
  it('cautious brings only the tests whose parents are all selected', () => {
    expect(names(['customers'], 'cautious')).toEqual(['customers', 'unique_customers_id']);
    expect(names(['orders'], 'cautious')).toEqual(['adds_up', 'orders']);
  });
  it('cautious takes a test once the other part of a union selects its other parent', () =>
    expect(names(['customers orders'], 'cautious')).toEqual([
      'adds_up',
      'customers',
      'orders',
      'orders_match_customers',
      'relationships_orders_customer_id',
      'unique_customers_id',
    ]));
  it('buildable also brings a test whose other parents are upstream of the selection', () => {
    expect(names(['orders'], 'buildable')).toEqual([
      'adds_up',
      'orders',
      'orders_match_customers',
      'relationships_orders_customer_id',
    ]);
    expect(names(['customers'], 'buildable')).toEqual(['customers', 'unique_customers_id']);
  });
  it('empty brings no test, but a test selected by name or as a descendant stays', () => {
    expect(names(['orders report'], 'empty')).toEqual(['orders', 'report']);
    expect(names(['orders+'], 'empty')).toEqual([
      'orders',
      'orders_match_customers',
      'relationships_orders_customer_id',
      'report',
    ]);
    expect(names(['orders', 'unique_customers_id'], 'empty')).toEqual(['orders', 'unique_customers_id']);
  });
  it('eager --exclude leaves out the excluded model with every test that reads it; cautious only its own', () => {
    expect(names(undefined, 'eager', ['customers'])).toEqual(['adds_up', 'orders', 'report']);
    expect(names(undefined, 'cautious', ['customers'])).toEqual([
      'adds_up',
      'orders',
      'orders_match_customers',
      'relationships_orders_customer_id',
      'report',
    ]);
  });
  it('without a mode keeps the tests declared on selected nodes (and singular tests reading them)', () =>
    expect(names(['customers'])).toEqual(['customers', 'orders_match_customers', 'unique_customers_id']));
});

describe('fqn: selection, as dbt', () => {
  const fqn = (selector: string) => names([selector], 'empty');
  it('selects by the name alone, by the leading parts of the path, and with wildcards', () => {
    expect(fqn('fqn:orders')).toEqual(['orders']);
    expect(fqn('fqn:p.staging')).toEqual(['customers', 'orders']);
    expect(fqn('fqn:p.marts.finance.report')).toEqual(['report']);
    expect(fqn('fqn:p.marts')).toEqual(['report']);
    expect(fqn('fqn:p.*.report')).toEqual(['report']);
    expect(fqn('fqn:p.staging.c*')).toEqual(['customers']);
  });
  it('does not select by a part that is not a leading one', () => {
    expect(fqn('fqn:finance')).toEqual([]);
    expect(fqn('fqn:staging.orders')).toEqual([]);
  });
});
