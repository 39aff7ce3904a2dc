import type { Dialect, DdlDialect } from '../adapters/adapter.js';
import type { RelationType, Statement } from '../core/statement.js';
import type { Relation } from '../core/nodes.js';
import { planAudits } from './plan-audit.js';
import { planPartitionedBuild } from './plan-partitioned-build.js';
import { UnsupportedPlanError, type PlanInput } from './plan-input.js';

/** The name a table is built under before it is swapped in: `<name>__tmp_<build id>`. */
export function temporaryName(identifier: string, buildId: string): string {
  return `${identifier}__tmp_${buildId}`;
}

/** The name the old table is moved aside to during a swap: `<name>__bkp_<build id>`. */
export function backupName(identifier: string, buildId: string): string {
  return `${identifier}__bkp_${buildId}`;
}

/** Relations an interrupted swap of `identifier` left behind, found by name in the schema's listing. */
export interface SwapLeftovers {
  temporaries: string[];
  backups: string[];
}

/** Finds the `__tmp_` and `__bkp_` siblings of a relation (sorted, so repairs are planned the same way every time). */
export function findLeftovers(identifier: string, catalog: ReadonlyMap<string, RelationType>): SwapLeftovers {
  const base = identifier.toLowerCase();
  const matching = (kind: 'tmp' | 'bkp') => {
    const pattern = new RegExp(`^${base.replace(/[^a-z0-9_]/g, '\\$&')}__${kind}_[a-z0-9]+$`);
    return [...catalog.keys()].filter((name) => pattern.test(name)).sort();
  };
  return { temporaries: matching('tmp'), backups: matching('bkp') };
}

function withIdentifier(relation: Relation, identifier: string): Relation {
  return { ...relation, identifier };
}

function rename(ddl: DdlDialect, from: Relation, to: Relation, purpose: string): Statement {
  return { sql: `alter table ${ddl.relation(from)} rename to ${ddl.relation(to)}`, purpose };
}

function dropTable(ddl: DdlDialect, relation: Relation, purpose: string): Statement {
  return { sql: `drop table if exists ${ddl.relation(relation)}`, purpose };
}

// A view is a Trino object on Athena: it is dropped with Trino's quoting, unlike a table.
function dropViewOrTable(
  dialect: Dialect,
  ddl: DdlDialect,
  relation: Relation,
  type: RelationType,
  purpose: string,
): Statement {
  return type === 'view'
    ? { sql: `drop view if exists ${dialect.relation(relation)}`, purpose }
    : dropTable(ddl, relation, purpose);
}

/**
 * Repairs what an interrupted swap left: when the relation is missing but a backup exists, the backup (the last
 * published version) is renamed back; every other leftover is dropped. Planned from the catalog as it is now, so a
 * repair that is itself interrupted is finished by the next run. Returns what exists under the name afterwards.
 */
export function planRepair(
  input: PlanInput,
  ddl: DdlDialect,
): { statements: Statement[]; existing: RelationType | undefined } {
  const { relation, name } = input;
  const { temporaries, backups } = findLeftovers(relation.identifier, input.catalog ?? new Map());
  const statements: Statement[] = [];
  let existing = input.existing;
  const remainingBackups = [...backups];
  if (!existing && remainingBackups.length > 0) {
    const restored = remainingBackups.shift()!;
    statements.push(
      rename(
        ddl,
        withIdentifier(relation, restored),
        relation,
        `repair an interrupted swap: restore ${name} from ${restored}`,
      ),
    );
    existing = 'table';
  }
  // Dropping a large Iceberg table deletes its files inside the DDL call and may time out: a leftover that cannot be
  // dropped now is in nobody's way (the new build has its own names), so its failure is a warning, not a failed node.
  for (const leftover of [...remainingBackups, ...temporaries]) {
    statements.push({
      ...dropTable(
        ddl,
        withIdentifier(relation, leftover),
        `repair an interrupted swap: drop the leftover ${leftover}`,
      ),
      warnOnFailure: `${relation.schema}.${leftover} is left; the next run of ${name} drops it again`,
    });
  }
  return { statements, existing };
}

/**
 * Plans (re)building a relation on an engine without transactional DDL. A table is built by CTAS at a fresh location
 * beside the old one, then swapped in by two renames, so readers see the old or the new table and never a half-built
 * one (only for the instant between the renames is the name absent). A view is replaced in place.
 */
