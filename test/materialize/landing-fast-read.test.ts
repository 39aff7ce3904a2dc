import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { duckDbCapabilities, duckDbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import type { SourceNode } from '../../src/core/nodes.js';
import { planLandingLoad } from '../../src/materialize/plan-landing-load.js';

// The landing load reads files with DuckDB's own JSON reader and checks line by line only the files whose
// whole-file tests fail (src/adapters/duckdb/duckdb-json-lines.ts). These tests hold the fast path to the
// line-by-line check (`parseJsonLines` over every file) as the oracle: the same rows loaded, the same rejects with
// the same file, line and reason, on files where clean lines meet every kind of bad one.

const COLUMNS: NonNullable<SourceNode['external']>['columns'] = [
  { name: 'name', type: 'string', jsonKey: 'name' },
  { name: 'kind', type: 'string', jsonKey: 'kind' },
  { name: 'count', type: 'bigint', jsonKey: 'count' },
  { name: 'small', type: 'int', jsonKey: 'small' },
  { name: 'x', type: 'double', jsonKey: 'x' },
  { name: 'flag', type: 'boolean', jsonKey: 'flag' },
];
const NAMES = COLUMNS.map((c) => c.name);

function source(identifier: string, location: string): SourceNode {
  return {
    kind: 'source',
    uniqueId: `source.t.landing.${identifier}`,
    name: identifier,
    sourceName: 'landing',
    filePath: 'models/_landing.yml',
    description: '',
    tags: [],
    columns: [],
    declaredTests: [],
    relation: { database: 'memory', schema: 'main', identifier },
    external: { location, format: 'json', columns: COLUMNS },
  };
}

let adapter: DuckDbAdapter;
let dir: string;
let loads = 0;
beforeAll(async () => {
  adapter = await DuckDbAdapter.open({ path: ':memory:', settings: {} }, '/');
  dir = mkdtempSync(path.join(tmpdir(), 'stedi-fast-read-'));
});
afterAll(async () => adapter.close());

const sorted = (rows: Array<Record<string, unknown>>) => rows.map((r) => JSON.stringify(r)).sort();

/** Loads the files through the planned landing load; returns its rows and rejects, and the oracle's. */
async function loadAndOracle(contents: readonly string[]) {
  const id = `l${++loads}`;
  const folder = path.join(dir, id);
  mkdirSync(folder);
  const files = contents.map((text, i) => {
    const file = path.join(folder, `${i}.json`);
    writeFileSync(file, text);
    return { file, size: statSync(file).size, modifiedMs: 0 };
  });
  const plan = planLandingLoad({
    source: source(id, folder),
    existing: {},
    files,
    mode: 'full',
    dialect: duckDbDialect,
    capabilities: duckDbCapabilities,
    newId: () => 'x',
  });
  await adapter.executePlan(plan);
  const columns = NAMES.map((n) => `"${n}"`).join(', ');
  const oracle = `(${duckDbDialect.parseJsonLines!(
    files.map((f) => f.file),
    COLUMNS,
  )})`;
  const fast = duckDbDialect.readJsonLinesFast!(
    files.map((f) => f.file),
    COLUMNS,
  )!;
  const readWhole = await adapter.query(
    `select c.file_number from (${fast.fileChecks}) as c
     join (select __stedi_file_number as file_number, count(*) as n, count(*) filter (where ${NAMES.map((n) => `"${n}" is null`).join(' and ')}) as empty
           from (${fast.rows}) group by 1) as r using (file_number)
     where c.clean and c.lines = r.n and r.empty = 0`,
  );
  return {
    loaded: sorted(await adapter.query(`select ${columns} from main.${id}`)),
    rejects: sorted(await adapter.query(`select file, line_number, raw_line, reason from main.${id}_rejects`)),
    ledger: await adapter.query(`select file, loaded, rejected from main.${id}__loaded_files order by file`),
    expectedLoaded: sorted(await adapter.query(`select ${columns} from ${oracle} where reason is null`)),
    expectedRejects: sorted(
      await adapter.query(`select file, line_number, raw_line, reason from ${oracle} where reason is not null`),
    ),
    expectedLedger: await adapter.query(
      `select f.file, count(p.line_number) filter (where p.reason is null) as loaded, count(p.line_number) filter (where p.reason is not null) as rejected
       from (select unnest([${files.map((f) => `'${f.file}'`).join(', ')}]) as file) as f left join ${oracle} as p using (file)
       group by f.file order by f.file`,
    ),
    filesReadWhole: readWhole.length,
  };
}

const clean = fc
  .record(
    {
      name: fc.string({ maxLength: 12 }),
      kind: fc.constantFrom('a', 'b', 'kind'),
      count: fc.integer({ min: -1e12, max: 1e13 }),
      small: fc.integer({ min: -1000, max: 1000 }),
      x: fc.double({ noNaN: true, noDefaultInfinity: true }),
      flag: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  .map((r) => JSON.stringify(r));

// Each kind of line the line-by-line check rejects, or reads in a way a typed reader would not.
const HOSTILE = [
  '{"name": "a", "count": 1, "count": 2}',
  '{"name": "a", "Count": 7}',
  '{"name": "a", "\u212Aind": "k"}',
  '{"NAME": "a"}',
  '{"name": "a", "count": 0.6}',
  '{"name": "a", "count": 7.0}',
  '{"name": "a", "count": 1e3}',
  '{"name": "a", "count": "12"}',
  '{"name": "a", "count": " 12 "}',
  '{"name": "a", "count": "+1"}',
  '{"name": "a", "count": "0.6"}',
  '{"name": "a", "count": 9007199254740993}',
  '{"name": "a", "count": 99999999999999999999}',
  '{"name": "a", "small": 99999999999}',
  '{"name": "a", "small": 2.5}',
  '{"name": 5, "count": 1}',
  '{"name": true}',
  '{"name": {"a": 1}}',
  '{"name": [1, 2]}',
  '{"name": null, "count": null, "x": null}',
  '{"x": "1.5"}',
  '{"x": " 2 "}',
  '{"x": true}',
  '{"x": 1e400}',
  '{"x": [1]}',
  '{"flag": "true"}',
  '{"flag": 1}',
  '{"flag": "yes"}',
  '{"n\\u0061me": "escaped key"}',
  '{"name": "caf\\u00e9"}',
  '{"name": "a", "nested": {"name": "b"}}',
  '{"name": "a"} {"name": "b"}',
  '{"name": "a"}\r{"name": "b"}',
  '{"name": "a", "count": 1} trailing',
  '{"name": "cut',
  'not json at all',
  '[1, 2, 3]',
  '42',
  '"just a string"',
  '{}',
  '\uFEFF{"name": "bom"}',
  '{"name": "crlf"}\r',
  '',
  ' \t ',
  '\r',
  '\f',
  '\v',
  // The reader skips form feed and vertical tab around an object; the line-by-line JSON cast does not.
  '{"name": "a"}\v',
  '\f{"name": "a"}',
  '\u0000',
  '{"name": "a",\t"count" :  3}',
];
const hostile = fc.constantFrom(...HOSTILE);

describe('the landing load reads with the engine where it can and line by line where it must', () => {
  it('loads and rejects exactly what the line-by-line check does, on files mixing clean and bad lines', async () => {
    let whole = 0;
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            // About half the files are clean throughout, so that both paths are taken whatever the seed.
            fc.oneof(
              fc.array(clean, { maxLength: 40 }),
              fc.array(fc.oneof({ weight: 30, arbitrary: clean }, { weight: 1, arbitrary: hostile }), {
                maxLength: 40,
              }),
            ),
            fc.boolean(),
          ),
          { minLength: 1, maxLength: 3 },
        ),
        async (files) => {
          const result = await loadAndOracle(
            files.map(([lines, finalNewline]) => lines.join('\n') + (finalNewline ? '\n' : '')),
          );
          expect(result.loaded).toEqual(result.expectedLoaded);
          expect(result.rejects).toEqual(result.expectedRejects);
          expect(result.ledger).toEqual(result.expectedLedger);
          whole += result.filesReadWhole;
          checked += files.length - result.filesReadWhole;
        },
      ),
      { numRuns: 50 },
    );
    // Both paths were taken often enough for the comparison to mean something.
    expect(whole).toBeGreaterThan(15);
    expect(checked).toBeGreaterThan(15);
  });

  it('rejects each kind of bad line alone in a clean file exactly as the line-by-line check does', async () => {
    // Plain lines, so that the file without the bad line is read whole: each bad line alone decides the path.
    const lines = Array.from({ length: 200 }, (_, i) =>
      JSON.stringify({ name: `n${i}`, kind: 'a', count: 1_655_564_376_361 + i, small: i, x: i / 7, flag: i % 2 === 0 }),
    );
    expect((await loadAndOracle([`${lines.join('\n')}\n`])).filesReadWhole).toBe(1);
    const kinds = fc.sample(fc.shuffledSubarray(HOSTILE, { minLength: HOSTILE.length }), { numRuns: 1, seed: 17 })[0]!;
    for (const [i, bad] of kinds.entries()) {
      const text = [...lines.slice(0, 100 + (i % 100)), bad, ...lines.slice(100 + (i % 100))].join('\n');
      const result = await loadAndOracle([`${text}\n`]);
      expect(result.loaded, bad).toEqual(result.expectedLoaded);
      expect(result.rejects, bad).toEqual(result.expectedRejects);
      expect(result.ledger, bad).toEqual(result.expectedLedger);
    }
  });

  it('finds a bad line planted in the middle of a large clean file, with its line number, and reads a clean file whole', async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) =>
      JSON.stringify({
        name: `n${i}`,
        kind: 'a',
        count: 1_655_564_376_361 + i,
        small: i % 100,
        x: i / 7,
        flag: i % 2 === 0,
      }),
    );
    const twice = [...lines];
    twice[50_000] = '{"name": "n50000", "count": 1, "count": 2}';
    const fraction = lines.slice(0, 1000);
    fraction[700] = '{"name": "n700", "count": 0.6}';
    const result = await loadAndOracle([
      `${twice.join('\n')}\n`,
      `${fraction.join('\n')}\n`,
      `${lines.slice(0, 1000).join('\n')}\n`,
    ]);
    expect(result.rejects.map((r) => JSON.parse(r) as unknown)).toEqual([
      {
        file: expect.stringMatching(/\/0\.json$/),
        line_number: 50_001,
        raw_line: twice[50_000],
        reason: 'count: the key appears more than once (letter case aside)',
      },
      {
        file: expect.stringMatching(/\/1\.json$/),
        line_number: 701,
        raw_line: fraction[700],
        reason: 'count: 0.6 is not a bigint',
      },
    ]);
    expect(result.ledger.map((r) => [r.loaded, r.rejected])).toEqual([
      [99_999, 1],
      [999, 1],
      [1000, 0],
    ]);
    expect(result.loaded).toEqual(result.expectedLoaded);
    expect(result.filesReadWhole).toBe(1);
  });
});
