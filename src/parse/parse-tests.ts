import path from 'node:path';
import { closest, distance } from 'fastest-levenshtein';
import { ProjectError } from '../errors.js';
import { ConfigFileError } from '../project/config-file-error.js';
import type { LoadedProject } from '../project/load-project.js';
import { newRenderScope, type TemplateEngine } from '../templating/template-engine.js';
import type { Dialect } from '../adapters/adapter.js';
import { RelationValue } from '../templating/relation-value.js';
import { testId, type DataTestNode, type Node } from '../core/nodes.js';
import { configsFor, fileFqn, modelRoots } from './fqn.js';
import { resolveTestConfig, testConfigSchema, TEST_CONFIG_KEYS } from '../project/test-config-schema.js';
import { plainIssue } from '../project/plain-issue.js';
import { TestDeclarationError } from './test-declaration-error.js';
import { dbtTestName, nameCollidingTests, splitDeclaration } from './test-names.js';

// In yml, `to: ref('customer_trusted')` is an expression as in dbt; braces are optional.
const BARE_CALL = /^\s*(ref|source)\s*\(.*\)\s*$/s;

interface Declaration {
  file: string;
  keyPath: string;
  item: unknown;
  attachedTo: Node;
  columnName?: string;
}

function declarationsOf(node: Node): Declaration[] {
  if (node.kind === 'data_test' || node.kind === 'unit_test') return [];
  const file = node.kind === 'model' ? (node.patchPath ?? node.filePath) : node.filePath;
  const base = node.kind === 'source' ? `sources.${node.sourceName}.tables.${node.name}` : `${node.kind}s.${node.name}`;
  const own = node.declaredTests.map((item, i) => ({ file, keyPath: `${base}.tests[${i}]`, item, attachedTo: node }));
  const columns = node.columns.flatMap((c) =>
    c.tests.map((item, i) => ({
      file,
      keyPath: `${base}.columns.${c.name}.tests[${i}]`,
      item,
      attachedTo: node,
      columnName: c.name,
    })),
  );
  return [...own, ...columns];
}

function asTemplate(value: unknown): unknown {
  return typeof value === 'string' && BARE_CALL.test(value) ? `{{ ${value} }}` : value;
}

