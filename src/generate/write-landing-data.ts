// Streams generated landing data to disk. Files are written into a temporary directory beside outDir and
// moved into place only when complete, so an interrupted run never leaves a partial set that looks whole.
import type { Dirent } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { StediError } from '../errors.js';
import {
  InvalidGenerateOptionError,
  LandingDataWriteError,
  OutputDirectoryNotEmptyError,
  OutputPathNotADirectoryError,
} from './errors.js';
import { generateCustomerLandingData } from './landing-data-generator.js';
import { LandingFileWriter, type WrittenLandingFile } from './landing-file-writer.js';
import { accelerometerJsonLine, customerJsonLine, stepTrainerJsonLine } from './landing-json-lines.js';

/** The three landing datasets, each written to `<outDir>/<dataset>/landing/<dataset>-<k>.json`. */
export const LANDING_DATASETS = ['customer', 'accelerometer', 'step_trainer'] as const;

/** One of the landing datasets. */
export type LandingDataset = (typeof LANDING_DATASETS)[number];

/** Default cap on lines per file, so that no single landing file grows huge. */
export const DEFAULT_MAX_LINES_PER_FILE = 100_000;

// Progress is reported, the abort signal checked and the event loop given a turn this often.
const PROGRESS_EVERY_CUSTOMERS = 1_000;

