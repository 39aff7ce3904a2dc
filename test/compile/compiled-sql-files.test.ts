import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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
});
