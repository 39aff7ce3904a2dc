import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import type { ProjectFile } from './project-file.js';

/** One text file of the project: its path relative to the project (posix separators) and its content. */
export interface ProjectFileText {
  path: string;
  text: string;
}

/** Every file stedi-models reads from a project, grouped by role. */
export interface ProjectFiles {
  modelSql: ProjectFileText[];
  schemaYml: ProjectFileText[];
  macroSql: ProjectFileText[];
  seedCsv: ProjectFileText[];
  testSql: ProjectFileText[];
}

function readAll(projectDir: string, folders: readonly string[], patterns: readonly string[]): ProjectFileText[] {
  const files = folders.flatMap((folder) =>
    globSync(
      patterns.map((p) => `${folder.replace(/\/+$/, '')}/${p}`),
      { cwd: projectDir, onlyFiles: true, expandDirectories: false },
    ),
  );
  // Sorted so that every run sees the project in the same order, whatever the file system returns.
  return [...new Set(files)]
    .sort()
    .map((rel) => ({ path: rel.split(path.sep).join('/'), text: readFileSync(path.join(projectDir, rel), 'utf8') }));
}

/** Finds and reads the model, schema, macro, seed and test files of a project. */
export function readProjectFiles(projectDir: string, project: ProjectFile): ProjectFiles {
  return {
    modelSql: readAll(projectDir, project.modelPaths, ['**/*.sql']),
    schemaYml: readAll(projectDir, [...project.modelPaths, ...project.seedPaths], ['**/*.yml', '**/*.yaml']),
    macroSql: readAll(projectDir, [...project.macroPaths, ...project.testPaths.map((t) => `${t}/generic`)], ['**/*.sql']),
    seedCsv: readAll(projectDir, project.seedPaths, ['**/*.csv']),
    testSql: readAll(projectDir, project.testPaths, ['*.sql', '!generic/**']),
  };
}
