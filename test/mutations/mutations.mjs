// Breakages the suite must notice: each changes the code (or the test setup) the way a regression would, and names
// the test files of which at least one must then fail. `npm run mutations` applies them one at a time, runs those
// files, restores the code, and reports any breakage the tests let through. Issue 14's holes are here, so a test
// that stops holding its promise is found by running this list, not by re-reading the tests.

/** @typedef {{ file: string, find: string, replace: string } | { delete: string }} Edit */
/** @typedef {{ name: string, edits: Edit[], tests: string[], env?: Record<string, string> }} Mutation */

/** @type {Mutation[]} */
export const MUTATIONS = [
  {
    name: 'a DuckDB table rebuilt whole without its transaction (no begin/commit around the swap)',
    edits: [
      {
        file: 'src/materialize/plan-node.ts',
        find: '  return [\n    begin,\n    {\n      sql: `create table',
        replace: '  return [\n    {\n      sql: `create table',
      },
      {
        file: 'src/materialize/plan-node.ts',
        find: '    ...audits,\n    commit,\n  ];\n}',
        replace: '    ...audits,\n  ];\n}',
      },
    ],
    tests: ['test/materialize/atomic-rebuild-on-duckdb.test.ts'],
  },
  {
    name: 'landing files appended to a loaded source keep no rejects',
    edits: [
      {
        file: 'src/materialize/plan-landing-load.ts',
        find: '    ...write(\n      rejects,\n      existing.rejects,',
        replace: "    ...(input.mode === 'append' ? () => [] : write)(\n      rejects,\n      existing.rejects,",
      },
    ],
    tests: ['test/incremental/landing-loads.test.ts'],
  },
  {
    name: "the landing load's fast read lets a line with a declared key twice through (no duplicate-key test)",
    edits: [
      {
        file: 'src/adapters/duckdb/duckdb-json-lines.ts',
        find: '    ...keys.map((k) => `"${k}"[^\\\\n]*"${k}"`),\n',
        replace: '',
      },
    ],
    tests: ['test/materialize/landing-fast-read.test.ts'],
  },
  {
    // Replaces "trusts a file without comparing its rows with its lines": the only lines that comparison alone
    // caught were a form feed or vertical tab alone on a line, which the text search below now finds (with those
    // characters beside an object, which no check caught). It stays in the plan as a guard against a reader that
    // splits or merges lines, which no known input makes it do.
    name: "the landing load's fast read misses form feed and vertical tab, which its reader skips and the line check rejects",
    edits: [
      {
        file: 'src/adapters/duckdb/duckdb-json-lines.ts',
        find: "'\\u0130', '\\f', '\\v'];",
        replace: "'\\u0130'];",
      },
    ],
    tests: ['test/materialize/landing-fast-read.test.ts'],
  },
  {
    name: 'a consenting record that ties with a withdrawing one counts as consent (the consented test)',
    edits: [
      {
        file: 'macros/consent.sql',
        find: 'coalesce(l.lastupdatedate, 0) > withdrawn.withdrawn_at',
        replace: 'coalesce(l.lastupdatedate, 0) >= withdrawn.withdrawn_at',
      },
    ],
    tests: ['test/data-tests/consent-breakages.test.ts'],
  },
  {
    name: 'a data test query that answers no count is read as zero failures',
    edits: [
      {
        file: 'src/run/run-data-test.ts',
        find: 'failureCount(await adapter.query(counted, { signal }))',
        replace: 'Number((await adapter.query(counted, { signal }))[0]?.failures ?? 0)',
      },
    ],
    tests: ['test/athena/athena-data-tests.test.ts'],
  },
  {
    name: 'the Athena run reports no rows written (UpdateCount ignored)',
    edits: [
      {
        file: 'src/adapters/athena/athena-adapter.ts',
        find: 'const rows = statement.reportsRows\n',
        replace: 'const rows = false\n',
      },
    ],
    tests: ['test/athena/athena-run.test.ts'],
  },
  {
    name: 'the Athena pseudonym in upper-case hex (differs from the DuckDB one)',
    edits: [
      {
        file: 'macros/pseudonym.sql',
        find: 'lower(to_hex(sha256(to_utf8({{ text_expression }}))))',
        replace: 'to_hex(sha256(to_utf8({{ text_expression }})))',
      },
    ],
    tests: ['test/athena/athena-macros.test.ts'],
  },
  {
    name: 'the Athena row fingerprint without its null placeholder (a null column makes the whole fingerprint null)',
    edits: [
      {
        file: 'macros/fingerprint.sql',
        find: `"coalesce(cast(length(cast(" ~ c ~ " as varchar)) as varchar) || ':' || cast(" ~ c ~ " as varchar), '-')"`,
        replace: `"cast(length(cast(" ~ c ~ " as varchar)) as varchar) || ':' || cast(" ~ c ~ " as varchar)"`,
      },
    ],
    tests: ['test/athena/athena-macros.test.ts'],
  },
  {
    name: 'the Athena row fingerprint joins its values with a separator instead of length-prefixing them',
    edits: [
      {
        file: 'macros/fingerprint.sql',
        find: `"coalesce(cast(length(cast(" ~ c ~ " as varchar)) as varchar) || ':' || cast(" ~ c ~ " as varchar), '-')"`,
        replace: `"coalesce(cast(" ~ c ~ " as varchar), '-')"`,
      },
      { file: 'macros/fingerprint.sql', find: 'to_utf8(concat({{', replace: "to_utf8(concat_ws('|', {{" },
    ],
    tests: ['test/athena/athena-macros.test.ts'],
  },
  {
    name: "a swap's leftovers recognised without the ^ anchor (another relation's leftovers are taken)",
    edits: [
      { file: 'src/materialize/plan-rename-swap.ts', find: 'new RegExp(`^${base', replace: 'new RegExp(`${base' },
    ],
    tests: ['test/materialize/plan-rename-swap.test.ts'],
  },
  {
    name: 'the landing-data writer keeps every line it writes in memory',
    edits: [
      {
        file: 'src/generate/landing-file-writer.ts',
        find: "    if (!stream.write(text)) await once(stream, 'drain');",
        replace:
          "    ((globalThis.keptLines ??= [])).push(` ${text}`);\n    if (!stream.write(text)) await once(stream, 'drain');",
      },
    ],
    tests: ['test/generate/write-landing-data-memory.test.ts'],
  },
  {
    name: 'the DuckDB adapter runs one plan at a time whatever --threads says',
    edits: [
      {
        file: 'src/adapters/duckdb/duckdb-adapter.ts',
        find: '  private async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {\n',
        replace:
          '  private lock: Promise<unknown> = Promise.resolve();\n  private async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {\n    const previous = this.lock;\n    let done = () => {};\n    this.lock = new Promise((resolve) => (done = resolve));\n    await previous;\n    try { return await this.pooled(work); } finally { done(); }\n  }\n  private async pooled<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {\n',
      },
    ],
    tests: ['test/run/threads-on-duckdb.test.ts'],
  },
  {
    name: 'a golden file missing (it must not be written by the test and compared with itself)',
    edits: [{ delete: 'test/athena/golden/_schemas.sql' }],
    tests: ['test/athena/stedi-on-athena.test.ts'],
  },
  {
    name: 'CI without the real STEDI data (tests that need it must fail, not skip)',
    edits: [],
    env: { CI: 'true', STEDI_LANDING_DIR: '/nonexistent/stedi-landing' },
    tests: ['test/acceptance'],
  },
  {
    name: 'property tests without their pinned seed in CI',
    edits: [{ file: 'vitest.config.ts', find: "    setupFiles: ['test/setup/property-seed.ts'],\n", replace: '' }],
    env: { CI: 'true' },
    tests: ['test/setup/property-seed.test.ts'],
  },
  {
    name: 'column lineage loses a join: a column read through a CTE and a join is no longer traced to its source',
    edits: [
      {
        file: 'src/lineage/column-lineage.ts',
        find: '      addFrom(table.right, scope, env, filters);\n',
        replace: '',
      },
    ],
    tests: ['test/lineage/column-lineage.test.ts', 'test/lineage/identifier-free.test.ts'],
  },
  {
    name: 'an identifier does not propagate past the model that first derives it (only direct source columns count)',
    edits: [
      {
        file: 'src/lineage/identifier-columns.ts',
        find: 'const upstream = status(origin);',
        replace:
          "const upstream: IdentifierStatus = graph.nodes.get(origin.node)?.kind === 'model' ? { kind: 'clear' } : status(origin);",
      },
    ],
    tests: ['test/lineage/identifier-free.test.ts'],
  },
];
