import type { AdapterCapabilities, Dialect } from '../adapters/adapter.js';
import type { RelationType, Statement } from '../core/statement.js';
import type { Relation, SourceNode } from '../core/nodes.js';
import { UnsupportedPlanError } from './plan-input.js';

/** The relation that keeps a landing source's unreadable lines: `<source>_rejects` beside it. */
export function rejectsRelation(relation: Relation): Relation {
  return { ...relation, identifier: `${relation.identifier}_rejects` };
}

/** The relation that records which landing files a source has loaded: `<source>__loaded_files` beside it. */
export function ledgerRelation(relation: Relation): Relation {
  return { ...relation, identifier: `${relation.identifier}__loaded_files` };
}

/** A landing file as listed before a load: its path, size and modification time (epoch ms). */
export interface LandingFile {
  file: string;
  size: number;
  modifiedMs: number;
}

/** What loading one landing source needs. */
export interface LandingLoadInput {
  source: SourceNode;
  existing: { table?: RelationType; rejects?: RelationType; ledger?: RelationType };
  /** The files to read, as listed at planning time (the listing, not a glob, so the load reads what was decided). */
  files: readonly LandingFile[];
  /** `append`: only new files are read and their lines added; `full`: everything is reloaded and swapped in. */
  mode: 'full' | 'append';
  dialect: Dialect;
  capabilities: AdapterCapabilities;
  newId: () => string;
}

/** The column of a fast read that numbers each row's file (0-based position in the load's list of files). */
export const FILE_NUMBER = '__stedi_file_number';

/** The purpose of the statement whose records are the per-file counts of a load. */
export const COUNT_PER_FILE = 'count loaded and rejected lines per file';

/**
 * Decides how to load a landing source: only the new files when every file loaded before is still there unchanged
 * (same size and time), else everything again — a changed or removed file may have changed rows already loaded.
 */
export function landingLoadMode(
  listed: readonly LandingFile[],
  loaded: readonly LandingFile[] | undefined,
): { mode: 'full' | 'append'; files: LandingFile[]; reason: string } {
  if (!loaded) return { mode: 'full', files: [...listed], reason: 'first load' };
  const now = new Map(listed.map((f) => [f.file, f]));
  const changed = loaded.filter(
    (f) => now.get(f.file)?.size !== f.size || now.get(f.file)?.modifiedMs !== f.modifiedMs,
  );
  if (changed.length > 0)
    return {
      mode: 'full',
      files: [...listed],
      reason: `${changed.length} loaded file(s) changed or removed, e.g. ${changed[0]!.file}`,
    };
  const known = new Set(loaded.map((f) => f.file));
  const fresh = listed.filter((f) => !known.has(f.file));
  return { mode: 'append', files: fresh, reason: `${fresh.length} new file(s)` };
}

/**
 * Plans loading a landing source into a table, every line accounted for: readable lines into the source's table, the
 * others (with file, line number, raw text and reason) into `<source>_rejects`, and the files into a ledger, all in
 * one transaction. Where the dialect has a fast read, the engine's own JSON reader reads the files and only those
 * its whole-file tests cannot vouch for are checked line by line; the counts per file are the same either way. A full load builds the three beside the old ones and swaps them in; an append adds to them. A load
 * that rejects more than the source allows fails before anything is published, so the previous tables stay.
 */
