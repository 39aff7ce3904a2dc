import type { RelationType, Statement } from '../core/statement.js';
import type { Relation } from '../core/nodes.js';
import { planAudits } from './plan-audit.js';
import {
  IncrementalConfigError,
  SchemaChangeError,
  planPurge,
  replaceKeysSelect,
  replaceWhereCondition,
  withReplacedKeys,
  type ColumnShape,
  type IncrementalInput,
} from './incremental-input.js';
import { UnsupportedPlanError } from './plan-input.js';
import { planRepair } from './plan-rename-swap.js';
import { planTableMaintenance } from './plan-snapshot-expiry.js';
import { DEFAULT_SNAPSHOT_RETENTION_SECONDS } from '../project/model-config.js';

/** The name an incremental run stages its new rows under: `<name>__stedi_new_<id>`. */
export function stagedName(identifier: string, id: string): string {
  return `${identifier}__stedi_new_${id}`;
}

/** Staged tables that an interrupted incremental run of `identifier` left in the schema (sorted). */
export function findStagedLeftovers(identifier: string, catalog: ReadonlyMap<string, RelationType>): string[] {
  const pattern = new RegExp(`^${identifier.toLowerCase().replace(/[^a-z0-9_]/g, '\\$&')}__stedi_new_[a-z0-9]+$`);
  return [...catalog.keys()].filter((name) => pattern.test(name)).sort();
}

/** The columns an incremental run writes, and those it adds to the table first (decided by planIncremental). */
export interface IncrementalColumns {
  writable: readonly ColumnShape[];
  added: readonly ColumnShape[];
}

/**
 * Plans adding a model's new rows to an existing Iceberg table on an engine without multi-statement transactions
 * (Athena), where each statement that writes the table is one atomic Iceberg commit. Every step is ordered so that a
 * crash after it leaves the table as it was or with the new rows added, and leftovers are repaired by the next run:
 *
 * - `append`: one `INSERT INTO ... SELECT` straight from the model: a single commit, nothing staged, nothing left.
 * - `merge` / `delete+insert`: the new rows are staged by CTAS (`<name>__stedi_new_<id>`, a fresh location), then one
 *   `MERGE INTO` removes the rows whose key the staged rows carry and inserts the staged rows, in one commit.
 * - `replace_where`: staged the same way, then `DELETE ... WHERE <condition>` and `INSERT`: two commits.
 *
 * Then the post-hooks run (each its own commit) and the staged table is dropped. The next run drops any staged table
 * a crash left behind before it stages again.
 */
