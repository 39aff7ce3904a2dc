import type { AdapterCapabilities, Dialect } from '../adapters/adapter.js';
import type { RelationType } from '../core/statement.js';
import type { Relation } from '../core/nodes.js';
import { StediError } from '../errors.js';
import type { AuditQuery } from './plan-audit.js';
import type { PartitionField } from '../core/partition-field.js';

/** What the planner needs to know about one node to materialize it. */
export interface PlanInput {
  name: string;
  relation: Relation;
  materialized: 'table' | 'view';
  /** The SELECT the relation is built from (a model's compiled SQL, or a source's reader query). */
  selectSql: string;
  /** What the catalog holds under the relation's name now. */
  existing: RelationType | undefined;
  /** Every relation of the schema, by lowercase identifier: where leftovers of an interrupted swap are found. */
  catalog?: ReadonlyMap<string, RelationType>;
  dialect: Dialect;
  capabilities: AdapterCapabilities;
  /** Source of unique suffixes for temporary relations; injected so plans are stable in tests. */
  newId: () => string;
  /** SQL run after the relation is in place, before it is published. */
  postHooks?: readonly string[];
  /** Data tests the new rows must pass before they are published (write–audit–publish). */
  audits?: readonly AuditQuery[];
  /** The table's partition fields (`partitioned_by`), used where the engine partitions tables. */
  partitionedBy?: readonly PartitionField[];
  /** Declared column types of the model (schema yml data_type), by lowercase name. */
  columnTypes?: ReadonlyMap<string, string>;
  /** The model's file, for errors about its config. */
  filePath?: string;
}

/** The engine lacks an ability a plan needs. */
export class UnsupportedPlanError extends StediError {}
