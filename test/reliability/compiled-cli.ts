import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, tempDir } from '../helpers/stedi-project.js';

/**
 * The CLI compiled from the current TypeScript sources, for tests that need a real child process (signals, SIGKILL).
 *
 * Why not `bin/stedi-models.js`: it runs dist/, which is only as fresh as the last `npm run build` (CI builds it in
 * `npm ci`, but a developer editing src/ and running `npm test` would test stale code). Why not a TypeScript loader
 * in the child: Node 20 has no type stripping and the project has no tsx; a loader would also transpile ~100 files in
 * every one of the dozens of children. So the sources are compiled with the project's own `tsc -p
 * tsconfig.build.json` into a temporary folder named after a hash of the sources (a few seconds, once for every test
 * file and every `npm test` until src/ changes), beside a `node_modules` link to the repository's and a
 * `package.json` saying the output is ESM. Type errors do not stop the emit (they are `npm test`'s typecheck's to
 * report); a missing entry point does.
 */
export interface CompiledCli {
  /** The script to run with `node`: it calls runCli with the process's arguments, as bin/stedi-models.js does. */
  entry: string;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/**
 * A hash of everything the compiled output depends on: the sources, the compiler settings, the Node version, and the
 * checkout it was compiled from. Why the checkout: the output's `node_modules` is a link to that checkout's; a
 * compilation of the same sources from a clone since deleted (CI's) would fail on its first import.
 */
function sourcesHash(): string {
  const hash = createHash('sha256').update(process.version).update('\0').update(REPO_ROOT).update('\0');
  for (const file of [
    ...filesUnder(path.join(REPO_ROOT, 'src')),
    path.join(REPO_ROOT, 'tsconfig.json'),
    path.join(REPO_ROOT, 'tsconfig.build.json'),
  ]) {
    hash.update(path.relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Compiles src/ (or reuses a compilation of the same sources) and returns the CLI entry point. */
export function compileCli(): CompiledCli {
  const cached = path.join(os.tmpdir(), `stedi-cli-${sourcesHash()}`);
  const entryIn = (dir: string) => path.join(dir, 'stedi-models.js');
  // existsSync follows the link: a cached folder whose checkout's node_modules is gone is compiled again.
  if (existsSync(entryIn(cached)) && existsSync(path.join(cached, 'node_modules'))) return { entry: entryIn(cached) };
  rmSync(cached, { recursive: true, force: true });
  const dir = tempDir('stedi-cli-build-');
  const outDir = path.join(dir, 'dist');
  const tsc = path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', path.join(REPO_ROOT, 'tsconfig.build.json'), '--outDir', outDir, '--sourceMap', 'false'],
    { encoding: 'utf8' },
  );
  const main = path.join(outDir, 'cli/main.js');
  if (!existsSync(main))
    throw new Error(`compiling src/ for the child-process tests wrote no ${main}:\n${result.stdout}${result.stderr}`);
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
  // Written last and moved into place whole: a folder under the cached name is always complete.
  writeFileSync(
    entryIn(dir),
    "import { runCli } from './dist/cli/main.js';\n\nprocess.exitCode = await runCli(process.argv.slice(2));\n",
  );
  try {
    renameSync(dir, cached);
  } catch {
    // Another test file compiled the same sources at the same time: theirs is as good. Otherwise use ours in place.
    if (!existsSync(entryIn(cached))) return { entry: entryIn(dir) };
    rmSync(dir, { recursive: true, force: true });
  }
  return { entry: entryIn(cached) };
}

/** A running child CLI with its output so far and a promise of how it ended. */
export interface ChildRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once the process has exited: its exit code, or the signal that killed it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stdout has printed a line matching the pattern; rejects, with what it printed, if it ends first. */
  lineMatching: (pattern: RegExp) => Promise<void>;
}

/** Starts `node <entry> <args>` in a folder, collecting its output. */
export function spawnCli(
  cli: CompiledCli,
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): ChildRun {
  mkdirSync(options.cwd, { recursive: true });
  const child = spawn(process.execPath, [cli.entry, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void; reject: (e: Error) => void }> = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const w of waiters.splice(0)) {
      if (
        stdout
          .split('\n')
          .slice(0, -1)
          .some((line) => w.pattern.test(line))
      )
        w.resolve();
      else waiters.push(w);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let ended = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      ended = true;
      // A line that has not come by now never will: fail the waiting test with the child's output, not a timeout.
      for (const w of waiters.splice(0))
        w.reject(
          new Error(
            `the CLI ended (code ${code}, signal ${signal}) without printing a line matching ${w.pattern}\n` +
              `stdout:\n${stdout}\nstderr:\n${stderr}`,
          ),
        );
      resolve({ code, signal });
    }),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    lineMatching: (pattern) => {
      const line = new Promise<void>((resolve, reject) => {
        if (
          stdout
            .split('\n')
            .slice(0, -1)
            .some((line) => pattern.test(line))
        )
          resolve();
        else if (ended) reject(new Error(`the CLI had ended without printing a line matching ${pattern}`));
        else waiters.push({ pattern, resolve, reject });
      });
      // Some tests race this line against a kill and never await the loser: that is not an unhandled rejection.
      line.catch(() => {});
      return line;
    },
  };
}
