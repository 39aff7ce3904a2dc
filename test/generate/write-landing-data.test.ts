import { readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  InvalidGenerateOptionError,
  OutputDirectoryNotEmptyError,
  OutputPathNotADirectoryError,
} from '../../src/generate/errors.js';
import { writeLandingData } from '../../src/generate/write-landing-data.js';
import { digestLandingSet, listLandingFiles, makeTempDir, readLandingLines, removeTempDirs } from './landing-files.js';

afterAll(removeTempDirs);

const CUSTOMER_KEYS = [
  'customerName',
  'email',
  'phone',
  'birthDay',
  'serialNumber',
  'registrationDate',
  'lastUpdateDate',
  'shareWithResearchAsOfDate',
  'shareWithPublicAsOfDate',
  'shareWithFriendsAsOfDate',
];

describe('writeLandingData', () => {
  it('writes byte-identical files for the same customers and seed', async () => {
    const [a, b] = [join(await makeTempDir(), 'a'), join(await makeTempDir(), 'b')];
    await writeLandingData({ outDir: a, customers: 300, seed: 42 });
    await writeLandingData({ outDir: b, customers: 300, seed: 42 });
    expect(await digestLandingSet(b)).toBe(await digestLandingSet(a));
  });

  it('writes different bytes for a different seed', async () => {
    const [a, b] = [join(await makeTempDir(), 'a'), join(await makeTempDir(), 'b')];
    await writeLandingData({ outDir: a, customers: 300, seed: 42 });
    await writeLandingData({ outDir: b, customers: 300, seed: 43 });
    expect(await digestLandingSet(b)).not.toBe(await digestLandingSet(a));
  });

  it('splits each dataset into numbered files of at most maxLinesPerFile lines without changing the lines', async () => {
    const [split, whole] = [join(await makeTempDir(), 'split'), join(await makeTempDir(), 'whole')];
    const summary = await writeLandingData({ outDir: split, customers: 450, seed: 9, maxLinesPerFile: 100 });
    await writeLandingData({ outDir: whole, customers: 450, seed: 9 });

    const files = await listLandingFiles(split);
    expect(files.customer).toEqual(
      [1690000000000, 1690000000001, 1690000000002, 1690000000003, 1690000000004].map(
        (k) => `customer/landing/customer-${k}.json`,
      ),
    );
    expect(files.accelerometer).toHaveLength(Math.ceil(summary.accelerometerRows / 100));
    expect(files.step_trainer).toHaveLength(Math.ceil(summary.stepTrainerRows / 100));
    for (const dataset of ['customer/', 'accelerometer/', 'step_trainer/']) {
      const lineCounts = summary.files.filter((file) => file.path.startsWith(dataset)).map((file) => file.lines);
      expect(lineCounts.slice(0, -1).every((lines) => lines === 100)).toBe(true);
      expect(lineCounts.at(-1)).toBeLessThanOrEqual(100);
    }
    for (const file of summary.files) {
      const text = await readFile(join(split, file.path), 'utf8');
      expect(text.split('\n').length - 1).toBe(file.lines);
    }
    expect(await readLandingLines(split)).toEqual(await readLandingLines(whole));
    expect((await listLandingFiles(whole)).accelerometer).toHaveLength(1);
  });

  it('reports counts equal to the lines written, and every line is JSON with the expected keys in order', async () => {
    const outDir = join(await makeTempDir(), 'out');
    const summary = await writeLandingData({ outDir, customers: 400, seed: 5, maxLinesPerFile: 250 });
    const lines = await readLandingLines(outDir);
    expect(lines.customer).toHaveLength(summary.customers);
    expect(lines.accelerometer).toHaveLength(summary.accelerometerRows);
    expect(lines.step_trainer).toHaveLength(summary.stepTrainerRows);
    expect(summary.files.reduce((sum, f) => sum + f.lines, 0)).toBe(
      400 + summary.accelerometerRows + summary.stepTrainerRows,
    );

    for (const line of lines.customer) {
      const keys = Object.keys(JSON.parse(line) as object);
      expect(keys).toEqual(CUSTOMER_KEYS.filter((key) => keys.includes(key)));
      expect(keys.slice(0, 7)).toEqual(CUSTOMER_KEYS.slice(0, 7));
    }
    for (const line of lines.accelerometer) {
      expect(Object.keys(JSON.parse(line) as object)).toEqual(['user', 'timestamp', 'x', 'y', 'z']);
      expect(line).toMatch(/"x":-?\d\.\d,"y":-?\d\.\d,"z":-?\d\.\d\}$/);
    }
    for (const line of lines.step_trainer) {
      const reading = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(reading)).toEqual(['sensorReadingTime', 'serialNumber', 'distanceFromObject']);
      expect(Number.isInteger(reading.distanceFromObject)).toBe(true);
    }
  });

  it('refuses an output directory that already holds landing files, and leaves them untouched', async () => {
    const outDir = join(await makeTempDir(), 'out');
    await writeLandingData({ outDir, customers: 20, seed: 1 });
    const before = await digestLandingSet(outDir);
    const attempt = writeLandingData({ outDir, customers: 20, seed: 2 });
    await expect(attempt).rejects.toBeInstanceOf(OutputDirectoryNotEmptyError);
    await expect(attempt).rejects.toThrow(/already holds 3 landing file\(s\).*--overwrite/);
    expect(await digestLandingSet(outDir)).toBe(before);
    expect(await readdir(dirname(outDir))).toEqual(['out']);
  });

  it('replaces old landing files with overwrite and keeps files that are not landing files', async () => {
    const outDir = join(await makeTempDir(), 'out');
    await writeLandingData({ outDir, customers: 50, seed: 1, maxLinesPerFile: 10 });
    await writeFile(join(outDir, 'README.txt'), 'notes');
    const summary = await writeLandingData({ outDir, customers: 20, seed: 2, overwrite: true });
    const fresh = join(await makeTempDir(), 'fresh');
    await writeLandingData({ outDir: fresh, customers: 20, seed: 2 });
    expect(await digestLandingSet(outDir)).toBe(await digestLandingSet(fresh));
    expect((await listLandingFiles(outDir)).customer).toHaveLength(1);
    expect(summary.files).toHaveLength(3);
    expect(await readFile(join(outDir, 'README.txt'), 'utf8')).toBe('notes');
  });

  it('writes into an existing empty directory and into nested directories that do not exist yet', async () => {
    const empty = await makeTempDir();
    const nested = join(await makeTempDir(), 'a', 'b', 'c');
    await writeLandingData({ outDir: empty, customers: 30, seed: 4 });
    await writeLandingData({ outDir: nested, customers: 30, seed: 4 });
    expect(await digestLandingSet(empty)).toBe(await digestLandingSet(nested));
  });

  it('leaves neither landing files nor its temporary directory behind when aborted', async () => {
    const parent = await makeTempDir();
    const controller = new AbortController();
    const run = writeLandingData({
      outDir: join(parent, 'out'),
      customers: 5_000,
      seed: 1,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(await readdir(parent)).toEqual([]);
  });

  it('rejects options it cannot use, saying which option and what it needs', async () => {
    const outDir = join(await makeTempDir(), 'out');
    for (const bad of [{ customers: -1 }, { customers: 1.5 }, { seed: Number.NaN }, { maxLinesPerFile: 0 }]) {
      await expect(writeLandingData({ outDir, customers: 10, seed: 1, ...bad })).rejects.toBeInstanceOf(
        InvalidGenerateOptionError,
      );
    }
    await expect(writeLandingData({ outDir, customers: -1, seed: 1 })).rejects.toThrow(/--customers must be .* got -1/);
  });

  it('refuses an output path that is a file', async () => {
    const file = join(await makeTempDir(), 'file.json');
    await writeFile(file, '{}');
    await expect(writeLandingData({ outDir: file, customers: 1, seed: 1 })).rejects.toBeInstanceOf(
      OutputPathNotADirectoryError,
    );
  });

  it('reports progress up to the total', async () => {
    const seen: Array<[number, number]> = [];
    await writeLandingData({
      outDir: join(await makeTempDir(), 'o'),
      customers: 2_500,
      seed: 1,
      onProgress: (d, t) => seen.push([d, t]),
    });
    expect(seen).toEqual([
      [1000, 2500],
      [2000, 2500],
      [2500, 2500],
    ]);
  });

  it('writes empty landing folders for zero customers', async () => {
    const outDir = join(await makeTempDir(), 'out');
    const summary = await writeLandingData({ outDir, customers: 0, seed: 1 });
    expect(summary).toMatchObject({ customers: 0, accelerometerRows: 0, stepTrainerRows: 0, files: [] });
    for (const dataset of ['customer', 'accelerometer', 'step_trainer']) {
      expect(await readdir(join(outDir, dataset, 'landing'))).toEqual([]);
    }
  });
});
