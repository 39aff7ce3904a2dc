import { describe, expect, it } from 'vitest';
import { buildSiteData } from '../../src/docs/site-data.js';
import { describeDeclaredTest } from '../../src/docs/site-tests.js';
import { STEDI_SHAPE, docsInput, readCatalog, runResults, type FixtureNode } from './site-fixtures.js';

const ML = 'model.stedi.machine_learning_curated';
const documentedMl: FixtureNode = {
  id: ML,
  zone: 'curated',
  parents: [],
  columns: [
    { name: 'x', description: 'Acceleration along x.', data_type: 'double' },
    { name: 'old_column', description: 'Renamed long ago.' },
  ],
};

describe('site data', () => {
  it('takes column names and types from the engine catalog and descriptions from yml', () => {
    const site = buildSiteData(
      docsInput([documentedMl], {
        catalog: readCatalog({
          [ML]: [
            ['sensorreadingtime', 'BIGINT'],
            ['X', 'DOUBLE'],
          ],
        }),
      }),
    );
    const node = site.nodes[0]!;
    expect(node.columnsFrom).toBe('catalog');
    expect(node.columnsNote).toBeNull();
    expect(node.columns.map((c) => [c.name, c.type, c.description])).toEqual([
      ['sensorreadingtime', 'BIGINT', ''],
      ['X', 'DOUBLE', 'Acceleration along x.'],
      ['old_column', null, 'Renamed long ago.'],
    ]);
    expect(node.columns.map((c) => c.missingFromRelation)).toEqual([false, false, true]);
  });

  it('falls back to declared types and says why when the catalog could not be read', () => {
    const site = buildSiteData(docsInput([documentedMl]));
    const node = site.nodes[0]!;
    expect(node.columnsFrom).toBe('declared');
    expect(node.columns.map((c) => [c.name, c.type])).toEqual([
      ['x', 'double'],
      ['old_column', null],
    ]);
    expect(node.columnsNote).toContain('no database yet');
    expect(site.catalogNote).toContain('no database yet');
  });

  it('says a relation is not built yet when the catalog was read but lacks it', () => {
    const site = buildSiteData(docsInput([documentedMl], { catalog: readCatalog({}) }));
    expect(site.nodes[0]!.columnsNote).toMatch(/does not exist on the engine yet/);
    expect(site.catalogNote).toBeNull();
  });

  it('gives every STEDI relation its zone, materialization, parents and children', () => {
    const site = buildSiteData(docsInput(STEDI_SHAPE));
    const byName = new Map(site.nodes.map((n) => [n.name, n]));
    expect(byName.get('customer_landing')).toMatchObject({
      kind: 'source',
      zone: 'landing',
      materialization: 'landing files',
      location: 'data/customer_landing/',
    });
    expect(byName.get('step_trainer_trusted')).toMatchObject({ zone: 'trusted', materialization: 'table' });
    expect(byName.get(ML.split('.')[2]!)!.parents).toEqual([
      'model.stedi.step_trainer_trusted',
      'model.stedi.accelerometer_trusted',
    ]);
    expect(byName.get('customer_curated')!.children).toEqual(['model.stedi.step_trainer_trusted']);
    expect(site.edges).toHaveLength(11);
  });

  it('shows privacy promises from the model config', () => {
    const site = buildSiteData(docsInput(STEDI_SHAPE));
    expect(site.nodes.find((n) => n.id === ML)!.privacy).toEqual(['consent_filtered', 'identifier_free']);
    expect(site.nodes.find((n) => n.name === 'customer_trusted')!.privacy).toEqual([]);
  });

  it('shows the row count and status of the last run, and says when there was none', () => {
    const ran = buildSiteData(
      docsInput(STEDI_SHAPE, {
        runResults: runResults([
          { id: ML, status: 'success', rows: 43_681 },
          { id: 'model.stedi.customer_curated', status: 'error', message: 'boom' },
        ]),
      }),
    );
    expect(ran.nodes.find((n) => n.id === ML)!.lastRun).toMatchObject({ status: 'success', rows: 43_681 });
    expect(ran.nodes.find((n) => n.name === 'customer_curated')!.lastRun).toMatchObject({
      status: 'error',
      rows: null,
      message: 'boom',
    });
    expect(ran.nodes.find((n) => n.name === 'customer_trusted')!.lastRun).toBeNull();
    expect(ran.runResultsNote).toBeNull();
    expect(buildSiteData(docsInput(STEDI_SHAPE)).runResultsNote).toMatch(/No run yet/);
  });

  it('documents seeds, and lists data tests on their own rather than as relations', () => {
    const site = buildSiteData(
      docsInput([
        {
          id: 'seed.stedi.reference_row_counts',
          kind: 'seed',
          columns: [{ name: 'rows', description: 'Expected rows.' }],
          extra: { column_types: { rows: 'bigint' } },
        },
        { id: 'test.stedi.not_null_x', kind: 'data_test', parents: ['seed.stedi.reference_row_counts'] },
      ]),
    );
    expect(site.nodes.map((n) => [n.name, n.kind, n.zone, n.materialization])).toEqual([
      ['reference_row_counts', 'seed', 'seeds', 'seed'],
    ]);
    expect(site.nodes[0]!.columns).toMatchObject([{ name: 'rows', type: 'bigint' }]);
    expect(site.nodes[0]!.children).toEqual([]);
    expect(site.edges).toEqual([]);
  });
});