export function planIncrementalIceberg(input: IncrementalInput, columns: IncrementalColumns): Statement[] {
  const { dialect, name, relation } = input;
  const ddl = dialect.ddl ?? dialect;
  if (!dialect.tableProperties)
    throw new UnsupportedPlanError(`${name}: this engine cannot stage rows in a table of its own location.`);
  if (columns.writable.length === 0)
    throw new UnsupportedPlanError(
      `${name}: the columns of its new rows are unknown (the engine cannot describe a query), so they cannot be added.`,
    );
  const q = dialect.quoteIdentifier;
  const target = dialect.relation(relation);
  const names = columns.writable.map((c) => q(c.name));
  const list = names.join(', ');

  // A crash before the table was written leaves nothing to undo; one after it left the rows added. Either way, what
  // a previous run left staged is dropped first (and a swap's __tmp_/__bkp_ leftovers of a --full-refresh too).
  const catalog = input.catalog ?? new Map<string, RelationType>();
  const repair = planRepair(
    {
      name,
      relation,
      materialized: 'table',
      selectSql: input.selectSql,
      existing: 'table',
      catalog,
      dialect,
      capabilities: input.capabilities,
      newId: input.newId,
    },
    ddl,
  ).statements;
  const dropStaged = findStagedLeftovers(relation.identifier, catalog).map((leftover) => ({
    sql: `drop table if exists ${ddl.relation({ ...relation, identifier: leftover })}`,
    purpose: `repair an interrupted incremental run: drop the leftover ${leftover}`,
  }));
  // Adding a column is its own commit, and harmless alone: the new column is NULL in the rows already there.
  // Athena describes a query's complex columns by their kind alone (array, map, row), which DDL cannot declare.
  const undeclarable = columns.added.filter((c) => /^(array|map|row|struct)$/i.test(c.type));
  if (undeclarable.length > 0) {
    throw new SchemaChangeError(
      `${input.filePath}: ${name} adds ${undeclarable.map((c) => `${c.name} (${c.type.toLowerCase()})`).join(', ')} to its table, and Athena reports only the kind of such a column, not its element types, so it cannot be added by ALTER TABLE. Rebuild the table with --full-refresh (a CTAS takes the full type), or cast the column to a scalar type (json_format(cast(... as json)) for text).`,
    );
  }
  const addColumns: Statement[] = columns.added.map((c) => ({
    sql: `alter table ${ddl.relation(relation)} add columns (${ddl.quoteIdentifier(c.name)} ${c.type})`,
    purpose: `add column ${c.name} to ${name}`,
  }));
  const hooks: Statement[] = input.postHooks.map((sql, i) => ({ sql, purpose: `run post-hook ${i + 1} of ${name}` }));
  // The purge is its own commit, first: rows of customers who withdrew go even when the write is then refused.
  const before = [...repair, ...dropStaged, ...planPurge(input)];
  // Every MERGE, DELETE and INSERT is a commit, and MERGE and DELETE leave delete files: without a purge (which brings
  // maintenance every run), the table is maintained on its schedule, once the write is done.
  const maintain =
    !input.purge && input.maintenance && dialect.maintenanceRelation
      ? planTableMaintenance(
          relation,
          input.snapshotRetentionSeconds ?? DEFAULT_SNAPSHOT_RETENTION_SECONDS,
          dialect,
          input.maintenance,
        )
      : [];
  const audits = input.audits ?? [];

  if (input.strategy === 'append' && audits.length === 0) {
    // Nothing to remove, so nothing to stage: one INSERT is one commit, and a crash leaves no leftover.
    return [
      ...before,
      ...addColumns,
      {
        sql: `insert into ${target} (${list})\nselect ${list} from (\n${input.selectSql}\n) as n`,
        purpose: `insert the new rows into ${name}`,
        reportsRows: true,
      },
      ...hooks,
      ...maintain,
    ];
  }

  const id = input.newId();
  const stagedRelation: Relation = { ...relation, identifier: stagedName(relation.identifier, id) };
  const staged = dialect.relation(stagedRelation);
  const dropNow: Statement = {
    sql: `drop table if exists ${ddl.relation(stagedRelation)}`,
    purpose: `drop the staged rows of ${name}`,
  };
  // replace_keys: its keys are staged first, the same way, so the model's query and the MERGE read them (the
  // `k` suffix keeps the name a staged leftover that the next run would drop).
  const keysRelation: Relation = { ...relation, identifier: stagedName(relation.identifier, `${id}k`) };
  const stagedKeys = dialect.relation(keysRelation);
  const stageKeys: Statement[] =
    input.replaceKeys === undefined
      ? []
      : [
          {
            sql: `create table ${stagedKeys} with (${dialect.tableProperties(keysRelation, `${id}k`)}) as\n${replaceKeysSelect(input)}`,
            purpose: `stage the keys that replace_keys names for ${name}`,
            retryable: false,
            location: dialect.tableLocation?.(keysRelation, `${id}k`),
          },
        ];
  const dropKeys: Statement[] =
    input.replaceKeys === undefined
      ? []
      : [{ sql: `drop table if exists ${ddl.relation(keysRelation)}`, purpose: `drop the staged keys of ${name}` }];
  // The model's query runs once, into a table of its own at a fresh location (a failed attempt may leave files
  // there, so it is never retried). Dropping it later deletes its files: Athena manages an Iceberg table's data.
  const stage: Statement = {
    sql: `create table ${staged} with (${dialect.tableProperties(stagedRelation, id)}) as\n${withReplacedKeys(input.selectSql, stagedKeys)}`,
    purpose: `stage the new rows of ${name}`,
    reportsRows: true,
    retryable: false,
    location: dialect.tableLocation?.(stagedRelation, id),
  };
  const keyHooks = hooks.map((h) => ({ ...h, sql: withReplacedKeys(h.sql, stagedKeys) }));
  // Without transactions the new rows are audited as the table will be once they are written: its rows that stay,
  // and the staged rows. Nothing is written to the table before every audit passed; when one blocks, the staged
  // tables are dropped.
  const kept = (condition: string) => `select ${list} from ${target} where ${condition}`;
  const auditOn = (keptRows: string) => [
    ...planAudits(audits, `(\n${keptRows}\nunion all\nselect ${list} from ${staged}\n)`, name),
    ...(audits.length > 0
      ? [
          {
            ...dropNow,
            purpose: `drop the staged rows of ${name} if an audit refused them`,
            cleanup: 'on-failure' as const,
          },
          ...dropKeys.map((d) => ({ ...d, cleanup: 'on-failure' as const })),
        ]
      : []),
  ];

  if (input.strategy === 'append') {
    // Audited rows are staged once, so that the audits and the INSERT read them without running the model twice.
    return [
      ...before,
      stage,
      ...addColumns,
      ...auditOn(kept('true')),
      {
        sql: `insert into ${target} (${list})\nselect ${list} from ${staged}`,
        purpose: `insert the new rows into ${name}`,
      },
      ...hooks,
      dropNow,
      ...maintain,
    ];
  }

  if (input.strategy === 'replace_where') {
    // Two commits: a reader between them sees the replaced rows missing. A crash between them leaves them missing
    // until the next run; a condition that compares the table with its inputs (machine_learning_curated's changed
    // instants) finds them again, so the next run restores them.
    return [
      ...before,
      stage,
      ...addColumns,
      // The DELETE removes the rows where the condition is true; a NULL keeps the row, as it does here.
      ...auditOn(kept(`not coalesce((${replaceWhereCondition(input, staged)}), false)`)),
      {
        sql: `delete from ${target}\nwhere ${replaceWhereCondition(input, staged)}`,
        purpose: `delete the rows of ${name} that meet replace_where`,
      },
      {
        sql: `insert into ${target} (${list})\nselect ${list} from ${staged}`,
        purpose: `insert the new rows into ${name}`,
      },
      ...hooks,
      dropNow,
      ...maintain,
    ];
  }

  // merge and delete+insert: replace every row whose unique key the new rows carry by the new rows of that key.
  // A key may carry several new rows (the STEDI readings repeat (user, timestamp)), and Athena's MERGE fails when a
  // table row matches more than one source row. So the source is the staged rows, which never match (they are only
  // inserted), plus one marker row per distinct key, which matches (and deletes) the table's rows of that key. Both
  // happen in one MERGE, one Iceberg commit: readers see the old rows or the new ones, never a key with neither, as
  // they would between a DELETE and an INSERT.
  const keys = input.uniqueKey ?? [];
  const flag = q('__stedi_replaces');
  const keySet = new Set(keys.map((k) => k.toLowerCase()));
  const missing = keys.filter((k) => !columns.writable.some((c) => c.name.toLowerCase() === k.toLowerCase()));
  if (missing.length > 0)
    throw new IncrementalConfigError(
      `${input.filePath}: ${name}'s unique_key ${missing.join(', ')} is not a column the model selects. Name columns of the model in unique_key.`,
    );
  const markerValues = columns.writable
    .map((c) => (keySet.has(c.name.toLowerCase()) ? `n.${q(c.name)}` : 'null'))
    .join(', ');
  const keyList = keys.map((k) => q(k)).join(', ');
  const markerSource =
    input.replaceKeys === undefined
      ? `${staged} as n`
      : `(select ${keyList} from ${staged} union select ${keyList} from ${stagedKeys}) as n`;
  const merge: Statement = {
    sql: [
      `merge into ${target} as t`,
      'using (',
      `    select ${names.map((c) => `n.${c}`).join(', ')}, false as ${flag} from ${staged} as n`,
      '    union all',
      `    select distinct ${markerValues}, true from ${markerSource}`,
      ') as s',
      `on s.${flag} and ${keys.map((k) => `s.${q(k)} = t.${q(k)}`).join(' and ')}`,
      'when matched then delete',
      `when not matched and not s.${flag} then insert (${list}) values (${names.map((c) => `s.${c}`).join(', ')})`,
    ].join('\n'),
    purpose: `replace the rows of ${name} whose unique key the new rows${input.replaceKeys === undefined ? '' : ' or replace_keys'} carry`,
  };
  const replacedKeys =
    input.replaceKeys === undefined
      ? `select ${keyList} from ${staged}`
      : `select ${keyList} from ${staged} union select ${keyList} from ${stagedKeys}`;
  const keyMatch = keys.map((k) => `r.${q(k)} = ${target}.${q(k)}`).join(' and ');
  const audited = auditOn(kept(`not exists (select 1 from (${replacedKeys}) as r where ${keyMatch})`));
  return [
    ...before,
    ...stageKeys,
    stage,
    ...addColumns,
    ...audited,
    merge,
    ...keyHooks,
    dropNow,
    ...dropKeys,
    ...maintain,
  ];
}
