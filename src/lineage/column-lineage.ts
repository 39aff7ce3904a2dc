import type { ColumnLineage, ColumnOrigin, ColumnRef, ModelLineage } from '../core/column-lineage.js';

/** A node of DuckDB's serialized syntax tree (json_serialize_sql); only the fields lineage reads are looked at. */
type Ast = Record<string, unknown>;

/** What a table named in the SQL is: a parent node, with its columns when they are known. */
export interface ParentTable {
  node: string;
  /** Its column names; undefined when not declared (a reference `t.c` still traces to it, a `*` over it cannot). */
  columns?: readonly string[];
}

/** Finds the parent node a table name of the SQL stands for (schema may be ''); undefined when none. */
export type ParentResolver = (schema: string, table: string) => ParentTable | undefined;

/** What an expression is computed from and filtered by, and what of it cannot be traced. */
interface Trace {
  derived: Map<string, ColumnOrigin>;
  filtered: Map<string, ColumnRef>;
  unknown: string[];
}

interface ShapeColumn {
  name: string;
  trace: Trace;
}

/** A relation in a FROM clause: its columns with their traces, a parent of undeclared columns, or untraceable. */
type Shape =
  { kind: 'columns'; columns: ShapeColumn[] } | { kind: 'open'; node: string } | { kind: 'unknown'; reason: string };

interface Scope {
  relations: Array<{ alias: string; shape: Shape }>;
  /** The select list's aliases: GROUP BY, HAVING and QUALIFY may name them. */
  selectAliases: Map<string, Ast>;
  outer?: Scope;
}

interface Env {
  ctes: Map<string, Shape>;
  resolve: ParentResolver;
  /** Byte offsets where a pseudonym() output starts (the expression the macro's marker precedes). */
  pseudonyms: ReadonlySet<number>;
}

/**
 * The marker `pseudonym()` writes before its output. The parser drops comments, but each expression keeps its byte
 * offset in the SQL (query_location), so the expression starting where a marker ends is the pseudonym's.
 */
export const PSEUDONYM_MARKER = '/* stedi:pseudonym */';

const emptyTrace = (): Trace => ({ derived: new Map(), filtered: new Map(), unknown: [] });
const keyOf = (r: ColumnRef, pseudonymised = false) => `${r.node}\u0000${r.column}\u0000${pseudonymised}`;

function merge(into: Trace, from: Trace): Trace {
  for (const [k, v] of from.derived) into.derived.set(k, v);
  for (const [k, v] of from.filtered) into.filtered.set(k, v);
  into.unknown.push(...from.unknown);
  return into;
}

/** A trace whose derived columns only filter: what a WHERE or JOIN condition reads. */
function asFilter(trace: Trace): Trace {
  const out = emptyTrace();
  for (const o of [...trace.derived.values(), ...trace.filtered.values()]) {
    const ref = { node: o.node, column: o.column };
    out.filtered.set(keyOf(ref), ref);
  }
  return out;
}

const isAst = (v: unknown): v is Ast => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Byte offsets just after each pseudonym marker (and its following blanks) in the SQL text. */
export function pseudonymOffsets(sql: string): Set<number> {
  const offsets = new Set<number>();
  for (let at = sql.indexOf(PSEUDONYM_MARKER); at >= 0; at = sql.indexOf(PSEUDONYM_MARKER, at + 1)) {
    let end = at + PSEUDONYM_MARKER.length;
    while (/\s/.test(sql[end] ?? '')) end++;
    offsets.add(Buffer.byteLength(sql.slice(0, end)));
  }
  return offsets;
}

/** The column lineage of a model from the syntax tree of its SQL, or why its statement cannot be analysed. */
export function modelLineageOf(tree: unknown, sql: string, resolve: ParentResolver): ModelLineage {
  const parsed = isAst(tree) ? tree : {};
  const statements = list(parsed.statements);
  if (parsed.error === true || statements.length !== 1 || !isAst(statements[0])) {
    const why = parsed.error === true ? `DuckDB's parser: ${str(parsed.error_message)}` : 'not one SELECT statement';
    return { columns: [], unknownColumns: `the SQL cannot be analysed (${why})` };
  }
  const env: Env = { ctes: new Map(), resolve, pseudonyms: pseudonymOffsets(sql) };
  const shape = queryShape(statements[0].node, env, undefined);
  if (shape.kind !== 'columns') {
    return { columns: [], unknownColumns: shape.kind === 'unknown' ? shape.reason : 'its columns are not known' };
  }
  return { columns: shape.columns.map(toColumnLineage) };
}

