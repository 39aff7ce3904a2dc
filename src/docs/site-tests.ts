import { stringify } from 'yaml';
import type { DocsInput, ManifestNode } from './docs-artifacts.js';

/** One data test as the tests page lists it. */
export interface SiteTest {
  /** The data test's unique id, or null for a declaration this version of the tool did not build into a test. */
  id: string | null;
  name: string;
  /** The declaration as written in yml (`accepted_values: { values: [ a, b ] }`), or the singular test's file. */
  definition: string;
  /** What it checks in a sentence (`No row has a null email.`), or null when the test says nothing of itself. */
  sentence: string | null;
  /** The node it tests (unique id), when it is declared on one. */
  on: string | null;
  column: string | null;
  /** The relations the test's SQL reads (for singular tests, which are declared on no node). */
  reads: string[];
  /** The last run's status (`pass`, `fail`, `warn`, `error`, `skipped`), or null when it has not run. */
  status: string | null;
  failures: number | null;
  message: string | null;
}

/** One unit test as the tests page and its model's page list it. */
export interface SiteUnitTest {
  id: string;
  name: string;
  /** The model under test (unique id). */
  model: string;
  description: string;
  /** The yml file that declares it. */
  filePath: string;
  /** The last run's status (`pass`, `fail`, `error`, `skipped`), or null when it has not run. */
  status: string | null;
  /** Rows missing from or extra to the expected rows in the last run. */
  failures: number | null;
  message: string | null;
}

const QUOTED = String.raw`\s*['"]([^'"]*)['"]\s*`;
// `{{ ref('x') }}`, `{{ ref('pkg', 'x') }}`, `{{ source('landing', 'x') }}`: the relation's name is what a reader knows.
const RELATION_CALL = new RegExp(String.raw`\{\{-?\s*(?:ref|source)\(${QUOTED}(?:,${QUOTED})?\)\s*-?\}\}`, 'g');
// A whole argument written as a bare call (`to: ref('x')`, dbt's older form) reads the same way.
const BARE_RELATION_CALL = new RegExp(String.raw`^\s*(?:ref|source)\(${QUOTED}(?:,${QUOTED})?\)\s*$`);

/** A declaration's argument with every ref()/source() call replaced by the name of the relation it names. */
export function withRelationNames(value: unknown): unknown {
  const name = (_call: string, first: string, second: string | undefined) => second ?? first;
  if (typeof value === 'string') return value.replace(BARE_RELATION_CALL, name).replace(RELATION_CALL, name);
  if (Array.isArray(value)) return value.map(withRelationNames);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withRelationNames(v)]));
  return value;
}

/**
 * One test declaration as written in yml: `not_null`, or `name: { args }` in YAML flow style, with relations by
 * name (`to: customer_trusted`) rather than as the template that resolves them.
 */
export function describeDeclaredTest(declared: unknown): string {
  const item = withRelationNames(declared);
  if (typeof item === 'string') return item;
  if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
    const entries = Object.entries(item);
    if (entries.length === 1) {
      const [name, args] = entries[0]!;
      return args === null || args === undefined ? name : `${name}: ${flow(args)}`;
    }
  }
  return flow(item);
}

function flow(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', lineWidth: 0 }).trim();
}

function testNameOf(item: unknown): string {
  if (typeof item === 'string') return item;
  return item !== null && typeof item === 'object' ? (Object.keys(item)[0] ?? '') : '';
}

const matchKey = (on: string | null, column: string | null, testName: string) =>
  `${on ?? ''}|${column ?? ''}|${testName}`;

const listed = (value: unknown) => (Array.isArray(value) ? value.map(String).join(', ') : String(value));
const relationName = (value: unknown) => /['"]([^'"]+)['"]\s*\)/.exec(String(value))?.[1] ?? String(value);

/** The built-in tests in words, with the column and arguments they were declared with. */
const BUILTIN_SENTENCES: Record<string, (column: string, args: Record<string, unknown>) => string> = {
  not_null: (column) => `No row has a null ${column}.`,
  unique: (column) => `No two rows have the same ${column}.`,
  accepted_values: (column, args) => `Every ${column} is one of: ${listed(args.values)}.`,
  relationships: (column, args) =>
    `Every ${column} is found in ${relationName(args.to)} (column ${String(args.field)}).`,
  unique_combination_of_columns: (_column, args) =>
    `No two rows have the same ${listed(args.combination_of_columns).replaceAll(', ', ' + ')}.`,
};

