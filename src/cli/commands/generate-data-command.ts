import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { writeLandingData } from '../../generate/write-landing-data.js';
import type { CliIo } from '../cli-io.js';

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number, got '${value}'`);
  return n;
}

function progressBar(done: number, total: number, width = 30): string {
  const ratio = total === 0 ? 1 : done / total;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} customers`;
}

/** `stedi-models generate-data`: write deterministic synthetic landing data in the S3 layout. */
export function generateDataCommand(io: CliIo): Command {
  return new Command('generate-data')
    .description('write deterministic synthetic STEDI landing data (customer/, accelerometer/, step_trainer/)')
    .requiredOption('--out <dir>', 'folder to write <dataset>/landing/*.json into')
    .option('--customers <n>', 'how many customers', wholeNumber, 1000)
    .option('--seed <n>', 'random seed: the same seed writes the same bytes', wholeNumber, 1)
    .option('--max-lines-per-file <n>', 'split landing files after this many lines', wholeNumber)
    .option('--overwrite', 'replace landing files already in --out')
    .action(
      async (options: {
        out: string;
        customers: number;
        seed: number;
        maxLinesPerFile?: number;
        overwrite?: boolean;
      }) => {
        const live = io.stdout.isTTY === true && !io.env.CI;
        const started = Date.now();
        const summary = await writeLandingData({
          outDir: path.resolve(io.cwd, options.out),
          customers: options.customers,
          seed: options.seed,
          maxLinesPerFile: options.maxLinesPerFile,
          overwrite: options.overwrite,
          signal: io.signal,
          // A progress bar on a terminal; in CI or a pipe only the summary, so logs stay readable.
          onProgress: live ? (done, total) => io.stdout.write(`\r${progressBar(done, total)}`) : undefined,
        });
        if (live) io.stdout.write('\n');
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        io.stdout.write(
          `Wrote ${summary.customers.toLocaleString('en-US')} customers (${summary.customersWithConsent.toLocaleString('en-US')} with research consent), ` +
            `${summary.accelerometerRows.toLocaleString('en-US')} accelerometer and ${summary.stepTrainerRows.toLocaleString('en-US')} step trainer readings ` +
            `in ${summary.files.length} files to ${summary.outDir} in ${seconds}s.\n`,
        );
      },
    );
}
