/** Base class of every error a user can fix; the CLI prints its message without a stack trace. */
export class StediError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A problem with the project, a profile or the command line: nothing was run.
 * The CLI maps these to exit code 2.
 */
export class ProjectError extends StediError {}

/** Several project problems found in one pass, reported together so the user can fix them all at once. */
export class ProjectErrors extends ProjectError {
  readonly problems: readonly ProjectError[];
  constructor(problems: readonly ProjectError[]) {
    super(
      problems.length === 1
        ? problems[0]!.message
        : `${problems.length} problems found:\n${problems.map((p) => `  - ${p.message.replace(/\n/g, '\n    ')}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** Throws every collected problem at once, or returns when there is none. */
export function throwIfAny(problems: readonly ProjectError[]): void {
  if (problems.length === 0) return;
  throw new ProjectErrors(problems.flatMap((p) => (p instanceof ProjectErrors ? p.problems : [p])));
}

/** The message of anything thrown: an Error's message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
