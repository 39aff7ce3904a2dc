/** A column of a node: the node's unique id and the column's name as the node gives it. */
export interface ColumnRef {
  node: string;
  column: string;
}

/** A parent column an output column is computed from; `pseudonymised` when only through a pseudonym() call. */
export interface ColumnOrigin extends ColumnRef {
  pseudonymised: boolean;
}

/** Where one output column of a model comes from, in its parents' columns. */
export interface ColumnLineage {
  name: string;
  /** The parent columns whose values the column's values are computed from. */
  derivedFrom: ColumnOrigin[];
  /** The parent columns that only decide which rows there are (where, join on, group by, having, qualify). */
  filteredBy: ColumnRef[];
  /** Why part of the column cannot be traced; its derivedFrom is then incomplete. */
  unknown?: string;
}

/** The column lineage of one model, from its DuckDB rendering built whole (not an incremental step). */
export interface ModelLineage {
  columns: ColumnLineage[];
  /** Why the model's output columns cannot all be named (a `*` over a relation of unknown columns). */
  unknownColumns?: string;
}
