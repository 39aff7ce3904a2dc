import type { Dialect } from '../adapters/adapter.js';
import type { Relation } from '../graph/nodes.js';

/** A relation as templates see it: prints as the engine's quoted name, and exposes its parts (`this.identifier`). */
export class RelationValue {
  readonly database?: string;
  readonly schema: string;
  readonly identifier: string;

  constructor(
    relation: Relation,
    private readonly dialect: Dialect,
  ) {
    this.database = relation.database;
    this.schema = relation.schema;
    this.identifier = relation.identifier;
  }

  /** dbt's alias of identifier. */
  get name(): string {
    return this.identifier;
  }

  toString(): string {
    return this.dialect.relation(this);
  }
}
