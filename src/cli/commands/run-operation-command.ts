import { Command } from 'commander';
import { buildProjectGraph } from '../../compile/compile-project.js';
import { loadProject } from '../../project/load-project.js';
import { parseOperationArgs, runOperation } from '../../run/run-operation.js';
import type { CliIo } from '../cli-io.js';
import { projectOptions, withProjectOptions, type ProjectCommandOptions } from '../project-options.js';
import { createReporter } from '../reporter.js';

interface RunOperationOptions extends ProjectCommandOptions {
  args?: string;
}

/** `stedi-models run-operation <macro> --args '{...}'`: call a macro with a live connection, as dbt's. */
export function runOperationCommand(io: CliIo): Command {
  return withProjectOptions(
    new Command('run-operation')
      .description('call a macro with the target connected (run_query() runs its SQL), e.g. to grant or clean up')
      .argument('<macro>', 'the macro to call')
      .option('--args <yaml>', "the macro's keyword arguments as a YAML or JSON mapping, e.g. '{days: 7}'"),
    { selection: false },
  ).action(async (macro: string, options: RunOperationOptions) => {
    const reporter = createReporter(options.logFormat, io);
    const args = parseOperationArgs(options.args);
    const context = buildProjectGraph(loadProject(projectOptions(options, io)));
    await runOperation(context, macro, args);
    reporter.info(`Ran operation ${macro}`);
  });
}
