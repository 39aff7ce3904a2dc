import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';
import { throwIfAny } from '../errors.js';
import { ConfigFileError } from './config-file-error.js';

/** Formats a zod issue path as the user sees the YAML: `models[2].columns[0].name`. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

function lineOf(doc: Document, counter: LineCounter, path: readonly PropertyKey[]): number | undefined {
  // Walk up the path until a node with a source range exists (a missing key has none; its parent does).
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Parses YAML text and validates it against a schema, reporting every problem at once with its line and key path.
 * `file` is the path shown to the user.
 */
export function parseYaml<T>(text: string, file: string, schema: z.ZodType<T>): T {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throwIfAny(
      doc.errors.map((e) => {
        const line = e.linePos?.[0]?.line;
        return new ConfigFileError(file, '', `invalid YAML: ${e.message.split('\n')[0]}`, line);
      }),
    );
  }
  const value: unknown = doc.toJS() ?? {};
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throwIfAny(
    result.error.issues.map((issue) => {
      const path = issue.path as PropertyKey[];
      return new ConfigFileError(file, formatKeyPath(path), issue.message, lineOf(doc, counter, path));
    }),
  );
  throw new Error('unreachable: a failed parse has issues');
}

/** Reads and validates a YAML file from disk (see parseYaml). */
export function readYamlFile<T>(absPath: string, file: string, schema: z.ZodType<T>): T {
  return parseYaml(readFileSync(absPath, 'utf8'), file, schema);
}
