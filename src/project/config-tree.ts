import { didYouMean } from '../core/did-you-mean.js';
import { ConfigFileError } from './config-file-error.js';

/** Where a key path of the project file is (line and column), for problems found after parsing. */
export type Locate = (path: readonly string[]) => { line?: number; col?: number };

/** The configs one level of a `models:` or `seeds:` tree sets, and where. */
export interface ConfigPathEntry {
  /** The fqn prefix the configs apply to: [project or package, folder..., resource name]; [] applies to all. */
  path: string[];
  /** The key path in the file (`models.shop.staging`), for messages. */
  keyPath: string[];
  /** The supported configs, keys in snake_case; validated by the caller against its resource's schema. */
  config: Record<string, unknown>;
  /** Each config's key as written (`+post-hook`, `materialized`), for messages that point at it. */
  writtenKeys: Record<string, string>;
  /** Whether any config is written at this level (supported or not): only such paths can be "unused". */
  setsConfig: boolean;
}

/** How to read one `models:` / `seeds:` tree. */
export interface ConfigTreeOptions {
  section: string;
  projectName: string;
  /**
   * stedi_project.yml reads the first level as a folder of the project (`models: trusted:`); dbt_project.yml reads it
   * as a project or package name (`models: shop: staging:`). In both, a first-level key equal to the project name
   * is the project's own level.
   */
  firstLevel: 'folder' | 'package';
  /** Config keys stedi-models applies. */
  supported: readonly string[];
  /** Config keys dbt accepts that stedi-models does not apply yet: they warn and are ignored. */
  notYetSupported: readonly string[];
  file: string;
  locate: Locate;
  warn: (message: string) => void;
  problems: ConfigFileError[];
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Flattens a folder-config tree as dbt reads it: `+key` is always a config; a key without `+` is a config when it is
 * a config's name (dbt's rule; the `+` only tells a config from a folder of the same name), else a folder (or a
 * resource) below. `post-hook` and `post_hook` are the same key.
 */
export function flattenConfigTree(tree: Record<string, unknown>, options: ConfigTreeOptions): ConfigPathEntry[] {
  const known = new Set([...options.supported, ...options.notYetSupported]);
  const walk = (node: Record<string, unknown>, path: string[], keyPath: string[]): ConfigPathEntry[] => {
    const entry: ConfigPathEntry = { path, keyPath, config: {}, writtenKeys: {}, setsConfig: false };
    const below: ConfigPathEntry[] = [];
    for (const [key, value] of Object.entries(node)) {
      const name = key.replace(/^\+/, '').replace(/-/g, '_');
      const at = [...keyPath, key];
      if (key.startsWith('+') || known.has(name)) {
        entry.setsConfig = true;
        if (options.supported.includes(name)) {
          entry.config[name] = value;
          entry.writtenKeys[name] = key;
        } else if (options.notYetSupported.includes(name))
          options.warn(
            `${where(options, at)}: dbt's '${name}' config is not supported by stedi-models yet; it is ignored.`,
          );
        else
          options.problems.push(
            problem(options, at, `unknown config '${name}'.${didYouMean(name, [...known])} Check the spelling.`),
          );
      } else if (isMapping(value)) {
        const scope = keyPath.length === 1 ? firstLevelPath(key, options) : [...path, key];
        below.push(...walk(value, scope, at));
      } else {
        const hint = didYouMean(name, [...known]);
        options.problems.push(
          problem(
            options,
            at,
            hint
              ? `unknown config '${name}'.${hint}`
              : 'expected a folder (a mapping) or a `+key` config value; write config keys with a leading +, e.g. `+materialized: table`',
          ),
        );
      }
    }
    return [entry, ...below];
  };
  return walk(tree, [], [options.section]);
}

function firstLevelPath(key: string, options: ConfigTreeOptions): string[] {
  if (key === options.projectName || options.firstLevel === 'package') return [key];
  return [options.projectName, key];
}

function where(options: ConfigTreeOptions, keyPath: readonly string[]): string {
  const { line, col } = options.locate(keyPath);
  return `${options.file}${line ? `:${line}${col ? `:${col}` : ''}` : ''}: ${keyPath.join('.')}`;
}

function problem(options: ConfigTreeOptions, keyPath: readonly string[], message: string): ConfigFileError {
  const { line, col } = options.locate(keyPath);
  return new ConfigFileError(options.file, keyPath.join('.'), message, line, col);
}

/** Whether a config path applies to a resource of this fqn ([project, folder..., name]): it is a prefix of it. */
export function appliesTo(path: readonly string[], fqn: readonly string[]): boolean {
  return path.length <= fqn.length && path.every((part, i) => part === fqn[i]);
}

/**
 * dbt's warning for config paths that match no resource, which otherwise go silently unused (a misspelt folder
 * leaves its models with the defaults); undefined when every path applies to something. Paths under `models:` match
 * the fqns of models, under `seeds:` those of seeds.
 */
export function unusedConfigPathsWarning(
  file: string,
  entries: readonly ConfigPathEntry[],
  fqnsBySection: Readonly<Record<string, ReadonlyArray<readonly string[]>>>,
): string | undefined {
  const unused = entries.filter(
    (e) => e.setsConfig && e.path.length > 0 && !(fqnsBySection[e.keyPath[0]!] ?? []).some((f) => appliesTo(e.path, f)),
  );
  if (unused.length === 0) return undefined;
  return `Configuration paths exist in your ${file} file which do not apply to any resources. There ${unused.length === 1 ? 'is 1 unused configuration path' : `are ${unused.length} unused configuration paths`}:\n${unused.map((e) => `- ${e.keyPath.join('.')}`).join('\n')}\nCheck the folder names against the project's folders; in dbt_project.yml the first level under models: is the project's name.`;
}