export function planRenameSwap(input: PlanInput): Statement[] {
  const { dialect, relation, name } = input;
  const ddl = dialect.ddl ?? dialect;
  if (!input.capabilities.renameTable) {
    throw new UnsupportedPlanError(
      `${name}: this engine has neither transactional DDL nor table renames, so a table cannot be replaced safely.`,
    );
  }
  const repair = planRepair(input, ddl);
  const existing = repair.existing;
  const target = dialect.relation(relation);
  // Without transactions, post-hooks run once the relation is in place; a failing hook fails the model after publishing.
  const hooks: Statement[] = (input.postHooks ?? []).map((sql, i) => ({
    sql,
    purpose: `run post-hook ${i + 1} of ${name}`,
  }));
  const audits = input.audits ?? [];
  if (input.materialized === 'view') {
    // A view is replaced in place: its query is audited first, as the rows the view will give.
    const audited = planAudits(audits, `(\n${input.selectSql}\n)`, name);
    const drop =
      existing === 'table' ? [dropTable(ddl, relation, `drop the table ${name} that the view replaces`)] : [];
    return [
      ...repair.statements,
      ...audited,
      ...drop,
      { sql: `create or replace view ${target} as\n${input.selectSql}`, purpose: `create view ${name}` },
      ...hooks,
    ];
  }
  const buildId = input.newId();
  const temporary = withIdentifier(relation, temporaryName(relation.identifier, buildId));
  const partitioning = input.capabilities.maxPartitionsPerWrite ? (input.partitionedBy ?? []) : [];
  const ctas = (into: Relation, purpose: string): Statement[] => {
    if (partitioning.length > 0 && dialect.tableProperties)
      return planPartitionedBuild({
        name,
        filePath: input.filePath,
        relation,
        into,
        buildId,
        selectSql: input.selectSql,
        fields: partitioning,
        columnTypes: input.columnTypes ?? new Map(),
        maxPartitionsPerWrite: input.capabilities.maxPartitionsPerWrite!,
        dialect,
        purpose,
      });
    const properties = dialect.tableProperties ? ` with (${dialect.tableProperties(relation, buildId)})` : '';
    // Never re-run after a failure: its attempt may have left files at the location, and the retry would fail on them.
    return [
      {
        sql: `create table ${dialect.relation(into)}${properties} as\n${input.selectSql}`,
        purpose,
        reportsRows: true,
        retryable: false,
        location: dialect.tableLocation?.(relation, buildId),
      },
    ];
  };
  // A partitioned table may be written in batches: it is built under the temporary name and published only when
  // every batch is in, also when nothing is there yet.
  const batched = ctas(temporary, '').length > 1;
  if (!existing && audits.length === 0 && !batched)
    return [...repair.statements, ...ctas(relation, `build table ${name}`), ...hooks];
  const backup = withIdentifier(relation, backupName(relation.identifier, buildId));
  // The new rows are audited where they were built, under the temporary name, before anything is renamed. When an
  // audit blocks, the temporary table is dropped: rows that failed a test are not left readable under another name.
  const audit = [
    ...planAudits(audits, dialect.relation(temporary), name),
    ...(audits.length > 0
      ? [
          {
            ...dropTable(ddl, temporary, `drop the new ${name} if an audit refused it`),
            cleanup: 'on-failure' as const,
          },
        ]
      : []),
  ];
  if (!existing) {
    return [
      ...repair.statements,
      ...ctas(temporary, `build table ${name} under a temporary name`),
      ...audit,
      rename(ddl, temporary, relation, `publish ${name}`),
      ...hooks,
    ];
  }
  const moveOldAside: Statement[] =
    existing === 'table'
      ? [rename(ddl, relation, backup, `move the old ${name} aside`)]
      : [dropViewOrTable(dialect, ddl, relation, existing, `drop the view ${name} that the table replaces`)];
  return [
    ...repair.statements,
    ...ctas(temporary, `build table ${name} beside the old one`),
    ...audit,
    ...moveOldAside,
    rename(ddl, temporary, relation, `swap the new ${name} into place`),
    ...hooks,
    // The new table is published by now: a drop that fails (a large table's files are deleted inside the call, which
    // may time out) must not fail the node. The old table stays under its backup name until the next run drops it.
    ...(existing === 'table'
      ? [
          {
            ...dropTable(ddl, backup, `drop the old ${name}`),
            warnOnFailure: `the new ${name} is published; the old table is left as ${backup.schema}.${backup.identifier} until the next run of ${name} drops it`,
          },
        ]
      : []),
  ];
}
