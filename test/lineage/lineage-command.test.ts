import { describe, expect, it } from 'vitest';
import { cli, REPO_ROOT } from '../helpers/stedi-project.js';

const lineage = (...args: string[]) => cli(['lineage', ...args], { cwd: REPO_ROOT });

describe('stedi-models lineage', () => {
  it('prints the columns machine_learning_curated.x derives from, down to the landing source, and the path', async () => {
    const run = await lineage('machine_learning_curated.x');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['accelerometer_trusted.x', 'accelerometer_landing.x']);
    expect(lines).toContain('path: machine_learning_curated.x ← accelerometer_trusted.x ← accelerometer_landing.x');
    // The join on time and the consent filters choose rows; they are listed apart, never as a source of x.
    expect(run.stdout).toMatch(/^filtered or joined by \(not derived from\): .*accelerometer_trusted\.timestamp/m);
  });

  it('follows machine_learning_curated.serialnumber to step_trainer_landing and customer_curated.email to customer_landing', async () => {
    const serial = await lineage('machine_learning_curated.serialnumber');
    expect(serial.stdout).toContain(
      'path: machine_learning_curated.serialnumber ← step_trainer_trusted.serialnumber ← step_trainer_landing.serialnumber',
    );
    const email = await lineage('customer_curated.email', '--output', 'json');
    expect(email.code).toBe(0);
    const answer = JSON.parse(email.stdout);
    expect(answer.columns).toEqual(['customer_trusted.email', 'customer_landing.email']);
    expect(answer.paths).toEqual([['customer_curated.email', 'customer_trusted.email', 'customer_landing.email']]);
    expect(answer.unknown).toEqual([]);
  });

  it('with --downstream, lists what a landing column feeds', async () => {
    const run = await lineage('accelerometer_landing.user', '--downstream');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('accelerometer_trusted.user');
    // machine_learning_curated does not select user: it only joins by it (in same_customer), so it is not reached.
    expect(run.stdout).not.toContain('machine_learning_curated');
  });

  it('names the relation or column that does not exist, with exit 2 and no stack trace', async () => {
    const column = await lineage('customer_curated.mail');
    expect(column.code).toBe(2);
    expect(column.stderr).toContain("customer_curated has no column 'mail'; its columns: customername, email");
    const relation = await lineage('customer_cured.email');
    expect(relation.code).toBe(2);
    expect(relation.stderr).toContain("no model, source or seed is named 'customer_cured'");
    expect(relation.stderr).not.toMatch(/\n\s+at /);
  });
});
