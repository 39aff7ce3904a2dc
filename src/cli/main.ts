import { Command, CommanderError } from 'commander';
import { ProjectError, StediError } from '../errors.js';
import { processIo, type CliIo } from './cli-io.js';
import { TOOL_VERSION } from '../core/tool-version.js';
import { secretMasker } from '../project/secrets.js';
import { jsonLogLine } from './json-log.js';

/**
 * Exit codes: success, a node failed, the command could not start (usage, config or project error), or a signal
 * stopped the run (128 + the signal's number, as shells report it: SIGINT 130, SIGTERM 143).
 */
export const EXIT = { success: 0, nodeFailed: 1, usage: 2, interrupted: 130, terminated: 143 } as const;

/** Why a run was aborted by a signal: the reason given to the AbortController, which picks the exit code. */
export class SignalAbort extends Error {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(signal === 'SIGINT' ? 'interrupted' : 'terminated');
  }
}

/** Builds a command's definition; its action does the work. */
type CommandFactory = (io: CliIo, setExitCode: (code: number) => void) => Command;

/**
 * Every command, in the order help lists them, with the module that defines it. A module is imported only when its
 * command runs: `compile` and `ls` never load DuckDB, the runner or the docs site, and every command skips the
 * others' start-up.
 */
const COMMANDS: ReadonlyArray<{ names: readonly string[]; load: () => Promise<CommandFactory> }> = [
  ...(['run', 'build', 'test', 'seed'] as const).map((name) => ({
    names: [name],
    load: async (): Promise<CommandFactory> => {
      const { executeCommand } = await import('./commands/run-command.js');
      return (io, setExitCode) => executeCommand(name, io, setExitCode);
    },
  })),
  {
    names: ['run-operation'],
    load: async () => (await import('./commands/run-operation-command.js')).runOperationCommand,
  },
  { names: ['retry'], load: async () => (await import('./commands/retry-command.js')).retryCommand },
  { names: ['parse'], load: async () => (await import('./commands/parse-command.js')).parseCommand },
  { names: ['compile'], load: async () => (await import('./commands/compile-command.js')).compileCommand },
  { names: ['lineage'], load: async () => (await import('./commands/lineage-command.js')).lineageCommand },
  { names: ['ls', 'list'], load: async () => (await import('./commands/ls-command.js')).lsCommand },
  { names: ['snapshot'], load: async () => (await import('./commands/snapshot-command.js')).snapshotCommand },
  { names: ['source'], load: async () => (await import('./commands/source-command.js')).sourceCommand },
  { names: ['show'], load: async () => (await import('./commands/show-command.js')).showCommand },
  { names: ['debug'], load: async () => (await import('./commands/debug-command.js')).debugCommand },
  { names: ['deps'], load: async () => (await import('./commands/deps-command.js')).depsCommand },
  { names: ['clean'], load: async () => (await import('./commands/clean-command.js')).cleanCommand },
  {
    names: ['generate-data'],
    load: async () => (await import('./commands/generate-data-command.js')).generateDataCommand,
  },
  { names: ['docs'], load: async () => (await import('./commands/docs-command.js')).docsCommand },
];

/**
 * The commands to define for these arguments (their first names): only the named one when the first argument names
 * a command, else all of them, so help, `help <command>`, --version and an unknown command's suggestions see every one.
 */
export function commandsToLoad(argv: readonly string[]): string[] {
  const named = COMMANDS.find((c) => c.names.includes(argv[0] ?? ''));
  return (named ? [named] : COMMANDS).map((c) => c.names[0]!);
}

/** Whether the arguments ask for JSON logs: then even a usage error, found before any command runs, is a JSON line. */
function wantsJsonLogs(argv: readonly string[]): boolean {
  return argv.some((arg, i) => arg === '--log-format=json' || (arg === '--log-format' && argv[i + 1] === 'json'));
}

