import { readFileSync } from 'node:fs';
import path from 'node:path';
import { globSync } from 'tinyglobby';
import type { ProjectFileText } from '../core/project-file-text.js';
import { ProjectError, throwIfAny } from '../errors.js';
import type { ProjectFile } from './project-file.js';
import { installedPackages, type InstalledPackage } from './packages.js';

/** Every file stedi-models reads from a project, grouped by role. */
export interface ProjectFiles {
  modelSql: ProjectFileText[];
  schemaYml: ProjectFileText[];
  macroSql: ProjectFileText[];
  seedCsv: ProjectFileText[];
  testSql: ProjectFileText[];
  /** The packages `deps` installed, whose models, schema files and macros are among the files above. */
  packages: InstalledPackage[];
  /** Markdown files holding `{% docs %}` blocks: under docs-paths, by default every resource path, as in dbt. */
  docsMd: ProjectFileText[];
  /** The snapshots folders' .sql files, of `{% snapshot %}` blocks, for the snapshot command. */
  snapshotSql: ProjectFileText[];
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

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Models, seeds and singular tests are named after their files, and the names become relation and test names: they
 * follow the rule schema files apply to names (letters, digits and _), so every engine can name them.
 */
function badlyNamed(files: readonly ProjectFileText[], what: string): ProjectError[] {
  return files.flatMap((file) => {
    const name = path.posix.basename(file.path).replace(/\.[^.]*$/, '');
    if (NAME.test(name)) return [];
    const suggestion =
      name
        .replace(/[^A-Za-z0-9_]+/g, '_')
        .replace(/^(?=[0-9])/, '_')
        .replace(/^_+$/, '') || 'a_name';
    return [
      new ProjectError(
        `${file.path}: a ${what}'s name comes from its file name and must be letters, digits and _ only, not starting with a digit; got '${name}'. Rename the file, e.g. to ${suggestion}${path.posix.extname(file.path)}.`,
      ),
    ];
  });
}

/** Finds and reads the model, schema, macro, seed and test files of a project; throws every badly named file at once. */
export function readProjectFiles(projectDir: string, project: ProjectFile): ProjectFiles {
  const packages = installedPackages(projectDir, project.packagesInstallPath);
  // A package's models, their schema files and its macros are read as the project's own, marked with its name.
  const fromPackages = (paths: (p: InstalledPackage) => string[], patterns: readonly string[]) =>
    packages.flatMap((p) =>
      readAll(
        projectDir,
        paths(p).map((folder) => `${p.dir}/${folder}`),
        patterns,
      ).map((file) => ({ ...file, package: p.name })),
    );
  const files: ProjectFiles = {
    modelSql: [
      ...readAll(projectDir, project.modelPaths, ['**/*.sql']),
      ...fromPackages((p) => p.modelPaths, ['**/*.sql']),
    ],
    schemaYml: [
      ...readAll(projectDir, [...project.modelPaths, ...project.seedPaths], ['**/*.yml', '**/*.yaml']),
      ...fromPackages((p) => p.modelPaths, ['**/*.yml', '**/*.yaml']),
    ],
    macroSql: [
      ...readAll(projectDir, [...project.macroPaths, ...project.testPaths.map((t) => `${t}/generic`)], ['**/*.sql']),
      ...fromPackages((p) => p.macroPaths, ['**/*.sql']),
    ],
    seedCsv: readAll(projectDir, project.seedPaths, ['**/*.csv']),
    testSql: readAll(projectDir, project.testPaths, ['*.sql', '!generic/**']),
    packages,
    // A package's descriptions may name its own docs blocks (in its model and macro folders).
    docsMd: [
      ...readAll(projectDir, project.docsPaths, ['**/*.md']),
      ...fromPackages((p) => [...p.modelPaths, ...p.macroPaths], ['**/*.md']),
    ],
    snapshotSql: readAll(projectDir, project.snapshotPaths, ['**/*.sql']),
  };
  throwIfAny([
    ...badlyNamed(files.modelSql, 'model'),
    ...badlyNamed(files.seedCsv, 'seed'),
    ...badlyNamed(files.testSql, 'singular test'),
  ]);
  return files;
}
