import type { Dialect } from '../adapters/adapter.js';
import type { ModelNode, Node, Relation } from '../core/nodes.js';
import { RelationValue } from '../templating/relation-value.js';

/** Where a ref() of a node points while compiling: its relation, or a value that prints otherwise. */
export type RelationFor = (node: Node) => Relation | RelationValue;

/** The name dbt gives the CTE of an ephemeral model in the queries that read it. */
export function ephemeralCteName(name: string): string {
  return `__dbt__cte__${name}`;
}

/** Whether a node is a model that is never built, only inlined as a CTE where it is read. */
export function isEphemeral(node: Node): node is ModelNode {
  return node.kind === 'model' && node.config.materialized === 'ephemeral';
}

// Leading comments and the WITH of a query, so that CTEs are added to its own list rather than nested around it.
const LEADING_WITH = /^(?:\s*(?:--[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*with(?:\s+recursive)?\s/i;

/** A query with CTEs put first: into its own WITH when it has one, else in a new WITH. */
export function withCtes(sql: string, ctes: ReadonlyArray<{ name: string; sql: string }>): string {
  if (ctes.length === 0) return sql;
  const list = ctes.map((c) => `${c.name} as (\n${c.sql}\n)`).join(',\n');
  const lead = LEADING_WITH.exec(sql);
  return lead ? `${lead[0]}${list},\n${sql.slice(lead[0].length)}` : `with ${list}\n${sql}`;
}

/**
 * The ephemeral models of one compile: a ref() to one prints as its CTE's name and is recorded; each is rendered once
 * (again while its run_query() calls wait for answers),
 * and a query gets the CTEs of the ephemeral models it reads, and of those they read, parents first, as dbt does.
 */
export class EphemeralModels {
  private readonly rendered = new Map<string, { sql: string; reads: ModelNode[] }>();

  constructor(
    private readonly dialect: Dialect,
    /** Where refs to the other nodes point (their relations, or the deferred state's). */
    private readonly base: RelationFor,
    /** An ephemeral model's SQL, and whether it is final (not waiting for run_query() answers): only then kept. */
    private readonly render: (node: ModelNode, relationFor: RelationFor) => { sql: string; final: boolean },
  ) {}

  /** Where refs point in a render that records the ephemeral models it reads into `reads`. */
  recording(reads: ModelNode[]): RelationFor {
    return (node) => {
      if (!isEphemeral(node)) return this.base(node);
      if (!reads.includes(node)) reads.push(node);
      return new RelationValue(node.relation, this.dialect, ephemeralCteName(node.name));
    };
  }

  /** The query with the CTEs of the ephemeral models it reads. */
  inline(sql: string, reads: readonly ModelNode[]): string {
    const ctes: Array<{ name: string; sql: string }> = [];
    const seen = new Set<string>();
    const visit = (node: ModelNode) => {
      if (seen.has(node.uniqueId)) return;
      seen.add(node.uniqueId);
      const own = this.renderOnce(node);
      own.reads.forEach(visit);
      ctes.push({ name: ephemeralCteName(node.name), sql: own.sql });
    };
    reads.forEach(visit);
    return withCtes(sql, ctes);
  }

  private renderOnce(node: ModelNode): { sql: string; reads: ModelNode[] } {
    let own = this.rendered.get(node.uniqueId);
    if (!own) {
      const reads: ModelNode[] = [];
      const { sql, final } = this.render(node, this.recording(reads));
      own = { sql, reads };
      if (final) this.rendered.set(node.uniqueId, own);
    }
    return own;
  }
}
