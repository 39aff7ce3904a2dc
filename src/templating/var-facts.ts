import nunjucks from 'nunjucks';

/** A template to read var names from: where it is (for messages) and its text. */
export interface TemplateSource {
  file: string;
  text: string;
}

/** A generic test as a schema yml declares it: the test's name and its arguments as written. */
export interface TestCall {
  test: string;
  args: Readonly<Record<string, unknown>>;
}

/** A nunjucks parse-tree node: its kind, its child fields, and the value of a literal or symbol. */
export interface AstNode {
  typename: string;
  fields: readonly string[];
  lineno: number;
  value?: unknown;
  [field: string]: unknown;
}

/** Where names are bound: a macro's body (params, sets, loops) or a file's top level, inside its parent. */
export interface Scope {
  file: string;
  /** The macro whose body this is; undefined at the top level and in a `{% call %}` block's caller. */
  macro?: string;
  params: Set<string>;
  /** What each name is set to; null where the value cannot be traced (`{% set %}` blocks, loops over a non-list). */
  bindings: Map<string, Array<AstNode | null>>;
  parent?: Scope;
}

/** A call of a name that may be a macro, with its arguments and the scope they are evaluated in. */
export interface Call {
  positional: AstNode[];
  keywords: Map<string, AstNode>;
  scope: Scope;
}

/** A `{% macro %}` (or `{% test %}`) definition: its parameters in order, their defaults, its body's scope. */
export interface MacroDefinition {
  params: string[];
  defaults: Map<string, AstNode>;
  scope: Scope;
}

/** What walking the templates found: var() arguments, macros, calls by callee name, names used other than by calling. */
export interface Facts {
  varArguments: Array<{ expr: AstNode | undefined; scope: Scope }>;
  macros: Map<string, MacroDefinition[]>;
  calls: Map<string, Call[]>;
  testCalls: Map<string, TestCall[]>;
  /** A name read as a value (`{% set f = var %}`), where: such a function can be called with anything. */
  valueReads: Map<string, string>;
}

// nunjucks's parser is public but untyped (@types/nunjucks leaves it out).
const parser = (nunjucks as unknown as { parser: { parse(src: string, extensions: unknown[], opts: object): AstNode } })
  .parser;
const isNode = (value: unknown): value is AstNode => typeof value === 'object' && value !== null && 'typename' in value;

/** A node's child nodes (lists, arguments, bodies). */
export const children = (node: AstNode): AstNode[] =>
  Array.isArray(node.children) ? node.children.filter(isNode) : [];

/** `file:line` of a node in a scope's file, for saying where a name could not be traced. */
export const where = (scope: Scope, node: { lineno: number } | undefined) =>
  `${scope.file}${node ? `:${node.lineno + 1}` : ''}`;

function add<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

function bind(scope: Scope, target: unknown, value: AstNode | null): void {
  if (isNode(target) && target.typename === 'Symbol') add(scope.bindings, String(target.value), value);
  else if (isNode(target)) for (const child of children(target)) bind(scope, child, null);
}

function splitArguments(args: unknown): { positional: AstNode[]; keywords: Map<string, AstNode> } {
  const all = isNode(args) ? children(args) : [];
  const keywordArgs = all.find((a) => a.typename === 'KeywordArgs');
  const keywords = new Map(
    keywordArgs
      ? children(keywordArgs).map((pair) => [String((pair.key as AstNode).value), pair.value as AstNode])
      : [],
  );
  return { positional: all.filter((a) => a !== keywordArgs), keywords };
}

function walkMacro(node: AstNode, scope: Scope, facts: Facts): void {
  const name = node.typename === 'Macro' ? String((node.name as AstNode).value) : undefined;
  const { positional, keywords } = splitArguments(node.args);
  const params = [...positional.map((p) => String(p.value)), ...keywords.keys()];
  const inner: Scope = { file: scope.file, macro: name, params: new Set(params), bindings: new Map(), parent: scope };
  if (name) add(facts.macros, name, { params, defaults: keywords, scope: inner });
  for (const value of keywords.values()) walk(value, inner, facts);
  walk(node.body, inner, facts);
}

function walkCall(node: AstNode, scope: Scope, facts: Facts): void {
  const callee = node.name as AstNode;
  const { positional, keywords } = splitArguments(node.args);
  if (callee.typename === 'Symbol' && callee.value === 'var') {
    facts.varArguments.push({ expr: positional[0], scope });
  } else if (callee.typename === 'Symbol') {
    add(facts.calls, String(callee.value), { positional, keywords, scope });
  } else {
    // `m.macro_name(...)` (an imported macro) calls macro_name too.
    if (callee.typename === 'LookupVal' && isNode(callee.val) && callee.val.typename === 'Literal')
      add(facts.calls, String(callee.val.value), { positional, keywords, scope });
    walk(callee, scope, facts);
  }
  for (const arg of [...positional, ...keywords.values()]) walk(arg, scope, facts);
}

/** Records what a parse tree tells about var names; symbols in binding or naming places are not reads. */
function walk(node: unknown, scope: Scope, facts: Facts): void {
  if (!isNode(node)) return;
  switch (node.typename) {
    case 'Macro':
    case 'Caller':
      return walkMacro(node, scope, facts);
    case 'FunCall':
      return walkCall(node, scope, facts);
    case 'Filter':
      return walk(node.args, scope, facts);
    case 'Symbol':
      if (!facts.valueReads.has(String(node.value))) facts.valueReads.set(String(node.value), where(scope, node));
      return;
    case 'Set':
      for (const target of node.targets as unknown[]) bind(scope, target, isNode(node.value) ? node.value : null);
      walk(node.value, scope, facts);
      return walk(node.body, scope, facts);
    case 'For': {
      const items =
        isNode(node.arr) && node.arr.typename === 'Array' && isNode(node.name) && node.name.typename === 'Symbol'
          ? children(node.arr)
          : [null];
      for (const item of items) bind(scope, node.name, item);
      for (const field of ['arr', 'body', 'else_']) walk(node[field], scope, facts);
      return;
    }
    case 'Pair':
      // A dict key or keyword name is a name, not a read.
      return walk(node.value, scope, facts);
    case 'Is':
      // `x is number`: the test's name is not a read (its arguments are: `x is divisibleby(n)`).
      walk(node.left, scope, facts);
      return isNode(node.right) && node.right.typename === 'Symbol' ? undefined : walk(node.right, scope, facts);
    default:
      for (const field of node.fields) {
        const value = node[field];
        if (Array.isArray(value)) for (const child of value) walk(child, scope, facts);
        else walk(value, scope, facts);
      }
  }
}

/**
 * Walks the templates' parse trees into facts about var names, with the generic tests the schema ymls declare as
 * calls of their `test_<name>` macros. A template that does not parse gives no facts: where it is.
 */
export function collectFacts(
  templates: readonly TemplateSource[],
  testCalls: readonly TestCall[],
): Facts | { untraced: string } {
  const facts: Facts = {
    varArguments: [],
    macros: new Map(),
    calls: new Map(),
    testCalls: new Map(),
    valueReads: new Map(),
  };
  for (const call of testCalls) add(facts.testCalls, `test_${call.test}`, call);
  for (const template of templates) {
    let root: AstNode;
    try {
      root = parser.parse(template.text, [], {});
    } catch {
      return { untraced: `${template.file}: not a valid template` };
    }
    walk(root, { file: template.file, params: new Set(), bindings: new Map() }, facts);
  }
  return facts;
}