export function planLandingLoad(input: LandingLoadInput): Statement[] {
  const { source, dialect, existing } = input;
  const external = source.external;
  if (!external || !dialect.parseJsonLines || !input.capabilities.transactionalDdl) {
    throw new UnsupportedPlanError(`${source.name}: this engine cannot load landing files into tables.`);
  }
  if (input.mode === 'append' && input.files.length === 0) return [];
  const id = input.newId();
  const parsed = dialect.quoteIdentifier(`${source.name}__stedi_parsed_${id}`);
  const target = source.relation;
  const rejects = rejectsRelation(target);
  const ledger = ledgerRelation(target);
  const write = (
    relation: Relation,
    old: RelationType | undefined,
    select: string,
    purpose: string,
    reportsRows: boolean,
  ): Statement[] => {
    if (input.mode === 'append')
      return [{ sql: `insert into ${dialect.relation(relation)}\n${select}`, purpose, reportsRows }];
    const temporary = { ...relation, identifier: `${relation.identifier}__stedi_tmp_${id}` };
    return [
      { sql: `create table ${dialect.relation(temporary)} as\n${select}`, purpose, reportsRows },
      ...(old
        ? [
            {
              sql: `drop ${old} if exists ${dialect.relation(relation)}`,
              purpose: `drop the old ${relation.identifier}`,
            },
          ]
        : []),
      {
        sql: `alter table ${dialect.relation(temporary)} rename to ${dialect.quoteIdentifier(relation.identifier)}`,
        purpose: `swap the new ${relation.identifier} into place`,
      },
    ];
  };
  const limits: string[] = [];
  if (external.maxRejectedRows !== undefined) limits.push(`rejected > ${external.maxRejectedRows}`);
  if (external.maxRejectedFraction !== undefined) limits.push(`rejected > ${external.maxRejectedFraction} * total`);
  const message = dialect.quoteString(
    `${source.name}: too many unreadable landing lines (limit: ${[external.maxRejectedRows !== undefined ? `max_rejected_rows ${external.maxRejectedRows}` : '', external.maxRejectedFraction !== undefined ? `max_rejected_fraction ${external.maxRejectedFraction}` : ''].filter(Boolean).join(', ')}); the previous tables are kept. Rejected lines: `,
  );
  const columns = external.columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  const listed = input.files.length
    ? `(values ${input.files.map((f) => `(${dialect.quoteString(f.file)}, cast(${f.size} as bigint), cast(${f.modifiedMs} as bigint))`).join(', ')}) as listed(file, size, modified_ms)`
    : '(select cast(null as varchar) as file, cast(null as bigint) as size, cast(null as bigint) as modified_ms where false) as listed';
  const files = input.files.map((f) => f.file);
  const fast = dialect.readJsonLinesFast?.(files, external.columns);
  const counts = dialect.quoteIdentifier(`${source.name}__stedi_counts_${id}`);
  const checks = dialect.quoteIdentifier(`${source.name}__stedi_checks_${id}`);
  const newTarget = { ...target, identifier: `${target.identifier}__stedi_tmp_${id}` };
  // A full load reads straight into the new table (a copy from a temporary table cost more than the read itself);
  // an append reads the new files into a temporary table first, as the loaded table has no column for the file.
  const fastInto =
    input.mode === 'full' ? dialect.relation(newTarget) : dialect.quoteIdentifier(`${source.name}__stedi_fast_${id}`);
  const fileNumber = dialect.quoteIdentifier(FILE_NUMBER);
  const allNull = external.columns.map((c) => `${dialect.quoteIdentifier(c.name)} is null`).join(' and ');
  // The engine's own reader is the fast path; the line-by-line check reads only the files its tests could not vouch
  // for (a file with any suspicious line is checked whole, so its line numbers are the file's own).
  const fastStatements: Statement[] = fast
    ? [
        {
          sql: `create ${input.mode === 'full' ? '' : 'temp '}table ${fastInto} as\n${fast.rows}`,
          purpose: `read the ${input.mode === 'append' ? 'new ' : ''}landing files of ${source.name} with the engine's reader`,
        },
        {
          sql: `create temp table ${checks} as\nselect c.file_number, c.file, coalesce(c.clean and r.read = c.lines and r.all_null = 0, false) as read_whole, r.read\nfrom (\n${fast.fileChecks}\n) as c\nleft join (select ${fileNumber} as file_number, count(*) as read, count(*) filter (where ${allNull}) as all_null from ${fastInto} group by ${fileNumber}) as r on r.file_number = c.file_number`,
          purpose: `find the landing files of ${source.name} whose lines need checking one by one`,
        },
      ]
    : [];
  const readable = `select ${columns} from ${parsed} where reason is null`;
  const loadTarget: Statement[] = !fast
    ? write(target, existing.table, readable, `load the readable lines into ${source.name}`, true)
    : input.mode === 'append'
      ? [
          {
            sql: `insert into ${dialect.relation(target)}\nselect ${columns} from ${fastInto} where ${fileNumber} in (select file_number from ${checks} where read_whole)\nunion all\n${readable}`,
            purpose: `load the readable lines into ${source.name}`,
            reportsRows: true,
          },
        ]
      : [
          {
            sql: `delete from ${fastInto} where ${fileNumber} in (select file_number from ${checks} where not read_whole)`,
            purpose: `take out what the engine's reader read from the files checked line by line`,
          },
          {
            sql: `insert into ${fastInto} (${columns})\n${readable}`,
            purpose: `add the readable lines of the files checked line by line`,
          },
          {
            sql: `alter table ${fastInto} drop column ${fileNumber}`,
            purpose: `drop the file numbers from the new ${target.identifier}`,
          },
          {
            sql: `select coalesce(sum(loaded), 0) as loaded from ${counts}`,
            purpose: `count the lines loaded into ${source.name}`,
            reportsRows: true,
          },
          ...(existing.table
            ? [
                {
                  sql: `drop ${existing.table} if exists ${dialect.relation(target)}`,
                  purpose: `drop the old ${target.identifier}`,
                },
              ]
            : []),
          {
            sql: `alter table ${fastInto} rename to ${dialect.quoteIdentifier(target.identifier)}`,
            purpose: `swap the new ${target.identifier} into place`,
          },
        ];
  return [
    { sql: 'begin transaction', purpose: `start loading ${source.name}` },
    ...(dialect.checkLandingFiles && input.mode === 'full'
      ? [
          {
            sql: dialect.checkLandingFiles(external.location, source.name),
            purpose: `check that ${source.name} has landing files`,
          },
        ]
      : []),
    ...fastStatements,
    {
      sql: `create temp table ${parsed} as\n${dialect.parseJsonLines(
        files,
        external.columns,
        fast ? `select file from ${checks} where not read_whole` : undefined,
      )}`,
      purpose: `read and check the ${input.mode === 'append' ? 'new ' : ''}landing files of ${source.name}${fast ? ' that need it, line by line' : ''}`,
    },
    {
      sql: `create temp table ${counts} as\nselect file, count(*) filter (where reason is null) as loaded, count(*) filter (where reason is not null) as rejected\nfrom ${parsed}\ngroup by file${fast ? `\nunion all\nselect file, read, 0 from ${checks} where read_whole` : ''}`,
      purpose: `count the loaded and rejected lines of ${source.name}`,
    },
    ...(limits.length
      ? [
          {
            sql: `select case when ${limits.join(' or ')} then error(${message} || rejected || ' of ' || total) end as verdict\nfrom (select coalesce(sum(rejected), 0) as rejected, coalesce(sum(loaded + rejected), 0) as total from ${counts}) as counts`,
            purpose: `check the rejected lines of ${source.name} against its limit`,
          },
        ]
      : []),
    {
      sql: `select file, loaded, rejected\nfrom ${counts}\norder by file`,
      purpose: COUNT_PER_FILE,
      returnsRecords: true,
    },
    ...loadTarget,
    ...write(
      rejects,
      existing.rejects,
      `select file, line_number, raw_line, reason from ${parsed} where reason is not null`,
      `keep the unreadable lines in ${rejects.identifier}`,
      false,
    ),
    ...write(
      ledger,
      existing.ledger,
      `select listed.file, listed.size, listed.modified_ms, coalesce(c.loaded, 0) as loaded, coalesce(c.rejected, 0) as rejected\nfrom ${listed}\nleft join ${counts} as c on c.file = listed.file`,
      `record the loaded files of ${source.name}`,
      false,
    ),
    ...[parsed, counts, ...(fast ? [checks] : []), ...(fast && input.mode === 'append' ? [fastInto] : [])].map((t) => ({
      sql: `drop table ${t}`,
      purpose: 'drop the parsed lines',
    })),
    { sql: 'commit', purpose: `publish ${source.name}` },
  ];
}
