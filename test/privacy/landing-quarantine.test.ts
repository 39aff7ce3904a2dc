import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { withRealData } from '../helpers/requirements.js';
import { REAL_LANDING, cli, copyStediProject, readTargetJson, tempDir } from '../helpers/stedi-project.js';

async function rows(database: string, sql: string) {
  const adapter = await DuckDbAdapter.open({ path: database, settings: {} }, '/');
  try {
    return await adapter.query(sql);
  } finally {
    await adapter.close();
  }
}

/** Non-blank lines of a file, counted the way an editor shows them: the invariant's left-hand side. */
function nonBlankLines(file: string): number {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.replace(/\r$/, '').trim() !== '').length;
}

function landingFiles(root: string, dataset: string): string[] {
  const dir = path.join(root, dataset, 'landing');
  return readdirSync(dir).map((f) => path.join(dir, f));
}

/** Checks lines in each file = rows loaded + rows rejected, from run_results and the relations themselves. */
async function expectNothingLost(project: string, database: string, root: string) {
  const results = readTargetJson(project, 'run_results.json').results as Array<{
    name: string;
    landing_files?: Array<{ file: string; loaded: number; rejected: number }>;
  }>;
  for (const dataset of ['customer', 'accelerometer', 'step_trainer']) {
    const name = `${dataset}_landing`;
    const perFile = results.find((r) => r.name === name)!.landing_files!;
    for (const file of landingFiles(root, dataset)) {
      const counted = perFile.find((f) => f.file === file) ?? { loaded: 0, rejected: 0 };
      expect(counted.loaded + counted.rejected, file).toBe(nonBlankLines(file));
    }
    const [loaded] = await rows(database, `select count(*) as n from stedi.stedi.${name}`);
    const [rejected] = await rows(database, `select count(*) as n from stedi.stedi.${name}_rejects`);
    expect(loaded!.n).toBe(perFile.reduce((s, f) => s + f.loaded, 0));
    expect(rejected!.n).toBe(perFile.reduce((s, f) => s + f.rejected, 0));
  }
}

const GOOD =
  '{"customerName": "Ann Example", "email": "ann@example.test", "phone": "5550100", "birthDay": "1990-01-01", "serialNumber": "sn-1", "registrationDate": 1, "lastUpdateDate": 2, "shareWithResearchAsOfDate": 3}';

function writeHostileLanding(root: string): void {
  const write = (dataset: string, file: string, text: string | Buffer) => {
    mkdirSync(path.join(root, dataset, 'landing'), { recursive: true });
    writeFileSync(path.join(root, dataset, 'landing', file), text);
  };
  write(
    'customer',
    'customer-1.json',
    [
      GOOD,
      // keys in another order, an unknown extra key, the phone as a number, a timestamp as a string of digits
      '{"email": "bob@example.test", "favouriteColour": "green", "phone": 5550101, "customerName": "Bob Example", "serialNumber": "sn-2", "lastUpdateDate": "12", "shareWithResearchAsOfDate": 5}',
      '{"customerName": "Bad Time", "email": "bad@example.test", "serialNumber": "sn-3", "lastUpdateDate": "yesterday"}',
      '{"customerName": "Broken", "email": ',
      '',
      '[1, 2, 3]',
      '{"customerName": "Cut Off", "email": "cut@exa',
    ].join('\n'),
  );
  // A UTF-8 byte-order mark and Windows line endings.
  write(
    'customer',
    'customer-2.json',
    Buffer.from(
      `\uFEFF${GOOD.replace('ann@', 'carol@').replace('sn-1', 'sn-4')}\r\n${GOOD.replace('ann@', 'dan@').replace('sn-1', 'sn-5')}\r\n`,
      'utf8',
    ),
  );
  write('customer', 'customer-3.json', '');
  // A line of tabs and spaces is blank, like an empty one.
  write(
    'accelerometer',
    'accelerometer-1.json',
    '{"user": "ann@example.test", "timestamp": 10, "x": 1, "y": 0.5, "z": "-1"}\n\t \t\r\n{"user": "ann@example.test", "timestamp": "soon", "x": 1, "y": 1, "z": 1}\n',
  );
  write(
    'step_trainer',
    'step_trainer-1.json',
    '{"sensorReadingTime": 10, "serialNumber": "sn-1", "distanceFromObject": 200}\n',
  );
}

