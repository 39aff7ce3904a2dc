import type { ProjectGraph } from '../compile/compile-project.js';
import { createTemplateEngine } from '../compile/compile-project.js';
import { UNIT_TEST_ENGINE } from '../adapters/engines.js';
import { ProjectErrors } from '../errors.js';
import type { ModelNode, Node, UnitTestNode } from '../core/nodes.js';
import type { ColumnType } from '../core/column-type.js';
import { newRenderScope } from '../templating/template-engine.js';
import { canonicalRows, fixtureSelectSql, UnitTestFixtureError, type FixtureColumn } from './fixture-sql.js';

const INPUT = /^\s*(ref|source)\s*\(\s*(['"])([^'"]+)\2\s*(?:,\s*(['"])([^'"]+)\4\s*)?\)\s*$/;

function declaredColumns(node: Node | undefined): FixtureColumn[] {
  const { dialect } = UNIT_TEST_ENGINE.info;
  if (!node) return [];
  if (node.kind === 'source' && node.external)
    return node.external.columns.map((c) => ({ name: c.name, type: dialect.columnType(c.type) }));
  if (node.kind === 'seed')
    return Object.entries(node.columnTypes).map(([name, type]) => ({
      name,
      type: dialect.columnType(type as ColumnType),
    }));
  return node.columns.filter((c) => c.dataType).map((c) => ({ name: c.name, type: c.dataType }));
}

/** Compiles the model under test with its refs and sources pointing at the fixtures, and the test's var overrides. */
function compileUnderTest(
  context: ProjectGraph,
  test: UnitTestNode,
  model: ModelNode,
): { sql: string; fixtures: Array<{ name: string; sql: string }> } {
  const project = {
    ...context.project,
    vars: { ...context.project.vars, ...test.varOverrides },
    env: { ...context.project.env, ...test.envOverrides },
  };
  const templates = createTemplateEngine(project, UNIT_TEST_ENGINE.info);
  const fixtures: Array<{ name: string; sql: string; key: string }> = test.given.map((given, i) => {
    const match = INPUT.exec(given.input)!;
    const key = match[1] === 'ref' ? `ref:${match[3]}` : `source:${match[3]}.${match[5]}`;
    const node =
      match[1] === 'ref'
        ? context.lookups.byRefName.get(match[3]!)
        : context.lookups.bySourceKey.get(`${match[3]}.${match[5]}`);
    return {
      name: `fixture_${i}`,
      key,
      sql: fixtureSelectSql(
        `${test.filePath}: unit test ${test.name}: given ${given.input}`,
        given.rows,
        declaredColumns(node),
        UNIT_TEST_ENGINE.info.dialect,
      ),
    };
  });
  const byKey = new Map(fixtures.map((f) => [f.key, f.name]));
  const missing = new Set<string>();
  const scope = newRenderScope('compile', model.filePath, {
    self: model.relation.identifier,
    resolveRef: (name) => byKey.get(`ref:${name}`) ?? (missing.add(`ref('${name}')`), 'missing_input'),
    resolveSource: (s, t) => byKey.get(`source:${s}.${t}`) ?? (missing.add(`source('${s}', '${t}')`), 'missing_input'),
  });
  const sql = templates.render({ path: model.filePath, text: model.rawSql }, scope);
  if (missing.size > 0) {
    throw new UnitTestFixtureError(
      `${test.filePath}: unit test ${test.name} gives no rows for ${[...missing].join(', ')}, which ${model.name} reads. Add them under given: (rows: [] for an empty input).`,
    );
  }
  if (scope.problems.length > 0) throw new ProjectErrors(scope.problems);
  return { sql, fixtures };
}

/** The result of one unit test: the runner reports it as the node's outcome. */
export interface UnitTestOutcome {
  status: 'pass' | 'fail';
  description: string;
  failures: number;
  message?: string;
}

/** Runs one unit test on an in-memory DuckDB: fixtures as views, the model's SQL over them, rows compared as multisets. */
export async function runUnitTest(context: ProjectGraph, id: string): Promise<UnitTestOutcome> {
  const test = context.graph.nodes.get(id) as UnitTestNode;
  const model = context.graph.nodes.get(test.attachedTo) as ModelNode;
  const { sql, fixtures } = compileUnderTest(context, test, model);
  const adapter = await UNIT_TEST_ENGINE.open(context.project.dir);
  try {
    await adapter.executePlan(
      fixtures.map((f) => ({ sql: `create view ${f.name} as ${f.sql}`, purpose: `create fixture ${f.name}` })),
    );
    const actual = await adapter.query(sql);
    const columns = [...new Set(test.expectRows.flatMap((r) => Object.keys(r)))];
    const expected = canonicalRows(test.expectRows, columns);
    const got = canonicalRows(actual, columns);
    const missingRows = expected
      .filter((row, i) => expected.indexOf(row) === i)
      .flatMap((row) =>
        Array(Math.max(0, expected.filter((r) => r === row).length - got.filter((r) => r === row).length)).fill(row),
      );
    const extraRows = got
      .filter((row, i) => got.indexOf(row) === i)
      .flatMap((row) =>
        Array(Math.max(0, got.filter((r) => r === row).length - expected.filter((r) => r === row).length)).fill(row),
      );
    const passed = missingRows.length === 0 && extraRows.length === 0;
    const show = (rows: string[]) =>
      rows
        .slice(0, 5)
        .map((r) => `      ${r}`)
        .join('\n') + (rows.length > 5 ? `\n      (${rows.length - 5} more)` : '');
    return {
      status: passed ? 'pass' : 'fail',
      description: `unit test ${model.name}.${test.name}`,
      failures: missingRows.length + extraRows.length,
      message: passed
        ? undefined
        : `unit test ${test.name} of ${model.name} (${test.filePath}): rows differ on [${columns.join(', ')}]\n` +
          (missingRows.length ? `    expected but missing:\n${show(missingRows)}\n` : '') +
          (extraRows.length ? `    returned but not expected:\n${show(extraRows)}` : ''),
    };
  } finally {
    await adapter.close();
  }
}
