import path from 'node:path';
import { ProjectError } from '../errors.js';
import type { EngineInfo } from '../adapters/engine-definition.js';
import { mergeModelConfig, modelConfigSchema, type PartialModelConfig } from '../project/model-config.js';
import { mergeSeedConfig } from '../project/seed-config.js';
import { unusedConfigPathsWarning } from '../project/config-tree.js';
import { configsFor, folderUnder, fileFqn, fqnOf, modelRoots, ownerOf } from './fqn.js';
import { parseYaml } from '../project/read-yaml-file.js';
import { ConfigFileError } from '../project/config-file-error.js';
import {
  schemaFileSchema,
  type ColumnEntry,
  type ModelEntry,
  type SchemaFile,
  type SourceEntry,
} from '../project/schema-file.js';
import type { LoadedProject } from '../project/load-project.js';
import type { ProjectFileText } from '../core/project-file-text.js';
import { newRenderScope, type RenderScope, type TemplateEngine } from '../templating/template-engine.js';
import { parseGenericTests, parseSingularTests } from './parse-tests.js';
import { RelationValue } from '../templating/relation-value.js';
import { namedNode, relationNames } from './relation-names.js';
import { ParseCache } from './parse-cache.js';
import { unreadVarProblems } from './unread-vars.js';
import {
  modelId,
  seedId,
  sourceId,
  type ColumnInfo,
  type DataTestNode,
  type ModelNode,
  type SeedNode,
  type SourceNode,
  type UnitTestNode,
} from '../core/nodes.js';
import { plainIssue } from '../project/plain-issue.js';

/** The nodes of a project after the parse pass, with every problem found on the way. */
export interface ParsedProject {
  models: ModelNode[];
  sources: SourceNode[];
  seeds: SeedNode[];
  tests: DataTestNode[];
  unitTests: UnitTestNode[];
  problems: ProjectError[];
}

/** Two model files define the same model name. */
export class DuplicateModelError extends ProjectError {}

function columnsOf(entries: readonly ColumnEntry[]): ColumnInfo[] {
  return entries.map((c) => ({
    name: c.name,
    description: c.description ?? '',
    dataType: c.data_type,
    jsonKey: c.json_key,
    tests: [...(c.tests ?? []), ...(c.data_tests ?? [])],
  }));
}

/** Landing locations are local folders unless they carry a scheme (s3://); local ones are relative to the project. */
export function resolveLocation(projectDir: string, location: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location;
  const resolved = path.resolve(projectDir, location);
  return location.endsWith('/') ? `${resolved}/` : resolved;
}

function parseSchemaFiles(
  project: LoadedProject,
  problems: ProjectError[],
  cache: ParseCache,
): Array<{ file: string; package?: string; content: SchemaFile }> {
  const parsed: Array<{ file: string; package?: string; content: SchemaFile }> = [];
  for (const file of project.files.schemaYml) {
    try {
      let content = cache.getSchema<SchemaFile>(file);
      if (!content) {
        content = parseYaml(file.text, file.path, schemaFileSchema);
        cache.setSchema(file, content);
      }
      parsed.push({ file: file.path, package: file.package, content });
    } catch (error) {
      if (error instanceof ProjectError) problems.push(error);
      else throw error;
    }
  }
  return parsed;
}

/** A table's freshness criteria from yml, or undefined when it has none (or switches its source's off with null). */
function freshnessOf(written: SourceEntry['freshness'], loadedAtField: string | undefined): SourceNode['freshness'] {
  if (!written || (!written.warn_after && !written.error_after)) return undefined;
  return {
    warnAfter: written.warn_after,
    errorAfter: written.error_after,
    filter: written.filter,
    loadedAtField,
  };
}

