import type { Row } from '../core/statement.js';

/** A value as one line of text: dates in ISO form, nested values as JSON, null as an empty cell. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  return String(value);
}

const MAX_WIDTH = 40;

/** Rows as a table for a terminal, each column as wide as its longest value up to 40 characters. */
export function formatTable(columns: readonly string[], rows: readonly Row[]): string {
  const cells = rows.map((row) =>
    columns.map((c) => {
      const text = cellText(row[c]).replace(/\s+/g, ' ');
      return text.length > MAX_WIDTH ? `${text.slice(0, MAX_WIDTH - 1)}…` : text;
    }),
  );
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[]) => `| ${values.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(columns), rule, ...cells.map(line)].join('\n');
}

/** Rows as CSV (RFC 4180): a header line, fields quoted when they hold a comma, quote or line break. */
export function formatCsv(columns: readonly string[], rows: readonly Row[]): string {
  const field = (text: string) => (/[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);
  return [columns, ...rows.map((row) => columns.map((c) => cellText(row[c])))]
    .map((values) => values.map(field).join(','))
    .join('\n');
}

/** The JSON `dbt show --output json` prints: the node's name and its rows. */
export function formatJson(node: string, rows: readonly Row[]): string {
  return JSON.stringify({ node, show: rows }, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v), 2);
}
