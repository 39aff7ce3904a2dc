import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryDatabase } from '../helpers/query-database.js';
import { writeLandingData } from '../../src/generate/write-landing-data.js';
import { readLanding } from '../helpers/landing-files.js';
import { withRealData } from '../helpers/requirements.js';
import { cli, copyStediProject, readTargetJson, REAL_LANDING, tempDir } from '../helpers/stedi-project.js';
import { databaseState } from '../reliability/database-state.js';

const query = queryDatabase;

// A change to customer_trusted that lets two customers without research consent through, by an appended `union all`
// that the unit tests' fixtures (all @x.test) never reach: only the data tests can see it.
const LEAK = `
union all
select customername, email, phone, birthday, serialnumber, registrationdate, lastupdatedate, sharewithresearchasofdate,
       sharewithpublicasofdate, sharewithfriendsasofdate
from (
    select * from {{ source('landing', 'customer_landing') }}
    where sharewithresearchasofdate is null and email not like '%@x.test'
    order by email
    limit 2
) as leak
`;

const ZONES = [
  'customer_trusted',
  'accelerometer_trusted',
  'customer_curated',
  'step_trainer_trusted',
  'machine_learning_curated',
];

/** Customers of a relation (by email) whose newest landing record does not grant research consent. */
function nonConsentingSql(relation: string): string {
  return `select count(*) as n from stedi.${relation} as t
    where not exists (select 1 from stedi.customer_landing as l where l.email = t.email and l.sharewithresearchasofdate is not null and l.sharewithresearchasofdate <> 0)`;
}

function zoneState(state: Awaited<ReturnType<typeof databaseState>>): Record<string, unknown> {
  return Object.fromEntries(ZONES.map((z) => [z, state.get(`stedi.${z}`)]));
}

/** Builds the project, then runs `command` with the leak in customer_trusted; returns what a reader sees before and after. */
async function leakAfterGoodBuild(command: 'run' | 'build', vars: string[]) {
  const project = copyStediProject();
  const database = path.join(project, 'target', 'lakehouse.duckdb');
  const good = await cli([command, ...vars], { cwd: project });
  expect(good.code, good.stdout + good.stderr).toBe(0);
  const before = await databaseState(database);
  appendFileSync(path.join(project, 'models/trusted/customer_trusted.sql'), LEAK);
  const leaked = await cli([command, ...vars], { cwd: project });
  const after = await databaseState(database);
  const results = readTargetJson(project, 'run_results.json').results as Array<{
    name: string;
    status: string;
    message: string | null;
    failures: number | null;
  }>;
  return {
    project,
    database,
    before,
    after,
    leaked,
    results,
    status: (name: string) => results.find((r) => r.name === name)?.status,
  };
}

