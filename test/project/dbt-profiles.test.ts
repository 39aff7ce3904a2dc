import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/stedi-project.js';
import { fixtureProject } from '../helpers/fixture-project.js';

/** profiles.yml as `dbt init` writes it for dbt-duckdb, with dbt's own config block beside the profile. */
const DBT_PROFILES = `config:
  send_anonymous_usage_stats: false
shop:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: shop.duckdb
      schema: analytics
      threads: 2
`;

function dbtProject(): string {
  return fixtureProject(
    { 'models/orders.sql': 'select 1 as order_id' },
    { projectFileName: 'dbt_project.yml', projectFile: 'name: shop\nprofile: shop\n', profiles: DBT_PROFILES },
  );
}

async function targetOf(dir: string, env: Record<string, string> = {}) {
  const run = await cli(['debug'], { cwd: dir, env });
  return { ...run, out: run.stdout + run.stderr };
}

describe('profiles.yml as dbt writes it, found where dbt looks', () => {
  it("reads the profile named by dbt_project.yml's profile:, its target and a duckdb output, ignoring dbt's config block", async () => {
    const dir = dbtProject();
    const run = await cli(['run'], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toContain("profiles.yml: 'config' holds dbt's own settings; stedi-models ignores them.");
    expect(run.stdout).toMatch(/OK view analytics\.orders/);
  });

  it('finds profiles.yml in $DBT_PROFILES_DIR, then ~/.dbt/, when the project folder has none', async () => {
    const dir = dbtProject();
    const elsewhere = tempDir('dbt-profiles-');
    renameSync(path.join(dir, 'profiles.yml'), path.join(elsewhere, 'profiles.yml'));
    const missing = await targetOf(dir, { HOME: tempDir('empty-home-') });
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('No profiles.yml found');
    const viaEnv = await targetOf(dir, { DBT_PROFILES_DIR: elsewhere });
    expect(viaEnv.out, viaEnv.out).toContain(path.join(elsewhere, 'profiles.yml'));
    const home = tempDir('dbt-home-');
    mkdirSync(path.join(home, '.dbt'));
    writeFileSync(path.join(home, '.dbt', 'profiles.yml'), DBT_PROFILES);
    const viaHome = await targetOf(dir, { HOME: home });
    expect(viaHome.out).toContain(path.join(home, '.dbt', 'profiles.yml'));
    // --profiles-dir wins over both.
    const viaFlag = await cli(['debug', '--profiles-dir', elsewhere], { cwd: dir, env: { HOME: home } });
    expect(viaFlag.stdout + viaFlag.stderr).toContain(path.join(elsewhere, 'profiles.yml'));
  });
});
