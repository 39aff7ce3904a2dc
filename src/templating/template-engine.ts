import nunjucks from 'nunjucks';
import { ProjectError } from '../errors.js';
import type { ProjectFileText } from '../core/project-file-text.js';
import { BUILTIN_TESTS_FILE, BUILTIN_TESTS_SQL } from './builtin-tests.js';
import { INCREMENTAL_NEW_ROWS, INCREMENTAL_REPLACED_KEYS } from './incremental-new-rows.js';
import { testBlocksToMacros, type TestSignature } from './test-blocks.js';
import { CompilerErrorRaised, UndefinedEnvVarError, UndefinedVarError, fromNunjucksError } from './template-errors.js';
import { afterReturn, doExtension, installJinjaCompat, macroReturn, Namespace, splitKeywords } from './jinja-compat.js';
import { QueryTable } from './query-table.js';
import type { DocBlock } from './doc-blocks.js';
import { pythonModules } from './python-datetime.js';

/** What a template sees as `target`: the profile target in use, without secrets. */
export interface TargetContext {
  name: string;
  type: string;
  schema: string;
  threads: number;
  [key: string]: unknown;
}

/** The per-file state of one render: what `ref`, `source`, `config` and `this` mean while it runs. */
export interface RenderScope {
  /** `parse` records refs and config; `compile` resolves them to relations. */
  mode: 'parse' | 'compile';
  file: string;
  /** What `{{ this }}` prints; the relation of the node being rendered. */
  self?: unknown;
  refs: string[];
  sources: Array<[string, string]>;
  configs: Array<Record<string, unknown>>;
  varsUsed: Set<string>;
  macrosUsed: Set<string>;
  problems: ProjectError[];
  resolveRef?: (name: string) => unknown;
  resolveSource?: (sourceName: string, tableName: string) => unknown;
  isIncremental?: boolean;
  /** Columns of relations read from the engine before rendering (for tests that check every column). */
  columnsOf?: (relation: unknown) => Array<{ name: string; type: string }>;
  /** The file is a data test (a `{% test %}` block or tests/*.sql): only a test may call skip_test(). */
  dataTest?: boolean;
  /** Why the data test checks nothing here, from its first skip_test() call. */
  skipReason?: string;
  /** Results of the run_query() calls already sent, by SQL text; a render with a live engine is repeated until every call has one. */
  queryResults?: ReadonlyMap<string, QueryTable>;
  /** SQL of run_query() calls that had no result yet in this render (they returned an empty table). */
  pendingQueries: string[];
  /** What log() and exceptions.warn() said, in order; the caller reports them once the render is final. */
  messages: Array<{ level: 'info' | 'warn'; message: string }>;
}

/** Creates an empty render scope for one file. */
export function newRenderScope(mode: RenderScope['mode'], file: string, extra: Partial<RenderScope> = {}): RenderScope {
  return {
    mode,
    file,
    refs: [],
    sources: [],
    configs: [],
    varsUsed: new Set(),
    macrosUsed: new Set(),
    problems: [],
    pendingQueries: [],
    messages: [],
    ...extra,
  };
}

/** The engines a macro may be specialised for, as `<engine>__<name>`; `default__<name>` is the fallback. */
export const DISPATCHED_MACRO = /^(?<engine>[a-z]+)__(?<name>[A-Za-z_][A-Za-z0-9_]*)$/;

/** Options of the template engine for one invocation. */
export interface TemplateEngineOptions {
  macroFiles: readonly ProjectFileText[];
  vars: Readonly<Record<string, unknown>>;
  env: Readonly<Record<string, string | undefined>>;
  target: TargetContext;
  /** The `<prefix>__` of the macro versions this render picks: the engine's, as its definition names it (else `target.type`). */
  macroDispatch?: string;
  /** Quotes a value as a SQL string literal by the target engine's rules. */
  quoteString: (value: string) => string;
  /** Quotes an identifier by the target engine's rules. */
  quoteIdentifier: (name: string) => string;
  /** The clock of modules.datetime (tests pass a fixed one). */
  now?: () => Date;
  /** The project's docs blocks by name, for doc('name') in descriptions. */
  docs?: ReadonlyMap<string, DocBlock>;
  /** Where log(msg, info=True) and exceptions.warn(msg) are reported (emitMessages); silent without. */
  report?: { info(message: string): void; warn(message: string): void };
}

/**
 * The nunjucks environment of a project: dbt's context functions (`ref`, `source`, `var`, `env_var`, `config`,
 * `this`, `target`) plus every macro of `macros/`, callable from any model without an import; in data tests also
 * `skip_test(reason)`.
 */
