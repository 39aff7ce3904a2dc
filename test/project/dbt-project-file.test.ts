import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, readTargetJson } from '../helpers/stedi-project.js';
import { fixtureProject } from '../helpers/fixture-project.js';
import { DBT_COMPATIBLE_VERSION } from '../../src/core/tool-version.js';

const MODELS = {
  'models/staging/stg_orders.sql': 'select 1 as order_id',
  'models/marts/orders.sql': "select * from {{ ref('stg_orders') }}",
  'models/marts/finance/revenue.sql': "select count(*) as n from {{ ref('orders') }}",
};

/** A dbt project of the given dbt_project.yml (after name/profile lines), compiled; its manifest's models' configs. */
async function compileDbt(projectYml: string, files: Record<string, string> = MODELS) {
  const dir = fixtureProject(files, {
    projectFileName: 'dbt_project.yml',
    projectFile: `name: shop\nprofile: fixture\nconfig-version: 2\n${projectYml}`,
  });
  const run = await cli(['compile'], { cwd: dir });
  const nodes =
    run.code === 0
      ? (readTargetJson(dir, 'manifest.json').nodes as Record<string, { config: Record<string, unknown> }>)
      : {};
  const config = (name: string) => nodes[`model.shop.${name}`]?.config;
  return { dir, run, config };
}