function parseSources(
  project: LoadedProject,
  schemaFiles: ReturnType<typeof parseSchemaFiles>,
  templates: TemplateEngine,
  engine: EngineInfo,
  problems: ProjectError[],
): SourceNode[] {
  const nodes: SourceNode[] = [];
  for (const { file, package: packageName, content } of schemaFiles) {
    // A package's sources are the package's, as in dbt: source.<package>.<source>.<table>.
    const owner = ownerOf(project, { package: packageName });
    const roots = modelRoots(project, { package: packageName });
    content.sources.forEach((source, s) => {
      source.tables.forEach((table, t) => {
        const keyPath = `sources[${s}].tables[${t}]`;
        const scope = newRenderScope('compile', `${file} (${keyPath})`);
        let external: SourceNode['external'];
        if (table.external) {
          const location = templates.renderString(table.external.location, scope);
          const columns = table.columns.map((c, i) => {
            if (!c.data_type) {
              problems.push(
                new ConfigFileError(
                  file,
                  `${keyPath}.columns[${i}].data_type`,
                  `column ${c.name} of external source ${table.name} needs a data_type (landing schemas are declared, never inferred)`,
                ),
              );
            }
            return { name: c.name, type: c.data_type ?? 'string', jsonKey: c.json_key ?? c.name };
          });
          if (columns.length === 0)
            problems.push(
              new ConfigFileError(file, `${keyPath}.columns`, `external source ${table.name} declares no columns`),
            );
          external = {
            location: resolveLocation(project.dir, location),
            format: table.external.format,
            columns,
            maxRejectedRows: table.external.max_rejected_rows,
            maxRejectedFraction: table.external.max_rejected_fraction,
          };
        }
        problems.push(...scope.problems);
        nodes.push({
          kind: 'source',
          uniqueId: sourceId(owner, source.name, table.name),
          name: table.name,
          fqn: fileFqn(owner, roots, file, source.name, table.name),
          sourceName: source.name,
          filePath: file,
          description: table.description ?? '',
          tags: [...(source.tags ?? []), ...(table.tags ?? [])],
          relation: {
            database: engine.database,
            schema: source.schema ?? engine.schema,
            identifier: table.identifier ?? table.name,
          },
          columns: columnsOf(table.columns),
          external,
          freshness: freshnessOf(
            table.freshness === undefined ? source.freshness : table.freshness,
            table.loaded_at_field ?? source.loaded_at_field,
          ),
          declaredTests: [...(table.tests ?? []), ...(table.data_tests ?? [])],
        });
      });
    });
  }
  return nodes;
}

/**
 * The parse pass renders with is_incremental() false, so a var or macro used only in the incremental branch, a
 * post-hook or replace_where would not be recorded, and changing it would not mark the model state:modified.
 * Renders those parts once more with is_incremental() true and records what they use too; problems found there are
 * left to the compile pass, which renders the branch that really runs.
 */
function recordIncrementalUses(
  templates: TemplateEngine,
  scope: RenderScope,
  render: (probe: RenderScope) => void,
): void {
  const probe = newRenderScope('parse', scope.file, { isIncremental: true });
  render(probe);
  for (const name of probe.varsUsed) scope.varsUsed.add(name);
  for (const name of probe.macrosUsed) scope.macrosUsed.add(name);
}

