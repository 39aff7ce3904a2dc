import { Chalk, type ChalkInstance } from 'chalk';
import { resultRecord, type InvocationStarted, type NodeResult, type RunEvent } from '../run/node-result.js';
import { secretMasker } from '../project/secrets.js';
import type { CliIo, OutputStream } from './cli-io.js';
import { formatCount } from '../format-count.js';
import { jsonLogLine, type JsonLogRecord } from './json-log.js';

/** How events are printed: lines for people, or one JSON object per line for machines. */
export type LogFormat = 'text' | 'json';

/** Receives what commands do and prints it. */
export interface Reporter {
  event(event: RunEvent): void;
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string): void;
  error(message: string): void;
  close(): void;
}

function clock(): string {
  return new Date().toTimeString().slice(0, 8);
}

const STATUS_WORDS: Record<NodeResult['status'], string> = {
  success: 'OK',
  error: 'ERROR',
  skipped: 'SKIP',
  warn: 'WARN',
  pass: 'PASS',
  fail: 'FAIL',
};

/** Seconds as people read them: `0.12s`, `3.4s`, `2m05s`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(2)}s`;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** Bytes as people read them: `512 B`, `3.0 MB`, `1.20 GB` (binary units, as Athena bills). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** `, 3.0 MB scanned, $0.0001` for engines that report a cost (Athena); empty otherwise. */
export function formatCost(stats: Record<string, number> | undefined): string {
  if (stats?.cost_usd === undefined) return '';
  return `, ${formatBytes(stats.bytes_scanned ?? 0)} scanned, $${stats.cost_usd.toFixed(stats.cost_usd < 0.01 ? 6 : 4)}`;
}

/** `; table maintenance 2 queries, $0.0001 of it` when a run maintained tables (Athena's OPTIMIZE, VACUUM). */
function maintenanceShare(total: Record<string, number>): string {
  if (!total.maintenance_queries) return '';
  const cost = total.maintenance_cost_usd ?? 0;
  return `; table maintenance ${total.maintenance_queries} of them, $${cost.toFixed(cost < 0.01 ? 6 : 4)}`;
}

function sumStats(results: readonly NodeResult[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.stats ?? {})) total[k] = (total[k] ?? 0) + v;
  return total;
}

/** A node's result in a JSON log line: run_results.json's record, its prose under `description`, not `relation`. */
function logRecord(result: NodeResult): Record<string, unknown> {
  const { relation, ...record } = resultRecord(result);
  return { ...record, skip_cause: result.skip ?? null, description: relation };
}

const LEVELS: Record<NodeResult['status'], 'info' | 'warn' | 'error'> = {
  success: 'info',
  pass: 'info',
  skipped: 'info',
  warn: 'warn',
  error: 'error',
  fail: 'error',
};

