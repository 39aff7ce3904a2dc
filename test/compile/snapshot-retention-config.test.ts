import { describe, expect, it } from 'vitest';
import { cli, readTargetJson } from '../helpers/stedi-project.js';
import { fixtureProject } from '../helpers/fixture-project.js';

const PROJECT = 'name: fixture\nprofile: fixture\n';
const MESSAGE = 'must be a whole number of seconds, at least 3600 (1 hour); the default is 14400 (4 hours)';

async function compile(files: Record<string, string>, projectFile = PROJECT) {
  const dir = fixtureProject({ 'models/trusted/readings.sql': 'select 1 as id', ...files }, { projectFile });
  return { dir, run: await cli(['compile'], { cwd: dir }) };
}

describe('vacuum_max_snapshot_age_seconds: how long rows a purge deleted stay readable by time travel and stored', () => {
  it('is 4 hours unless set, and a project sets it for every model with a root +key, a folder or a model overriding it', async () => {
    const projectFile = `${PROJECT}models:\n  +vacuum_max_snapshot_age_seconds: 7200\n  trusted:\n    +materialized: table\n`;
    const { dir, run } = await compile(
      { 'models/curated/pairs.sql': '{{ config(vacuum_max_snapshot_age_seconds=3600) }} select 1 as id' },
      projectFile,
    );
    expect(run.stderr).toBe('');
    const nodes = readTargetJson(dir, 'manifest.json').nodes as Record<
      string,
      { config: { vacuumMaxSnapshotAgeSeconds: number } }
    >;
    expect(nodes['model.fixture.readings']?.config.vacuumMaxSnapshotAgeSeconds).toBe(7200);
    expect(nodes['model.fixture.pairs']?.config.vacuumMaxSnapshotAgeSeconds).toBe(3600);
    const unset = await compile({});
    expect(
      (
        readTargetJson(unset.dir, 'manifest.json').nodes['model.fixture.readings'] as {
          config: { vacuumMaxSnapshotAgeSeconds: number };
        }
      ).config.vacuumMaxSnapshotAgeSeconds,
    ).toBe(14_400);
  });

  for (const [written, what] of [
    ['600', 'under an hour'],
    ["'4h'", 'not a number'],
    ['3600.5', 'not whole seconds'],
  ] as const) {
    it(`stops compiling with the file and key when the value is ${what} (${written})`, async () => {
      const { run } = await compile({}, `${PROJECT}models:\n  +vacuum_max_snapshot_age_seconds: ${written}\n`);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/stedi_project\.yml:\d+:\d+: models\.\+vacuum_max_snapshot_age_seconds: /);
      expect(run.stderr).toContain(`: models.+vacuum_max_snapshot_age_seconds: ${MESSAGE}`);
    });
  }

  it('names the schema file or the config() call that sets a value under an hour', async () => {
    const schema = await compile({
      'models/trusted/_trusted.yml':
        'models:\n  - name: readings\n    config:\n      vacuum_max_snapshot_age_seconds: 60\n',
    });
    expect(schema.run.code).toBe(2);
    expect(schema.run.stderr).toMatch(
      /models\/trusted\/_trusted\.yml:\d+:\d+: models\[0\]\.config\.vacuum_max_snapshot_age_seconds: must be a whole number of seconds, at least 3600/,
    );
    const inline = await compile({
      'models/trusted/readings.sql': '{{ config(vacuum_max_snapshot_age_seconds=60) }} select 1 as id',
    });
    expect(inline.run.code).toBe(2);
    expect(inline.run.stderr).toContain(
      `models/trusted/readings.sql: config(vacuum_max_snapshot_age_seconds): ${MESSAGE}`,
    );
  });
});