/** Where commander writes its errors: as they are, or as JSON lines with --log-format json. */
function errorOutput(argv: readonly string[], io: CliIo): (text: string) => void {
  if (!wantsJsonLogs(argv)) return (text) => io.stderr.write(text);
  return (text) => {
    const message = text.trim().replace(/^error: /, '');
    if (message) io.stdout.write(jsonLogLine({ type: 'error', level: 'error', message }));
  };
}

async function buildProgram(argv: readonly string[], io: CliIo, setExitCode: (code: number) => void): Promise<Command> {
  const writeErr = errorOutput(argv, io);
  const program = new Command('stedi-models')
    .description('Build the STEDI lakehouse from templated SQL models, and prove its privacy promise.')
    .version(TOOL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr });
  const wanted = new Set(commandsToLoad(argv));
  const factories = await Promise.all(COMMANDS.filter((c) => wanted.has(c.names[0]!)).map((c) => c.load()));
  for (const factory of factories) {
    const command = factory(io, setExitCode)
      .exitOverride()
      .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr });
    // A command's own subcommands (`source freshness`) report usage errors the same way.
    for (const sub of command.commands) sub.copyInheritedSettings(command);
    program.addCommand(command);
  }
  return program;
}

/** Runs the CLI with arguments (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io?: CliIo): Promise<number> {
  const controller = new AbortController();
  const own = io === undefined;
  const effectiveIo = io ?? processIo(controller.signal);
  const onSigint = () => controller.abort(new SignalAbort('SIGINT'));
  const onSigterm = () => controller.abort(new SignalAbort('SIGTERM'));
  if (own) {
    // once: a second Ctrl-C falls through to Node's default handler and ends the process at once.
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigterm);
  }
  let exitCode: number = EXIT.success;
  try {
    const program = await buildProgram(argv, effectiveIo, (code) => (exitCode = code));
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    exitCode = reportError(error, effectiveIo, wantsJsonLogs(argv));
  } finally {
    if (own) {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigterm);
    }
  }
  if (effectiveIo.signal?.aborted) {
    const reason: unknown = effectiveIo.signal.reason;
    return reason instanceof SignalAbort && reason.signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  }
  return exitCode;
}

const PATH_ERRORS = new Set([
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EEXIST',
  'ENAMETOOLONG',
]);

/** A file system error about a path (Node's errors carry the code and the path in their message). */
function isPathError(error: unknown): error is NodeJS.ErrnoException {
  const e = error as NodeJS.ErrnoException;
  return error instanceof Error && typeof e.code === 'string' && PATH_ERRORS.has(e.code) && typeof e.path === 'string';
}

function reportError(error: unknown, rawIo: CliIo, json: boolean): number {
  const mask = secretMasker(rawIo.env);
  const stderr = json
    ? {
        write: (text: string) =>
          rawIo.stdout.write(
            mask(jsonLogLine({ type: 'error', level: 'error', message: text.trim().replace(/^error: /, '') })),
          ),
      }
    : { write: (text: string) => rawIo.stderr.write(mask(text)) };
  const io: CliIo = { ...rawIo, stderr };
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander's exitOverride; their exit code is 0.
    return error.exitCode === 0 ? EXIT.success : EXIT.usage;
  }
  if (error instanceof ProjectError) {
    io.stderr.write(`error: ${error.message}\n`);
    return EXIT.usage;
  }
  if (error instanceof StediError) {
    io.stderr.write(`error: ${error.message}\n`);
    return EXIT.nodeFailed;
  }
  if (isPathError(error)) {
    // A file or folder named on the command line or in the project cannot be read or written: the user can fix that.
    io.stderr.write(
      `error: ${error.message}\nCheck that the path exists, is a folder where one is needed, and is writable.\n`,
    );
    return EXIT.usage;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`error: unexpected failure inside stedi-models (please report it with this output):\n${detail}\n`);
  return EXIT.usage;
}
