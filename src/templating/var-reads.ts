import { DISPATCHED_MACRO } from './template-engine.js';
import {
  children,
  collectFacts,
  where,
  type AstNode,
  type Call,
  type Facts,
  type MacroDefinition,
  type Scope,
  type TemplateSource,
  type TestCall,
} from './var-facts.js';

export type { TemplateSource, TestCall } from './var-facts.js';

/** The names templates can give var(), or, when one gives it a name this reading cannot trace, where that is. */
export type VarReads = { names: ReadonlySet<string> } | { untraced: string };

type Values = Set<string> | { untraced: string };

// A product of traced names larger than this is not worth listing: any name is then taken as possible.
const MOST_NAMES = 1000;

function union(a: Values, b: () => Values): Values {
  if (!(a instanceof Set)) return a;
  const other = b();
  return other instanceof Set ? new Set([...a, ...other]) : other;
}

/** Traces the names an expression can evaluate to, through literals, sets, loops and the arguments macros are called with. */
class Tracer {
  private readonly visiting = new Set<string>();
  private readonly scopeIds = new Map<Scope, number>();

  constructor(private readonly facts: Facts) {}

  values(expr: AstNode | undefined, scope: Scope): Values {
    if (!expr) return new Set();
    switch (expr.typename) {
      case 'Literal':
        return new Set([String(expr.value)]);
      case 'Symbol':
        return this.guarded(`${this.idOf(scope)}:${String(expr.value)}`, where(scope, expr), () =>
          this.symbol(String(expr.value), scope, expr),
        );
      case 'InlineIf':
        return union(this.values(expr.body as AstNode, scope), () =>
          this.values(expr.else_ as AstNode | undefined, scope),
        );
      case 'Or':
      case 'And':
        return union(this.values(expr.left as AstNode, scope), () => this.values(expr.right as AstNode, scope));
      case 'Group':
        return children(expr).length === 1 ? this.values(children(expr)[0], scope) : { untraced: where(scope, expr) };
      case 'Concat': {
        const left = this.values(expr.left as AstNode, scope);
        const right = this.values(expr.right as AstNode, scope);
        if (!(left instanceof Set)) return left;
        if (!(right instanceof Set)) return right;
        if (left.size * right.size > MOST_NAMES) return { untraced: where(scope, expr) };
        return new Set([...left].flatMap((l) => [...right].map((r) => l + r)));
      }
      default:
        return { untraced: where(scope, expr) };
    }
  }

  /** A name in its scope: a macro's parameter, what it is set to, or what an enclosing scope binds it to. */
  private symbol(name: string, scope: Scope, at: AstNode): Values {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (!s.params.has(name) && !s.bindings.has(name)) continue;
      let values: Values = s.params.has(name)
        ? s.macro
          ? this.parameter(s.macro, name)
          : { untraced: where(s, at) }
        : new Set();
      for (const bound of s.bindings.get(name) ?? [])
        values = union(values, () => (bound ? this.values(bound, s) : { untraced: where(s, at) }));
      // Before a {% set %} in a macro runs, the name still reads the template's own value of it.
      return s.parent && !s.params.has(name) ? union(values, () => this.enclosing(name, s.parent!, at)) : values;
    }
    return { untraced: where(scope, at) };
  }

  private enclosing(name: string, scope: Scope, at: AstNode): Values {
    for (let s: Scope | undefined = scope; s; s = s.parent)
      if (s.params.has(name) || s.bindings.has(name)) return this.symbol(name, s, at);
    return new Set();
  }

  /** Every value a macro's parameter is given: by each call (a dispatched macro's also by its plain name), else its default. */
  private parameter(macro: string, param: string): Values {
    return this.guarded(`${macro}(${param})`, macro, () => {
      const plain = DISPATCHED_MACRO.exec(macro)?.groups?.name;
      for (const name of [macro, plain]) {
        const read = name && this.facts.valueReads.get(name);
        if (read) return { untraced: read };
      }
      const calls = [macro, plain].flatMap((name) => (name ? (this.facts.calls.get(name) ?? []) : []));
      let values: Values = new Set();
      for (const definition of this.facts.macros.get(macro) ?? []) {
        const index = definition.params.indexOf(param);
        const given = (call: Call): Values => {
          const expr = index >= 0 && index < call.positional.length ? call.positional[index] : call.keywords.get(param);
          if (expr) return this.values(expr, call.scope);
          // Not given and no default: nunjucks then looks the name up in the caller's context.
          const fallback = definition.defaults.get(param);
          return fallback
            ? this.values(fallback, definition.scope)
            : { untraced: `${where(call.scope, undefined)}: ${macro}() without ${param}` };
        };
        for (const call of calls) values = union(values, () => given(call));
        for (const call of this.facts.testCalls.get(macro) ?? [])
          values = union(values, () => this.testArgument(call, param, definition));
      }
      return values;
    });
  }

  /** A generic test's argument as written in yml: a plain value is the name; a template or the tested relation is not traced. */
  private testArgument(call: TestCall, param: string, definition: MacroDefinition): Values {
    const value = call.args[param];
    if (param !== 'model' && param !== 'column_name' && value === undefined && definition.defaults.has(param))
      return this.values(definition.defaults.get(param), definition.scope);
    const plain =
      (typeof value === 'string' && !value.includes('{{') && !value.includes('{%')) ||
      typeof value === 'number' ||
      typeof value === 'boolean';
    return plain ? new Set([String(value)]) : { untraced: `a ${call.test} test's ${param}` };
  }

  private idOf(scope: Scope): number {
    if (!this.scopeIds.has(scope)) this.scopeIds.set(scope, this.scopeIds.size);
    return this.scopeIds.get(scope)!;
  }

  /** A trace that comes back to itself (a macro calling itself, `set x = x ~ ...`) is not followed: any name is possible. */
  private guarded(key: string, at: string, trace: () => Values): Values {
    if (this.visiting.has(key)) return { untraced: at };
    this.visiting.add(key);
    try {
      return trace();
    } finally {
      this.visiting.delete(key);
    }
  }
}

/**
 * The var names a set of templates reads, found without rendering: the literal names given to var(), and the literal
 * arguments of macro parameters (or generic tests' yml arguments) that reach var(), in every branch. Where a name is
 * computed in a way this does not follow, or a template does not parse, any name may be read: the answer says where.
 */
export function varReads(templates: readonly TemplateSource[], testCalls: readonly TestCall[] = []): VarReads {
  const facts = collectFacts(templates, testCalls);
  if (!('valueReads' in facts)) return facts;
  const passed = facts.valueReads.get('var');
  if (passed) return { untraced: passed };
  const tracer = new Tracer(facts);
  const names = new Set<string>();
  for (const { expr, scope } of facts.varArguments) {
    const values = tracer.values(expr, scope);
    if (!(values instanceof Set)) return values;
    for (const name of values) names.add(name);
  }
  return { names };
}
