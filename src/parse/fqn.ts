import path from 'node:path';
import type { ProjectFileText } from '../core/project-file-text.js';
import { appliesTo } from '../project/config-tree.js';
import type { LoadedProject } from '../project/load-project.js';
import type { FolderConfig } from '../project/project-file.js';

/** The folder of a file under the first of the given resource paths that holds it ('' at its top). */
export function folderUnder(roots: readonly string[], file: string): string {
  for (const root of roots) {
    const prefix = `${root.replace(/\/+$/, '')}/`;
    if (file.startsWith(prefix)) return path.posix.dirname(file.slice(prefix.length)).replace(/^\.$/, '');
  }
  return path.posix.dirname(file).replace(/^\.$/, '');
}

/** dbt's fully qualified name of a model or seed: [project, folder..., name], what project-file config paths match. */
export function fqnOf(project: LoadedProject, folder: string, name: string, packageName?: string): string[] {
  return [packageName ?? project.file.name, ...folder.split('/').filter(Boolean), name];
}

/**
 * dbt's fqn of a node read from a file: its package (the project, or an installed package), the file's folders under
 * its resource paths, its name parts.
 */
export function fileFqn(owner: string, roots: readonly string[], file: string, ...name: string[]): string[] {
  return [owner, ...folderUnder(roots, file).split('/').filter(Boolean), ...name];
}

/** The folders a model file may sit under: the project's model-paths, or its package's inside dbt_packages/. */
export function modelRoots(project: LoadedProject, file: Pick<ProjectFileText, 'package'>): string[] {
  const own = project.files.packages.find((p) => p.name === file.package);
  return own ? own.modelPaths.map((m) => `${own.dir}/${m}`) : project.file.modelPaths;
}

/** Which package a file belongs to, by dbt's name: an installed package's, else the project's. */
export function ownerOf(project: LoadedProject, file: Pick<ProjectFileText, 'package'>): string {
  return file.package ?? project.file.name;
}

/** The project-file configs that apply to a resource, shallowest first so that the deepest path's config wins. */
export function configsFor<T>(entries: ReadonlyArray<FolderConfig<T>>, fqn: readonly string[]): T[] {
  return entries
    .filter((c) => appliesTo(c.path, fqn))
    .sort((a, b) => a.path.length - b.path.length)
    .map((c) => c.config);
}