describe('landing data that arrives broken', () => {
  it('loads every readable line, quarantines the rest with file, line and reason, and loses nothing', async () => {
    const project = copyStediProject();
    const root = path.join(tempDir('stedi-hostile-'), 'landing');
    writeHostileLanding(root);
    const database = path.join(project, 'target/q/stedi.duckdb');
    const run = await cli(['run', '--vars', JSON.stringify({ landing_root: root })], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: database },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/WARN table stedi\.customer_landing/);
    expect(run.stdout).toContain(
      'customer_landing: 4 landing lines could not be read and were kept in stedi.customer_landing_rejects',
    );
    expect(
      await rows(database, 'select email, phone, lastupdatedate from stedi.stedi.customer_landing order by email'),
    ).toEqual([
      { email: 'ann@example.test', phone: '5550100', lastupdatedate: 2 },
      { email: 'bob@example.test', phone: '5550101', lastupdatedate: 12 },
      { email: 'carol@example.test', phone: '5550100', lastupdatedate: 2 },
      { email: 'dan@example.test', phone: '5550100', lastupdatedate: 2 },
    ]);
    const rejects = await rows(
      database,
      'select file, line_number, reason from stedi.stedi.customer_landing_rejects order by line_number',
    );
    expect(rejects.map((r) => [path.basename(String(r.file)), r.line_number])).toEqual([
      ['customer-1.json', 3],
      ['customer-1.json', 4],
      ['customer-1.json', 6],
      ['customer-1.json', 7],
    ]);
    expect(rejects[0]!.reason).toBe('lastUpdateDate: yesterday is not a bigint');
    expect(rejects[1]!.reason).toContain('malformed or truncated');
    expect(await rows(database, 'select "timestamp", z from stedi.stedi.accelerometer_landing')).toEqual([
      { timestamp: 10, z: -1 },
    ]);
    await expectNothingLost(project, database, root);
  });

  it('fails the load and keeps the previous tables when rejects exceed max_rejected_rows', async () => {
    const project = copyStediProject();
    const root = path.join(tempDir('stedi-hostile-'), 'landing');
    writeHostileLanding(root);
    const database = path.join(project, 'target/q/stedi.duckdb');
    const env = { STEDI_DUCKDB_PATH: database };
    expect((await cli(['run', '--select', 'customer_landing'], { cwd: project, env })).code).toBe(0);
    const before = await rows(database, 'select count(*) as n from stedi.stedi.customer_landing');
    const yml = path.join(project, 'models/landing/_landing.yml');
    writeFileSync(
      yml,
      readFileSync(yml, 'utf8').replace(
        'customer/landing/"\n          format: json',
        'customer/landing/"\n          format: json\n          max_rejected_rows: 2',
      ),
    );
    const run = await cli(['run', '--select', 'customer_landing', '--vars', JSON.stringify({ landing_root: root })], {
      cwd: project,
      env,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'customer_landing: too many unreadable landing lines (limit: max_rejected_rows 2); the previous tables are kept. Rejected lines: 4 of 8',
    );
    expect(await rows(database, 'select count(*) as n from stedi.stedi.customer_landing')).toEqual(before);
  });

  it('fails the load when rejects exceed max_rejected_fraction of the lines, and passes at the limit', async () => {
    const project = copyStediProject();
    const root = path.join(tempDir('stedi-hostile-'), 'landing');
    writeHostileLanding(root);
    const database = path.join(project, 'target/f/stedi.duckdb');
    const env = { STEDI_DUCKDB_PATH: database };
    const yml = path.join(project, 'models/landing/_landing.yml');
    const declared = readFileSync(yml, 'utf8');
    const withFraction = (fraction: number) =>
      writeFileSync(
        yml,
        declared.replace(
          'customer/landing/"\n          format: json',
          `customer/landing/"\n          format: json\n          max_rejected_fraction: ${fraction}`,
        ),
      );
    const vars = ['--vars', JSON.stringify({ landing_root: root })];
    withFraction(0.4); // 4 of 8 lines are unreadable: 0.5
    const over = await cli(['run', '--select', 'customer_landing', ...vars], { cwd: project, env });
    expect(over.code).toBe(1);
    expect(over.stdout).toContain(
      'customer_landing: too many unreadable landing lines (limit: max_rejected_fraction 0.4); the previous tables are kept. Rejected lines: 4 of 8',
    );
    withFraction(0.5);
    expect((await cli(['run', '--select', 'customer_landing', ...vars], { cwd: project, env })).code).toBe(0);
  });

  it('rejects lines whose values or keys are ambiguous, so that no guess lets a customer through', async () => {
    const project = copyStediProject();
    const root = path.join(tempDir('stedi-ambiguous-'), 'landing');
    writeHostileLanding(root);
    const customer = (email: string, serial: string, extra: string) =>
      GOOD.replace('ann@example.test', email).replace('sn-1', serial).replace('"shareWithResearchAsOfDate": 3', extra);
    writeFileSync(
      path.join(root, 'customer', 'landing', 'customer-3.json'),
      [
        // a fraction where a whole number belongs: a cast would round 0.6 to 1, a consent
        customer('fraction@example.test', 'sn-10', '"shareWithResearchAsOfDate": 0.6'),
        customer('digits@example.test', 'sn-11', '"shareWithResearchAsOfDate": "0.6"'),
        // the consent key twice: which one is right cannot be known
        customer('twice@example.test', 'sn-12', '"shareWithResearchAsOfDate": 0, "shareWithResearchAsOfDate": 7'),
        // a key in another case: Athena's SerDe would read it, DuckDB's paths would miss it
        customer('cased@example.test', 'sn-13', '"SHAREWITHRESEARCHASOFDATE": 7'),
        // whole numbers written as a double or with a sign are read as they are
        customer('whole@example.test', 'sn-14', '"shareWithResearchAsOfDate": 7.0').replace(
          '"registrationDate": 1',
          '"registrationDate": "+1"',
        ),
      ].join('\n'),
    );
    const database = path.join(project, 'target/a/stedi.duckdb');
    const run = await cli(['run', '--vars', JSON.stringify({ landing_root: root })], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: database },
    });
    expect(run.code, run.stdout).toBe(0);
    const rejects = await rows(
      database,
      "select line_number, reason from stedi.stedi.customer_landing_rejects where file like '%customer-3.json' order by line_number",
    );
    expect(rejects).toEqual([
      { line_number: 1, reason: 'shareWithResearchAsOfDate: 0.6 is not a bigint' },
      { line_number: 2, reason: 'shareWithResearchAsOfDate: 0.6 is not a bigint' },
      { line_number: 3, reason: 'shareWithResearchAsOfDate: the key appears more than once (letter case aside)' },
      { line_number: 4, reason: 'shareWithResearchAsOfDate: the key is written in another letter case' },
    ]);
    expect(
      await rows(
        database,
        "select email, sharewithresearchasofdate as consent, registrationdate from stedi.stedi.customer_landing where email like 'whole@%'",
      ),
    ).toEqual([{ email: 'whole@example.test', consent: 7, registrationdate: 1 }]);
    const trusted = (await rows(database, 'select email from stedi.stedi.customer_trusted')).map((r) => r.email);
    for (const email of ['fraction@example.test', 'digits@example.test', 'twice@example.test', 'cased@example.test'])
      expect(trusted).not.toContain(email);
    await expectNothingLost(project, database, root);
  });

  withRealData.it('keeps the invariant on corrupted copies of the real STEDI files', async () => {
    const project = copyStediProject();
    const root = path.join(tempDir('stedi-corrupt-'), 'landing');
    for (const dataset of ['customer', 'accelerometer', 'step_trainer']) {
      mkdirSync(path.join(root, dataset, 'landing'), { recursive: true });
      for (const file of landingFiles(REAL_LANDING, dataset))
        copyFileSync(file, path.join(root, dataset, 'landing', path.basename(file)));
    }
    const [first, second, third] = landingFiles(root, 'accelerometer');
    writeFileSync(first!, `\uFEFF${readFileSync(first!, 'utf8').replace(/\n/g, '\r\n')}`);
    const text = readFileSync(second!, 'utf8');
    writeFileSync(second!, text.slice(0, text.length - 25)); // the last line cut off mid-record
    writeFileSync(
      third!,
      `${readFileSync(third!, 'utf8')}{"user": "x@y", "timestamp": "not a time", "x": 1, "y": 1, "z": 1}\nnot json at all\n`,
    );
    const database = path.join(project, 'target/c/stedi.duckdb');
    const run = await cli(['run', '--vars', JSON.stringify({ landing_root: root })], {
      cwd: project,
      env: { STEDI_DUCKDB_PATH: database },
    });
    expect(run.code).toBe(0);
    await expectNothingLost(project, database, root);
    expect(await rows(database, 'select count(*) as n from stedi.stedi.accelerometer_landing')).toEqual([
      { n: 81_273 - 1 },
    ]);
    expect(await rows(database, 'select count(*) as n from stedi.stedi.accelerometer_landing_rejects')).toEqual([
      { n: 3 },
    ]);
  });
});
