// The STEDI macros' Athena versions (athena__*) are written in Trino SQL, which no test can send to Athena. Here they
// run on DuckDB, in a schema of Trino functions that DuckDB lacks or names alike with other types, each defined by
// the behaviour Trino documents: to_utf8 gives the UTF-8 bytes of a string, sha256 and xxhash64 give their digest as
// bytes (not as hex text, as DuckDB's sha256 does), from_big_endian_64 reads 8 bytes as a signed bigint. Everything
// else (lower, to_hex, concat_ws, coalesce, cast, abs, %) is DuckDB's own, with the meaning Trino gives it for the
// types used here.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import xxhash from 'xxhash-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { newRenderScope, TemplateEngine } from '../../src/templating/template-engine.js';
import { athenaSyntaxProblems } from './athena-grammar.js';

const MACROS = path.resolve(import.meta.dirname, '../../macros');
const SALT = 'pepper-for-tests';

function engineFor(type: 'athena' | 'duckdb'): TemplateEngine {
  const macroFiles = readdirSync(MACROS).map((file) => ({
    path: `macros/${file}`,
    text: readFileSync(path.join(MACROS, file), 'utf8'),
  }));
  const quoteString = (s: string) => `'${s.replace(/'/g, "''")}'`;
  return new TemplateEngine({
    macroFiles,
    vars: {},
    env: { STEDI_SECRET_PSEUDONYM_SALT: SALT },
    target: { type, name: type, schema: 'stedi', threads: 1 },
    quoteString,
    quoteIdentifier: (s) => `"${s}"`,
  });
}

function render(type: 'athena' | 'duckdb', template: string): string {
  const scope = newRenderScope('compile', 'test.sql');
  const sql = engineFor(type).renderString(template, scope);
  expect(scope.problems).toEqual([]);
  return sql;
}

// Each input value's XXH64 digest (seed 0), as Trino's xxhash64 gives it, computed by an independent implementation.
let xxh64: (bytes: Uint8Array) => bigint;
let db: DuckDBConnection;
// A second connection to the same database without the Trino functions in its search path: plain DuckDB.
let plain: DuckDBConnection;

/** Runs a select on DuckDB with the Trino functions in reach, and the digests of `texts` for xxhash64. */
/** How athena__row_fingerprint writes one value: its length in characters, a colon and its text; null a dash. */
function fingerprintText(value: number | string | null): string {
  return value === null ? '-' : `${[...String(value)].length}:${value}`;
}

async function trinoRows(sql: string, texts: readonly string[] = []): Promise<unknown[][]> {
  await db.run('create or replace table trino.xxhash64_digests (input blob, digest blob)');
  for (const text of new Set(texts)) {
    const digest = xxh64(new TextEncoder().encode(text)).toString(16).padStart(16, '0');
    await db.run(`insert into trino.xxhash64_digests values (encode($1), unhex($2))`, [text, digest]);
  }
  return (await db.runAndReadAll(sql)).getRowsJS();
}

beforeAll(async () => {
  ({ h64Raw: xxh64 } = await xxhash());
  const instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  plain = await instance.connect();
  await db.run(`
    create schema trino;
    create macro trino.to_utf8(s) as encode(s);
    create macro trino.sha256(b) as unhex(system.main.sha256(b));
    -- Bytes 1 to 8, most significant first, as a two's-complement bigint.
    create macro trino.from_big_endian_64(b) as
      cast(cast(('0x' || to_hex(b)) as ubigint) - case when get_bit(cast(b as bit), 0) = 1 then 18446744073709551616::hugeint else 0 end as bigint);
    -- Digests come from a table filled by the test; an input it lacks gives null, which fails the comparison.
    create table trino.xxhash64_digests (input blob, digest blob);
    create macro trino.xxhash64(b) as (select digest from trino.xxhash64_digests where input = b);
    set search_path = 'trino,main';
  `);
});

describe('the Athena versions of the STEDI macros, run on DuckDB with Trino semantics', () => {
  const names = ['alice@example.com', 'Zoë.Ünal@example.com', '', "o'brien@example.com"];

  it('pseudonym(): the same value on Athena and on DuckDB, the lowercase hex sha256 of salt, colon and value', async () => {
    const athena = render('athena', '{{ pseudonym(\'v."user"\') }}');
    const duckdb = render('duckdb', '{{ pseudonym(\'v."user"\') }}');
    expect(athena).toContain('to_utf8(');
    expect(athenaSyntaxProblems(`select ${athena} as p from "stedi"."v"`)).toEqual([]);
    const values = `(values ${names.map((n) => `('${n.replace(/'/g, "''")}')`).join(', ')}) as v("user")`;
    const onAthena = await trinoRows(`select ${athena} from ${values}`);
    const onDuckdb = (await plain.runAndReadAll(`select ${duckdb} from ${values}`)).getRowsJS();
    const expected = names.map((n) => [createHash('sha256').update(`${SALT}:${n}`, 'utf8').digest('hex')]);
    expect(onAthena).toEqual(expected);
    expect(onDuckdb).toEqual(expected);
  });

  it('row_fingerprint(): a bigint below 2^31 from the xxhash64 of the values as length-prefixed text, nulls included', async () => {
    const athena = render('athena', "{{ row_fingerprint(['v.n', 'v.s']) }}");
    expect(athenaSyntaxProblems(`select ${athena} as f from "stedi"."v"`)).toEqual([]);
    const rows: Array<[number | null, string | null]> = [
      [1, 'a'],
      [-7, null],
      [null, 'b'],
      [null, null],
      [1, 'a'],
    ];
    const texts = rows.map((row) => row.map(fingerprintText).join(''));
    const values = `(values ${rows.map(([n, s]) => `(${n ?? 'null'}::bigint, ${s === null ? 'null' : `'${s}'`})`).join(', ')}) as v(n, s)`;
    const got = await trinoRows(`select ${athena} from ${values}`, texts);
    // Written out from the definition: the XXH64 digest read as a signed bigint, its absolute value, modulo 2^31 - 1.
    const expected = texts.map((t) => {
      const signed = BigInt.asIntN(64, xxh64(new TextEncoder().encode(t)));
      return [(signed < 0n ? -signed : signed) % 2147483647n];
    });
    expect(got).toEqual(expected);
    for (const [f] of got as Array<[bigint]>) expect(f >= 0n && f < 2147483647n).toBe(true);
    // Equal rows agree; a null column counts as a value, so the rows with nulls differ from each other.
    expect(got[0]).toEqual(got[4]);
    expect(new Set(got.slice(0, 4).map(([f]) => f)).size).toBe(4);
  });

  it('row_fingerprint(): rows whose values join into the same text with a separator still differ', async () => {
    const athena = render('athena', "{{ row_fingerprint(['v.a', 'v.b']) }}");
    // Each pair would read alike joined by | (the first two), or with a text placeholder for null (the last two).
    const rows: Array<[string | null, string | null]> = [
      ['a|b', 'c'],
      ['a', 'b|c'],
      ['\\N', 'x'],
      [null, 'x'],
    ];
    const texts = rows.map((row) => row.map(fingerprintText).join(''));
    const literal = (v: string | null) => (v === null ? 'null::varchar' : `'${v}'`);
    const values = `(values ${rows.map(([a, b]) => `(${literal(a)}, ${literal(b)})`).join(', ')}) as v(a, b)`;
    const got = (await trinoRows(`select ${athena} from ${values}`, texts)) as Array<[bigint]>;
    expect(got.every(([f]) => f !== null)).toBe(true);
    expect(new Set(got.map(([f]) => f)).size).toBe(rows.length);
  });
});
