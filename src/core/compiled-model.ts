/** A model after the compile pass: its SQL and the templates of its config, each rendered in the model's scope. */
export interface CompiledModel {
  /** The model's SELECT. */
  sql: string;
  /** Its post-hooks, in order (empty when it has none). */
  postHooks: string[];
  /** Its pre-hooks, in order, run before its build starts (absent when it has none). */
  preHooks?: string[];
  /** The replace_where condition, when the model adds to its existing table and sets one. */
  replaceWhere?: string;
  /** The replace_keys query, when the model adds to its existing table and sets one. */
  replaceKeys?: string;
  /** The purge condition, when the model adds to its existing table and sets one. */
  purge?: string;
}

/** A model's compiled record; a bare SQL string stands for a model with no hooks and nothing incremental to render. */
export function compiledModelOf(compiled: CompiledModel | string): CompiledModel {
  return typeof compiled === 'string' ? { sql: compiled, postHooks: [] } : compiled;
}
