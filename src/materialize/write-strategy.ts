import type { AdapterCapabilities } from '../adapters/adapter.js';
import type { Materialization } from '../core/model-config.js';
import type { RelationType } from '../core/statement.js';

/** What choosing a write needs to know of the node: a model and how it is materialized, a seed, or a landing source. */
export type WriteSubject = { kind: 'model'; materialized: Materialization } | { kind: 'seed' } | { kind: 'source' };

/** What the catalog says about the node's relation now, and how the invocation asks to write it. */
export interface CatalogFacts {
  /** What exists under the relation's name. */
  existing: RelationType | undefined;
  /** `--full-refresh`: tables are written anew, incremental ones too. */
  fullRefresh: boolean;
  /**
   * Whether the table has the columns (names, types, order) the model's query returns; read from the engine only when
   * `mayWriteDifference` says the choice depends on it, else undefined.
   */
  sameColumns?: boolean;
}

/** How a node's relation is written; each kind has its planner. */
export type WriteStrategy =
  /** Landing files are loaded line by line into a table, unreadable lines into a rejects table (plan-landing-load.ts). */
  | { kind: 'load-landing-files' }
  /** Landing files are declared as an external table that the engine reads on every query (plan-external-table.ts). */
  | { kind: 'declare-external-table' }
  /** An incremental model adds its new rows to its existing table (plan-incremental.ts). */
  | { kind: 'add-rows' }
  /** An existing table is brought to its model's rows by deleting and inserting only those that differ (plan-table-difference.ts). */
  | { kind: 'write-difference' }
  /** The relation is built whole and replaced, so readers never see it half-built (plan-node.ts). */
  | { kind: 'replace'; materialized: 'table' | 'view' };

/** How a model's relation is built when it is built whole: an incremental model's first build is a table. */
function wholeMaterialization(subject: WriteSubject): 'table' | 'view' {
  switch (subject.kind) {
    case 'model':
      return subject.materialized === 'view' ? 'view' : 'table';
    case 'seed':
      return 'table';
    case 'source':
      return 'view';
    default: {
      const never: never = subject;
      return never;
    }
  }
}

/**
 * Whether the table could be written as a difference, so that the choice depends on its columns: a model's table
 * that exists, outside --full-refresh, on an engine where that is cheaper and runs in one transaction.
 */
export function mayWriteDifference(
  subject: WriteSubject,
  facts: Pick<CatalogFacts, 'existing' | 'fullRefresh'>,
  capabilities: AdapterCapabilities,
): boolean {
  return (
    subject.kind === 'model' &&
    wholeMaterialization(subject) === 'table' &&
    subject.materialized !== 'incremental' &&
    facts.existing === 'table' &&
    !facts.fullRefresh &&
    capabilities.tableDifference === true &&
    capabilities.transactionalDdl
  );
}

/** Chooses how a node's relation is written, from the node, what the catalog holds and what the engine can do. */
export function chooseWriteStrategy(
  subject: WriteSubject,
  facts: CatalogFacts,
  capabilities: AdapterCapabilities,
): WriteStrategy {
  if (subject.kind === 'source') {
    return capabilities.externalSources === 'loaded-table'
      ? { kind: 'load-landing-files' }
      : { kind: 'declare-external-table' };
  }
  if (
    subject.kind === 'model' &&
    subject.materialized === 'incremental' &&
    facts.existing === 'table' &&
    !facts.fullRefresh
  )
    return { kind: 'add-rows' };
  // A changed column (name, type or order) cannot be written as a difference: the table is rebuilt.
  if (mayWriteDifference(subject, facts, capabilities) && facts.sameColumns === true)
    return { kind: 'write-difference' };
  return { kind: 'replace', materialized: wholeMaterialization(subject) };
}
