import { createHash } from 'node:crypto';
import type { ProjectError } from '../errors.js';
import { testId, type DataTestNode } from '../core/nodes.js';
import { TEST_CONFIG_KEYS } from '../project/test-config-schema.js';
import { TestDeclarationError } from './test-declaration-error.js';

/** A generic test's declaration split into its arguments, its config and the name it was given, if any. */
export interface SplitDeclaration {
  args: Record<string, unknown>;
  configInput: Record<string, unknown>;
  customName: unknown;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads both of dbt's forms: the classic one, where arguments and config keys sit side by side, and dbt 1.10's, where
 * the arguments are under `arguments:` and only config keys may sit beside it. Returns what is wrong as a sentence.
 */
export function splitDeclaration(written: Record<string, unknown>): SplitDeclaration | string {
  const { config: nested, name: customName, arguments: given, ...rest } = written;
  if (nested !== undefined && !isMapping(nested)) return 'config: must be a mapping, e.g. config: { severity: warn }.';
  const configOf = (entries: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(entries).filter(([k]) => TEST_CONFIG_KEYS.has(k)));
  if (given === undefined) {
    const args = Object.fromEntries(Object.entries(rest).filter(([k]) => !TEST_CONFIG_KEYS.has(k)));
    return { args, configInput: { ...configOf(rest), ...nested }, customName };
  }
  if (!isMapping(given))
    return 'arguments: must be a mapping of the test\'s arguments, e.g. arguments: { values: ["a", "b"] }.';
  const stray = Object.keys(rest).filter((k) => !TEST_CONFIG_KEYS.has(k));
  if (stray.length > 0)
    return `${stray.map((k) => `'${k}'`).join(', ')} beside arguments: is not a config key; move it under arguments:.`;
  return { args: given, configInput: { ...configOf(rest), ...nested }, customName };
}

/** How Python's str() writes a scalar, as dbt's names are made from it. */
function pythonText(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  return String(value);
}

/**
 * dbt's name for a generic test: `<test>_<model>_<arguments>`, the arguments' values (column_name among them) in the
 * order of their sorted names, joined by `__`, each with runs of other characters than letters, digits and _ made
 * `_`; from 64 characters on, the first 30 characters of `<test>_<model>`, `_` and the MD5 of the full name.
 */
export function dbtTestName(testName: string, target: string, args: Record<string, unknown>): string {
  const values = Object.keys(args)
    .filter((k) => k !== 'model')
    .sort()
    .flatMap((k) => {
      const value = args[k];
      return isMapping(value) ? Object.values(value) : Array.isArray(value) ? value : [value];
    })
    .map((v) => pythonText(v).replace(/[^0-9a-zA-Z_]+/g, '_'));
  const identifier = `${testName}_${target}`;
  const full = `${identifier}_${values.join('__')}`;
  if (full.length < 64) return full;
  return `${identifier.slice(0, 30)}_${createHash('md5').update(full).digest('hex')}`;
}

/**
 * Names are `<test>_<model>_<column>` as before; tests that would share one, or whose name would be 64 characters or
 * more, take dbt's name (with their arguments, hashed when long). Two tests that are still one name are declared twice.
 */
export function nameCollidingTests(
  project: string,
  tests: DataTestNode[],
  declared: ReadonlyArray<{ long?: string; file: string; keyPath: string }>,
  problems: ProjectError[],
): DataTestNode[] {
  const count = new Map<string, number>();
  for (const test of tests) count.set(test.name, (count.get(test.name) ?? 0) + 1);
  const seen = new Map<string, string>();
  return tests.flatMap((test, i) => {
    const { long, file, keyPath } = declared[i]!;
    const name = long && (count.get(test.name)! > 1 || test.name.length >= 64) ? long : test.name;
    const first = seen.get(name);
    if (first !== undefined) {
      problems.push(
        new TestDeclarationError(
          file,
          keyPath,
          `declares the test '${name}' a second time (first at ${first}); remove one, or give one another name: (e.g. { name: ${name}_again, ... }).`,
        ),
      );
      return [];
    }
    seen.set(name, `${file} ${keyPath}`);
    if (name === test.name) return [test];
    return [
      {
        ...test,
        name,
        // Its package's, as the short name's id was (a package's tests are the package's).
        uniqueId: testId(test.uniqueId.split('.')[1] ?? project, name),
        fqn: test.fqn && [...test.fqn.slice(0, -1), name],
        relation: { ...test.relation, identifier: name },
      },
    ];
  });
}
