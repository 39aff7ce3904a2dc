import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './stedi-project.js';

const PROJECT_FILE = `name: fixture
profile: fixture
vars:
  greeting: hello
`;

const PROFILES = `fixture:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: target/fixture.duckdb
      schema: analytics
      threads: 4
`;

/** Writes a tiny project into a temp folder: a project file, a DuckDB profile and the given files. */
export function fixtureProject(files: Record<string, string>, options: { projectFile?: string; profiles?: string } = {}): string {
  const dir = tempDir('stedi-fixture-');
  const all = { 'stedi_project.yml': options.projectFile ?? PROJECT_FILE, 'profiles.yml': options.profiles ?? PROFILES, ...files };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}
