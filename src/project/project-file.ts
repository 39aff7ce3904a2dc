import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ProjectError } from '../errors.js';
import { modelConfigSchema, type PartialModelConfig } from './model-config.js';
import { ConfigFileError } from './config-file-error.js';
import { parseYaml, positionIn } from './read-yaml-file.js';
import { plainIssue } from './plain-issue.js';

/** The name of the file that marks a stedi-models project, like dbt_project.yml. */
export const PROJECT_FILE = 'stedi_project.yml';

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and _ only');

/** A folder-config tree: `+key` entries are config, other keys are sub-folders. */
type FolderConfigTree = { [key: string]: unknown };

/** dbt's project hooks: SQL (templated) run once per invocation, before the first node or after the last. */
const runHooks = z
  .union([z.string(), z.array(z.string())])
  .transform((h) => [h].flat())
  .default([]);

const projectFileSchema = z
  .object({
    name: identifier,
    version: z.union([z.string(), z.number()]).transform(String).optional(),
    profile: z.string().optional(),
    'model-paths': z.array(z.string()).default(['models']),
    'macro-paths': z.array(z.string()).default(['macros']),
    'seed-paths': z.array(z.string()).default(['seeds']),
    'test-paths': z.array(z.string()).default(['tests']),
    'snapshot-paths': z.array(z.string()).default(['snapshots']),
    'target-path': z.string().default('target'),
    'clean-targets': z.array(z.string()).optional(),
    vars: z.record(z.string(), z.unknown()).default({}),
    models: z.record(z.string(), z.unknown()).default({}),
    'on-run-start': runHooks,
    'on-run-end': runHooks,
  })
  .strict();

/** The validated project file. */
export interface ProjectFile {
  name: string;
  version?: string;
  profile: string;
  modelPaths: string[];
  macroPaths: string[];
  seedPaths: string[];
  testPaths: string[];
  snapshotPaths: string[];
  targetPath: string;
  cleanTargets: string[];
  vars: Record<string, unknown>;
  /** SQL run once at the start of `run`, `build`, `test` and `seed`, after the schemas exist, in order. */
  onRunStart: string[];
  /** SQL run once at the end of those commands, with `results` and `schemas` in its template. */
  onRunEnd: string[];
  /** Folder-level model config, flattened: folder path (relative to a model path, '' for all) → config. */
  folderConfigs: Array<{ folder: string; config: PartialModelConfig }>;
}

/** Where a key path of the project file is (line and column), for the folder configs checked after parsing. */
type Locate = (path: readonly string[]) => { line?: number; col?: number };

function flattenFolderConfigs(
  tree: FolderConfigTree,
  file: string,
  locate: Locate,
  prefix: string[] = [],
): ProjectFile['folderConfigs'] {
  const own: Record<string, unknown> = {};
  const children: ProjectFile['folderConfigs'] = [];
  for (const [key, value] of Object.entries(tree)) {
    if (key.startsWith('+')) own[key.slice(1)] = value;
    else if (value && typeof value === 'object' && !Array.isArray(value)) {
      children.push(...flattenFolderConfigs(value as FolderConfigTree, file, locate, [...prefix, key]));
    } else {
      const { line, col } = locate(['models', ...prefix, key]);
      throw new ConfigFileError(
        file,
        ['models', ...prefix, key].join('.'),
        'expected a folder (a mapping) or a `+key` config value; write config keys with a leading +, e.g. `+materialized: table`',
        line,
        col,
      );
    }
  }
  const parsed = modelConfigSchema.safeParse(own, { error: plainIssue });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.length ? `+${String(issue.path[0])}` : '';
    const keyPath = ['models', ...prefix, key].filter(Boolean);
    const { line, col } = locate(keyPath);
    throw new ConfigFileError(file, keyPath.join('.'), issue.message, line, col);
  }
  return [{ folder: prefix.join('/'), config: parsed.data }, ...children];
}

/** Reads and validates `stedi_project.yml` in the project directory. */
export function readProjectFile(projectDir: string): ProjectFile {
  const absPath = path.join(projectDir, PROJECT_FILE);
  if (!existsSync(absPath)) {
    throw new ProjectError(
      `No ${PROJECT_FILE} found in ${projectDir}. Run stedi-models from a project folder or pass --project-dir <folder with ${PROJECT_FILE}>.`,
    );
  }
  const text = readFileSync(absPath, 'utf8');
  const raw = parseYaml(text, PROJECT_FILE, projectFileSchema);
  return {
    name: raw.name,
    version: raw.version,
    profile: raw.profile ?? raw.name,
    modelPaths: raw['model-paths'],
    macroPaths: raw['macro-paths'],
    seedPaths: raw['seed-paths'],
    testPaths: raw['test-paths'],
    snapshotPaths: raw['snapshot-paths'],
    targetPath: raw['target-path'],
    cleanTargets: raw['clean-targets'] ?? [raw['target-path']],
    vars: raw.vars,
    onRunStart: raw['on-run-start'],
    onRunEnd: raw['on-run-end'],
    folderConfigs: flattenFolderConfigs(raw.models, PROJECT_FILE, (keyPath) => positionIn(text, keyPath)),
  };
}