class JsonReporter implements Reporter {
  constructor(private readonly io: CliIo) {}
  private emit(record: JsonLogRecord): void {
    this.io.stdout.write(jsonLogLine(record));
  }
  event(event: RunEvent): void {
    switch (event.type) {
      case 'invocation_started': {
        const { dryRun, ...rest } = event;
        this.emit({ ...rest, level: 'info', dry_run: dryRun });
        break;
      }
      case 'run_started':
        this.emit({ type: event.type, level: 'info', total: event.total, threads: event.threads });
        break;
      case 'node_started':
        this.emit({
          type: event.type,
          level: 'info',
          unique_id: event.uniqueId,
          name: event.name,
          index: event.index,
          total: event.total,
        });
        break;
      case 'node_finished':
        this.emit({
          type: event.type,
          level: LEVELS[event.result.status],
          index: event.index,
          total: event.total,
          result: logRecord(event.result),
        });
        break;
      case 'run_finished': {
        const counts: Record<string, number> = {};
        for (const r of event.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
        this.emit({
          type: event.type,
          level: 'info',
          elapsed_seconds: event.seconds,
          engine: event.engine ?? null,
          counts,
          stats: sumStats(event.results),
        });
        break;
      }
    }
  }
  info(message: string, data: Record<string, unknown> = {}): void {
    this.emit({ type: 'info', level: 'info', message, ...data });
  }
  warn(message: string): void {
    this.emit({ type: 'warning', level: 'warn', message });
  }
  error(message: string): void {
    this.emit({ type: 'error', level: 'error', message });
  }
  close(): void {}
}

const KIND_WORDS: Record<string, [string, string]> = {
  model: ['model', 'models'],
  source: ['source', 'sources'],
  seed: ['seed', 'seeds'],
  data_test: ['data test', 'data tests'],
  unit_test: ['unit test', 'unit tests'],
};

/** The run's first lines: what ran it, where, and what it found, so a log says which build it is. */
function header(event: InvocationStarted): string {
  const found = Object.entries(event.found)
    .map(([kind, n]) => `${formatCount(n)} ${KIND_WORDS[kind]?.[n === 1 ? 0 : 1] ?? kind}`)
    .join(', ');
  const mode = event.dryRun ? ' (dry run: statements are planned and written down, none is sent)' : '';
  return `${clock()}  stedi-models ${event.version} ${event.command} on target ${event.target} (${event.engine}, ${event.location})${mode}\n${clock()}  Found ${found}; ${formatCount(event.selected)} selected`;
}

class TextReporter implements Reporter {
  private readonly color: ChalkInstance;
  private readonly running = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private statusShown = false;
  private readonly failures: NodeResult[] = [];
  /** A dry run sends nothing: its nodes are planned, not built. */
  private dryRun = false;

  constructor(private readonly io: CliIo) {
    const tty = io.stdout.isTTY === true && !io.env.NO_COLOR;
    this.color = new Chalk({ level: tty || io.env.FORCE_COLOR ? 1 : 0 });
  }

  private get live(): boolean {
    return this.io.stdout.isTTY === true && !this.io.env.CI;
  }

  private line(text: string): void {
    this.clearStatus();
    this.io.stdout.write(`${text}\n`);
    this.drawStatus();
  }

  // On a terminal, a status line under the log shows which nodes are running and for how long.
  private drawStatus(): void {
    if (!this.live || this.running.size === 0) return;
    const now = Date.now();
    const parts = [...this.running].map(([name, start]) => `${name} (${formatSeconds((now - start) / 1000)})`);
    const width = this.io.stdout.columns ?? 100;
    const text = `running: ${parts.join(', ')}`;
    this.io.stdout.write(this.color.dim(text.length > width - 1 ? `${text.slice(0, width - 2)}…` : text));
    this.statusShown = true;
  }

  private clearStatus(): void {
    if (this.statusShown) this.io.stdout.write('\r\x1b[2K');
    this.statusShown = false;
  }

