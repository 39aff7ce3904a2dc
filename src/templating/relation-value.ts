import type { Dialect } from '../adapters/adapter.js';
import type { Relation } from '../core/nodes.js';
import { AUDITED_RELATION } from './audited-relation.js';

/** A relation as templates see it: prints as the engine's quoted name, and exposes its parts (`this.identifier`). */
export class RelationValue {
  readonly database?: string;
  readonly schema: string;
  readonly identifier: string;

  constructor(
    relation: Relation,
    private readonly dialect: Dialect,
    /** What it prints as instead of the quoted name (a stand-in the planner replaces). */
    private readonly printed?: string,
  ) {
    this.database = relation.database;
    this.schema = relation.schema;
    this.identifier = relation.identifier;
  }

  /**
   * The audited model inside a test compiled to audit it: prints as the stand-in the planner replaces with where the
   * new rows are, and keeps its parts, so a test's logic on `model.identifier` is the same as when it reads the table.
   */
  static audited(relation: Relation, dialect: Dialect): RelationValue {
    return new RelationValue(relation, dialect, AUDITED_RELATION);
  }

  /** dbt's alias of identifier. */
  get name(): string {
    return this.identifier;
  }

  toString(): string {
    return this.printed ?? this.dialect.relation(this);
  }
}

/**
 * A relation narrowed by a test's `where:`: prints as a subquery, and keeps the relation's parts so that tests
 * reading `model.schema` or `model.identifier` still see the tested relation.
 */
export class FilteredRelation extends RelationValue {
  constructor(
    relation: RelationValue,
    dialect: Dialect,
    private readonly condition: string,
  ) {
    super(relation, dialect, relation.toString());
  }

  override toString(): string {
    return `(select * from ${super.toString()} where ${this.condition})`;
  }
}
