import type { Adapter } from '../adapters/adapter.js';
import type { RelationType, Row, Statement, StatementResult } from '../core/statement.js';
import {
  COUNT_PER_FILE,
  ledgerRelation,
  landingLoadMode,
  planLandingLoad,
  rejectsRelation,
  type LandingFile,
} from '../materialize/plan-landing-load.js';
import { StatementFailedError } from '../adapters/statement-failed-error.js';
import { nodeSqlPath, writeArtifact } from '../compile/artifacts.js';
import type { ProjectGraph } from '../compile/compile-project.js';
import { messageOf, StediError } from '../errors.js';
import type { DataTestNode, ModelNode, Node, Relation, SeedNode, SourceNode } from '../core/nodes.js';
import { AuditFailedError } from '../adapters/audit-failed-error.js';
import { auditCounts, compileAudits, notPublished } from './audit-model.js';
import { seedSelectSql } from '../materialize/seed-select.js';
import { planRelation } from '../materialize/plan-node.js';
import { planIncremental } from '../materialize/plan-incremental.js';
import {
  refuseStandInsWhenBuiltWhole,
  withReplacedKeysInline,
  type ColumnShape,
} from '../materialize/incremental-input.js';
import { planTableDifference, sameColumns } from '../materialize/plan-table-difference.js';
import {
  chooseWriteStrategy,
  mayWriteDifference,
  type CatalogFacts,
  type WriteSubject,
} from '../materialize/write-strategy.js';
import { compiledModelOf, type CompiledModel } from '../core/compiled-model.js';
import { planExternalTable } from '../materialize/plan-external-table.js';
import { sourceSelectSql } from '../materialize/plan-source.js';
import type { RanOutcome } from './node-result.js';