/**
 * What a test checks in a sentence: a built-in one in words, a project's generic test by the first sentence of the
 * comment that opens its file (where the project says what the test promises), with the arguments it was given.
 */
function sentenceOf(
  testName: string,
  args: Record<string, unknown>,
  column: string | null,
  input: DocsInput,
): string | null {
  const builtin = BUILTIN_SENTENCES[testName];
  if (builtin) return builtin(column ?? 'row', args);
  const said = input.extras.testDescriptions?.[testName];
  if (!said) return null;
  const given = Object.entries(args).map(([k, v]) => `${k}: ${listed(v)}`);
  return `${said}${column ? ` (column ${column}${given.length ? `; ${given.join(', ')}` : ''})` : given.length ? ` (${given.join(', ')})` : ''}`;
}

/** A node's result in the last invocation, else in the latest one that ran it (a `run` after a `build` runs no test). */
function lastResult(input: DocsInput, id: string) {
  return (
    input.runResults?.results.find((r) => r.unique_id === id && r.skip_cause !== 'upstream') ??
    input.latestResults?.[id]
  );
}

function builtTest(node: ManifestNode, input: DocsInput): SiteTest {
  const result = lastResult(input, node.unique_id);
  const args = node.test_args ?? {};
  return {
    id: node.unique_id,
    name: node.name,
    definition: node.test_name
      ? describeDeclaredTest({ [node.test_name]: Object.keys(args).length > 0 ? args : null })
      : `singular test ${node.original_file_path}`,
    sentence: node.test_name ? sentenceOf(node.test_name, args, node.column_name ?? null, input) : null,
    on: node.attached_node ?? null,
    column: node.column_name ?? null,
    reads: input.manifest.parent_map[node.unique_id] ?? [],
    status: result?.status ?? null,
    failures: result?.failures ?? null,
    message: result?.message ?? null,
  };
}

/**
 * Every data test of the project with its last status: the built tests of the manifest, then any declaration in
 * yml that no built test answers for (listed as not run, so a declared promise is never silently missing).
 */
export function siteTests(input: DocsInput): SiteTest[] {
  const built = Object.values(input.manifest.nodes).filter((n) => n.resource_type === 'data_test');
  const unanswered = new Map<string, number>();
  for (const node of built) {
    if (!node.test_name) continue;
    const key = matchKey(node.attached_node ?? null, node.column_name ?? null, node.test_name);
    unanswered.set(key, (unanswered.get(key) ?? 0) + 1);
  }
  const tests = built.map((n) => builtTest(n, input));
  const declare = (on: string, column: string | null, item: unknown) => {
    const key = matchKey(on, column, testNameOf(item));
    const left = unanswered.get(key) ?? 0;
    if (left > 0) return unanswered.set(key, left - 1);
    const name = `${testNameOf(item)}_${input.manifest.nodes[on]?.name ?? on}${column ? `_${column}` : ''}`;
    tests.push({
      id: null,
      name,
      definition: describeDeclaredTest(item),
      sentence: null,
      on,
      column,
      reads: [on],
      status: null,
      failures: null,
      message: null,
    });
  };
  for (const [on, declared] of Object.entries(input.extras.declaredTests)) {
    for (const item of declared.node) declare(on, null, item);
    for (const [column, items] of Object.entries(declared.columns)) for (const item of items) declare(on, column, item);
  }
  return tests.sort((a, b) => a.name.localeCompare(b.name));
}

/** Every unit test of the project with its last status, by name. */
export function siteUnitTests(input: DocsInput): SiteUnitTest[] {
  return Object.values(input.manifest.nodes)
    .filter((n) => n.resource_type === 'unit_test' && n.attached_node)
    .map((n) => {
      const result = lastResult(input, n.unique_id);
      return {
        id: n.unique_id,
        name: n.name,
        model: n.attached_node!,
        description: n.description.trim(),
        filePath: n.original_file_path,
        status: result?.status ?? null,
        failures: result?.failures ?? null,
        message: result?.message ?? null,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * The data tests that read a node: declared on it or on one of its columns, or reading it in their SQL (a singular
 * test over several models, a relationships test pointing at it). A reader of the node's page sees them all.
 */
export function testsReading(tests: readonly SiteTest[], nodeId: string): SiteTest[] {
  return tests.filter((t) => t.on === nodeId || t.reads.includes(nodeId));
}
