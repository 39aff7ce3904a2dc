import type { DocsInput, ManifestNode } from './docs-artifacts.js';
import { siteTests, siteUnitTests, testsReading, type SiteTest, type SiteUnitTest } from './site-tests.js';
import { likeMatcher } from '../lineage/identifier-columns.js';

/** The kinds of node the site documents (data tests are listed on their own page, not as relations). */
export type DocumentedKind = 'model' | 'source' | 'seed';

/** A test as a relation's page lists it: the declaration as written and how it ended last time. */
export interface TestOnNode {
  definition: string;
  status: string | null;
}

/** The tests declared on a node (column null) or on one of its columns. */
type TestsOn = (nodeId: string, column: string | null) => TestOnNode[];

/** A column of a documented relation. */
export interface SiteColumn {
  name: string;
  /** The engine's type when the catalog has the relation, else the declared type, else null. */
  type: string | null;
  description: string;
  /** Tests on this column, as written in yml, with their last status. */
  tests: TestOnNode[];
  /** Declared in yml but absent from the built relation (a stale description or a renamed column). */
  missingFromRelation: boolean;
  /** Where it comes from and whether it carries an identifier; null when its lineage was not traced. */
  lineage?: SiteColumnLineage | null;
}

/** A column's lineage as its row shows it: parent columns (links), identifier path, nodes and edges to light up. */
export interface SiteColumnLineage {
  upstream: Array<{ id: string; name: string; column: string; pseudonymised: boolean }>;
  identifier: string | null;
  pathNodes: string[];
  pathEdges: string[];
}

/** Adds each column's lineage facts (computed by docs generate) to the columns of a node. */
function withLineage(columns: SiteColumn[], nodeId: string, input: DocsInput): SiteColumn[] {
  const facts = input.extras.columnFacts?.[nodeId];
  return columns.map((c) => {
    const f = facts?.[c.name.toLowerCase()];
    const upstream = (f?.upstream ?? []).map((u) => ({
      id: u.node,
      name: input.manifest.nodes[u.node]?.name ?? u.node,
      column: u.column,
      pseudonymised: u.pseudonymised,
    }));
    return { ...c, lineage: f ? { ...f, upstream } : null };
  });
}

/** What the last run did to a node. */
export interface SiteRunStatus {
  status: string;
  rows: number | null;
  completedAt: string | null;
  message: string | null;
}

/** One model, source or seed with everything its page shows. */
export interface SiteNode {
  id: string;
  name: string;
  kind: DocumentedKind;
  zone: string;
  /** How it exists on the engine: `table`, `view`, `landing files` (a source over landing JSON), `seed`. */
  materialization: string;
  description: string;
  relation: string;
  filePath: string;
  tags: string[];
  privacy: string[];
  columns: SiteColumn[];
  /** `catalog`: column names and types come from the engine; `declared`: from yml only, with the reason. */
  columnsFrom: 'catalog' | 'declared';
  columnsNote: string | null;
  rawSql: string | null;
  compiledSql: string | null;
  /** For sources: where the landing files are read from. */
  location: string | null;
  parents: string[];
  children: string[];
  /** Rows in the relation when the docs were generated (null where the engine was not asked: Athena, no catalog). */
  rows: number | null;
  lastRun: SiteRunStatus | null;
  /** Tests declared on the node itself (not on a column), as written, with their last status. */
  tests: TestOnNode[];
  /** Every data test that reads the node: declared on it or a column, or reading it in its SQL (singular tests). */
  testsReadingIt: SiteTest[];
  /** The unit tests of a model. */
  unitTests: SiteUnitTest[];
  /** Columns named like a direct identifier (name, email, phone), with why each identifies a person. */
  identifiers: Array<{ column: string; reason: string }>;
  /** The vars the model's SQL reads, with the values the documented build used (`consent_cutoff: any`). */
  vars: Array<{ name: string; value: string }>;
}

