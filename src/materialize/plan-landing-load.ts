import type { AdapterCapabilities, Dialect, RelationType, Statement } from '../adapters/adapter.js';
import type { Relation, SourceNode } from '../graph/nodes.js';
import { UnsupportedPlanError } from './plan-node.js';

/** The relation that keeps a landing source's unreadable lines: `<source>_rejects` beside it. */
export function rejectsRelation(relation: Relation): Relation {
  return { ...relation, identifier: `${relation.identifier}_rejects` };
}

/** What loading one landing source needs. */
export interface LandingLoadInput {
  source: SourceNode;
  existing: { table?: RelationType; rejects?: RelationType };
  dialect: Dialect;
  capabilities: AdapterCapabilities;
  newId: () => string;
}

/** The purpose of the statement whose records are the per-file counts of a load. */
export const COUNT_PER_FILE = 'count loaded and rejected lines per file';

/**
 * Plans loading a landing source into a table, line by line: readable lines into the source's table, the others
 * (with file, line number, raw text and reason) into `<source>_rejects`, both swapped in one transaction. A load
 * that rejects more than the source allows fails before anything is published, so the previous tables stay.
 */
export function planLandingLoad(input: LandingLoadInput): Statement[] {
  const { source, dialect, existing } = input;
  const external = source.external;
  if (!external || !dialect.parseJsonLines || !input.capabilities.transactionalDdl) {
    throw new UnsupportedPlanError(`${source.name}: this engine cannot load landing files into tables.`);
  }
  const id = input.newId();
  const parsed = dialect.quoteIdentifier(`${source.name}__stedi_parsed_${id}`);
  const target = source.relation;
  const rejects = rejectsRelation(target);
  const swap = (relation: Relation, old: RelationType | undefined, select: string, purpose: string, reportsRows: boolean): Statement[] => {
    const temporary = { ...relation, identifier: `${relation.identifier}__stedi_tmp_${id}` };
    return [
      { sql: `create table ${dialect.relation(temporary)} as\n${select}`, purpose, reportsRows },
      ...(old ? [{ sql: `drop ${old} if exists ${dialect.relation(relation)}`, purpose: `drop the old ${relation.identifier}` }] : []),
      { sql: `alter table ${dialect.relation(temporary)} rename to ${dialect.quoteIdentifier(relation.identifier)}`, purpose: `swap the new ${relation.identifier} into place` },
    ];
  };
  const limits: string[] = [];
  if (external.maxRejectedRows !== undefined) limits.push(`rejected > ${external.maxRejectedRows}`);
  if (external.maxRejectedFraction !== undefined) limits.push(`rejected > ${external.maxRejectedFraction} * total`);
  const message = dialect.quoteString(
    `${source.name}: too many unreadable landing lines (limit: ${[external.maxRejectedRows !== undefined ? `max_rejected_rows ${external.maxRejectedRows}` : '', external.maxRejectedFraction !== undefined ? `max_rejected_fraction ${external.maxRejectedFraction}` : ''].filter(Boolean).join(', ')}); the previous tables are kept. Rejected lines: `,
  );
  const columns = external.columns.map((c) => dialect.quoteIdentifier(c.name)).join(', ');
  return [
    { sql: 'begin transaction', purpose: `start loading ${source.name}` },
    ...(dialect.checkLandingFiles
      ? [{ sql: dialect.checkLandingFiles(external.location, source.name), purpose: `check that ${source.name} has landing files` }]
      : []),
    { sql: `create temp table ${parsed} as\n${dialect.parseJsonLines(external.location, external.columns)}`, purpose: `read and check the landing files of ${source.name}` },
    ...(limits.length
      ? [{
          sql: `select case when ${limits.join(' or ')} then error(${message} || rejected || ' of ' || total) end as verdict\nfrom (select count(*) filter (where reason is not null) as rejected, count(*) as total from ${parsed}) as counts`,
          purpose: `check the rejected lines of ${source.name} against its limit`,
        }]
      : []),
    {
      sql: `select file, count(*) filter (where reason is null) as loaded, count(*) filter (where reason is not null) as rejected\nfrom ${parsed}\ngroup by file\norder by file`,
      purpose: COUNT_PER_FILE,
      returnsRecords: true,
    },
    ...swap(target, existing.table, `select ${columns} from ${parsed} where reason is null`, `load the readable lines into ${source.name}`, true),
    ...swap(rejects, existing.rejects, `select file, line_number, raw_line, reason from ${parsed} where reason is not null`, `keep the unreadable lines in ${rejects.identifier}`, false),
    { sql: `drop table ${parsed}`, purpose: 'drop the parsed lines' },
    { sql: 'commit', purpose: `publish ${source.name}` },
  ];
}
