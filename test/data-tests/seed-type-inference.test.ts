import { describe, expect, it } from 'vitest';
import { inferSeedColumnType } from '../../src/materialize/seed-types.js';
import { fixtureProject, queryFixtureDb as query } from '../helpers/fixture-project.js';
import { cli } from '../helpers/stedi-project.js';

async function columnTypes(dir: string, table: string): Promise<string[]> {
  const rows = await query(
    dir,
    `select column_name, data_type from information_schema.columns where table_name = '${table}' order by ordinal_position`,
  );
  return rows.map((r) => `${String(r.column_name)}:${String(r.data_type)}`);
}

describe('seed column types inferred from the values, as dbt does', () => {
  it.each([
    [['1', '-42', ''], 'int'],
    [['1', '3000000000'], 'bigint'],
    [['1', '2.50', '-.5', '1e3'], 'double'],
    [['2024-01-31', '', '2023-12-01'], 'date'],
    [['2024-01-31 10:00:00', '2024-02-01T23:59:59.123'], 'timestamp'],
    [['true', 'FALSE', ''], 'boolean'],
  ] as const)('reads %j as %s', (values, type) => {
    expect(inferSeedColumnType(values)).toBe(type);
  });

  it.each([
    [['1', '2', 'three'], 'ints mixed with text'],
    [['1.5', 'n/a'], 'decimals mixed with text'],
    [['2024-01-31', '2024-02-30'], 'a date that does not exist'],
    [['2024-01-31', '2024-01-31 10:00:00'], 'dates mixed with timestamps'],
    [['true', 'yes'], 'true mixed with yes'],
    [['', ''], 'no value at all'],
    [['1,000', '2'], 'a thousands separator'],
  ] as const)('keeps %j as text: %s', (values, _why) => {
    expect(inferSeedColumnType(values)).toBe('string');
  });

  it('loads each inferred type into DuckDB, empty cells as NULL, and declared column_types win', async () => {
    const dir = fixtureProject({
      'seeds/orders.csv': [
        'id,amount_cents,rate,ordered_on,shipped_at,paid,code,note,zip',
        '1,1250,0.5,2024-01-31,2024-02-01 08:30:00,true,A1,,01234',
        '2,,1.25,,2024-02-02T09:00:00,false,7,x,02345',
      ].join('\n'),
      'seeds/_seeds.yml':
        'version: 2\nseeds:\n  - name: orders\n    config:\n      column_types: {zip: varchar, id: bigint}\n',
    });
    const run = await cli(['seed'], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await columnTypes(dir, 'orders')).toEqual([
      'id:BIGINT',
      'amount_cents:INTEGER',
      'rate:DOUBLE',
      'ordered_on:DATE',
      'shipped_at:TIMESTAMP',
      'paid:BOOLEAN',
      'code:VARCHAR',
      'note:VARCHAR',
      'zip:VARCHAR',
    ]);
    const rows = await query(
      dir,
      'select amount_cents, ordered_on is null as no_date, note is null as no_note, zip from analytics.orders order by id',
    );
    expect(rows.map((r) => [r.amount_cents, r.no_date, r.no_note, r.zip])).toEqual([
      [1250, false, true, '01234'],
      [null, true, false, '02345'],
    ]);
  });

  it('takes column_types from the project file under the project name, below the seed yml', async () => {
    const dir = fixtureProject(
      {
        'seeds/lookup/codes.csv': 'code,label,weight\n1,one,2\n2,two,3\n',
        'seeds/_seeds.yml': 'version: 2\nseeds:\n  - name: codes\n    config:\n      column_types: {weight: double}\n',
      },
      {
        projectFileName: 'dbt_project.yml',
        projectFile:
          'name: shop\nprofile: fixture\nseeds:\n  shop:\n    lookup:\n      +column_types: {code: varchar, weight: bigint}\n',
      },
    );
    const run = await cli(['seed', '--full-refresh'], { cwd: dir });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(await columnTypes(dir, 'codes')).toEqual(['code:VARCHAR', 'label:VARCHAR', 'weight:DOUBLE']);
  });
});
