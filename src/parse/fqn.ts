import path from 'node:path';
import type { LoadedProject } from '../project/load-project.js';

/** The folder of a file under the first of the given resource paths that holds it ('' at its top). */
export function folderUnder(roots: readonly string[], file: string): string {
  for (const root of roots) {
    const prefix = `${root.replace(/\/+$/, '')}/`;
    if (file.startsWith(prefix)) return path.posix.dirname(file.slice(prefix.length)).replace(/^\.$/, '');
  }
  return path.posix.dirname(file).replace(/^\.$/, '');
}

/** dbt's fqn of a node: the project, the folders of its file under its resource paths, then its name parts. */
export function fqnOf(project: LoadedProject, roots: readonly string[], file: string, ...name: string[]): string[] {
  return [project.file.name, ...folderUnder(roots, file).split('/').filter(Boolean), ...name];
}
