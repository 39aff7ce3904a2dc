import type { NodeResult } from './node-result.js';

function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // XML 1.0 forbids most control characters, even escaped.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
  );
}

/** JUnit XML for CI systems: one test case per executed node; fail and error are failures, warn is reported as output. */
export function junitReport(results: readonly NodeResult[], suiteName: string, seconds: number): string {
  const failed = results.filter((r) => r.status === 'fail').length;
  const errors = results.filter((r) => r.status === 'error').length;
  const skipped = results.filter((r) => r.status === 'skipped').length;
  const cases = results.map((r) => {
    const open = `    <testcase classname="${escapeXml(`${suiteName}.${r.kind}`)}" name="${escapeXml(r.name)}" time="${r.seconds.toFixed(3)}"`;
    const message = escapeXml(r.message ?? '');
    switch (r.status) {
      case 'fail':
        return `${open}>\n      <failure message="${escapeXml(`${r.failures ?? 0} failing rows`)}" type="test_failure">${message}</failure>\n    </testcase>`;
      case 'error':
        return `${open}>\n      <error message="${escapeXml((r.message ?? 'error').split('\n')[0]!)}" type="error">${message}</error>\n    </testcase>`;
      case 'skipped':
        return `${open}>\n      <skipped message="${message}"/>\n    </testcase>`;
      case 'warn':
        return `${open}>\n      <system-out>WARN: ${message}</system-out>\n    </testcase>`;
      default:
        return `${open}/>`;
    }
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(suiteName)}" tests="${results.length}" failures="${failed}" errors="${errors}" skipped="${skipped}" time="${seconds.toFixed(3)}">`,
    `  <testsuite name="${escapeXml(suiteName)}" tests="${results.length}" failures="${failed}" errors="${errors}" skipped="${skipped}" time="${seconds.toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