/** A node could not be built; names the node, its file, the failed step and the engine's own message. */
export class NodeFailedError extends StediError {
  constructor(
    message: string,
    readonly sqlPath: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What building nodes needs: the compiled project, a connected engine and the compiled models. */
export interface BuildContext {
  context: ProjectGraph;
  adapter: Adapter;
  /** The compiled models by id (a bare SQL string: a model with no hooks and nothing incremental). */
  compiled: ReadonlyMap<string, CompiledModel | string>;
  /** `--defer`: the relation a ref to an unselected node reads instead. */
  deferredRelation?: (node: Node) => Relation | undefined;
  /** `--full-refresh`: incremental models are rebuilt as tables. */
  fullRefresh?: boolean;
  /** The data tests that audit each model's new rows before they are published, by model id. */
  audits?: ReadonlyMap<string, readonly DataTestNode[]>;
  /**
   * Receives each audit's failure count, and whether it stopped its model from being published: a data test of
   * `build` then reports it instead of counting again.
   */
  onAudited?: (testId: string, failures: number, blocked: boolean, model: string) => void;
  newId: () => string;
}

function label(node: ModelNode | SourceNode | SeedNode): string {
  if (node.kind === 'source') return `Source ${node.sourceName}.${node.name} (${node.filePath})`;
  return `${node.kind === 'model' ? 'Model' : 'Seed'} ${node.name} (${node.filePath})`;
}

function hint(node: ModelNode | SourceNode | SeedNode, message: string): string {
  if (node.kind === 'source' && /no files found|cannot open file|no such file/i.test(message)) {
    return `\n  Landing files are read from ${node.external?.location}; check var landing_root (stedi_project.yml or --vars), or create data with \`stedi-models generate-data\`.`;
  }
  return '';
}

type BuildableNode = ModelNode | SourceNode | SeedNode;

/**
 * A landing source is loaded from the files listed now: only the new ones when everything loaded before is still
 * there unchanged, else all of them again (and always all with --full-refresh).
 */
async function planLanding(
  build: BuildContext,
  node: SourceNode,
  inSchema: ReadonlyMap<string, RelationType>,
  existing: RelationType | undefined,
): Promise<{ statements: Statement[]; materialized: string }> {
  const { adapter } = build;
  const { dialect } = adapter;
  const rejects = inSchema.get(rejectsRelation(node.relation).identifier.toLowerCase());
  const ledger = inSchema.get(ledgerRelation(node.relation).identifier.toLowerCase());
  const asFile = (r: Row): LandingFile => ({
    file: String(r.file),
    size: Number(r.size),
    modifiedMs: Number(r.modified_ms),
  });
  const listed = dialect.listLandingFiles
    ? (await adapter.query(dialect.listLandingFiles(node.external!.location))).map(asFile)
    : [];
  const canAppend = existing === 'table' && rejects === 'table' && ledger === 'table' && !build.fullRefresh;
  const loaded = canAppend
    ? (
        await adapter.query(`select file, size, modified_ms from ${dialect.relation(ledgerRelation(node.relation))}`)
      ).map(asFile)
    : undefined;
  const { mode, files } = landingLoadMode(listed, loaded);
  const statements = planLandingLoad({
    source: node,
    existing: { table: existing, rejects, ledger },
    files,
    mode,
    dialect,
    capabilities: adapter.capabilities,
    newId: build.newId,
  });
  return {
    statements,
    materialized: mode === 'append' ? (files.length ? 'new landing files into' : 'no new landing files for') : 'table',
  };
}

/**
 * The table's columns and those its model's query returns, to decide how its rows can be written. A query the engine
 * cannot describe (a typo, a missing table) fails the node here, naming the model, its file and its compiled SQL.
 */
async function tableAndQueryColumns(
  build: BuildContext,
  node: ModelNode,
  sql: string,
  signal: AbortSignal,
): Promise<[ColumnShape[], ColumnShape[]]> {
  const { adapter } = build;
  try {
    return await Promise.all([
      adapter.listColumns?.(node.relation) ?? [],
      adapter.describeQuery?.(sql, { signal }) ?? [],
    ]);
  } catch (error) {
    if (signal.aborted) throw error;
    const compiledPath = nodeSqlPath(build.context, node, 'compiled');
    throw new NodeFailedError(
      `${label(node)} failed to read the columns of its query:\n  ${messageOf(error).replace(/\n/g, '\n  ')}\n  Compiled SQL: ${compiledPath}`,
      compiledPath,
      { cause: error },
    );
  }
}

/** What the strategy function needs to know of a node. */
function writeSubject(node: BuildableNode): WriteSubject {
  return node.kind === 'model' ? { kind: 'model', materialized: node.config.materialized } : { kind: node.kind };
}

/** The statements that (re)build a node, with how the node is materialized. */
async function planNode(
  build: BuildContext,
  node: BuildableNode,
  signal: AbortSignal,
): Promise<{ statements: Statement[]; materialized: string }> {
  const { adapter } = build;
  const { dialect, capabilities } = adapter;
  const inSchema = await adapter.listRelations(node.relation.schema);
  const existing = inSchema.get(node.relation.identifier.toLowerCase());
  const subject = writeSubject(node);
  const facts: CatalogFacts = { existing, fullRefresh: build.fullRefresh === true };
  // What the catalog alone decides; a table's columns, read below only when they matter, may still choose a difference.
  const early = chooseWriteStrategy(subject, facts, capabilities);
  if (node.kind === 'source' && early.kind === 'load-landing-files')
    return planLanding(build, node, inSchema, existing);
  if (node.kind === 'source' && early.kind === 'declare-external-table') {
    const properties = (await adapter.listTableProperties?.(node.relation.schema))?.get(
      node.relation.identifier.toLowerCase(),
    );
    return {
      statements: planExternalTable({ source: node, existing, properties, dialect }),
      materialized: 'external table',
    };
  }
  if (existing === 'table') await refuseForeignTable(build, node);
  const model = node.kind === 'model' ? compiledModelOf(build.compiled.get(node.uniqueId)!) : undefined;
  const selectSql = model
    ? model.sql
    : node.kind === 'seed'
      ? seedSelectSql(node, dialect)
      : sourceSelectSql(node as SourceNode, dialect);
  const postHooks = model?.postHooks ?? [];
  const replaceKeys = model?.replaceKeys;
  // The keys of replace_keys are staged only when the plan runs: the model's columns are read with them inline.
  const described =
    node.kind !== 'model' || replaceKeys === undefined
      ? selectSql
      : withReplacedKeysInline(selectSql, { replaceKeys, uniqueKey: node.config.uniqueKey, dialect });
  // The engine describes the model's query at most once (on Athena that is a query), when a plan or an audit needs it.
  let columns: Promise<[ColumnShape[], ColumnShape[]]> | undefined;
  const tableAndQuery = () => (columns ??= tableAndQueryColumns(build, node as ModelNode, described, signal));
  const tests = build.audits?.get(node.uniqueId) ?? [];
  const audits =
    node.kind === 'model'
      ? await compileAudits(
          { context: build.context, dialect, tests, deferredRelation: build.deferredRelation },
          node,
          async () => (await tableAndQuery())[1],
        )
      : [];
  if (early.kind !== 'add-rows' && node.kind === 'model') refuseStandInsWhenBuiltWhole(node, [selectSql, ...postHooks]);
  // Whether the table's columns still match its query decides whether it can be written as a difference.
  const sameColumnsNow = mayWriteDifference(subject, facts, capabilities)
    ? sameColumns(...(await tableAndQuery()))
    : undefined;
  const strategy = chooseWriteStrategy(subject, { ...facts, sameColumns: sameColumnsNow }, capabilities);
  switch (strategy.kind) {
    case 'add-rows': {
      const { config } = node as ModelNode;
      const [tableColumns, newColumns] = await tableAndQuery();
      const statements = planIncremental({
        name: node.name,
        filePath: node.filePath,
        relation: node.relation,
        selectSql,
        strategy: config.incrementalStrategy,
        uniqueKey: config.uniqueKey,
        replaceWhere: model?.replaceWhere,
        replaceKeys,
        onSchemaChange: config.onSchemaChange,
        tableColumns,
        newColumns,
        postHooks,
        purge: model?.purge,
        snapshotRetentionSeconds: config.vacuumMaxSnapshotAgeSeconds,
        maintenance: {
          afterCommits: config.maintenanceAfterCommits,
          afterDeleteFiles: config.maintenanceAfterDeleteFiles,
        },
        audits,
        catalog: inSchema,
        dialect,
        capabilities,
        newId: build.newId,
      });
      return { statements, materialized: 'incremental' };
    }
    case 'write-difference': {
      const [tableColumns] = await tableAndQuery();
      return {
        statements: planTableDifference({
          name: node.name,
          relation: node.relation,
          selectSql,
          columns: tableColumns,
          postHooks,
          audits,
          dialect,
          newId: build.newId,
        }),
        materialized: 'table',
      };
    }
    case 'replace': {
      const { materialized } = strategy;
      const statements = planRelation({
        postHooks,
        audits,
        name: node.name,
        relation: node.relation,
        materialized,
        selectSql,
        existing,
        catalog: inSchema,
        dialect,
        capabilities,
        newId: build.newId,
        ...(node.kind === 'model' ? partitioningOf(node) : {}),
      });
      return { statements, materialized };
    }
    case 'load-landing-files':
    case 'declare-external-table':
      throw new Error(`planNode: ${node.uniqueId} is a ${node.kind}, not a landing source`);
    default: {
      const never: never = strategy;
      return never;
    }
  }
}

/** A model's partition fields, the declared types of its columns (how a truncate field groups) and its file. */
function partitioningOf(node: ModelNode) {
  return {
    partitionedBy: node.config.partitionedBy,
    columnTypes: new Map(
      node.columns.flatMap((c) => (c.dataType ? [[c.name.toLowerCase(), c.dataType] as const] : [])),
    ),
    filePath: node.filePath,
  };
}

/**
 * On an engine whose tables carry their format in the catalog (Athena), a table in a model's or seed's place that is
 * not Iceberg (a Hive table made by hand or by another tool) can be neither renamed nor merged into: Athena would
 * fail half-way with its own message. Say so before anything is sent, with the fix; its data is left alone.
 */
async function refuseForeignTable(build: BuildContext, node: BuildableNode): Promise<void> {
  const { schema, identifier } = node.relation;
  const properties = (await build.adapter.listTableProperties?.(schema))?.get(identifier.toLowerCase());
  const format = properties?.table_type;
  if (properties === undefined || format?.toUpperCase() === 'ICEBERG') return;
  throw new NodeFailedError(
    `${schema}.${identifier} exists as a ${format ? `${format} ` : 'non-Iceberg '}table that stedi-models did not create: ${node.name} (${node.filePath}) is built as an Iceberg table, which cannot replace it by rename or add rows to it. Move that table's data elsewhere if it is needed, drop it (DROP TABLE \`${schema}\`.\`${identifier}\`), then run again.`,
    nodeSqlPath(build.context, node, 'run'),
  );
}

/** A landing load's per-file counts, and a warning that names the files with rejected lines. */
function landingReport(
  node: BuildableNode,
  results: readonly StatementResult[],
  statements: readonly Statement[],
): Pick<RanOutcome, 'status' | 'message' | 'landingFiles' | 'stats'> {
  const index = statements.findIndex((s) => s.purpose === COUNT_PER_FILE);
  if (index < 0) return {};
  const perFile = (results[index]?.records ?? []).map((r) => ({
    file: String(r.file),
    loaded: Number(r.loaded),
    rejected: Number(r.rejected),
  }));
  const rejected = perFile.reduce((sum, f) => sum + f.rejected, 0);
  const stats = { files: perFile.length, rejected_rows: rejected };
  if (rejected === 0) return { stats, landingFiles: perFile };
  const files = perFile.filter((f) => f.rejected > 0).map((f) => `${f.file}: ${f.rejected}`);
  return {
    status: 'warn',
    stats,
    landingFiles: perFile,
    message: `${node.name}: ${rejected} landing line${rejected === 1 ? '' : 's'} could not be read and ${rejected === 1 ? 'was' : 'were'} kept in ${node.relation.schema}.${rejectsRelation(node.relation).identifier} (${files.join(', ')})`,
  };
}

/** Plans and runs the statements that build one node's relation; returns its outcome or throws NodeFailedError. */
export async function buildNode(build: BuildContext, id: string, signal: AbortSignal): Promise<RanOutcome> {
  const { context, adapter } = build;
  const node = context.graph.nodes.get(id)!;
  if (node.kind === 'data_test' || node.kind === 'unit_test')
    throw new Error(`buildNode: ${id} is a ${node.kind}, not a relation to build`);
  const planned = await planNode(build, node, signal);
  const { materialized } = planned;
  // Pre-hooks run before the build starts, outside its transaction: a failing one fails the node before it is touched.
  const preHooks = node.kind === 'model' ? (compiledModelOf(build.compiled.get(id)!).preHooks ?? []) : [];
  const statements: Statement[] = [
    ...preHooks.map((sql, i) => ({ sql, purpose: `run pre-hook ${i + 1} of ${node.name}` })),
    ...planned.statements,
  ];
  const runPath = nodeSqlPath(context, node, 'run');
  writeArtifact(context, runPath, `${statements.map((s) => `-- ${s.purpose}\n${s.sql}`).join('\n;\n\n')}\n;\n`);
  let results: StatementResult[];
  try {
    results = await adapter.executePlan(statements, { signal });
  } catch (error) {
    const compiledPath = node.kind === 'model' ? nodeSqlPath(context, node, 'compiled') : runPath;
    if (error instanceof AuditFailedError) {
      const test = build.audits?.get(node.uniqueId)?.find((t) => t.name === error.test);
      if (test && error.failures !== undefined) build.onAudited?.(test.uniqueId, error.failures, true, node.name);
      throw new NodeFailedError(`${label(node)} ${notPublished(node, error, runPath)}`, runPath, { cause: error });
    }
    if (error instanceof StatementFailedError) {
      throw new NodeFailedError(
        `${label(node)} failed to ${error.statement.purpose}:\n  ${error.engineMessage.replace(/\n/g, '\n  ')}${hint(node, error.engineMessage)}\n  ${node.kind === 'model' ? 'Compiled SQL' : 'Statements'}: ${compiledPath}`,
        compiledPath,
        { cause: error },
      );
    }
    throw error;
  }
  // A rebuilt relation is a new one where the engine keeps grants apart (Athena: Lake Formation): grant them again.
  const grants = node.kind === 'model' && materialized !== 'incremental' ? node.config.grants : undefined;
  if (grants && adapter.applyGrants) {
    try {
      await adapter.applyGrants(node.relation, grants);
    } catch (error) {
      throw new NodeFailedError(
        `${label(node)} is published, but its grants could not be applied:\n  ${messageOf(error).replace(/\n/g, '\n  ')}\n  Until they are, only principals with access to the whole database can read it; the next run applies them again.`,
        runPath,
        { cause: error },
      );
    }
  }
  const rows = results.reduce<number | undefined>(
    (sum, r, i) => (r.rows === undefined || !statements[i]!.reportsRows ? sum : (sum ?? 0) + r.rows),
    undefined,
  );
  const audited = auditCounts(build.audits?.get(node.uniqueId) ?? [], build.onAudited, node, statements, results);
  const counted = countedStats(statements, results);
  const landing = landingReport(node, results, statements);
  // Tidying statements that failed (an old table that could not be dropped): the node is built, with a warning.
  const warnings = [landing.message, ...results.map((r) => r.warning && `${node.name}: ${r.warning}`)].filter(
    (m): m is string => Boolean(m),
  );
  // The engine's query stats (cost) are added by the runner: the adapter measures every query it sends.
  return {
    status: warnings.length > 0 ? 'warn' : landing.status,
    message: warnings.length > 0 ? warnings.join('\n') : undefined,
    landingFiles: landing.landingFiles,
    description: `${materialized} ${node.relation.schema}.${node.relation.identifier}`,
    rows,
    sqlPath: runPath,
    stats: landing.stats || counted ? { ...landing.stats, ...counted } : undefined,
    audits: audited.length > 0 ? audited : undefined,
  };
}

/** The rows that statements marked `countsAs` wrote or deleted, summed by name (a table written as a difference). */
function countedStats(
  statements: readonly Statement[],
  results: readonly StatementResult[],
): Record<string, number> | undefined {
  const counts: Record<string, number> = {};
  statements.forEach((s, i) => {
    if (s.countsAs) counts[s.countsAs] = (counts[s.countsAs] ?? 0) + (results[i]?.rows ?? 0);
  });
  return Object.keys(counts).length ? counts : undefined;
}