/** What generate-data is asked to write. */
export interface WriteLandingDataOptions {
  outDir: string;
  customers: number;
  seed: number;
  maxLinesPerFile?: number;
  /** Replace landing files already in outDir instead of refusing to run. */
  overwrite?: boolean;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** What a run of generate-data wrote; row counts include the orphan readings. */
export interface LandingDataSummary {
  outDir: string;
  customers: number;
  /** Customers whose shareWithResearchAsOfDate is a positive date (not absent, null or 0). */
  customersWithConsent: number;
  accelerometerRows: number;
  stepTrainerRows: number;
  orphanAccelerometerRows: number;
  orphanStepTrainerRows: number;
  files: WrittenLandingFile[];
}

/** Generates `customers` customers and their readings from `seed` and writes them as landing files under outDir. */
export async function writeLandingData(options: WriteLandingDataOptions): Promise<LandingDataSummary> {
  const { customers, seed, maxLinesPerFile } = validateOptions(options);
  const outDir = resolve(options.outDir);
  const existingFiles = await findLandingFiles(outDir);
  if (existingFiles.length > 0 && options.overwrite !== true) {
    throw new OutputDirectoryNotEmptyError(outDir, existingFiles);
  }
  options.signal?.throwIfAborted();

  await mkdir(dirname(outDir), { recursive: true });
  // Beside outDir, so the final renames stay on one file system.
  const tempDir = await mkdtemp(join(dirname(outDir), `.${basename(outDir)}.generating-`));
  try {
    let counts: Omit<LandingDataSummary, 'outDir'>;
    try {
      counts = await generateInto(tempDir, customers, seed, maxLinesPerFile, options);
    } catch (error) {
      if (error instanceof StediError || (options.signal?.aborted === true && error === options.signal.reason)) {
        throw error;
      }
      throw new LandingDataWriteError(outDir, error);
    }
    await moveIntoPlace(tempDir, outDir, existingFiles);
    return { outDir, ...counts };
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
}

function validateOptions(options: WriteLandingDataOptions): {
  customers: number;
  seed: number;
  maxLinesPerFile: number;
} {
  const { customers, seed, maxLinesPerFile = DEFAULT_MAX_LINES_PER_FILE } = options;
  if (!Number.isSafeInteger(customers) || customers < 0) {
    throw new InvalidGenerateOptionError('--customers', customers, 'a whole number of customers, 0 or more');
  }
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidGenerateOptionError('--seed', seed, 'a whole number (any integer seed gives its own data set)');
  }
  if (!Number.isSafeInteger(maxLinesPerFile) || maxLinesPerFile < 1) {
    throw new InvalidGenerateOptionError('--max-lines-per-file', maxLinesPerFile, 'a whole number, 1 or more');
  }
  return { customers, seed, maxLinesPerFile };
}

// Landing files already in outDir, as paths relative to it; none when outDir does not exist yet.
async function findLandingFiles(outDir: string): Promise<string[]> {
  const outDirStat = await stat(outDir).catch(ignoreMissing);
  if (outDirStat === undefined) return [];
  if (!outDirStat.isDirectory()) throw new OutputPathNotADirectoryError(outDir);
  const found: string[] = [];
  for (const dataset of LANDING_DATASETS) {
    const entries: Dirent[] =
      (await readdir(join(outDir, dataset, 'landing'), { withFileTypes: true }).catch(ignoreMissing)) ?? [];
    for (const entry of entries) {
      if (entry.isFile() && entry.name.endsWith('.json')) found.push(`${dataset}/landing/${entry.name}`);
    }
  }
  return found.sort();
}

async function generateInto(
  dir: string,
  customers: number,
  seed: number,
  maxLinesPerFile: number,
  options: Pick<WriteLandingDataOptions, 'onProgress' | 'signal'>,
): Promise<Omit<LandingDataSummary, 'outDir'>> {
  const writers = new Map<LandingDataset, LandingFileWriter>();
  for (const dataset of LANDING_DATASETS) {
    const relativeDir = `${dataset}/landing`;
    await mkdir(join(dir, relativeDir), { recursive: true });
    writers.set(dataset, new LandingFileWriter(join(dir, relativeDir), relativeDir, dataset, maxLinesPerFile));
  }
  const customerFiles = writers.get('customer') as LandingFileWriter;
  const accelerometerFiles = writers.get('accelerometer') as LandingFileWriter;
  const stepTrainerFiles = writers.get('step_trainer') as LandingFileWriter;
  let customersWithConsent = 0;
  let orphanAccelerometerRows = 0;
  let orphanStepTrainerRows = 0;
  try {
    for (let index = 0; index < customers; index++) {
      const data = generateCustomerLandingData(seed, index);
      customerFiles.append(customerJsonLine(data.customer));
      const consent = data.customer.shareWithResearchAsOfDate;
      if (typeof consent === 'number' && consent > 0) customersWithConsent++;
      for (const reading of data.accelerometer) accelerometerFiles.append(accelerometerJsonLine(reading));
      for (const reading of data.orphanAccelerometer) accelerometerFiles.append(accelerometerJsonLine(reading));
      for (const reading of data.stepTrainer) stepTrainerFiles.append(stepTrainerJsonLine(reading));
      for (const reading of data.orphanStepTrainer) stepTrainerFiles.append(stepTrainerJsonLine(reading));
      orphanAccelerometerRows += data.orphanAccelerometer.length;
      orphanStepTrainerRows += data.orphanStepTrainer.length;

      for (const writer of writers.values()) if (writer.needsFlush) await writer.flush();
      if ((index + 1) % PROGRESS_EVERY_CUSTOMERS === 0 && index + 1 < customers) {
        // Generation is synchronous between flushes; yield so abort requests and progress output get a turn.
        await yieldToEventLoop();
        options.signal?.throwIfAborted();
        options.onProgress?.(index + 1, customers);
      }
    }
    const files: WrittenLandingFile[] = [];
    for (const writer of writers.values()) files.push(...(await writer.close()));
    options.onProgress?.(customers, customers);
    return {
      customers,
      customersWithConsent,
      accelerometerRows: accelerometerFiles.totalLines,
      stepTrainerRows: stepTrainerFiles.totalLines,
      orphanAccelerometerRows,
      orphanStepTrainerRows,
      files,
    };
  } catch (error) {
    await Promise.all([...writers.values()].map((writer) => writer.destroy()));
    throw error;
  }
}

// Old files are removed only now, once the new set is complete, so a failed run leaves the old set intact.
async function moveIntoPlace(tempDir: string, outDir: string, oldFiles: readonly string[]): Promise<void> {
  if ((await stat(outDir).catch(ignoreMissing)) === undefined) {
    await rename(tempDir, outDir);
    return;
  }
  await Promise.all(oldFiles.map((file) => rm(join(outDir, file), { force: true })));
  for (const dataset of LANDING_DATASETS) {
    const from = join(tempDir, dataset, 'landing');
    const to = join(outDir, dataset, 'landing');
    await mkdir(to, { recursive: true });
    for (const name of (await readdir(from)).sort()) await rename(join(from, name), join(to, name));
  }
}

function ignoreMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw error;
}
