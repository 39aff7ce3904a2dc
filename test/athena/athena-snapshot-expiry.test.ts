import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Statement } from '../../src/core/statement.js';
import { AthenaAdapter } from '../../src/adapters/athena/athena-adapter.js';
import { athenaDialect } from '../../src/adapters/athena/athena-dialect.js';
import { duckDbDialect } from '../../src/adapters/duckdb/duckdb-dialect.js';
import { UnsupportedPlanError } from '../../src/materialize/plan-input.js';
import { planSnapshotExpiry } from '../../src/materialize/plan-snapshot-expiry.js';
import { athenaTestTarget } from './athena-test-target.js';
import { expectGolden } from './golden-file.js';
import { athenaGrammar, athenaSyntaxProblems } from './athena-grammar.js';
import { FakeAthena } from './fake-athena.js';

const GOLDEN = path.join(import.meta.dirname, 'golden');
const PURGE_GOLDEN = path.join(GOLDEN, 'purge', 'models', 'trusted', 'accelerometer_trusted.sql');
const MB = 1024 ** 2;
const target = athenaTestTarget({
  s3_staging_dir: 's3://stedi-athena-results/queries/',
  s3_data_dir: 's3://stedi-lakehouse/zones',
});
const dialect = athenaDialect({ dataDir: target.s3_data_dir, writeCompression: target.write_compression });
const relation = { schema: 'stedi', identifier: 'accelerometer_trusted' };

// The consent purge of accelerometer_trusted as an incremental run sends it (the incremental golden file).
function consentPurge(): Statement {
  const text = readFileSync(path.join(GOLDEN, 'incremental', 'models', 'trusted', 'accelerometer_trusted.sql'), 'utf8');
  const chunk = text.split(/^;$/m).find((c) => c.includes('-- purge the rows of accelerometer_trusted'))!;
  const [purpose, ...sql] = chunk.trim().split('\n');
  return { purpose: purpose!.replace(/^-- /, ''), sql: sql.join('\n') };
}

function runFile(statements: readonly Statement[]): string {
  return `${statements.map((s) => `-- ${s.purpose}\n${s.sql}`).join('\n;\n\n')}\n;\n`;
}

let fake: FakeAthena;
beforeEach(() => {
  fake = new FakeAthena();
  fake.catalog.set('accelerometer_trusted', { kind: 'table', properties: {} });
});
afterEach(() => fake.restore());

describe('after a consent purge on Athena, the deleted rows are expired from the Iceberg table (scripted, no AWS)', () => {
  it('plans the exact statements of the golden file (npm run golden:update rewrites it), each parsing by the grammar Athena reads it with', () => {
    const text = runFile([consentPurge(), ...planSnapshotExpiry(relation, 14_400, dialect)]);
    expectGolden(PURGE_GOLDEN, text);
    const statements = planSnapshotExpiry(relation, 14_400, dialect);
    expect(statements.map((s) => athenaGrammar(s.sql))).toEqual(['hive', 'maintenance', 'maintenance']);
    for (const { sql } of [consentPurge(), ...statements]) expect(athenaSyntaxProblems(sql), sql).toEqual([]);
    // An incremental run sends the expiry right after its purge, before it stages anything.
    const incremental = readFileSync(
      path.join(GOLDEN, 'incremental', 'models', 'trusted', 'accelerometer_trusted.sql'),
      'utf8',
    );
    expect(incremental.startsWith(text.trimEnd().replace(/\n;$/, ''))).toBe(true);
  });

  it('sends VACUUM again while Athena answers ICEBERG_VACUUM_MORE_RUNS_NEEDED, and counts the queries Athena bills like any other', async () => {
    fake.moreRunsNeeded = { vacuum: 2 };
    const stats: Array<Record<string, number>> = [];
    const adapter = AthenaAdapter.open(target, { sleep: async () => undefined }).metered((s) => stats.push(s));
    await adapter.executePlan([consentPurge(), ...planSnapshotExpiry(relation, 14_400, dialect)]);
    expect(fake.sent.map((sql) => sql.split(/\s/)[0])).toEqual([
      'delete',
      'alter',
      'optimize',
      'vacuum',
      'vacuum',
      'vacuum',
    ]);
    expect(fake.writes).toEqual([{ verb: 'delete', table: 'accelerometer_trusted' }]);
    expect(fake.icebergProperties.get('accelerometer_trusted')).toEqual({
      vacuum_max_snapshot_age_seconds: '14400',
      vacuum_min_snapshots_to_keep: '1',
      optimize_rewrite_delete_file_threshold: '1',
      optimize_rewrite_data_file_threshold: '1',
    });
    // Athena bills no failed query, so the two VACUUMs it sent back cost nothing; the ALTER is DDL, free; the DELETE,
    // the OPTIMIZE and the VACUUM that succeeded are billed at least 10 MB each, like any query.
    const sum = (key: string) => stats.reduce((total, s) => total + (s[key] ?? 0), 0);
    expect(sum('queries')).toBe(4);
    expect(sum('bytes_billed')).toBe(30 * MB);
  });

  it('keeps snapshots for the configured retention, and plans nothing on an engine without snapshots', () => {
    const [properties] = planSnapshotExpiry(relation, 7_200, dialect);
    expect(properties!.sql).toContain("'vacuum_max_snapshot_age_seconds' = '7200'");
    expect(properties!.purpose).toBe('keep snapshots of accelerometer_trusted for 2 hours');
    expect(() => planSnapshotExpiry(relation, 600, dialect)).toThrow(RangeError);
    expect(() => planSnapshotExpiry(relation, 14_400, duckDbDialect)).toThrow(UnsupportedPlanError);
  });

  it('names a table that starts with _ in backticks, as Athena documents for VACUUM', () => {
    const statements = planSnapshotExpiry({ schema: 'Stedi', identifier: '_Readings' }, 14_400, dialect);
    expect(statements.slice(1).map((s) => s.sql)).toEqual([
      'optimize stedi.`_readings` rewrite data using bin_pack',
      'vacuum stedi.`_readings`',
    ]);
    for (const { sql } of statements) expect(athenaSyntaxProblems(sql), sql).toEqual([]);
  });
});
