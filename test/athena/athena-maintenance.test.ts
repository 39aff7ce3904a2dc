import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli, copyStediProject, readTargetJson } from '../helpers/stedi-project.js';
import { athenaSyntaxProblems } from './athena-grammar.js';
import { ATHENA_ARGS, ATHENA_ENV } from './athena-test-target.js';
import { FakeAthena } from './fake-athena.js';

const ENV = { ...ATHENA_ENV, STEDI_SECRET_PSEUDONYM_SALT: 'pepper-for-tests' };
const ARGS = ATHENA_ARGS;
const MODEL = 'machine_learning_curated';
const CHECK = /^select [\s\S]* as due$/;
const MAINTENANCE = /^(alter table `stedi`.`machine_learning_curated` set tblproperties|optimize |vacuum )/;

let fake: FakeAthena;
beforeEach(() => (fake = new FakeAthena()));
afterEach(() => fake.restore());

/** A project whose tables exist (a first run), with what the second run of machine_learning_curated then sent. */
async function secondRun(configure?: (dir: string) => void) {
  const dir = copyStediProject();
  configure?.(dir);
  const first = await cli(['run', ...ARGS], { cwd: dir, env: ENV });
  expect(first.code, first.stdout + first.stderr).toBe(0);
  const from = fake.sent.length;
  const run = await cli(['run', ...ARGS, '--select', MODEL], { cwd: dir, env: ENV });
  return { dir, run, sent: fake.sent.slice(from) };
}

describe('scheduled maintenance of an incremental Iceberg table without a purge (machine_learning_curated)', () => {
  it('asks the table metadata once whether it is due, and sends no maintenance when it is not', async () => {
    fake.maintenanceDue = false;
    const { run, sent } = await secondRun();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const checks = sent.filter((sql) => CHECK.test(sql));
    expect(checks).toHaveLength(1);
    expect(checks[0]).toContain('from "stedi"."machine_learning_curated$snapshots" where committed_at > coalesce(');
    expect(checks[0]).toContain("where operation = 'replace'");
    expect(checks[0]).toContain('>= 10');
    expect(checks[0]).toContain('from "stedi"."machine_learning_curated$files" where content <> 0) >= 50');
    expect(athenaSyntaxProblems(checks[0]!)).toEqual([]);
    // It is the last thing the model sends: the write is done before the table is looked at.
    expect(sent.at(-1)).toBe(checks[0]);
    expect(sent.filter((sql) => MAINTENANCE.test(sql))).toEqual([]);
    expect(run.stdout).not.toContain('table maintenance');
  });

  it('sends the properties, OPTIMIZE (again while Athena asks for more runs) and VACUUM when due, and costs them apart', async () => {
    fake.maintenanceDue = true;
    fake.moreRunsNeeded = { optimize: 2 };
    const { dir, run, sent } = await secondRun();
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const maintenance = sent.filter((sql) => MAINTENANCE.test(sql)).map((sql) => sql.split(' ')[0]);
    expect(maintenance).toEqual(['alter', 'optimize', 'optimize', 'optimize', 'vacuum']);
    const [result] = readTargetJson(dir, 'run_results.json').results;
    // The two OPTIMIZE runs Athena sent back failed, so they are neither billed nor counted: one OPTIMIZE and one VACUUM are.
    expect(result.stats).toMatchObject({ maintenance_queries: 2 });
    expect(result.stats.maintenance_cost_usd).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/over \d+ queries; table maintenance 2 of them, \$0\.\d+\./);
  });

  it('checks nothing when the project turns the schedule off', async () => {
    fake.maintenanceDue = true;
    const { run, sent } = await secondRun((dir) => {
      const file = path.join(dir, 'stedi_project.yml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(
          /\nmodels:\n/,
          '\nmodels:\n  +maintenance_after_commits: 0\n  +maintenance_after_delete_files: 0\n',
        ),
      );
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(sent.filter((sql) => CHECK.test(sql) || MAINTENANCE.test(sql))).toEqual([]);
  });

  it('checks only the delete files when the commit count is off', async () => {
    const { sent } = await secondRun((dir) => {
      const file = path.join(dir, 'stedi_project.yml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(/\nmodels:\n/, '\nmodels:\n  +maintenance_after_commits: 0\n'),
      );
    });
    const [check] = sent.filter((sql) => CHECK.test(sql));
    expect(check).toBe(
      'select (select count(*) from "stedi"."machine_learning_curated$files" where content <> 0) >= 50 as due',
    );
  });
});