describe('write–audit–publish: a model whose new rows fail a blocking test is not published', () => {
  for (const command of ['run', 'build'] as const) {
    it(`${command}: a change to customer_trusted that lets non-consenting customers through exits 1 and leaves every zone relation as it was`, async () => {
      const { database, before, after, leaked, results, status } = await leakAfterGoodBuild(command, []);
      expect(leaked.code, leaked.stdout).toBe(1);
      // Exactly as before: row count and checksum of every trusted and curated relation.
      expect(zoneState(after)).toEqual(zoneState(before));
      expect(Number((await query(database, nonConsentingSql('customer_trusted')))[0]!.n)).toBe(0);
      expect(status('customer_trusted')).toBe('error');
      const failed = results.find((r) => r.name === 'customer_trusted')!;
      expect(failed.message).toContain(
        'was not published: test consented_customer_trusted_email found 2 failing rows in its new rows',
      );
      for (const child of [
        'accelerometer_trusted',
        'customer_curated',
        'step_trainer_trusted',
        'machine_learning_curated',
      ])
        expect(status(child), child).toBe('skipped');
      if (command === 'build') {
        // The test is reported failed with its count, not skipped: a pull-request check's JUnit file shows it.
        expect(results.find((r) => r.name === 'consented_customer_trusted_email')).toMatchObject({
          status: 'fail',
          failures: 2,
        });
      }
      expect(leaked.stdout).toMatch(/ERROR customer_trusted/);
    });
  }

  it('writes the audits into target/run beside the statements they guard, and reports them on the model line and in run_results.json', async () => {
    const project = copyStediProject();
    const run = await cli(['run'], { cwd: project });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/OK table stedi\.customer_trusted \.+ \[\d+ rows written, audited by 2 tests in/);
    expect(run.stdout).toMatch(
      /OK table stedi\.machine_learning_curated \.+ \[[\d,]+ rows written, audited by 3 tests in/,
    );
    const plan = readFileSync(path.join(project, 'target/run/models/trusted/customer_trusted.sql'), 'utf8');
    // The audits come after the new rows are in place inside the transaction, and before the commit that publishes them.
    const order = [
      '-- build table customer_trusted beside the old one',
      '-- audit customer_trusted with test consented_customer_trusted_email before publishing',
      '-- publish customer_trusted',
    ];
    expect(order.map((line) => plan.indexOf(line))).toEqual(
      [...order.map((line) => plan.indexOf(line))].sort((a, b) => a - b),
    );
    expect(order.every((line) => plan.includes(line))).toBe(true);
    const result = readTargetJson(project, 'run_results.json').results.find(
      (r: { name: string }) => r.name === 'machine_learning_curated',
    );
    expect(result.audits).toEqual(
      [
        { test: 'no_identifiers_machine_learning_curated', failures: 0 },
        { test: 'consented_machine_learning_curated_serialnumber', failures: 0 },
        { test: 'ml_phone_readings_are_consented', failures: 0 },
      ].sort(
        (a, b) =>
          result.audits.findIndex((x: { test: string }) => x.test === a.test) -
          result.audits.findIndex((x: { test: string }) => x.test === b.test),
      ),
    );
  });

  it('in run, audits only the blocking (privacy) tests; in build, every error-severity test of the model', async () => {
    const project = copyStediProject();
    const run = await cli(['run'], { cwd: project });
    expect(run.code, run.stdout).toBe(0);
    const audited = (_command: string) =>
      readTargetJson(project, 'run_results.json')
        .results.find((r: { name: string }) => r.name === 'customer_trusted')
        .audits.map((a: { test: string }) => a.test)
        .sort();
    expect(audited('run')).toEqual(['consented_customer_trusted_email', 'consented_customer_trusted_serialnumber']);
    const build = await cli(['build', '--select', 'customer_trusted'], { cwd: project });
    expect(build.code, build.stdout).toBe(0);
    expect(audited('build')).toEqual([
      'consented_customer_trusted_email',
      'consented_customer_trusted_serialnumber',
      'not_null_customer_trusted_email',
      'not_null_customer_trusted_serialnumber',
      // reference_row_count_customer_trusted is switched off on this data (skip_test): it audits nothing.
      'unique_customer_trusted_email',
      'unique_customer_trusted_serialnumber',
    ]);
  });

  it('on an incremental run, commits the purge of a withdrawn customer even when the new rows are refused', async () => {
    const project = copyStediProject();
    const landing = path.join(tempDir('stedi-wap-'), 'landing');
    await writeLandingData({ outDir: landing, customers: 60, seed: 7 });
    const vars = ['--vars', JSON.stringify({ landing_root: landing })];
    const database = path.join(project, 'target', 'lakehouse.duckdb');
    expect((await cli(['run', ...vars], { cwd: project })).code).toBe(0);
    // A customer with readings in accelerometer_trusted withdraws consent in a newer landing record...
    const user = String(
      (
        await query(database, 'select "user" from stedi.accelerometer_trusted group by "user" order by "user" limit 1')
      )[0]!.user,
    );
    const record = readLanding(landing, 'customer').find((c) => c.email === user)!;
    writeFileSync(
      path.join(landing, 'customer/landing/withdrawal.json'),
      `${JSON.stringify({ ...record, lastUpdateDate: Number(record.lastUpdateDate) + 1, shareWithResearchAsOfDate: 0 })}\n`,
    );
    // ...and, in the same run, a change lets a non-consenting customer's readings into accelerometer_trusted.
    const model = path.join(project, 'models/trusted/accelerometer_trusted.sql');
    writeFileSync(
      model,
      `${readFileSync(model, 'utf8')}
union all
select a."user", a."timestamp", a.x, a.y, a.z
from {{ source('landing', 'accelerometer_landing') }} as a
where a."user" in (select email from {{ source('landing', 'customer_landing') }} where sharewithresearchasofdate is null)
`,
    );
    const before = Number((await query(database, 'select count(*) as n from stedi.accelerometer_trusted'))[0]!.n);
    const leaked = await cli(['run', ...vars, '--select', '+accelerometer_trusted'], { cwd: project });
    expect(leaked.code, leaked.stdout).toBe(1);
    expect(leaked.stdout).toContain('was not published: test consented_accelerometer_trusted_user found');
    // The leak was refused, and the withdrawn customer's readings are gone all the same.
    const left = await query(
      database,
      `select count(*) filter (where "user" = '${user.replaceAll("'", "''")}') as withdrawn, count(*) as n from stedi.accelerometer_trusted`,
    );
    expect(Number(left[0]!.withdrawn)).toBe(0);
    expect(Number(left[0]!.n)).toBeLessThan(before);
    const leakedRows = await query(
      database,
      `select count(*) as n from stedi.accelerometer_trusted as t
      where t."user" in (select email from stedi.customer_landing where sharewithresearchasofdate is null)`,
    );
    expect(Number(leakedRows[0]!.n)).toBe(0);
  });
});

withRealData.describe('write–audit–publish on the real STEDI data', () => {
  let vars: string[];
  beforeAll(() => {
    // The real files are read where they are; only the project is copied.
    vars = ['--vars', JSON.stringify({ landing_root: REAL_LANDING })];
  });

  for (const command of ['run', 'build'] as const) {
    it(`${command}: the leak is refused, customer_trusted keeps its 482 consenting customers, and nothing downstream changes`, async () => {
      const { database, before, after, leaked } = await leakAfterGoodBuild(command, vars);
      expect(leaked.code, leaked.stdout).toBe(1);
      expect(zoneState(after)).toEqual(zoneState(before));
      expect((await query(database, 'select count(*) as n from stedi.customer_trusted'))[0]!.n).toBe(482);
      expect(Number((await query(database, nonConsentingSql('customer_trusted')))[0]!.n)).toBe(0);
    });
  }
});
