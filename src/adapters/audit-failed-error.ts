import type { Row, Statement } from '../core/statement.js';
import { StatementFailedError } from './statement-failed-error.js';

/** A data test found failing rows among the rows about to be published, so the plan stopped before publishing them. */
export class AuditFailedError extends StatementFailedError {
  constructor(
    statement: Statement,
    readonly test: string,
    readonly failures: number | undefined,
  ) {
    const found =
      failures === undefined
        ? 'answered no count, so the rows could not be checked'
        : `found ${failures} failing row${failures === 1 ? '' : 's'}`;
    super(statement, `test ${test} ${found}`);
  }
}

/**
 * Checks an audit statement's answer and throws AuditFailedError when it blocks. An audit that answers no row checked
 * nothing: it blocks too (when unsure, exclude). Every adapter that runs plans calls it after an audit statement.
 */
export function checkAudit(statement: Statement, records: readonly Row[] | undefined): void {
  if (!statement.audit) return;
  const [row] = records ?? [];
  const failures =
    row === undefined || row.failures === null || row.failures === undefined ? undefined : Number(row.failures);
  const blocks = row?.blocks;
  if (failures === undefined || Number.isNaN(failures) || blocks === true || blocks === 'true' || blocks === 1) {
    throw new AuditFailedError(statement, statement.audit.test, failures);
  }
}
