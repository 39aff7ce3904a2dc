import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { openAdapter } from '../adapters/engines.js';
import { targetDir, writeArtifact, writeCompiledSql, writeManifest } from '../compile/artifacts.js';
import { buildProjectGraph, compileModels, type ProjectGraph } from '../compile/compile-project.js';
import { isRunnable, type ModelNode, type Node, type SeedNode, type SourceNode } from '../core/nodes.js';
import { sourceSelectSql } from '../materialize/plan-source.js';
import { columnFacts } from '../lineage/column-facts.js';
import { identifierPatterns } from '../lineage/identifier-columns.js';
import { computeLineage } from '../lineage/project-lineage.js';
import { loadProject, type LoadProjectOptions } from '../project/load-project.js';
import { parseManifest, parseRunResults, type Catalog, type DocsInput, type ProjectExtras } from './docs-artifacts.js';
import { missingDatabaseFile, readCatalog, unavailableCatalog } from './read-catalog.js';
import { renderSite } from './render-site.js';
import { buildSiteData } from './site-data.js';

/** Options of `stedi-models docs generate`. */
export interface GenerateDocsOptions extends LoadProjectOptions {
  /** Do not connect to the engine: show declared column types only. */
  emptyCatalog?: boolean;
}

/** What `docs generate` wrote. */
export interface GenerateDocsOutcome {
  indexFile: string;
  relations: number;
  tests: number;
  catalog: Catalog;
  /** Notes the command prints: a missing run, an unreadable catalog. */
  notes: string[];
}

/** The nodes the site documents as relations; data tests (and unit tests) are listed by what they test. */
const documented = (n: Node): n is ModelNode | SourceNode | SeedNode =>
  n.kind === 'model' || n.kind === 'source' || n.kind === 'seed';

/** The first sentence of the `{#- ... -#}` comment that opens each generic test's file, by test name. */
function testDescriptions(context: ProjectGraph): Record<string, string> {
  const descriptions: Record<string, string> = {};
  for (const file of context.project.files.macroSql) {
    const comment = /^\s*\{#-?\s*([\s\S]*?)-?#\}/.exec(file.text)?.[1];
    const name = /\{%-?\s*test\s+(\w+)\s*\(/.exec(file.text)?.[1];
    const first = comment?.replace(/\s+/g, ' ').match(/^.*?[.!?](?=\s|$)/)?.[0];
    if (name && first) descriptions[name] = first;
  }
  return descriptions;
}

/** Tests and SQL the manifest does not carry, from the parsed project. */
export function projectExtras(context: ProjectGraph): ProjectExtras {
  const extras: ProjectExtras = { declaredTests: {}, sourceSql: {} };
  for (const node of [...context.graph.nodes.values()].filter(documented)) {
    const columns = Object.fromEntries(node.columns.filter((c) => c.tests.length > 0).map((c) => [c.name, c.tests]));
    if (node.declaredTests.length > 0 || Object.keys(columns).length > 0)
      extras.declaredTests[node.uniqueId] = { node: node.declaredTests, columns };
    if (node.kind === 'source' && node.external && context.engine.dialect.readJson)
      extras.sourceSql[node.uniqueId] = sourceSelectSql(node, context.engine.dialect);
  }
  extras.testDescriptions = testDescriptions(context);
  // The same list the lineage check and the no_identifiers test read (the seed identifier_columns).
  extras.identifierPatterns = identifierPatterns(context.graph)?.map(({ pattern, reason }) => ({ pattern, reason }));
  return extras;
}

async function catalogOf(context: ProjectGraph, emptyCatalog: boolean): Promise<Catalog> {
  if (emptyCatalog) return unavailableCatalog('--empty-catalog was given, so the engine was not asked');
  const { target, dir } = context.project;
  const missing = missingDatabaseFile(target, dir);
  if (missing)
    return unavailableCatalog(
      `there is no database at ${path.relative(dir, missing) || missing} yet; run \`stedi-models run\` to build it`,
    );
  try {
    const adapter = await openAdapter(target, dir);
    try {
      return await readCatalog(adapter, [...context.graph.nodes.values()].filter(documented));
    } finally {
      await adapter.close();
    }
  } catch (error) {
    // Docs are still worth having when the engine cannot be reached; the page says which types are declared.
    return unavailableCatalog(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

function readRunResults(file: string): Pick<DocsInput, 'runResults' | 'runResultsProblem'> {
  if (!existsSync(file)) return {};
  try {
    return { runResults: parseRunResults(JSON.parse(readFileSync(file, 'utf8'))) };
  } catch (error) {
    return {
      runResultsProblem: `target/run_results.json could not be read, so no statuses are shown: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Each node's latest result that ran (target/latest_results.json); without it or unreadable, none. */
function readLatestResults(file: string): DocsInput['latestResults'] {
  if (!existsSync(file)) return undefined;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { results?: DocsInput['latestResults'] }).results;
  } catch {
    return undefined;
  }
}

/** Compiles the project, reads the engine's catalog and the last run, and writes target/docs/index.html. */
export async function generateDocs(options: GenerateDocsOptions): Promise<GenerateDocsOutcome> {
  const context = buildProjectGraph(loadProject(options));
  const models = [...context.graph.nodes.values()]
    .filter((n) => n.kind === 'model' && isRunnable(n))
    .map((n) => n.uniqueId);
  const compiled = compileModels(context, models);
  const lineage = await computeLineage(context, models, compiled);
  writeCompiledSql(context, compiled);
  writeManifest(context, compiled, 'docs generate', lineage.models);
  const target = targetDir(context);
  const manifest = parseManifest(JSON.parse(readFileSync(path.join(target, 'manifest.json'), 'utf8')));
  const catalog = await catalogOf(context, options.emptyCatalog ?? false);
  writeArtifact(context, path.join(target, 'catalog.json'), `${JSON.stringify(catalog, null, 2)}\n`);
  const site = buildSiteData({
    manifest,
    catalog,
    ...readRunResults(path.join(target, 'run_results.json')),
    latestResults: readLatestResults(path.join(target, 'latest_results.json')),
    extras: { ...projectExtras(context), columnFacts: columnFacts(lineage, identifierPatterns(context.graph) ?? []) },
  });
  const indexFile = path.join(target, 'docs', 'index.html');
  writeArtifact(context, indexFile, renderSite(site));
  const notes = [site.catalogNote, site.runResultsNote].filter((n): n is string => n !== null);
  return { indexFile, relations: site.nodes.length, tests: site.tests.length, catalog, notes };
}