function parseModel(
  project: LoadedProject,
  file: ProjectFileText,
  entry: { file: string; model: ModelEntry } | undefined,
  templates: TemplateEngine,
  engine: EngineInfo,
  problems: ProjectError[],
  cache: ParseCache,
): ModelNode {
  const name = path.posix.basename(file.path, '.sql');
  // `this` while parsing has its parts (the relation before the model's schema and alias configs) but prints as a
  // stand-in, as ref() does: what config() captures then must not depend on the target's database.
  const self = new RelationValue(
    { database: engine.database, schema: engine.schema, identifier: name },
    engine.dialect,
    '__this__',
  );
  const scope = newRenderScope('parse', file.path, { self });
  const cached = cache.get(file);
  if (cached) {
    Object.assign(scope, {
      refs: cached.refs,
      sources: cached.sources,
      configs: cached.configs,
      varsUsed: new Set(cached.varsUsed),
      macrosUsed: new Set(cached.macrosUsed),
    });
  } else {
    templates.render(file, scope);
    if (file.text.includes('is_incremental'))
      recordIncrementalUses(templates, scope, (probe) => templates.render(file, probe));
    cache.set(file, scope);
  }
  problems.push(...scope.problems);
  const inFile: PartialModelConfig[] = [];
  for (const written of scope.configs) {
    const parsed = modelConfigSchema.safeParse(written, { error: plainIssue });
    if (parsed.success) inFile.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        problems.push(new ConfigFileError(file.path, `config(${issue.path.join('.')})`, issue.message));
  }
  const folder = folderUnder(modelRoots(project, file), file.path);
  const projectLayers = configsFor(project.file.modelConfigs, fqnOf(project, folder, name, file.package));
  const config = mergeModelConfig([...projectLayers, entry?.model.config ?? {}, ...inFile]);
  const layered = mergeModelConfig([...projectLayers, entry?.model.config ?? {}]);
  config.zone ??= folder.split('/')[0] || undefined;
  const hookTexts = [
    ...config.preHook,
    ...config.postHook,
    ...[config.replaceWhere, config.replaceKeys, config.purge].filter((t): t is string => Boolean(t)),
  ];
  if (hookTexts.length > 0)
    recordIncrementalUses(templates, scope, (probe) =>
      hookTexts.forEach((text) => templates.renderString(text, probe)),
    );
  const description =
    inFile.findLast((c) => c.description)?.description ??
    entry?.model.description ??
    entry?.model.config?.description ??
    '';
  return {
    kind: 'model',
    uniqueId: modelId(file.package ?? project.file.name, name),
    name,
    fqn: fqnOf(project, folder, name, file.package),
    filePath: file.path,
    rawSql: file.text,
    description,
    tags: config.tags,
    config,
    relation: {
      database: engine.database,
      ...relationNames(
        templates,
        engine.schema,
        namedNode(file.package ?? project.file.name, 'model', name, file.path, folder, {
          schema: config.schema,
          alias: config.alias,
          materialized: config.materialized,
          tags: config.tags,
        }),
        problems,
        scope.macrosUsed,
      ),
    },
    columns: columnsOf(entry?.model.columns ?? []),
    dependsOn: [],
    refs: [...new Set(scope.refs)],
    sources: scope.sources.filter(([s, t], i, all) => all.findIndex(([s2, t2]) => s2 === s && t2 === t) === i),
    varsUsed: [...scope.varsUsed].sort(),
    macrosUsed: [...scope.macrosUsed].sort(),
    patchPath: entry?.file,
    declaredTests: [...(entry?.model.tests ?? []), ...(entry?.model.data_tests ?? [])],
    layerHooks: { pre: layered.preHook, post: layered.postHook },
  };
}

function parseSeeds(
  project: LoadedProject,
  schemaFiles: ReturnType<typeof parseSchemaFiles>,
  templates: TemplateEngine,
  engine: EngineInfo,
  problems: ProjectError[],
): SeedNode[] {
  const entries = new Map(
    schemaFiles.flatMap(({ file, content }) => content.seeds.map((seed) => [seed.name, { file, seed }] as const)),
  );
  const seeds = project.files.seedCsv.flatMap((file): SeedNode[] => {
    const name = path.posix.basename(file.path, '.csv');
    const entry = entries.get(name);
    entries.delete(name);
    const folder = folderUnder(project.file.seedPaths, file.path);
    // dbt's precedence: the project file's paths, then the seed's own schema yml config.
    const config = mergeSeedConfig([
      ...configsFor(project.file.seedConfigs, fqnOf(project, folder, name)),
      entry?.seed.config ?? {},
    ]);
    if (!config.enabled) return [];
    return [
      {
        kind: 'seed',
        uniqueId: seedId(project.file.name, name),
        name,
        fqn: fqnOf(project, folder, name),
        filePath: file.path,
        description: entry?.seed.description ?? '',
        tags: ['seed', ...(config.tags ?? [])],
        relation: {
          database: engine.database,
          ...relationNames(
            templates,
            engine.schema,
            namedNode(project.file.name, 'seed', name, file.path, folder, {
              schema: config.schema,
              alias: config.alias,
              tags: config.tags ?? [],
            }),
            problems,
            new Set(),
          ),
        },
        columns: columnsOf(entry?.seed.columns ?? []),
        csvText: file.text,
        columnTypes: config.column_types ?? {},
        declaredTests: [...(entry?.seed.tests ?? []), ...(entry?.seed.data_tests ?? [])],
      },
    ];
  });
  for (const [name, { file }] of entries) {
    problems.push(
      new ConfigFileError(file, `seeds.${name}`, `describes a seed '${name}' but no seeds/**/${name}.csv exists.`),
    );
  }
  return seeds;
}