export class TemplateEngine {
  private readonly env: nunjucks.Environment;
  private current: RenderScope = newRenderScope('parse', '<none>');
  private readonly compiled = new Map<string, nunjucks.Template>();
  /** Problems found while loading the macro files (syntax errors), reported with the first render. */
  readonly macroProblems: ProjectError[] = [];
  readonly macroNames: string[] = [];
  /** The files that define each macro (a dispatched macro's engine versions may live in several). */
  readonly macroFiles = new Map<string, Set<string>>();
  /** Generic tests (`{% test %}` blocks) by name: the built-in ones, overridden by the project's. */
  readonly tests = new Map<string, TestSignature>();
  private readonly macros = new Map<string, (...args: unknown[]) => unknown>();
  /** The project's docs blocks by name (doc()), for the manifest. */
  readonly docs: ReadonlyMap<string, DocBlock>;

  constructor(private readonly options: TemplateEngineOptions) {
    // dev: nunjucks then keeps what a context function threw as the error's cause (otherwise it copies only the text),
    // so our own errors come back as themselves, at the line nunjucks found.
    this.env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, dev: true });
    installJinjaCompat();
    this.docs = options.docs ?? new Map();
    this.env.addExtension('do', doExtension());
    this.installContext();
    this.loadMacros();
  }

  private installContext(): void {
    const scope = (): RenderScope => this.current;
    const { vars, env, target } = this.options;
    this.env.addGlobal('ref', (...args: unknown[]) => {
      const name = String(args.at(-1));
      const s = scope();
      s.refs.push(name);
      return s.mode === 'compile' && s.resolveRef ? s.resolveRef(name) : `__ref__${name}`;
    });
    this.env.addGlobal('source', (sourceName: unknown, tableName: unknown) => {
      const s = scope();
      s.sources.push([String(sourceName), String(tableName)]);
      return s.mode === 'compile' && s.resolveSource
        ? s.resolveSource(String(sourceName), String(tableName))
        : `__source__${String(sourceName)}.${String(tableName)}`;
    });
    this.env.addGlobal('config', (...args: unknown[]) => {
      // A macro's output is a nunjucks SafeString (a String object): config takes its text, e.g. replace_keys=macro().
      const keywords = Object.entries(splitKeywords(args).keywords).map(([k, v]) => [
        k,
        v instanceof String ? v.toString() : v,
      ]);
      scope().configs.push(Object.fromEntries(keywords));
      return '';
    });
    this.env.addGlobal('var', (name: unknown, ...rest: unknown[]) => {
      const key = String(name);
      const s = scope();
      s.varsUsed.add(key);
      if (Object.hasOwn(vars, key)) return vars[key];
      if (rest.length > 0) return rest[0];
      s.problems.push(new UndefinedVarError(s.file, key));
      return '';
    });
    this.env.addGlobal('env_var', (name: unknown, ...rest: unknown[]) => {
      const key = String(name);
      const value = env[key];
      if (value !== undefined) return value;
      if (rest.length > 0) return rest[0];
      scope().problems.push(new UndefinedEnvVarError(scope().file, key));
      return '';
    });
    this.env.addGlobal('is_incremental', () => scope().isIncremental === true);
    this.env.addGlobal('incremental_new_rows', () => INCREMENTAL_NEW_ROWS);
    this.env.addGlobal('incremental_replaced_keys', () => INCREMENTAL_REPLACED_KEYS);
    this.env.addGlobal('target', target);
    this.env.addGlobal('sql_string', (value: unknown) => {
      // A missing value quoted as 'undefined' would make a test silently compare against that word.
      if (value === undefined || value === null)
        throw new CompilerErrorRaised(
          scope().file,
          'sql_string() got no value (undefined); check the variable or attribute passed to it.',
        );
      return this.options.quoteString(String(value));
    });
    this.env.addGlobal('quote_identifier', (value: unknown) => this.options.quoteIdentifier(String(value)));
    this.env.addGlobal('columns_of', (relation: unknown) => scope().columnsOf?.(relation) ?? []);
    this.env.addGlobal('skip_test', (reason: unknown) => {
      const s = scope();
      // A model has no "nothing to check": what it builds is read downstream, so it must be built or fail.
      if (!s.dataTest) {
        throw new CompilerErrorRaised(
          s.file,
          'skip_test() can be called only in a data test (a {% test %} block or a tests/*.sql file), not in a model or in a macro a model calls.',
        );
      }
      const text = typeof reason === 'string' || reason instanceof String ? reason.toString().trim() : '';
      if (!text) {
        throw new CompilerErrorRaised(
          s.file,
          'skip_test() needs a reason: why the test checks nothing here and how to turn it on, e.g. ' +
            `skip_test("verify_reference_counts is off; turn it on with --vars '{verify_reference_counts: true}'").`,
        );
      }
      s.skipReason ??= text;
      return '';
    });
    this.env.addGlobal('exceptions', {
      raise_compiler_error: (message: unknown) => {
        if (afterReturn()) return '';
        throw new CompilerErrorRaised(scope().file, String(message));
      },
      warn: (message: unknown) => this.say(scope(), 'warn', `${scope().file}: ${String(message)}`),
    });
    this.installDbtContext(scope);
  }

  /** Records a message of log() or exceptions.warn(): only when compiling, as the parse pass may render a file twice. */
  private say(s: RenderScope, level: 'info' | 'warn', message: string): string {
    if (s.mode === 'compile' && !afterReturn()) s.messages.push({ level, message });
    return '';
  }

  /** dbt's context beyond refs and config: return(), log(), execute, run_query(), namespace(), adapter. */
  private installDbtContext(scope: () => RenderScope): void {
    this.env.addGlobal('return', (value: unknown) => {
      if (!macroReturn(value))
        throw new CompilerErrorRaised(
          scope().file,
          'return() can only be called inside a {% macro %}: it sets the value the macro call gives. Outside a macro, print the value with {{ ... }}.',
        );
      return '';
    });
    this.env.addGlobal('log', (...args: unknown[]) => {
      const { positional, keywords } = splitKeywords(args);
      // dbt prints a log() message only with info=True; without, it goes to its log file, which we do not keep.
      const info = keywords.info ?? positional[1];
      return info === true ? this.say(scope(), 'info', String(positional[0] ?? keywords.msg)) : '';
    });
    // execute is dbt's "the database is there": false while parsing, true when compiling to run.
    Object.defineProperty((this.env as unknown as { globals: object }).globals, 'execute', {
      get: () => scope().mode === 'compile',
      enumerable: true,
    });
    this.env.addGlobal('run_query', (sql: unknown) => {
      const s = scope();
      const text = String(sql ?? '').trim();
      if (s.mode !== 'compile' || afterReturn()) return QueryTable.empty();
      if (!text)
        throw new CompilerErrorRaised(
          s.file,
          'run_query() got no SQL; pass the query text, e.g. run_query("select 1").',
        );
      const result = s.queryResults?.get(text);
      if (result) return result;
      if (!s.pendingQueries.includes(text)) s.pendingQueries.push(text);
      return QueryTable.empty();
    });
    this.env.addGlobal('doc', (...args: unknown[]) => {
      // doc('name') or dbt's doc('package', 'name'): the project is the only package.
      const name = String(args.at(-1));
      const block = this.docs.get(name);
      if (block) return block.text;
      const known = [...this.docs.keys()].sort();
      throw new CompilerErrorRaised(
        scope().file,
        `doc('${name}') names no docs block: write {% docs ${name} %}...{% enddocs %} in a .md file under models/, or fix the name (${known.length > 0 ? `docs blocks: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', ...' : ''}` : 'the project has no docs blocks'}).`,
      );
    });
    this.env.addGlobal('modules', pythonModules(this.options.now ?? (() => new Date())));
    this.env.addGlobal('namespace', (...args: unknown[]) => {
      const { positional, keywords } = splitKeywords(args);
      return new Namespace({ ...(positional[0] as Record<string, unknown> | undefined), ...keywords });
    });
    const engine = this.options.macroDispatch ?? this.options.target.type;
    this.env.addGlobal('adapter', {
      dispatch: (name: unknown) => {
        const macro = String(name);
        const found = [`${engine}__${macro}`, `default__${macro}`].find((n) => this.macros.has(n));
        if (!found)
          throw new CompilerErrorRaised(
            scope().file,
            `adapter.dispatch('${macro}') found no macro ${engine}__${macro} or default__${macro}; define one of them in macros/.`,
          );
        return (...args: unknown[]) => {
          this.current.macrosUsed.add(found);
          return this.macros.get(found)!(...args);
        };
      },
      quote: (identifier: unknown) => this.options.quoteIdentifier(String(identifier)),
    });
  }

  /** Reports what log() and exceptions.warn() said in a final render, and forgets it. */
  emitMessages(scope: RenderScope): void {
    for (const { level, message } of scope.messages.splice(0)) this.options.report?.[level](message);
  }

  private loadMacros(): void {
    const byName = new Map<string, (...args: unknown[]) => unknown>();
    const files = [{ path: BUILTIN_TESTS_FILE, text: BUILTIN_TESTS_SQL }, ...this.options.macroFiles];
    for (const file of files) {
      try {
        const { text, tests } = testBlocksToMacros(file.text, file.path);
        for (const test of tests) this.tests.set(test.name, test);
        const template = new nunjucks.Template(text, this.env, file.path, true);
        let exported: Record<string, unknown> = {};
        // Macro files only define macros, so rendering them is synchronous and the callback runs at once.
        (
          template as unknown as { getExported(cb: (err: unknown, res: Record<string, unknown>) => void): void }
        ).getExported((err, res) => {
          if (err) throw err;
          exported = res;
        });
        for (const [name, fn] of Object.entries(exported)) {
          if (typeof fn !== 'function') continue;
          byName.set(name, fn as (...args: unknown[]) => unknown);
          const dispatchedName = DISPATCHED_MACRO.exec(name)?.groups?.name;
          for (const key of [name, dispatchedName].filter((k): k is string => k !== undefined)) {
            this.macroFiles.set(key, new Set([...(this.macroFiles.get(key) ?? []), file.path]));
          }
        }
      } catch (error) {
        this.macroProblems.push(fromNunjucksError(error, file.path, file.text));
      }
    }
    const engine = this.options.macroDispatch ?? this.options.target.type;
    const dispatched = new Set<string>();
    for (const name of byName.keys()) {
      const match = DISPATCHED_MACRO.exec(name);
      if (match?.groups?.name) dispatched.add(match.groups.name);
    }
    for (const [name, fn] of byName) this.addMacro(name, fn);
    for (const name of dispatched) {
      if (byName.has(name)) continue;
      // A macro with per-engine versions resolves to the target's version, else the default one.
      const impl = byName.get(`${engine}__${name}`) ?? byName.get(`default__${name}`);
      this.addMacro(name, (...args: unknown[]) => {
        if (!impl) {
          throw new CompilerErrorRaised(
            this.current.file,
            `macro ${name}() has no version for engine '${engine}' and no default__${name}; define ${engine}__${name} in macros/.`,
          );
        }
        return impl(...args);
      });
    }
  }

  private addMacro(name: string, fn: (...args: unknown[]) => unknown): void {
    this.macroNames.push(name);
    this.macros.set(name, fn);
    this.env.addGlobal(name, (...args: unknown[]) => {
      this.current.macrosUsed.add(name);
      return fn(...args);
    });
  }

  /** Renders a generic test's macro with keyword arguments in a scope; problems are added to the scope. */
  renderTest(name: string, keywords: Record<string, unknown>, scope: RenderScope): string {
    const macro = this.macros.get(`test_${name}`);
    if (!macro) throw new Error(`no generic test named ${name}`);
    this.current = scope;
    try {
      return String(macro({ __keywords: true, ...keywords }));
    } catch (error) {
      scope.problems.push(fromNunjucksError(error, scope.file));
      return '';
    } finally {
      this.current = newRenderScope('parse', '<none>');
    }
  }

  /** Calls a macro with keyword arguments in a scope (run-operation): its returned value, or undefined on a problem. */
  callMacro(name: string, keywords: Record<string, unknown>, scope: RenderScope): unknown {
    const macro = this.macros.get(name);
    if (!macro) throw new Error(`no macro named ${name}`);
    this.current = scope;
    this.env.addGlobal('this', '');
    try {
      scope.macrosUsed.add(name);
      return macro({ __keywords: true, ...keywords });
    } catch (error) {
      scope.problems.push(fromNunjucksError(error, scope.file));
      return undefined;
    } finally {
      this.current = newRenderScope('parse', '<none>');
    }
  }

  /** Checks a file's template syntax without rendering it; returns a problem or undefined. */
  check(file: ProjectFileText): ProjectError | undefined {
    try {
      this.template(file);
      return undefined;
    } catch (error) {
      return fromNunjucksError(error, file.path, file.text);
    }
  }

  private template(file: ProjectFileText): nunjucks.Template {
    let template = this.compiled.get(file.path);
    if (!template) {
      template = new nunjucks.Template(file.text, this.env, file.path, true);
      this.compiled.set(file.path, template);
    }
    return template;
  }

  /** Renders a file in a scope; problems (syntax, undefined vars, raised errors) are added to the scope. */
  render(file: ProjectFileText, scope: RenderScope): string {
    this.current = scope;
    this.env.addGlobal('this', scope.self ?? '');
    try {
      return this.template(file).render({});
    } catch (error) {
      scope.problems.push(fromNunjucksError(error, file.path, file.text));
      return '';
    } finally {
      this.current = newRenderScope('parse', '<none>');
    }
  }

  /** Renders a short string (a yml value such as a source location) with the context functions. */
  renderString(text: string, scope: RenderScope, variables: Record<string, unknown> = {}): string {
    if (!text.includes('{{') && !text.includes('{%')) return text;
    this.current = scope;
    try {
      return this.env.renderString(text, variables);
    } catch (error) {
      scope.problems.push(fromNunjucksError(error, scope.file, text));
      return '';
    } finally {
      this.current = newRenderScope('parse', '<none>');
    }
  }
}
