import { ProjectErrors, StediError } from '../errors.js';
import type { Adapter } from '../adapters/adapter.js';
import { StatementFailedError } from '../adapters/statement-failed-error.js';
import { compileScope, renderWithQueries, type ProjectGraph } from '../compile/compile-project.js';
import type { NodeResult } from './node-result.js';

/** An on-run-start or on-run-end hook failed on the engine: the invocation fails, naming the hook. */
export class ProjectHookFailedError extends StediError {}

/** Which of the project's hooks. */
export type ProjectHookKind = 'on-run-start' | 'on-run-end';

/**
 * Renders and runs the project's on-run-start or on-run-end hooks in order, each once, with the template variables
 * given (on-run-end's `results` and `schemas`). A template problem stops the invocation as a project error; a hook
 * the engine fails stops it with the engine's message and the hook's place.
 */
export async function runProjectHooks(
  context: ProjectGraph,
  adapter: Adapter,
  kind: ProjectHookKind,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<void> {
  const texts = kind === 'on-run-start' ? context.project.file.onRunStart : context.project.file.onRunEnd;
  const { fileName } = context.project.file;
  for (const [i, text] of texts.entries()) {
    const where = `${fileName} ${kind}[${i}]`;
    // A hook may call run_query() (with `execute` true, as dbt's are rendered) and log(): answered like a model's.
    let sql = '';
    const scope = await renderWithQueries(
      (queryResults) => {
        const s = compileScope(context, where, undefined, { queryResults });
        sql = context.templates.renderString(text, s, variables).trim();
        return s;
      },
      (query) => adapter.query(query, { signal }),
    );
    if (scope.problems.length > 0) throw new ProjectErrors(scope.problems);
    context.templates.emitMessages(scope);
    if (sql === '') continue;
    const statement = { sql, purpose: `run ${kind} hook ${i + 1}` };
    try {
      await adapter.executePlan([statement], { signal });
    } catch (error) {
      if (!(error instanceof StatementFailedError)) throw error;
      throw new ProjectHookFailedError(
        `${where} failed:\n  ${error.engineMessage.replace(/\n/g, '\n  ')}\n  SQL: ${sql}\n  Fix the hook in ${fileName}${kind === 'on-run-start' ? '; no node was run' : ''}.`,
        { cause: error },
      );
    }
  }
}

/**
 * The variables dbt gives on-run-end: `results` (one per node, with its node, status, message, time and failures),
 * `schemas` (the schemas of the relations the invocation selected) and `database_schemas` ([database, schema] pairs).
 */
export function onRunEndVariables(
  context: ProjectGraph,
  ids: readonly string[],
  results: readonly NodeResult[],
): Record<string, unknown> {
  const relations = ids
    .map((id) => context.graph.nodes.get(id)!)
    .filter((n) => n.kind !== 'data_test' && n.kind !== 'unit_test')
    .map((n) => n.relation);
  const pairs = new Map(relations.map((r) => [`${r.database ?? ''}.${r.schema}`, [r.database ?? null, r.schema]]));
  return {
    results: results.map((r) => {
      const node = context.graph.nodes.get(r.uniqueId);
      return {
        unique_id: r.uniqueId,
        status: r.status,
        message: r.message ?? null,
        execution_time: r.seconds,
        failures: r.failures ?? null,
        adapter_response: { rows_affected: r.rows ?? null },
        node: {
          unique_id: r.uniqueId,
          name: r.name,
          resource_type: r.kind,
          database: node?.relation.database ?? null,
          schema: node?.relation.schema ?? null,
          alias: node?.relation.identifier ?? null,
        },
      };
    }),
    schemas: [...new Set(relations.map((r) => r.schema))],
    database_schemas: [...pairs.values()],
  };
}