function parseUnitTests(
  project: LoadedProject,
  schemaFiles: ReturnType<typeof parseSchemaFiles>,
  models: ReadonlyMap<string, ModelNode>,
  problems: ProjectError[],
): UnitTestNode[] {
  const seen = new Set<string>();
  return schemaFiles.flatMap(({ file, package: packageName, content }) =>
    content.unit_tests.flatMap((entry, i): UnitTestNode[] => {
      const owner = ownerOf(project, { package: packageName });
      const model = models.get(entry.model);
      if (!model) {
        problems.push(
          new ConfigFileError(
            file,
            `unit_tests[${i}].model`,
            `unit test ${entry.name} names model '${entry.model}', which does not exist.`,
          ),
        );
        return [];
      }
      const uniqueId = `unit_test.${owner}.${entry.model}.${entry.name}`;
      if (seen.has(uniqueId)) {
        problems.push(
          new ConfigFileError(
            file,
            `unit_tests[${i}].name`,
            `two unit tests of ${entry.model} are named '${entry.name}'; names must be unique per model.`,
          ),
        );
        return [];
      }
      seen.add(uniqueId);
      return [
        {
          kind: 'unit_test',
          uniqueId,
          name: entry.name,
          fqn: fileFqn(owner, modelRoots(project, { package: packageName }), file, entry.model, entry.name),
          filePath: file,
          description: entry.description ?? '',
          tags: [...model.tags, ...(entry.config?.tags ?? [])],
          relation: model.relation,
          columns: [],
          attachedTo: model.uniqueId,
          given: entry.given,
          expectRows: entry.expect.rows,
          varOverrides: entry.overrides?.vars ?? {},
          envOverrides: entry.overrides?.env_vars ?? {},
          dependsOn: [],
        },
      ];
    }),
  );
}

/** dbt's warning for project-file config paths that apply to no model, seed or data test of the project. */
function warnUnusedConfigPaths(project: LoadedProject, testFqns: ReadonlyArray<readonly string[]>): void {
  const warning = unusedConfigPathsWarning(project.file.fileName, project.file.configPaths, {
    models: project.files.modelSql.map((f) =>
      fqnOf(project, folderUnder(modelRoots(project, f), f.path), path.posix.basename(f.path, '.sql'), f.package),
    ),
    seeds: project.files.seedCsv.map((f) =>
      fqnOf(project, folderUnder(project.file.seedPaths, f.path), path.posix.basename(f.path, '.csv')),
    ),
    tests: testFqns,
    data_tests: testFqns,
  });
  if (warning) project.warn(warning);
}

/**
 * Renders the descriptions that include docs blocks (`'{{ doc("name") }}'`), in place; an unknown doc name is a
 * problem naming the yml file and the key. Descriptions without a template are left as they are, at no cost.
 */
