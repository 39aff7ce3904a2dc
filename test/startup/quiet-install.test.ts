import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/stedi-project.js';

describe('npm ci', () => {
  it('bundles the CLI without printing a line per chunk (prepare runs npm run --silent build)', () => {
    const packageJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(packageJson.scripts.prepare).toBe('npm run --silent build');
    expect(packageJson.scripts.build).toContain('node rolldown.build.mjs');
    const out = path.join(tempDir('stedi-bundle-'), 'bundle');
    const printed = execFileSync(process.execPath, ['rolldown.build.mjs', out], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(printed).toBe('');
    expect(existsSync(path.join(out, 'stedi-models.js'))).toBe(true);
  });
});