function toColumnLineage({ name, trace }: ShapeColumn): ColumnLineage {
  const derived = [...trace.derived.values()];
  // A column read both plainly and through pseudonym() is derived plainly: keep the plain origin only.
  const plain = new Set(derived.filter((o) => !o.pseudonymised).map((o) => keyOf(o)));
  const derivedFrom = derived.filter((o) => !o.pseudonymised || !plain.has(keyOf(o)));
  const derivedKeys = new Set(derivedFrom.map((o) => keyOf(o)));
  const filteredBy = [...trace.filtered.values()].filter((r) => !derivedKeys.has(keyOf(r)));
  const unknown = [...new Set(trace.unknown)];
  return { name, derivedFrom, filteredBy, ...(unknown.length > 0 ? { unknown: unknown.join('; ') } : {}) };
}

function withCtes(node: Ast, env: Env, outer: Scope | undefined): Env {
  const entries = list(isAst(node.cte_map) ? node.cte_map.map : undefined);
  if (entries.length === 0) return env;
  const ctes = new Map(env.ctes);
  for (const entry of entries) {
    if (!isAst(entry) || !isAst(entry.value)) continue;
    const name = str(entry.key).toLowerCase();
    const query = isAst(entry.value.query) ? entry.value.query.node : undefined;
    const shape = queryShape(query, { ...env, ctes }, outer);
    ctes.set(name, renamed(shape, list(entry.value.aliases).map(str)));
  }
  return { ...env, ctes };
}

/** The output of a query node: SELECT, set operation (union, except, intersect), or what cannot be traced. */
function queryShape(node: unknown, parentEnv: Env, outer: Scope | undefined): Shape {
  if (!isAst(node)) return { kind: 'unknown', reason: 'a query of an unknown form' };
  const env = withCtes(node, parentEnv, outer);
  if (node.type === 'SELECT_NODE') return selectShape(node, env, outer);
  if (node.type === 'SET_OPERATION_NODE') {
    const sides = [node.left, node.right, ...list(node.children)].filter(isAst).map((n) => queryShape(n, env, outer));
    return setOperationShape(str(node.setop_type), sides);
  }
  return { kind: 'unknown', reason: `a ${str(node.type).toLowerCase() || 'query'} (not traced)` };
}

function setOperationShape(type: string, sides: Shape[]): Shape {
  const [first] = sides;
  if (!first) return { kind: 'unknown', reason: 'an empty set operation' };
  const unknown = sides.find((s) => s.kind !== 'columns');
  if (unknown) return unknown.kind === 'unknown' ? unknown : { kind: 'unknown', reason: 'a * in a set operation' };
  const known = sides as Array<Extract<Shape, { kind: 'columns' }>>;
  const byName = type.includes('BY_NAME');
  // EXCEPT and INTERSECT take their values from the first side; the others only decide which rows are kept.
  const values = type === 'EXCEPT' || type === 'INTERSECT' ? [known[0]!] : known;
  return {
    kind: 'columns',
    columns: known[0]!.columns.map((column, i) => {
      const trace = emptyTrace();
      for (const side of known) {
        const match = byName ? side.columns.find((c) => same(c.name, column.name)) : side.columns[i];
        if (!match) trace.unknown.push(`no column ${column.name} in every part of a ${type.toLowerCase()}`);
        else merge(trace, values.includes(side) ? match.trace : asFilter(match.trace));
      }
      return { name: column.name, trace };
    }),
  };
}

function renamed(shape: Shape, aliases: string[]): Shape {
  if (aliases.length === 0 || shape.kind !== 'columns') return shape;
  return { kind: 'columns', columns: shape.columns.map((c, i) => ({ ...c, name: aliases[i] ?? c.name })) };
}

