import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/stedi-project.js';

// Static (load-time) imports of a module: `import ... from 'x'` and `export ... from 'x'`, but not `import type`
// (erased) and not `await import('x')` (loaded only when that code runs).
function staticImports(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(import|export)\s+(type\s+)?[^;'"]*?from\s+['"]([^'"]+)['"]/gm)) if (!m[2]) found.push(m[3]!);
  for (const m of source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(m[1]!);
  return found;
}

/** The packages a module loads at startup, following relative imports through the source tree. */
function packagesLoadedBy(entry: string): Map<string, string> {
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      else packages.set(spec, path.relative(REPO_ROOT, file));
    }
  };
  visit(path.join(REPO_ROOT, entry));
  return packages;
}

describe('loading the AWS SDK', () => {
  it('never happens when the CLI starts: only openAdapter imports the Athena adapter, for Athena targets', () => {
    const loaded = [...packagesLoadedBy('src/cli/main.ts')].filter(([pkg]) => pkg.startsWith('@aws-sdk/'));
    expect(loaded).toEqual([]);
  });

  it('is detected by this check when a module imports it statically', () => {
    expect([...packagesLoadedBy('src/adapters/athena/athena-adapter.ts').keys()]).toContain('@aws-sdk/client-athena');
    expect(staticImports("import type { X } from '@aws-sdk/client-athena';\nimport { Y } from './y.js';")).toEqual(['./y.js']);
  });
});
