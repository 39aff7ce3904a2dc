import { ProjectError } from '../errors.js';
import { didYouMean } from '../core/did-you-mean.js';
import { RelationValue } from '../templating/relation-value.js';
import type { Node } from '../core/nodes.js';
import { compileScope, type ProjectGraph } from './compile-project.js';

/** `show` was asked for something it cannot show (no such model, a ref that matches nothing). */
export class ShowError extends ProjectError {}

/** What `show` previews: one model, seed or source by name, or a query of its own with ref() and source(). */
export type ShowTarget = { select: string } | { inline: string };

/** The query `show` sends, and the name it reports the rows under (dbt's `node`). */
export interface ShowQuery {
  node: string;
  sql: string;
}

const SHOWABLE = new Set<Node['kind']>(['model', 'seed', 'source']);

function selectedNode(context: ProjectGraph, name: string): Node {
  const nodes = [...context.graph.nodes.values()].filter((n) => SHOWABLE.has(n.kind));
  const found = nodes.find((n) => n.name === name || (n.kind === 'source' && `${n.sourceName}.${n.name}` === name));
  if (found) return found;
  throw new ShowError(
    `show --select '${name}' matches no model, seed or source.${didYouMean(
      name,
      nodes.map((n) => n.name),
    )} It takes one name; for anything else use --inline "select ... from {{ ref('model') }}".`,
  );
}

function inlineSql(context: ProjectGraph, text: string): string {
  const { dialect } = context.engine;
  const unknown: string[] = [];
  const relationOf = (node: Node | undefined, call: string) => {
    if (node) return new RelationValue(node.relation, dialect);
    unknown.push(call);
    return '';
  };
  const scope = compileScope(context, '--inline', undefined, {
    resolveRef: (name) => relationOf(context.lookups.byRefName.get(name), `ref('${name}')`),
    resolveSource: (source, table) =>
      relationOf(context.lookups.bySourceKey.get(`${source}.${table}`), `source('${source}', '${table}')`),
  });
  const sql = context.templates.renderString(text, scope);
  const [problem] = scope.problems;
  if (problem) throw problem;
  if (unknown.length > 0) {
    const names = [...context.lookups.byRefName.keys()];
    throw new ShowError(
      unknown
        .map((call) => {
          const name = /^ref\('(.*)'\)$/.exec(call)?.[1];
          return `--inline: ${call} matches nothing in the project.${name ? didYouMean(name, names) : ''}`;
        })
        .join('\n'),
    );
  }
  return sql.trim().replace(/;+\s*$/, '');
}

/**
 * The query `show` runs, limited on the engine so that a preview of a large table reads few rows (a negative limit,
 * as dbt's `--limit -1`, shows every row).
 */
export function showQuery(context: ProjectGraph, target: ShowTarget, limit: number): ShowQuery {
  let node = 'inline_query';
  let sql: string;
  if ('select' in target) {
    const found = selectedNode(context, target.select);
    node = found.name;
    sql = `select * from ${context.engine.dialect.relation(found.relation)}`;
  } else {
    sql = inlineSql(context, target.inline);
  }
  return { node, sql: limit < 0 ? sql : `select * from (\n${sql}\n) as shown\nlimit ${limit}` };
}
