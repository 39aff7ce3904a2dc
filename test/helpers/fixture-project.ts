import { DuckDbAdapter } from '../../src/adapters/duckdb/duckdb-adapter.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './stedi-project.js';

// Vars are set only by the fixtures that read them: a var nothing reads stops every command.
const projectFile = (vars: Record<string, string>) =>
  `name: fixture\nprofile: fixture\n${
    Object.keys(vars).length > 0
      ? `vars:\n${Object.entries(vars)
          .map(([k, v]) => `  ${k}: ${v}\n`)
          .join('')}`
      : ''
  }`;

const PROFILES = `fixture:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: target/fixture.duckdb
      schema: analytics
      threads: 4
`;

/** Writes a tiny project into a temp folder: a project file (with the given vars), a DuckDB profile and the given files. */
export function fixtureProject(
  files: Record<string, string>,
  options: {
    projectFile?: string;
    /** dbt_project.yml to write the project file as dbt names it. */
    projectFileName?: string;
    profiles?: string;
    vars?: Record<string, string>;
  } = {},
): string {
  const dir = tempDir('stedi-fixture-');
  const all = {
    [options.projectFileName ?? 'stedi_project.yml']: options.projectFile ?? projectFile(options.vars ?? {}),
    'profiles.yml': options.profiles ?? PROFILES,
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

/** Rows of a query on a fixture project's DuckDB file (target/fixture.duckdb, the fixture profile's path). */
export async function queryFixtureDb(dir: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const adapter = await DuckDbAdapter.open({ path: 'target/fixture.duckdb', settings: {} }, dir);
  try {
    return await adapter.query(sql);
  } finally {
    await adapter.close();
  }
}