/** Everything the documentation site shows, as plain data. */
export interface SiteData {
  project: string;
  target: string;
  generatedAt: string;
  /** When run_results.json was written, or null without a run. */
  lastRunAt: string | null;
  /** A sentence about the engine catalog shown on the overview (null when it was read). */
  catalogNote: string | null;
  runResultsNote: string | null;
  nodes: SiteNode[];
  edges: Array<{ from: string; to: string }>;
  tests: SiteTest[];
  unitTests: SiteUnitTest[];
}

function documentedKind(node: ManifestNode): DocumentedKind | null {
  return node.resource_type === 'model' || node.resource_type === 'source' || node.resource_type === 'seed'
    ? node.resource_type
    : null;
}

/** The lane of a node: its configured zone; sources land raw data, seeds are reference data the project ships. */
function zoneOf(node: ManifestNode, kind: DocumentedKind): string {
  if (node.config?.zone) return node.config.zone;
  return kind === 'source' ? 'landing' : kind === 'seed' ? 'seeds' : 'models';
}

function materializationOf(node: ManifestNode, kind: DocumentedKind): string {
  // Landing sources are loaded tables on DuckDB and external tables on Athena: name what they hold, not how.
  if (kind === 'source') return node.external ? 'landing files' : 'source';
  if (kind === 'seed') return 'seed';
  return node.config?.materialized ?? 'view';
}

function columnsOf(
  node: ManifestNode,
  input: DocsInput,
  testsOn: TestsOn,
): Pick<SiteNode, 'columns' | 'columnsFrom' | 'columnsNote'> {
  const declared = Object.values(node.columns);
  const testsOf = (name: string) => testsOn(node.unique_id, name);
  const declaredType = (c: (typeof declared)[number]) => c.data_type ?? node.column_types?.[c.name] ?? null;
  const fromYml = (c: (typeof declared)[number]): SiteColumn => ({
    name: c.name,
    type: declaredType(c),
    description: c.description.trim(),
    tests: testsOf(c.name),
    missingFromRelation: false,
  });
  const table = input.catalog.nodes[node.unique_id];
  if (!table) {
    const reason =
      input.catalog.status === 'unavailable'
        ? `the engine's catalog could not be read (${input.catalog.message ?? 'no reason given'})`
        : 'the relation does not exist on the engine yet (run `stedi-models run` to build it)';
    return {
      columns: declared.map(fromYml),
      columnsFrom: 'declared',
      columnsNote: `Column types are as declared in yml: ${reason}.`,
    };
  }
  const byName = new Map(declared.map((c) => [c.name.toLowerCase(), c]));
  const built = new Set(table.columns.map((c) => c.name.toLowerCase()));
  const columns: SiteColumn[] = table.columns.map((c) => {
    const doc = byName.get(c.name.toLowerCase());
    return {
      name: c.name,
      type: c.type,
      description: doc?.description.trim() ?? '',
      tests: testsOf(doc?.name ?? c.name),
      missingFromRelation: false,
    };
  });
  // Documented columns the relation lacks stay visible, marked, so a stale yml is noticed rather than hidden.
  for (const c of declared)
    if (!built.has(c.name.toLowerCase())) columns.push({ ...fromYml(c), missingFromRelation: true });
  return { columns, columnsFrom: 'catalog', columnsNote: null };
}

/** The columns of a node whose names match an identifier pattern (SQL LIKE, case-insensitive), as the audit does. */
function identifierColumns(
  columns: readonly SiteColumn[],
  patterns: ReadonlyArray<{ pattern: string; reason: string }>,
): SiteNode['identifiers'] {
  const like = patterns.map(({ pattern, reason }) => ({ matches: likeMatcher(pattern), reason }));
  return columns.flatMap(({ name }) => {
    const match = like.find((p) => p.matches(name));
    return match ? [{ column: name, reason: match.reason }] : [];
  });
}

