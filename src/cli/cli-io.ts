/** A place the CLI writes text to: process.stdout in a terminal, a buffer in tests. */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Everything a CLI invocation touches outside itself, so tests can run it in-process. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Aborted on Ctrl-C / SIGTERM; commands stop their work and clean up. */
  signal?: AbortSignal;
  /** A signal that aborts after `ms` (`--timeout`); AbortSignal.timeout unless a test brings its own clock. */
  timeoutSignal?: (ms: number) => AbortSignal;
}

/** The real process's streams and environment. */
export function processIo(signal?: AbortSignal): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal };
}