function resolveDescriptions(
  nodes: ReadonlyArray<ModelNode | SourceNode | SeedNode>,
  schemaFiles: ReturnType<typeof parseSchemaFiles>,
  templates: TemplateEngine,
  problems: ProjectError[],
): void {
  const seedFiles = new Map(schemaFiles.flatMap(({ file, content }) => content.seeds.map((s) => [s.name, file])));
  const render = (text: string, where: string): string => {
    if (!text.includes('{{')) return text;
    const scope = newRenderScope('parse', where);
    const rendered = templates.renderString(text, scope);
    problems.push(...scope.problems);
    return rendered;
  };
  for (const node of nodes) {
    const file =
      node.kind === 'model'
        ? (node.patchPath ?? node.filePath)
        : node.kind === 'seed'
          ? seedFiles.get(node.name)
          : node.filePath;
    const key = `${node.kind === 'source' ? `sources.${node.sourceName}` : `${node.kind}s`}.${node.name}`;
    node.description = render(node.description, `${file ?? node.filePath} (${key}.description)`);
    for (const column of node.columns)
      column.description = render(
        column.description,
        `${file ?? node.filePath} (${key}.columns.${column.name}.description)`,
      );
  }
}

/**
 * The parse pass: reads schema files, renders every model with `ref()` only recording, and returns the nodes with
 * every problem found (invalid yml, template errors, undefined vars, vars set that nothing reads, duplicate names),
 * all at once. Files that have not changed since the previous invocation are not rendered or validated again
 * (target/partial_parse.json).
 */
export function parseProject(project: LoadedProject, templates: TemplateEngine, engine: EngineInfo): ParsedProject {
  const problems: ProjectError[] = [...templates.macroProblems];
  const cache = ParseCache.load(project, engine);
  const schemaFiles = parseSchemaFiles(project, problems, cache);
  const entries = new Map<string, { file: string; model: ModelEntry }>();
  for (const { file, content } of schemaFiles) {
    for (const model of content.models) entries.set(model.name, { file, model });
  }
  const models: ModelNode[] = [];
  const byName = new Map<string, ModelNode>();
  for (const file of project.files.modelSql) {
    const model = parseModel(
      project,
      file,
      entries.get(path.posix.basename(file.path, '.sql')),
      templates,
      engine,
      problems,
      cache,
    );
    const other = byName.get(model.name);
    if (other) {
      problems.push(
        new DuplicateModelError(
          `Two models are named '${model.name}': ${other.filePath} and ${model.filePath}. Model names must be unique; rename one of the files.`,
        ),
      );
      continue;
    }
    byName.set(model.name, model);
    models.push(model);
  }
  for (const [name, { file }] of entries) {
    if (!byName.has(name)) {
      problems.push(
        new ConfigFileError(
          file,
          `models.${name}`,
          `describes a model '${name}' but no models/**/${name}.sql exists. Fix the name or remove the entry.`,
        ),
      );
    }
  }
  const sources = parseSources(project, schemaFiles, templates, engine, problems);
  const seeds = parseSeeds(project, schemaFiles, templates, engine, problems);
  for (const seed of seeds) {
    const model = byName.get(seed.name);
    if (model)
      problems.push(
        new DuplicateModelError(
          `A model and a seed are both named '${seed.name}': ${model.filePath} and ${seed.filePath}. Rename one.`,
        ),
      );
  }
  cache.save();
  resolveDescriptions([...models, ...sources, ...seeds], schemaFiles, templates, problems);
  const testFqns: string[][] = [];
  const tests = [
    ...parseGenericTests(project, [...sources, ...models, ...seeds], templates, engine.dialect, problems, testFqns),
    ...parseSingularTests(project, templates, problems, { database: engine.database, schema: engine.schema }, testFqns),
  ];
  problems.push(...unreadVarProblems(project, schemaFiles, tests));
  // Only beside a project that parses: next to errors, the warning would be noise.
  if (problems.length === 0) warnUnusedConfigPaths(project, testFqns);
  return { models, sources, seeds, tests, unitTests: parseUnitTests(project, schemaFiles, byName, problems), problems };
}
