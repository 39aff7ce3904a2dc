import {
  parseManifest,
  type Catalog,
  type DocsInput,
  type Manifest,
  type RunResults,
} from '../../src/docs/docs-artifacts.js';

/** A node of a hand-written manifest: only what a test cares about. */
export interface FixtureNode {
  id: string;
  kind?: string;
  zone?: string;
  parents?: string[];
  description?: string;
  privacy?: string[];
  columns?: Array<{ name: string; description?: string; data_type?: string }>;
  extra?: Record<string, unknown>;
}

/** The STEDI DAG's shape: three landing sources, three trusted and two curated models. */
export const STEDI_SHAPE: FixtureNode[] = [
  { id: 'source.stedi.landing.customer_landing', kind: 'source' },
  { id: 'source.stedi.landing.accelerometer_landing', kind: 'source' },
  { id: 'source.stedi.landing.step_trainer_landing', kind: 'source' },
  { id: 'model.stedi.customer_trusted', zone: 'trusted', parents: ['source.stedi.landing.customer_landing'] },
  {
    id: 'model.stedi.accelerometer_trusted',
    zone: 'trusted',
    parents: ['source.stedi.landing.accelerometer_landing', 'model.stedi.customer_trusted'],
  },
  {
    id: 'model.stedi.customer_curated',
    zone: 'curated',
    parents: ['model.stedi.customer_trusted', 'model.stedi.accelerometer_trusted'],
  },
  {
    id: 'model.stedi.step_trainer_trusted',
    zone: 'trusted',
    parents: [
      'source.stedi.landing.step_trainer_landing',
      'source.stedi.landing.customer_landing',
      'model.stedi.customer_trusted',
      'model.stedi.customer_curated',
    ],
  },
  {
    id: 'model.stedi.machine_learning_curated',
    zone: 'curated',
    privacy: ['consent_filtered', 'identifier_free'],
    parents: ['model.stedi.step_trainer_trusted', 'model.stedi.accelerometer_trusted'],
  },
];

const nameOf = (id: string) => id.split('.').at(-1)!;

/** A manifest as `stedi-models compile` writes it, from a list of nodes (checked by the same parser docs uses). */
export function fixtureManifest(nodes: readonly FixtureNode[]): Manifest {
  const children: Record<string, string[]> = Object.fromEntries(nodes.map((n) => [n.id, []]));
  for (const n of nodes) for (const p of n.parents ?? []) children[p]?.push(n.id);
  return parseManifest({
    metadata: {
      generated_at: '2026-01-02T03:04:05.000Z',
      project_name: 'stedi',
      target: { name: 'dev', type: 'duckdb' },
    },
    nodes: Object.fromEntries(
      nodes.map((n) => {
        const kind = n.kind ?? 'model';
        const name = nameOf(n.id);
        return [
          n.id,
          {
            unique_id: n.id,
            resource_type: kind,
            name,
            original_file_path: kind === 'source' ? 'models/landing/_landing.yml' : `models/${n.zone}/${name}.sql`,
            description: n.description ?? `About ${name}.`,
            tags: [],
            relation_name: `"stedi"."stedi"."${name}"`,
            database: 'stedi',
            schema: 'stedi',
            alias: name,
            columns: Object.fromEntries(
              (n.columns ?? []).map((c) => [c.name, { description: '', data_type: null, ...c }]),
            ),
            ...(kind === 'model'
              ? {
                  config: { materialized: 'table', zone: n.zone, privacy: n.privacy ?? [] },
                  raw_code: `select 1 -- ${name}`,
                  compiled_code: `select 1 as ${name}`,
                }
              : {}),
            ...(kind === 'source'
              ? { source_name: 'landing', external: { location: `data/${name}/`, format: 'json' } }
              : {}),
            ...n.extra,
          },
        ];
      }),
    ),
    parent_map: Object.fromEntries(nodes.map((n) => [n.id, n.parents ?? []])),
    child_map: children,
  });
}

/** A catalog that read the given relations' columns. */
export function readCatalog(tables: Record<string, Array<[string, string]>>): Catalog {
  return {
    generated_at: '2026-01-02T03:04:06.000Z',
    status: 'read',
    nodes: Object.fromEntries(
      Object.entries(tables).map(([id, columns]) => [id, { columns: columns.map(([name, type]) => ({ name, type })) }]),
    ),
  };
}

/** Run results with one result per entry. */
export function runResults(
  results: Array<{ id: string; status: string; rows?: number; failures?: number; message?: string }>,
): RunResults {
  return {
    metadata: { generated_at: '2026-01-02T03:00:00.000Z', command: 'run' },
    results: results.map((r) => ({
      unique_id: r.id,
      status: r.status,
      rows: r.rows ?? null,
      failures: r.failures ?? null,
      message: r.message ?? null,
      completed_at: null,
    })),
  };
}

/** A docs input with no catalog, no run and no declared tests unless given. */
export function docsInput(nodes: readonly FixtureNode[], more: Partial<DocsInput> = {}): DocsInput {
  return {
    manifest: fixtureManifest(nodes),
    catalog: { generated_at: '2026-01-02T03:04:06.000Z', status: 'unavailable', message: 'no database yet', nodes: {} },
    extras: { declaredTests: {}, sourceSql: {} },
    ...more,
  };
}