describe('dbt_project.yml as the project file', () => {
  it('reads the first level under models: as the project name, with keys written with or without +', async () => {
    const { run, config } = await compileDbt(
      'models:\n  shop:\n    +tags: [shop]\n    staging:\n      +materialized: view\n    marts:\n      materialized: table\n      finance:\n        +materialized: incremental\n',
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(config('stg_orders')).toMatchObject({ materialized: 'view', tags: ['shop'] });
    expect(config('orders')).toMatchObject({ materialized: 'table', tags: ['shop'] });
    // The deepest path wins, as in dbt.
    expect(config('revenue')).toMatchObject({ materialized: 'incremental' });
  });

  it("applies dbt's precedence: project < folder < schema yml config: < the model's config()", async () => {
    const { run, config } = await compileDbt(
      'models:\n  +materialized: table\n  shop:\n    marts:\n      +materialized: view\n      finance:\n        revenue:\n          +materialized: table\n',
      {
        ...MODELS,
        'models/marts/schema.yml': 'version: 2\nmodels:\n  - name: orders\n    config:\n      materialized: table\n',
        'models/staging/stg_orders.sql': "{{ config(materialized='view') }} select 1 as order_id",
      },
    );
    expect(run.code).toBe(0);
    expect(config('stg_orders')?.materialized).toBe('view');
    expect(config('orders')?.materialized).toBe('table');
    // A path may end at a model's name.
    expect(config('revenue')?.materialized).toBe('table');
  });

  it('warns, as dbt does, about a config path that applies to no model, instead of silently ignoring it', async () => {
    const { run, config } = await compileDbt('models:\n  shop:\n    mart:\n      +materialized: table\n');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'warning: Configuration paths exist in your dbt_project.yml file which do not apply to any resources. There is 1 unused configuration path:\n- models.shop.mart',
    );
    expect(config('orders')?.materialized).toBe('view');
  });

  it('reads a folder level without the project name as a package: it applies to none of the models, and warns', async () => {
    const { run, config } = await compileDbt('models:\n  marts:\n    +materialized: table\n');
    expect(run.stderr).toContain('- models.marts');
    expect(config('orders')?.materialized).toBe('view');
  });

  it('warns about keys dbt accepts that are not supported yet, and keeps going', async () => {
    const { run, config } = await compileDbt(
      'analysis-paths: [analyses]\nsnapshot-paths: [snapshots]\ndocs-paths: [docs]\nclean-targets: [target, dbt_packages]\nquery-comment: "run by ci"\nmodels:\n  shop:\n    +docs: {node_color: red}\n    marts:\n      +materialized: table\n      +persist_docs: {relation: true}\n      meta: {owner: finance}\n',
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      "dbt_project.yml:8: 'query-comment' is not supported by stedi-models yet; it is ignored.",
    );
    expect(run.stderr).toContain(
      "dbt_project.yml:11:12: models.shop.+docs: dbt's 'docs' config is not supported by stedi-models yet; it is ignored.",
    );
    expect(run.stderr).toContain("models.shop.marts.+persist_docs: dbt's 'persist_docs' config");
    expect(run.stderr).toContain("models.shop.marts.meta: dbt's 'meta' config");
    expect(config('orders')?.materialized).toBe('table');
  });

  it('stops on a misspelt key, supported or not, and says which key was meant', async () => {
    const top = await compileDbt('model-path: [models]\n');
    expect(top.run.code).toBe(2);
    expect(top.run.stderr).toBe(
      "error: dbt_project.yml:4:13: model-path: unknown key 'model-path'. Did you mean 'model-paths'? Check the spelling.\n",
    );
    const nested = await compileDbt('models:\n  shop:\n    +materialised: table\n    +persist_doc: {}\n');
    expect(nested.run.code).toBe(2);
    expect(nested.run.stderr).toContain(
      "dbt_project.yml:6:20: models.shop.+materialised: unknown config 'materialised'. Did you mean 'materialized'?",
    );
    expect(nested.run.stderr).toContain("unknown config 'persist_doc'. Did you mean 'persist_docs'?");
    const bare = await compileDbt('models:\n  shop:\n    materialised: table\n');
    expect(bare.run.stderr).toContain(
      "models.shop.materialised: unknown config 'materialised'. Did you mean 'materialized'?",
    );
    const value = await compileDbt('models:\n  shop:\n    marts:\n      materialized: tabel\n');
    expect(value.run.stderr).toContain(
      "dbt_project.yml:7:21: models.shop.marts.materialized: expected one of 'view', 'table', 'incremental', 'ephemeral'; got 'tabel'",
    );
  });

  it(`checks require-dbt-version against dbt ${DBT_COMPATIBLE_VERSION}, the version stedi-models reads projects as`, async () => {
    expect((await compileDbt('require-dbt-version: [">=1.5.0", "<2.0.0"]\n')).run.code).toBe(0);
    expect((await compileDbt('require-dbt-version: ">=1.8.0, <1.11.0"\n')).run.code).toBe(0);
    const excluded = await compileDbt('require-dbt-version: ">=1.11.0"\n');
    expect(excluded.run.code).toBe(2);
    expect(excluded.run.stderr).toBe(
      `error: dbt_project.yml:4:22: require-dbt-version: this project requires dbt >=1.11.0, but stedi-models reads projects as dbt ${DBT_COMPATIBLE_VERSION} does. Widen the range to include ${DBT_COMPATIBLE_VERSION} if the project works with it.\n`,
    );
    const garbled = await compileDbt('require-dbt-version: "at least one"\n');
    expect(garbled.run.stderr).toContain("'at least one' is not a version range");
  });

  it('refuses config-version 1, the dbt 0.x format', async () => {
    const dir = fixtureProject(MODELS, {
      projectFileName: 'dbt_project.yml',
      projectFile: 'name: shop\nprofile: fixture\nconfig-version: 1\n',
    });
    const run = await cli(['compile'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('config-version: must be 2');
  });

  it("reads global vars and the project's scoped vars, the scoped ones winning", async () => {
    const { run, dir } = await compileDbt('vars:\n  currency: EUR\n  rate: 1\n  shop:\n    rate: 2\n', {
      'models/rates.sql': "select '{{ var(\"currency\") }}' as currency, {{ var('rate') }} as rate",
    });
    expect(run.stderr).toBe('');
    expect(readTargetJson(dir, 'manifest.json').nodes['model.shop.rates'].compiled_code).toMatch(
      /select 'EUR' as currency, 2 as rate/,
    );
  });

  it('applies tests: and data_tests: folder configs under the project name, below what a declaration sets', async () => {
    const dir = fixtureProject(
      {
        'models/marts/orders.sql': 'select cast(null as int) as order_id, cast(null as int) as amount',
        'models/marts/_marts.yml':
          'version: 2\nmodels:\n  - name: orders\n    columns:\n      - name: order_id\n        tests: [not_null]\n      - name: amount\n        tests:\n          - not_null:\n              config: {severity: error}\n',
        'tests/assert_no_orders.sql': "select * from {{ ref('orders') }}",
      },
      {
        projectFileName: 'dbt_project.yml',
        projectFile:
          'name: shop\nprofile: fixture\ntests:\n  shop:\n    marts:\n      +severity: warn\n      +tags: [marts]\ndata_tests:\n  shop:\n    assert_no_orders:\n      +severity: warn\n',
      },
    );
    expect((await cli(['run'], { cwd: dir })).code).toBe(0);
    const run = await cli(['test'], { cwd: dir });
    expect(run.stderr).not.toContain('unused configuration');
    const results = readTargetJson(dir, 'run_results.json').results as Array<{ name: string; status: string }>;
    const status = Object.fromEntries(results.map((r) => [r.name, r.status]));
    expect(status).toMatchObject({
      not_null_orders_order_id: 'warn',
      not_null_orders_amount: 'fail',
      assert_no_orders: 'warn',
    });
    expect(run.code).toBe(1);
    const unused = await compileDbt('tests:\n  shop:\n    mrts:\n      +severity: warn\n');
    expect(unused.run.stderr).toContain('- tests.shop.mrts');
  });

  it('stops when a folder holds both dbt_project.yml and stedi_project.yml', async () => {
    const dir = fixtureProject(MODELS, {
      projectFileName: 'dbt_project.yml',
      projectFile: 'name: shop\nprofile: fixture\n',
    });
    writeFileSync(path.join(dir, 'stedi_project.yml'), 'name: shop\nprofile: fixture\n');
    const run = await cli(['compile'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('holds both dbt_project.yml and stedi_project.yml');
  });

  it('keeps reading the first level of stedi_project.yml as a folder, and the project name there as the project', async () => {
    const dir = fixtureProject(MODELS, {
      projectFile:
        'name: fixture\nprofile: fixture\nmodels:\n  marts:\n    +materialized: table\n  fixture:\n    staging:\n      +tags: [s]\n',
    });
    const run = await cli(['compile'], { cwd: dir });
    expect(run.stderr).toBe('');
    const nodes = readTargetJson(dir, 'manifest.json').nodes;
    expect(nodes['model.fixture.orders'].config.materialized).toBe('table');
    expect(nodes['model.fixture.stg_orders'].config.tags).toEqual(['s']);
  });
});
