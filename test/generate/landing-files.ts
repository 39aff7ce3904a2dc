// Test helpers: temp directories, and reading a written landing set back as the models would see it.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LANDING_DATASETS, type LandingDataset } from '../../src/generate/write-landing-data.js';

const tempDirs: string[] = [];

/** A fresh, empty directory under the OS temp dir, removed by `removeTempDirs`. */
export async function makeTempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stedi-generate-'));
  tempDirs.push(dir);
  return dir;
}

/** Removes every directory made by `makeTempDir` so far; call it from afterAll. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Landing file paths relative to outDir, sorted, per dataset. */
export async function listLandingFiles(outDir: string): Promise<Record<LandingDataset, string[]>> {
  const files = {} as Record<LandingDataset, string[]>;
  for (const dataset of LANDING_DATASETS) {
    const names = await readdir(join(outDir, dataset, 'landing')).catch(() => [] as string[]);
    files[dataset] = names
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => `${dataset}/landing/${name}`);
  }
  return files;
}

/** Every line of every landing file, per dataset, in file order (without the trailing newline). */
export async function readLandingLines(outDir: string): Promise<Record<LandingDataset, string[]>> {
  const files = await listLandingFiles(outDir);
  const lines = {} as Record<LandingDataset, string[]>;
  for (const dataset of LANDING_DATASETS) {
    lines[dataset] = [];
    for (const file of files[dataset]) {
      const text = await readFile(join(outDir, file), 'utf8');
      lines[dataset].push(...text.split('\n').slice(0, -1));
    }
  }
  return lines;
}

/** One digest over the names and bytes of all landing files, to compare two landing sets exactly. */
export async function digestLandingSet(outDir: string): Promise<string> {
  const hash = createHash('sha256');
  const files = await listLandingFiles(outDir);
  for (const file of LANDING_DATASETS.flatMap((dataset) => files[dataset])) {
    hash.update(`${file}\n`);
    hash.update(await readFile(join(outDir, file)));
  }
  return hash.digest('hex');
}
