import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document, type YAMLError } from 'yaml';
import type { z } from 'zod';
import { throwIfAny } from '../errors.js';
import { ConfigFileError } from './config-file-error.js';
import { plainIssue } from './plain-issue.js';

/** Formats a zod issue path as the user sees the YAML: `models[2].columns[0].name`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

function positionOf(
  doc: Document,
  counter: LineCounter,
  path: readonly PropertyKey[],
): { line?: number; col?: number } {
  // Walk up the path until a node with a source range exists (a missing key has none; its parent does).
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]);
  }
  return {};
}

/** What the yaml library's commonest error codes mean, said to someone who wrote the file rather than parsed it. */
const YAML_PROBLEMS: Partial<Record<YAMLError['code'], string>> = {
  DUPLICATE_KEY: 'this key appears twice in the same mapping',
  TAB_AS_INDENT: 'a tab indents this line; YAML indents with spaces',
  BAD_INDENT: 'this line is indented differently from the lines beside it',
  MULTILINE_IMPLICIT_KEY:
    'a bracket or quote opened here is not closed on this line, so the lines after it cannot be read',
  BLOCK_IN_FLOW: 'a bracket opened here is not closed',
};

/** The problem in words, else the yaml library's first sentence without its own position (the error names it once). */
function yamlProblem(error: YAMLError): string {
  return (
    YAML_PROBLEMS[error.code] ??
    error.message
      .split('\n')[0]!
      .replace(/ at line \d+, column \d+:?$/, '')
      .replace(/\.$/, '')
  );
}

/**
 * Parses YAML text and validates it against a schema, reporting every problem at once with its line and key path.
 * `file` is the path shown to the user.
 */
export function parseYaml<T>(text: string, file: string, schema: z.ZodType<T>): T {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    // Only the first syntax error is the user's: the parser's later ones follow from it (one stray '[' gave 47).
    const at = counter.linePos(first.pos[0]);
    const source = text.split('\n')[at.line - 1] ?? '';
    throw new ConfigFileError(
      file,
      '',
      `this YAML cannot be read: ${yamlProblem(first)}. Check the brackets, quotes, colons and indentation on this line or the one before:\n  ${at.line} | ${source}\n  ${' '.repeat(String(at.line).length)} | ${' '.repeat(Math.max(0, at.col - 1))}^`,
      at.line,
      at.col,
    );
  }
  const value: unknown = doc.toJS() ?? {};
  const result = schema.safeParse(value, { error: plainIssue });
  if (result.success) return result.data;
  throwIfAny(
    result.error.issues.map((issue) => {
      const path = issue.path as PropertyKey[];
      const { line, col } = positionOf(doc, counter, path);
      return new ConfigFileError(file, formatKeyPath(path), issue.message, line, col);
    }),
  );
  throw new Error('unreachable: a failed parse has issues');
}

/**
 * Where a key path is in YAML text (`models.trusted.+materialized`), for problems found after validation, such as a
 * folder config checked per folder; empty when the text does not hold it.
 */
export function positionIn(text: string, path: readonly PropertyKey[]): { line?: number; col?: number } {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter });
  return positionOf(doc, counter, path);
}

/** Reads and validates a YAML file from disk (see parseYaml). */
export function readYamlFile<T>(absPath: string, file: string, schema: z.ZodType<T>): T {
  return parseYaml(readFileSync(absPath, 'utf8'), file, schema);
}
