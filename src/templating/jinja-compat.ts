import nunjucks from 'nunjucks';

/**
 * What dbt's Jinja has and nunjucks lacks, added to nunjucks' runtime and compiler rather than to the global
 * String, Array and Object prototypes: Python's methods on strings, lists and dicts (`.upper()`, `.items()`), `True`,
 * `False` and `None`, slices, `{% set ns.attr = ... %}` on a `namespace()`, and a macro's `return()` value. Only
 * templates see them; JavaScript code keeps its own methods. Installed once per process (the runtime is shared by
 * every nunjucks environment, and stedi-models' are the only ones).
 */

type Fn = (...args: unknown[]) => unknown;

interface NunjucksInternals {
  runtime: Record<string, unknown> & {
    memberLookup: Fn;
    makeMacro: (names: unknown, kwNames: unknown, body: Fn) => Fn;
  };
  compiler: { Compiler: { prototype: Record<string, Fn> } };
  nodes: Record<string, new (...args: unknown[]) => unknown>;
  installJinjaCompat(): void;
}

const internals = nunjucks as unknown as NunjucksInternals;

/** `namespace(...)`: the one kind of object templates may assign attributes to, as in Jinja. */
export class Namespace {
  constructor(values: Record<string, unknown>) {
    Object.assign(this, values);
  }
}

/** Keys that would reach an object's prototype: never assignable from a template. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A `{% set x.attr = ... %}` that Jinja refuses too; the message says what would work. */
export class AttributeAssignmentError extends Error {}

function setAttribute(target: unknown, key: unknown, value: unknown): void {
  const name = String(key);
  if (!(target instanceof Namespace)) {
    throw new AttributeAssignmentError(
      `cannot assign attribute '${name}': {% set x.${name} = ... %} works only on a namespace(); create one with {% set x = namespace(${name}=...) %}`,
    );
  }
  if (UNSAFE_KEYS.has(name)) throw new AttributeAssignmentError(`cannot assign attribute '${name}' of a namespace`);
  (target as Record<string, unknown>)[name] = value;
}

/** Splits keyword arguments (nunjucks passes them as a last object marked `__keywords`) from positional ones. */
export function splitKeywords(args: readonly unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args.at(-1);
  if (last && typeof last === 'object' && (last as { __keywords?: boolean }).__keywords) {
    const { __keywords: _k, ...keywords } = last as Record<string, unknown>;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: [...args], keywords: {} };
}

const WHITESPACE = /\s+/;

function stripChars(text: string, chars: unknown, ends: 'both' | 'start' | 'end'): string {
  const set = chars === undefined || chars === null ? undefined : new Set(String(chars));
  const strip = (c: string) => (set ? set.has(c) : /\s/.test(c));
  let start = 0;
  let end = text.length;
  if (ends !== 'end') while (start < end && strip(text[start]!)) start++;
  if (ends !== 'start') while (end > start && strip(text[end - 1]!)) end--;
  return text.slice(start, end);
}

function pythonSplit(text: string, sep: unknown, maxsplit: unknown): string[] {
  const limit = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const parts: string[] = [];
    let rest = text.replace(/^\s+/, '');
    while (rest !== '' && parts.length < limit) {
      const match = WHITESPACE.exec(rest);
      if (!match) break;
      parts.push(rest.slice(0, match.index));
      rest = rest.slice(match.index + match[0].length);
    }
    if (rest !== '') parts.push(parts.length < limit ? rest : rest.replace(/\s+$/, ''));
    return parts;
  }
  const separator = String(sep);
  const all = text.split(separator);
  return limit >= all.length - 1 ? all : [...all.slice(0, limit), all.slice(limit).join(separator)];
}

function prefixes(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [String(value)];
}

