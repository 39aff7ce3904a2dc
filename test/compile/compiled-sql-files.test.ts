import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/stedi-project.js';
import { fixtureProject } from '../helpers/fixture-project.js';

describe('target/compiled files', () => {
  it('leaves a compiled file that has not changed alone and rewrites one that has', async () => {
    const dir = fixtureProject({ 'models/a.sql': 'select 1 as id', 'models/b.sql': "select * from {{ ref('a') }}" });
    const compiledA = path.join(dir, 'target', 'compiled', 'models', 'a.sql');
    const compiledB = path.join(dir, 'target', 'compiled', 'models', 'b.sql');
    expect((await cli(['compile'], { cwd: dir })).code).toBe(0);
    const old = new Date('2001-01-01T00:00:00Z');
    utimesSync(compiledA, old, old);
    utimesSync(compiledB, old, old);

    writeFileSync(path.join(dir, 'models', 'a.sql'), 'select 2 as id');
    expect((await cli(['compile'], { cwd: dir })).code).toBe(0);

    expect(readFileSync(compiledA, 'utf8')).toBe('select 2 as id\n');
    expect(statSync(compiledA).mtime.getTime()).toBeGreaterThan(old.getTime());
    expect(statSync(compiledB).mtime.getTime()).toBe(old.getTime());
  });

  it('creates nested folders and writes each file whole, with nothing left beside it', async () => {
    const dir = fixtureProject({
      'models/a.sql': 'select 1 as id',
      'models/x/b.sql': "select * from {{ ref('a') }}",
      'models/x/y/c.sql': "select * from {{ ref('b') }}",
    });
    expect((await cli(['compile'], { cwd: dir })).code).toBe(0);
    const compiled = path.join(dir, 'target', 'compiled', 'models');
    expect(readdirSync(compiled, { recursive: true }).map(String).sort()).toEqual([
      'a.sql',
      'x',
      'x/b.sql',
      'x/y',
      'x/y/c.sql',
    ]);
    expect(readFileSync(path.join(compiled, 'x', 'y', 'c.sql'), 'utf8')).toMatch(/^select \* from .*"b"\n$/);
  });

  it('rewrites a compiled file that was left half-written, and one whose SQL got shorter, to exactly the new SQL', async () => {
    const dir = fixtureProject({
      'models/a.sql': "select 1 as id, 'a long string that will go away' as note",
      'models/b.sql': 'select 2 as id',
    });
    const compiledA = path.join(dir, 'target', 'compiled', 'models', 'a.sql');
    const compiledB = path.join(dir, 'target', 'compiled', 'models', 'b.sql');
    expect((await cli(['compile'], { cwd: dir })).code).toBe(0);
    writeFileSync(compiledB, 'select 2 a');
    writeFileSync(path.join(dir, 'models', 'a.sql'), 'select 1 as id');
    expect((await cli(['compile'], { cwd: dir })).code).toBe(0);
    expect(readFileSync(compiledA, 'utf8')).toBe('select 1 as id\n');
    expect(readFileSync(compiledB, 'utf8')).toBe('select 2 as id\n');
  });
});
