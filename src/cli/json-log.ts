/** A JSON log record: the event (`type`), its level, and the event's own snake_case fields. */
export type JsonLogRecord = { type: string; level: 'info' | 'warn' | 'error' } & Record<string, unknown>;

/**
 * One JSON object per line. With --log-format json every event goes to stdout, errors and warnings too (as dbt's
 * JSON log), so that a log collector reads one stream and tells them apart by `level`.
 */
export function jsonLogLine(record: JsonLogRecord): string {
  return `${JSON.stringify({ ts: new Date().toISOString(), ...record })}\n`;
}
