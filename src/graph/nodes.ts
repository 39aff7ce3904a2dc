import type { ModelConfig } from '../project/model-config.js';
import type { ColumnType } from '../project/schema-file.js';

/** Where a relation lives on the engine. */
export interface Relation {
  /** The catalog, where the engine needs it to tell a schema from a database of the same name (DuckDB). */
  database?: string;
  schema: string;
  identifier: string;
}

/** A column as documented in a schema yml (and, for sources, as declared). */
export interface ColumnInfo {
  name: string;
  description: string;
  dataType?: string;
  /** For JSON sources: the key in the file (camelCase) the column reads. */
  jsonKey?: string;
  tests: unknown[];
}

interface BaseNode {
  /** Unique id for maps and dependencies, e.g. `model.stedi.customer_trusted`. */
  uniqueId: string;
  /** Name people use in selectors, refs and output. */
  name: string;
  /** Path of the defining file relative to the project. */
  filePath: string;
  description: string;
  tags: string[];
  relation: Relation;
  columns: ColumnInfo[];
}

/** A SQL model file. */
export interface ModelNode extends BaseNode {
  kind: 'model';
  rawSql: string;
  config: ModelConfig;
  /** Unique ids of the nodes this model reads (refs and sources). */
  dependsOn: string[];
  refs: string[];
  sources: Array<[string, string]>;
  varsUsed: string[];
  macrosUsed: string[];
  /** Schema-yml file that documents this model, if any. */
  patchPath?: string;
  /** Data tests declared on the model and its columns, as written; built by the data-test stage. */
  declaredTests: unknown[];
}

/** A source table; with an external location it is created over landing files (JSON). */
export interface SourceNode extends BaseNode {
  kind: 'source';
  sourceName: string;
  external?: {
    location: string;
    format: 'json';
    columns: Array<{ name: string; type: ColumnType; jsonKey: string }>;
  };
  declaredTests: unknown[];
}

/** Every kind of node in the graph. */
export type Node = ModelNode | SourceNode;

/** Nodes that the `run` command materializes: models, and sources with an external location. */
export function isRunnable(node: Node): boolean {
  switch (node.kind) {
    case 'model':
      return node.config.enabled;
    case 'source':
      return node.external !== undefined;
    default: {
      const never: never = node;
      return never;
    }
  }
}

/** The id of a model, from the project name and model name. */
export function modelId(project: string, name: string): string {
  return `model.${project}.${name}`;
}

/** The id of a source table. */
export function sourceId(project: string, sourceName: string, table: string): string {
  return `source.${project}.${sourceName}.${table}`;
}