  event(event: RunEvent): void {
    const c = this.color;
    switch (event.type) {
      case 'invocation_started':
        this.dryRun = event.dryRun;
        this.line(header(event));
        break;
      case 'run_started':
        this.line(
          `${clock()}  Running ${event.total} node${event.total === 1 ? '' : 's'} with ${event.threads} thread${event.threads === 1 ? '' : 's'}`,
        );
        if (this.live) this.timer = setInterval(() => (this.clearStatus(), this.drawStatus()), 1000).unref();
        break;
      case 'node_started':
        this.running.set(event.name, Date.now());
        this.clearStatus();
        this.drawStatus();
        break;
      case 'node_finished': {
        const r = event.result;
        this.running.delete(r.name);
        const word = this.dryRun && r.status === 'success' ? 'PLANNED' : STATUS_WORDS[r.status];
        const painted =
          r.status === 'success' || r.status === 'pass'
            ? c.green(word)
            : r.status === 'skipped'
              ? c.yellow(word)
              : r.status === 'warn'
                ? c.yellow(word)
                : c.red(word);
        const audited = r.audits?.length ? `audited by ${r.audits.length} test${r.audits.length === 1 ? '' : 's'}` : '';
        const counted = r.failures
          ? `${formatCount(r.failures)} failing row${r.failures === 1 ? '' : 's'}`
          : r.rows === undefined
            ? ''
            : `${formatCount(r.rows)} rows written`;
        const rows = [counted, audited].filter(Boolean).join(', ') + (counted || audited ? ' in ' : '');
        // A test that skipped itself says why on its line; a node skipped for another's sake is explained by that one's.
        const ownSkip = r.skip === 'switched_off' || r.skip === 'relation_missing';
        const what = ownSkip ? `${r.description}: ${r.message ?? ''}` : r.status === 'skipped' ? r.name : r.description;
        const head = `${clock()}  ${event.index} of ${event.total} ${painted} ${what} `;
        const tail = ` [${rows}${formatSeconds(r.seconds)}${formatCost(r.stats)}]`;
        // eslint-disable-next-line no-control-regex
        const visible = head.replace(/\x1b\[[0-9;]*m/g, '').length;
        this.line(`${head}${c.dim('.'.repeat(Math.max(3, 80 - visible - tail.length)))}${tail}`);
        if (r.status === 'error' || r.status === 'fail' || (r.status === 'warn' && r.message)) this.failures.push(r);
        break;
      }
      case 'run_finished': {
        clearInterval(this.timer);
        this.clearStatus();
        const count = (s: NodeResult['status']) => event.results.filter((r) => r.status === s).length;
        for (const failure of this.failures) {
          const paint = failure.status === 'warn' ? c.yellow : c.red;
          this.io.stdout.write(
            `\n${paint(`${STATUS_WORDS[failure.status]} in ${failure.name}`)}\n  ${failure.message ?? ''}\n`,
          );
        }
        const unchecked = event.results.filter((r) => r.skip === 'relation_missing').length;
        if (unchecked > 0) {
          const tests =
            unchecked === 1
              ? '1 test could not run because a relation it reads does'
              : `${unchecked} tests could not run because a relation they read does`;
          this.io.stdout.write(
            `\n${c.red(`${tests} not exist (see the SKIP lines). A check that did not run is not a pass: the run fails.`)}\n`,
          );
        }
        const parts = [
          this.dryRun
            ? `${count('success') + count('pass')} planned, nothing sent`
            : `${count('success') + count('pass')} succeeded`,
          `${count('error') + count('fail')} failed`,
          `${count('skipped')} skipped`,
        ];
        if (count('warn')) parts.push(`${count('warn')} warned`);
        this.io.stdout.write(`\n${clock()}  Finished in ${formatSeconds(event.seconds)}: ${parts.join(', ')}.\n`);
        const total = sumStats(event.results);
        if (total.cost_usd !== undefined)
          this.io.stdout.write(
            `${clock()}  ${event.engine ?? 'Engine'}${formatCost(total)}, over ${total.queries ?? 0} queries${maintenanceShare(total)}.\n`,
          );
        break;
      }
    }
  }

  info(message: string): void {
    this.line(message);
  }
  warn(message: string): void {
    this.clearStatus();
    this.io.stderr.write(`${this.color.yellow('warning:')} ${message}\n`);
  }
  error(message: string): void {
    this.clearStatus();
    this.io.stderr.write(`${this.color.red('error:')} ${message}\n`);
  }
  close(): void {
    clearInterval(this.timer);
    this.clearStatus();
  }
}

function maskedStream(stream: OutputStream, mask: (text: string) => string): OutputStream {
  return { isTTY: stream.isTTY, columns: stream.columns, write: (text: string) => stream.write(mask(text)) };
}

/** Creates the reporter for a log format; secret values never reach the terminal or the log. */
export function createReporter(format: LogFormat, io: CliIo): Reporter {
  const mask = secretMasker(io.env);
  const masked: CliIo = { ...io, stdout: maskedStream(io.stdout, mask), stderr: maskedStream(io.stderr, mask) };
  return format === 'json' ? new JsonReporter(masked) : new TextReporter(masked);
}