/** Builds the generic data tests declared in schema ymls (`tests:` / `data_tests:` on nodes and columns). */
export function parseGenericTests(
  project: LoadedProject,
  nodes: readonly Node[],
  templates: TemplateEngine,
  dialect: Dialect,
  problems: ProjectError[],
  fqns: string[][] = [],
): DataTestNode[] {
  const tests: DataTestNode[] = [];
  const pending: Array<{ long?: string; file: string; keyPath: string }> = [];
  for (const declaration of nodes.flatMap(declarationsOf)) {
    const { file, keyPath, item, attachedTo, columnName } = declaration;
    const [testName, body] =
      typeof item === 'string' ? [item, {}] : (Object.entries(item as Record<string, unknown>)[0] ?? ['', {}]);
    if (typeof item === 'object' && item !== null && Object.keys(item).length !== 1) {
      problems.push(
        new TestDeclarationError(
          file,
          keyPath,
          'a test is a name or a mapping with exactly one key: { test_name: { arguments... } }',
        ),
      );
      continue;
    }
    const signature = templates.tests.get(testName);
    if (!signature) {
      const names = [...templates.tests.keys()];
      const best = names.length ? closest(testName, names) : '';
      const hint =
        best && distance(testName, best) <= 3
          ? ` Did you mean '${best}'?`
          : ` Known tests: ${names.sort().join(', ')}.`;
      problems.push(new TestDeclarationError(file, keyPath, `no generic test named '${testName}'.${hint}`));
      continue;
    }
    const written = splitDeclaration((body ?? {}) as Record<string, unknown>);
    if (typeof written === 'string') {
      problems.push(new TestDeclarationError(file, keyPath, `${testName}: ${written}`));
      continue;
    }
    const { configInput, args, customName } = written;
    const unknown = Object.keys(args).filter((k) => !signature.params.includes(k));
    const missing = signature.required.filter((k) => !(k in args));
    if (unknown.length || missing.length) {
      const what = [
        unknown.length ? `unknown argument ${unknown.map((u) => `'${u}'`).join(', ')}` : '',
        missing.length ? `missing argument ${missing.map((m) => `'${m}'`).join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      problems.push(
        new TestDeclarationError(
          file,
          keyPath,
          `${testName}: ${what}. It takes: ${signature.params.join(', ') || 'no arguments'} (and config: ${[...TEST_CONFIG_KEYS].join(', ')}).`,
        ),
      );
      continue;
    }
    const parsedConfig = testConfigSchema.safeParse(configInput, { error: plainIssue });
    if (!parsedConfig.success) {
      for (const issue of parsedConfig.error.issues)
        problems.push(new TestDeclarationError(file, `${keyPath}.${issue.path.join('.')}`, issue.message));
      continue;
    }
    // Arguments may ref other nodes (relationships: to: ref('x')); the parse render records those dependencies.
    const scope = newRenderScope('parse', file, { dataTest: true });
    const renderedArgs = Object.fromEntries(Object.entries(args).map(([k, v]) => [k, asTemplate(v)]));
    for (const value of Object.values(renderedArgs))
      if (typeof value === 'string') templates.renderString(value, scope);
    // Rendering the test's own SQL in the parse pass records what its body reads (seeds, sources), as dbt does, and
    // the config() its definition sets: defaults that the declaration overrides.
    templates.renderTest(
      testName,
      {
        ...renderedArgs,
        model: new RelationValue(attachedTo.relation, dialect),
        column_name: columnName ? dialect.quoteIdentifier(columnName) : undefined,
      },
      scope,
    );
    problems.push(...scope.problems);
    const definitionLayers = configLayers(scope.configs, (path, message) =>
      problems.push(
        new TestDeclarationError(file, `${keyPath} (config() in the definition of ${testName}).${path}`, message),
      ),
    );
    const baseName =
      typeof customName === 'string'
        ? customName
        : [
            testName,
            attachedTo.kind === 'source' ? `${attachedTo.sourceName}_${attachedTo.name}` : attachedTo.name,
            columnName,
          ]
            .filter(Boolean)
            .join('_');
    // dbt's fqn of a generic test: its package (that of the node it is declared on: the yml is in the same package),
    // the folders of the yml that declares it, the test's name.
    const owner = attachedTo.uniqueId.split('.')[1]!;
    const inPackage = owner === project.file.name ? undefined : owner;
    const roots = inPackage
      ? modelRoots(project, { package: inPackage })
      : [...project.file.modelPaths, ...project.file.seedPaths];
    const fqn = fileFqn(owner, roots, file, baseName);
    fqns.push(fqn);
    // Precedence: the project file's paths, the definition's config(), then the declaration.
    const config = resolveTestConfig([
      ...configsFor(project.file.testConfigs, fqn),
      ...definitionLayers,
      parsedConfig.data,
    ]);
    if (!config.enabled) continue;
    if (config.blocking && config.severity !== 'error') {
      problems.push(
        new TestDeclarationError(
          file,
          keyPath,
          `${testName} is blocking (it audits rows before they are published), so its severity must be error, not ${config.severity}.`,
        ),
      );
      continue;
    }
    const name = baseName;
    const target = attachedTo.kind === 'source' ? `${attachedTo.sourceName}_${attachedTo.name}` : attachedTo.name;
    const long = dbtTestName(testName, target, { ...args, ...(columnName ? { column_name: columnName } : {}) });
    pending.push({ long: typeof customName === 'string' ? undefined : long, file, keyPath });
    tests.push({
      kind: 'data_test',
      uniqueId: testId(owner, name),
      name,
      fqn,
      filePath: file,
      description: '',
      tags: [...new Set([...attachedTo.tags, ...config.tags])],
      relation: { ...attachedTo.relation, schema: `${attachedTo.relation.schema}_test_failures`, identifier: name },
      columns: [],
      testName,
      attachedTo: attachedTo.uniqueId,
      columnName,
      args: renderedArgs,
      config,
      dependsOn: [],
      refs: [...new Set(scope.refs)],
      sources: scope.sources,
    });
  }
  return nameCollidingTests(project.file.name, tests, pending, problems);
}

/** Builds the singular tests: `tests/*.sql` files that select failing rows. */
export function parseSingularTests(
  project: LoadedProject,
  templates: TemplateEngine,
  problems: ProjectError[],
  schema: { database?: string; schema: string },
  fqns: string[][] = [],
): DataTestNode[] {
  return project.files.testSql.map((file) => {
    const name = path.posix.basename(file.path, '.sql');
    const fqn = fileFqn(project.file.name, project.file.testPaths, file.path, name);
    fqns.push(fqn);
    const scope = newRenderScope('parse', file.path, { dataTest: true });
    templates.render(file, scope);
    problems.push(...scope.problems);
    const layers = configLayers(scope.configs, (path, message) =>
      problems.push(new ConfigFileError(file.path, `config(${path})`, message)),
    );
    const config = resolveTestConfig([...configsFor(project.file.testConfigs, fqn), ...layers]);
    if (config.blocking && config.severity !== 'error')
      problems.push(
        new ConfigFileError(
          file.path,
          'config(blocking)',
          `a blocking test audits rows before they are published, so its severity must be error, not ${config.severity}.`,
        ),
      );
    return {
      kind: 'data_test' as const,
      uniqueId: testId(project.file.name, name),
      name,
      fqn,
      filePath: file.path,
      description: '',
      tags: config.tags,
      relation: { database: schema.database, schema: `${schema.schema}_test_failures`, identifier: name },
      columns: [],
      args: {},
      config,
      rawSql: file.text,
      dependsOn: [],
      refs: [...new Set(scope.refs)],
      sources: scope.sources,
    };
  });
}

/** The config() calls of a test's template as config layers; each invalid key is reported with its path. */
function configLayers(
  written: ReadonlyArray<Record<string, unknown>>,
  report: (path: string, message: string) => void,
): Array<ReturnType<typeof testConfigSchema.parse>> {
  return written.flatMap((config) => {
    const parsed = testConfigSchema.safeParse(config, { error: plainIssue });
    if (parsed.success) return [parsed.data];
    for (const issue of parsed.error.issues) report(issue.path.join('.'), issue.message);
    return [];
  });
}