function pythonFormat(text: string, args: readonly unknown[]): string {
  const { positional, keywords } = splitKeywords(args);
  let next = 0;
  return text.replace(/\{\{|\}\}|\{([^{}:!]*)(?:![rs])?(?::[^{}]*)?\}/g, (whole, field: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const key = field ?? '';
    const value = key === '' ? positional[next++] : /^\d+$/.test(key) ? positional[Number(key)] : keywords[key];
    return String(value ?? 'None');
  });
}

const STRING_METHODS: Record<string, (text: string, ...args: unknown[]) => unknown> = {
  upper: (t) => t.toUpperCase(),
  lower: (t) => t.toLowerCase(),
  strip: (t, chars) => stripChars(t, chars, 'both'),
  lstrip: (t, chars) => stripChars(t, chars, 'start'),
  rstrip: (t, chars) => stripChars(t, chars, 'end'),
  // Python replaces every occurrence (JavaScript's replace only the first), at most `count` of them.
  replace: (t, old, replacement, count) => {
    const parts = t.split(String(old));
    const n = typeof count === 'number' && count >= 0 ? Math.min(count, parts.length - 1) : parts.length - 1;
    return (
      parts.slice(0, n + 1).join(String(replacement)) +
      parts
        .slice(n + 1)
        .map((p) => String(old) + p)
        .join('')
    );
  },
  split: (t, sep, maxsplit) => pythonSplit(t, sep, maxsplit),
  startswith: (t, prefix) => prefixes(prefix).some((p) => t.startsWith(p)),
  endswith: (t, suffix) => prefixes(suffix).some((s) => t.endsWith(s)),
  format: (t, ...args) => pythonFormat(t, args),
  join: (t, items) => (Array.isArray(items) ? items : [...(items as Iterable<unknown>)]).map(String).join(t),
  title: (t) => t.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase()),
  capitalize: (t) => t.charAt(0).toUpperCase() + t.slice(1).toLowerCase(),
  find: (t, sub) => t.indexOf(String(sub)),
  count: (t, sub) => (String(sub) === '' ? t.length + 1 : t.split(String(sub)).length - 1),
  isdigit: (t) => /^\d+$/.test(t),
  isalpha: (t) => /^[A-Za-z]+$/.test(t),
  isupper: (t) => /[A-Z]/.test(t) && t === t.toUpperCase(),
  islower: (t) => /[a-z]/.test(t) && t === t.toLowerCase(),
};

const LIST_METHODS: Record<string, (list: unknown[], ...args: unknown[]) => unknown> = {
  extend: (list, items) => {
    list.push(...(items as Iterable<unknown>));
    return null;
  },
};

const DICT_METHODS: Record<string, (dict: Record<string, unknown>, ...args: unknown[]) => unknown> = {
  // Jinja's None for a missing key: `{% if d.get('k') %}` and `d.get('k', default)` read as in dbt.
  get: (dict, key, fallback) => (Object.hasOwn(dict, String(key)) ? dict[String(key)] : (fallback ?? null)),
  update: (dict, ...args) => {
    const { positional, keywords } = splitKeywords(args);
    for (const values of [...positional, keywords]) {
      for (const [k, v] of Object.entries(values as Record<string, unknown>)) {
        if (!UNSAFE_KEYS.has(k)) dict[k] = v;
      }
    }
    return null;
  },
};

/** The macro calls in progress, innermost last, and whether each has called return(). */
const macroCalls: Array<{ returned: boolean; value: unknown }> = [];

/**
 * Records `return(value)` as the value of the innermost macro call. Returns false outside a macro. The macro's
 * remaining text is still evaluated by nunjucks (a throw would leave its frames unrestored) but discarded, and
 * stedi-models' functions with effects (`log`, `exceptions.*`, `run_query`) do nothing until the macro returns.
 */
export function macroReturn(value: unknown): boolean {
  const call = macroCalls.at(-1);
  if (!call) return false;
  if (!call.returned) Object.assign(call, { returned: true, value });
  return true;
}

/** Whether a macro being rendered has already returned: effects are skipped until it ends. */
export function afterReturn(): boolean {
  return macroCalls.some((c) => c.returned);
}

