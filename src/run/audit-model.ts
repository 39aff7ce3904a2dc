import type { StatementResult, Statement } from '../core/statement.js';
import type { AuditFailedError } from '../adapters/audit-failed-error.js';
import { nodeSqlPath, writeArtifact } from '../compile/artifacts.js';
import { compileDataTest, type RelationColumns } from '../data-tests/compile-test.js';
import type { DataTestNode, ModelNode, Node, Relation } from '../core/nodes.js';
import type { AuditQuery } from '../materialize/plan-audit.js';
import { AUDITED_RELATION } from '../templating/audited-relation.js';
import type { Dialect } from '../adapters/adapter.js';
import type { ProjectGraph } from '../compile/compile-project.js';
import type { AuditCount } from './node-result.js';

/**
 * Compiles the tests that audit a model's new rows, reading the model through the planner's stand-in. A test that
 * looks at every column (no_identifiers) gets the columns of the model's query, which the engine describes only then.
 */
export async function compileAudits(
  build: {
    context: ProjectGraph;
    dialect: Dialect;
    tests: readonly DataTestNode[];
    deferredRelation?: (node: Node) => Relation | undefined;
  },
  node: ModelNode,
  queryColumns: () => Promise<RelationColumns>,
): Promise<AuditQuery[]> {
  const { context, dialect, tests } = build;
  const compile = (test: DataTestNode, columns: RelationColumns | (() => RelationColumns)) =>
    compileDataTest(context, test, columns, build.deferredRelation, node.uniqueId);
  const audits: AuditQuery[] = [];
  for (const test of tests) {
    let readsColumns = false;
    let compiledTest = compile(test, () => ((readsColumns = true), []));
    if (readsColumns) compiledTest = compile(test, await queryColumns());
    // A test switched off here (skip_test()) checks nothing: it audits nothing, and its node reports it skipped.
    if (compiledTest.kind === 'switched_off') continue;
    const compiled = compiledTest.sql;
    // target/compiled holds the test as it reads the published relation, so the file runs on its own.
    const readable = compiled.split(AUDITED_RELATION).join(dialect.relation(node.relation));
    writeArtifact(context, nodeSqlPath(context, test, 'compiled'), `${readable}\n`);
    audits.push({ test: test.name, sql: compiled, errorIf: test.config.errorIf, limit: test.config.limit });
  }
  return audits;
}

/**
 * What each audit of a published model counted, from the plan's results; each is also handed to `onAudited`, so that
 * `build`'s data tests need not count again. An audit without an answer (a dry run sends nothing) counted nothing.
 */
export function auditCounts(
  tests: readonly DataTestNode[],
  onAudited: ((testId: string, failures: number, blocked: boolean, model: string) => void) | undefined,
  node: Node,
  statements: readonly Statement[],
  results: readonly StatementResult[],
): AuditCount[] {
  const ids = new Map(tests.map((t) => [t.name, t.uniqueId]));
  return statements.flatMap((s, i) => {
    const row = results[i]?.records?.[0];
    if (!s.audit || !row) return [];
    const failures = Number(row.failures);
    const id = ids.get(s.audit.test);
    if (id) onAudited?.(id, failures, false, node.name);
    return [{ test: s.audit.test, failures }];
  });
}

/** Why a model's new rows were not published, and what that leaves, for its node's error. */
export function notPublished(node: Node, error: AuditFailedError, runPath: string): string {
  const found =
    error.failures === undefined
      ? 'answered no count, so its new rows could not be checked'
      : `found ${error.failures} failing row${error.failures === 1 ? '' : 's'} in its new rows`;
  return [
    `was not published: test ${error.test} ${found}.`,
    `  ${node.relation.schema}.${node.relation.identifier} is unchanged (its old rows and columns); what depends on it is skipped.`,
    `  Fix the model (or the data), then run again. Audit statements: ${runPath}`,
  ].join('\n');
}
