import type { Dialect } from '../adapters/adapter.js';
import type { SourceNode } from '../core/nodes.js';
import { UnsupportedPlanError } from './plan-input.js';

/** The SELECT that reads an external source's landing files with its declared columns (reader-view engines). */
export function sourceSelectSql(node: SourceNode, dialect: Dialect): string {
  if (!node.external)
    throw new UnsupportedPlanError(
      `${node.filePath}: source ${node.sourceName}.${node.name} has no external location to read.`,
    );
  if (!dialect.readJson)
    throw new UnsupportedPlanError(`${node.name}: this engine has no reader for JSON landing files.`);
  return dialect.readJson(node.external.location, node.external.columns);
}
