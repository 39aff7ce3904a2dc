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

/**
 * A relation narrowed by a test's `where:`: prints as a subquery, and keeps the relation's parts so that tests
 * reading `model.schema` or `model.identifier` still see the tested relation.
 */
export class FilteredRelation extends RelationValue {
  constructor(
    relation: Relation,
    dialect: Dialect,
    private readonly condition: string,
  ) {
    super(relation, dialect);
  }

  override toString(): string {
    return `(select * from ${super.toString()} where ${this.condition})`;
  }
}
