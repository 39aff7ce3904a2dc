import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ProjectError, throwIfAny } from '../errors.js';
import { didYouMean } from '../core/did-you-mean.js';
import { modelConfigSchema, type PartialModelConfig } from './model-config.js';
import { seedConfigSchema, type PartialSeedConfig } from './seed-config.js';
import { testConfigSchema, type PartialTestConfig } from './test-config-schema.js';
import { ConfigFileError } from './config-file-error.js';
import { flattenConfigTree, type ConfigPathEntry, type ConfigTreeOptions } from './config-tree.js';
import { parseYaml, positionIn } from './read-yaml-file.js';
import { plainIssue } from './plain-issue.js';
import { requireDbtVersionProblem } from './require-dbt-version.js';

/** stedi-models' own project file, which marks a project as dbt_project.yml does. */
export const PROJECT_FILE = 'stedi_project.yml';
/** dbt Core's project file, read as dbt reads it (README, "Coming from dbt"). */
export const DBT_PROJECT_FILE = 'dbt_project.yml';

const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be letters, digits and _ only');
const paths = z.array(z.string());
const mapping = z.record(z.string(), z.unknown());

/** dbt's project hooks: SQL (templated) run once per invocation, before the first node or after the last. */
const runHooks = z
  .union([z.string(), z.array(z.string())])
  .transform((h) => [h].flat())
  .default([]);

const projectFileSchema = z
  .object({
    name: identifier,
    version: z.union([z.string(), z.number()]).transform(String).optional(),
    'config-version': z.literal(2, 'must be 2: dbt 1.x project files are config-version 2').optional(),
    'require-dbt-version': z.union([z.string(), z.array(z.string())]).optional(),
    profile: z.string().optional(),
    'model-paths': paths.default(['models']),
    'macro-paths': paths.default(['macros']),
    'seed-paths': paths.default(['seeds']),
    'test-paths': paths.default(['tests']),
    'analysis-paths': paths.default(['analyses']),
    'snapshot-paths': paths.default(['snapshots']),
    'docs-paths': paths.optional(),
    'asset-paths': paths.default([]),
    'target-path': z.string().default('target'),
    'packages-install-path': z.string().default('dbt_packages'),
    'clean-targets': paths.optional(),
    vars: mapping.default({}),
    models: mapping.default({}),
    seeds: mapping.default({}),
    tests: mapping.default({}),
    data_tests: mapping.default({}),
    'on-run-start': runHooks,
    'on-run-end': runHooks,
  })
  .strict();

/**
 * Top-level keys dbt accepts that stedi-models does not apply yet: a dbt project keeps running, with a warning,
 * rather than stopping on them.
 */
const NOT_YET_SUPPORTED_KEYS = [
  'snapshots',
  'sources',
  'unit_tests',
  'metrics',
  'semantic-models',
  'saved-queries',
  'exposures',
  'analyses',
  'dispatch',
  'query-comment',
  'quoting',
  'restrict-access',
  'flags',
  'dbt-cloud',
  'log-path',
];

/** Model configs dbt (or dbt-athena / dbt-duckdb) accepts that stedi-models does not apply yet. */
const NOT_YET_SUPPORTED_MODEL_CONFIGS = [
  'docs',
  'meta',
  'persist_docs',
  'contract',
  'constraints',
  'quoting',
  'quote',
  'full_refresh',
  'database',
  'sql_header',
  'on_configuration_change',
  'access',
  'group',
  'event_time',
  'batch_size',
  'lookback',
  'begin',
  'concurrent_batches',
  'freshness',
  'partition_by',
  'cluster_by',
  'bucketed_by',
  'bucket_count',
  'table_type',
  'format',
  'file_format',
  'table_properties',
  's3_data_naming',
  'external_location',
];

/** Seed configs dbt accepts that stedi-models does not apply yet. */
const NOT_YET_SUPPORTED_SEED_CONFIGS = [
  'docs',
  'meta',
  'grants',
  'persist_docs',
  'quote_columns',
  'delimiter',
  'full_refresh',
  'database',
  'pre_hook',
  'post_hook',
  'event_time',
  'group',
];

