import type { Statement } from '../core/statement.js';
import { AUDITED_RELATION } from '../templating/audited-relation.js';

/** One data test compiled to audit a model's rows before they are published. */
export interface AuditQuery {
  /** The test's name, for people. */
  test: string;
  /** SQL selecting the test's failing rows, reading the audited rows as AUDITED_RELATION. */
  sql: string;
  /** The test's error condition on its failure count (`!=0`, `>10`): when it holds, the rows are not published. */
  errorIf: string;
  /** At most this many failing rows are counted (the test's `limit`). */
  limit?: number;
}

// A test's condition (checked to be an operator and a whole number when the project was read) as SQL on `failures`.
function conditionSql(condition: string): string {
  const match = /^\s*(==|=|!=|<>|>=|<=|>|<)\s*(\d+)\s*$/.exec(condition);
  if (!match) throw new Error(`invalid test condition ${condition}`);
  const operator = match[1] === '==' ? '=' : match[1] === '!=' ? '<>' : match[1]!;
  return `failures ${operator} ${match[2]}`;
}

/**
 * The statements that audit the rows about to be published, one per test: each counts the test's failing rows and
 * says whether they block. Placed by a plan after the rows are written where nobody else can read them yet (inside
 * the transaction, or in a staged table) and before the step that publishes them. `rows` is a relation name or a
 * parenthesised query holding exactly the rows about to be published.
 */
export function planAudits(audits: readonly AuditQuery[], rows: string, name: string): Statement[] {
  return audits.map((audit) => {
    const failing = audit.sql.split(AUDITED_RELATION).join(rows);
    const limited = audit.limit ? `select * from (\n${failing}\n) as failing limit ${audit.limit}` : failing;
    return {
      sql: `-- audit: ${audit.test}\nselect failures, ${conditionSql(audit.errorIf)} as blocks from (\nselect count(*) as failures from (\n${limited}\n) as test_failures\n) as audit`,
      purpose: `audit ${name} with test ${audit.test} before publishing`,
      audit: { test: audit.test },
    };
  });
}
