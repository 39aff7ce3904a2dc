import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/cli-io.js';

/** The repository root: the STEDI project itself lives here. */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

/** The real STEDI landing data beside the checkout (CI has it); tests that need it fail in CI and skip elsewhere when it is absent (helpers/requirements.ts). */
export const REAL_LANDING = path.resolve(
  process.env.STEDI_LANDING_DIR ?? path.join(REPO_ROOT, '../shared/stedi-landing'),
);
export const HAS_REAL_LANDING = existsSync(path.join(REAL_LANDING, 'customer/landing'));
export const NO_REAL_LANDING_REASON = `real STEDI landing data not found at ${REAL_LANDING} (set STEDI_LANDING_DIR or check out ../shared beside the repo)`;

/** A fresh temporary folder. */
export function tempDir(prefix = 'stedi-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies the STEDI project (project file, profiles, models, macros, seeds, tests) into a temp folder. */
export function copyStediProject(): string {
  const dir = tempDir('stedi-project-');
  for (const entry of ['stedi_project.yml', 'profiles.yml', 'models', 'macros', 'seeds', 'tests', 'data']) {
    const from = path.join(REPO_ROOT, entry);
    if (existsSync(from)) cpSync(from, path.join(dir, entry), { recursive: true });
  }
  return dir;
}

/** What an in-process CLI invocation printed and returned. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process through the same entry point as the binary. */
export async function cli(
  args: readonly string[],
  options: {
    cwd: string;
    env?: Record<string, string | undefined>;
    signal?: AbortSignal;
    timeoutSignal?: (ms: number) => AbortSignal;
  },
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    env: { PATH: process.env.PATH, ...options.env },
    cwd: options.cwd,
    signal: options.signal,
    timeoutSignal: options.timeoutSignal,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/** Reads a JSON artifact the CLI wrote under target/ (typed loosely: tests read the fields they assert on). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- artifacts are checked field by field by the tests
export function readTargetJson(projectDir: string, file: string): any {
  return JSON.parse(readFileSync(path.join(projectDir, 'target', file), 'utf8'));
}
