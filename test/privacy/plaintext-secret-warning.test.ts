import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { plaintextSecrets } from '../../src/project/profiles.js';
import { cli, copyStediProject } from '../helpers/stedi-project.js';

const PLAINTEXT = 'hunter2-do-not-commit';

function withProfiles(extra: string): string {
  const project = copyStediProject();
  const file = path.join(project, 'profiles.yml');
  writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n${extra}`);
  return project;
}

describe('a secret written in profiles.yml', () => {
  it('draws a warning on stderr naming its key, without the value, and the run goes on', async () => {
    // A target other than the one used: a secret in the file is a leak whichever target runs.
    const project = withProfiles(
      `    warehouse:\n      type: duckdb\n      path: target/w.duckdb\n      settings:\n        s3_secret_access_key: ${PLAINTEXT}\n        s3_region: eu-west-1\n      password: "${PLAINTEXT}"\n`,
    );
    const run = await cli(['run'], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: path.join(project, 'target/db/stedi.duckdb') },
    });
    expect(run.code, run.stderr).toBe(0);
    const warnings = run.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    expect(warnings).toEqual([
      expect.stringContaining(
        'profiles.yml: stedi.outputs.warehouse.settings.s3_secret_access_key holds a secret written in the file',
      ),
      expect.stringContaining('profiles.yml: stedi.outputs.warehouse.password holds a secret written in the file'),
    ]);
    expect(warnings[0]).toContain(`{{ env_var('STEDI_SECRET_S3_SECRET_ACCESS_KEY') }}`);
    expect(run.stdout + run.stderr).not.toContain(PLAINTEXT);
  });

  it('draws no warning when read with env_var()', async () => {
    const project = withProfiles(
      `    warehouse:\n      type: duckdb\n      path: target/w.duckdb\n      password: "{{ env_var('STEDI_SECRET_PASSWORD') }}"\n`,
    );
    const run = await cli(['compile'], { cwd: project, env: { STEDI_SECRET_PASSWORD: PLAINTEXT } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('is recognised by key name: credentials with literal values, not other keys nor templated values', () => {
    expect(
      plaintextSecrets({
        p: {
          outputs: {
            a: {
              password: 'x',
              api_key: 'x',
              token: 12345,
              aws_access_key_id: 'AKIA',
              private_key: 'x',
              db_passwd: 'x',
            },
            b: {
              password: "{{ env_var('P') }}",
              secret: '',
              path: 'x',
              key_prefix: 'x',
              schema: 'secretive',
              threads: 4,
            },
          },
        },
      }),
    ).toEqual([
      'p.outputs.a.password',
      'p.outputs.a.api_key',
      'p.outputs.a.token',
      'p.outputs.a.aws_access_key_id',
      'p.outputs.a.private_key',
      'p.outputs.a.db_passwd',
    ]);
  });
});
