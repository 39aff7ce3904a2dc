import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/stedi-project.js';

// What a purge leaves in a DuckDB database file: the facts the README's privacy section states. Values are stored
// uncompressed here so that a search of the file's bytes finds every stored copy; DuckDB's usual compression (a
// dictionary, FSST) stores the same values in encoded form, where a byte search finds fewer copies but they are
// still there.
const EMAIL = 'withdrawn.customer.7f3a9@example.org';

function copiesIn(file: string): number {
  const bytes = readFileSync(file);
  let copies = 0;
  for (let at = bytes.indexOf(EMAIL); at >= 0; at = bytes.indexOf(EMAIL, at + 1)) copies++;
  return copies;
}

async function databaseWithReadings(file: string) {
  const db = await DuckDBInstance.create(file);
  const connection = await db.connect();
  await connection.run("pragma force_compression = 'uncompressed'");
  // One customer among 20,000, with 10 readings: a purge deletes a few rows scattered over a row group.
  await connection.run(
    `create table readings as select case when i % 2000 = 7 then '${EMAIL}' else 'customer' || i || '@example.org' end as "user", i as ts from range(20000) t(i)`,
  );
  await connection.run('checkpoint');
  return { db, connection };
}

describe('a row deleted from a DuckDB database file', () => {
  it('stays in the file after DELETE, CHECKPOINT and VACUUM: the rows are only marked deleted', async () => {
    const file = path.join(tempDir('duckdb-purge-'), 'stedi.duckdb');
    const { db, connection } = await databaseWithReadings(file);
    expect(copiesIn(file)).toBe(10);
    await connection.run(`delete from readings where "user" = '${EMAIL}'`);
    await connection.run('checkpoint');
    await connection.run('vacuum');
    await connection.run('checkpoint');
    expect(
      (await connection.runAndReadAll(`select count(*) from readings where "user" = '${EMAIL}'`)).getRowsJS(),
    ).toEqual([[0n]]);
    expect(copiesIn(file)).toBe(10);
    connection.closeSync();
    db.closeSync();
    expect(copiesIn(file)).toBe(10);
  });

  it('is gone from a fresh copy of the database (COPY FROM DATABASE into a new file)', async () => {
    const dir = tempDir('duckdb-purge-');
    const file = path.join(dir, 'stedi.duckdb');
    const fresh = path.join(dir, 'fresh.duckdb');
    const { db, connection } = await databaseWithReadings(file);
    await connection.run(`delete from readings where "user" = '${EMAIL}'`);
    await connection.run(`attach '${fresh}' as fresh`);
    await connection.run("pragma force_compression = 'uncompressed'");
    await connection.run('copy from database stedi to fresh');
    await connection.run('detach fresh');
    connection.closeSync();
    db.closeSync();
    expect(copiesIn(file)).toBe(10);
    expect(copiesIn(fresh)).toBe(0);
  });
});