/** Data test configs dbt accepts that stedi-models does not apply yet. */
const NOT_YET_SUPPORTED_TEST_CONFIGS = [
  'meta',
  'docs',
  'fail_calc',
  'store_failures_as',
  'database',
  'schema',
  'alias',
  'group',
  'quoting',
];

/** Configs of one path of a `models:` or `seeds:` tree, validated. */
export interface FolderConfig<T> {
  /** The fqn prefix they apply to ([project, folder..., name]); [] for every resource. */
  path: string[];
  config: T;
}

/** The validated project file. */
export interface ProjectFile {
  /** Which file it is: stedi_project.yml or dbt_project.yml, for messages. */
  fileName: string;
  name: string;
  version?: string;
  profile: string;
  modelPaths: string[];
  macroPaths: string[];
  seedPaths: string[];
  testPaths: string[];
  analysisPaths: string[];
  snapshotPaths: string[];
  docsPaths: string[];
  targetPath: string;
  packagesInstallPath: string;
  cleanTargets: string[];
  /** Global vars with this project's scoped ones (`vars: {<project>: {...}}`) over them. */
  vars: Record<string, unknown>;
  modelConfigs: Array<FolderConfig<PartialModelConfig>>;
  seedConfigs: Array<FolderConfig<PartialSeedConfig>>;
  /** `tests:` and `data_tests:` (dbt 1.8's name) folder configs, for generic and singular tests. */
  testConfigs: Array<FolderConfig<PartialTestConfig>>;
  /** Every config path written, for dbt's warning about paths that apply to no resource. */
  configPaths: ConfigPathEntry[];
  /** Problems that do not stop the project: keys dbt accepts that are not supported yet. */
  warnings: string[];
  /** SQL run once at the start of `run`, `build`, `test` and `seed`, after the schemas exist, in order. */
  onRunStart: string[];
  /** SQL run once at the end of those commands, with `results` and `schemas` in its template. */
  onRunEnd: string[];
}

/** Which project file a folder holds; both at once is ambiguous and stops the project. */
export function projectFileName(projectDir: string): string {
  const found = [DBT_PROJECT_FILE, PROJECT_FILE].filter((f) => existsSync(path.join(projectDir, f)));
  if (found.length === 2)
    throw new ProjectError(
      `${projectDir} holds both ${DBT_PROJECT_FILE} and ${PROJECT_FILE}; stedi-models cannot tell which one describes the project. Delete or rename one of them.`,
    );
  if (found.length === 0)
    throw new ProjectError(
      `No ${PROJECT_FILE} found in ${projectDir} (nor a ${DBT_PROJECT_FILE}). Run stedi-models from a project folder or pass --project-dir <folder with ${PROJECT_FILE} or ${DBT_PROJECT_FILE}>.`,
    );
  return found[0]!;
}

/** Splits off top-level keys dbt accepts but stedi-models does not apply (a warning each); others are left to the schema. */
function takeUnsupportedKeys(raw: Record<string, unknown>, file: string, text: string, warnings: string[]): void {
  const known = [...Object.keys(projectFileSchema.shape), ...NOT_YET_SUPPORTED_KEYS];
  const problems: ConfigFileError[] = [];
  for (const key of Object.keys(raw)) {
    if (NOT_YET_SUPPORTED_KEYS.includes(key)) {
      const { line } = positionIn(text, [key]);
      warnings.push(`${file}${line ? `:${line}` : ''}: '${key}' is not supported by stedi-models yet; it is ignored.`);
      delete raw[key];
    } else if (!Object.hasOwn(projectFileSchema.shape, key)) {
      const { line, col } = positionIn(text, [key]);
      problems.push(
        new ConfigFileError(file, key, `unknown key '${key}'.${didYouMean(key, known)} Check the spelling.`, line, col),
      );
      delete raw[key];
    }
  }
  throwIfAny(problems);
}

function validated<T>(
  entries: readonly ConfigPathEntry[],
  schema: z.ZodType<T>,
  options: Pick<ConfigTreeOptions, 'file' | 'locate' | 'problems'>,
): Array<FolderConfig<T>> {
  return entries.flatMap((entry) => {
    const parsed = schema.safeParse(entry.config, { error: plainIssue });
    if (parsed.success) return [{ path: entry.path, config: parsed.data }];
    for (const issue of parsed.error.issues) {
      const written = issue.path.length ? String(issue.path[0]) : undefined;
      const key = written ? [...entry.keyPath, entry.writtenKeys[written] ?? `+${written}`] : entry.keyPath;
      const { line, col } = options.locate(key);
      options.problems.push(new ConfigFileError(options.file, key.join('.'), issue.message, line, col));
    }
    return [];
  });
}

