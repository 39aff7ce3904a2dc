import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { ProjectError } from '../../errors.js';
import { readProjectFile } from '../../project/project-file.js';
import { failsInvocation } from '../../run/node-result.js';
import { executeProject, type ExecuteCommand, type Invocation } from '../../run/run-project.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';
import { createReporter } from '../reporter.js';

const RETRYABLE: readonly string[] = ['run', 'build', 'test', 'seed'];

/** `stedi-models retry`: re-run, with the last command, the nodes that failed or were skipped last time. */
export function retryCommand(io: CliIo, setExitCode: (code: number) => void): Command {
  return withProjectOptions(
    new Command('retry').description(
      're-run the nodes that errored, failed or were skipped in the last run, build, test or seed',
    ),
    { selection: false },
  ).action(async (options: ProjectCommandOptions) => {
    const load = projectOptions(options, io);
    const file = path.join(load.projectDir, readProjectFile(load.projectDir).targetPath, 'run_results.json');
    if (!existsSync(file)) throw new ProjectError(`retry: no ${file}; run a command first (run, build, test or seed).`);
    const previous = JSON.parse(readFileSync(file, 'utf8')) as {
      metadata: { command: string; invocation?: Invocation };
      results: Array<{ unique_id: string; status: string }>;
    };
    const command = previous.metadata.command;
    if (!RETRYABLE.includes(command))
      throw new ProjectError(`retry: the last command was '${command}', which has nothing to retry.`);
    const again = previous.results
      .filter((r) => r.status === 'error' || r.status === 'fail' || r.status === 'skipped')
      .map((r) => `unique_id:${r.unique_id}`);
    const reporter = createReporter(options.logFormat, io);
    if (again.length === 0) {
      reporter.info(`Nothing to retry: every node of the last ${command} succeeded.`);
      return;
    }
    // The last run's target, vars, --full-refresh and --threads, unless given again here.
    const last = previous.metadata.invocation;
    const replay = {
      targetName: load.targetName ?? last?.target,
      vars: load.vars ?? last?.vars ?? undefined,
      fullRefresh: last?.full_refresh ?? false,
      threads: last?.threads ?? undefined,
    };
    if (last)
      reporter.info(
        `Retrying ${again.length} nodes of the last ${command} with its options: --target ${replay.targetName}${replay.vars ? ` --vars '${replay.vars}'` : ''}${replay.fullRefresh ? ' --full-refresh' : ''}${replay.threads ? ` --threads ${replay.threads}` : ''}`,
      );
    try {
      const outcome = await executeProject(command as ExecuteCommand, {
        ...load,
        ...replay,
        select: [again.join(' ')],
        onEvent: (e) => reporter.event(e),
        signal: io.signal,
      });
      setExitCode(outcome.results.some(failsInvocation) ? 1 : 0);
    } finally {
      reporter.close();
    }
  });
}
