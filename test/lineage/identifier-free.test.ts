import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, copyStediProject, readTargetJson } from '../helpers/stedi-project.js';

// A view promised identifier_free whose owner_key is an email, reached through a CTE and a join.
const ownerKeys = (key: string) => `{{ config(materialized='view', privacy=['identifier_free']) }}
with owners as (
    select c.email, c.serialnumber from {{ ref('customer_curated') }} as c
)
select ${key} as owner_key, s.distancefromobject
from owners as o
inner join {{ ref('step_trainer_trusted') }} as s on s.serialnumber = o.serialnumber
`;

function projectWith(model: string): string {
  const dir = copyStediProject();
  writeFileSync(path.join(dir, 'models/curated/owner_keys.sql'), model);
  return dir;
}

const SALT = { STEDI_SECRET_PSEUDONYM_SALT: 'test-salt' };

describe('privacy: [identifier_free] checked from column lineage', () => {
  it('stops compile with exit 2, naming the model, the column and its path to the landing column', async () => {
    const dir = projectWith(ownerKeys('lower(trim(o.email))'));
    const run = await cli(['compile'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'models/curated/owner_keys.sql: model owner_keys is configured privacy: [identifier_free], but its column owner_key carries an identifier: owner_keys.owner_key ← customer_curated.email ← customer_trusted.email ← customer_landing.email',
    );
    expect(run.stderr).toContain("customer_landing.email matches '%email%' in seed identifier_columns");
    expect(run.stderr).toContain('pseudonym(');
    expect(run.stderr).not.toContain('distancefromobject carries');
    expect(run.stderr).not.toMatch(/\n\s+at /);
    // Nothing was written: the check comes before target/compiled and the manifest.
    expect(existsSync(path.join(dir, 'target/compiled'))).toBe(false);
  });

  it('stops run, build and test, whatever is selected, before connecting: no database is created', async () => {
    const dir = projectWith(ownerKeys('lower(trim(o.email))'));
    for (const command of ['run', 'build', 'test']) {
      const run = await cli([command, '--select', 'customer_trusted'], { cwd: dir, env: SALT });
      expect(run.code, command).toBe(2);
      expect(run.stderr, command).toContain('its column owner_key carries an identifier');
    }
    expect(existsSync(path.join(dir, 'target/stedi.duckdb'))).toBe(false);
  });

  it('compiles the same column passed through pseudonym(), and records the lineage in the manifest', async () => {
    const dir = projectWith(ownerKeys(`{{ pseudonym('lower(trim(o.email))') }}`));
    const run = await cli(['compile'], { cwd: dir, env: SALT });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const node = readTargetJson(dir, 'manifest.json').nodes['model.stedi.owner_keys'];
    const ownerKey = node.column_lineage.columns.find((c: { name: string }) => c.name === 'owner_key');
    expect(ownerKey.derivedFrom).toEqual([
      { node: 'model.stedi.customer_curated', column: 'email', pseudonymised: true },
    ]);
    expect(ownerKey.filteredBy).toContainEqual({ node: 'model.stedi.step_trainer_trusted', column: 'serialnumber' });
  });

  it('holds machine_learning_curated: it compiles, and with an email column added it does not', async () => {
    const dir = copyStediProject();
    expect((await cli(['compile', '--vars', '{ml_customer_pseudonym: true}'], { cwd: dir, env: SALT })).code).toBe(0);
    const file = path.join(dir, 'models/curated/machine_learning_curated.sql');
    const { readFileSync } = await import('node:fs');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    a.z\n', '    a.z,\n    upper(a."user") as u\n'));
    const run = await cli(['compile'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'its column u carries an identifier: machine_learning_curated.u ← accelerometer_trusted.user ← accelerometer_landing.user',
    );
  });
});
