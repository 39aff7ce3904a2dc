import { existsSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, readTargetJson } from '../helpers/stedi-project.js';
import { fixtureProject, queryFixtureDb } from '../helpers/fixture-project.js';

const UTILS = path.resolve(import.meta.dirname, '../fixtures/dbt-shop-utils');

function shop(packagesYml: string, files: Record<string, string> = {}): string {
  return fixtureProject(
    { 'packages.yml': packagesYml, 'models/orders.sql': 'select 1 as order_id', ...files },
    {
      projectFileName: 'dbt_project.yml',
      projectFile:
        'name: shop\nprofile: fixture\nclean-targets: [target, dbt_packages]\nmodels:\n  shop_utils:\n    +materialized: table\n',
    },
  );
}

describe('stedi-models deps', () => {
  it("installs a local package as a link in dbt_packages/, whose macros and models the project uses, configured under the package's name", async () => {
    const dir = shop(`packages:\n  - local: ${UTILS}\n`, {
      'models/month_share.sql':
        "select month_name, {{ percent_of('month_number', 6) }} as share from {{ ref('calendar_months') }}",
    });
    const deps = await cli(['deps'], { cwd: dir });
    expect(deps.code, deps.stderr).toBe(0);
    expect(deps.stdout).toBe(`Installed shop_utils from ${UTILS} into dbt_packages/shop_utils\n`);
    expect(lstatSync(path.join(dir, 'dbt_packages/shop_utils')).isSymbolicLink()).toBe(true);
    const build = await cli(['build'], { cwd: dir });
    expect(build.code, build.stdout + build.stderr).toBe(0);
    expect(build.stderr).toBe('');
    expect(build.stdout).toMatch(/OK table analytics\.calendar_months/);
    const rows = await queryFixtureDb(dir, 'select month_name, share from analytics.month_share order by share');
    expect(rows.map((r) => [r.month_name, Number(r.share)])).toEqual([
      ['January', 16.7],
      ['February', 33.3],
      ['March', 50],
    ]);
    const { nodes } = readTargetJson(dir, 'manifest.json');
    expect(Object.keys(nodes)).toContain('model.shop_utils.calendar_months');
    // The package's yml: its tests are the package's (id and fqn), its description names the package's docs block.
    expect(nodes['model.shop_utils.calendar_months'].description).toBe("The first quarter's months, numbered from 1.");
    expect(nodes['test.shop_utils.unique_calendar_months_month_number'].fqn).toEqual([
      'shop_utils',
      'unique_calendar_months_month_number',
    ]);
    expect(build.stdout).toMatch(/PASS test unique_calendar_months_month_number/);
    // clean removes the link, never the package's own folder.
    expect((await cli(['clean'], { cwd: dir })).code).toBe(0);
    expect(existsSync(path.join(dir, 'dbt_packages'))).toBe(false);
    expect(existsSync(path.join(UTILS, 'macros/percent_of.sql'))).toBe(true);
  });

  it('stops on hub and git packages, which cannot be fetched offline, naming each, before installing anything', async () => {
    const dir = shop(
      `packages:\n  - local: ${UTILS}\n  - package: dbt-labs/dbt_utils\n    version: [">=1.0.0", "<2.0.0"]\n  - git: https://example.com/acme/dbt-helpers.git\n    revision: main\n`,
    );
    const run = await cli(['deps'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'packages.yml: packages[1]: package dbt-labs/dbt_utils (version [">=1.0.0","<2.0.0"]) from dbt Hub cannot be fetched: stedi-models installs local packages only.',
    );
    expect(run.stderr).toContain(
      'packages.yml: packages[2]: git https://example.com/acme/dbt-helpers.git cannot be fetched',
    );
    expect(existsSync(path.join(dir, 'dbt_packages'))).toBe(false);
  });

  it('says so when there is nothing to install, and names a local folder that does not exist', async () => {
    const none = fixtureProject({});
    expect((await cli(['deps'], { cwd: none })).stdout).toContain('No packages to install');
    const missing = shop('packages:\n  - local: ../nowhere\n');
    const run = await cli(['deps'], { cwd: missing });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('packages.yml: packages[0].local: no folder');
  });
});
