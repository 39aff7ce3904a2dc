import { Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { writeFileAtomic } from '../../core/write-file-atomic.js';
import { StatementCancelledError } from '../../adapters/statement-failed-error.js';
import { junitReport } from '../../run/junit-report.js';
import { secretMasker } from '../../project/secrets.js';
import { failsInvocation } from '../../run/node-result.js';
import { executeProject, type ExecuteCommand } from '../../run/run-project.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';
import { createReporter } from '../reporter.js';

const DESCRIPTIONS: Record<ExecuteCommand, string> = {
  run: 'build the selected models (and landing sources) on the target',
  seed: 'load the seeds/*.csv files as tables',
  test: 'run the data tests of the selected nodes; exit 1 if an error-severity test fails or a test cannot run',
  build: 'seeds, models and their tests in DAG order; a failing test skips everything downstream of its model',
};

function seconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`expected a number of seconds above 0, got '${value}'`);
  return n;
}

/** `run`, `seed`, `test` and `build`: execute the selected nodes of a kind, report each, exit 1 on a failure. */
export function executeCommand(name: ExecuteCommand, io: CliIo, setExitCode: (code: number) => void): Command {
  const command = withProjectOptions(new Command(name).description(DESCRIPTIONS[name]));
  if (name === 'test' || name === 'build')
    command.option('--junit <path>', 'also write the results as JUnit XML (for CI systems)');
  if (name === 'run')
    command.option(
      '--dry-run',
      'plan against an empty catalog and write the statements to target/run/ without connecting',
    );
  if (name === 'run' || name === 'build') command.option('--full-refresh', 'rebuild incremental models from scratch');
  // A seed is always built whole beside its table and swapped in, which is what dbt's --full-refresh does to seeds.
  if (name === 'seed')
    command.option('--full-refresh', 'drop and recreate the seed tables (what every seed load does)');
  command.option('--timeout <seconds>', 'stop every query in flight and end the run after this many seconds', seconds);
  return command.action(
    async (
      options: ProjectCommandOptions & { junit?: string; dryRun?: boolean; timeout?: number; fullRefresh?: boolean },
    ) => {
      const reporter = createReporter(options.logFormat, io);
      // --timeout aborts like Ctrl-C does: queries in flight are stopped, nodes not started are skipped.
      const timeout =
        options.timeout === undefined ? undefined : (io.timeoutSignal ?? AbortSignal.timeout)(options.timeout * 1000);
      const signal = timeout && io.signal ? AbortSignal.any([io.signal, timeout]) : (timeout ?? io.signal);
      const timedOut = `Stopped after --timeout ${options.timeout}s: queries in flight were cancelled.`;
      try {
        const outcome = await executeProject(name, {
          ...projectOptions(options, io),
          threads: options.threads,
          onEvent: (e) => reporter.event(e),
          signal,
          dryRun: options.dryRun,
          fullRefresh: options.fullRefresh,
        }).catch((error: unknown) => {
          // Stopped before any node ran (creating the schemas): the same message, and no node results to write.
          if (timeout?.aborted && error instanceof StatementCancelledError) reporter.error(timedOut);
          throw error;
        });
        if (timeout?.aborted) reporter.error(timedOut);
        if (options.dryRun)
          reporter.info(`Dry run: nothing was sent; the statements are in ${path.join('target', 'run')}/.`);
        if (outcome.results.length === 0) reporter.warn(`Nothing selected to ${name}: check --select / --exclude.`);
        if (options.junit) {
          // Masked like every other file a run writes: failure messages can quote SQL that holds a secret.
          writeFileAtomic(
            path.resolve(io.cwd, options.junit),
            secretMasker(io.env)(junitReport(outcome.results, `stedi-models ${name}`, outcome.seconds)),
          );
        }
        setExitCode(outcome.results.some(failsInvocation) ? 1 : 0);
      } finally {
        reporter.close();
      }
    },
  );
}