/** `{% do expression %}`: evaluates the expression for its effect (`list.append(x)`, `return(x)`) and prints nothing. */
class DoExtension {
  readonly tags = ['do'];

  parse(parser: { nextToken(): { value: string }; parseExpression(): unknown; advanceAfterBlockEnd(v: string): void }) {
    const token = parser.nextToken() as { value: string; lineno: number; colno: number };
    const expression = parser.parseExpression();
    parser.advanceAfterBlockEnd(token.value);
    const { NodeList, CallExtension } = internals.nodes;
    return new CallExtension!(this, 'run', new NodeList!(token.lineno, token.colno, [expression]));
  }

  run(): string {
    return '';
  }
}

let installed = false;

/** Patches nunjucks' runtime and compiler once with what dbt's Jinja has (see the top of this file). */
export function installJinjaCompat(): void {
  if (installed) return;
  installed = true;
  const { runtime } = internals;
  const plainLookup = runtime.memberLookup;
  internals.installJinjaCompat();
  const compatLookup = runtime.memberLookup;
  runtime.memberLookup = function memberLookup(this: unknown, obj: unknown, key: unknown, ...rest: unknown[]) {
    if (rest.length < 2 && typeof key === 'string') {
      const method =
        typeof obj === 'string' || obj instanceof String
          ? Object.hasOwn(STRING_METHODS, key) && STRING_METHODS[key]
          : Array.isArray(obj)
            ? Object.hasOwn(LIST_METHODS, key) && LIST_METHODS[key]
            : obj !== null && typeof obj === 'object' && Object.getPrototypeOf(obj) === Object.prototype
              ? Object.hasOwn(DICT_METHODS, key) && DICT_METHODS[key]
              : undefined;
      if (method) {
        const self = typeof obj === 'string' || obj instanceof String ? String(obj) : obj;
        return (...args: unknown[]) => (method as Fn)(self, ...args);
      }
    }
    // Python's dict methods are for dicts: an object of a class (a relation, a run_query() column) keeps its own.
    if (
      obj !== null &&
      typeof obj === 'object' &&
      !Array.isArray(obj) &&
      Object.getPrototypeOf(obj) !== Object.prototype
    )
      if (rest.length < 2 && (key as string | number) in obj) return plainLookup.call(this, obj, key);
    return compatLookup.call(this, obj, key, ...rest);
  };
  runtime.stediSetAttribute = setAttribute;
  const makeMacro = runtime.makeMacro;
  runtime.makeMacro = (argNames: unknown, kwargNames: unknown, body: Fn) =>
    makeMacro(argNames, kwargNames, function macroBody(this: unknown, ...args: unknown[]) {
      const call = { returned: false, value: undefined as unknown };
      macroCalls.push(call);
      try {
        const text = body.apply(this, args);
        return call.returned ? call.value : text;
      } finally {
        macroCalls.pop();
      }
    });
  const { Compiler } = internals.compiler;
  const compileSet = Compiler.prototype.compileSet!;
  Compiler.prototype.compileSet = function (this: Record<string, Fn>, node: unknown, frame: unknown) {
    const set = node as { targets: Array<{ target?: unknown; val?: unknown }>; value?: unknown };
    const [target] = set.targets;
    // `{% set ns.attr = value %}`: nunjucks' parser reads the target as a lookup but its compiler takes only names.
    if (set.targets.length === 1 && target?.target !== undefined && set.value) {
      this._emit!('runtime.stediSetAttribute(');
      this._compileExpression!(target.target, frame);
      this._emit!(', ');
      this._compileExpression!(target.val, frame);
      this._emit!(', ');
      this._compileExpression!(set.value, frame);
      this._emitLine!(');');
      return undefined;
    }
    return compileSet.call(this, node, frame);
  };
}

/** The `{% do %}` tag, to add to an environment. */
export function doExtension(): nunjucks.Extension {
  return new DoExtension() as unknown as nunjucks.Extension;
}