/** Adds the relations of a FROM clause to the scope; returns the traces of its join conditions (filters). */
function addFrom(table: unknown, scope: Scope, env: Env, filters: Trace[]): void {
  if (!isAst(table)) return;
  const alias = str(table.alias);
  const aliases = list(table.column_name_alias).map(str);
  switch (table.type) {
    case 'BASE_TABLE': {
      const name = str(table.table_name);
      const schema = str(table.schema_name);
      const cte = schema === '' ? env.ctes.get(name.toLowerCase()) : undefined;
      const parent = cte ? undefined : env.resolve(schema, name);
      const shape: Shape =
        cte ??
        (parent === undefined
          ? { kind: 'unknown', reason: `${schema ? `${schema}.` : ''}${name} is not a ref, source or seed` }
          : parent.columns === undefined
            ? { kind: 'open', node: parent.node }
            : { kind: 'columns', columns: parent.columns.map((c) => parentColumn(parent.node, c)) });
      scope.relations.push({ alias: alias || name, shape: renamed(shape, aliases) });
      return;
    }
    case 'SUBQUERY': {
      const query = isAst(table.subquery) ? table.subquery.node : undefined;
      // A subquery in FROM sees the CTEs but not the relations beside it (no LATERAL traced).
      const shape = queryShape(query, env, scope.outer);
      scope.relations.push({ alias, shape: renamed(shape, aliases) });
      return;
    }
    case 'JOIN': {
      addFrom(table.left, scope, env, filters);
      addFrom(table.right, scope, env, filters);
      if (table.condition) filters.push(asFilter(expressionTrace(table.condition, scope, env)));
      for (const using of list(table.using_columns).map(str)) {
        filters.push(asFilter(resolveColumn([using], scope, env)));
      }
      return;
    }
    case 'EMPTY':
    case 'EMPTY_FROM':
      return;
    default:
      scope.relations.push({
        alias,
        shape: { kind: 'unknown', reason: `a ${str(table.type).toLowerCase()} in FROM (not traced)` },
      });
  }
}

function parentColumn(node: string, column: string): ShapeColumn {
  const trace = emptyTrace();
  trace.derived.set(keyOf({ node, column }), { node, column, pseudonymised: false });
  return { name: column, trace };
}

function selectShape(node: Ast, env: Env, outer: Scope | undefined): Shape {
  const scope: Scope = { relations: [], selectAliases: new Map(), outer };
  const filters: Trace[] = [];
  addFrom(node.from_table, scope, env, filters);
  const selectList = list(node.select_list).filter(isAst);
  for (const e of selectList) if (str(e.alias)) scope.selectAliases.set(str(e.alias).toLowerCase(), e);
  for (const clause of [node.where_clause, node.having, node.qualify, ...list(node.group_expressions)]) {
    if (clause) filters.push(asFilter(expressionTrace(clause, scope, env)));
  }
  const rowFilter = filters.reduce(merge, emptyTrace());
  const columns: ShapeColumn[] = [];
  for (const [i, e] of selectList.entries()) {
    if (e.class === 'STAR' && e.columns !== true && !e.expr) {
      const expanded = expandStar(e, scope, env);
      if (expanded.kind !== 'columns') return expanded;
      columns.push(...expanded.columns);
      continue;
    }
    const name = str(e.alias) || (e.class === 'COLUMN_REF' ? str(list(e.column_names).at(-1)) : `expression_${i + 1}`);
    columns.push({ name, trace: expressionTrace(e, scope, env) });
  }
  for (const c of columns) merge(c.trace, { ...rowFilter, unknown: [] });
  return { kind: 'columns', columns };
}

function expandStar(star: Ast, scope: Scope, env: Env): Shape {
  const relationName = str(star.relation_name);
  const relations = relationName ? scope.relations.filter((r) => same(r.alias, relationName)) : scope.relations;
  if (relationName && relations.length === 0) return { kind: 'unknown', reason: `${relationName}.* names no relation` };
  const excluded = new Set(
    [...list(star.exclude_list), ...list(star.qualified_exclude_list)].map((x) =>
      (isAst(x) ? str(list(x.column_names).at(-1)) : str(x)).toLowerCase(),
    ),
  );
  const replacements = new Map(
    list(star.replace_list)
      .filter(isAst)
      .map((r) => [str(r.key).toLowerCase(), r.value] as const),
  );
  const columns: ShapeColumn[] = [];
  for (const { alias, shape } of relations) {
    if (shape.kind === 'unknown') return shape;
    if (shape.kind === 'open') {
      return {
        kind: 'unknown',
        reason: `${alias || 'a relation'}.* reads ${shape.node}, whose columns are not declared`,
      };
    }
    for (const c of shape.columns) {
      if (excluded.has(c.name.toLowerCase())) continue;
      const replacement = replacements.get(c.name.toLowerCase());
      columns.push(replacement ? { name: c.name, trace: expressionTrace(replacement, scope, env) } : c);
    }
  }
  return { kind: 'columns', columns };
}

