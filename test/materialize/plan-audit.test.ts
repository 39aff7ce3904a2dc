import { describe, expect, it } from 'vitest';
import { AuditFailedError, checkAudit } from '../../src/adapters/audit-failed-error.js';
import { planAudits } from '../../src/materialize/plan-audit.js';
import { AUDITED_RELATION } from '../../src/templating/audited-relation.js';

const TEST = {
  test: 'consented_people_email',
  sql: `select * from ${AUDITED_RELATION} where email not in (select email from ok)`,
  errorIf: '!=0',
};

describe('planAudits', () => {
  it('reads the rows about to be published where the plan put them, and says whether the count meets the error condition', () => {
    const [statement] = planAudits([TEST], '"s"."people__tmp_1"', 'people');
    expect(statement).toEqual({
      sql: '-- audit: consented_people_email\nselect failures, failures <> 0 as blocks from (\nselect count(*) as failures from (\nselect * from "s"."people__tmp_1" where email not in (select email from ok)\n) as test_failures\n) as audit',
      purpose: 'audit people with test consented_people_email before publishing',
      audit: { test: 'consented_people_email' },
    });
  });

  it("writes each of dbt's conditions as SQL on the failure count, and counts at most the test's limit", () => {
    const sqls = ['>10', '==0', '=3', '<>1', '>= 2', '<5'].map(
      (errorIf) => planAudits([{ ...TEST, errorIf }], 't', 'p')[0]!.sql,
    );
    expect(sqls.map((s) => /select failures, (.*) as blocks/.exec(s)![1])).toEqual([
      'failures > 10',
      'failures = 0',
      'failures = 3',
      'failures <> 1',
      'failures >= 2',
      'failures < 5',
    ]);
    expect(planAudits([{ ...TEST, limit: 7 }], 't', 'p')[0]!.sql).toContain(') as failing limit 7\n) as test_failures');
  });
});

describe('checkAudit', () => {
  const [statement] = planAudits([TEST], 't', 'people');
  it('lets the plan go on when the audit does not block', () => {
    expect(() => checkAudit(statement!, [{ failures: 0, blocks: false }])).not.toThrow();
    expect(() => checkAudit(statement!, [{ failures: 4, blocks: false }])).not.toThrow();
  });

  it('stops the plan with the test and its count when the audit blocks', () => {
    expect(() => checkAudit(statement!, [{ failures: 2, blocks: true }])).toThrow(AuditFailedError);
    expect(() => checkAudit(statement!, [{ failures: '2', blocks: 'true' }])).toThrow(
      'test consented_people_email found 2 failing rows',
    );
  });

  it('stops the plan when the audit answers no count: a check that checked nothing does not let rows through', () => {
    expect(() => checkAudit(statement!, [])).toThrow('answered no count');
    expect(() => checkAudit(statement!, undefined)).toThrow(AuditFailedError);
    expect(() => checkAudit(statement!, [{ failures: null, blocks: null }])).toThrow(AuditFailedError);
  });
});
