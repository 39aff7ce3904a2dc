import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/stedi-project.js';

// Static imports load at start-up; `await import()` loads only when reached. Follow the static ones from an entry
// point and collect every package they pull in.
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
// The CLI imports each command's module when that command runs: `import('./commands/x-command.js')` in main.ts.
const COMMAND_IMPORT = /import\('(\.\/commands\/[a-z-]+\.js)'\)/g;

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

const MAIN = path.join(REPO_ROOT, 'src/cli/main.ts');
const commandModules = [...readFileSync(MAIN, 'utf8').matchAll(COMMAND_IMPORT)].map((m) =>
  path.resolve(path.dirname(MAIN), m[1]!.replace(/\.js$/, '.ts')),
);
const command = (name: string) => path.join(REPO_ROOT, `src/cli/commands/${name}-command.ts`);

describe('start-up', () => {
  it('finds the module of every command the CLI loads on demand', () => {
    expect(commandModules.map((file) => path.basename(file)).sort()).toEqual(
      [
        'clean',
        'compile',
        'debug',
        'deps',
        'docs',
        'generate-data',
        'lineage',
        'ls',
        'parse',
        'retry',
        'run',
        'run-operation',
        'show',
        'snapshot',
        'source',
      ].map((n) => `${n}-command.ts`),
    );
  });

  it('does not load the AWS SDK unless an Athena target is used', () => {
    for (const entry of [MAIN, ...commandModules]) {
      const { packages } = staticPackages(entry);
      expect(
        [...packages].filter((p) => p.startsWith('@aws-sdk/')),
        path.basename(entry),
      ).toEqual([]);
    }
    const { packages, files } = staticPackages(command('run'));
    expect(files).toBeGreaterThan(20);
    expect(packages).toContain('commander');
  });

  it('loads no command module, no template engine and no database before it knows the command', () => {
    const { packages } = staticPackages(MAIN);
    expect([...packages].filter((p) => !p.startsWith('node:'))).toEqual(['commander']);
  });

  it('does not load DuckDB or the docs site for compile and ls', () => {
    for (const name of ['compile', 'ls']) {
      const { packages } = staticPackages(command(name));
      expect(packages, name).toContain('nunjucks');
      expect(packages, name).not.toContain('@duckdb/node-api');
      expect(packages, name).not.toContain('@dagrejs/dagre');
    }
  });

  it('requires @duckdb/node-api instead of importing it (an import lexes each of its ~100 re-exported files)', () => {
    for (const name of ['run', 'debug', 'docs'])
      expect(staticPackages(command(name)).packages, name).not.toContain('@duckdb/node-api');
    expect(readFileSync(path.join(REPO_ROOT, 'src/adapters/duckdb/duckdb-adapter.ts'), 'utf8')).toContain(
      "createRequire(import.meta.url)('@duckdb/node-api')",
    );
  });
});
