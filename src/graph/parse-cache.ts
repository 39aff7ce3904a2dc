import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { EngineInfo } from '../adapters/engines.js';
import { TOOL_VERSION, writeFileAtomic } from '../compile/artifacts.js';
import type { LoadedProject } from '../project/load-project.js';
import type { ProjectFileText } from '../project/project-files.js';
import type { RenderScope } from '../templating/template-engine.js';

/** The file, under the target path, that keeps what the parse pass learned from each model file. */
export const PARSE_CACHE_FILE = 'partial_parse.json';

/** What the parse pass records while rendering a model file: all that parsing keeps from the render. */
export type ParsedTemplate = Pick<RenderScope, 'refs' | 'sources' | 'configs'> & { varsUsed: string[]; macrosUsed: string[] };

interface CacheDocument {
  key: string;
  files: Record<string, { hash: string; parsed: ParsedTemplate }>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A parse-pass render depends on the file's text and on what every file sees: the macros, vars, target and tool
 * version. Those form the cache key; a change to any of them drops the whole cache.
 */
function cacheKey(project: LoadedProject, engine: EngineInfo): string {
  const { target } = project;
  return sha256(
    JSON.stringify({
      tool: TOOL_VERSION,
      macros: project.files.macroSql.map((f) => [f.path, sha256(f.text)]),
      vars: project.vars,
      target: { name: target.name, type: target.type, threads: target.threads, schema: engine.schema, database: engine.database ?? null },
    }),
  );
}

/**
 * The parse results of unchanged model files from the previous invocation (target/partial_parse.json), so a re-parse
 * renders only the files that changed. A file that reads env_var() is never cached: its render depends on the
 * environment, which is not part of the key; nor is one whose render reported a problem (it is reported again).
 */
export class ParseCache {
  private readonly previous: CacheDocument['files'];
  private readonly next: CacheDocument['files'] = {};
  private readonly enabled: boolean;

  private constructor(
    private readonly file: string,
    private readonly key: string,
    loaded: CacheDocument | undefined,
    enabled: boolean,
  ) {
    this.previous = loaded?.key === key ? loaded.files : {};
    this.enabled = enabled;
  }

  /** Reads the cache of a project; a missing, unreadable or stale cache is an empty one. */
  static load(project: LoadedProject, engine: EngineInfo): ParseCache {
    const file = path.resolve(project.dir, project.file.targetPath, PARSE_CACHE_FILE);
    const enabled = !project.files.macroSql.some((f) => f.text.includes('env_var'));
    let loaded: CacheDocument | undefined;
    try {
      loaded = enabled ? (JSON.parse(readFileSync(file, 'utf8')) as CacheDocument) : undefined;
    } catch {
      loaded = undefined;
    }
    return new ParseCache(file, cacheKey(project, engine), loaded, enabled);
  }

  /** The parse result of a file whose text has not changed since it was cached, else undefined. */
  get(source: ProjectFileText): ParsedTemplate | undefined {
    if (!this.enabled) return undefined;
    const entry = this.previous[source.path];
    if (!entry || entry.hash !== sha256(source.text)) return undefined;
    this.next[source.path] = entry;
    return entry.parsed;
  }

  /** Keeps the parse result of a file rendered in this invocation. */
  set(source: ProjectFileText, scope: RenderScope): void {
    if (!this.enabled || scope.problems.length > 0 || source.text.includes('env_var')) return;
    const parsed: ParsedTemplate = { refs: scope.refs, sources: scope.sources, configs: scope.configs, varsUsed: [...scope.varsUsed], macrosUsed: [...scope.macrosUsed] };
    // A config value JSON cannot hold as it is (undefined, a function, an object of a class) is not cached.
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(parsed)), parsed)) return;
    this.next[source.path] = { hash: sha256(source.text), parsed };
  }

  /** Writes the cache when its content changed: files added, edited or removed. */
  save(): void {
    if (!this.enabled) return;
    const unchanged = Object.keys(this.next).length === Object.keys(this.previous).length && Object.entries(this.next).every(([p, e]) => this.previous[p] === e);
    if (unchanged) return;
    writeFileAtomic(this.file, `${JSON.stringify({ key: this.key, files: this.next } satisfies CacheDocument)}\n`);
  }
}
