import type { Dialect } from '../adapters/adapter.js';
import type { Statement } from '../core/statement.js';
import type { Relation } from '../core/nodes.js';
import { planAudits } from './plan-audit.js';
import type { PlanInput } from './plan-input.js';
import { planRenameSwap } from './plan-rename-swap.js';

function sibling(relation: Relation, identifier: string): Relation {
  return { ...relation, identifier };
}

function dropExisting(input: PlanInput): Statement[] {
  if (!input.existing) return [];
  const kind = input.existing === 'view' ? 'view' : 'table';
  return [
    {
      sql: `drop ${kind} if exists ${input.dialect.relation(input.relation)}`,
      purpose: `drop the old ${kind} ${input.name}`,
    },
  ];
}

/** Statements that create every schema the run writes to. */
export function planSchemas(relations: readonly Relation[], dialect: Dialect): Statement[] {
  const seen = new Map<string, Relation>();
  for (const r of relations) seen.set(`${r.database ?? ''}.${r.schema}`, r);
  return [...seen.values()].map((r) => {
    // Creating a schema is DDL: on engines with a DDL grammar of their own (Athena's Hive), it is quoted by its rules.
    const quote = (dialect.ddl ?? dialect).quoteIdentifier;
    const name = [r.database, r.schema]
      .filter((p): p is string => p !== undefined)
      .map(quote)
      .join('.');
    return { sql: `create schema if not exists ${name}`, purpose: `create schema ${r.schema}` };
  });
}

/** A model's post-hooks, run in its transaction once the relation is in place (views too, as in dbt). */
function postHooks({ postHooks: hooks = [], name }: PlanInput): Statement[] {
  return hooks.map((sql, i) => ({ sql, purpose: `run post-hook ${i + 1} of ${name}` }));
}

/**
 * Plans the statements that (re)build one relation so readers never see it half-built: a table is built beside the
 * old one and swapped in the same transaction; a view is replaced in one transaction. Engines without transactional
 * DDL get a rename swap instead (plan-rename-swap.ts).
 */
export function planRelation(input: PlanInput): Statement[] {
  const { dialect, capabilities, relation, name } = input;
  if (!capabilities.transactionalDdl) return planRenameSwap(input);
  const target = dialect.relation(relation);
  const begin: Statement = { sql: 'begin transaction', purpose: `start replacing ${name}` };
  const commit: Statement = { sql: 'commit', purpose: `publish ${name}` };
  // Inside the transaction the relation's name already holds the new rows, and nobody else sees them before commit.
  const audits = planAudits(input.audits ?? [], target, name);
  if (input.materialized === 'view') {
    // `create or replace view` cannot replace a table: drop whatever is there unless it is already a view.
    const drop = input.existing === 'table' ? dropExisting(input) : [];
    return [
      begin,
      ...drop,
      { sql: `create or replace view ${target} as\n${input.selectSql}`, purpose: `create view ${name}` },
      ...postHooks(input),
      ...audits,
      commit,
    ];
  }
  const temporary = sibling(relation, `${relation.identifier}__stedi_tmp_${input.newId()}`);
  return [
    begin,
    {
      sql: `create table ${dialect.relation(temporary)} as\n${input.selectSql}`,
      purpose: `build table ${name} beside the old one`,
      reportsRows: true,
    },
    ...dropExisting(input),
    {
      sql: `alter table ${dialect.relation(temporary)} rename to ${dialect.quoteIdentifier(relation.identifier)}`,
      purpose: `swap the new ${name} into place`,
    },
    ...postHooks(input),
    ...audits,
    commit,
  ];
}
