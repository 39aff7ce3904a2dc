import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { EngineInfo } from '../adapters/engine-definition.js';
import { writeFileAtomic } from '../core/write-file-atomic.js';
import { TOOL_VERSION } from '../core/tool-version.js';
import type { LoadedProject } from '../project/load-project.js';
import { SECRET_ENV_PREFIX } from '../project/secrets.js';
import type { ProjectFileText } from '../core/project-file-text.js';
import type { RenderScope } from '../templating/template-engine.js';

/** The file, under the target path, that keeps what the parse pass learned from each model file. */
export const PARSE_CACHE_FILE = 'partial_parse.json';

/** What the parse pass records while rendering a model file: all that parsing keeps from the render. */
export type ParsedTemplate = Pick<RenderScope, 'refs' | 'sources' | 'configs'> & {
  varsUsed: string[];
  macrosUsed: string[];
};

/** One cached file: a model's parse-pass result, or a schema yml's validated content. */
type CacheEntry = { hash: string; parsed: ParsedTemplate } | { hash: string; schema: unknown };

interface CacheDocument {
  key: string;
  files: Record<string, CacheEntry>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const ENV_VAR_CALL = /env_var\s*\(/g;
const ENV_VAR_LITERAL = /env_var\s*\(\s*(['"])([^'"]+)\1/g;

/**
 * The environment a file's render can see: the value of each env var it names literally in env_var('NAME'). A
 * secret's value is never written, even hashed; only whether it is set (a parse-pass result cannot depend on it
 * other than by failing, and failures are not cached). Undefined when the file names an env var by expression.
 */
function envOf(text: string, env: LoadedProject['env']): Array<[string, string | null]> | undefined {
  const literal = [...text.matchAll(ENV_VAR_LITERAL)].map((m) => m[2]!);
  if (literal.length !== (text.match(ENV_VAR_CALL)?.length ?? 0)) return undefined;
  return [...new Set(literal)]
    .sort()
    .map((name) => [name, name.startsWith(SECRET_ENV_PREFIX) ? (env[name] ? 'set' : null) : (env[name] ?? null)]);
}

/**
 * A parse-pass render depends on the file's text and on what every file sees: the macros, vars, target and tool
 * version. Those form the cache key; a change to any of them drops the whole cache.
 */
function cacheKey(project: LoadedProject, engine: EngineInfo): string {
  const { target } = project;
  return sha256(
    JSON.stringify({
      tool: TOOL_VERSION,
      // What an entry holds; raised when the parse pass records more (2: the incremental branch's vars and macros).
      format: 2,
      macros: project.files.macroSql.map((f) => [f.path, sha256(f.text), envOf(f.text, project.env)]),
      vars: project.vars,
      target: {
        name: target.name,
        type: target.type,
        threads: target.threads,
        schema: engine.schema,
        database: engine.database ?? null,
      },
    }),
  );
}

/**
 * The parse results of unchanged files from the previous invocation (target/partial_parse.json), so a re-parse
 * renders only the model files and validates only the schema yml files that changed. A file's entry holds the values
 * of the env vars it names, so it is rendered again when one changes; a file (or macro) that names an env var by an
 * expression is never cached, nor is a file that had a problem (it is reported again).
 */
export class ParseCache {
  private readonly previous: CacheDocument['files'];
  private readonly next: CacheDocument['files'] = {};
  private readonly enabled: boolean;

  private constructor(
    private readonly file: string,
    private readonly key: string,
    private readonly env: LoadedProject['env'],
    loaded: CacheDocument | undefined,
    enabled: boolean,
  ) {
    this.previous = loaded?.key === key ? loaded.files : {};
    this.enabled = enabled;
  }

  /** Reads the cache of a project; a missing, unreadable or stale cache is an empty one. */
  static load(project: LoadedProject, engine: EngineInfo): ParseCache {
    const file = path.resolve(project.dir, project.file.targetPath, PARSE_CACHE_FILE);
    const enabled = project.files.macroSql.every((f) => envOf(f.text, project.env) !== undefined);
    let loaded: CacheDocument | undefined;
    try {
      loaded = enabled ? (JSON.parse(readFileSync(file, 'utf8')) as CacheDocument) : undefined;
    } catch {
      loaded = undefined;
    }
    return new ParseCache(file, cacheKey(project, engine), project.env, loaded, enabled);
  }

  /** What a file's entry is keyed by: its text and the env vars it names; undefined when it cannot be cached. */
  private hashOf(source: ProjectFileText): string | undefined {
    const env = envOf(source.text, this.env);
    return env && sha256(JSON.stringify([source.text, env]));
  }

  private unchanged(source: ProjectFileText): CacheEntry | undefined {
    if (!this.enabled) return undefined;
    const entry = this.previous[source.path];
    if (!entry || entry.hash !== this.hashOf(source)) return undefined;
    this.next[source.path] = entry;
    return entry;
  }

  /** The parse result of a model file whose text has not changed since it was cached, else undefined. */
  get(source: ProjectFileText): ParsedTemplate | undefined {
    const entry = this.unchanged(source);
    return entry && 'parsed' in entry ? entry.parsed : undefined;
  }

  /** The validated content of a schema yml file whose text has not changed since it was cached, else undefined. */
  getSchema<T>(source: ProjectFileText): T | undefined {
    const entry = this.unchanged(source);
    return entry && 'schema' in entry ? (entry.schema as T) : undefined;
  }

  /** Keeps the validated content of a schema yml file read in this invocation. */
  setSchema(source: ProjectFileText, content: unknown): void {
    const hash = this.hashOf(source);
    if (!this.enabled || !hash || !isDeepStrictEqual(JSON.parse(JSON.stringify(content)), content)) return;
    this.next[source.path] = { hash, schema: content };
  }

  /** Keeps the parse result of a file rendered in this invocation. */
  set(source: ProjectFileText, scope: RenderScope): void {
    const hash = this.hashOf(source);
    if (!this.enabled || !hash || scope.problems.length > 0) return;
    const parsed: ParsedTemplate = {
      refs: scope.refs,
      sources: scope.sources,
      configs: scope.configs,
      varsUsed: [...scope.varsUsed],
      macrosUsed: [...scope.macrosUsed],
    };
    // A config value JSON cannot hold as it is (undefined, a function, an object of a class) is not cached. The other
    // fields are strings; checking only the configs keeps a cold parse of many files cheap.
    if (scope.configs.length > 0 && !isDeepStrictEqual(JSON.parse(JSON.stringify(scope.configs)), scope.configs))
      return;
    this.next[source.path] = { hash, parsed };
  }

  /** Writes the cache when its content changed: files added, edited or removed. */
  save(): void {
    if (!this.enabled) return;
    const unchanged =
      Object.keys(this.next).length === Object.keys(this.previous).length &&
      Object.entries(this.next).every(([p, e]) => this.previous[p] === e);
    if (unchanged) return;
    writeFileAtomic(this.file, `${JSON.stringify({ key: this.key, files: this.next } satisfies CacheDocument)}\n`);
  }
}
