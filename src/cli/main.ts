import { Command, CommanderError } from 'commander';
import { ProjectError, StediError } from '../errors.js';
import { cleanCommand } from './commands/clean-command.js';
import { compileCommand } from './commands/compile-command.js';
import { debugCommand } from './commands/debug-command.js';
import { docsCommand } from './commands/docs-command.js';
import { generateDataCommand } from './commands/generate-data-command.js';
import { lsCommand } from './commands/ls-command.js';
import { executeCommand } from './commands/run-command.js';
import { retryCommand } from './commands/retry-command.js';
import { processIo, type CliIo } from './cli-io.js';
import { TOOL_VERSION } from '../compile/artifacts.js';
import { secretMasker } from '../project/secrets.js';

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

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('stedi-models')
    .description('Build the STEDI lakehouse from templated SQL models, and prove its privacy promise.')
    .version(TOOL_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });
  for (const command of [
    executeCommand('run', io, setExitCode),
    executeCommand('build', io, setExitCode),
    executeCommand('test', io, setExitCode),
    executeCommand('seed', io, setExitCode),
    retryCommand(io, setExitCode),
    compileCommand(io), lsCommand(io), debugCommand(io), cleanCommand(io), generateDataCommand(io), docsCommand(io)]) {
    program.addCommand(command.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) }));
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
    await buildProgram(effectiveIo, (code) => (exitCode = code)).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    exitCode = reportError(error, effectiveIo);
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

const PATH_ERRORS = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EEXIST', 'ENAMETOOLONG']);

/** A file system error about a path (Node's errors carry the code and the path in their message). */
function isPathError(error: unknown): error is NodeJS.ErrnoException {
  const e = error as NodeJS.ErrnoException;
  return error instanceof Error && typeof e.code === 'string' && PATH_ERRORS.has(e.code) && typeof e.path === 'string';
}

function reportError(error: unknown, rawIo: CliIo): number {
  const mask = secretMasker(rawIo.env);
  const io: CliIo = { ...rawIo, stderr: { write: (text: string) => rawIo.stderr.write(mask(text)) } };
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
    io.stderr.write(`error: ${error.message}\nCheck that the path exists, is a folder where one is needed, and is writable.\n`);
    return EXIT.usage;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`error: unexpected failure inside stedi-models (please report it with this output):\n${detail}\n`);
  return EXIT.usage;
}
