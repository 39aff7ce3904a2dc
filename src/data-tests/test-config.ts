import type { DataTestConfig } from '../core/nodes.js';

/** Whether a failure count meets a condition such as `!=0` or `>10`. */
export function meetsCondition(failures: number, condition: string): boolean {
  const match = /^\s*(==|=|!=|<>|>=|<=|>|<)\s*(\d+)\s*$/.exec(condition);
  if (!match) throw new Error(`invalid condition ${condition}`);
  const n = Number(match[2]);
  switch (match[1]) {
    case '=':
    case '==':
      return failures === n;
    case '!=':
    case '<>':
      return failures !== n;
    case '>=':
      return failures >= n;
    case '<=':
      return failures <= n;
    case '>':
      return failures > n;
    default:
      return failures < n;
  }
}

/** A test's status from its failure count: dbt's rules for severity, error_if and warn_if. */
export function testStatus(failures: number, config: DataTestConfig): 'pass' | 'warn' | 'fail' {
  if (config.severity === 'error' && meetsCondition(failures, config.errorIf)) return 'fail';
  if (meetsCondition(failures, config.warnIf)) return 'warn';
  return 'pass';
}
