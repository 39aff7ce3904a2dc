import { readFileSync } from 'node:fs';
import path from 'node:path';
import { state } from '@aws-sdk/core/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AthenaAdapter } from '../../src/adapters/athena/athena-adapter.js';
import type { AthenaTarget } from '../../src/project/profiles.js';
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

describe("the AWS SDK's Node version notice", () => {
  const VARIABLE = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  const target = { name: 'prod', type: 'athena', region: 'eu-west-1', workgroup: 'primary', s3_staging_dir: 's3://r/', s3_data_dir: 's3://d', database: 'stedi', catalog: 'AwsDataCatalog', threads: 1, poll_interval_ms: 1, poll_interval_max_ms: 1, max_retries: 0, retry_backoff_ms: 1, retry_backoff_max_ms: 1, write_compression: 'ZSTD' } satisfies AthenaTarget;
  const saved = process.env[VARIABLE];
  afterEach(() => {
    vi.restoreAllMocks();
    if (saved === undefined) delete process.env[VARIABLE];
    else process.env[VARIABLE] = saved;
  });

  /** The SDK's NodeVersionSupportWarning notices while an Athena adapter is opened (the SDK checks once per process). */
  async function noticesWhenOpening(): Promise<unknown[]> {
    state.warningEmitted = false;
    const emitWarning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    await AthenaAdapter.open(target).close();
    return emitWarning.mock.calls.filter(([warning]) => String(warning).includes('NodeVersionSupportWarning'));
  }

  it('is not printed on an Athena run', async () => {
    delete process.env[VARIABLE];
    expect(await noticesWhenOpening()).toEqual([]);
  });

  it.runIf(Number(process.versions.node.split('.')[0]) < 22)('is printed under Node 20 when the user asks for it with the variable set to false', async () => {
    process.env[VARIABLE] = 'false';
    expect(await noticesWhenOpening()).toHaveLength(1);
  });
});