describe('tests in the site', () => {
  const testNode = (name: string, extra: Record<string, unknown>): FixtureNode => ({
    id: `test.stedi.${name}`,
    kind: 'data_test',
    parents: [ML],
    extra,
  });

  it('describes declarations as written in yml', () => {
    expect(describeDeclaredTest('not_null')).toBe('not_null');
    expect(describeDeclaredTest({ accepted_values: { values: ['a', 'b'] } })).toBe(
      'accepted_values: { values: [ a, b ] }',
    );
    expect(describeDeclaredTest({ unique: null })).toBe('unique');
    expect(describeDeclaredTest({ relationships: { to: "{{ ref('customer_trusted') }}", field: 'email' } })).toBe(
      'relationships: { to: customer_trusted, field: email }',
    );
    expect(
      describeDeclaredTest({ relationships: { to: "{{ source('landing', 'customer_landing') }}", field: 'email' } }),
    ).toBe('relationships: { to: customer_landing, field: email }');
  });

  it('lists built tests with their last status and failing rows', () => {
    const site = buildSiteData(
      docsInput(
        [
          documentedMl,
          testNode('not_null_ml_x', { test_name: 'not_null', attached_node: ML, column_name: 'x', test_args: {} }),
        ],
        {
          runResults: runResults([{ id: 'test.stedi.not_null_ml_x', status: 'fail', failures: 3 }]),
          extras: { declaredTests: { [ML]: { node: [], columns: { x: ['not_null'] } } }, sourceSql: {} },
        },
      ),
    );
    expect(site.tests).toEqual([
      {
        id: 'test.stedi.not_null_ml_x',
        name: 'not_null_ml_x',
        definition: 'not_null',
        sentence: 'No row has a null x.',
        on: ML,
        column: 'x',
        reads: [ML],
        status: 'fail',
        failures: 3,
        message: null,
      },
    ]);
    expect(site.nodes[0]!.columns.find((c) => c.name === 'x')!.tests).toEqual([
      { definition: 'not_null', status: 'fail' },
    ]);
    expect(site.nodes[0]!.columns.find((c) => c.name === 'old_column')!.tests).toEqual([]);
  });

  it('lists a declaration that no built test answers for as not run', () => {
    const site = buildSiteData(
      docsInput([documentedMl], {
        extras: { declaredTests: { [ML]: { node: [{ no_identifiers: null }], columns: {} } }, sourceSql: {} },
      }),
    );
    expect(site.tests).toMatchObject([{ id: null, definition: 'no_identifiers', on: ML, column: null, status: null }]);
    expect(site.nodes[0]!.tests).toEqual([{ definition: 'no_identifiers', status: null }]);
  });

  it('has no tests when none are declared', () => {
    expect(buildSiteData(docsInput(STEDI_SHAPE)).tests).toEqual([]);
    expect(buildSiteData(docsInput(STEDI_SHAPE)).unitTests).toEqual([]);
  });

  it('gives a relation every data test that reads it: declared on it, on a column, or reading it in its SQL', () => {
    const site = buildSiteData(
      docsInput([
        documentedMl,
        { id: 'model.stedi.step_trainer_trusted', zone: 'trusted' },
        testNode('not_null_ml_x', { test_name: 'not_null', attached_node: ML, column_name: 'x', test_args: {} }),
        {
          id: 'test.stedi.ml_cross_customer_pairs',
          kind: 'data_test',
          parents: [ML, 'model.stedi.step_trainer_trusted'],
          extra: {},
        },
      ]),
    );
    expect(site.nodes.find((n) => n.id === ML)!.testsReadingIt.map((t) => t.name)).toEqual([
      'ml_cross_customer_pairs',
      'not_null_ml_x',
    ]);
    expect(site.nodes.find((n) => n.name === 'step_trainer_trusted')!.testsReadingIt.map((t) => t.name)).toEqual([
      'ml_cross_customer_pairs',
    ]);
  });

  it('lists unit tests with their model and last status, and on their model', () => {
    const unit: FixtureNode = {
      id: 'unit_test.stedi.machine_learning_curated.pairs',
      kind: 'unit_test',
      parents: [ML],
      description: 'Pairs.',
      extra: { attached_node: ML, original_file_path: 'models/curated/_unit.yml' },
    };
    const site = buildSiteData(
      docsInput([documentedMl, unit], { runResults: runResults([{ id: unit.id, status: 'fail', failures: 2 }]) }),
    );
    const expected = {
      id: unit.id,
      name: 'pairs',
      model: ML,
      description: 'Pairs.',
      filePath: 'models/curated/_unit.yml',
      status: 'fail',
      failures: 2,
      message: null,
    };
    expect(site.unitTests).toEqual([expected]);
    expect(site.nodes.map((n) => n.name)).toEqual(['machine_learning_curated']);
    expect(site.nodes[0]!.unitTests).toEqual([expected]);
  });
});
