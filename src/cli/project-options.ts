import { InvalidArgumentError, Option, type Command } from 'commander';
import path from 'node:path';
import type { SelectionOptions } from '../graph/selection.js';
import { INDIRECT_SELECTION_MODES, type IndirectSelection } from '../graph/indirect-selection.js';
import type { LoadProjectOptions } from '../project/load-project.js';
import type { CliIo } from './cli-io.js';
import { createReporter, type LogFormat } from './reporter.js';

/** Options every project command accepts, as commander parses them. */
export interface ProjectCommandOptions {
  projectDir?: string;
  profilesDir?: string;
  target?: string;
  vars?: string;
  select?: string[];
  models?: string[];
  exclude?: string[];
  indirectSelection?: IndirectSelection;
  threads?: number;
  state?: string;
  defer?: boolean;
  logFormat: LogFormat;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a whole number of at least 1, got '${value}'`);
  return n;
}

/** Adds the common project options (--project-dir, --target, --vars, --select...) to a command. */
export function withProjectOptions(command: Command, { selection = true } = {}): Command {
  command
    .option('--project-dir <dir>', 'folder with stedi_project.yml or dbt_project.yml (default: current folder)')
    .option(
      '--profiles-dir <dir>',
      'folder with profiles.yml (default: $STEDI_PROFILES_DIR, $DBT_PROFILES_DIR, the project folder, ~/.dbt)',
    )
    .option('-t, --target <name>', "target in profiles.yml (default: the profile's target)")
    .option('--vars <yaml>', "vars as a YAML or JSON mapping, e.g. '{consent_cutoff: as_of}'")
    .addOption(
      new Option('--log-format <format>', 'text for people, json for one event per line')
        .choices(['text', 'json'])
        .default('text'),
    );
  if (selection) {
    command
      .option(
        '-s, --select <selector...>',
        'nodes to include: name, +name, name+, tag:x, path:models/x, source:x; space = union, comma = intersection',
      )
      .option('-m, --models <selector...>', "the same as --select (dbt's older name)")
      .option('--exclude <selector...>', 'nodes to leave out (same syntax)')
      .addOption(
        new Option(
          '--indirect-selection <mode>',
          'which tests come with selected nodes, as dbt: eager (any parent selected), cautious (all), buildable (all, or upstream of the selection), empty (none); default: the tests declared on a selected node',
        ).choices(INDIRECT_SELECTION_MODES),
      )
      .option('--threads <n>', "how many nodes run at once (default: the target's threads)", positiveInt)
      .option('--state <dir>', "a previous run's target/ folder, for state:new, state:modified and result: selectors")
      .option('--defer', "with --state: refs to models that are not selected read the state's relations");
  }
  return command;
}

/** Turns parsed command options into project-loading and selection options. */
export function projectOptions(
  options: ProjectCommandOptions,
  io: CliIo,
): LoadProjectOptions & SelectionOptions & { statePath?: string; defer?: boolean } {
  return {
    projectDir: path.resolve(io.cwd, options.projectDir ?? '.'),
    profilesDir: options.profilesDir ? path.resolve(io.cwd, options.profilesDir) : undefined,
    targetName: options.target,
    vars: options.vars,
    env: io.env,
    // Through a reporter, so that with --log-format json a warning is a JSON line like every other event.
    onWarning: (message) => createReporter(options.logFormat, io).warn(message),
    onInfo: (message) => createReporter(options.logFormat, io).info(message),
    // dbt's --models and -m are older names of --select; given together they add up, as repeated --select does.
    select: options.select || options.models ? [...(options.select ?? []), ...(options.models ?? [])] : undefined,
    indirectSelection: options.indirectSelection,
    exclude: options.exclude,
    statePath: options.state ? path.resolve(io.cwd, options.state) : undefined,
    defer: options.defer,
  };
}
