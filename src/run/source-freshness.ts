import path from 'node:path';
import { openAdapter } from '../adapters/engines.js';
import type { Dialect } from '../adapters/adapter.js';
import { targetDir, writeArtifact } from '../compile/artifacts.js';
import { buildProjectGraph } from '../compile/compile-project.js';
import { TOOL_VERSION } from '../core/tool-version.js';
import type { FreshnessSpan, SourceNode } from '../core/nodes.js';
import { selectNodes, type SelectionOptions } from '../graph/selection.js';
import { loadProject, type LoadProjectOptions } from '../project/load-project.js';

/** dbt's statuses of a freshness check; `runtime error` when the check could not run. */
export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

/** The outcome of one source table's freshness check, as target/sources.json records it. */
export interface FreshnessResult {
  uniqueId: string;
  name: string;
  status: FreshnessStatus;
  maxLoadedAt: string | null;
  snapshottedAt: string | null;
  ageSeconds: number | null;
  message?: string;
  seconds: number;
}

const SECONDS: Record<FreshnessSpan['period'], number> = { minute: 60, hour: 3_600, day: 86_400 };

/** The status for a newest row this many seconds old: error past error_after, else warn past warn_after, else pass. */
export function freshnessStatus(ageSeconds: number, source: Pick<SourceNode, 'freshness'>): FreshnessStatus {
  const past = (span?: FreshnessSpan) => span !== undefined && ageSeconds > span.count * SECONDS[span.period];
  if (past(source.freshness?.errorAfter)) return 'error';
  return past(source.freshness?.warnAfter) ? 'warn' : 'pass';
}

/** The query of a table's newest load time and its age in seconds, in SQL both DuckDB and Athena (Trino) run. */
export function freshnessQuery(source: SourceNode, dialect: Dialect): string {
  const field = source.freshness!.loadedAtField!;
  const where = source.freshness?.filter ? `\nwhere ${source.freshness.filter}` : '';
  return `select cast(max(${field}) as varchar) as max_loaded_at, cast(current_timestamp as varchar) as snapshotted_at,
  date_diff('second', max(${field}), current_timestamp) as age_seconds
from ${dialect.relation(source.relation)}${where}`;
}

type Query = (sql: string) => Promise<Array<Record<string, unknown>>>;

/** Checks one table: its newest load time against its criteria; a query the engine fails is a runtime error. */
async function checkOne(source: SourceNode, dialect: Dialect, query: Query): Promise<FreshnessResult> {
  const started = Date.now();
  const name = `${source.sourceName}.${source.name}`;
  const done = (rest: Omit<FreshnessResult, 'uniqueId' | 'name' | 'seconds'>): FreshnessResult => ({
    uniqueId: source.uniqueId,
    name,
    ...rest,
    seconds: (Date.now() - started) / 1000,
  });
  const none = { maxLoadedAt: null, snapshottedAt: null, ageSeconds: null };
  const field = source.freshness?.loadedAtField;
  if (!field)
    return done({
      ...none,
      status: 'runtime error',
      message: `${source.filePath}: source ${name} has freshness but no loaded_at_field; add loaded_at_field: <timestamp column> to the table or its source.`,
    });
  try {
    const [row] = await query(freshnessQuery(source, dialect));
    const found = {
      maxLoadedAt: row?.max_loaded_at == null ? null : String(row.max_loaded_at),
      snapshottedAt: row?.snapshotted_at == null ? null : String(row.snapshotted_at),
    };
    if (row?.age_seconds == null)
      return done({ ...found, ageSeconds: null, status: 'error', message: `${name} has no row with a ${field}.` });
    const age = Number(row.age_seconds);
    return done({ ...found, ageSeconds: age, status: freshnessStatus(age, source) });
  } catch (error) {
    return done({ ...none, status: 'runtime error', message: `${name}: ${(error as Error).message}` });
  }
}

/** Options of `source freshness`. */
export interface FreshnessOptions extends LoadProjectOptions, SelectionOptions {
  /** Where to write the results (default target/sources.json), relative to the project. */
  output?: string;
}

/**
 * `source freshness`: checks every selected source table that declares freshness, one query each, and writes
 * target/sources.json as dbt does. Tables without freshness criteria are not checked.
 */
export async function checkSourceFreshness(
  options: FreshnessOptions,
): Promise<{ results: FreshnessResult[]; file: string }> {
  const started = Date.now();
  const context = buildProjectGraph(loadProject(options));
  const ids = selectNodes(context.graph, options, (n) => n.kind === 'source' && n.freshness !== undefined);
  const sources = ids.map((id) => context.graph.nodes.get(id) as SourceNode);
  const results: FreshnessResult[] = [];
  if (sources.length > 0) {
    const adapter = await openAdapter(context.project.target, context.project.dir);
    try {
      for (const source of sources) results.push(await checkOne(source, adapter.dialect, (sql) => adapter.query(sql)));
    } finally {
      await adapter.close();
    }
  }
  const file = path.resolve(context.project.dir, options.output ?? path.join(targetDir(context), 'sources.json'));
  const document = {
    metadata: { tool: 'stedi-models', tool_version: TOOL_VERSION, generated_at: new Date().toISOString() },
    elapsed_time: (Date.now() - started) / 1000,
    results: results.map((r) => {
      const source = context.graph.nodes.get(r.uniqueId) as SourceNode;
      return {
        unique_id: r.uniqueId,
        max_loaded_at: r.maxLoadedAt,
        snapshotted_at: r.snapshottedAt,
        max_loaded_at_time_ago_in_s: r.ageSeconds,
        status: r.status,
        criteria: {
          warn_after: source.freshness?.warnAfter ?? null,
          error_after: source.freshness?.errorAfter ?? null,
          filter: source.freshness?.filter ?? null,
        },
        execution_time: r.seconds,
        ...(r.message ? { message: r.message } : {}),
      };
    }),
  };
  writeArtifact(context, file, `${JSON.stringify(document, null, 2)}\n`);
  return { results, file: path.relative(context.project.dir, file) || file };
}
