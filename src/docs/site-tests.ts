import { stringify } from 'yaml';
import type { DocsInput, ManifestNode } from './docs-artifacts.js';

/** One data test as the tests page lists it. */
export interface SiteTest {
  /** The data test's unique id, or null for a declaration this version of the tool did not build into a test. */
  id: string | null;
  name: string;
  /** The declaration as written in yml (`accepted_values: { values: [ a, b ] }`), or the singular test's file. */
  definition: string;
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

/** One test declaration as written in yml: `not_null`, or `name: { args }` in YAML flow style. */
export function describeDeclaredTest(item: unknown): string {
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

const matchKey = (on: string | null, column: string | null, testName: string) => `${on ?? ''}|${column ?? ''}|${testName}`;

function builtTest(node: ManifestNode, input: DocsInput): SiteTest {
  const result = input.runResults?.results.find((r) => r.unique_id === node.unique_id);
  const args = node.test_args ?? {};
  return {
    id: node.unique_id,
    name: node.name,
    definition: node.test_name ? describeDeclaredTest({ [node.test_name]: Object.keys(args).length > 0 ? args : null }) : `singular test ${node.original_file_path}`,
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
    tests.push({ id: null, name, definition: describeDeclaredTest(item), on, column, reads: [on], status: null, failures: null, message: null });
  };
  for (const [on, declared] of Object.entries(input.extras.declaredTests)) {
    for (const item of declared.node) declare(on, null, item);
    for (const [column, items] of Object.entries(declared.columns)) for (const item of items) declare(on, column, item);
  }
  return tests.sort((a, b) => a.name.localeCompare(b.name));
}