/** Global vars, with a mapping under the project's own name read as dbt's project-scoped vars (they win). */
function projectVars(vars: Record<string, unknown>, projectName: string): Record<string, unknown> {
  const { [projectName]: scoped, ...global } = vars;
  if (scoped === null || typeof scoped !== 'object' || Array.isArray(scoped)) return vars;
  return { ...global, ...(scoped as Record<string, unknown>) };
}

/** Reads and validates the project file (stedi_project.yml or dbt_project.yml) in the project directory. */
export function readProjectFile(projectDir: string): ProjectFile {
  const fileName = projectFileName(projectDir);
  const text = readFileSync(path.join(projectDir, fileName), 'utf8');
  const warnings: string[] = [];
  const raw = parseYaml(text, fileName, z.record(z.string(), z.unknown()));
  takeUnsupportedKeys(raw, fileName, text, warnings);
  const file = parseYaml(
    text,
    fileName,
    z
      .unknown()
      .transform(() => raw)
      .pipe(projectFileSchema),
  );
  if (file['require-dbt-version'] !== undefined) {
    const problem = requireDbtVersionProblem(file['require-dbt-version']);
    if (problem) {
      const { line, col } = positionIn(text, ['require-dbt-version']);
      throw new ConfigFileError(fileName, 'require-dbt-version', problem, line, col);
    }
  }
  const problems: ConfigFileError[] = [];
  const tree = {
    projectName: file.name,
    firstLevel: fileName === DBT_PROJECT_FILE ? 'package' : 'folder',
    file: fileName,
    locate: (keyPath: readonly string[]) => positionIn(text, keyPath),
    warn: (message: string) => warnings.push(message),
    problems,
  } as const;
  const modelPaths = flattenConfigTree(file.models, {
    ...tree,
    section: 'models',
    supported: Object.keys(modelConfigSchema.shape),
    notYetSupported: NOT_YET_SUPPORTED_MODEL_CONFIGS,
  });
  const seedPaths = flattenConfigTree(file.seeds, {
    ...tree,
    section: 'seeds',
    supported: Object.keys(seedConfigSchema.shape),
    notYetSupported: NOT_YET_SUPPORTED_SEED_CONFIGS,
  });
  const testPaths = (['tests', 'data_tests'] as const).flatMap((section) =>
    flattenConfigTree(file[section], {
      ...tree,
      section,
      supported: Object.keys(testConfigSchema.shape),
      notYetSupported: NOT_YET_SUPPORTED_TEST_CONFIGS,
    }),
  );
  const modelConfigs = validated(modelPaths, modelConfigSchema, tree);
  const seedConfigs = validated(seedPaths, seedConfigSchema, tree);
  const testConfigs = validated(testPaths, testConfigSchema, tree);
  throwIfAny(problems);
  return {
    fileName,
    name: file.name,
    version: file.version,
    profile: file.profile ?? file.name,
    modelPaths: file['model-paths'],
    macroPaths: file['macro-paths'],
    seedPaths: file['seed-paths'],
    testPaths: file['test-paths'],
    analysisPaths: file['analysis-paths'],
    snapshotPaths: file['snapshot-paths'],
    // dbt looks for docs blocks in every resource path unless docs-paths names where.
    docsPaths: file['docs-paths'] ?? [
      ...file['model-paths'],
      ...file['seed-paths'],
      ...file['test-paths'],
      ...file['analysis-paths'],
      ...file['macro-paths'],
      ...file['snapshot-paths'],
    ],
    targetPath: file['target-path'],
    packagesInstallPath: file['packages-install-path'],
    cleanTargets: file['clean-targets'] ?? [file['target-path']],
    vars: projectVars(file.vars, file.name),
    modelConfigs,
    seedConfigs,
    testConfigs,
    configPaths: [...modelPaths, ...seedPaths, ...testPaths],
    warnings,
    onRunStart: file['on-run-start'],
    onRunEnd: file['on-run-end'],
  };
}