/** What a column reference reads: a relation's column in this scope, a select alias, or one of an outer scope. */
function resolveColumn(names: string[], scope: Scope, env: Env): Trace {
  const column = names.at(-1) ?? '';
  const qualifier = names.length >= 2 ? names.at(-2)! : undefined;
  const written = names.join('.');
  for (let s: Scope | undefined = scope; s; s = s.outer) {
    const candidates = qualifier ? s.relations.filter((r) => same(r.alias, qualifier)) : s.relations;
    if (qualifier && candidates.length === 0) continue;
    const found = candidates.flatMap(({ shape }) => columnOf(shape, column));
    if (found.length === 1) return merge(emptyTrace(), found[0]!);
    if (found.length > 1) return { ...emptyTrace(), unknown: [`${written} is ambiguous`] };
    const unsure = candidates.find((r) => r.shape.kind === 'unknown');
    if (unsure && unsure.shape.kind === 'unknown') return { ...emptyTrace(), unknown: [unsure.shape.reason] };
    const alias = !qualifier ? s.selectAliases.get(column.toLowerCase()) : undefined;
    if (alias) {
      // Without itself: `select y as y` over a relation without y must not expand y forever.
      const others = new Map([...s.selectAliases].filter(([name]) => name !== column.toLowerCase()));
      return expressionTrace(alias, { ...s, selectAliases: others }, env);
    }
  }
  // `s.a.b` may be field b of column s.a, or of column a: trace the column the field belongs to.
  if (names.length >= 2 && !scope.relations.some((r) => same(r.alias, names[0]!))) {
    return resolveColumn(names.slice(0, -1), scope, env);
  }
  return { ...emptyTrace(), unknown: [`column ${written} is not found`] };
}

function columnOf(shape: Shape, column: string): Trace[] {
  if (shape.kind === 'open') {
    const trace = emptyTrace();
    trace.derived.set(keyOf({ node: shape.node, column }), { node: shape.node, column, pseudonymised: false });
    return [trace];
  }
  if (shape.kind === 'unknown') return [];
  return shape.columns.filter((c) => same(c.name, column)).map((c) => c.trace);
}

/** What an expression is computed from: every column it reads, through functions, operators, windows, subqueries. */
function expressionTrace(expr: unknown, scope: Scope, env: Env): Trace {
  if (Array.isArray(expr)) return expr.map((e) => expressionTrace(e, scope, env)).reduce(merge, emptyTrace());
  if (!isAst(expr)) return emptyTrace();
  let trace: Trace;
  if (expr.class === 'COLUMN_REF') trace = resolveColumn(list(expr.column_names).map(str), scope, env);
  else if (expr.class === 'SUBQUERY') {
    const query = isAst(expr.subquery) ? expr.subquery.node : undefined;
    const shape = queryShape(query, env, scope);
    trace = merge(
      expressionTrace(expr.child, scope, env),
      shape.kind === 'columns'
        ? shape.columns.map((c) => c.trace).reduce(merge, emptyTrace())
        : { ...emptyTrace(), unknown: [shape.kind === 'unknown' ? shape.reason : 'a * in a subquery'] },
    );
  } else if (expr.class === 'STAR' || expr.class === 'LAMBDA' || expr.class === 'COLUMNS') {
    trace = { ...emptyTrace(), unknown: [`a ${str(expr.class).toLowerCase()} expression (not traced)`] };
  } else {
    trace = Object.entries(expr)
      .filter(([key]) => key !== 'subquery')
      .map(([, value]) => (isAst(value) || Array.isArray(value) ? expressionTrace(value, scope, env) : emptyTrace()))
      .reduce(merge, emptyTrace());
  }
  if (typeof expr.query_location === 'number' && env.pseudonyms.has(expr.query_location)) {
    trace.derived = new Map(
      [...trace.derived.values()].map((o) => [keyOf(o, true), { ...o, pseudonymised: true }] as const),
    );
  }
  return trace;
}
