import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ProjectError } from '../errors.js';
import { ConfigFileError } from './config-file-error.js';
import { readProjectFile } from './project-file.js';
import { readYamlFile } from './read-yaml-file.js';

/** The files that list a project's packages, as dbt names them (dependencies.yml since dbt 1.6). */
export const PACKAGES_FILES = ['packages.yml', 'dependencies.yml'] as const;

const packagesFileSchema = z.object({
  packages: z.array(z.record(z.string(), z.unknown())).default([]),
  projects: z.unknown().optional(),
});

/** One entry of packages.yml: a local folder stedi-models can install, or one that needs the network. */
export type PackageEntry =
  { kind: 'local'; folder: string; index: number } | { kind: 'remote'; what: string; index: number; file: string };

/** The file that lists the project's packages and its entries, or undefined when it has none. */
export function readPackagesFile(projectDir: string): { file: string; entries: PackageEntry[] } | undefined {
  const found = PACKAGES_FILES.filter((f) => existsSync(path.join(projectDir, f)));
  if (found.length === 2)
    throw new ProjectError(
      `${projectDir} holds both packages.yml and dependencies.yml; dbt reads packages from one of them. Move the entries into one file.`,
    );
  const file = found[0];
  if (!file) return undefined;
  const { packages } = readYamlFile(path.join(projectDir, file), file, packagesFileSchema);
  const entries = packages.map((entry, index): PackageEntry => {
    if (typeof entry.local === 'string') return { kind: 'local', folder: entry.local, index };
    const what =
      typeof entry.package === 'string'
        ? `package ${entry.package}${entry.version === undefined ? '' : ` (version ${JSON.stringify(entry.version)})`} from dbt Hub`
        : typeof entry.git === 'string'
          ? `git ${entry.git}`
          : typeof entry.tarball === 'string'
            ? `tarball ${entry.tarball}`
            : typeof entry.private === 'string'
              ? `private ${entry.private}`
              : undefined;
    if (!what)
      throw new ConfigFileError(
        file,
        `packages[${index}]`,
        'expected one of local:, package:, git:, tarball: or private: naming where the package is',
      );
    return { kind: 'remote', what, index, file };
  });
  return { file, entries };
}

/** A package installed in the project's packages-install-path (dbt_packages/), read from its own project file. */
export interface InstalledPackage {
  name: string;
  /** Its folder, relative to the project (`dbt_packages/shop_utils`). */
  dir: string;
  modelPaths: string[];
  macroPaths: string[];
}

/** The packages `deps` installed: every folder of packages-install-path with a project file. */
export function installedPackages(projectDir: string, installPath: string): InstalledPackage[] {
  const root = path.join(projectDir, installPath);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => (entry.isDirectory() || entry.isSymbolicLink()) && !entry.name.startsWith('.'))
    .map((entry) => path.posix.join(installPath.split(path.sep).join('/'), entry.name))
    .filter((dir) => ['dbt_project.yml', 'stedi_project.yml'].some((f) => existsSync(path.join(projectDir, dir, f))))
    .sort()
    .map((dir) => {
      const file = readProjectFile(path.join(projectDir, dir));
      return { name: file.name, dir, modelPaths: file.modelPaths, macroPaths: file.macroPaths };
    });
}
