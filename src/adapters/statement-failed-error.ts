import { StediError } from '../errors.js';
import type { Statement } from '../core/statement.js';

/** The engine rejected or failed a statement; keeps the engine's own message in full. */
export class StatementFailedError extends StediError {
  constructor(
    readonly statement: Statement,
    readonly engineMessage: string,
    options?: { cause?: unknown },
  ) {
    super(`${statement.purpose} failed: ${engineMessage}`, options);
  }
}

/** The statement was stopped because the run was interrupted (Ctrl-C, --timeout). */
export class StatementCancelledError extends StediError {
  constructor(readonly statement: Statement) {
    super(`${statement.purpose} was cancelled`);
  }
}
