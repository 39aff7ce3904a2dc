import { ProjectErrors } from '../errors.js';
import { compileScope, type ProjectGraph } from '../compile/compile-project.js';
import { FilteredRelation, RelationValue } from '../templating/relation-value.js';
import type { DataTestNode, Node } from '../core/nodes.js';

/** Columns of a relation as the engine reports them. */
export type RelationColumns = Array<{ name: string; type: string }>;

/** A compiled data test: the SQL that selects its failing rows, or why it checks nothing here (skip_test()). */
export type CompiledTest = { kind: 'query'; sql: string } | { kind: 'switched_off'; reason: string };

/**
 * Compiles a data test to the SQL that selects its failing rows: a generic test's macro rendered with the tested
 * relation and its arguments, or a singular test's file. Throws every problem at once.
 */
export function compileDataTest(
  context: ProjectGraph,
  node: DataTestNode,
  columns: RelationColumns | (() => RelationColumns) = [],
  deferredRelation?: (node: Node) => Node['relation'] | undefined,
  audited?: string,
): CompiledTest {
  const { engine, templates, graph } = context;
  // Compiled to audit a model before it is published, the test reads that model through the planner's stand-in.
  const relationFor = (n: Node) =>
    n.uniqueId === audited ? RelationValue.audited(n.relation, engine.dialect) : (deferredRelation?.(n) ?? n.relation);
  const scope = compileScope(
    context,
    node.filePath,
    node.relation,
    { columnsOf: typeof columns === 'function' ? columns : () => columns, dataTest: true },
    relationFor,
  );
  let sql: string;
  if (node.testName) {
    const attached = graph.nodes.get(node.attachedTo!)!;
    const target = relationFor(attached);
    const relation = target instanceof RelationValue ? target : new RelationValue(attached.relation, engine.dialect);
    // `where:` narrows the tested relation; a subquery keeps every test's own SQL unchanged.
    const model = node.config.where ? new FilteredRelation(relation, engine.dialect, node.config.where) : relation;
    const args = Object.fromEntries(
      Object.entries(node.args).map(([k, v]) => [k, typeof v === 'string' ? templates.renderString(v, scope) : v]),
    );
    sql = templates.renderTest(
      node.testName,
      { ...args, model, column_name: node.columnName ? engine.dialect.quoteIdentifier(node.columnName) : undefined },
      scope,
    );
  } else {
    sql = templates.render({ path: node.filePath, text: node.rawSql ?? '' }, scope);
  }
  if (scope.problems.length > 0) throw new ProjectErrors(scope.problems);
  templates.emitMessages(scope);
  // What the template rendered besides the skip_test() call is not run: a switched-off test sends no query.
  return scope.skipReason === undefined
    ? { kind: 'query', sql: sql.trim() }
    : { kind: 'switched_off', reason: scope.skipReason };
}
