import { StatementFailedError } from '../adapters/statement-failed-error.js';
import { nodeSqlPath, writeArtifact } from '../compile/artifacts.js';
import { compileDataTest } from '../data-tests/compile-test.js';
import { missingRelationsReason, nodesReadBy } from '../data-tests/relations-read.js';
import { testStatus } from '../data-tests/test-config.js';
import { planRelation, planSchemas } from '../materialize/plan-node.js';
import type { BuildContext } from './build-node.js';
import { NodeFailedError } from './build-node.js';
import type { NodeOutcome } from './node-result.js';
import type { DataTestNode } from '../core/nodes.js';
import type { ProjectGraph } from '../compile/compile-project.js';
import { formatCount } from '../format-count.js';
import { missingRelations } from './missing-relations.js';

/**
 * Compiles and runs one data test: counts its failing rows (keeping them in a relation with store_failures) and
 * turns the count into pass / warn / fail by the test's severity, warn_if and error_if. A test that checks nothing
 * is skipped, saying why: switched off by skip_test(), or reading a relation that does not exist.
 */
export async function runDataTest(
  build: BuildContext,
  id: string,
  signal: AbortSignal,
  audited?: number,
): Promise<NodeOutcome> {
  const { context, adapter } = build;
  const node = context.graph.nodes.get(id);
  if (node?.kind !== 'data_test') throw new Error(`runDataTest: ${id} is not a data test`);
  // The test already counted the rows its model published, as an audit just before publishing them: the same rows.
  if (audited !== undefined && !node.config.storeFailures)
    return auditedOutcome(node, audited, nodeSqlPath(context, node, 'compiled'));
  const attached = node.attachedTo ? context.graph.nodes.get(node.attachedTo) : undefined;
  // Tests that look at every column (no_identifiers) need the tested relation's columns as the engine has them.
  const columns = attached && adapter.listColumns ? await adapter.listColumns(attached.relation) : [];
  const compiled = compileDataTest(context, node, columns, build.deferredRelation);
  const compiledPath = nodeSqlPath(context, node, 'compiled');
  const description = `test ${node.name}`;
  if (compiled.kind === 'switched_off') {
    writeArtifact(
      context,
      compiledPath,
      `-- Not run: skip_test() was called.\n${compiled.reason.replace(/^/gm, '-- ')}\n`,
    );
    return { status: 'skipped', skip: 'switched_off', description, message: compiled.reason, sqlPath: compiledPath };
  }
  const { sql } = compiled;
  writeArtifact(context, compiledPath, `${sql}\n`);
  // Asked of the catalog rather than read from the engine's error, whose wording differs by engine and version.
  const missing = await missingRelations(adapter, nodesReadBy(context.graph, node, build.deferredRelation));
  if (missing.length > 0)
    return {
      status: 'skipped',
      skip: 'relation_missing',
      description,
      message: missingRelationsReason(missing),
      sqlPath: compiledPath,
    };
  const failingRows = node.config.limit ? `select * from (\n${sql}\n) as failing limit ${node.config.limit}` : sql;
  const { dialect } = adapter;
  // The comment names the test in the engine's query history (Athena's console lists queries by their text).
  const named = `-- test: ${node.name}\n`;
  let counted = `${named}select count(*) as failures from (\n${failingRows}\n) as test_failures`;
  try {
    if (node.config.storeFailures) {
      const existing = (await adapter.listRelations(node.relation.schema)).get(node.relation.identifier.toLowerCase());
      const plan = planRelation({
        name: node.name,
        relation: node.relation,
        materialized: 'table',
        selectSql: failingRows,
        existing,
        dialect,
        capabilities: adapter.capabilities,
        newId: build.newId,
      });
      await adapter.executePlan([...planSchemas([node.relation], dialect), ...plan], { signal });
      counted = `${named}select count(*) as failures from ${dialect.relation(node.relation)}`;
    }
    const failures = failureCount(await adapter.query(counted, { signal }));
    const stored = node.config.storeFailures
      ? `; failing rows kept in ${node.relation.schema}.${node.relation.identifier}`
      : '';
    return testOutcome(node, failures, compiledPath, stored);
  } catch (error) {
    const engineMessage =
      error instanceof StatementFailedError
        ? error.engineMessage
        : error instanceof Error
          ? error.message
          : String(error);
    throw new NodeFailedError(
      `Test ${node.name} (${node.filePath}) could not run:\n  ${engineMessage}\n  SQL: ${compiledPath}`,
      compiledPath,
      { cause: error },
    );
  }
}

/**
 * The count a test's query answered. An answer without one (no row, or not a number) is an error, never zero
 * failures: a test that cannot say how many rows failed has not passed.
 */
function failureCount(rows: ReadonlyArray<Record<string, unknown>>): number {
  const value = rows.length === 1 ? rows[0]!.failures : undefined;
  const failures =
    typeof value === 'bigint'
      ? Number(value)
      : typeof value === 'number'
        ? value
        : typeof value === 'string' && /^\d+$/.test(value)
          ? Number(value)
          : NaN;
  if (!Number.isInteger(failures))
    throw new Error(
      `the engine answered the count of failing rows with ${rows.length} row(s) and no count (${JSON.stringify(rows[0] ?? null, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))})`,
    );
  return failures;
}

/** A test's outcome from its failure count, by its severity, warn_if and error_if. */
function testOutcome(node: DataTestNode, failures: number, compiledPath: string, stored = ''): NodeOutcome {
  const status = testStatus(failures, node.config);
  return {
    status,
    description: `test ${node.name}`,
    failures,
    sqlPath: compiledPath,
    message:
      status === 'pass'
        ? undefined
        : `${node.name}: ${formatCount(failures)} failing row${failures === 1 ? '' : 's'} (${node.config.severity === 'warn' || status === 'warn' ? 'warning' : 'error'})${stored}. SQL: ${compiledPath}`,
  };
}

function auditedOutcome(node: DataTestNode, failures: number, compiledPath: string): NodeOutcome {
  return { ...testOutcome(node, failures, compiledPath), description: `test ${node.name} (audited before publishing)` };
}

/** The outcome of a test whose audit kept its model from being published: failed, with the rows it found. */
export function blockedAuditOutcome(
  context: ProjectGraph,
  id: string,
  { failures, model }: { failures: number; model: string },
): NodeOutcome {
  const node = context.graph.nodes.get(id) as DataTestNode;
  const outcome = testOutcome(node, failures, nodeSqlPath(context, node, 'compiled'));
  return {
    ...outcome,
    description: `test ${node.name} (audited before publishing)`,
    message: `${outcome.message ?? node.name} Found in the new rows of ${model}, which were not published.`,
  };
}
