import { openAdapter } from '../adapters/engines.js';
import { StatementFailedError } from '../adapters/statement-failed-error.js';
import { buildProjectGraph, compileScope, type ProjectGraph } from '../compile/compile-project.js';
import { ProjectError, ProjectErrors } from '../errors.js';
import type { Relation } from '../core/nodes.js';
import { planSchemas } from '../materialize/plan-node.js';
import { planScdSnapshot, type SnapshotStrategy } from '../materialize/plan-scd-snapshot.js';
import { snapshotBlocks, snapshotConfig, type SnapshotBlock } from '../parse/snapshot-blocks.js';
import { loadProject, type LoadProjectOptions } from '../project/load-project.js';
import type { Adapter } from '../adapters/adapter.js';

/** The target's engine cannot keep snapshots yet (it has no transactions to close and add versions atomically). */
export class SnapshotUnsupportedError extends ProjectError {}

/** One snapshot's outcome. */
export interface SnapshotResult {
  name: string;
  relation: Relation;
  status: 'success' | 'error';
  /** New versions written (all rows on the first run). */
  rows?: number;
  message?: string;
}

interface PlannedSnapshot {
  block: SnapshotBlock;
  relation: Relation;
  selectSql: string;
  config: ReturnType<typeof snapshotConfig>;
}

/** Renders every snapshot block with refs resolved and reads its config; throws every problem at once. */
function renderSnapshots(context: ProjectGraph, only?: ReadonlySet<string>): PlannedSnapshot[] {
  const problems: ProjectError[] = [];
  const planned: PlannedSnapshot[] = [];
  for (const block of snapshotBlocks(context.project.files.snapshotSql)) {
    if (only && !only.has(block.name)) continue;
    const scope = compileScope(context, block.body.path, undefined);
    const selectSql = context.templates.render(block.body, scope).trim();
    problems.push(...scope.problems);
    try {
      const config = snapshotConfig(block, scope.configs);
      const schema = config.schema ?? config.target_schema ?? context.engine.schema;
      const relation = { database: context.engine.database, schema, identifier: config.alias ?? block.name };
      planned.push({ block, relation, selectSql, config });
    } catch (error) {
      if (error instanceof ProjectError) problems.push(error);
      else throw error;
    }
  }
  if (problems.length > 0) throw new ProjectErrors(problems);
  return planned;
}

async function strategyOf(adapter: Adapter, s: PlannedSnapshot): Promise<SnapshotStrategy> {
  if (s.config.strategy === 'timestamp') return { kind: 'timestamp', updatedAt: s.config.updated_at! };
  if (s.config.check_cols !== 'all') return { kind: 'check', checkCols: s.config.check_cols! };
  const columns = (await adapter.describeQuery!(s.selectSql)).map((c) => c.name);
  return { kind: 'check', checkCols: columns.filter((c) => !s.config.unique_key.includes(c)) };
}

/**
 * `snapshot`: records each snapshot's rows as dbt's type-2 history, one transaction per snapshot (a failed one is
 * reported and leaves its table as it was; the others go on). DuckDB only for now.
 */
export async function runSnapshots(
  options: LoadProjectOptions & { select?: readonly string[] },
): Promise<SnapshotResult[]> {
  const context = buildProjectGraph(loadProject(options));
  const only = options.select?.length ? new Set(options.select.flatMap((s) => s.split(/[\s,]+/))) : undefined;
  const snapshots = renderSnapshots(context, only);
  if (snapshots.length === 0) return [];
  const adapter = await openAdapter(context.project.target, context.project.dir);
  try {
    if (!adapter.capabilities.transactionalDdl || !adapter.describeQuery)
      throw new SnapshotUnsupportedError(
        `snapshot is not supported yet on ${context.engine.definition.label}: it needs transactions to close old versions and add new ones at once. Run snapshots on a DuckDB target.`,
      );
    await adapter.executePlan(
      planSchemas(
        snapshots.map((s) => s.relation),
        adapter.dialect,
      ),
    );
    const results: SnapshotResult[] = [];
    for (const s of snapshots) {
      const existing = (await adapter.listRelations(s.relation.schema)).get(s.relation.identifier.toLowerCase());
      const statements = planScdSnapshot({
        name: s.block.name,
        relation: s.relation,
        selectSql: s.selectSql,
        uniqueKey: s.config.unique_key,
        strategy: await strategyOf(adapter, s),
        invalidateHardDeletes: s.config.invalidate_hard_deletes,
        exists: existing !== undefined,
        dialect: adapter.dialect,
      });
      try {
        const ran = await adapter.executePlan(statements);
        const rows = ran.reduce((sum, r, i) => sum + (statements[i]!.reportsRows ? (r.rows ?? 0) : 0), 0);
        results.push({ name: s.block.name, relation: s.relation, status: 'success', rows });
      } catch (error) {
        if (!(error instanceof StatementFailedError)) throw error;
        const message = `${s.block.file}: snapshot ${s.block.name} failed to ${error.statement.purpose}; its table is as it was:\n  ${error.engineMessage}`;
        results.push({ name: s.block.name, relation: s.relation, status: 'error', message });
      }
    }
    return results;
  } finally {
    await adapter.close();
  }
}