/** What a node's page needs to know about the project's tests. */
interface ProjectTests {
  testsOn: TestsOn;
  tests: readonly SiteTest[];
  unitTests: readonly SiteUnitTest[];
}

function siteNode(
  node: ManifestNode,
  kind: DocumentedKind,
  input: DocsInput,
  documented: ReadonlySet<string>,
  { testsOn, tests, unitTests }: ProjectTests,
): SiteNode {
  const { manifest, runResults, extras } = input;
  const result = runResults?.results.find((r) => r.unique_id === node.unique_id);
  const columns = columnsOf(node, input, testsOn);
  const onlyDocumented = (ids: readonly string[] | undefined) => (ids ?? []).filter((id) => documented.has(id));
  return {
    id: node.unique_id,
    name: node.name,
    kind,
    zone: zoneOf(node, kind),
    materialization: materializationOf(node, kind),
    description: node.description.trim(),
    relation: node.relation_name,
    filePath: node.original_file_path,
    tags: node.tags,
    privacy: node.config?.privacy ?? [],
    ...columns,
    columns: withLineage(columns.columns, node.unique_id, input),
    rawSql: node.raw_code ?? null,
    compiledSql: node.compiled_code ?? extras.sourceSql[node.unique_id] ?? null,
    location: node.external?.location ?? null,
    parents: onlyDocumented(manifest.parent_map[node.unique_id]),
    children: onlyDocumented(manifest.child_map[node.unique_id]),
    rows: input.catalog.nodes[node.unique_id]?.rows ?? null,
    lastRun: result
      ? {
          status: result.status,
          rows: result.rows ?? null,
          completedAt: result.completed_at ?? null,
          message: result.message ?? null,
        }
      : null,
    tests: testsOn(node.unique_id, null),
    testsReadingIt: testsReading(tests, node.unique_id),
    unitTests: unitTests.filter((u) => u.model === node.unique_id),
    identifiers: identifierColumns(columns.columns, extras.identifierPatterns ?? []),
    // A manifest written before vars were recorded has none: the page then says nothing rather than guess.
    vars: manifest.metadata.vars
      ? (node.vars_used ?? []).map((name) => ({ name, value: JSON.stringify(manifest.metadata.vars![name] ?? null) }))
      : [],
  };
}

/** Builds the site's data from the manifest, the engine catalog and the last run's results. */
export function buildSiteData(input: DocsInput): SiteData {
  const { manifest, runResults, catalog } = input;
  const kinds = new Map<string, DocumentedKind>();
  for (const node of Object.values(manifest.nodes)) {
    const kind = documentedKind(node);
    if (kind) kinds.set(node.unique_id, kind);
  }
  const documented = new Set(kinds.keys());
  const tests = siteTests(input);
  const testsOn: TestsOn = (nodeId, column) =>
    tests
      .filter(
        (t) =>
          t.on === nodeId && (column === null ? t.column === null : t.column?.toLowerCase() === column.toLowerCase()),
      )
      .map((t) => ({ definition: t.definition, status: t.status }));
  const unitTests = siteUnitTests(input);
  const nodes = [...kinds].map(([id, kind]) =>
    siteNode(manifest.nodes[id]!, kind, input, documented, { testsOn, tests, unitTests }),
  );
  return {
    project: manifest.metadata.project_name,
    target: `${manifest.metadata.target.name} (${manifest.metadata.target.type})`,
    generatedAt: manifest.metadata.generated_at,
    lastRunAt: runResults?.metadata.generated_at ?? null,
    catalogNote:
      catalog.status === 'read'
        ? null
        : `The engine's catalog could not be read, so column types are as declared: ${catalog.message ?? 'no reason given'}.`,
    runResultsNote:
      input.runResultsProblem ??
      (runResults ? null : 'No run yet: row counts and statuses appear after `stedi-models run`.'),
    nodes,
    edges: nodes.flatMap((n) => n.parents.map((p) => ({ from: p, to: n.id }))),
    tests,
    unitTests,
  };
}
