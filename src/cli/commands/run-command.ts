import { Command } from 'commander';
import { runProject } from '../../run/run-project.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';
import { createReporter } from '../reporter.js';

/** `stedi-models run`: build the selected landing sources and models in DAG order. */
export function runCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return withProjectOptions(new Command('run').description('build the selected models (and landing sources) on the target'))
    .action(async (options: ProjectCommandOptions) => {
      const reporter = createReporter(options.logFormat, io);
      try {
        const outcome = await runProject({ ...projectOptions(options, io), threads: options.threads, onEvent: (e) => reporter.event(e), signal: io.signal });
        if (outcome.results.length === 0) reporter.warn('Nothing selected to run: check --select / --exclude.');
        setExitCode(outcome.results.some((r) => r.status === 'error') ? 1 : 0);
      } finally {
        reporter.close();
      }
    });
}
