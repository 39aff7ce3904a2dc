import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, copyStediProject } from '../helpers/stedi-project.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('secrets', () => {
  const salt = 'pepper-7f3a9c-do-not-leak';

  it('never appear in compiled SQL, run files, manifest, run results or the log', async () => {
    const project = copyStediProject();
    const env = { STEDI_SECRET_PSEUDONYM_SALT: salt, STEDI_DUCKDB_PATH: path.join(project, 'target/db/stedi.duckdb') };
    const vars = ['--vars', '{ml_customer_pseudonym: true}'];
    const run = await cli(['run', ...vars], { cwd: project, env });
    const json = await cli(['run', ...vars, '--log-format', 'json', '--select', 'machine_learning_curated'], {
      cwd: project,
      env,
    });
    expect(run.code).toBe(0);
    expect(json.code).toBe(0);
    const written = filesUnder(path.join(project, 'target')).filter(
      (f) => !f.endsWith('.duckdb') && !f.endsWith('.wal'),
    );
    expect(written.length).toBeGreaterThan(5);
    // The salt reached the engine: the executed statement contained it, masked in the file.
    expect(
      readFileSync(path.join(project, 'target/run/models/curated/machine_learning_curated.sql'), 'utf8'),
    ).toContain('sha256(\'*****:\' || a."user")');
    for (const file of written) expect(readFileSync(file, 'utf8'), file).not.toContain(salt);
    expect(run.stdout + run.stderr + json.stdout + json.stderr).not.toContain(salt);
  });

  it('never appear in any written form: quoted into SQL, escaped in JSON, in the JUnit file', async () => {
    const hard = `s3cr'et"pep\\per<&>-${Date.now()}`;
    const forms = [
      hard,
      hard.replaceAll("'", "''"),
      JSON.stringify(hard).slice(1, -1),
      JSON.stringify(hard.replaceAll("'", "''")).slice(1, -1),
    ];
    const project = copyStediProject();
    const env = { STEDI_SECRET_PSEUDONYM_SALT: hard, STEDI_DUCKDB_PATH: path.join(project, 'target/db/stedi.duckdb') };
    const run = await cli(['build', '--vars', '{ml_customer_pseudonym: true}', '--junit', 'target/junit.xml'], {
      cwd: project,
      env,
    });
    expect(run.code, run.stdout).toBe(0);
    expect(
      readFileSync(path.join(project, 'target/run/models/curated/machine_learning_curated.sql'), 'utf8'),
    ).toContain('sha256(\'*****:\' || a."user")');
    const written = filesUnder(path.join(project, 'target')).filter(
      (f) => !f.endsWith('.duckdb') && !f.endsWith('.wal'),
    );
    expect(written).toContain(path.join(project, 'target/manifest.json'));
    for (const file of written)
      for (const form of forms) expect(readFileSync(file, 'utf8'), `${file} holds ${form}`).not.toContain(form);
    for (const form of forms) expect(run.stdout + run.stderr).not.toContain(form);
  });

  it('are masked in error messages', async () => {
    const project = copyStediProject();
    const run = await cli(['compile', '--vars', `{consent_cutoff: '${salt}'}`], {
      cwd: project,
      env: { STEDI_SECRET_X: salt },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("got '*****'");
    expect(run.stderr).not.toContain(salt);
  });
});
