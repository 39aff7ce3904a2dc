import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/stedi-project.js';

// Static imports load at start-up; `await import()` loads only when reached. Follow the static ones from the CLI
// entry point and collect every package they pull in.
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;

function staticPackages(entry: string): { packages: Set<string>; files: number } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const specifier = match[1]!;
      if (specifier.startsWith('.')) queue.push(path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  }
  return { packages, files: seen.size };
}

describe('start-up', () => {
  it('does not load the AWS SDK unless an Athena target is used', () => {
    const { packages, files } = staticPackages(path.join(REPO_ROOT, 'src/cli/main.ts'));
    expect(files).toBeGreaterThan(20);
    expect(packages).toContain('commander');
    expect([...packages].filter((p) => p.startsWith('@aws-sdk/'))).toEqual([]);
  });
});
